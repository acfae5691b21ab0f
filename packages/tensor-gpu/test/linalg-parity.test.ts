/**
 * LINALG's parity cases (test/parity/cases-linalg.ts, also run by the package's Node and
 * Chromium parity suites on the real backends) run here on the unit-test stand-in backend, so
 * they are exercised even before / apart from the full GpuBackend: once routed like the GL
 * backends (gpu.js kernels) and once like the wasm backend (CPU gemm / conv fallback and
 * @modewise/fft plans), asserting the executor each time.
 */
import "@modewise/fft/tensor";
import { memory, registerBackend, setBackend } from "@modewise/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { convKernels } from "../src/kernels/conv.js";
import { registerFftKernels } from "../src/kernels/fft.js";
import { matmulKernels } from "../src/kernels/matmul.js";
import { TestHost } from "./linalg-host.js";
import { linalgCases } from "./parity/cases-linalg.js";

function hostBackend(name: string, mode: "webgl2" | "webasm"): TestHost {
  const host = new TestHost(name, mode);
  Object.assign(host.kernels, matmulKernels, convKernels);
  registerBackend(name, () => host);
  registerFftKernels(name);
  return host;
}

for (const [name, mode, executors] of [
  ["linalg-test-gl", "webgl2", ["gpu.js:webasm"]],
  ["linalg-test-wasm", "webasm", ["wasm-gemm", "cpu-kernel", "fft-plan", "gpu.js:webasm"]],
] as const) {
  describe(`LINALG parity cases on a ${mode}-routed stand-in backend`, () => {
    const host = hostBackend(name, mode);
    afterAll(() => setBackend("cpu"));
    for (const c of linalgCases)
      it(c.name, async () => {
        setBackend(name);
        const before = memory().numTensors;
        const r = await c.run();
        expect(memory().numTensors).toBe(before);
        expect(r.backend).toBe(name);
        expect(executors).toContain(r.executor);
        expect(r.got.length).toBe(r.want.length);
        let worst = 0;
        for (let i = 0; i < r.got.length; i++)
          worst = Math.max(worst, Math.abs(r.got[i] - r.want[i]));
        expect(worst).toBeLessThanOrEqual(r.tol);
        expect(host.store.size).toBeLessThan(4);
      });
  });
}
