/**
 * Per-sample Euclidean norms that neither overflow nor underflow: ||v|| = s sqrt(sum (v / s)^2)
 * with s = max |v| over the sample (hypot's idea). Squaring first would overflow float32 beyond
 * ~1.8e19 and float64 beyond ~1.3e154 and flush to zero below their square-root of the smallest
 * normal; the scaled form is exact in exponent range for every finite input. s is held
 * constant for autograd (stopGradient): the identity holds for any s > 0, so the gradient is
 * that of the plain norm, without a spurious path through the max. Complex input is measured
 * as its (re, im) pairs.
 */
import {
  abs,
  div,
  equal,
  max,
  mul,
  reshape,
  sqrt,
  square,
  stopGradient,
  sum,
  type Tensor,
  tidy,
  where,
} from "@modewise/tensor";

/** ||v_b||_2 over all axes but the first, for each sample b: shape [batch]. `v` real. */
export function sampleNorms(v: Tensor): Tensor {
  return tidy(() => {
    const b = v.shape[0];
    const flat = reshape(v, [b, v.size / Math.max(b, 1)]);
    const s = stopGradient(max(abs(flat), 1, true));
    const safe = where(equal(s, 0), 1, s);
    // At v = 0 the norm is 0 and its gradient is taken as 0 (PyTorch's subgradient), not the
    // 0 * inf = NaN of the square root's derivative.
    const q = sum(square(div(flat, safe)), 1, true);
    const zero = equal(q, 0);
    const root = where(zero, 0, sqrt(where(zero, 1, q)));
    return reshape(mul(root, safe), [b]);
  });
}
