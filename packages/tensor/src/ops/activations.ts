/** Activation functions (fused kernels with exact derivatives) and softmax / log-softmax. */

import { getDefaultFloatDType, isComplex } from "../dtype.js";
import { DTypeError, show, ValueError } from "../errors.js";
import type { Tensor } from "../tensor.js";
import { div, exp, greater, log, mul, sub, unaryOp, where } from "./elementwise.js";
import { cast, op, run, type TensorLike, toTensor } from "./op.js";
import { max, sum } from "./reduction.js";
import { stopGradient } from "./shape.js";

export const relu = (x: TensorLike): Tensor => unaryOp("relu", x);
export const sigmoid = (x: TensorLike): Tensor => unaryOp("sigmoid", x);
/** x * sigmoid(x) (a.k.a. swish). */
export const silu = (x: TensorLike): Tensor => unaryOp("silu", x);
/** log(1 + exp(x)), overflow-free. */
export const softplus = (x: TensorLike): Tensor => unaryOp("softplus", x);

/** GELU: exact x * Phi(x) (default), or PyTorch's tanh approximation with `{ approximate: "tanh" }`. */
export const gelu = (x: TensorLike, opts: { approximate?: "none" | "tanh" } = {}): Tensor => {
  const a = opts.approximate ?? "none";
  if (a !== "none" && a !== "tanh")
    throw new ValueError("gelu", "approximate", "'none' or 'tanh'", show(a));
  return unaryOp(a === "tanh" ? "geluTanh" : "gelu", x, "gelu");
};

/** max(0, x) + slope * min(0, x). */
export const leakyRelu = op((x: TensorLike, slope = 0.01): Tensor => {
  const t = toTensor(x, "leakyRelu", "x");
  return where(greater(t, 0), t, mul(t, slope));
});

/** x - lambda for x > lambda, x + lambda for x < -lambda, else 0 (torch.nn.functional.softshrink). */
export const softshrink = op((x: TensorLike, lambda = 0.5): Tensor => {
  let t = toTensor(x, "softshrink", "x");
  if (isComplex(t.dtype)) throw new DTypeError("softshrink", "x", "a real dtype", t.dtype);
  if (!(lambda >= 0))
    throw new ValueError("softshrink", "lambda", "a non-negative number", show(lambda));
  if (t.dtype === "int32" || t.dtype === "bool") t = cast(t, getDefaultFloatDType(), "softshrink");
  return run("Softshrink", [t], { lambda }, "softshrink");
});

/** exp(x) / sum(exp(x)) along `axis`, shifted by the maximum for stability. */
export const softmax = op((x: TensorLike, axis = -1): Tensor => {
  const t = toTensor(x, "softmax", "x");
  const e = exp(sub(t, stopGradient(max(t, axis, true))));
  return div(e, sum(e, axis, true));
});

/** x - logsumexp(x) along `axis`. */
export const logSoftmax = op((x: TensorLike, axis = -1): Tensor => {
  const t = toTensor(x, "logSoftmax", "x");
  const shifted = sub(t, stopGradient(max(t, axis, true)));
  return sub(shifted, log(sum(exp(shifted), axis, true)));
});

export { tanh } from "./elementwise.js";
