/**
 * The kernel table of the GPU backends: every core KernelName mapped to an implementation.
 * CORE's kernels live in this folder; BatchMatMul and the convolutions are LINALG's
 * (matmul.ts, conv.ts); the FFT custom kernels register through fft.ts.
 */
import type { Backend, KernelName, KernelTable } from "@modewise/tensor";
import { binaryKernels } from "./binary.js";
import { castKernels } from "./cast.js";
import { convKernels } from "./conv.js";
import { layoutKernels } from "./layout.js";
import { matmulKernels } from "./matmul.js";
import { reduceKernels } from "./reduce.js";
import { unaryKernels } from "./unary.js";

const TABLE = {
  ...castKernels,
  ...unaryKernels,
  ...binaryKernels,
  ...reduceKernels,
  ...layoutKernels,
  ...matmulKernels,
  ...convKernels,
};

/** Compile-time check that no core kernel is missing. */
const complete: Record<KernelName, unknown> = TABLE;

/**
 * The table as the engine sees it. The kernels are typed against GpuBackend / LinalgHost (which
 * GpuBackend implements); the engine hands them the backend they were registered for.
 */
export const GPU_KERNELS = complete as unknown as Partial<KernelTable<Backend>>;
