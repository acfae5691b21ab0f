// Browser entry for the GPU check's workloads (gpu-workloads.ts) at tiny sizes: the same code the
// device check times on a real GPU, run on webgl2 / webgpu in headless Chromium so that a
// workload that cannot run on a GPU backend is found here, not in scarce device time.

import { getBackend, memory } from "@modewise/tensor";
import { type GpuBackendName, useGpu } from "@modewise/tensor-gpu";
import {
  fftWorkload,
  fnoWorkload,
  guarded,
  matmulWorkload,
  type WorkloadResult,
} from "./gpu-workloads.js";

export interface WorkloadsReport {
  requested: string;
  active: string;
  results: WorkloadResult[];
  /** Live tensors after all workloads minus before. */
  leakedTensors: number;
}

/**
 * Tiny sizes (below even --small of bench/gpu-check.ts: an FNO step compiles dozens of kernels,
 * slow on SwiftShader), one timing sample each: timings are not the point here.
 */
export async function runWorkloads(backend: string): Promise<WorkloadsReport> {
  await useGpu({ backend: backend as GpuBackendName });
  const before = memory().numTensors;
  const results: WorkloadResult[] = [];
  const progress = globalThis as { __browserTestProgress?: unknown };
  progress.__browserTestProgress = "matmul";
  results.push(await guarded("matmul", "matmul f32 64x64", () => matmulWorkload(64, 1)));
  progress.__browserTestProgress = "fft";
  results.push(
    await guarded("fft", "rfft2 f32 2x2x32x32", () => fftWorkload([2, 2], 32, 1, backend)),
  );
  progress.__browserTestProgress = "fno";
  results.push(
    await guarded("fno", "FNO-2D step", () =>
      fnoWorkload({ batch: 1, size: 8, width: 4, modes: 2 }, 1, backend, 1),
    ),
  );
  return {
    requested: backend,
    active: getBackend(),
    results,
    leakedTensors: memory().numTensors - before,
  };
}
