/**
 * Time budgets (`budgetSeconds`): the run fixes its length from timed steps before the loop,
 * then re-estimates it once from the measured rate after the first 30 steps (`calibrated`), with
 * the learning-rate schedule rebuilt for the new length, and stops within the budget. The
 * wall-time bound is a sanity bound (the budget plus slack for data loading and the last
 * validation), not a speed measurement.
 */
import { afterAll, describe, expect, it } from "vitest";
import { runTrain, trainSchema } from "../src/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("budget");
afterAll(() => tmp.cleanup());

describe("train with a time budget", () => {
  it("recalibrates its length once after 30 steps and ends within the budget on a finished cosine schedule", {
    timeout: 60_000,
  }, async () => {
    const budgetSeconds = 6;
    const trained = await runTrain(
      trainSchema.parse({
        modelName: "fno",
        model: { modes: 4, width: 6, nLayers: 2 },
        data: "ns-1e-3:n=5,s=16,T=3,burnIn=2,seed=3",
        out: tmp.path("run"),
        budgetSeconds,
        batchSize: 4,
        lr: 3e-3,
        seed: 5,
        schedule: "cosine",
        valFraction: 0.2,
      }),
    );
    const loop = trained.loop;
    expect(loop.done).toBe(true);
    // a tiny model takes far more than 30 steps in 6 s: the calibration ran
    expect(loop.step).toBeGreaterThan(30);
    expect(loop.calibrated).toBe(true);
    expect(trained.wallSeconds).toBeLessThan(budgetSeconds + 3);
    // the run reached the planned length (not cut by the budget), so the schedule's last
    // learning rate is that of its final step, near zero: lr_T-1 = lr0 (1 + cos(pi (T-1)/T)) / 2
    expect(loop.step).toBe(loop.totalSteps);
    const lastLr = loop.history[loop.history.length - 1].lr;
    const T = loop.totalSteps;
    expect(lastLr).toBeCloseTo((3e-3 * (1 + Math.cos((Math.PI * (T - 1)) / T))) / 2, 12);
  });
});
