/**
 * The vectorized integrand of every cubature: f(x, n, d) receives n points as a row-major
 * n x d Float64Array in [0,1)^d and returns the n values. Its output is checked on every call
 * (length n, all finite) so a bad integrand stops the cubature with a typed error instead of
 * propagating NaN into an estimate.
 */
import { ShapeError, ValueError } from "@modewise/tensor";

export type Integrand = (x: Float64Array, n: number, d: number) => Float64Array | readonly number[];

/** Calls f on n points and checks the result. */
export function evaluate(fn: string, f: Integrand, x: Float64Array, n: number, d: number) {
  const y = f(x, n, d);
  if (y === null || typeof y !== "object" || typeof y.length !== "number")
    throw new ValueError(fn, "f", "a function returning n values", typeof y);
  if (y.length !== n)
    throw new ShapeError(fn, "f", `f(x, n, d) to return n = ${n} values`, `${y.length} values`);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(y[i]))
      throw new ValueError(fn, "f", "finite integrand values", `${y[i]} at point ${i}`);
  return y;
}
