/**
 * Small shared helpers. Most are internal; viewAsReal / viewAsComplex, checkInt and reduceLoss
 * are also public (index.ts) so that packages built on nn do not keep their own copies.
 */
import {
  complex,
  type DType,
  imag,
  isComplex,
  mean,
  type RealFloatDType,
  real,
  show,
  slice,
  stack,
  sum,
  type Tensor,
  transpose,
  ValueError,
} from "@modewise/tensor";

export function shapeEq(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The tensor core's rendering of a received value for error messages. */
export { show };

/** The real dtype with the precision of d (complex128 -> float64). */
export function realDTypeOf(d: DType): RealFloatDType {
  return d === "float64" || d === "complex128" ? "float64" : "float32";
}

/** torch.view_as_real, materialized: complex [...s] -> real [...s, 2]; real tensors pass through. */
export function viewAsReal(t: Tensor): Tensor {
  return isComplex(t.dtype) ? stack([real(t), imag(t)], -1) : t;
}

/** Inverse of viewAsReal: real [...s, 2] -> complex [...s]. */
export function viewAsComplex(t: Tensor): Tensor {
  return complex(slice(t, "..., 0"), slice(t, "..., 1"));
}

/** An integer >= min, or a typed error. */
export function checkInt(fn: string, arg: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new ValueError(fn, arg, `an integer >= ${min}`, show(v));
  }
  return v;
}

/** A number in [lo, hi] (inclusive unless open flags), or a typed error. */
export function checkRange(
  fn: string,
  arg: string,
  v: unknown,
  lo: number,
  hi: number,
  openLo = false,
  openHi = false,
): number {
  const ok =
    typeof v === "number" &&
    !Number.isNaN(v) &&
    (openLo ? v > lo : v >= lo) &&
    (openHi ? v < hi : v <= hi);
  if (!ok)
    throw new ValueError(
      fn,
      arg,
      `a number in ${openLo ? "(" : "["}${lo}, ${hi}${openHi ? ")" : "]"}`,
      show(v),
    );
  return v as number;
}

/** x with `axis` moved to the end (a no-op when it already is last). */
export function moveAxisLast(x: Tensor, axis: number): Tensor {
  const a = axis < 0 ? axis + x.rank : axis;
  if (a === x.rank - 1) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== a);
  return transpose(x, [...perm, a]);
}

/** How a loss reduces its per-element values (PyTorch's `reduction`). */
export type Reduction = "mean" | "sum" | "none";

/**
 * Apply a loss reduction; `fn` names the public loss in the error for anything else. A helper
 * for losses written outside nn, so that they accept and reject exactly what nn's losses do.
 */
export function reduceLoss(x: Tensor, reduction: Reduction, fn: string): Tensor {
  if (reduction === "mean") return mean(x);
  if (reduction === "sum") return sum(x);
  if (reduction === "none") return x;
  throw new ValueError(fn, "reduction", "'mean', 'sum' or 'none'", show(reduction));
}
