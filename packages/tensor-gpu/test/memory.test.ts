// Deterministic release of device memory on the wasm backend: dispose frees storage, and a
// training loop of 1000 steps returns live tensors and device buffers to their baseline.
import { memory, reshape, tensor } from "@modewise/tensor";
import { gpuBackendInfo, useGpu } from "@modewise/tensor-gpu";
import { beforeAll, describe, expect, it } from "vitest";
import { runTrainingLoop } from "./browser/training-loop.js";

beforeAll(async () => {
  expect(await useGpu({ backend: "wasm" })).toBe("wasm");
});

describe("device storage accounting", () => {
  it("counts one live buffer per tensor and frees it on dispose", () => {
    const before = gpuBackendInfo();
    const a = tensor(new Float32Array([1, 2, 3]));
    const b = tensor(new Float32Array(8), { shape: [2, 4] });
    const after = gpuBackendInfo();
    expect(after.liveBuffers - before.liveBuffers).toBe(2);
    expect(after.liveBytes - before.liveBytes).toBe(4 * (3 + 8));
    a.dispose();
    expect(gpuBackendInfo().liveBuffers - before.liveBuffers).toBe(1);
    b.dispose();
    expect(gpuBackendInfo().liveBuffers).toBe(before.liveBuffers);
    expect(gpuBackendInfo().liveBytes).toBe(before.liveBytes);
  });

  it("a reshape shares storage: the buffer goes with the last handle", () => {
    const before = gpuBackendInfo().liveBuffers;
    const a = tensor(new Float32Array(6));
    const r = reshape(a, [2, 3]);
    expect(gpuBackendInfo().liveBuffers - before).toBe(1);
    a.dispose();
    expect(gpuBackendInfo().liveBuffers - before).toBe(1);
    r.dispose();
    expect(gpuBackendInfo().liveBuffers).toBe(before);
  });
});

describe("1000 training steps (linear layer + MSE + SGD, autograd) on wasm", () => {
  // The loop is shared with the webgl2 / webgpu run in Chromium (browser.test.ts).
  it("returns numTensors and live device buffers to baseline, and the loss falls", async () => {
    const tensorsAtStart = memory().numTensors;
    const run = await runTrainingLoop({ n: 32, din: 8, dout: 3, steps: 1000, learningRate: 0.5 });
    expect(run.tensorsAfter).toBe(run.tensorsBefore);
    expect(run.buffersAfter).toBe(run.buffersBefore);
    // Synchronous backend: nothing is queued, so the count is back already when the loop ends.
    expect(run.buffersAtLoopEnd).toBe(run.buffersBefore);
    expect(run.lastLoss).toBeLessThan(run.firstLoss * 1e-3);
    expect(memory().numTensors).toBe(tensorsAtStart);
  }, 120_000);
});
