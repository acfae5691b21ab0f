/** Elementwise ops with numpy broadcasting: arithmetic, math functions, comparisons, where. */
import { type DType, getDefaultFloatDType, isComplex, isFloat, promoteTypes } from "../dtype.js";
import { ENGINE } from "../engine.js";
import { DTypeError, show, ValueError } from "../errors.js";
import type { BinaryOp, CompareOp, UnaryOp } from "../kernels.js";
import { broadcastShapes } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast, op, run, type TensorLike, toTensor } from "./op.js";

/** Unary ops defined on complex inputs too (others reject complex with a DTypeError). */
const COMPLEX_OK = new Set<UnaryOp>([
  "neg",
  "abs",
  "sign",
  "square",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "exp",
  "log",
  "sin",
  "cos",
  "tan",
  "sinh",
  "cosh",
  "tanh",
  "conj",
  "real",
  "imag",
  "angle",
]);

/** Ops whose result is float even for integer input. */
const FLOAT_RESULT = new Set<UnaryOp>([
  "sqrt",
  "rsqrt",
  "reciprocal",
  "exp",
  "expm1",
  "log",
  "log1p",
  "sin",
  "cos",
  "tan",
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "tanh",
  "erf",
  "sigmoid",
  "silu",
  "gelu",
  "geluTanh",
  "softplus",
  "angle",
]);

export function unaryOp(opName: UnaryOp, x: TensorLike, fn: string = opName): Tensor {
  return op(() => {
    let t = toTensor(x, fn, "x");
    if (isComplex(t.dtype) && !COMPLEX_OK.has(opName)) {
      throw new DTypeError(fn, "x", "a real dtype", t.dtype);
    }
    if (t.dtype === "bool" || (t.dtype === "int32" && FLOAT_RESULT.has(opName))) {
      t = cast(t, getDefaultFloatDType(), fn);
    }
    // GELU recorded for a gradient: the kernel may return GELU' from the same pass (aux).
    if (opName === "gelu" && ENGINE.recordsGradientOf([t]))
      return run("Unary", [t], { op: opName, saveForGradient: true }, fn);
    return run("Unary", [t], { op: opName }, fn);
  })();
}

/** Convert two operands with weak typing: a plain number adopts the other operand's dtype. */
export function operands(
  a: TensorLike,
  b: TensorLike,
  fn: string,
  names: [string, string] = ["a", "b"],
): [Tensor, Tensor] {
  const ta = a instanceof Tensor ? toTensor(a, fn, names[0]) : undefined;
  const tb = b instanceof Tensor ? toTensor(b, fn, names[1]) : undefined;
  const A = ta ?? toTensor(a, fn, names[0], tb?.dtype);
  const B = tb ?? toTensor(b, fn, names[1], A.dtype);
  broadcastShapes(A.shape, B.shape, fn, names);
  return [A, B];
}

function promoted(a: Tensor, b: Tensor, fn: string, floatOnly: boolean): [Tensor, Tensor] {
  let dtype: DType = promoteTypes(a.dtype, b.dtype);
  if (dtype === "bool") dtype = "int32";
  if (floatOnly && !isFloat(dtype)) dtype = getDefaultFloatDType();
  return [cast(a, dtype, fn), cast(b, dtype, fn)];
}

const REAL_ONLY = new Set<BinaryOp>(["maximum", "minimum", "atan2"]);
const FLOAT_ONLY = new Set<BinaryOp>(["div", "pow", "atan2"]);

export function binaryOp(
  opName: BinaryOp,
  a: TensorLike,
  b: TensorLike,
  fn: string = opName,
): Tensor {
  return op(() => {
    const [A, B] = promoted(...operands(a, b, fn), fn, FLOAT_ONLY.has(opName));
    if (REAL_ONLY.has(opName) && isComplex(A.dtype)) {
      throw new DTypeError(fn, isComplex(A.dtype) ? "a" : "b", "real dtypes", A.dtype);
    }
    return run("Binary", [A, B], { op: opName }, fn);
  })();
}

export const add = (a: TensorLike, b: TensorLike): Tensor => binaryOp("add", a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => binaryOp("sub", a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => binaryOp("mul", a, b);
/** True division (integers give floats, as numpy's `/`). */
export const div = (a: TensorLike, b: TensorLike): Tensor => binaryOp("div", a, b);
export const pow = (a: TensorLike, b: TensorLike): Tensor => binaryOp("pow", a, b);
/** Elementwise maximum; NaN propagates (numpy.maximum). */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binaryOp("maximum", a, b);
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binaryOp("minimum", a, b);
export const atan2 = (y: TensorLike, x: TensorLike): Tensor => binaryOp("atan2", y, x);

export const neg = (x: TensorLike): Tensor => unaryOp("neg", x);
export const abs = (x: TensorLike): Tensor => unaryOp("abs", x);
/** sign(x); for complex x, x / |x| (0 at 0), as torch.sgn. */
export const sign = (x: TensorLike): Tensor => unaryOp("sign", x);
export const square = (x: TensorLike): Tensor => unaryOp("square", x);
export const sqrt = (x: TensorLike): Tensor => unaryOp("sqrt", x);
export const rsqrt = (x: TensorLike): Tensor => unaryOp("rsqrt", x);
export const reciprocal = (x: TensorLike): Tensor => unaryOp("reciprocal", x);
export const exp = (x: TensorLike): Tensor => unaryOp("exp", x);
export const expm1 = (x: TensorLike): Tensor => unaryOp("expm1", x);
export const log = (x: TensorLike): Tensor => unaryOp("log", x);
export const log1p = (x: TensorLike): Tensor => unaryOp("log1p", x);
export const sin = (x: TensorLike): Tensor => unaryOp("sin", x);
export const cos = (x: TensorLike): Tensor => unaryOp("cos", x);
export const tan = (x: TensorLike): Tensor => unaryOp("tan", x);
export const asin = (x: TensorLike): Tensor => unaryOp("asin", x);
export const acos = (x: TensorLike): Tensor => unaryOp("acos", x);
export const atan = (x: TensorLike): Tensor => unaryOp("atan", x);
export const sinh = (x: TensorLike): Tensor => unaryOp("sinh", x);
export const cosh = (x: TensorLike): Tensor => unaryOp("cosh", x);
export const tanh = (x: TensorLike): Tensor => unaryOp("tanh", x);
/** Error function, within 2 ulps of the correctly rounded value in float64. */
export const erf = (x: TensorLike): Tensor => unaryOp("erf", x);
export const floor = (x: TensorLike): Tensor => unaryOp("floor", x);
export const ceil = (x: TensorLike): Tensor => unaryOp("ceil", x);
/** Round half to even (numpy.round). */
export const round = (x: TensorLike): Tensor => unaryOp("round", x);

function compareOp(opName: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  return op(() => {
    const [A, B] = promoted(...operands(a, b, opName), opName, false);
    if (isComplex(A.dtype) && opName !== "equal" && opName !== "notEqual") {
      throw new DTypeError(opName, "a", "real dtypes (complex numbers are not ordered)", A.dtype);
    }
    return run("Compare", [A, B], { op: opName }, opName);
  })();
}

/** Comparisons return bool tensors. */
export const equal = (a: TensorLike, b: TensorLike): Tensor => compareOp("equal", a, b);
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => compareOp("notEqual", a, b);
export const less = (a: TensorLike, b: TensorLike): Tensor => compareOp("less", a, b);
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => compareOp("lessEqual", a, b);
export const greater = (a: TensorLike, b: TensorLike): Tensor => compareOp("greater", a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor =>
  compareOp("greaterEqual", a, b);

/** Elements of a where cond is true, else of b; all three broadcast together. */
export const where = op((cond: TensorLike, a: TensorLike, b: TensorLike): Tensor => {
  let c = toTensor(cond, "where", "cond");
  if (c.dtype !== "bool") c = cast(c, "bool", "where");
  const [A, B] = promoted(...operands(a, b, "where"), "where", false);
  broadcastShapes(c.shape, A.shape, "where", ["cond", "a"]);
  broadcastShapes(broadcastShapes(c.shape, A.shape), B.shape, "where", ["cond", "b"]);
  return run("Where", [c, A, B], {}, "where");
});

/** Convert to another dtype. Complex to real keeps the real part (documented; PyTorch warns). */
export const astype = op(
  (x: TensorLike, dtype: DType): Tensor => cast(toTensor(x, "astype", "x"), dtype, "astype"),
);

/** Clamp into [lo, hi] (either may be undefined). */
export const clip = op((x: TensorLike, lo?: number, hi?: number): Tensor => {
  let t = toTensor(x, "clip", "x");
  if (lo !== undefined && hi !== undefined && lo > hi) {
    throw new ValueError("clip", "hi", `a value >= lo (${lo})`, show(hi));
  }
  // where() rather than maximum/minimum: the gradient is 1 on the closed interval [lo, hi],
  // as PyTorch's clamp (maximum would split it at the boundary).
  if (lo !== undefined) t = where(less(t, lo), lo, t);
  if (hi !== undefined) t = where(greater(t, hi), hi, t);
  return t;
});
