/**
 * @modewise/tensor: n-dimensional arrays for scientific computing and machine learning.
 * float32 / float64 / complex64 / complex128 (plus int32 and bool for indices and masks),
 * numpy broadcasting, reverse-mode autograd with PyTorch's complex convention, a kernel
 * registry that GPU backends plug into, reproducible Philox random streams, ndarray interop.
 */

export {
  grad,
  gradientsOf,
  grads,
  noGrad,
  type ValueAndGrads,
  valueAndGrad,
  valueAndGrads,
} from "./autograd/grad.js";
export type { Backend, DataId, KernelFn, KernelTable, TensorInfo } from "./backend/backend.js";
export { getBackend, listBackends, registerBackend, setBackend } from "./backends.js";
export {
  allocOutput,
  borrowSync,
  type CustomGradient,
  type CustomKernel,
  hasKernel,
  type KernelOutput,
  readSync,
  registerGradient,
  registerKernel,
  runKernel,
  writeOutput,
} from "./custom.js";
export {
  type ComplexDType,
  type DataArray,
  type DType,
  type FloatDType,
  getDefaultFloatDType,
  isComplex,
  isFloat,
  promoteTypes,
  type RealFloatDType,
  setDefaultFloatDType,
} from "./dtype.js";
export {
  DeviceError,
  DisposedError,
  DTypeError,
  ModewiseError,
  NotImplementedError,
  ShapeError,
  show,
  ValueError,
} from "./errors.js";
export type {
  BinaryOp,
  CompareOp,
  ConvAttrs,
  KernelAttrs,
  KernelName,
  ReduceOp,
  UnaryOp,
} from "./kernels.js";
export { dispose, keep, type MemoryInfo, memory, tidy } from "./memory.js";
export { fromNdarray, toNdarray } from "./ndarray.js";
export {
  gelu,
  leakyRelu,
  logSoftmax,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softshrink,
} from "./ops/activations.js";
export { angle, complex, conj, imag, polar, real, toComplex } from "./ops/complex.js";
export { type ConvOptions, conv1d, conv2d, conv3d } from "./ops/conv.js";
export {
  arange,
  type CreateOptions,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  tensor,
  zeros,
  zerosLike,
} from "./ops/creation.js";
export {
  abs,
  acos,
  add,
  asin,
  astype,
  atan,
  atan2,
  ceil,
  clip,
  cos,
  cosh,
  div,
  equal,
  erf,
  exp,
  expm1,
  floor,
  greater,
  greaterEqual,
  less,
  lessEqual,
  log,
  log1p,
  maximum,
  minimum,
  mul,
  neg,
  notEqual,
  pow,
  reciprocal,
  round,
  rsqrt,
  sign,
  sin,
  sinh,
  sqrt,
  square,
  sub,
  tan,
  tanh,
  where,
} from "./ops/elementwise.js";
export { dot, einsum, matmul, outer } from "./ops/linalg.js";
export type { TensorLike, TypedArray } from "./ops/op.js";
export {
  type Axis,
  argmax,
  argmin,
  logsumexp,
  max,
  mean,
  min,
  norm,
  prod,
  std,
  sum,
  type VarOptions,
  variance,
} from "./ops/reduction.js";
export {
  broadcastTo,
  concat,
  expandDims,
  flatten,
  flip,
  gather,
  type PadMode,
  pad,
  permute,
  reshape,
  type SliceSpec,
  scatterAdd,
  slice,
  split,
  squeeze,
  stack,
  stopGradient,
  swapAxes,
  take,
  transpose,
} from "./ops/shape.js";
export {
  defaultGenerator,
  Generator,
  manualSeed,
  philox4x32,
  type RandomOptions,
  rand,
  randn,
} from "./random.js";
export { broadcastShapes, type Shape, sizeOf, stridesOf } from "./shape.js";
export { type NestedArray, Tensor } from "./tensor.js";
