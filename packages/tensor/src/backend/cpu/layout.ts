import { componentsOf } from "../../dtype.js";
import { ValueError } from "../../errors.js";
import type { KernelAttrs } from "../../kernels.js";
import { sizeOf, stridesOf } from "../../shape.js";
import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { forEachStridedRow, operandStrides } from "./indexing.js";

/** A view: the same storage under a new shape (the engine counts the shared reference). */
export function reshape(
  inputs: readonly TensorInfo[],
  { shape }: KernelAttrs["Reshape"],
): TensorInfo {
  return { dataId: inputs[0].dataId, shape, dtype: inputs[0].dtype };
}

export function transpose(
  inputs: readonly TensorInfo[],
  { perm }: KernelAttrs["Transpose"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const strides = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]);
  return gatherStrided(
    x,
    shape,
    perm.map((p) => strides[p]),
    0,
    be,
  );
}

export function broadcastTo(
  inputs: readonly TensorInfo[],
  { shape }: KernelAttrs["BroadcastTo"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const src = be.values(x);
  if (componentsOf(x.dtype) === 1 && src.length === 1) {
    // A scalar to a shape (the seed of every backward pass through sum or mean): a fill.
    const { info, values: out } = be.alloc(shape, x.dtype, false);
    out.fill(src[0]);
    return info;
  }
  return gatherStrided(x, shape, operandStrides(x.shape, shape.length), 0, be);
}

/** Copy the elements of x at base + sum_k idx_k strides[k] (idx over `shape`) into a new array. */
function gatherStrided(
  x: TensorInfo,
  shape: readonly number[],
  strides: readonly number[],
  base: number,
  be: CpuBackend,
): TensorInfo {
  const src = be.values(x);
  const { info, values: out } = be.alloc(shape, x.dtype, false);
  if (componentsOf(x.dtype) === 1) {
    forEachStridedRow(shape, strides, base, (o, off, stride, len) => {
      if (stride === 1) for (let j = 0; j < len; j++) out[o + j] = src[off + j];
      else for (let j = 0; j < len; j++) out[o + j] = src[off + j * stride];
    });
  } else {
    forEachStridedRow(shape, strides, base, (o, off, stride, len) => {
      for (let j = 0; j < len; j++) {
        const from = 2 * (off + j * stride);
        out[2 * (o + j)] = src[from];
        out[2 * (o + j) + 1] = src[from + 1];
      }
    });
  }
  return info;
}

/** Element strides and base offset of a strided slice of a tensor of shape `inShape`. */
function sliceStrides(
  inShape: readonly number[],
  begin: number[],
  step: number[],
): { strides: number[]; base: number } {
  const strides = stridesOf(inShape);
  let base = 0;
  for (let i = 0; i < inShape.length; i++) base += begin[i] * strides[i];
  return { strides: strides.map((s, i) => s * step[i]), base };
}

export function stridedSlice(
  inputs: readonly TensorInfo[],
  { begin, size, step }: KernelAttrs["StridedSlice"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const { strides, base } = sliceStrides(x.shape, begin, step);
  return gatherStrided(x, size, strides, base, be);
}

export function stridedSliceGrad(
  inputs: readonly TensorInfo[],
  { inputShape, begin, size, step }: KernelAttrs["StridedSliceGrad"],
  be: CpuBackend,
): TensorInfo {
  const dy = inputs[0];
  const g = be.values(dy);
  const { info, values: out } = be.alloc(inputShape, dy.dtype);
  const { strides, base } = sliceStrides(inputShape, begin, step);
  const c = componentsOf(dy.dtype);
  forEachStridedRow(size, strides, base, (o, off, stride, len) => {
    if (c === 1) for (let j = 0; j < len; j++) out[off + j * stride] = g[o + j];
    else
      for (let j = 0; j < len; j++) {
        const to = 2 * (off + j * stride);
        out[to] = g[2 * (o + j)];
        out[to + 1] = g[2 * (o + j) + 1];
      }
  });
  return info;
}

export function concat(
  inputs: readonly TensorInfo[],
  { axis }: KernelAttrs["Concat"],
  be: CpuBackend,
): TensorInfo {
  const first = inputs[0];
  const shape = first.shape.slice();
  shape[axis] = inputs.reduce((s, t) => s + t.shape[axis], 0);
  const { info, values: out } = be.alloc(shape, first.dtype, false);
  const c = componentsOf(first.dtype);
  const outer = sizeOf(shape.slice(0, axis));
  const tail = sizeOf(shape.slice(axis + 1)) * c;
  const rowOut = shape[axis] * tail;
  let col = 0;
  for (const t of inputs) {
    const src = be.values(t);
    const w = t.shape[axis] * tail;
    // Short rows: a plain loop (a subarray view per row was an allocation per row).
    if (w >= 256)
      for (let o = 0; o < outer; o++) out.set(src.subarray(o * w, (o + 1) * w), o * rowOut + col);
    else
      for (let o = 0; o < outer; o++) {
        const from = o * w;
        const to = o * rowOut + col;
        for (let j = 0; j < w; j++) out[to + j] = src[from + j];
      }
    col += w;
  }
  return info;
}

export function padConstant(
  inputs: readonly TensorInfo[],
  { paddings, value }: KernelAttrs["PadConstant"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const { info, values: out } = be.alloc(shape, x.dtype);
  const c = componentsOf(x.dtype);
  if (value !== 0) for (let i = 0; i < out.length; i += c) out[i] = value;
  const outStrides = stridesOf(shape);
  let base = 0;
  for (let i = 0; i < shape.length; i++) base += paddings[i][0] * outStrides[i];
  const src = be.values(x);
  forEachStridedRow(x.shape, outStrides, base, (o, off, stride, len) => {
    if (c === 1 && stride === 1) for (let j = 0; j < len; j++) out[off + j] = src[o + j];
    else
      for (let j = 0; j < len; j++) {
        const to = (off + j * stride) * c;
        for (let p = 0; p < c; p++) out[to + p] = src[(o + j) * c + p];
      }
  });
  return info;
}

function checkedIndex(v: number, n: number, fn: string): number {
  const j = v < 0 ? v + n : v;
  if (!(j >= 0 && j < n))
    throw new ValueError(fn, "indices", `indices in [${-n}, ${n - 1}]`, String(v));
  return j;
}

export function gather(
  inputs: readonly TensorInfo[],
  { axis }: KernelAttrs["Gather"],
  be: CpuBackend,
): TensorInfo {
  const [x, indices] = inputs;
  const idx = be.values(indices);
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const { info, values: out } = be.alloc(shape, x.dtype);
  const c = componentsOf(x.dtype);
  const src = be.values(x);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1)) * c;
  const n = x.shape[axis];
  const m = idx.length;
  const ks = new Int32Array(m);
  for (let j = 0; j < m; j++) ks[j] = checkedIndex(idx[j], n, "gather");
  if (inner >= 64) {
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < m; j++) {
        const from = (o * n + ks[j]) * inner;
        out.set(src.subarray(from, from + inner), (o * m + j) * inner);
      }
  } else {
    // Short runs (e.g. a gather along the last axis, as circular padding does): a subarray
    // view per run would be an allocation per element; copy in a plain loop, row by row.
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      let to = o * m * inner;
      for (let j = 0; j < m; j++) {
        const from = base + ks[j] * inner;
        for (let p = 0; p < inner; p++) out[to++] = src[from + p];
      }
    }
  }
  return info;
}

export function scatterAdd(
  inputs: readonly TensorInfo[],
  { axis, size }: KernelAttrs["ScatterAdd"],
  be: CpuBackend,
): TensorInfo {
  const [updates, indices] = inputs;
  const idx = be.values(indices);
  const r = indices.shape.length;
  const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + r)];
  const { info, values: out } = be.alloc(shape, updates.dtype);
  const c = componentsOf(updates.dtype);
  const src = be.values(updates);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1)) * c;
  const m = idx.length;
  const ks = new Int32Array(m);
  for (let j = 0; j < m; j++) ks[j] = checkedIndex(idx[j], size, "scatterAdd");
  // Row by row (o outer): both sides are visited in memory order when inner is short.
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < m; j++) {
      const to = (o * size + ks[j]) * inner;
      const from = (o * m + j) * inner;
      for (let p = 0; p < inner; p++) out[to + p] += src[from + p];
    }
  return info;
}
