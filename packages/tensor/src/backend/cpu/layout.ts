import { componentsOf } from "../../dtype.js";
import { ValueError } from "../../errors.js";
import type { KernelAttrs } from "../../kernels.js";
import { sizeOf, stridesOf } from "../../shape.js";
import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { broadcastOffsets, stridedOffsets } from "./indexing.js";

/** A view: the same storage under a new shape (the engine counts the shared reference). */
export function reshape(
  inputs: readonly TensorInfo[],
  { shape }: KernelAttrs["Reshape"],
): TensorInfo {
  return { dataId: inputs[0].dataId, shape, dtype: inputs[0].dtype };
}

/** Copy src elements at `offsets` (element offsets) into a new contiguous array of `shape`. */
function gatherOffsets(
  x: TensorInfo,
  shape: readonly number[],
  offsets: Int32Array | null,
  be: CpuBackend,
): TensorInfo {
  const src = be.values(x);
  const { info, values: out } = be.alloc(shape, x.dtype);
  if (!offsets) {
    out.set(src);
    return info;
  }
  const c = componentsOf(x.dtype);
  const n = offsets.length;
  if (c === 1) for (let i = 0; i < n; i++) out[i] = src[offsets[i]];
  else
    for (let i = 0; i < n; i++) {
      out[2 * i] = src[2 * offsets[i]];
      out[2 * i + 1] = src[2 * offsets[i] + 1];
    }
  return info;
}

export function transpose(
  inputs: readonly TensorInfo[],
  { perm }: KernelAttrs["Transpose"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const strides = stridesOf(x.shape);
  const shape = perm.map((p) => x.shape[p]);
  const offsets = stridedOffsets(
    shape,
    perm.map((p) => strides[p]),
    0,
    new Int32Array(sizeOf(shape)),
  );
  return gatherOffsets(x, shape, offsets, be);
}

export function broadcastTo(
  inputs: readonly TensorInfo[],
  { shape }: KernelAttrs["BroadcastTo"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  return gatherOffsets(x, shape, broadcastOffsets(x.shape, shape), be);
}

function sliceOffsets(
  inShape: readonly number[],
  begin: number[],
  size: number[],
  step: number[],
): Int32Array {
  const strides = stridesOf(inShape);
  let base = 0;
  for (let i = 0; i < inShape.length; i++) base += begin[i] * strides[i];
  return stridedOffsets(
    size,
    strides.map((s, i) => s * step[i]),
    base,
    new Int32Array(sizeOf(size)),
  );
}

export function stridedSlice(
  inputs: readonly TensorInfo[],
  { begin, size, step }: KernelAttrs["StridedSlice"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  return gatherOffsets(x, size, sliceOffsets(x.shape, begin, size, step), be);
}

export function stridedSliceGrad(
  inputs: readonly TensorInfo[],
  { inputShape, begin, size, step }: KernelAttrs["StridedSliceGrad"],
  be: CpuBackend,
): TensorInfo {
  const dy = inputs[0];
  const g = be.values(dy);
  const { info, values: out } = be.alloc(inputShape, dy.dtype);
  const offsets = sliceOffsets(inputShape, begin, size, step);
  const c = componentsOf(dy.dtype);
  for (let i = 0; i < offsets.length; i++) {
    for (let p = 0; p < c; p++) out[offsets[i] * c + p] = g[i * c + p];
  }
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
  const { info, values: out } = be.alloc(shape, first.dtype);
  const c = componentsOf(first.dtype);
  const outer = sizeOf(shape.slice(0, axis));
  const tail = sizeOf(shape.slice(axis + 1)) * c;
  const rowOut = shape[axis] * tail;
  let col = 0;
  for (const t of inputs) {
    const src = be.values(t);
    const w = t.shape[axis] * tail;
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * w, (o + 1) * w), o * rowOut + col);
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
  const dest = stridedOffsets(x.shape, outStrides, base, new Int32Array(sizeOf(x.shape)));
  const src = be.values(x);
  for (let i = 0; i < dest.length; i++) {
    for (let p = 0; p < c; p++) out[dest[i] * c + p] = src[i * c + p];
  }
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
  for (let j = 0; j < m; j++) {
    const k = checkedIndex(idx[j], n, "gather");
    for (let o = 0; o < outer; o++) {
      const from = (o * n + k) * inner;
      out.set(src.subarray(from, from + inner), (o * m + j) * inner);
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
  for (let j = 0; j < m; j++) {
    const k = checkedIndex(idx[j], size, "scatterAdd");
    for (let o = 0; o < outer; o++) {
      const to = (o * size + k) * inner;
      const from = (o * m + j) * inner;
      for (let p = 0; p < inner; p++) out[to + p] += src[from + p];
    }
  }
  return info;
}
