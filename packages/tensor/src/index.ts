/**
 * @modewise/tensor: n-dimensional arrays for scientific computing and machine learning.
 * float32 / float64 / complex64 / complex128 (plus int32 and bool for indices and masks),
 * numpy broadcasting, reverse-mode autograd with PyTorch's complex convention, a kernel
 * registry that GPU backends plug into, reproducible Philox random streams, ndarray interop.
 */
export { Tensor, type NestedArray } from "./tensor.js";
export {
  type DType,
  type FloatDType,
  type RealFloatDType,
  type ComplexDType,
  type DataArray,
  promoteTypes,
  isComplex,
  isFloat,
  getDefaultFloatDType,
  setDefaultFloatDType,
} from "./dtype.js";
export {
  ModewiseError,
  ShapeError,
  DTypeError,
  DeviceError,
  ValueError,
  DisposedError,
  NotImplementedError,
} from "./errors.js";
export { broadcastShapes, type Shape } from "./shape.js";
export type { Backend, DataId, TensorInfo, KernelFn, KernelTable } from "./backend/backend.js";
export type { KernelName, KernelAttrs, UnaryOp, BinaryOp, CompareOp, ReduceOp, ConvAttrs } from "./kernels.js";
export { setBackend, getBackend, listBackends, registerBackend } from "./backends.js";
export {
  registerKernel,
  registerGradient,
  runKernel,
  readSync,
  writeOutput,
  type CustomKernel,
  type CustomGradient,
} from "./custom.js";
export { tidy, keep, dispose, memory, type MemoryInfo } from "./memory.js";
export { type TensorLike, type TypedArray } from "./ops/op.js";
export {
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  fullLike,
  arange,
  linspace,
  eye,
  type CreateOptions,
} from "./ops/creation.js";
export {
  add,
  sub,
  mul,
  div,
  pow,
  maximum,
  minimum,
  atan2,
  neg,
  abs,
  sign,
  square,
  sqrt,
  rsqrt,
  reciprocal,
  exp,
  expm1,
  log,
  log1p,
  sin,
  cos,
  tan,
  asin,
  acos,
  atan,
  sinh,
  cosh,
  tanh,
  erf,
  floor,
  ceil,
  round,
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
  where,
  astype,
  clip,
} from "./ops/elementwise.js";
export { complex, polar, real, imag, conj, angle, toComplex } from "./ops/complex.js";
export {
  relu,
  sigmoid,
  silu,
  softplus,
  gelu,
  leakyRelu,
  softshrink,
  softmax,
  logSoftmax,
} from "./ops/activations.js";
export {
  sum,
  prod,
  max,
  min,
  mean,
  argmax,
  argmin,
  variance,
  std,
  norm,
  logsumexp,
  type Axis,
  type VarOptions,
} from "./ops/reduction.js";
export {
  reshape,
  flatten,
  squeeze,
  expandDims,
  transpose,
  permute,
  swapAxes,
  broadcastTo,
  slice,
  flip,
  concat,
  stack,
  split,
  gather,
  take,
  pad,
  stopGradient,
  type SliceSpec,
  type PadMode,
} from "./ops/shape.js";
export { matmul, dot, outer, einsum } from "./ops/linalg.js";
export { conv1d, conv2d, conv3d, type ConvOptions } from "./ops/conv.js";
export { grad, grads, valueAndGrad, valueAndGrads, gradientsOf, noGrad, type ValueAndGrads } from "./autograd/grad.js";
export { Generator, manualSeed, defaultGenerator, rand, randn, philox4x32, type RandomOptions } from "./random.js";
export { fromNdarray, toNdarray } from "./ndarray.js";
