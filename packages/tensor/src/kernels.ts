/**
 * The closed set of kernels every backend implements, with their attributes. Ops (ops/*.ts)
 * validate arguments and call `runKernel(name, inputs, attrs)`; backends register one
 * implementation per name; gradients (grads/*.ts) are registered once per name, written with
 * ops so they run on every backend. Adding a kernel here makes every table that is typed as
 * `{ [K in KernelName]: ... }` fail to compile until it has an entry: completeness by compiler.
 */
import type { DType } from "./dtype.js";
import type { Shape } from "./shape.js";

/** Elementwise one-input operations. */
export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "square"
  | "sqrt"
  | "rsqrt"
  | "reciprocal"
  | "exp"
  | "expm1"
  | "log"
  | "log1p"
  | "sin"
  | "cos"
  | "tan"
  | "asin"
  | "acos"
  | "atan"
  | "sinh"
  | "cosh"
  | "tanh"
  | "erf"
  | "floor"
  | "ceil"
  | "round"
  | "sigmoid"
  | "relu"
  | "silu"
  | "gelu"
  | "geluTanh"
  | "softplus"
  | "conj"
  | "real"
  | "imag"
  | "angle";

/** Elementwise two-input operations (inputs already broadcast-compatible and of one dtype). */
export type BinaryOp = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum" | "atan2";

export type CompareOp = "equal" | "notEqual" | "less" | "lessEqual" | "greater" | "greaterEqual";

export type ReduceOp = "sum" | "prod" | "max" | "min";

export interface ConvAttrs {
  /** Per spatial axis. */
  strides: number[];
  /** Per spatial axis: [before, after]. */
  padding: [number, number][];
  dilations: number[];
  groups: number;
}

/** Attributes of each kernel. The keys of this interface are the kernel names. */
export interface KernelAttrs {
  Cast: { dtype: DType };
  /**
   * `saveForGradient`: the op is recorded for a gradient; a kernel may return what that
   * gradient needs as `aux` (the CPU float32 GELU returns GELU'), or ignore the flag.
   */
  Unary: { op: UnaryOp; saveForGradient?: boolean };
  /** Derivative of a real activation: inputs (x, dy), output dy * f'(x). */
  UnaryDerivative: { op: UnaryOp; lambda?: number };
  Softshrink: { lambda: number };
  Binary: { op: BinaryOp };
  Compare: { op: CompareOp };
  Where: Record<string, never>;
  Complex: Record<string, never>;
  Polar: Record<string, never>;
  Reduce: { op: ReduceOp; axes: number[]; keepDims: boolean };
  ArgReduce: { op: "argmax" | "argmin"; axis: number; keepDims: boolean };
  Reshape: { shape: Shape };
  Transpose: { perm: number[] };
  BroadcastTo: { shape: Shape };
  StridedSlice: { begin: number[]; size: number[]; step: number[] };
  StridedSliceGrad: { inputShape: Shape; begin: number[]; size: number[]; step: number[] };
  Concat: { axis: number };
  PadConstant: { paddings: [number, number][]; value: number };
  Gather: { axis: number };
  ScatterAdd: { axis: number; size: number };
  BatchMatMul: { transposeA: boolean; transposeB: boolean };
  Conv: ConvAttrs;
  ConvBackpropInput: ConvAttrs & { inputShape: Shape };
  ConvBackpropFilter: ConvAttrs & { filterShape: Shape };
}

export type KernelName = keyof KernelAttrs;
