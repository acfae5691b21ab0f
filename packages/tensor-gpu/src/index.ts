/**
 * @modewise/tensor-gpu: gpu.js backends (wasm, webgl2, webgpu, headlessgl) for @modewise/tensor.
 * Tensors stay resident on the device between ops; kernels compile once per (op, shapes, dtype).
 */
export {
  FLOAT64_ADVICE,
  GpuBackend,
  type GpuBackendName,
} from "./backend/gpu-backend.js";
export { type AdamOptions, type FusedPipeline, fused, fusedAdamStep } from "./fused.js";
export { linalgExecutor as lastExecutor } from "./kernels/linalg-host.js";
export { FAN_IN as REDUCE_FAN_IN, reducePasses } from "./kernels/reduce.js";
export {
  applyDawnShim,
  GPU_BACKEND_NAMES,
  type GpuBackendInfo,
  gpuBackend,
  gpuBackendInfo,
  probeGpuBackends,
  registerGpuBackends,
  useGpu,
} from "./select.js";
