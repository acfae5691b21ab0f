/**
 * cubQMCLatticeG: guaranteed adaptive cubature on a randomly shifted rank-1 lattice in natural
 * order (QMCPy's CubQMCLatticeG; Jimenez Rugama & Hickernell 2016). The error bound comes from
 * the decay of the discrete Fourier coefficients yTilde = fftbr(y)/sqrt(n) of the values in
 * natural order (fftbr reads its input in bit-reversed order, which turns natural-order lattice
 * values into linear order, where the DFT index is the dual-lattice wavenumber class).
 */
import { fftbr } from "@modewise/fft";
import { ValueError } from "@modewise/tensor";
import { showValue } from "../discrepancy/show-value.js";
import { Lattice } from "../lattice/lattice.js";
import type { PointSet } from "../types.js";
import { type GuaranteedOptions, guaranteedCubature } from "./guaranteed.js";
import type { Integrand } from "./integrand.js";
import { type CubatureResult, checkPointSet } from "./options.js";
import { type Periodization, periodize } from "./periodization.js";

export interface LatticeCubatureOptions extends GuaranteedOptions {
  /**
   * The points: a randomly shifted rank-1 lattice in natural (radical-inverse) order (default
   * `new Lattice(dim, { seed })`). A Lattice in another order or without its shift is refused;
   * for another PointSet the caller vouches for that structure.
   */
  points?: PointSet;
  /** Seed of the default lattice's random shift (ignored when `points` is given). */
  seed?: number;
  /** Periodizing transform applied to f (default "baker"). */
  periodization?: Periodization;
}

const FN = "cubQMCLatticeG";

function fourierMagnitudes(y: Float64Array): Float64Array {
  const n = y.length;
  const { re, im } = fftbr({ re: y });
  const mag = new Float64Array(n);
  const scale = 1 / Math.sqrt(n);
  for (let k = 0; k < n; k++) mag[k] = Math.hypot(re[k], im[k]) * scale;
  return mag;
}

/** Integral over [0,1)^dim of f to within max(absTol, relTol |mu|), with a guaranteed bound. */
export function cubQMCLatticeG(
  f: Integrand,
  dim: number,
  options: LatticeCubatureOptions = {},
): CubatureResult {
  const points = checkPointSet(FN, options.points ?? new Lattice(dim, { seed: options.seed }), dim);
  if (points instanceof Lattice && (points.order !== "natural" || points.randomize !== "shift"))
    throw new ValueError(
      FN,
      "points",
      "a Lattice with order 'natural' and randomize 'shift'",
      `order '${points.order}', randomize '${points.randomize}'`,
    );
  // The guaranteed loop doubles n up to nMax (default 2^22), but a lattice only has 2^mMax
  // points (2^20 for the default vector): without this cap an unreachable tolerance ended in
  // Lattice.gen's range error instead of the documented `converged: false` at nMax.
  let nMax = options.nMax;
  if (points instanceof Lattice) {
    const capacity = 2 ** points.mMax;
    if (nMax === undefined) nMax = Math.min(2 ** 22, capacity);
    else if (nMax > capacity)
      throw new ValueError(
        FN,
        "nMax",
        `at most the lattice's 2^mMax = ${capacity} points`,
        showValue(nMax),
      );
  }
  const g = periodize(FN, f, options.periodization ?? "baker");
  return guaranteedCubature(FN, g, points, fourierMagnitudes, { ...options, nMax });
}
