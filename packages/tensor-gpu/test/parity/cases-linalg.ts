/**
 * LINALG's parity cases: BatchMatMul (f32, complex64, transposes through the gradient, batch
 * broadcasting, K > 1000), Conv 1-3 D with its two gradients, FFT / RFFT / IRFFT. Each case runs
 * the public op on the ACTIVE backend (the caller did `await useGpu({ backend })`), reads back,
 * computes the float64 reference with the same public op on the CPU backend, and reports the
 * executor that really ran (lastExecutor: "gpu.js:webgl2", "wgsl", "cpu-kernel", "fft-plan"...),
 * so a silent fallback is visible. No node: imports: these cases also run in Chromium.
 *
 * Tolerances (absolute, from error growth; u = 2^-24, inputs exact f32 in [-1, 1]):
 *  - a T-term f32 dot product (matmul K, conv Cin/groups x taps, gradients their sums):
 *    |err| <= gamma_T sum |terms| <= gamma_T * max_i (|A| |B|)_i, gamma_T = T u / (1 - T u); the
 *    max of the |A||B| product is computed on the CPU (for complex: 2T real terms, |.| bound
 *    via sqrt 2 |a||b|). Gradient sums are bounded with |dy|, |w|, |x| <= 1: gamma_T * T.
 *  - FFT: max-norm error <= 2-norm error <= 2 G u ||y||_2 <= 2 G u sqrt(L) ||x||_2 |scale| with
 *    G = sum log2 n over the axes (n for a direct-DFT axis), times 2 for the twiddle rounding.
 */

import { fft, fftn, irfft2, rfft2 } from "@modewise/fft/tensor";
import {
  abs,
  conv1d,
  conv2d,
  conv3d,
  getBackend,
  grads,
  matmul,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import { lastExecutor } from "@modewise/tensor-gpu";
import { seeded } from "../linalg-data.js";

export interface ParityResult {
  got: Float32Array | Float64Array | Int32Array | Uint8Array;
  want: Float64Array | Float32Array | Int32Array | Uint8Array;
  tol: number;
  backend: string;
  executor?: string;
}

export interface ParityCase {
  name: string;
  run(): Promise<ParityResult>;
}

const U = 2 ** -24;
const gamma = (t: number) => (t * U) / (1 - t * U);
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Deterministic data as a tensor on the active backend (f32) and on the CPU in f64. */
function pair(shape: number[], seed: number, complex = false) {
  const v = seeded(prod(shape) * (complex ? 2 : 1), seed);
  return {
    dev: tensor(v, { dtype: complex ? "complex64" : "float32", shape }),
    cpu: tensor(Float64Array.from(v), {
      dtype: complex ? "complex128" : "float64",
      shape,
      device: "cpu",
    }),
  };
}

async function readAll(ts: readonly Tensor[]): Promise<Float64Array> {
  const parts = await Promise.all(ts.map((t) => t.data()));
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p as ArrayLike<number>, o);
    o += p.length;
  }
  return out;
}

function maxOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/**
 * Run `onDevice` (tensors on the active backend) and `onCpu` (f64 on the CPU), free all, and
 * return the flat results with the executor of `op`.
 */
async function compare(
  op: string,
  onDevice: () => Tensor[],
  onCpu: () => Tensor[],
  tol: number,
): Promise<ParityResult> {
  const backend = getBackend();
  const devOut = onDevice();
  const executor = lastExecutor(op);
  const cpuOut = onCpu();
  const got = await readAll(devOut);
  const want = await readAll(cpuOut);
  for (const t of [...devOut, ...cpuOut]) t.dispose();
  return { got: Float32Array.from(got), want, tol, backend, executor };
}

function matmulCase(
  name: string,
  aShape: number[],
  bShape: number[],
  complex: boolean,
  seed: number,
): ParityCase {
  return {
    name,
    async run() {
      const a = pair(aShape, seed, complex);
      const b = pair(bShape, seed + 1, complex);
      const K = aShape[aShape.length - 1];
      const bound = tidy(() => maxOf(matmul(abs(a.cpu), abs(b.cpu)).dataSync() as Float64Array));
      const tol = complex ? gamma(2 * K) * Math.SQRT2 * bound : gamma(K) * bound;
      const r = await compare(
        "BatchMatMul",
        () => [matmul(a.dev, b.dev)],
        () => [matmul(a.cpu, b.cpu)],
        tol,
      );
      for (const t of [a.dev, a.cpu, b.dev, b.cpu]) t.dispose();
      return r;
    },
  };
}

/** Gradients of sum(matmul(a, b) * dy): the transposed products dy b^T and a^T dy. */
function matmulGradCase(
  name: string,
  aShape: number[],
  bShape: number[],
  seed: number,
): ParityCase {
  return {
    name,
    async run() {
      const a = pair(aShape, seed);
      const b = pair(bShape, seed + 1);
      const M = aShape[aShape.length - 2];
      const N = bShape[bShape.length - 1];
      const batch = aShape.length > bShape.length ? aShape.slice(0, -2) : bShape.slice(0, -2);
      const dy = pair([...batch, M, N], seed + 2);
      // da sums N terms, db sums M (times the broadcast batch): all |.| <= 1.
      const terms = Math.max(N, M * prod(batch));
      const g = grads((x: Tensor, y: Tensor) => matmul(x, y));
      const r = await compare(
        "BatchMatMul",
        () => g([a.dev, b.dev], dy.dev),
        () => g([a.cpu, b.cpu], dy.cpu),
        gamma(terms) * terms,
      );
      for (const t of [a.dev, a.cpu, b.dev, b.cpu, dy.dev, dy.cpu]) t.dispose();
      return r;
    },
  };
}

interface ConvSpec {
  x: number[];
  w: number[];
  stride?: number[];
  padding?: [number, number][];
  dilation?: number[];
  groups?: number;
}

const CONV_BY_RANK = [conv1d, conv2d, conv3d];

function convCase(name: string, spec: ConvSpec, seed: number, withGrads: boolean): ParityCase {
  return {
    name,
    async run() {
      const x = pair(spec.x, seed);
      const w = pair(spec.w, seed + 1);
      const conv = CONV_BY_RANK[spec.x.length - 3];
      const opts = {
        stride: spec.stride,
        padding: spec.padding,
        dilation: spec.dilation,
        groups: spec.groups,
      };
      const terms = prod(spec.w.slice(1));
      if (!withGrads) {
        const bound = tidy(() =>
          maxOf(conv(abs(x.cpu), abs(w.cpu), opts).dataSync() as Float64Array),
        );
        const r = await compare(
          "Conv",
          () => [conv(x.dev, w.dev, opts)],
          () => [conv(x.cpu, w.cpu, opts)],
          gamma(terms) * bound,
        );
        for (const t of [x.dev, x.cpu, w.dev, w.cpu]) t.dispose();
        return r;
      }
      const yShape = tidy(() => conv(x.cpu, w.cpu, opts).shape.slice());
      const dy = pair(yShape, seed + 2);
      // dx sums (Cout / groups) x taps terms, dw sums batch x output positions: |.| <= 1.
      const gradTerms = Math.max(
        (spec.w[0] / (spec.groups ?? 1)) * prod(spec.w.slice(2)),
        yShape[0] * prod(yShape.slice(2)),
      );
      const g = grads((a: Tensor, b: Tensor) => conv(a, b, opts));
      const r = await compare(
        "ConvBackpropFilter",
        () => g([x.dev, w.dev], dy.dev),
        () => g([x.cpu, w.cpu], dy.cpu),
        gamma(gradTerms) * gradTerms,
      );
      for (const t of [x.dev, x.cpu, w.dev, w.cpu, dy.dev, dy.cpu]) t.dispose();
      return r;
    },
  };
}

function fftTol(lens: number[], x: Float32Array, scale: number): number {
  let s = 0;
  for (const v of x) s += v * v;
  const G = lens.reduce((g, n) => g + (n <= 1 ? 0 : (n & (n - 1)) === 0 ? Math.log2(n) : n), 0);
  return 2 * 2 * Math.max(G, 1) * U * Math.sqrt(prod(lens) * s) * Math.abs(scale);
}

function fftCase(
  name: string,
  op: "FFT" | "RFFT" | "IRFFT",
  shape: number[],
  complex: boolean,
  lens: number[],
  scale: number,
  f: (t: Tensor) => Tensor,
  seed: number,
): ParityCase {
  return {
    name,
    async run() {
      const x = pair(shape, seed, complex);
      const values = seeded(prod(shape) * (complex ? 2 : 1), seed);
      const r = await compare(
        op,
        () => [f(x.dev)],
        () => [f(x.cpu)],
        fftTol(lens, values, scale),
      );
      x.dev.dispose();
      x.cpu.dispose();
      return r;
    },
  };
}

export const linalgCases: ParityCase[] = [
  matmulCase("linalg: matmul f32 130x1100x70 (K > 1000)", [130, 1100], [1100, 70], false, 101),
  matmulCase(
    "linalg: matmul f32 batch broadcast [3,1,20,33] @ [4,33,17]",
    [3, 1, 20, 33],
    [4, 33, 17],
    false,
    102,
  ),
  matmulCase(
    "linalg: matmul complex64 spectral mixing [modes 12, B 4, Cin 8] @ [12, 8, Cout 6]",
    [12, 4, 8],
    [12, 8, 6],
    true,
    103,
  ),
  matmulGradCase(
    "linalg: matmul gradients (transposed products) [2,9,7] @ [2,7,5]",
    [2, 9, 7],
    [2, 7, 5],
    104,
  ),
  convCase(
    "linalg: conv2d b2 4->5 9x8 k3 p1",
    {
      x: [2, 4, 9, 8],
      w: [5, 4, 3, 3],
      padding: [
        [1, 1],
        [1, 1],
      ],
    },
    201,
    false,
  ),
  convCase(
    "linalg: conv2d groups 2 stride (2,1) dilation (1,2) + gradients",
    {
      x: [1, 4, 10, 9],
      w: [6, 2, 3, 2],
      stride: [2, 1],
      padding: [
        [0, 1],
        [2, 0],
      ],
      dilation: [1, 2],
      groups: 2,
    },
    202,
    true,
  ),
  convCase(
    "linalg: conv2d depthwise 3x3 + gradients",
    {
      x: [2, 3, 7, 7],
      w: [3, 1, 3, 3],
      padding: [
        [1, 1],
        [1, 1],
      ],
      groups: 3,
    },
    203,
    true,
  ),
  convCase(
    "linalg: conv2d pointwise 1x1 (matmul path)",
    { x: [3, 5, 4, 6], w: [7, 5, 1, 1] },
    204,
    false,
  ),
  convCase(
    "linalg: conv2d pointwise 1x1 gradients (matmul paths)",
    { x: [3, 5, 4, 6], w: [7, 5, 1, 1] },
    207,
    true,
  ),
  convCase(
    "linalg: conv1d pointwise batch 1 gradients (one matmul each)",
    { x: [1, 6, 40], w: [4, 6, 1] },
    208,
    true,
  ),
  convCase(
    "linalg: conv1d filter gradient summing 1200 terms (> 1000)",
    { x: [4, 2, 302], w: [2, 2, 3] },
    205,
    true,
  ),
  convCase(
    "linalg: conv3d stride 2 padding 1 + gradients",
    {
      x: [1, 2, 5, 4, 6],
      w: [3, 2, 2, 3, 2],
      stride: [2, 1, 2],
      padding: [
        [1, 0],
        [1, 1],
        [0, 1],
      ],
    },
    206,
    true,
  ),
  fftCase("linalg: fft n=2048 batch 3", "FFT", [3, 2048], true, [2048], 1, (t) => fft(t), 301),
  fftCase(
    "linalg: fft n=12 (non power of two), norm ortho",
    "FFT",
    [5, 12],
    true,
    [12],
    1 / Math.sqrt(12),
    (t) => fft(t, { norm: "ortho" }),
    302,
  ),
  fftCase(
    "linalg: fftn 3-D [4,8,16] inverse-free",
    "FFT",
    [4, 8, 16],
    true,
    [4, 8, 16],
    1,
    (t) => fftn(t),
    303,
  ),
  fftCase(
    "linalg: rfft2 FNO-like [2,4,16,16]",
    "RFFT",
    [2, 4, 16, 16],
    false,
    [16, 16],
    1,
    (t) => rfft2(t),
    304,
  ),
  fftCase(
    "linalg: irfft2 [2,4,16,9] -> s (16,16)",
    "IRFFT",
    [2, 4, 16, 9],
    true,
    [16, 16],
    // backward norm: 1 / 256, and the Hermitian weights double most bins
    2 / 256,
    (t) => irfft2(t, { s: [16, 16] }),
    305,
  ),
];
