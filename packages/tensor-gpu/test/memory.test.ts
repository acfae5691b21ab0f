// Deterministic release of device memory on the wasm backend: dispose frees storage, and a
// training loop of 1000 steps returns live tensors and device buffers to their baseline.
import {
  dispose,
  grads,
  matmul,
  mean,
  memory,
  mul,
  reshape,
  square,
  sub,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import { gpuBackendInfo, useGpu } from "@modewise/tensor-gpu";
import { beforeAll, describe, expect, it } from "vitest";
import { lcgValues } from "./parity/cases-core.js";

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
  it("returns numTensors and live device buffers to baseline, and the loss falls", async () => {
    const n = 32;
    const din = 8;
    const dout = 3;
    const x = tensor(Float32Array.from(lcgValues(n * din, 11)), { shape: [n, din] });
    const wTrue = tensor(Float32Array.from(lcgValues(din * dout, 12)), { shape: [din, dout] });
    const y = tidy(() => matmul(x, wTrue));
    let w: Tensor = tensor(new Float32Array(din * dout), { shape: [din, dout] });
    const lossOf = (wt: Tensor) => mean(square(sub(matmul(x, wt), y)));
    const firstLoss = (await tidy(() => lossOf(w)).data())[0];

    const tensorsBefore = memory().numTensors;
    const buffersBefore = gpuBackendInfo().liveBuffers;
    for (let step = 0; step < 1000; step++) {
      const next = tidy(() => {
        const [g] = grads((wt: Tensor) => lossOf(wt))([w]);
        return sub(w, mul(g, 0.5));
      });
      w.dispose();
      w = next;
    }
    expect(memory().numTensors).toBe(tensorsBefore);
    expect(gpuBackendInfo().liveBuffers).toBe(buffersBefore);

    const lastLoss = await tidy(() => lossOf(w)).data();
    expect(lastLoss[0]).toBeLessThan(firstLoss * 1e-3);
    dispose([x, wTrue, y, w]);
  }, 120_000);
});
