import type { KernelName } from "../../kernels.js";
import type { KernelFn } from "../backend.js";
import { conv, convBackpropFilter, convBackpropInput } from "./conv.js";
import type { CpuBackend } from "./cpu-backend.js";
import {
  binary,
  cast,
  compare,
  complexKernel,
  polar,
  softshrink,
  unary,
  unaryDerivative,
  where,
} from "./elementwise.js";
import {
  broadcastTo,
  concat,
  gather,
  padConstant,
  reshape,
  scatterAdd,
  stridedSlice,
  stridedSliceGrad,
  transpose,
} from "./layout.js";
import { batchMatMul } from "./matmul.js";
import { argReduce, reduce } from "./reduce.js";

/** Every kernel on the CPU: the compiler rejects this table if one is missing. */
export const CPU_KERNELS: { [K in KernelName]: KernelFn<K, CpuBackend> } = {
  Cast: cast,
  Unary: unary,
  UnaryDerivative: unaryDerivative,
  Softshrink: softshrink,
  Binary: binary,
  Compare: compare,
  Where: where,
  Complex: complexKernel,
  Polar: polar,
  Reduce: reduce,
  ArgReduce: argReduce,
  Reshape: reshape,
  Transpose: transpose,
  BroadcastTo: broadcastTo,
  StridedSlice: stridedSlice,
  StridedSliceGrad: stridedSliceGrad,
  Concat: concat,
  PadConstant: padConstant,
  Gather: gather,
  ScatterAdd: scatterAdd,
  BatchMatMul: batchMatMul,
  Conv: conv,
  ConvBackpropInput: convBackpropInput,
  ConvBackpropFilter: convBackpropFilter,
};
