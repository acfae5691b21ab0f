/** Complex numbers: build from parts or polar form, take parts, conjugate. */
import { complexOf, isComplex } from "../dtype.js";
import { DTypeError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { unaryOp } from "./elementwise.js";
import { cast, op, type TensorLike, toTensor } from "./op.js";
import { binaryOpPromotedReal } from "./real-pair.js";

/** re + i im (both real; broadcast). float64 parts give complex128, float32 complex64. */
export const complex = (re: TensorLike, im: TensorLike): Tensor =>
  binaryOpPromotedReal("Complex", re, im, "complex", ["re", "im"]);

/** r * exp(i theta) (torch.polar). */
export const polar = (abs: TensorLike, angle: TensorLike): Tensor =>
  binaryOpPromotedReal("Polar", abs, angle, "polar", ["abs", "angle"]);

export const real = (x: TensorLike): Tensor => unaryOp("real", x);
export const imag = (x: TensorLike): Tensor => unaryOp("imag", x);
export const conj = (x: TensorLike): Tensor => unaryOp("conj", x);
/** Phase in (-pi, pi]; for real x: 0 or pi (numpy.angle). */
export const angle = (x: TensorLike): Tensor => unaryOp("angle", x);

/** The complex tensor with x as real part (no-op on complex input). */
export const toComplex = op((x: TensorLike): Tensor => {
  const t = toTensor(x, "toComplex", "x");
  if (t.dtype === "int32" || t.dtype === "bool")
    throw new DTypeError("toComplex", "x", "a floating dtype", t.dtype);
  return isComplex(t.dtype) ? t : cast(t, complexOf(t.dtype), "toComplex");
});
