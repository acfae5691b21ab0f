import { ShapeError, show, ValueError } from "./errors.js";

export type Shape = readonly number[];

/** Number of elements of a tensor of this shape (1 for a scalar's []). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function validateShape(shape: unknown, fn: string, arg = "shape"): number[] {
  if (!Array.isArray(shape)) throw new ValueError(fn, arg, "an array of sizes", show(shape));
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(fn, arg, "non-negative integer sizes", show(shape));
    }
  }
  return shape.slice();
}

/** numpy broadcasting: align trailing axes; sizes must match or be 1. */
export function broadcastShapes(
  a: Shape,
  b: Shape,
  fn = "broadcast",
  names = ["a", "b"],
): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        fn,
        names[1],
        `a shape broadcastable with ${show(a)} (argument '${names[0]}')`,
        show(b),
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalize one axis (negative counts from the end). */
export function normalizeAxis(axis: number, rank: number, fn: string, arg = "axis"): number {
  // A rank-0 tensor accepts axis 0 (reductions over "the" axis of a scalar are the identity).
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ValueError(
      fn,
      arg,
      `an integer axis in [${-rank}, ${Math.max(rank, 1) - 1}]`,
      show(axis),
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Normalize an axis list; undefined means all axes. Sorted, unique. */
export function normalizeAxes(
  axes: number | readonly number[] | undefined,
  rank: number,
  fn: string,
  arg = "axis",
): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  if (!Array.isArray(list))
    throw new ValueError(fn, arg, "an integer or integer array", show(axes));
  const out = list.map((a) => normalizeAxis(a, rank, fn, arg));
  if (new Set(out).size !== out.length) {
    throw new ValueError(fn, arg, "distinct axes", show(axes));
  }
  return out.sort((x, y) => x - y);
}
