/** Reductions over axes: sum, mean, prod, max, min, argmax/argmin, var/std, norm, logsumexp. */
import { getDefaultFloatDType, isComplex, isFloat } from "../dtype.js";
import { DTypeError, show, ValueError } from "../errors.js";
import type { ReduceOp } from "../kernels.js";
import { normalizeAxes, normalizeAxis, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import {
  abs,
  add,
  div,
  exp,
  log,
  maximum,
  minimum,
  pow,
  sqrt,
  square,
  sub,
} from "./elementwise.js";
import { cast, op, run, type TensorLike, toTensor } from "./op.js";
import { reshape, stopGradient } from "./shape.js";

export type Axis = number | readonly number[];

/** Normalized reduction axes. A scalar accepts axis 0 (as PyTorch) and reduces over nothing. */
function axesOf(axis: Axis | undefined, rank: number, fn: string): number[] {
  return normalizeAxes(axis, rank, fn).filter((a) => a < rank);
}

function reduceOp(
  opName: ReduceOp,
  x: TensorLike,
  axis: Axis | undefined,
  keepDims: boolean,
  fn: string,
): Tensor {
  return op(() => {
    let t = toTensor(x, fn, "x");
    if (t.dtype === "bool") t = cast(t, "int32", fn);
    if ((opName === "max" || opName === "min") && isComplex(t.dtype)) {
      throw new DTypeError(fn, "x", "a real dtype (complex numbers are not ordered)", t.dtype);
    }
    const axes = axesOf(axis, t.rank, fn);
    if ((opName === "max" || opName === "min") && axes.some((a) => t.shape[a] === 0)) {
      throw new ValueError(
        fn,
        "x",
        "non-empty reduction axes (max of nothing is undefined)",
        `shape [${t.shape}]`,
      );
    }
    return run("Reduce", [t], { op: opName, axes, keepDims }, fn);
  })();
}

export const sum = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduceOp("sum", x, axis, keepDims, "sum");
export const prod = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduceOp("prod", x, axis, keepDims, "prod");
/** Maximum over axes; NaN propagates (numpy.amax). */
export const max = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduceOp("max", x, axis, keepDims, "max");
export const min = (x: TensorLike, axis?: Axis, keepDims = false): Tensor =>
  reduceOp("min", x, axis, keepDims, "min");

function countOf(t: Tensor, axis: Axis | undefined, fn: string): number {
  return sizeOf(axesOf(axis, t.rank, fn).map((a) => t.shape[a]));
}

/** Arithmetic mean (integers give floats). */
export const mean = op((x: TensorLike, axis?: Axis, keepDims = false): Tensor => {
  let t = toTensor(x, "mean", "x");
  if (!isFloat(t.dtype)) t = cast(t, getDefaultFloatDType(), "mean");
  return div(sum(t, axis, keepDims), countOf(t, axis, "mean"));
});

function argReduce(
  opName: "argmax" | "argmin",
  x: TensorLike,
  axis: number | undefined,
  keepDims: boolean,
): Tensor {
  return op(() => {
    const t = toTensor(x, opName, "x");
    if (isComplex(t.dtype)) throw new DTypeError(opName, "x", "a real dtype", t.dtype);
    if (t.size === 0) throw new ValueError(opName, "x", "a non-empty tensor", `shape [${t.shape}]`);
    if (axis !== undefined) normalizeAxis(axis, t.rank, opName);
    if (axis === undefined || t.rank === 0) {
      // Over the flattened tensor; keepDims keeps every axis with size 1 (numpy).
      const flat = run(
        "ArgReduce",
        [reshape(t, [t.size])],
        { op: opName, axis: 0, keepDims: false },
        opName,
      );
      return keepDims
        ? reshape(
            flat,
            t.shape.map(() => 1),
          )
        : flat;
    }
    const a = normalizeAxis(axis, t.rank, opName);
    return run("ArgReduce", [t], { op: opName, axis: a, keepDims }, opName);
  })();
}

/** Index of the first maximum (int32); over the flattened tensor when axis is undefined. NaN wins, as numpy. */
export const argmax = (x: TensorLike, axis?: number, keepDims = false): Tensor =>
  argReduce("argmax", x, axis, keepDims);
export const argmin = (x: TensorLike, axis?: number, keepDims = false): Tensor =>
  argReduce("argmin", x, axis, keepDims);

export interface VarOptions {
  /** Subtracted from the count in the divisor: 0 = population (numpy's default), 1 = sample (PyTorch's). */
  correction?: number;
  keepDims?: boolean;
}

/** Variance: mean of |x - mean(x)|^2 with the divisor N - correction (two-pass, real result). */
export const variance = op((x: TensorLike, axis?: Axis, opts: VarOptions = {}): Tensor => {
  let t = toTensor(x, "variance", "x");
  if (!isFloat(t.dtype)) t = cast(t, getDefaultFloatDType(), "variance");
  const correction = opts.correction ?? 0;
  const n = countOf(t, axis, "variance");
  const d = sub(t, mean(t, axis, true));
  const sq = isComplex(t.dtype) ? square(abs(d)) : square(d);
  return div(sum(sq, axis, opts.keepDims ?? false), Math.max(n - correction, 0));
});

export const std = op(
  (x: TensorLike, axis?: Axis, opts: VarOptions = {}): Tensor => sqrt(variance(x, axis, opts)),
);

/**
 * Vector p-norm over `axis` (all elements by default; for a matrix that is the Frobenius norm
 * when p = 2). p = Infinity / -Infinity give max / min of |x|.
 */
export const norm = op(
  (x: TensorLike, p: number | "fro" = 2, axis?: Axis, keepDims = false): Tensor => {
    let t = toTensor(x, "norm", "x");
    if (!isFloat(t.dtype)) t = cast(t, getDefaultFloatDType(), "norm");
    const a = abs(t);
    if (p === "fro" || p === 2) return sqrt(sum(square(a), axis, keepDims));
    if (typeof p !== "number" || Number.isNaN(p))
      throw new ValueError("norm", "p", "a number, Infinity or 'fro'", show(p));
    if (p === Number.POSITIVE_INFINITY) return max(a, axis, keepDims);
    if (p === Number.NEGATIVE_INFINITY) return min(a, axis, keepDims);
    if (p === 1) return sum(a, axis, keepDims);
    if (p <= 0) throw new ValueError("norm", "p", "p > 0 (or +-Infinity)", show(p));
    return pow(sum(pow(a, p), axis, keepDims), 1 / p);
  },
);

/** log(sum(exp(x))) computed stably by shifting with the (gradient-free) maximum. */
export const logsumexp = op((x: TensorLike, axis?: Axis, keepDims = false): Tensor => {
  let t = toTensor(x, "logsumexp", "x");
  if (isComplex(t.dtype)) throw new DTypeError("logsumexp", "x", "a real dtype", t.dtype);
  if (!isFloat(t.dtype)) t = cast(t, getDefaultFloatDType(), "logsumexp");
  const m = stopGradient(max(t, axis, true));
  // An infinite maximum would make x - m NaN (-Infinity - -Infinity, Infinity - Infinity):
  // clamp the shift to finite values of the dtype, so that all -Infinity gives -Infinity and any
  // +Infinity gives +Infinity.
  const big = t.dtype === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const shift = minimum(maximum(m, -big), big);
  const s = log(sum(exp(sub(t, shift)), axis, true));
  const out = add(s, shift);
  return keepDims
    ? out
    : reshape(
        out,
        out.shape.filter((_, i) => !normalizeAxes(axis, t.rank, "logsumexp").includes(i)),
      );
});
