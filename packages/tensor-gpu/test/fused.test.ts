// Fused Adam step through gpu.js createPipeline on wasm: the executor that ran is asserted (no
// silent generic / cpu fallback) and the values match a float64 Adam update within rounding.
import { tensor } from "@modewise/tensor";
import { fusedAdamStep, useGpu } from "@modewise/tensor-gpu";
import { beforeAll, describe, expect, it } from "vitest";
import { lcgValues } from "./parity/cases-core.js";

beforeAll(async () => {
  await useGpu({ backend: "wasm" });
});

describe("fusedAdamStep", () => {
  it("runs fused on webasm and matches the f64 update", async () => {
    const n = 5000;
    const p0 = lcgValues(n, 1);
    const g0 = lcgValues(n, 2);
    const m0 = lcgValues(n, 3, -0.1, 0.1);
    const v0 = lcgValues(n, 4, 0, 0.01);
    const [p, g, m, v] = [p0, g0, m0, v0].map((a) => tensor(Float32Array.from(a)));
    const opts = { lr: 1e-2, step: 3 };
    const out = await fusedAdamStep(p, g, m, v, opts);
    expect(out.pipeline.fallbackReason).toBeNull();
    expect(out.pipeline.executorKind).toMatch(/^fused-(sync|threaded)$/);
    expect(out.pipeline.backend).toBe("webasm");

    const [pv, mv, vv] = await Promise.all([out.param.data(), out.m.data(), out.v.data()]);
    const b1 = 0.9;
    const b2 = 0.999;
    const c2 = Math.sqrt(1 - b2 ** 3);
    const lrT = (opts.lr * c2) / (1 - b1 ** 3);
    const epsT = 1e-8 * c2;
    const U = 2 ** -24;
    let errP = 0;
    let errM = 0;
    for (let i = 0; i < n; i++) {
      const mi = b1 * m0[i] + (1 - b1) * g0[i];
      const vi = b2 * v0[i] + (1 - b2) * g0[i] * g0[i];
      const pi = p0[i] - (lrT * mi) / (Math.sqrt(vi) + epsT);
      errM = Math.max(errM, Math.abs(mv[i] - mi));
      errP = Math.max(
        errP,
        Math.abs(pv[i] - pi) / (lrT * (Math.abs(mi) / (Math.sqrt(vi) + epsT)) + Math.abs(pi)),
      );
      expect(Math.abs(vv[i] - vi)).toBeLessThanOrEqual(
        8 * U * (Math.abs(vi) + 1e-30) + 4 * U * 1e-3,
      );
    }
    // m: 2 products + 1 sum of magnitude <= 1 (plus the rounding of the hyper-parameters): 6u.
    expect(errM).toBeLessThanOrEqual(6 * U);
    // p: about a dozen rounded operations relative to |p| + |step| (f32 hyper-parameters included).
    expect(errP).toBeLessThanOrEqual(32 * U);
    for (const t of [p, g, m, v, out.param, out.m, out.v]) t.dispose();
  });
});
