/**
 * cubQMCNetG: guaranteed adaptive cubature on a digitally shifted (optionally scrambled) base-2
 * digital net in natural order (QMCPy's CubQMCNetG / GAIL's cubSobol_g; Hickernell & Jimenez
 * Rugama 2016). The error bound comes from the decay of the discrete Walsh coefficients
 * yTilde = fwht(y)/n (natural = Hadamard order) of the values in natural order.
 */
import { ValueError } from "@modewise/tensor";
import { fwht } from "@modewise/wht";
import { DigitalNetB2 } from "../digital-net/digital-net.js";
import { Sobol } from "../digital-net/sobol.js";
import type { PointSet } from "../types.js";
import { type GuaranteedOptions, guaranteedCubature } from "./guaranteed.js";
import type { Integrand } from "./integrand.js";
import { type CubatureResult, checkPointSet } from "./options.js";

export interface NetCubatureOptions extends GuaranteedOptions {
  /**
   * The points: a randomized (LMS+DS, DS, LMS, NUS) base-2 digital net in natural order (default
   * `new Sobol(dim, { seed, bits: 64 })`). A DigitalNetB2 in Gray order or unrandomized is
   * refused; for another PointSet the caller vouches for that structure. A net with 32-bit
   * digits carries a bias of order 2^-33 per coordinate that the error bound does not include.
   */
  points?: PointSet;
  /** Seed of the default net's randomization (ignored when `points` is given). */
  seed?: number;
}

const FN = "cubQMCNetG";

function walshMagnitudes(y: Float64Array): Float64Array {
  const t = Float64Array.from(y);
  fwht(t, { order: "natural", norm: "forward" });
  for (let k = 0; k < t.length; k++) t[k] = Math.abs(t[k]);
  return t;
}

/** Integral over [0,1)^dim of f to within max(absTol, relTol |mu|), with a guaranteed bound. */
export function cubQMCNetG(
  f: Integrand,
  dim: number,
  options: NetCubatureOptions = {},
): CubatureResult {
  // 64-bit digits by default: 32-bit points are multiples of 2^-32 whose per-coordinate mean
  // is 1/2 - 2^-33, a bias (e.g. -2^-32 for prod (1 + (x_j - 1/2)) in d = 2) that no Walsh
  // coefficient shows, so the guaranteed bound missed it for tolerances below ~1e-9.
  const points = checkPointSet(
    FN,
    options.points ?? new Sobol(dim, { seed: options.seed, bits: 64 }),
    dim,
  );
  if (points instanceof DigitalNetB2 && (points.order !== "natural" || points.randomize === "none"))
    throw new ValueError(
      FN,
      "points",
      "a randomized digital net in order 'natural'",
      `order '${points.order}', randomize '${points.randomize}'`,
    );
  return guaranteedCubature(FN, f, points, walshMagnitudes, options);
}
