// The workloads of the GPU device check (bench/gpu-check.ts), kept free of Node APIs so that
// they also run in headless Chromium (test/browser.test.ts runs them at tiny sizes on webgl2 and
// webgpu before any device time is spent): f32 matmul, batched rfft2 and one FNO-2D
// forward + backward step through the tensor core on the active backend. Each workload checks
// the values it computed against an f64 reference (a wrong kernel fails; rounding does not) and
// times itself with tensors resident on the device.

import { irfft2, rfft2 } from "@modewise/fft/tensor";
import {
  add,
  broadcastTo,
  complex,
  concat,
  einsum,
  gelu,
  gradientsOf,
  linspace,
  matmul,
  mean,
  randn,
  reshape,
  setBackend,
  slice,
  square,
  sub,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from "@modewise/tensor";

/** The FNO-2D the check trains for one step (legacy FNO2d of Li et al. 2020). */
export interface FnoConfig {
  batch: number;
  size: number;
  width: number;
  modes: number;
}

// ---- timing -------------------------------------------------------------------------------------

export interface Timing {
  ms: number;
  minMs: number;
  samples: number;
  reps: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/**
 * Waits until the device has finished everything queued so far: reading one element back is
 * queued after all earlier work (WebGPU queues run in order), and costs ~nothing to transfer.
 */
export async function waitForDevice(t: Tensor): Promise<void> {
  if (t.size <= 1) {
    await t.data();
    return;
  }
  const index = t.shape.map(() => "0:1").join(", ");
  const one = slice(t, index);
  await one.data();
  one.dispose();
}

/**
 * Median ms per run: `samples` samples, each `reps` runs back to back and one wait for the
 * device; one warm-up sample first (compiles the kernels). `run` returns the tensor to wait on
 * (the caller disposes everything else); it is disposed here.
 */
export async function timeOnDevice(
  run: () => Tensor,
  samples: number,
  reps: number,
): Promise<Timing> {
  const once = async (): Promise<number> => {
    const t0 = performance.now();
    let last: Tensor | null = null;
    for (let r = 0; r < reps; r++) {
      last?.dispose();
      last = run();
    }
    if (last) {
      await waitForDevice(last);
      last.dispose();
    }
    return (performance.now() - t0) / reps;
  };
  await once();
  const times: number[] = [];
  for (let s = 0; s < samples; s++) times.push(await once());
  return { ms: median(times), minMs: Math.min(...times), samples, reps };
}

// ---- workloads ----------------------------------------------------------------------------------

const U32 = 2 ** -24; // f32 unit roundoff

export interface WorkloadResult {
  workload: "matmul" | "fft" | "fno";
  case: string;
  timing: Timing | null;
  /** matmul only */
  tflops?: number;
  /** A sanity check of the values computed in this run against an f64 reference. */
  check: { maxErr: number; bound: number; ok: boolean; what: string } | null;
  error: string | null;
  /** fft only: larger batches that failed before this one ran (e.g. over the buffer limits). */
  skippedBatches?: string[];
}

/**
 * f32 matmul C = A B through the tensor core. Checked on 64 sampled entries against an f64 dot
 * product with the deterministic bound |c - c64| <= K u sum_k |a_ik||b_kj| (+ a little slack for
 * the f64 side): a wrong kernel fails it, rounding never does.
 */
export async function matmulWorkload(n: number, samples: number): Promise<WorkloadResult> {
  const a = randn([n, n], { dtype: "float32" });
  const b = randn([n, n], { dtype: "float32" });
  try {
    const c = matmul(a, b);
    const [av, bv, cv] = await Promise.all([a.data(), b.data(), c.data()]);
    c.dispose();
    let maxRatio = 0;
    let maxErr = 0;
    for (let s = 0; s < 64; s++) {
      const i = (s * 7919) % n;
      const j = (s * 104729 + 13) % n;
      let exact = 0;
      let absSum = 0;
      for (let k = 0; k < n; k++) {
        const p = Number(av[i * n + k]) * Number(bv[k * n + j]);
        exact += p;
        absSum += Math.abs(p);
      }
      const err = Math.abs(Number(cv[i * n + j]) - exact);
      maxErr = Math.max(maxErr, err);
      maxRatio = Math.max(maxRatio, err / (n * U32 * absSum * 1.01 + Number.MIN_VALUE));
    }
    // On a fast device a sample of several products keeps the timer resolution out of the figure.
    const reps = n <= 1024 ? 10 : n <= 2048 ? 5 : 3;
    const timing = await timeOnDevice(() => matmul(a, b), samples, reps);
    return {
      workload: "matmul",
      case: `matmul f32 ${n}x${n}`,
      timing,
      tflops: (2 * n ** 3) / (timing.ms * 1e-3) / 1e12,
      check: {
        maxErr,
        bound: maxErr / Math.max(maxRatio, Number.MIN_VALUE),
        ok: maxRatio <= 1,
        what: "64 entries vs f64 dot, bound K u sum|a||b|",
      },
      error: null,
    };
  } finally {
    a.dispose();
    b.dispose();
  }
}

/**
 * Batched rfft2 of (B1, B2, S, S) f32. Checked on the first image against the f64 transform of
 * the same (f32) input on the cpu backend; the bound is the FFT's relative L2 error growth,
 * c log2(S^2) u with c = 4 (arithmetic plus twiddles).
 */
export async function fftWorkload(
  batch: [number, number],
  size: number,
  samples: number,
  backend: string,
): Promise<WorkloadResult> {
  const x = randn([batch[0], batch[1], size, size], { dtype: "float32" });
  try {
    const y = rfft2(x);
    const first = slice(y, "0, 0");
    const got = await first.data();
    first.dispose();
    y.dispose();
    const firstIn = slice(x, "0, 0");
    const inputImage = Float64Array.from(await firstIn.data());
    firstIn.dispose();
    setBackend("cpu");
    let want: ArrayLike<number>;
    try {
      const x64 = tensor(inputImage, { shape: [size, size] });
      const y64 = rfft2(x64);
      want = await y64.data();
      x64.dispose();
      y64.dispose();
    } finally {
      setBackend(backend);
    }
    let num = 0;
    let den = 0;
    for (let i = 0; i < want.length; i++) {
      num += (Number(got[i]) - Number(want[i])) ** 2;
      den += Number(want[i]) ** 2;
    }
    const relErr = Math.sqrt(num / den);
    const bound = 4 * Math.log2(size * size) * U32;
    const timing = await timeOnDevice(() => rfft2(x), samples, 5);
    return {
      workload: "fft",
      case: `rfft2 f32 ${batch[0]}x${batch[1]}x${size}x${size}`,
      timing,
      check: {
        maxErr: relErr,
        bound,
        ok: relErr <= bound,
        what: "image 0 vs f64 rfft2, relative L2",
      },
      error: null,
    };
  } finally {
    x.dispose();
  }
}

interface FnoParams {
  lift: [Tensor, Tensor];
  spectral: [Tensor, Tensor][];
  pointwise: [Tensor, Tensor][];
  proj1: [Tensor, Tensor];
  proj2: [Tensor, Tensor];
}

/** Parameters of the legacy FNO2d with PyTorch's default init scales (uniform replaced by normal). */
function fnoParams(width: number, modes: number, layers = 4, proj = 128): FnoParams {
  const f32 = { dtype: "float32" as const };
  const dense = (fanIn: number, fanOut: number): [Tensor, Tensor] => [
    randn([fanIn, fanOut], { ...f32, std: 1 / Math.sqrt(fanIn) }),
    randn([fanOut], { ...f32, std: 1 / Math.sqrt(fanIn) }),
  ];
  const spectralWeight = (): Tensor =>
    tidy(() => {
      const scale = 1 / (width * width);
      const shape = [width, width, modes, modes];
      return complex(randn(shape, { ...f32, std: scale }), randn(shape, { ...f32, std: scale }));
    });
  return {
    lift: dense(3, width),
    spectral: Array.from({ length: layers }, () => [spectralWeight(), spectralWeight()]),
    pointwise: Array.from({ length: layers }, () => dense(width, width)),
    proj1: dense(width, proj),
    proj2: dense(proj, 1),
  };
}

function flatParams(p: FnoParams): Tensor[] {
  return [...p.lift, ...p.spectral.flat(), ...p.pointwise.flat(), ...p.proj1, ...p.proj2];
}

/**
 * One FNO-2D forward pass, channels last: x (B, S, S, C). The spectral conv keeps the lowest
 * `modes` frequencies of both kx signs and the first `modes` ky (rfft2 half), mixes channels per
 * mode with complex weights, zero-fills the rest and transforms back: the same arithmetic as
 * gpu_check_torch.py's SpectralConv2d (which is channels first).
 */
function fnoForward(p: FnoParams, a: Tensor, grid: Tensor, modes: number): Tensor {
  const [batch, s] = a.shape;
  const half = s / 2 + 1;
  let x = add(matmul(concat([a, grid], -1), p.lift[0]), p.lift[1]);
  const width = x.shape[3];
  for (let l = 0; l < p.spectral.length; l++) {
    const xft = rfft2(x, { axes: [1, 2] });
    const low = einsum(
      "bxyi,ioxy->bxyo",
      slice(xft, `:, 0:${modes}, 0:${modes}`),
      p.spectral[l][0],
    );
    const high = einsum(
      "bxyi,ioxy->bxyo",
      slice(xft, `:, -${modes}:, 0:${modes}`),
      p.spectral[l][1],
    );
    const gap = zeros([batch, s - 2 * modes, modes, width], { dtype: xft.dtype });
    const kept = concat([low, gap, high], 1);
    const rest = zeros([batch, s, half - modes, width], { dtype: xft.dtype });
    const spectral = irfft2(concat([kept, rest], 2), { s: [s, s], axes: [1, 2] });
    x = add(spectral, add(matmul(x, p.pointwise[l][0]), p.pointwise[l][1]));
    if (l < p.spectral.length - 1) x = gelu(x);
  }
  const h = gelu(add(matmul(x, p.proj1[0]), p.proj1[1]));
  return add(matmul(h, p.proj2[0]), p.proj2[1]);
}

/** (B, S, S, 2) grid of (x, y) in [0, 1], as the legacy FNO appends to its input. */
function fnoGrid(batch: number, s: number): Tensor {
  return tidy(() => {
    const g = linspace(0, 1, s, { dtype: "float32" });
    const gx = broadcastTo(reshape(g, [1, s, 1, 1]), [batch, s, s, 1]);
    const gy = broadcastTo(reshape(g, [1, 1, s, 1]), [batch, s, s, 1]);
    return concat([gx, gy], -1);
  });
}

/**
 * One training step's forward + backward (MSE loss, gradients of all parameters). Checked by
 * running the same step on the cpu backend in f64 from the same values: the loss must agree to
 * a relative 1e-4 (f32 through ~20 layers of sums of <= 2^10 terms: sqrt-growth estimate
 * 20 * sqrt(1024) * 2^-24 ~ 4e-5, rounded up).
 */
export async function fnoWorkload(
  cfg: FnoConfig,
  samples: number,
  backend: string,
  /** Steps per timing sample (3 on a GPU; 1 where a step is slow, e.g. SwiftShader). */
  reps = 3,
): Promise<WorkloadResult> {
  const params = fnoParams(cfg.width, cfg.modes);
  const a = randn([cfg.batch, cfg.size, cfg.size, 1], { dtype: "float32" });
  const y = randn([cfg.batch, cfg.size, cfg.size, 1], { dtype: "float32" });
  const grid = fnoGrid(cfg.batch, cfg.size);
  const all = [...flatParams(params), a, y, grid];
  try {
    const step = (): Tensor => {
      const { value, grads } = gradientsOf(
        () => mean(square(sub(fnoForward(params, a, grid, cfg.modes), y))),
        flatParams(params),
      );
      for (const g of grads) g.dispose();
      return value;
    };
    const loss = step();
    const gotLoss = Number((await loss.data())[0]);
    loss.dispose();
    // The same step in f64 on the cpu backend, from the same f32 values.
    const values = await Promise.all(all.map((t) => t.data()));
    setBackend("cpu");
    let wantLoss: number;
    try {
      wantLoss = tidy(() => {
        const copy = all.map((t, i) => {
          const v = values[i];
          const isComplex = t.dtype === "complex64";
          return tensor(Float64Array.from(v as ArrayLike<number>), {
            shape: isComplex ? [...t.shape, 2] : t.shape,
          });
        });
        const asComplex = (t: Tensor): Tensor => complex(slice(t, "..., 0"), slice(t, "..., 1"));
        let k = 0;
        const take = (): Tensor => copy[k++];
        const p: FnoParams = {
          lift: [take(), take()],
          spectral: params.spectral.map(() => [asComplex(take()), asComplex(take())]),
          pointwise: params.pointwise.map(() => [take(), take()]),
          proj1: [take(), take()],
          proj2: [take(), take()],
        };
        const [a64, y64, grid64] = [take(), take(), take()];
        return mean(square(sub(fnoForward(p, a64, grid64, cfg.modes), y64))).item();
      });
    } finally {
      setBackend(backend);
    }
    const relErr = Math.abs(gotLoss - wantLoss) / Math.abs(wantLoss);
    const timing = await timeOnDevice(step, samples, reps);
    return {
      workload: "fno",
      case: `FNO-2D fwd+bwd batch ${cfg.batch}, ${cfg.size}^2, width ${cfg.width}, modes ${cfg.modes}`,
      timing,
      check: { maxErr: relErr, bound: 1e-4, ok: relErr <= 1e-4, what: "loss vs f64 cpu, relative" },
      error: null,
    };
  } finally {
    for (const t of all) t.dispose();
  }
}

export async function guarded(
  workload: WorkloadResult["workload"],
  name: string,
  fn: () => Promise<WorkloadResult>,
): Promise<WorkloadResult> {
  try {
    return await fn();
  } catch (error) {
    return {
      workload,
      case: name,
      timing: null,
      check: null,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}
