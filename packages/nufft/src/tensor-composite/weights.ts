/**
 * Spreading weights and fine-grid indices as tensor ops of the points, so they run on any
 * backend and gradients w.r.t. the points flow through autograd.
 *
 * Per mode axis a (fine grid size n = nf_a, kernel width w), as the native spreader does it
 * (spread/geometry.ts, kernel/piecewise-poly.ts):
 *   fold      x in R to [-pi, pi):  x - 2 pi floor((x + pi) / 2 pi)
 *   grid      G = (x + pi) n / (2 pi)          (grid index l sits at x = -pi + 2 pi l / n)
 *   footprint l = i1 + t, t = 0..w-1, i1 = ceil(G - w/2), wrapped periodically to [0, n)
 *   weight    psi(l - G) = phi(z), z = 2 (l - G) / w in [-1, 1],
 *             phi(z) = exp(beta (sqrt(1 - z^2) - 1))    (the ES kernel, evaluated directly)
 * The integer parts (floor, ceil, wrap) are piecewise constant in x: they go through
 * stopGradient and the indices are int32 tensors. The weights are smooth in x except at the
 * support's edge z = +-1, where sqrt has an infinite slope (hit exactly when G - w/2 is an
 * integer, e.g. x = 0 with w even). There phi = exp(-beta) is below the tolerance; the "double
 * where" below takes the constant exp(-beta) where 1 - z^2 <= 0 and feeds sqrt a safe 1 there,
 * so autograd never forms inf * 0 = NaN and the edge entry gets a zero point gradient.
 *
 * The d axes combine as a tensor product: flat index sum_a l_a * stride_a (row-major over the
 * fine grid, the first mode axis slowest) and weight prod_a phi_a, each of shape (M, w^d).
 */
import {
  add,
  arange,
  astype,
  ceil,
  div,
  exp,
  floor,
  greater,
  mul,
  reshape,
  slice,
  sqrt,
  square,
  stopGradient,
  sub,
  type Tensor,
  where,
} from "@modewise/tensor";
import type { CompositeParams } from "./params.js";

export interface SpreadWeights {
  /** (M, w^d) int32: flat fine-grid index of each footprint entry. */
  readonly indices: Tensor;
  /** (M, w^d) real (the points' dtype): tensor-product kernel weight of each entry. */
  readonly weights: Tensor;
}

/** Footprint indices (M, w) int32 and weights (M, w) for the coordinates x (M) of one axis. */
function axisFootprint(
  x: Tensor,
  n: number,
  width: number,
  beta: number,
): { index: Tensor; weight: Tensor } {
  const m = x.shape[0];
  const turns = stopGradient(floor(div(add(x, Math.PI), 2 * Math.PI)));
  const folded = sub(x, mul(turns, 2 * Math.PI));
  const g = reshape(mul(add(folded, Math.PI), n / (2 * Math.PI)), [m, 1]);
  const first = stopGradient(ceil(sub(g, width / 2)));
  const l = add(first, reshape(arange(0, width, 1, { dtype: x.dtype }), [1, width]));
  // l is an integer below 2^24 in magnitude, exact in f32 and f64: wrap it in floating point.
  const wrapped = sub(l, mul(floor(div(l, n)), n));
  const z = mul(sub(l, g), 2 / width);
  const s = sub(1, square(z));
  const inside = greater(s, 0);
  const safe = where(inside, s, 1);
  const phi = exp(mul(sub(sqrt(safe), 1), beta));
  return {
    index: astype(wrapped, "int32"),
    weight: where(inside, phi, Math.exp(-beta)),
  };
}

/** Weights and flat indices of the points (d, M) on the fine grid of `params`. */
export function spreadWeights(points: Tensor, params: CompositeParams): SpreadWeights {
  const d = params.fine.length;
  const m = points.shape[1];
  const w = params.width;
  let indices: Tensor | undefined;
  let weights: Tensor | undefined;
  let stride = 1;
  // Last axis first (stride 1), so the running stride is the row-major one.
  for (let a = d - 1; a >= 0; a--) {
    const x = reshape(slice(points, [{ start: a, stop: a + 1 }]), [m]);
    const { index, weight } = axisFootprint(x, params.fine[a], w, params.beta);
    // Axis a's footprint along its own broadcast axis: (M, 1.., w, 1..) with d - 1 - a ones after.
    const shape = [m, ...Array.from({ length: d }, (_, b) => (b === a ? w : 1))];
    const idx = mul(reshape(index, shape), stride);
    const wt = reshape(weight, shape);
    indices = indices === undefined ? idx : add(indices, idx);
    weights = weights === undefined ? wt : mul(weights, wt);
    stride *= params.fine[a];
  }
  const k = w ** d;
  return {
    indices: reshape(indices as Tensor, [m, k]),
    weights: reshape(weights as Tensor, [m, k]),
  };
}
