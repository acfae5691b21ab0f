/**
 * BatchMatMul on the gpu.js backends: [..., M, K] @ [..., K, N] with numpy batch broadcasting
 * and transposeA / transposeB, float32 and complex64 (interleaved (re, im) pairs, the CPU
 * backend's layout). One gpu.js thread computes one output value; the K loop is bounded by a
 * constant of the compiled kernel (gpu.js cuts loops bounded by kernel ARGUMENTS at 1000
 * iterations), so K is part of the kernel cache key together with every other size.
 *
 * Routing: on the webgpu backend float32 and complex64 products go to the hand-written WGSL
 * kernels (../wgsl/matmul.ts); on the wasm backend to ../wasm/matmul.ts; everything else runs
 * here.
 */
import { type KernelAttrs, type KernelFn, sizeOf, type TensorInfo } from "@modewise/tensor";
import { wasmBatchMatMul } from "../wasm/matmul.js";
import { wgslBatchMatMul } from "../wgsl/matmul.js";
import { type GpuKernelThis, type LinalgHost, launch } from "./linalg-host.js";
import { matMulGeometry } from "./matmul-geometry.js";

export { type MatMulGeometry, matMulGeometry } from "./matmul-geometry.js";

/**
 * Real product. Thread x = ((batch * M) + m) * N + n. The operand strides (sAm, sAk, sBk, sBn)
 * encode the transposes, so one kernel body serves all four layouts without a branch in the loop.
 */
function realMatMul(
  this: GpuKernelThis,
  a: Float32Array,
  b: Float32Array,
  offA: Float32Array,
  offB: Float32Array,
): number {
  const idx = this.thread.x;
  const n = idx % this.constants.N;
  const rest = Math.floor(idx / this.constants.N);
  const m = rest % this.constants.M;
  const bi = Math.floor(rest / this.constants.M);
  const baseA = offA[bi] + m * this.constants.sAm;
  const baseB = offB[bi] + n * this.constants.sBn;
  let sum = 0;
  for (let k = 0; k < this.constants.K; k++) {
    sum += a[baseA + k * this.constants.sAk] * b[baseB + k * this.constants.sBk];
  }
  return sum;
}

/**
 * Complex product on interleaved storage. Thread x = 2 * element + part; each thread
 * accumulates the full complex dot product and returns its real (part 0) or imaginary part.
 */
function complexMatMul(
  this: GpuKernelThis,
  a: Float32Array,
  b: Float32Array,
  offA: Float32Array,
  offB: Float32Array,
): number {
  const idx = Math.floor(this.thread.x / 2);
  const part = this.thread.x - 2 * idx;
  const n = idx % this.constants.N;
  const rest = Math.floor(idx / this.constants.N);
  const m = rest % this.constants.M;
  const bi = Math.floor(rest / this.constants.M);
  const baseA = offA[bi] + m * this.constants.sAm;
  const baseB = offB[bi] + n * this.constants.sBn;
  let re = 0;
  let im = 0;
  for (let k = 0; k < this.constants.K; k++) {
    const ia = 2 * (baseA + k * this.constants.sAk);
    const ib = 2 * (baseB + k * this.constants.sBk);
    const ar = a[ia];
    const ai = a[ia + 1];
    const br = b[ib];
    const bim = b[ib + 1];
    re += ar * br - ai * bim;
    im += ar * bim + ai * br;
  }
  if (part === 0) return re;
  return im;
}

/** The gpu.js path (every backend): one kernel per (dtype, sizes, layout, batch). */
export function gpuJsBatchMatMul(
  host: LinalgHost,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  outShapeOverride?: number[],
  op = "BatchMatMul",
): TensorInfo {
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  const { M, N, K } = g;
  const nb = sizeOf(g.batch);
  const complex = a.dtype === "complex64";
  const outShape = outShapeOverride ?? [...g.batch, M, N];
  const count = nb * M * N * (complex ? 2 : 1);
  const constants = {
    M,
    N,
    K,
    sAm: transposeA ? 1 : K,
    sAk: transposeA ? M : 1,
    sBk: transposeB ? 1 : N,
    sBn: transposeB ? K : 1,
  };
  if (count === 0) return host.adopt(new Float32Array(0), outShape, a.dtype);
  const key = `linalg.matmul:${a.dtype}:${M}x${K}x${N}:${transposeA ? "T" : "N"}${transposeB ? "T" : "N"}:b${nb}`;
  const build = () =>
    host.gpu.createKernel(complex ? complexMatMul : realMatMul, {
      output: [count],
      constants,
      pipeline: true,
      immutable: true,
      precision: "single",
    });
  return launch(host, op, key, build, [a, b], outShape, a.dtype, [
    Float32Array.from(g.offsetsA),
    Float32Array.from(g.offsetsB),
  ]);
}

/**
 * A product on the executor of the backend's mode: WGSL on webgpu, the wasm route on the
 * wasm backend, gpu.js elsewhere. `outShape` relabels the result (same element order) and `op`
 * names the kernel the executor is recorded for; convolutions reuse this for their 1x1 cases.
 */
export function routedMatMul(
  host: LinalgHost,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  outShape?: number[],
  op = "BatchMatMul",
): TensorInfo {
  if (
    (a.dtype === "float32" || a.dtype === "complex64") &&
    host.mode === "webgpu" &&
    host.webgpuDevice &&
    // one workgroup layer per batch matrix: WebGPU allows 65535 along z
    sizeOf(matMulGeometry(a.shape, b.shape, transposeA, transposeB).batch) <= 65535
  )
    return wgslBatchMatMul(host, a, b, transposeA, transposeB, outShape, op);
  if (host.mode === "webasm") {
    const viaWasm = wasmBatchMatMul(host, a, b, transposeA, transposeB, outShape, op);
    if (viaWasm) return viaWasm;
  }
  return gpuJsBatchMatMul(host, a, b, transposeA, transposeB, outShape, op);
}

const batchMatMul: KernelFn<"BatchMatMul", LinalgHost> = (
  inputs: readonly TensorInfo[],
  { transposeA, transposeB }: KernelAttrs["BatchMatMul"],
  host: LinalgHost,
): TensorInfo => routedMatMul(host, inputs[0], inputs[1], transposeA, transposeB);

/** LINALG's kernels for register.ts. */
export const matmulKernels: { BatchMatMul: KernelFn<"BatchMatMul", LinalgHost> } = {
  BatchMatMul: batchMatMul,
};
