/** The real unary ops of the parity suite: domain, which accuracy class, whether a gradient case runs. */
import {
  abs,
  acos,
  angle,
  asin,
  atan,
  ceil,
  conj,
  cos,
  cosh,
  erf,
  exp,
  expm1,
  floor,
  gelu,
  imag,
  log,
  log1p,
  neg,
  real,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  silu,
  sin,
  sinh,
  softplus,
  sqrt,
  square,
  type Tensor,
  tan,
  tanh,
  type UnaryOp,
} from "@modewise/tensor";

export interface UnaryCase {
  op: UnaryOp;
  apply: (x: Tensor) => Tensor;
  lo?: number;
  hi?: number;
  /** Result exact (no rounding). */
  exact?: boolean;
  /** Correctly rounded chain: k u max|y|. */
  rounding?: number;
  sincos?: boolean;
  erf?: boolean;
  /** asin / acos / atan: WGSL allows 4096 ulp (inherited from atan2). */
  inverseTrig?: boolean;
  grad?: boolean;
}

export const unaryOps: UnaryCase[] = [
  { op: "neg", apply: neg, exact: true, grad: true },
  { op: "abs", apply: abs, exact: true },
  { op: "sign", apply: sign, exact: true },
  { op: "square", apply: square, rounding: 1, grad: true },
  { op: "sqrt", apply: sqrt, lo: 0.1, hi: 4, rounding: 5, grad: true },
  { op: "rsqrt", apply: rsqrt, lo: 0.1, hi: 4, rounding: 10 },
  { op: "reciprocal", apply: reciprocal, lo: 0.25, hi: 4, rounding: 5, grad: true },
  { op: "exp", apply: exp, lo: -2, hi: 2, grad: true },
  { op: "expm1", apply: expm1, lo: -2, hi: 2 },
  { op: "log", apply: log, lo: 0.1, hi: 4, grad: true },
  { op: "log1p", apply: log1p, lo: -0.5, hi: 2 },
  { op: "sin", apply: sin, lo: -3, hi: 3, sincos: true, grad: true },
  { op: "cos", apply: cos, lo: -3, hi: 3, sincos: true },
  { op: "tan", apply: tan, lo: -1.2, hi: 1.2, sincos: true },
  { op: "asin", apply: asin, inverseTrig: true, lo: -0.9, hi: 0.9 },
  { op: "acos", apply: acos, inverseTrig: true, lo: -0.9, hi: 0.9 },
  { op: "atan", apply: atan, inverseTrig: true, lo: -3, hi: 3 },
  { op: "sinh", apply: sinh, lo: -2, hi: 2 },
  { op: "cosh", apply: cosh, lo: -2, hi: 2 },
  { op: "tanh", apply: tanh, lo: -3, hi: 3, grad: true },
  { op: "erf", apply: erf, lo: -2.5, hi: 2.5, erf: true, grad: true },
  { op: "floor", apply: floor, lo: -3, hi: 3, exact: true },
  { op: "ceil", apply: ceil, lo: -3, hi: 3, exact: true },
  { op: "round", apply: round, lo: -3, hi: 3, exact: true },
  { op: "sigmoid", apply: sigmoid, lo: -4, hi: 4, grad: true },
  { op: "relu", apply: relu, exact: true, grad: true },
  { op: "silu", apply: silu, lo: -4, hi: 4, grad: true },
  { op: "gelu", apply: (x) => gelu(x), lo: -3, hi: 3, erf: true, grad: true },
  { op: "geluTanh", apply: (x) => gelu(x, { approximate: "tanh" }), lo: -3, hi: 3, grad: true },
  { op: "softplus", apply: softplus, lo: -4, hi: 4, grad: true },
  { op: "conj", apply: conj, exact: true },
  { op: "real", apply: real, exact: true },
  { op: "imag", apply: imag, exact: true },
  { op: "angle", apply: angle, rounding: 1 },
];
