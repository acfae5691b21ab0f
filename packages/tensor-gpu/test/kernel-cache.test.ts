// Kernels compile once per (op, shapes, dtype) and are reused; the executor that ran is recorded;
// results stay resident (no readback) between ops.
import { add, exp, prod, sum, tensor, tidy } from "@modewise/tensor";
import {
  gpuBackend,
  gpuBackendInfo,
  lastExecutor,
  REDUCE_FAN_IN,
  reducePasses,
  useGpu,
} from "@modewise/tensor-gpu";
import { beforeAll, describe, expect, it } from "vitest";

beforeAll(async () => {
  await useGpu({ backend: "wasm" });
});

describe("kernel cache", () => {
  it("compiles once per (op, shapes, dtype)", async () => {
    const a = tensor(new Float32Array([1, 2, 3]));
    const b = tensor(new Float32Array([4, 5, 6]));
    const run = () => tidy(() => add(a, b));
    run().dispose();
    const compiled = gpuBackendInfo().compiledKernels;
    const cache = gpuBackend("wasm")!.cache;
    const hits = cache.hits;
    run().dispose();
    run().dispose();
    expect(gpuBackendInfo().compiledKernels).toBe(compiled);
    expect(cache.hits - hits).toBe(2);
    // A new shape compiles a new kernel; a new dtype too.
    const c = tensor(new Float32Array([1, 2, 3, 4]));
    tidy(() => add(c, c)).dispose();
    expect(gpuBackendInfo().compiledKernels).toBe(compiled + 1);
    for (const t of [a, b, c]) t.dispose();
  });

  it("records the executor that really ran", () => {
    const x = tensor(new Float32Array([0, 1]));
    tidy(() => exp(x)).dispose();
    expect(lastExecutor("Unary")).toBe("gpu.js:webasm");
    x.dispose();
  });

  it("intermediate results stay on the device as kernel outputs (no readback per op)", () => {
    const x = tensor(new Float32Array(64).fill(1));
    const y = tidy(() => exp(add(x, x)));
    const value = gpuBackend("wasm")!.deviceValue(y.dataId);
    // On webasm a kernel output is the Float32Array gpu.js hands back, fed straight to the next kernel.
    expect(value).toBeInstanceOf(Float32Array);
    x.dispose();
    y.dispose();
  });
});

describe("tree reduction depth", () => {
  it("takes ceil(log_F n) passes (F = REDUCE_FAN_IN), not one long loop", async () => {
    expect(REDUCE_FAN_IN).toBe(16);
    expect(reducePasses(1)).toBe(0);
    expect(reducePasses(16)).toBe(1);
    expect(reducePasses(17)).toBe(2);
    expect(reducePasses(1500)).toBe(3);
    // 4097 ones sum exactly: every pass adds at most 16 integers below 2^24.
    const x = tensor(new Float32Array(4097).fill(1));
    const s = tidy(() => sum(x));
    expect((await s.data())[0]).toBe(4097);
    x.dispose();
    s.dispose();
  });

  it("an empty reduction gives the identity (sum 0, prod 1)", async () => {
    const x = tensor(new Float32Array(0), { shape: [2, 0] });
    const s = tidy(() => sum(x, 1));
    const p = tidy(() => prod(x, 1));
    expect(Array.from(await s.data())).toEqual([0, 0]);
    expect(Array.from(await p.data())).toEqual([1, 1]);
    for (const t of [x, s, p]) t.dispose();
  });
});
