/**
 * The point-set argument shared by the discrepancy, kernel and cubature entry points: a
 * row-major n x d Float64Array with its dimension, or an array of rows. Values are validated
 * here once (finite, in [0, 1]) so the formulas never see NaN and never return one silently.
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import { showValue as show } from "./show-value.js";

/** A point set: n rows of d coordinates. */
export interface PointMatrix {
  /** Row-major n x d coordinates. */
  data: Float64Array;
  n: number;
  d: number;
}

/** Points as rows, or a row-major Float64Array (then `dim` says how many columns it has). */
export type PointsInput = Float64Array | readonly (readonly number[])[];

/** Validates and normalizes `points` to a row-major matrix with coordinates in [0, 1]. */
export function toPointMatrix(
  fn: string,
  points: PointsInput,
  dim: number | undefined,
  argument = "x",
): PointMatrix {
  let data: Float64Array;
  let n: number;
  let d: number;
  if (points instanceof Float64Array) {
    if (dim === undefined || !Number.isInteger(dim) || dim < 1)
      throw new ValueError(fn, "dim", "a positive integer for a flat Float64Array", show(dim));
    if (points.length === 0 || points.length % dim !== 0)
      throw new ShapeError(
        fn,
        argument,
        `a non-empty length divisible by dim = ${dim}`,
        `length ${points.length}`,
      );
    data = points;
    d = dim;
    n = points.length / dim;
  } else if (Array.isArray(points)) {
    n = points.length;
    if (n === 0) throw new ShapeError(fn, argument, "at least one point", "0 rows");
    d = points[0].length;
    if (d === 0) throw new ShapeError(fn, argument, "rows of at least one coordinate", "[]");
    if (dim !== undefined && dim !== d)
      throw new ShapeError(fn, argument, `rows of length dim = ${dim}`, `length ${d}`);
    data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      const row = points[i];
      if (row.length !== d)
        throw new ShapeError(
          fn,
          argument,
          `rows of length ${d}`,
          `row ${i} of length ${row.length}`,
        );
      for (let k = 0; k < d; k++) data[i * d + k] = row[k];
    }
  } else {
    throw new ValueError(fn, argument, "a Float64Array or an array of rows", show(points));
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= 0 && v <= 1))
      throw new ValueError(
        fn,
        argument,
        "coordinates in [0, 1]",
        `${show(v)} at row ${Math.floor(i / d)}, column ${i % d}`,
      );
  }
  return { data, n, d };
}
