import type { Shape } from "../../shape.js";
import { sizeOf, stridesOf } from "../../shape.js";

/**
 * For an input broadcast to `outShape`, the element offset of the input for every output
 * element, or null when the input already has the output's shape (identity).
 */
export function broadcastOffsets(inShape: Shape, outShape: Shape): Int32Array | null {
  if (inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i])) return null;
  const n = sizeOf(outShape);
  const offsets = new Int32Array(n);
  if (sizeOf(inShape) === 1) return offsets;
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  // Stride of each output axis in the input: 0 where the input is broadcast.
  const s = new Array<number>(rank).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    const axis = i + rank - inShape.length;
    s[axis] = inShape[i] === 1 ? 0 : inStrides[i];
  }
  stridedOffsets(outShape, s, 0, offsets);
  return offsets;
}

/** Fill `into` with base + sum_k idx_k * strides[k] for every index of `shape` in row-major order. */
export function stridedOffsets(
  shape: Shape,
  strides: readonly number[],
  base: number,
  into: Int32Array,
): Int32Array {
  const rank = shape.length;
  if (rank === 0) {
    into[0] = base;
    return into;
  }
  const last = rank - 1;
  const inner = shape[last];
  const innerStride = strides[last];
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  let o = 0;
  const total = sizeOf(shape);
  while (o < total) {
    for (let j = 0, p = off; j < inner; j++, p += innerStride) into[o++] = p;
    // odometer over the outer axes
    let k = last - 1;
    while (k >= 0) {
      idx[k]++;
      off += strides[k];
      if (idx[k] < shape[k]) break;
      off -= strides[k] * shape[k];
      idx[k] = 0;
      k--;
    }
    if (k < 0) break;
  }
  return into;
}

/**
 * Walk the elements of `shape` in row-major order as rows of the innermost axis, calling
 * `row(o, off, stride, len)` with the running element index o, the strided offset
 * off = base + sum_k idx_k * strides[k] of the row's first element, the innermost stride and the
 * row length. The same walk as stridedOffsets without materializing an Int32Array per element.
 */
export function forEachStridedRow(
  shape: Shape,
  strides: readonly number[],
  base: number,
  row: (o: number, off: number, stride: number, len: number) => void,
): void {
  const rank = shape.length;
  const total = sizeOf(shape);
  if (total === 0) return;
  if (rank === 0) {
    row(0, base, 1, 1);
    return;
  }
  const last = rank - 1;
  const inner = shape[last];
  const innerStride = strides[last];
  const idx = new Array<number>(rank).fill(0);
  let off = base;
  for (let o = 0; o < total; o += inner) {
    row(o, off, innerStride, inner);
    for (let k = last - 1; k >= 0; k--) {
      off += strides[k];
      if (++idx[k] < shape[k]) break;
      off -= strides[k] * shape[k];
      idx[k] = 0;
    }
  }
}

/** Element strides of an operand of `shape` right-aligned to `rank` axes, 0 on broadcast axes. */
export function operandStrides(shape: readonly number[], rank: number): number[] {
  const s = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i + rank - shape.length] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return s;
}
