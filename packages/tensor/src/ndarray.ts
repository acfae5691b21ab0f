/**
 * scijs ndarray interop. Conversions share memory where the layout allows (row-major,
 * contiguous, offset 0, a typed array of the tensor's dtype) and copy otherwise.
 * Complex tensors map to ndarrays with a trailing axis of 2 (re, im).
 */
import ndarray, { type NdArray } from "ndarray";
import { CpuBackend } from "./backend/cpu/cpu-backend.js";
import { allocate, componentsOf, type DataArray, type DType, isComplex } from "./dtype.js";
import { ENGINE } from "./engine.js";
import { DTypeError, ShapeError, show } from "./errors.js";
import { sizeOf, stridesOf } from "./shape.js";
import type { Tensor } from "./tensor.js";

function dtypeOfArray(data: unknown): DType | undefined {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint8Array) return "bool";
  return undefined;
}

function isRowMajorContiguous(nd: NdArray): boolean {
  const expected = stridesOf(nd.shape);
  return nd.offset === 0 && nd.shape.every((d, i) => d <= 1 || nd.stride[i] === expected[i]);
}

/**
 * A tensor from an ndarray. With `complex: true` the last axis (length 2) holds (re, im).
 * Zero-copy when the ndarray is a contiguous row-major view of a whole typed array; the tensor
 * then aliases that memory, so do not write to the array while the tensor is in use.
 */
export function fromNdarray(
  nd: NdArray,
  opts: { complex?: boolean; device?: string } = {},
): Tensor {
  const base = dtypeOfArray(nd.data);
  if (!base)
    throw new DTypeError(
      "fromNdarray",
      "nd",
      "an ndarray over a Float32Array, Float64Array, Int32Array or Uint8Array",
      show(nd.data),
    );
  let dtype: DType = base;
  let shape = nd.shape.slice();
  if (opts.complex) {
    if (base !== "float32" && base !== "float64")
      throw new DTypeError("fromNdarray", "nd", "float data for complex", base);
    if (shape[shape.length - 1] !== 2)
      throw new ShapeError("fromNdarray", "nd", "a last axis of length 2 (re, im)", show(nd.shape));
    dtype = base === "float64" ? "complex128" : "complex64";
    shape = shape.slice(0, -1);
  }
  const backend = opts.device ? ENGINE.findBackend(opts.device) : ENGINE.backend;
  const n = sizeOf(nd.shape);
  let data: DataArray;
  if (
    isRowMajorContiguous(nd) &&
    (nd.data as DataArray).length === n &&
    backend instanceof CpuBackend
  ) {
    data = nd.data as DataArray;
  } else {
    data = allocate(dtype, sizeOf(shape));
    const idx = new Array<number>(nd.shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      data[i] = nd.get(...idx);
      for (let k = idx.length - 1; k >= 0; k--) {
        if (++idx[k] < nd.shape[k]) break;
        idx[k] = 0;
      }
    }
  }
  return ENGINE.makeTensor(data, shape, dtype, backend, "fromNdarray");
}

/**
 * An ndarray view of a tensor: zero-copy on the CPU backend (treat it as read-only: tensors
 * are immutable), a copy elsewhere. Complex tensors get a trailing axis of 2.
 */
export function toNdarray(t: Tensor): NdArray<DataArray> {
  t.assertLive("toNdarray", "t");
  const data = t.backend instanceof CpuBackend ? t.backend.share(t.dataId) : t.dataSync();
  const shape = isComplex(t.dtype) ? [...t.shape, componentsOf(t.dtype)] : t.shape.slice();
  return ndarray(data, shape.length ? shape : [1]);
}
