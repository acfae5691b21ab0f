/**
 * The glue every public op uses: run the body in a tidy scope (temporaries such as converted
 * scalars and promotion casts are released; the tape keeps what backprop needs), and turn
 * tensor-like arguments into tensors with typed errors.
 */
import {
  type DataArray,
  type DType,
  getDefaultFloatDType,
  isComplex,
  isDType,
  isFloat,
  realPart,
} from "../dtype.js";
import { ENGINE } from "../engine.js";
import { DTypeError, ShapeError, show, ValueError } from "../errors.js";
import type { KernelAttrs, KernelName } from "../kernels.js";
import { Tensor } from "../tensor.js";

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
/** Anything ops accept where a tensor is expected. Plain numbers adopt the other operand's dtype. */
export type TensorLike = Tensor | number | boolean | TypedArray | readonly unknown[];

/** Wrap an op body so that it runs in its own tidy scope. */
// biome-ignore lint/suspicious/noExplicitAny: any function signature passes through unchanged.
export function op<F extends (...args: any[]) => unknown>(body: F): F {
  return ((...args: Parameters<F>) => ENGINE.tidy(() => body(...args))) as F;
}

export function run<K extends KernelName>(
  name: K,
  inputs: readonly Tensor[],
  attrs: KernelAttrs[K],
  fn: string,
): Tensor {
  return ENGINE.runKernel(name, inputs, attrs, fn);
}

/** Infer the shape of nested arrays, checking they are rectangular. */
export function inferShape(values: unknown, fn: string, arg: string): number[] {
  const shape: number[] = [];
  let v: unknown = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  const check = (x: unknown, axis: number): void => {
    if (axis === shape.length) {
      if (Array.isArray(x))
        throw new ShapeError(fn, arg, "a rectangular nested array", "a ragged nested array");
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[axis]) {
      throw new ShapeError(fn, arg, "a rectangular nested array", "a ragged nested array");
    }
    for (const y of x) check(y, axis + 1);
  };
  check(values, 0);
  return shape;
}

export function flatten(values: unknown, into: number[] = []): number[] {
  if (Array.isArray(values)) for (const v of values) flatten(v, into);
  else into.push(typeof values === "boolean" ? (values ? 1 : 0) : (values as number));
  return into;
}

function dtypeForNumber(v: number, like: DType | undefined): DType {
  if (like !== undefined && isFloat(like)) return like;
  if (Number.isInteger(v) && like === "int32") return "int32";
  return getDefaultFloatDType();
}

/** Convert a tensor-like argument. `like` is the dtype a plain number adopts (weak typing). */
export function toTensor(x: TensorLike, fn: string, arg: string, like?: DType): Tensor {
  if (x instanceof Tensor) {
    x.assertLive(fn, arg);
    return x;
  }
  if (typeof x === "number") {
    const dtype = dtypeForNumber(x, like);
    const values = allocateFor(dtype, 1);
    values[0] = x;
    return ENGINE.makeTensor(values, [], dtype, ENGINE.backend, fn);
  }
  if (typeof x === "boolean")
    return ENGINE.makeTensor(new Uint8Array([x ? 1 : 0]), [], "bool", ENGINE.backend, fn);
  if (Array.isArray(x)) {
    const shape = inferShape(x, fn, arg);
    const flat = flatten(x);
    for (const v of flat) {
      if (typeof v !== "number") throw new ValueError(fn, arg, "numbers or booleans", show(v));
    }
    // An array next to a float or complex tensor takes its precision (float64 values next to a
    // complex128 tensor must not pass through float32).
    const dtype = like !== undefined && isFloat(like) ? realPart(like) : getDefaultFloatDType();
    const data = dtype === "float64" ? Float64Array.from(flat) : Float32Array.from(flat);
    return ENGINE.makeTensor(data, shape, dtype, ENGINE.backend, fn);
  }
  if (ArrayBuffer.isView(x)) {
    const dtype: DType =
      x instanceof Float64Array
        ? "float64"
        : x instanceof Int32Array
          ? "int32"
          : x instanceof Uint8Array
            ? "bool"
            : "float32";
    return ENGINE.makeTensor(
      (x as TypedArray).slice(),
      [(x as TypedArray).length],
      dtype,
      ENGINE.backend,
      fn,
    );
  }
  throw new ValueError(fn, arg, "a Tensor, number, boolean, nested array or typed array", show(x));
}

export function allocateFor(dtype: DType, n: number): DataArray {
  switch (dtype) {
    case "float64":
      return new Float64Array(n);
    case "complex128":
      return new Float64Array(2 * n);
    case "complex64":
      return new Float32Array(2 * n);
    case "int32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
    default:
      return new Float32Array(n);
  }
}

export function cast(x: Tensor, dtype: DType, fn = "cast"): Tensor {
  if (!isDType(dtype))
    throw new DTypeError(
      fn,
      "dtype",
      "one of float32, float64, complex64, complex128, int32, bool",
      show(dtype),
    );
  return x.dtype === dtype ? x : run("Cast", [x], { dtype }, fn);
}

export function requireFloat(x: Tensor, fn: string, arg: string): void {
  if (!isFloat(x.dtype)) throw new DTypeError(fn, arg, "a floating or complex dtype", x.dtype);
}

export function requireReal(x: Tensor, fn: string, arg: string): void {
  if (isComplex(x.dtype)) throw new DTypeError(fn, arg, "a real dtype", x.dtype);
}
