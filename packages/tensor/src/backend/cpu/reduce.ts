import { type DataArray, isComplex } from "../../dtype.js";
import type { KernelAttrs } from "../../kernels.js";
import { sizeOf, stridesOf } from "../../shape.js";
import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { stridedOffsets } from "./indexing.js";
import { leadingRowsF32, pairwiseRunsF32 } from "./reduce-wasm.js";

/**
 * Offsets of the input elements grouped by output element: kept axes outer, reduced axes inner,
 * so output element o reduces offsets[o * inner .. (o + 1) * inner).
 */
function groupedOffsets(
  shape: readonly number[],
  axes: readonly number[],
): { offsets: Int32Array; inner: number; outer: number } {
  const strides = stridesOf(shape);
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...axes];
  const inner = sizeOf(axes.map((a) => shape[a]));
  const total = sizeOf(shape);
  const offsets = stridedOffsets(
    order.map((a) => shape[a]),
    order.map((a) => strides[a]),
    0,
    new Int32Array(total),
  );
  return { offsets, inner, outer: inner === 0 ? sizeOf(kept.map((a) => shape[a])) : total / inner };
}

/**
 * Pairwise summation (as numpy): error grows like O(log n) ulps instead of O(n).
 * Sums values[offsets[start + k] * c + part] for k < len.
 */
function pairwiseSum(
  values: DataArray,
  offsets: Int32Array,
  start: number,
  len: number,
  c: number,
  part: number,
): number {
  if (len <= 16) {
    let s = 0;
    for (let k = start; k < start + len; k++) s += values[offsets[k] * c + part];
    return s;
  }
  const half = len >>> 1;
  return (
    pairwiseSum(values, offsets, start, half, c, part) +
    pairwiseSum(values, offsets, start + half, len - half, c, part)
  );
}

/** Pairwise sum of the contiguous values[start .. start + len), the same tree as pairwiseSum. */
function pairwiseSumContiguous(values: DataArray, start: number, len: number): number {
  if (len === 64) {
    // The subtree of 64 (every subtree of a power-of-two run): four leaves of 16 summed in
    // one loop, four independent chains instead of one at a time (a chain of float64 adds
    // waits on each add's latency), then (L0 + L1) + (L2 + L3) as the recursion adds them.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = start; k < start + 16; k++) {
      s0 += values[k];
      s1 += values[k + 16];
      s2 += values[k + 32];
      s3 += values[k + 48];
    }
    return s0 + s1 + (s2 + s3);
  }
  if (len <= 16) {
    let s = 0;
    for (let k = start; k < start + len; k++) s += values[k];
    return s;
  }
  const half = len >>> 1;
  return (
    pairwiseSumContiguous(values, start, half) +
    pairwiseSumContiguous(values, start + half, len - half)
  );
}

/**
 * Real sums whose reduced axes include the innermost ones (a loss over everything, a bias
 * gradient over [N, H, W] of [N, C, H, W]): each contiguous run of the trailing reduced axes is
 * summed pairwise in place, with no offset table, into float64 partial sums; the partials, if
 * other axes remain to reduce, go through the general path (a far smaller offset table).
 * Returns null when the innermost axis is kept.
 */
function sumTrailingRuns(
  xv: DataArray,
  shape: readonly number[],
  axes: readonly number[],
): { partial: DataArray; shape: number[]; axes: number[] } | null {
  let first = shape.length;
  while (first > 0 && (axes.includes(first - 1) || shape[first - 1] === 1)) first--;
  if (first === shape.length || !axes.includes(shape.length - 1)) return null;
  const run = sizeOf(shape.slice(first));
  const count = sizeOf(shape.slice(0, first));
  let partial = run > 0 ? pairwiseRunsF32(xv, count, run) : null;
  if (partial === null) {
    partial = new Float64Array(count);
    if (run > 0)
      for (let o = 0; o < count; o++) partial[o] = pairwiseSumContiguous(xv, o * run, run);
  }
  return { partial, shape: shape.slice(0, first), axes: axes.filter((a) => a < first) };
}

/**
 * Sums over leading axes (x [R, inner] summed over R: the batch of a broadcast weight's
 * gradient, a bias gradient's remaining batch axis): whole rows are added, with the same
 * pairwise tree over R as pairwiseSum (<= 16 rows sequentially, else halves), into float64
 * accumulators, so the result equals the offset-table path's bit for bit at a fraction of its
 * cost. Returns null unless the reduced axes (size-1 axes aside) are exactly the leading ones.
 */
function sumLeadingRows(
  xv: DataArray,
  shape: readonly number[],
  axes: readonly number[],
): Float64Array | null {
  let k = 0;
  while (k < shape.length && (axes.includes(k) || shape[k] === 1)) k++;
  for (const a of axes) if (a >= k && shape[a] !== 1) return null;
  if (k === 0 || k === shape.length) return null;
  const rows = sizeOf(shape.slice(0, k));
  const inner = sizeOf(shape.slice(k));
  const inPlace = leadingRowsF32(xv, rows, inner);
  if (inPlace !== null) return inPlace;
  const scratch: Float64Array[] = [];
  const rowsInto = (start: number, len: number, acc: Float64Array, depth: number): void => {
    if (len <= 16) {
      acc.fill(0);
      for (let r = start; r < start + len; r++) {
        const base = r * inner;
        for (let j = 0; j < inner; j++) acc[j] += xv[base + j];
      }
      return;
    }
    const half = len >>> 1;
    rowsInto(start, half, acc, depth + 1);
    scratch[depth] ??= new Float64Array(inner);
    const right = scratch[depth];
    rowsInto(start + half, len - half, right, depth + 1);
    for (let j = 0; j < inner; j++) acc[j] += right[j];
  };
  const acc = new Float64Array(inner);
  rowsInto(0, rows, acc, 0);
  return acc;
}

export function reduce(
  inputs: readonly TensorInfo[],
  { op, axes, keepDims }: KernelAttrs["Reduce"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const outShape = reducedShape(x.shape, axes, keepDims);
  const { info, values: out } = be.alloc(outShape, x.dtype);
  const complex = isComplex(x.dtype);
  let xv = be.values(x);
  let shape: readonly number[] = x.shape;
  let rest: readonly number[] = axes;
  if (op === "sum" && complex) {
    // Over leading axes, a complex sum is the real sum of the interleaved pairs (same tree).
    const leading = sumLeadingRows(xv, [...shape, 2], rest);
    if (leading) {
      out.set(leading);
      return info;
    }
  }
  if (op === "sum" && !complex) {
    const runs = sumTrailingRuns(xv, shape, axes);
    if (runs) {
      if (runs.axes.length === 0) {
        out.set(runs.partial);
        return info;
      }
      ({ partial: xv, shape, axes: rest } = runs);
    }
    const leading = sumLeadingRows(xv, shape, rest);
    if (leading) {
      out.set(leading);
      return info;
    }
  }
  const { offsets, inner, outer } = groupedOffsets(shape, rest);
  for (let o = 0; o < outer; o++) {
    const start = o * inner;
    if (op === "sum") {
      if (complex) {
        out[2 * o] = pairwiseSum(xv, offsets, start, inner, 2, 0);
        out[2 * o + 1] = pairwiseSum(xv, offsets, start, inner, 2, 1);
      } else {
        out[o] = pairwiseSum(xv, offsets, start, inner, 1, 0);
      }
    } else if (op === "prod") {
      if (complex) {
        let re = 1;
        let im = 0;
        for (let k = start; k < start + inner; k++) {
          const a = xv[2 * offsets[k]];
          const b = xv[2 * offsets[k] + 1];
          const t = re * a - im * b;
          im = re * b + im * a;
          re = t;
        }
        out[2 * o] = re;
        out[2 * o + 1] = im;
      } else {
        let p = 1;
        for (let k = start; k < start + inner; k++) p *= xv[offsets[k]];
        out[o] = p;
      }
    } else {
      // max / min: NaN propagates (numpy's amax).
      const isMax = op === "max";
      let m = isMax ? -Infinity : Infinity;
      for (let k = start; k < start + inner; k++) {
        const v = xv[offsets[k]];
        if (Number.isNaN(v)) {
          m = v;
          break;
        }
        if (isMax ? v > m : v < m) m = v;
      }
      out[o] = m;
    }
  }
  return info;
}

export function argReduce(
  inputs: readonly TensorInfo[],
  { op, axis, keepDims }: KernelAttrs["ArgReduce"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const xv = be.values(x);
  const outShape = reducedShape(x.shape, [axis], keepDims);
  const { info, values: out } = be.alloc(outShape, "int32");
  const { offsets, inner, outer } = groupedOffsets(x.shape, [axis]);
  const isMax = op === "argmax";
  for (let o = 0; o < outer; o++) {
    let best = 0;
    let m = xv[offsets[o * inner]];
    if (!Number.isNaN(m)) {
      for (let k = 1; k < inner; k++) {
        const v = xv[offsets[o * inner + k]];
        if (Number.isNaN(v)) {
          best = k;
          break;
        }
        if (isMax ? v > m : v < m) {
          m = v;
          best = k;
        }
      }
    }
    out[o] = best;
  }
  return info;
}

export function reducedShape(
  shape: readonly number[],
  axes: readonly number[],
  keepDims: boolean,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!axes.includes(i)) out.push(shape[i]);
    else if (keepDims) out.push(1);
  }
  return out;
}
