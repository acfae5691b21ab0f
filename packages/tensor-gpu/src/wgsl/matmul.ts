/// <reference types="@webgpu/types" preserve="true" />
/**
 * Hand-tuned WGSL batched f32 matmul for the webgpu backend: C_b = op(A_b) @ op(B_b).
 *
 * Tiling: a workgroup of 16 x 16 threads computes a 64 x 64 tile of C; each thread a 4 x 4
 * register block (16 accumulators, fma). The K loop walks 16-deep slices: the workgroup stages
 * a 64 x 16 slice of A and a 16 x 64 slice of B in workgroup memory (8 KiB), each thread loads
 * 4 + 4 values, then every thread reads 4 + 4 values per k from workgroup memory for 16 fmas,
 * so global traffic drops by the tile width and workgroup-memory traffic by the register block.
 * Out-of-range rows / columns / k load zeros, so any M, N, K work (no divisibility rules).
 * Transposes are strides (sAm, sAk, sBk, sBn) applied while staging; batch broadcasting comes
 * as a table of per-batch element offsets of A and B (workgroup z = batch index).
 */
import type { TensorInfo } from "@modewise/tensor";
import { type LinalgHost, recordExecutor } from "../kernels/linalg-host.js";
import { matMulGeometry } from "../kernels/matmul-geometry.js";
import { computePipeline, dispatch, storageBuffer, uploadBuffer, wgslOutput } from "./runner.js";

export const MATMUL_TILE = 64;

export const MATMUL_WGSL = /* wgsl */ `
struct Params { M: u32, N: u32, K: u32, sAm: u32, sAk: u32, sBk: u32, sBn: u32, batches: u32 }
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(3) var<storage, read> offsets: array<u32>;
@group(0) @binding(4) var<uniform> p: Params;

const TILE: u32 = 64u;
const DEPTH: u32 = 16u;
// As[k][m] and Bs[k][n]: 16 x 64 each.
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let batch = wg.z;
  let offA = offsets[2u * batch];
  let offB = offsets[2u * batch + 1u];
  let row0 = wg.y * TILE;
  let col0 = wg.x * TILE;
  var acc: array<f32, 16>;
  for (var i = 0u; i < 16u; i++) { acc[i] = 0.0; }
  for (var k0 = 0u; k0 < p.K; k0 += DEPTH) {
    for (var s = 0u; s < 4u; s++) {
      let e = li + s * 256u;
      let kk = e / TILE;
      let mn = e % TILE;
      let k = k0 + kk;
      let m = row0 + mn;
      var va = 0.0;
      if (m < p.M && k < p.K) { va = A[offA + m * p.sAm + k * p.sAk]; }
      As[e] = va;
      let n = col0 + mn;
      var vb = 0.0;
      if (n < p.N && k < p.K) { vb = B[offB + k * p.sBk + n * p.sBn]; }
      Bs[e] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < DEPTH; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = As[kk * TILE + lid.y * 4u + i];
        b[i] = Bs[kk * TILE + lid.x * 4u + i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] = fma(a[i], b[j], acc[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
  }
  let cBase = batch * p.M * p.N;
  for (var i = 0u; i < 4u; i++) {
    let m = row0 + lid.y * 4u + i;
    if (m >= p.M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + lid.x * 4u + j;
      if (n < p.N) { C[cBase + m * p.N + n] = acc[i * 4u + j]; }
    }
  }
}
`;

/**
 * complex64 product (the spectral convolution's per-mode channel mixing): interleaved (re, im)
 * storage read as vec2. Workgroups of 16 x 16 threads, one complex output each, staging 16 x 16
 * tiles of A and B in workgroup memory (4 KiB): the small per-mode matrices of a spectral layer
 * (Cin, Cout ~ 20-64) would leave most of a 64 x 64 register-blocked tile idle.
 */
export const MATMUL_COMPLEX_WGSL = /* wgsl */ `
struct Params { M: u32, N: u32, K: u32, sAm: u32, sAk: u32, sBk: u32, sBn: u32, batches: u32 }
@group(0) @binding(0) var<storage, read> A: array<vec2<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> offsets: array<u32>;
@group(0) @binding(4) var<uniform> p: Params;

var<workgroup> As: array<vec2<f32>, 256>; // [m][k]
var<workgroup> Bs: array<vec2<f32>, 256>; // [k][n]

@compute @workgroup_size(16, 16, 1)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let batch = wg.z;
  let offA = offsets[2u * batch];
  let offB = offsets[2u * batch + 1u];
  let m = wg.y * 16u + lid.y;
  let n = wg.x * 16u + lid.x;
  var acc = vec2<f32>(0.0, 0.0);
  for (var k0 = 0u; k0 < p.K; k0 += 16u) {
    let ka = k0 + lid.x;
    var a = vec2<f32>(0.0, 0.0);
    if (m < p.M && ka < p.K) { a = A[offA + m * p.sAm + ka * p.sAk]; }
    As[lid.y * 16u + lid.x] = a;
    let kb = k0 + lid.y;
    var b = vec2<f32>(0.0, 0.0);
    if (n < p.N && kb < p.K) { b = B[offB + kb * p.sBk + n * p.sBn]; }
    Bs[lid.y * 16u + lid.x] = b;
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      let x = As[lid.y * 16u + kk];
      let y = Bs[kk * 16u + lid.x];
      acc += vec2<f32>(x.x * y.x - x.y * y.y, x.x * y.y + x.y * y.x);
    }
    workgroupBarrier();
  }
  if (m < p.M && n < p.N) { C[batch * p.M * p.N + m * p.N + n] = acc; }
}
`;

/** Geometry of one WGSL product, in elements. */
export interface WgslMatMulShape {
  M: number;
  N: number;
  K: number;
  transposeA: boolean;
  transposeB: boolean;
  /** Element offsets of each batch matrix of A and of B. */
  offsetsA: Int32Array;
  offsetsB: Int32Array;
}

/**
 * Encode the product into a fresh storage buffer (batch-major [batch, M, N]) and return it;
 * `complex`: complex64 operands (offsets and strides in complex elements).
 */
export function encodeMatMul(
  device: GPUDevice,
  a: GPUBuffer,
  b: GPUBuffer,
  s: WgslMatMulShape,
  complex = false,
): GPUBuffer {
  const batches = s.offsetsA.length;
  const out = storageBuffer(device, batches * s.M * s.N * (complex ? 8 : 4), "modewise.matmul.out");
  if (batches === 0 || s.M === 0 || s.N === 0) return out;
  const offsets = new Uint32Array(2 * batches);
  for (let i = 0; i < batches; i++) {
    offsets[2 * i] = s.offsetsA[i];
    offsets[2 * i + 1] = s.offsetsB[i];
  }
  const params = new Uint32Array([
    s.M,
    s.N,
    s.K,
    s.transposeA ? 1 : s.K,
    s.transposeA ? s.M : 1,
    s.transposeB ? 1 : s.N,
    s.transposeB ? s.K : 1,
    batches,
  ]);
  const offBuf = uploadBuffer(device, offsets, "storage", "modewise.matmul.offsets");
  const parBuf = uploadBuffer(device, params, "uniform", "modewise.matmul.params");
  const tile = complex ? 16 : MATMUL_TILE;
  const pipeline = complex
    ? computePipeline(device, "modewise.matmul.c64.16x16", MATMUL_COMPLEX_WGSL)
    : computePipeline(device, "modewise.matmul.f32.64x64x16", MATMUL_WGSL);
  dispatch(
    device,
    pipeline,
    [a, b, out, offBuf, parBuf],
    [Math.ceil(s.N / tile), Math.ceil(s.M / tile), batches],
  );
  // Destroy is deferred by WebGPU until the submitted work that uses them completes.
  offBuf.destroy();
  parBuf.destroy();
  return out;
}

/** BatchMatMul (float32 or complex64) on the webgpu backend through the WGSL kernels. */
export function wgslBatchMatMul(
  host: LinalgHost,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  outShape?: number[],
  op = "BatchMatMul",
): TensorInfo {
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  const out = wgslOutput(
    host,
    [a, b],
    outShape ?? [...g.batch, g.M, g.N],
    a.dtype,
    (device, [ba, bb]) =>
      encodeMatMul(
        device,
        ba,
        bb,
        {
          M: g.M,
          N: g.N,
          K: g.K,
          transposeA,
          transposeB,
          offsetsA: g.offsetsA,
          offsetsB: g.offsetsB,
        },
        a.dtype === "complex64",
      ),
  );
  recordExecutor(op, "wgsl");
  return out;
}
