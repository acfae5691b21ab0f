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
 * For y = exp(-lambda t) the stencils give the exact discrete values used in the tests.
 */
import { add, concat, mul, type Tensor, tidy, ValueError } from "@modewise/tensor";
import { sliceAxis } from "../spectral-conv/box.js";

export type TimeDerivativeScheme = "fd2" | "fd4";

interface StencilSet {
  /** Central stencil, offsets -h..h. */
  central: number[];
  /** Stencils for the first frames: row r gives the derivative at frame r from frames 0..len-1. */
  start: number[][];
}

const STENCILS: Record<TimeDerivativeScheme, StencilSet> = {
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
  return STENCILS[scheme].central.length;
}

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
  const set = STENCILS[scheme];
  if (set === undefined) throw new ValueError(fn, "scheme", '"fd2" or "fd4"', String(scheme));
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
