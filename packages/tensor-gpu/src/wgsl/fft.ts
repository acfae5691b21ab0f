/// <reference types="@webgpu/types" preserve="true" />
/**
 * Hand-tuned WGSL FFT for the webgpu backend: batched complex64 lines of a power-of-two length
 * n <= 2048, one workgroup (256 threads) per line, the whole line resident in workgroup memory
 * (2048 complex f32 = 16 KiB, WebGPU's guaranteed maxComputeWorkgroupStorageSize).
 *
 * Stockham autosort passes of radix 8 while 8 divides what is left, then one of radix 4 or 2,
 * in place in workgroup memory: every thread first computes its butterflies into registers (at
 * most 8 complex values), a barrier, then writes them to their Stockham positions, a barrier.
 * So a 2048-point line takes 3 radix-8 passes and 1 radix-4 pass with one global read and one
 * global write per element, versus 11 global round trips for the gpu.js radix-2 kernels.
 * Twiddles come from a table computed in float64 on the host (shared with the gpu.js path);
 * inside the butterflies the quarter turns are exact (a swap and a sign) and the eighth turns
 * multiply by 1/sqrt 2.
 *
 * Lines along any axis: line l = (outer, inner) reads element e at stride `inner` (coalesced for
 * the last axis). On the webgpu backend, when every transformed length fits, FFT / RFFT / IRFFT
 * run entirely here (../kernels/fft.ts): these passes plus encodeResize, the WGSL twin of the
 * gpu.js resize kernel (zero-pad / truncate, real <-> complex, Hermitian weights, scale), so the
 * real transforms are the complex passes with the half spectrum kept in a post-pass.
 */
import { computePipeline, dispatch, grid2d, storageBuffer, uploadBuffer } from "./runner.js";

/** Longest line the workgroup-resident kernel takes. */
export const WGSL_FFT_MAX = 2048;

export const FFT_WGSL = /* wgsl */ `
struct Params { n: u32, lines: u32, linesPerRow: u32, sign: f32, scale: f32, inner: u32, p1: u32, p2: u32 }
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<storage, read> tw: array<f32>;
@group(0) @binding(3) var<uniform> p: Params;

var<workgroup> line: array<vec2<f32>, 2048>;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

// e^(sign 2 pi i t / n)
fn twiddle(t: u32) -> vec2<f32> {
  let i = 2u * (t % p.n);
  return vec2<f32>(tw[i], tw[i + 1u]);
}

// sign * i * v: the quarter turn of the transform's direction, exact.
fn quarter(v: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(-p.sign * v.y, p.sign * v.x);
}

// e^(sign i pi / 4) * v: the eighth turn, with 1 / sqrt 2 as a constant.
fn eighth(v: vec2<f32>) -> vec2<f32> {
  let h = 0.70710678118654752;
  return vec2<f32>(h * (v.x - p.sign * v.y), h * (v.y + p.sign * v.x));
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let index = wg.y * p.linesPerRow + wg.x;
  // Threads of a padding workgroup still reach every barrier; they only skip memory.
  let live = index < p.lines;
  // Line index = (outer, inner) of the axis; element e of the line at base + e * inner.
  let base = (index / p.inner) * p.n * p.inner + index % p.inner;
  for (var e = li; e < p.n; e += 256u) {
    if (live) {
      let at = 2u * (base + e * p.inner);
      line[e] = vec2<f32>(src[at], src[at + 1u]);
    }
  }
  workgroupBarrier();
  var regs: array<vec2<f32>, 8>;
  var ns = 1u;
  loop {
    if (ns >= p.n) { break; }
    if (p.n / ns >= 8u) {
      let q = p.n / 8u;
      let step = p.n / (8u * ns);
      var slot = 0u;
      for (var j = li; j < q; j += 256u) {
        let jm = j % ns;
        var v: array<vec2<f32>, 8>;
        v[0] = line[j];
        for (var r = 1u; r < 8u; r++) { v[r] = cmul(line[j + r * q], twiddle(r * jm * step)); }
        // 8-point DFT as two 4-point DFTs (even / odd inputs) joined by the eighth-turn twiddles.
        let e0 = v[0] + v[4];
        let e1 = v[0] - v[4];
        let e2 = v[2] + v[6];
        let e3 = quarter(v[2] - v[6]);
        let o0 = v[1] + v[5];
        let o1 = v[1] - v[5];
        let o2 = v[3] + v[7];
        let o3 = quarter(v[3] - v[7]);
        let E0 = e0 + e2;
        let E1 = e1 + e3;
        let E2 = e0 - e2;
        let E3 = e1 - e3;
        let O0 = o0 + o2;
        let O1 = eighth(o1 + o3);
        let O2 = quarter(o0 - o2);
        let O3 = quarter(eighth(o1 - o3));
        regs[slot] = E0 + O0;
        regs[slot + 1u] = E1 + O1;
        regs[slot + 2u] = E2 + O2;
        regs[slot + 3u] = E3 + O3;
        regs[slot + 4u] = E0 - O0;
        regs[slot + 5u] = E1 - O1;
        regs[slot + 6u] = E2 - O2;
        regs[slot + 7u] = E3 - O3;
        slot += 8u;
      }
      workgroupBarrier();
      slot = 0u;
      for (var j = li; j < q; j += 256u) {
        let jm = j % ns;
        let out = (j / ns) * ns * 8u + jm;
        for (var r = 0u; r < 8u; r++) { line[out + r * ns] = regs[slot + r]; }
        slot += 8u;
      }
      workgroupBarrier();
      ns *= 8u;
    } else if (p.n / ns >= 4u) {
      let q = p.n / 4u;
      let step = p.n / (4u * ns);
      var slot = 0u;
      for (var j = li; j < q; j += 256u) {
        let jm = j % ns;
        let v0 = line[j];
        let v1 = cmul(line[j + q], twiddle(jm * step));
        let v2 = cmul(line[j + 2u * q], twiddle(2u * jm * step));
        let v3 = cmul(line[j + 3u * q], twiddle(3u * jm * step));
        let s02 = v0 + v2;
        let d02 = v0 - v2;
        let s13 = v1 + v3;
        let d13 = quarter(v1 - v3);
        regs[slot] = s02 + s13;
        regs[slot + 1u] = d02 + d13;
        regs[slot + 2u] = s02 - s13;
        regs[slot + 3u] = d02 - d13;
        slot += 4u;
      }
      workgroupBarrier();
      slot = 0u;
      for (var j = li; j < q; j += 256u) {
        let jm = j % ns;
        let out = (j / ns) * ns * 4u + jm;
        for (var r = 0u; r < 4u; r++) { line[out + r * ns] = regs[slot + r]; }
        slot += 4u;
      }
      workgroupBarrier();
      ns *= 4u;
    } else {
      let h = p.n / 2u;
      let step = p.n / (2u * ns);
      var slot = 0u;
      for (var j = li; j < h; j += 256u) {
        let jm = j % ns;
        let v0 = line[j];
        let v1 = cmul(line[j + h], twiddle(jm * step));
        regs[slot] = v0 + v1;
        regs[slot + 1u] = v0 - v1;
        slot += 2u;
      }
      workgroupBarrier();
      slot = 0u;
      for (var j = li; j < h; j += 256u) {
        let jm = j % ns;
        let out = (j / ns) * ns * 2u + jm;
        line[out] = regs[slot];
        line[out + ns] = regs[slot + 1u];
        slot += 2u;
      }
      workgroupBarrier();
      ns *= 2u;
    }
  }
  for (var e = li; e < p.n; e += 256u) {
    if (live) {
      let v = line[e] * p.scale;
      let at = 2u * (base + e * p.inner);
      dst[at] = v.x;
      dst[at + 1u] = v.y;
    }
  }
}
`;

/** Can the workgroup-resident kernel take lines of length n? */
export function wgslFftFits(n: number): boolean {
  return n >= 2 && n <= WGSL_FFT_MAX && (n & (n - 1)) === 0;
}

const tables = new WeakMap<GPUDevice, Map<string, GPUBuffer>>();

function twiddleBuffer(device: GPUDevice, table: Float32Array, key: string): GPUBuffer {
  let byKey = tables.get(device);
  if (!byKey) {
    byKey = new Map();
    tables.set(device, byKey);
  }
  let b = byKey.get(key);
  if (!b) {
    b = uploadBuffer(device, table, "storage", `modewise.fft.twiddles.${key}`);
    byKey.set(key, b);
  }
  return b;
}

/**
 * DFT of sign `sign` along the middle axis of complex data [outer, n, inner] (interleaved f32;
 * inner = 1: contiguous lines) from `src` into a fresh buffer, times `scale`.
 * `table` = e^(sign 2 pi i t / n), t < n, interleaved. Lines along a strided axis (inner > 1)
 * are read and written with stride `inner`: correct, less coalesced.
 */
export function encodeFftLines(
  device: GPUDevice,
  src: GPUBuffer,
  outer: number,
  n: number,
  sign: -1 | 1,
  scale: number,
  table: Float32Array,
  inner = 1,
): GPUBuffer {
  const lines = outer * inner;
  const out = storageBuffer(device, lines * n * 8, "modewise.fft.out");
  if (lines === 0) return out;
  const groups = grid2d(lines);
  const params = new ArrayBuffer(32);
  const u32 = new Uint32Array(params);
  const f32 = new Float32Array(params);
  u32[0] = n;
  u32[1] = lines;
  u32[2] = groups[0];
  f32[3] = sign;
  f32[4] = scale;
  u32[5] = inner;
  const parBuf = uploadBuffer(device, u32, "uniform", "modewise.fft.params");
  const pipeline = computePipeline(device, "modewise.fft.stockham.r842", FFT_WGSL);
  dispatch(
    device,
    pipeline,
    [src, out, twiddleBuffer(device, table, `${n}:${sign}`), parBuf],
    groups,
  );
  parBuf.destroy();
  return out;
}

export const RESIZE_WGSL = /* wgsl */ `
struct Params {
  count: u32, perRow: u32, inner: u32, nIn: u32,
  nOut: u32, srcComplex: u32, dstComplex: u32, weight: u32,
  nReal: u32, scale: f32, p0: u32, p1: u32,
}
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> p: Params;

// One thread per output float; see resizeLines in ../kernels/fft.ts for the contract.
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let t = (wg.y * p.perRow + wg.x) * 256u + li;
  if (t >= p.count) { return; }
  var idx = t;
  var part = 0u;
  if (p.dstComplex == 1u) {
    part = t % 2u;
    idx = t / 2u;
  }
  let i = idx % p.inner;
  let rest = idx / p.inner;
  let j = rest % p.nOut;
  let o = rest / p.nOut;
  var v = 0.0;
  if (j < p.nIn) {
    let e = (o * p.nIn + j) * p.inner + i;
    if (p.srcComplex == 1u) {
      v = src[2u * e + part];
    } else if (part == 0u) {
      v = src[e];
    }
  }
  var w = 1.0;
  if (p.weight != 0u && j > 0u && 2u * j != p.nReal) {
    w = select(0.5, 2.0, p.weight == 1u);
  }
  dst[t] = v * w * p.scale;
}
`;

/** Geometry of a resize along one axis (see resizeLines in ../kernels/fft.ts). */
export interface ResizeSpec {
  outer: number;
  inner: number;
  nIn: number;
  nOut: number;
  srcComplex: boolean;
  dstComplex: boolean;
  /** 0 none, 1 the Hermitian weights c_k, 2 their inverses. */
  weight: number;
  nReal: number;
  scale: number;
}

/** Zero-pad / truncate / promote / weight / scale along an axis into a fresh buffer. */
export function encodeResize(device: GPUDevice, src: GPUBuffer, r: ResizeSpec): GPUBuffer {
  const count = r.outer * r.nOut * r.inner * (r.dstComplex ? 2 : 1);
  const out = storageBuffer(device, count * 4, "modewise.fft.resize");
  if (count === 0) return out;
  const groups = grid2d(Math.ceil(count / 256));
  const params = new ArrayBuffer(48);
  const u32 = new Uint32Array(params);
  const f32 = new Float32Array(params);
  u32.set([
    count,
    groups[0],
    r.inner,
    r.nIn,
    r.nOut,
    r.srcComplex ? 1 : 0,
    r.dstComplex ? 1 : 0,
    r.weight,
    r.nReal,
  ]);
  f32[9] = r.scale;
  const parBuf = uploadBuffer(device, u32, "uniform", "modewise.fft.resize.params");
  dispatch(
    device,
    computePipeline(device, "modewise.fft.resize", RESIZE_WGSL),
    [src, out, parBuf],
    groups,
  );
  parBuf.destroy();
  return out;
}
