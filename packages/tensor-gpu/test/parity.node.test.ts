// Every parity case (CORE + LINALG) on the `wasm` backend in Node: gpu.js webasm kernels against
// the float64 CPU reference, within each case's derived tolerance. The backend and executor that
// ran are asserted: a silent CPU fallback of gpu.js (fallbackReason) fails the case.
import { getBackend, memory } from "@modewise/tensor";
import { gpuBackendInfo, useGpu } from "@modewise/tensor-gpu";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareFlat } from "./browser/compare.js";
import { cases } from "./parity/cases.js";
import { coreCases } from "./parity/cases-core.js";

const coreNames = new Set(coreCases.map((c) => c.name));
let tensorsBefore = 0;

describe("parity on wasm (gpu.js webasm) vs the f64 CPU reference", () => {
  beforeAll(async () => {
    expect(await useGpu({ backend: "wasm" })).toBe("wasm");
    tensorsBefore = memory().numTensors;
  });

  afterAll(() => {
    // Cases dispose what they create: no tensor outlives the suite.
    expect(memory().numTensors).toBe(tensorsBefore);
  });

  for (const parityCase of cases) {
    it(parityCase.name, async () => {
      const before = memory().numTensors;
      const buffersBefore = gpuBackendInfo().liveBuffers;
      const r = await parityCase.run();
      // The case released every tensor and device buffer it made.
      expect(memory().numTensors, "live tensors after the case").toBe(before);
      expect(gpuBackendInfo().liveBuffers, "live device buffers after the case").toBe(
        buffersBefore,
      );
      expect(r.backend).toBe("wasm");
      expect(getBackend()).toBe("wasm");
      if (r.executor !== undefined) expect(r.executor).not.toMatch(/fallback/);
      // CORE's kernels all run as gpu.js webasm kernels.
      if (coreNames.has(parityCase.name)) expect(r.executor).toBe("gpu.js:webasm");
      const c = compareFlat(r.got, r.want, r.tol);
      expect(c.error).toBeNull();
      expect(
        c.maxErr,
        `worst index ${c.worst}: got ${r.got[c.worst]}, want ${r.want[c.worst]}, tol ${r.tol}`,
      ).toBeLessThanOrEqual(r.tol);
    });
  }

  it("keeps compiled kernels cached and device buffers released", () => {
    const info = gpuBackendInfo();
    expect(info.name).toBe("wasm");
    expect(info.compiledKernels).toBeGreaterThan(10);
  });
});
