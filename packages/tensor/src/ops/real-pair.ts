import { getDefaultFloatDType, isComplex, promoteTypes, type RealFloatDType } from "../dtype.js";
import { DTypeError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { operands } from "./elementwise.js";
import { cast, op, run, type TensorLike } from "./op.js";

/** Shared by complex() and polar(): two real operands promoted to one float dtype. */
export function binaryOpPromotedReal(
  kernel: "Complex" | "Polar",
  a: TensorLike,
  b: TensorLike,
  fn: string,
  names: [string, string],
): Tensor {
  return op(() => {
    const [A, B] = operands(a, b, fn, names);
    for (const [t, name] of [
      [A, names[0]],
      [B, names[1]],
    ] as const) {
      if (isComplex(t.dtype)) throw new DTypeError(fn, name, "a real dtype", t.dtype);
    }
    let dtype = promoteTypes(A.dtype, B.dtype) as RealFloatDType;
    if (dtype !== "float32" && dtype !== "float64") dtype = getDefaultFloatDType();
    return run(kernel, [cast(A, dtype, fn), cast(B, dtype, fn)], {}, fn);
  })();
}
