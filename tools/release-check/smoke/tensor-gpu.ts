// Type-level smoke test of the published @modewise/tensor-gpu (tsc --strict, nodenext).
import {
  type GpuBackendInfo,
  type GpuBackendName,
  gpuBackendInfo,
  useGpu,
} from "@modewise/tensor-gpu";

const name: Promise<GpuBackendName> = useGpu({ backend: "auto" });
const info: () => GpuBackendInfo = gpuBackendInfo;

export const smoke = { name, info };
