/**
 * `@modewise/tensor/cpu-kernels`: the float32 CPU kernels of the tensor core on plain
 * Float32Arrays, for backends that keep their data in typed arrays (e.g. a WebAssembly
 * backend): a WebAssembly SIMD sgemm with float32 accumulation, split over a small pool of
 * worker threads sharing one WebAssembly memory, and the convolution built on it.
 *
 * Threads: min(2, available parallelism) by default (env MODEWISE_THREADS or setNumThreads
 * override). Workers start lazily and asynchronously at the first large product; until they
 * are up, products run on the calling thread. Results are bit-identical for every thread count
 * (the K blocking depends on K only). Workers are unref()'d: they never keep Node alive. In
 * browsers workers start only when the page is crossOriginIsolated.
 *
 * Accuracy: every output is a float32 dot product of float32 values, |error| <=
 * gamma_K(2^-24) sum |a||b| for K terms (tiny products use a float64-accumulating path, within
 * the same bound).
 */
import { convOutputSize } from "./backend/cpu/conv.js";
import { convForwardF32 } from "./backend/cpu/conv-f32.js";
import { sgemmRuntime } from "./backend/cpu/gemm-threads.js";
import { DeviceError, ShapeError, ValueError } from "./errors.js";
import { sizeOf } from "./shape.js";

/**
 * Other packages' WebAssembly kernels on the gemm threads: `registerThreadModule(module)` (the
 * module imports the resident memory and exports `unit(u, args)`; register from an
 * `onRuntimeStart(hook)` hook, which runs when the CPU kernels' runtime starts, before any
 * worker: workers instantiate the modules registered by then, and nothing is created at import)
 * and `runModuleJob(index, here, units, args, work)`, which calls `unit` on units 0 .. units - 1
 * from every thread that has the module (`here` is the calling thread's instance).
 */
export {
  getNumThreads,
  onRuntimeStart,
  registerThreadModule,
  runModuleJob,
  setNumThreads,
  setThreadSchedule,
  terminateThreads,
  threadsReady,
  workerUnitsDone,
} from "./backend/cpu/gemm-threads.js";
/**
 * float32 sums (reductions over trailing runs and leading rows: losses, bias gradients, batch
 * sums) on resident arrays run as WebAssembly float64 loops with the JavaScript loops' trees
 * and order (same bits); `setSumWasm(false)` forces the JavaScript loops.
 */
export { setSumWasm } from "./backend/cpu/reduce-wasm.js";
/**
 * Resident float32 storage: where WebAssembly memory can be shared (Node; cross-origin
 * isolated pages), the CPU backend's float32 and complex64 outputs of at least 4096 floats live
 * in the memory of its SIMD kernels, which then read and write them in place instead of
 * copying. Same results either way.
 * - `residentStats()` reports it (and which kernels worked in place); `setResidentFloat32(false)`
 *   (or env MODEWISE_RESIDENT=0) keeps new outputs in plain arrays.
 * - For other packages' WebAssembly kernels: `residentAddress(a)` is the byte address of a
 *   resident Float32Array (or of its element `offset`), -1 for a plain array;
 *   `instantiateOnResidentMemory(module)` instantiates a module whose memory import (env.mem) is
 *   declared as `residentMemoryImport()` says, over that memory. Such kernels read their inputs
 *   and write their (resident) outputs in place, and touch no other address.
 *   `instantiateThreadModule(build)` does both and registers the module with the gemm threads
 *   (from an `onRuntimeStart` hook), for `runModuleJob`.
 * - Scratch that a kernel keeps between calls: `allocResident(length)` (null where there is no
 *   resident memory: use a plain array) and `freeResident(a)` (once). Allocate before running
 *   products, never from inside one.
 */
export {
  type InPlaceKernel,
  instantiateOnResidentMemory,
  instantiateThreadModule,
  type ResidentStats,
  residentAddress,
  residentAlloc as allocResident,
  residentFree as freeResident,
  residentMemoryImport,
  residentStats,
  setResidentFloat32,
} from "./backend/cpu/resident.js";
/**
 * sgemm(M, N, K, A, aOff, B, bOff, C, cOff, accumulate = false, transA = false, transB = false):
 * C[cOff ..] (+)= op(A) @ op(B) on Float32Arrays, C [M x N] row-major contiguous. op(A) is
 * A [M x K] row-major from aOff, or A stored [K x M] when transA; op(B) is B [K x N] from
 * bOff, or B stored [N x K] when transB. With accumulate, the product is added to C.
 * Synchronous; multi-threaded above ~1M multiply-adds once the workers are up.
 *
 * sgemmIndexed(M, N, K, A, B, C, cOff = 0): C = op(A) @ op(B) for operands read in place
 * through index maps, op(A)[t, k] = A.data[A.offset + A.kOff(k) + A.wOff(t)] (op(B)[k, t]
 * likewise): transposes, gathers, permuted axes and interleaved complex parts without a copy
 * of their own. Same kernel and bound as sgemm.
 */
export { type IndexedOperand, sgemm, sgemmAvailable, sgemmIndexed } from "./backend/cpu/sgemm.js";
/**
 * Float32 add / sub / mul / div on WebAssembly SIMD (the binary kernel's float32 path; same bits
 * as the scalar loops): `setArithSimd(false)` forces the JavaScript loops.
 */
export { setArithSimd } from "./backend/cpu/simd-arith.js";
/**
 * Float32 GELU / GELU' on the WebAssembly SIMD kernel (relative error <= 24 x 2^-24, see
 * simd-gelu-module.ts): `cpuKernelInfo()` says whether it is available and which path and
 * kernel the last call took; `setGeluSimd(false)` forces the scalar path (comparisons,
 * debugging). On Float32Arrays: geluF32(x, out), geluGradF32(x, dy, out) (out = dy GELU'(x)),
 * geluWithGradF32(x, out, d) (GELU and GELU' in one pass); each returns false, writing nothing,
 * where the kernel does not apply (no SIMD, switched off, fewer than 256 elements).
 */
export {
  type CpuKernelInfo,
  cpuKernelInfo,
  type GeluCall,
  geluF32,
  geluGradF32,
  geluWithGradF32,
  setGeluSimd,
} from "./backend/cpu/simd-gelu.js";

/** Options of convF32; every per-axis array has one entry per spatial axis. */
export interface ConvF32Options {
  /** Default 1 on every axis. */
  strides?: readonly number[];
  /** [before, after] zero padding per spatial axis, non-negative; default none. */
  padding?: readonly (readonly [number, number])[];
  /** Default 1 on every axis. */
  dilations?: readonly number[];
  /** Default 1; cin and cout must be multiples of it. */
  groups?: number;
}

/**
 * N-d convolution (cross-correlation, as PyTorch's convNd), N = 1..3, channels first:
 * x [batch, cin, ...spatial], w [cout, cin / groups, ...kernel] -> { values, shape } with
 * shape [batch, cout, ...outSpatial], outSpatial = floor((n + before + after - dil (k - 1) - 1)
 * / stride) + 1. Implicit im2col into the threaded sgemm (no column matrix is built).
 * Throws ShapeError / ValueError on inconsistent arguments and DeviceError where WebAssembly
 * SIMD is unavailable or the operands do not fit the 2 GiB sgemm memory.
 */
export function convF32(
  x: Float32Array,
  xShape: readonly number[],
  w: Float32Array,
  wShape: readonly number[],
  options: ConvF32Options = {},
): { values: Float32Array; shape: number[] } {
  const fn = "convF32";
  const s = xShape.length - 2;
  if (s < 1 || s > 3)
    throw new ShapeError(fn, "xShape", "[batch, cin, ...1-3 spatial sizes]", `[${xShape}]`);
  if (wShape.length !== s + 2)
    throw new ShapeError(fn, "wShape", `rank ${s + 2} (as xShape)`, `[${wShape}]`);
  if (x.length !== sizeOf(xShape))
    throw new ShapeError(fn, "x", `${sizeOf(xShape)} values for [${xShape}]`, `${x.length}`);
  if (w.length !== sizeOf(wShape))
    throw new ShapeError(fn, "w", `${sizeOf(wShape)} values for [${wShape}]`, `${w.length}`);
  const groups = options.groups ?? 1;
  const [batch, cin] = xShape;
  const cout = wShape[0];
  if (!(Number.isInteger(groups) && groups >= 1 && cin % groups === 0 && cout % groups === 0))
    throw new ValueError(
      fn,
      "groups",
      `a positive divisor of cin ${cin} and cout ${cout}`,
      `${groups}`,
    );
  if (wShape[1] !== cin / groups)
    throw new ShapeError(fn, "wShape", `wShape[1] = cin / groups = ${cin / groups}`, `[${wShape}]`);
  const perAxis = (name: string, v: readonly number[] | undefined, min: number) => {
    const out = v === undefined ? new Array<number>(s).fill(1) : [...v];
    if (out.length !== s || out.some((e) => !Number.isInteger(e) || e < min))
      throw new ValueError(fn, name, `${s} integers >= ${min}`, `[${v}]`);
    return out;
  };
  const strides = perAxis("strides", options.strides, 1);
  const dilations = perAxis("dilations", options.dilations, 1);
  const padding = options.padding ?? new Array<[number, number]>(s).fill([0, 0]);
  if (padding.length !== s || padding.some((p) => !(p[0] >= 0 && p[1] >= 0)))
    throw new ValueError(
      fn,
      "padding",
      `${s} non-negative [before, after] pairs`,
      JSON.stringify(padding),
    );
  const inSp = xShape.slice(2);
  const kSp = wShape.slice(2);
  const outSp = inSp.map((n, i) =>
    convOutputSize(n, kSp[i], strides[i], dilations[i], [padding[i][0], padding[i][1]]),
  );
  if (outSp.some((o) => o < 1))
    throw new ShapeError(
      fn,
      "wShape",
      "a (dilated) kernel that fits the padded input",
      `[${wShape}]`,
    );
  const lift = (v: readonly number[], fill: number) => [
    ...new Array<number>(3 - s).fill(fill),
    ...v,
  ];
  const shape = [batch, cout, ...outSp];
  const values = new Float32Array(sizeOf(shape));
  if (sgemmRuntime() === null)
    throw new DeviceError(fn, "platform", "WebAssembly with SIMD", "none available");
  const done = convForwardF32(
    {
      batch,
      cin,
      cout,
      groups,
      inSize: lift(inSp, 1),
      kSize: lift(kSp, 1),
      outSize: lift(outSp, 1),
      stride: lift(strides, 1),
      dilation: lift(dilations, 1),
      padBefore: lift(
        padding.map((p) => p[0]),
        0,
      ),
    },
    x,
    w,
    values,
  );
  if (!done)
    throw new DeviceError(
      fn,
      "x",
      "operands that fit the 2 GiB sgemm memory",
      `${x.length + w.length + values.length} floats`,
    );
  return { values, shape };
}

/** 2-d convolution on NCHW Float32Arrays: convF32 with two spatial axes (see there). */
export function conv2dF32(
  x: Float32Array,
  xShape: readonly [number, number, number, number],
  w: Float32Array,
  wShape: readonly [number, number, number, number],
  options: ConvF32Options = {},
): { values: Float32Array; shape: number[] } {
  return convF32(x, xShape, w, wShape, options);
}
