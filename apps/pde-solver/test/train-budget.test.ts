/**
 * Time budgets (`budgetSeconds`): the run fixes its length from timed steps before the loop,
 * then re-estimates it from the measured rate after the first 30 steps and again a fifth of the
 * way through (`calibrations`), with the learning-rate schedule rebuilt for the new length each
 * time, and stops within the budget. The
 * wall-time bound is a sanity bound (the budget plus slack for data loading and the last
 * validation), not a speed measurement.
 */
import { afterAll, describe, expect, it } from "vitest";
import { runTrain, trainSchema } from "../src/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("budget");
afterAll(() => tmp.cleanup());

describe("train with a time budget", () => {
  it("recalibrates its length twice and runs the cosine schedule of the final length", {
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
    // a tiny model takes far more than 30 steps in 6 s: both re-estimates ran, the second at
    // least 30 steps after the first (at step 30)
    expect(loop.step).toBeGreaterThan(60);
    expect(loop.calibrated).toBe(true);
    expect(loop.calibrations).toBe(2);
    const at = loop.calibratedAt as number;
    expect(at).toBeGreaterThanOrEqual(60);
    expect(at).toBeLessThan(loop.step);
    expect(loop.validationSeconds).toBeGreaterThan(0);
    // sanity bound (load can stretch a run past its estimate; the budget check stops it)
    expect(trained.wallSeconds).toBeLessThan(budgetSeconds + 10);
    // after the last re-estimate the schedule is the cosine over the FINAL length T, whether or not
    // the budget cut the run: the point recorded at step s used lr0 (1 + cos(pi (s - 1) / T)) / 2
    const T = loop.totalSteps;
    // (the last point may be the budget cut's, recorded after the step with the next lr)
    const late = loop.history.slice(0, -1).filter((h) => h.step - 1 >= at);
    expect(late.length).toBeGreaterThan(0);
    for (const h of late)
      expect(h.lr).toBeCloseTo((3e-3 * (1 + Math.cos((Math.PI * (h.step - 1)) / T))) / 2, 12);
  });
});
