/**
 * Relative Sobolev-norm losses on the periodic domain [0, 1]^d, computed spectrally (exact for
 * trigonometric polynomials by Parseval):
 *   ||u||_{H^s}^2 = sum_k w(k) |u_k|^2,  u_k = rfftn(u) / N (N grid points),
 *   H1:   w(k) = 1 + 4 pi^2 |k|^2           (L2 plus the gradient),
 *   H^-1: w(k) = 1 / (alpha + 4 pi^2 |k|^2) (alpha > 0; default 10^-1.5 as Spectral-Refiner),
 * with k the integer wave vector and each half-spectrum bin counted with its Hermitian
 * multiplicity (2, or 1 for the DC and Nyquist bins of the last axis). The spatial axes are the
 * trailing `nDims` axes (default: all after [batch, channel], at least one); the norm sums over
 * every non-batch axis. Returned per sample ||pred - target|| / ||target||, reduced as
 * relativeL2Loss (or the absolute norm of pred - target with `relative: false`).
 */
import { rfftn } from "@modewise/fft/tensor";
import {
  concat,
  div,
  imag,
  mul,
  real,
  sizeOf,
  sub,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { checkPair, type LossOptions, reduceSamples } from "./relative-l2.js";
import { sampleNorms } from "./stable-norm.js";

export interface SobolevLossOptions extends LossOptions {
  /** Number of trailing spatial axes (default rank - 2, at least 1). */
  nDims?: number;
  /** Relative (default) or absolute norm of the difference. */
  relative?: boolean;
}

export interface HMinus1LossOptions extends SobolevLossOptions {
  /** Shift of the H^-1 weight 1 / (alpha + 4 pi^2 |k|^2); default 10^-1.5. */
  alpha?: number;
}

/** sqrt(multiplicity * w(k)) on the half-spectrum grid of `spatial`, as float64 values. */
function spectralWeights(spatial: readonly number[], w: (k2: number) => number): Float64Array {
  const d = spatial.length;
  const half = spatial.map((n, i) => (i === d - 1 ? (n >> 1) + 1 : n));
  const total = sizeOf(half);
  const out = new Float64Array(total);
  const idx = new Array(d).fill(0);
  for (let flat = 0; flat < total; flat++) {
    let k2 = 0;
    for (let i = 0; i < d; i++) {
      const n = spatial[i];
      const f = i === d - 1 ? idx[i] : idx[i] <= (n - 1) >> 1 ? idx[i] : idx[i] - n;
      k2 += f * f;
    }
    const last = idx[d - 1];
    const nLast = spatial[d - 1];
    const multiplicity = last === 0 || (nLast % 2 === 0 && last === nLast / 2) ? 1 : 2;
    out[flat] = Math.sqrt(multiplicity * w(4 * Math.PI * Math.PI * k2));
    for (let i = d - 1; i >= 0; i--) {
      if (++idx[i] < half[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

function sobolevLoss(
  fn: string,
  pred: Tensor,
  target: Tensor,
  opts: SobolevLossOptions,
  w: (k2: number) => number,
): Tensor {
  checkPair(fn, pred, target);
  const rank = pred.shape.length;
  const nDims = opts.nDims ?? Math.max(1, rank - 2);
  if (!Number.isInteger(nDims) || nDims < 1 || nDims > rank - 1)
    throw new ValueError(fn, "nDims", `an integer in [1, ${rank - 1}]`, String(opts.nDims));
  return tidy(() => {
    const axes = Array.from({ length: nDims }, (_, i) => rank - nDims + i);
    const spatial = axes.map((a) => pred.shape[a]);
    const half = spatial.map((n, i) => (i === nDims - 1 ? (n >> 1) + 1 : n));
    const weights = tensor(spectralWeights(spatial, w), {
      dtype: pred.dtype === "float32" ? "float32" : "float64",
      shape: half,
    });
    // sqrt(w) u_k as (re, im) pairs: no complex abs, whose gradient is undefined at 0.
    const weighted = (u: Tensor): Tensor => {
      const v = mul(rfftn(u, { axes, norm: "forward" }), weights);
      return concat([real(v), imag(v)], rank - 1);
    };
    const errNorm = sampleNorms(weighted(sub(pred, target)));
    const perSample =
      (opts.relative ?? true) ? div(errNorm, sampleNorms(weighted(target))) : errNorm;
    return reduceSamples(fn, perSample, opts.reduction);
  });
}

/** Relative H1 loss (spectral derivatives, periodic [0, 1]^d). */
export function h1Loss(pred: Tensor, target: Tensor, opts: SobolevLossOptions = {}): Tensor {
  return sobolevLoss("h1Loss", pred, target, opts, (k2) => 1 + k2);
}

/** Relative H^-1 loss (periodic [0, 1]^d), weight 1 / (alpha + 4 pi^2 |k|^2). */
export function hMinus1Loss(pred: Tensor, target: Tensor, opts: HMinus1LossOptions = {}): Tensor {
  const alpha = opts.alpha ?? 10 ** -1.5;
  if (!(alpha > 0))
    throw new ValueError("hMinus1Loss", "alpha", "a positive number", String(alpha));
  return sobolevLoss("hMinus1Loss", pred, target, opts, (k2) => 1 / (alpha + k2));
}
