/**
 * Gaussian random fields, seeded and batched (sample b uses stream sampleOffset + b of the
 * seed, see rng.ts).
 *
 * Periodic (FFT): real white noise z ~ N(0, I) on the grid, Z = rfft(z) has E|Z_k|^2 = s^d, and
 * U_k = s^(d/2) sigma (4 pi^2 |k|^2 + tau^2)^(-alpha/2) Z_k (U_0 = 0) gives a mean-zero real
 * field whose continuum Fourier modes have variance sigma^2 (4 pi^2 |k|^2 + tau^2)^-alpha, i.e.
 * covariance sigma^2 (-lap + tau^2)^-alpha on the unit torus (the FNO GaussianRF law; it draws
 * complex noise and keeps the real part, which has the same covariance).
 *
 * Neumann (DCT): the FNO Darcy GRF.m: L_k = s tau^(alpha-1) (pi^2 |k|^2 + tau^2)^(-alpha/2) xi_k,
 * L_0 = 0, field = orthonormal inverse 2-D DCT-II of L (cosine modes, zero normal derivative).
 */
import { idctn, realPlan } from "@modewise/fft";
import { ValueError } from "@modewise/tensor";
import { RealFFT2d, wavenumber } from "./real-fft-2d.js";
import { SeededRandom } from "./rng.js";
import type { DarcyCoefficientOptions, GRF1dOptions, GRF2dOptions } from "./types.js";
import { checkOptionsObject, choiceArg, intArg, numArg } from "./validate.js";

/** A batch of 2-D GRFs, [batch, s, s], index b*s*s + i*s + j (i = x, j = y), x_i = i/s. */
export function gaussianRandomField2d(options: GRF2dOptions): Float64Array {
  const fn = "gaussianRandomField2d";
  const o = checkOptionsObject(options, fn);
  const s = intArg(fn, "s", o.s, undefined, 2);
  const alpha = numArg(fn, "alpha", o.alpha, 2.5, true);
  const tau = numArg(fn, "tau", o.tau, 7, true);
  const boundary = choiceArg(fn, "boundary", o.boundary, "periodic", ["periodic", "neumann"]);
  const batch = intArg(fn, "batch", o.batch, 1, 1);
  const seed = intArg(fn, "seed", o.seed, 0, 0);
  const first = intArg(fn, "sampleOffset", o.sampleOffset, 0, 0);
  if (boundary === "neumann") {
    const sigma = numArg(fn, "sigma", o.sigma, tau ** (alpha - 1), true);
    return neumann2d(s, alpha, tau, sigma, batch, seed, first);
  }
  if (s % 2 !== 0)
    throw new ValueError(fn, "s", "an even grid size for periodic fields", String(s));
  const sigma = numArg(fn, "sigma", o.sigma, Math.SQRT2 * tau ** (alpha - 1), true);
  const fft = new RealFFT2d(s);
  const half = fft.half;
  const amp = new Float64Array(s * half);
  for (let p = 0; p < s; p++) {
    const kx = wavenumber(p, s);
    for (let q = 0; q < half; q++) {
      const k2 = kx * kx + q * q;
      amp[p * half + q] =
        k2 === 0 ? 0 : s * sigma * (4 * Math.PI * Math.PI * k2 + tau * tau) ** (-alpha / 2);
    }
  }
  const out = new Float64Array(batch * s * s);
  const spec = new Float64Array(2 * s * half);
  for (let b = 0; b < batch; b++) {
    new SeededRandom(seed, first + b).fillNormal(out, b * s * s, s * s);
    fft.forward(out, b * s * s, spec, 0);
    for (let m = 0; m < s * half; m++) {
      spec[2 * m] = (spec[2 * m] as number) * (amp[m] as number);
      spec[2 * m + 1] = (spec[2 * m + 1] as number) * (amp[m] as number);
    }
    fft.inverseInPlace(spec, 0, out, b * s * s);
  }
  return out;
}

function neumann2d(
  s: number,
  alpha: number,
  tau: number,
  sigma: number,
  batch: number,
  seed: number,
  first: number,
): Float64Array {
  const coef = new Float64Array(batch * s * s);
  for (let b = 0; b < batch; b++) {
    const rng = new SeededRandom(seed, first + b);
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        const xi = rng.normal();
        const c = s * sigma * (Math.PI * Math.PI * (i * i + j * j) + tau * tau) ** (-alpha / 2);
        coef[b * s * s + i * s + j] = i === 0 && j === 0 ? 0 : c * xi;
      }
    }
  }
  const res = idctn({ data: coef, shape: [batch, s, s] }, { type: 2, axes: [1, 2], norm: "ortho" });
  return res.data as Float64Array;
}

/** A batch of 1-D periodic GRFs on [0, L): [batch, s], index b*s + i, x_i = i L / s. */
export function gaussianRandomField1d(options: GRF1dOptions): Float64Array {
  const fn = "gaussianRandomField1d";
  const o = checkOptionsObject(options, fn);
  const s = intArg(fn, "s", o.s, undefined, 2);
  const alpha = numArg(fn, "alpha", o.alpha, 2, true);
  const tau = numArg(fn, "tau", o.tau, 5, true);
  const sigma = numArg(fn, "sigma", o.sigma, 25, true);
  const batch = intArg(fn, "batch", o.batch, 1, 1);
  const seed = intArg(fn, "seed", o.seed, 0, 0);
  const first = intArg(fn, "sampleOffset", o.sampleOffset, 0, 0);
  const length = numArg(fn, "length", o.length, 1, true);
  const half = (s >> 1) + 1;
  const plan = realPlan(s);
  const amp = new Float64Array(half);
  for (let q = 1; q < half; q++) {
    const k = (2 * Math.PI * q) / length;
    amp[q] = Math.sqrt(s) * sigma * (k * k + tau * tau) ** (-alpha / 2);
  }
  const out = new Float64Array(batch * s);
  const spec = new Float64Array(2 * half);
  for (let b = 0; b < batch; b++) {
    new SeededRandom(seed, first + b).fillNormal(out, b * s, s);
    plan.forward(out, b * s, 1, spec, 0, 1, 1);
    for (let q = 0; q < half; q++) {
      spec[2 * q] = (spec[2 * q] as number) * (amp[q] as number);
      spec[2 * q + 1] = (spec[2 * q + 1] as number) * (amp[q] as number);
    }
    plan.backward(spec, 0, 1, out, b * s, 1, 1 / s);
  }
  return out;
}

/**
 * Piecewise-constant Darcy coefficients as in the FNO data: a Neumann GRF (alpha 2, tau 3),
 * `high` (12) where it is >= 0 and `low` (4) elsewhere. [batch, s, s] including the boundary.
 */
export function darcyCoefficient(options: DarcyCoefficientOptions): Float64Array {
  const fn = "darcyCoefficient";
  const o = checkOptionsObject(options, fn);
  const high = numArg(fn, "high", o.high, 12, true);
  const low = numArg(fn, "low", o.low, 4, true);
  const field = gaussianRandomField2d({
    s: intArg(fn, "s", o.s, undefined, 2),
    batch: intArg(fn, "batch", o.batch, 1, 1),
    seed: intArg(fn, "seed", o.seed, 0, 0),
    sampleOffset: intArg(fn, "sampleOffset", o.sampleOffset, 0, 0),
    alpha: numArg(fn, "alpha", o.alpha, 2, true),
    tau: numArg(fn, "tau", o.tau, 3, true),
    boundary: "neumann",
  });
  for (let i = 0; i < field.length; i++) field[i] = (field[i] as number) >= 0 ? high : low;
  return field;
}
