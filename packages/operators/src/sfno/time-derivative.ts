/**
 * Finite-difference time derivative of a sampled trajectory along one axis.
 *
 * Why not a spectral derivative in time: a trajectory t0 + k dt, k = 0..T-1, is not periodic in
 * time, so the Fourier derivative sees the jump between the last and first frame and is wrong
 * by O(1) near the ends (Gibbs). Explicit stencils are exact on polynomials, local, linear (so
 * autograd passes straight through) and have a known leading error:
 *   "fd2": central (-1/2, 0, 1/2) inside, one-sided (-3/2, 2, -1/2) at the ends; error O(dt^2).
 *   "fd4": central (1/12, -2/3, 0, 2/3, -1/12) inside; at the two first (last) frames the
 *          one-sided 5-point stencils (-25/12, 4, -3, 4/3, -1/4) and (-1/4, -5/6, 3/2, -1/2, 1/12)
 *          (mirrored and negated at the end); error O(dt^4).
 *   "bdf4": the backward 5-point stencil (25/12, -4, 3, -4/3, 1/4) (newest frame first) at
 *          every frame r >= 4, and at frames 0..3 the 5-point stencils over frames 0..4 (the
 *          fd4 ones, exact on quartics); error O(dt^4) with a 6x larger constant than central.
 * For y = exp(-lambda t) the stencils give the exact discrete values used in the tests.
 *
 * Why "bdf4" exists: as an objective (refine.ts) the central stencil is blind to the
 * alternating-in-time sequence (its symbol 8 sin(theta) - sin(2 theta) vanishes at theta = pi
 * as well as at 0), so the residual barely penalises a checkerboard in time and the
 * least-squares problem over the frames is very badly conditioned. The backward stencil's
 * symbol is largest at theta = pi and, with the first frame fixed, the frames-to-residual map
 * is lower triangular with a 25/12 diagonal (the implicit BDF4 time step): well conditioned.
 */
import { add, concat, mul, type Tensor, tidy, ValueError } from "@modewise/tensor";
import { sliceAxis } from "../spectral-conv/box.js";

export type TimeDerivativeScheme = "fd2" | "fd4" | "bdf4";

interface StencilSet {
  /** Central stencil, offsets -h..h. */
  central: number[];
  /** Stencils for the first frames: row r gives the derivative at frame r from frames 0..len-1. */
  start: number[][];
}

const STENCILS: Record<"fd2" | "fd4", StencilSet> = {
  fd2: { central: [-0.5, 0, 0.5], start: [[-1.5, 2, -0.5]] },
  fd4: {
    central: [1 / 12, -2 / 3, 0, 2 / 3, -1 / 12],
    start: [
      [-25 / 12, 4, -3, 4 / 3, -1 / 4],
      [-1 / 4, -5 / 6, 3 / 2, -1 / 2, 1 / 12],
    ],
  },
};

/** Frames needed by a scheme (the stencil width). */
export function minFramesFor(scheme: TimeDerivativeScheme): number {
  return STENCILS[scheme === "bdf4" ? "fd4" : scheme].central.length;
}

/** Backward 5-point stencil, oldest frame first: (1/4, -4/3, 3, -4, 25/12). */
const BACKWARD4 = [1 / 4, -4 / 3, 3, -4, 25 / 12];

/** sum_j c_j x[start + j : start + j + len] along `axis`. */
function combine(x: Tensor, axis: number, coeffs: number[], start: number, len: number): Tensor {
  let acc: Tensor | null = null;
  coeffs.forEach((c, j) => {
    if (c === 0) return;
    const term = mul(sliceAxis(x, axis, start + j, start + j + len), c);
    acc = acc === null ? term : add(acc, term);
  });
  return acc as unknown as Tensor;
}

/**
 * d/dt of x (real or complex) sampled every `dt` along `axis`: same shape as x. Needs at least
 * 3 frames ("fd2") or 5 ("fd4").
 */
export function timeDerivative(
  x: Tensor,
  axis: number,
  dt: number,
  scheme: TimeDerivativeScheme = "fd4",
): Tensor {
  const fn = "timeDerivative";
  const set = STENCILS[scheme === "bdf4" ? "fd4" : scheme];
  if (set === undefined)
    throw new ValueError(fn, "scheme", '"fd2", "fd4" or "bdf4"', String(scheme));
  if (!(dt > 0) || !Number.isFinite(dt))
    throw new ValueError(fn, "dt", "a positive finite number", String(dt));
  const n = x.shape[axis];
  const width = set.central.length;
  if (n < width)
    throw new ValueError(
      fn,
      "x",
      `at least ${width} frames along axis ${axis} for "${scheme}"`,
      `${n}`,
    );
  const h = (width - 1) / 2;
  if (scheme === "bdf4")
    return tidy(() => {
      const parts: Tensor[] = [];
      // frames 0..3 from frames 0..4: forward one-sided, central, mirrored one-sided
      parts.push(combine(x, axis, set.start[0], 0, 1));
      parts.push(combine(x, axis, set.start[1], 0, 1));
      parts.push(combine(x, axis, set.central, 0, 1));
      parts.push(combine(x, axis, set.start[1].map((c) => -c).reverse(), 0, 1));
      if (n > 4) parts.push(combine(x, axis, BACKWARD4, 0, n - 4));
      return mul(concat(parts, axis), 1 / dt);
    });
  return tidy(() => {
    const parts: Tensor[] = [];
    // frames r < h: one-sided stencils over frames 0..width-1; interior frames h..n-h-1
    for (let r = 0; r < h; r++) parts.push(combine(x, axis, set.start[r], 0, 1));
    parts.push(combine(x, axis, set.central, 0, n - 2 * h));
    // end frames: mirrored, negated stencils over the last `width` frames
    for (let r = h - 1; r >= 0; r--) {
      const mirrored = set.start[r].map((c) => -c).reverse();
      parts.push(combine(x, axis, mirrored, n - width, 1));
    }
    return mul(concat(parts, axis), 1 / dt);
  });
}
