/**
 * Metrics. References: hand-computed values, Parseval (band errors add up to the MSE) and
 * single-mode errors whose band is known in closed form.
 */
import { drift, maxError, nrmse, relL2, spectralBandErrors } from "@modewise/pde";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

describe("metrics", () => {
  it("relL2 averages per-sample relative errors (FNO LpLoss)", () => {
    const truth = Float64Array.from([3, 4, 1, 0]);
    const pred = Float64Array.from([3, 5, 1, 1]);
    // sample 0: |(0,1)| / |(3,4)| = 1/5; sample 1: |(0,1)| / |(1,0)| = 1
    expect(relL2(pred, truth, 2)).toBeCloseTo((0.2 + 1) / 2, 15);
    expect(relL2(pred, truth)).toBeCloseTo(Math.sqrt(2 / 26), 15);
  });

  it("nrmse follows PDEBench: per sample and time step (last axis), then averaged", () => {
    // one sample, 2 points x 2 steps (time last): step 0 truth (1, 1) pred (1, 2); step 1 truth (2, 0) pred (2, 0)
    const truth = Float64Array.from([1, 2, 1, 0]);
    const pred = Float64Array.from([1, 2, 2, 0]);
    // step 0: rmse sqrt(1/2), rms sqrt(1) -> 0.7071; step 1: 0
    expect(nrmse(pred, truth, 1, 2)).toBeCloseTo(Math.SQRT1_2 / 2, 15);
    expect(() => nrmse(pred, truth, 1, 3)).toThrow(ShapeError);
  });

  it("maxError and drift", () => {
    expect(maxError(Float64Array.from([1, -2, 3]), Float64Array.from([1, 2, 2.5]))).toBe(4);
    expect(maxError(Float64Array.from([Number.NaN]), Float64Array.from([1]))).toBeNaN();
    expect(drift([2, 2.1, 1.7, 2])).toBeCloseTo(0.15, 15);
    expect(() => drift([0, 1])).toThrow(ValueError);
  });

  it("spectral band errors: single modes land in their band, squares add up to the MSE", () => {
    const s = 32;
    const truth = new Float64Array(2 * s * s);
    const pred = new Float64Array(2 * s * s);
    for (let b = 0; b < 2; b++)
      for (let i = 0; i < s; i++)
        for (let j = 0; j < s; j++) {
          const x = i / s;
          const y = j / s;
          truth[b * s * s + i * s + j] = Math.sin(2 * Math.PI * x) + b;
          // error: amplitude 0.3 at |k| = 2 (low), 0.2 at |k| = (5, 5) ~ 7.07 (mid), 0.1 at k = 13 (high)
          pred[b * s * s + i * s + j] =
            (truth[b * s * s + i * s + j] as number) +
            0.3 * Math.cos(2 * Math.PI * 2 * y) +
            0.2 * Math.sin(2 * Math.PI * (5 * x + 5 * y)) +
            0.1 * Math.cos(2 * Math.PI * 13 * x);
        }
    const r = spectralBandErrors(pred, truth, s);
    // the mean square of a cos of amplitude A is A^2 / 2
    expect(r.low).toBeCloseTo(0.3 / Math.SQRT2, 14);
    expect(r.mid).toBeCloseTo(0.2 / Math.SQRT2, 14);
    expect(r.high).toBeCloseTo(0.1 / Math.SQRT2, 14);
    let mse = 0;
    for (let k = 0; k < pred.length; k++) mse += ((pred[k] as number) - (truth[k] as number)) ** 2;
    mse /= pred.length;
    expect(r.low ** 2 + r.mid ** 2 + r.high ** 2).toBeCloseTo(mse, 14);
    const custom = spectralBandErrors(pred, truth, s, { bands: [3] });
    expect(custom.bands.length).toBe(2);
    expect(() => spectralBandErrors(pred, truth, s, { bands: [5, 2] })).toThrow(/bands/);
    expect(() => spectralBandErrors(pred.subarray(1), truth.subarray(1), s)).toThrow(ShapeError);
  });

  it("rejects mismatched inputs", () => {
    expect(() => relL2(new Float64Array(3), new Float64Array(4))).toThrow(ShapeError);
    expect(() => relL2(new Float64Array(4), new Float64Array(4), 2)).toThrow(/non-zero/);
    expect(() => relL2([1] as unknown as Float64Array, new Float64Array(1))).toThrow(ValueError);
  });
});
