// Browser entry for the 1000-step training memory test (training-loop.ts) on webgl2 / webgpu:
// tools/browser-test bundles it, opens it in headless Chromium and calls runTrainingMemory(backend).

import { getBackend, memory } from "@modewise/tensor";
import { type GpuBackendName, gpuBackendInfo, useGpu } from "@modewise/tensor-gpu";
import { runTrainingLoop, type TrainingRun } from "./training-loop.js";

export interface TrainingMemoryReport {
  requested: string;
  /** What useGpu() returned, getBackend() and gpuBackendInfo().name after the loop. */
  initialised: string;
  active: string;
  infoName: string;
  run: TrainingRun;
  /** Live tensors after the whole run (setup and readbacks included) minus before it. */
  leakedTensors: number;
}

/** Tiny sizes (8x4 weights, batch 16): 1000 steps on SwiftShader must stay well under a minute. */
export const browserTrainingShape = {
  n: 16,
  din: 8,
  dout: 4,
  steps: 1000,
  learningRate: 0.5,
} as const;

export async function runTrainingMemory(backend: string): Promise<TrainingMemoryReport> {
  const initialised = await useGpu({ backend: backend as GpuBackendName });
  const before = memory().numTensors;
  const run = await runTrainingLoop(browserTrainingShape);
  return {
    requested: backend,
    initialised,
    active: getBackend(),
    infoName: gpuBackendInfo().name,
    run,
    leakedTensors: memory().numTensors - before,
  };
}
