/** Creating tensors: from values, constants, ranges and identity matrices. */
import {
  allocate,
  componentsOf,
  type DType,
  getDefaultFloatDType,
  isComplex,
  isDType,
} from "../dtype.js";
import { ENGINE } from "../engine.js";
import { DTypeError, ShapeError, show, ValueError } from "../errors.js";
import { sizeOf, validateShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { flatten, inferShape, type TypedArray } from "./op.js";

export interface CreateOptions {
  dtype?: DType;
  /** Backend name; default the active backend. */
  device?: string;
}

function backendOf(opts: CreateOptions | undefined) {
  return opts?.device ? ENGINE.findBackend(opts.device) : ENGINE.backend;
}

function dtypeOf(
  opts: CreateOptions | undefined,
  fn: string,
  fallback: DType = getDefaultFloatDType(),
): DType {
  const d = opts?.dtype ?? fallback;
  if (!isDType(d))
    throw new DTypeError(
      fn,
      "dtype",
      "one of float32, float64, complex64, complex128, int32, bool",
      show(d),
    );
  return d;
}

/**
 * A tensor from values: a number, nested arrays, or a flat typed array with `shape`.
 * Complex dtypes take interleaved (re, im) typed arrays, or nested arrays whose innermost
 * entries are [re, im] pairs. A typed array is copied.
 */
export function tensor(
  values: number | boolean | TypedArray | readonly unknown[],
  opts: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  const fn = "tensor";
  const isTyped = ArrayBuffer.isView(values);
  const fallback: DType =
    values instanceof Float64Array
      ? "float64"
      : values instanceof Int32Array
        ? "int32"
        : values instanceof Uint8Array || typeof values === "boolean" || allBooleans(values)
          ? "bool"
          : getDefaultFloatDType();
  const dtype = dtypeOf(opts, fn, fallback);
  const c = componentsOf(dtype);
  let flat: ArrayLike<number>;
  let shape: number[];
  if (isTyped) {
    flat = values as TypedArray;
    if (flat.length % c !== 0) {
      throw new ShapeError(
        fn,
        "values",
        `interleaved (re, im) pairs (an even length) for ${dtype}`,
        `length ${flat.length}`,
      );
    }
    shape = opts.shape ? validateShape(opts.shape, fn) : [flat.length / c];
  } else if (typeof values === "number" || typeof values === "boolean") {
    flat = [Number(values)];
    shape = opts.shape ? validateShape(opts.shape, fn) : [];
    if (c === 2) flat = [Number(values), 0];
  } else {
    shape = inferShape(values, fn, "values");
    const leaves = flatten(values);
    for (const v of leaves)
      if (typeof v !== "number") throw new ValueError(fn, "values", "numbers or booleans", show(v));
    flat = leaves;
    if (c === 2) {
      if (shape[shape.length - 1] !== 2) {
        throw new ShapeError(
          fn,
          "values",
          "nested arrays of [re, im] pairs for a complex dtype",
          `shape [${shape}]`,
        );
      }
      shape = shape.slice(0, -1);
    }
    if (opts.shape) {
      const s = validateShape(opts.shape, fn);
      if (sizeOf(s) !== sizeOf(shape))
        throw new ShapeError(fn, "shape", `a shape of ${sizeOf(shape)} elements`, show(s));
      shape = s;
    }
  }
  if (flat.length !== sizeOf(shape) * c) {
    throw new ShapeError(
      fn,
      "values",
      `${sizeOf(shape) * c} numbers for shape [${shape}] ${dtype}`,
      `${flat.length}`,
    );
  }
  const data = allocate(dtype, sizeOf(shape));
  if (dtype === "bool")
    for (let i = 0; i < flat.length; i++) data[i] = flat[i] !== 0 ? 1 : 0; // NaN is true
  else data.set(flat as ArrayLike<number>);
  return ENGINE.makeTensor(data, shape, dtype, backendOf(opts), fn);
}

/** Nested arrays whose leaves are all JS booleans (numpy and PyTorch infer bool for them). */
function allBooleans(values: unknown): boolean {
  if (!Array.isArray(values) || values.length === 0) return false;
  return values.every((v) => typeof v === "boolean" || allBooleans(v));
}

/** A tensor filled with `value` (for complex dtypes, the real part; use `complex` for others). */
export function full(shape: readonly number[], value: number, opts?: CreateOptions): Tensor {
  const s = validateShape(shape, "full");
  if (typeof value !== "number") throw new ValueError("full", "value", "a number", show(value));
  const dtype = dtypeOf(opts, "full");
  const data = allocate(dtype, sizeOf(s));
  if (value !== 0) {
    if (isComplex(dtype)) for (let i = 0; i < data.length; i += 2) data[i] = value;
    else data.fill(dtype === "bool" ? 1 : value);
  }
  return ENGINE.makeTensor(data, s, dtype, backendOf(opts), "full");
}

export function zeros(shape: readonly number[], opts?: CreateOptions): Tensor {
  return full(shape, 0, opts);
}

export function ones(shape: readonly number[], opts?: CreateOptions): Tensor {
  return full(shape, 1, opts);
}

export function zerosLike(x: Tensor, opts?: CreateOptions): Tensor {
  return full(x.shape, 0, { dtype: x.dtype, device: x.device, ...opts });
}

export function onesLike(x: Tensor, opts?: CreateOptions): Tensor {
  return full(x.shape, 1, { dtype: x.dtype, device: x.device, ...opts });
}

export function fullLike(x: Tensor, value: number, opts?: CreateOptions): Tensor {
  return full(x.shape, value, { dtype: x.dtype, device: x.device, ...opts });
}

/**
 * Values start, start + step, ... below stop (numpy.arange). One argument means [0, stop).
 * The count is ceil((stop - start) / step); element i is start + i * step (no accumulation).
 */
export function arange(start: number, stop?: number, step = 1, opts?: CreateOptions): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  for (const [name, v] of [
    ["start", start],
    ["stop", stop],
    ["step", step],
  ] as const) {
    if (!Number.isFinite(v)) throw new ValueError("arange", name, "a finite number", show(v));
  }
  if (step === 0) throw new ValueError("arange", "step", "a non-zero number", "0");
  const n = Math.max(0, Math.ceil((stop - start) / step));
  // int32 only when every argument is an integer: arange(0, 2.5) is float, as in numpy and PyTorch.
  const allInt = Number.isInteger(start) && Number.isInteger(stop) && Number.isInteger(step);
  const dtype = dtypeOf(opts, "arange", allInt ? "int32" : getDefaultFloatDType());
  const data = allocate(dtype, n);
  const c = componentsOf(dtype);
  for (let i = 0; i < n; i++) data[i * c] = start + i * step;
  return ENGINE.makeTensor(data, [n], dtype, backendOf(opts), "arange");
}

/** num evenly spaced values over [start, stop] (numpy.linspace); the last is exactly stop. */
export function linspace(
  start: number,
  stop: number,
  num: number,
  opts: CreateOptions & { endpoint?: boolean } = {},
): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new ValueError("linspace", "num", "a non-negative integer", show(num));
  const endpoint = opts.endpoint ?? true;
  const dtype = dtypeOf(opts, "linspace");
  const data = allocate(dtype, num);
  const c = componentsOf(dtype);
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < num; i++) data[i * c] = start + i * step;
  if (endpoint && num > 1) data[(num - 1) * c] = stop;
  return ENGINE.makeTensor(data, [num], dtype, backendOf(opts), "linspace");
}

/** Ones on the k-th diagonal of an n x m matrix. */
export function eye(n: number, m = n, k = 0, opts?: CreateOptions): Tensor {
  for (const [name, v] of [
    ["n", n],
    ["m", m],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError("eye", name, "a non-negative integer", show(v));
  }
  if (!Number.isInteger(k)) throw new ValueError("eye", "k", "an integer", show(k));
  const dtype = dtypeOf(opts, "eye");
  const data = allocate(dtype, n * m);
  const c = componentsOf(dtype);
  for (let i = 0; i < n; i++) {
    const j = i + k;
    if (j >= 0 && j < m) data[(i * m + j) * c] = 1;
  }
  return ENGINE.makeTensor(data, [n, m], dtype, backendOf(opts), "eye");
}
