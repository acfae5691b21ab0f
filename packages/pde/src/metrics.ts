/**
 * Error metrics of surrogate predictions (PDEBench / FNO definitions), all in float64.
 * Layout: `batch` samples of equal size, sample-major; time (when present) is the LAST axis.
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import { RealFFT2d, wavenumber } from "./real-fft-2d.js";
import type { SpectralBandOptions } from "./types.js";
import { intArg, show } from "./validate.js";

function checkPair(fn: string, pred: unknown, truth: unknown, batch: number): number {
  if (!(pred instanceof Float64Array))
    throw new ValueError(fn, "pred", "a Float64Array", show(pred));
  if (!(truth instanceof Float64Array))
    throw new ValueError(fn, "truth", "a Float64Array", show(truth));
  if (pred.length !== truth.length)
    throw new ShapeError(fn, "pred", `${truth.length} values (as truth)`, `${pred.length} values`);
  if (pred.length === 0 || pred.length % batch !== 0)
    throw new ShapeError(
      fn,
      "truth",
      `a non-empty length divisible by batch=${batch}`,
      `${truth.length} values`,
    );
  return pred.length / batch;
}

/** Mean over the batch of ||pred_b - truth_b||_2 / ||truth_b||_2 (the FNO LpLoss, p = 2). */
export function relL2(pred: Float64Array, truth: Float64Array, batch = 1): number {
  const fn = "relL2";
  intArg(fn, "batch", batch, 1, 1);
  const n = checkPair(fn, pred, truth, batch);
  let sum = 0;
  for (let b = 0; b < batch; b++) {
    let num = 0;
    let den = 0;
    for (let i = b * n; i < (b + 1) * n; i++) {
      const d = (pred[i] as number) - (truth[i] as number);
      num += d * d;
      den += (truth[i] as number) ** 2;
    }
    if (den === 0)
      throw new ValueError(fn, "truth", "samples with a non-zero norm", `sample ${b} is all zeros`);
    sum += Math.sqrt(num / den);
  }
  return sum / batch;
}

/**
 * PDEBench nRMSE: for every sample and time step (the last axis, length nt), the RMSE over space
 * divided by the RMS of the truth, averaged over samples and steps.
 */
export function nrmse(pred: Float64Array, truth: Float64Array, batch = 1, nt = 1): number {
  const fn = "nrmse";
  intArg(fn, "batch", batch, 1, 1);
  intArg(fn, "nt", nt, 1, 1);
  const n = checkPair(fn, pred, truth, batch);
  if (n % nt !== 0) throw new ShapeError(fn, "nt", `a divisor of the sample size ${n}`, String(nt));
  const space = n / nt;
  let sum = 0;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < nt; t++) {
      let num = 0;
      let den = 0;
      for (let x = 0; x < space; x++) {
        const i = b * n + x * nt + t;
        const d = (pred[i] as number) - (truth[i] as number);
        num += d * d;
        den += (truth[i] as number) ** 2;
      }
      if (den === 0)
        throw new ValueError(
          fn,
          "truth",
          "non-zero snapshots",
          `sample ${b}, step ${t} is all zeros`,
        );
      sum += Math.sqrt(num / den);
    }
  }
  return sum / (batch * nt);
}

/** max |pred - truth| over everything. */
export function maxError(pred: Float64Array, truth: Float64Array): number {
  checkPair("maxError", pred, truth, 1);
  let m = 0;
  for (let i = 0; i < pred.length; i++) {
    const d = Math.abs((pred[i] as number) - (truth[i] as number));
    if (!(d <= m)) m = d; // NaN propagates
  }
  return m;
}

export interface SpectralBandErrors {
  /** Band edges used (radial shell indices). */
  edges: number[];
  /** RMS error carried by each band: bands.length + 1 values (low, mid, high by default). */
  bands: number[];
  low: number;
  mid: number;
  high: number;
}

/**
 * Shell-averaged (radial) power spectrum of a batch of periodic s x s fields: bin (kx, ky) of
 * the unnormalized 2-D DFT f_hat belongs to shell round(|k|), and
 * P[k] = mean_b sum_{bins in shell k} |f_hat_b|^2 / s^4, k = 0..round(s / sqrt 2) (the corner
 * shells beyond s/2 are only partly inside the grid). By Parseval sum_k P[k] is the mean square
 * of the fields. The spectral metrics and plots of the app bin with this one function.
 */
export function shellSpectrum(fields: Float64Array, s: number): Float64Array {
  const fn = "shellSpectrum";
  intArg(fn, "s", s, undefined, 2);
  if (s % 2 !== 0) throw new ValueError(fn, "s", "an even grid size", String(s));
  if (!(fields instanceof Float64Array))
    throw new ValueError(fn, "fields", "a Float64Array", show(fields));
  if (fields.length % (s * s) !== 0 || fields.length === 0)
    throw new ShapeError(fn, "fields", `[batch, ${s}, ${s}] values`, `${fields.length} values`);
  const batch = fields.length / (s * s);
  const fft = new RealFFT2d(s);
  const half = fft.half;
  const spec = new Float64Array(2 * s * half);
  const P = new Float64Array(Math.round(s / Math.SQRT2) + 1);
  for (let b = 0; b < batch; b++) {
    fft.forward(fields, b * s * s, spec, 0);
    for (let p = 0; p < s; p++) {
      const kx = wavenumber(p, s);
      for (let q = 0; q < half; q++) {
        const m = p * half + q;
        const power = (spec[2 * m] as number) ** 2 + (spec[2 * m + 1] as number) ** 2;
        const weight = q === 0 || q === s / 2 ? 1 : 2; // the conjugate half is not stored
        const shell = Math.round(Math.sqrt(kx * kx + q * q));
        P[shell] = (P[shell] as number) + weight * power;
      }
    }
  }
  const scale = 1 / (batch * s ** 4);
  for (let k = 0; k < P.length; k++) P[k] = (P[k] as number) * scale;
  return P;
}

/**
 * Error split by radial wavenumber bands (PDEBench's low/mid/high with edges 4 and 12) for a
 * batch of periodic s x s fields: band e = sqrt(sum_{shells k in band} P_err[k]) with P_err the
 * shellSpectrum of the error, so by Parseval the squares of all bands add up to the mean
 * squared error.
 */
export function spectralBandErrors(
  pred: Float64Array,
  truth: Float64Array,
  s: number,
  options: SpectralBandOptions = {},
): SpectralBandErrors {
  const fn = "spectralBandErrors";
  intArg(fn, "s", s, undefined, 2);
  if (s % 2 !== 0) throw new ValueError(fn, "s", "an even grid size", String(s));
  const edges = [...(options.bands ?? [4, 12])];
  for (let e = 0; e < edges.length; e++) {
    const v = edges[e] as number;
    if (!Number.isFinite(v) || v <= 0 || (e > 0 && v <= (edges[e - 1] as number)))
      throw new ValueError(fn, "bands", "increasing positive edges", show(options.bands));
  }
  if (pred.length % (s * s) !== 0 || pred.length === 0)
    throw new ShapeError(fn, "pred", `[batch, ${s}, ${s}] values`, `${pred.length} values`);
  const batch = pred.length / (s * s);
  checkPair(fn, pred, truth, batch);
  const diff = pred.map((v, i) => v - (truth[i] as number));
  const P = shellSpectrum(diff, s);
  const acc = new Float64Array(edges.length + 1);
  for (let shell = 0; shell < P.length; shell++) {
    let band = 0;
    while (band < edges.length && shell >= (edges[band] as number)) band++;
    acc[band] = (acc[band] as number) + (P[shell] as number);
  }
  const bands = Array.from(acc, Math.sqrt);
  return { edges, bands, low: bands[0] as number, mid: bands[1] ?? 0, high: bands[2] ?? 0 };
}

/** Largest relative drift max_n |x_n - x_0| / |x_0| of a conserved-quantity series. */
export function drift(series: ArrayLike<number>): number {
  const fn = "drift";
  if (
    series === null ||
    typeof series !== "object" ||
    typeof series.length !== "number" ||
    series.length < 1
  )
    throw new ValueError(fn, "series", "a non-empty array of numbers", show(series));
  const x0 = series[0] as number;
  if (!Number.isFinite(x0) || x0 === 0)
    throw new ValueError(fn, "series", "a finite non-zero first value", String(x0));
  let m = 0;
  for (let i = 1; i < series.length; i++) {
    const d = Math.abs((series[i] as number) - x0) / Math.abs(x0);
    if (!(d <= m)) m = d;
  }
  return m;
}
