/**
 * Increment prediction (`predict: increment`): the network outputs the normalized increment
 * w_{k+1} - w_k and every consumer (validation, eval, rollout, predict) adds it back to the input,
 * so the reported numbers are the relative L2 of the FIELD, as for a field model. Checked against
 * a hand-written float64 evaluation of the loaded weights; the option survives a resume.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { encodeNpy, readNpy } from "@modewise/pde/io";
import { noGrad, tensor, tidy, ValueError } from "@modewise/tensor";
import { afterAll, describe, expect, it } from "vitest";
import {
  loadDataset,
  loadRun,
  makePairs,
  runEval,
  runPredict,
  runTrain,
  trainSchema,
} from "../src/index.js";
import { meanRelL2, tempDir } from "./helpers.js";

const tmp = tempDir("increment");
afterAll(() => tmp.cleanup());

const DATA = "ns-1e-3:n=5,s=16,T=3,burnIn=2,seed=3";
const TEST = "ns-1e-3:n=2,s=16,T=3,burnIn=2,seed=9";
const config = (out: string, predict?: "field" | "increment", extra: object = {}) =>
  trainSchema.parse({
    modelName: "fno",
    model: { modes: 4, width: 6, nLayers: 2 },
    data: DATA,
    out,
    epochs: 2,
    batchSize: 4,
    lr: 3e-3,
    seed: 7,
    valFraction: 0.2,
    checkpointEvery: 1,
    ...(predict ? { predict } : {}),
    ...extra,
  });

/** The run's weights applied by hand: normalize, forward, de-normalize (+ input if increment). */
function handPrediction(runDir: string, x: Float64Array, n: number, s: number): Float64Array {
  const { info, model } = loadRun(runDir);
  const norm = info.normalization;
  const xs = Float32Array.from(x, (v) => (v - norm.x.mean) / norm.x.std);
  const out = tidy(() =>
    noGrad(
      () =>
        model
          .forward(tensor(xs, { shape: [n, 1, s, s], dtype: "float32" }))
          .dataSync() as Float32Array,
    ),
  );
  const inc = norm.increment;
  return Float64Array.from(out, (v, i) =>
    inc ? (x[i] as number) + v * inc.std + inc.mean : v * norm.y.std + norm.y.mean,
  );
}

describe("train predict: increment", () => {
  it("reports field metrics for field and increment runs alike", async () => {
    const test = makePairs(await loadDataset(TEST), { kind: "one-step" });
    const metrics = [];
    for (const predict of ["field", "increment"] as const) {
      const out = tmp.path(predict);
      const trained = await runTrain(config(out, predict));
      const info = JSON.parse(readFileSync(`${out}/run.json`, "utf8"));
      expect(info.predict).toBe(predict);
      if (predict === "increment") {
        // Increment statistics of the training pairs (4 trajectories x 3 steps).
        const train = makePairs(await loadDataset(DATA), { kind: "one-step" }, 0, 4);
        const d = train.y.map((v, i) => v - (train.x[i] as number));
        const mean = d.reduce((a, b) => a + b, 0) / d.length;
        const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
        expect(info.normalization.increment.mean).toBeCloseTo(mean, 14);
        expect(info.normalization.increment.std / std).toBeCloseTo(1, 12);
      } else expect(info.normalization.increment).toBeUndefined();
      const ev = await runEval({ run: out, data: TEST, plots: false, rolloutSteps: 2 });
      const hand = handPrediction(out, test.x, test.n, 16);
      // Same f32 forward, then float64 arithmetic on both sides: agreement to round-off.
      expect(ev.metrics.relL2).toBeCloseTo(meanRelL2(hand, test.y, test.n), 10);
      expect(ev.metrics.identityRelL2).toBeCloseTo(meanRelL2(test.x, test.y, test.n), 12);
      expect(trained.val).toBeGreaterThan(0);
      // predict (the CLI command's function) gives the same fields.
      const input = tmp.path(`${predict}-in.npy`);
      writeFileSync(input, encodeNpy(test.x, [test.n, 16, 16]));
      runPredict({ run: out, input, out: tmp.path(`${predict}-out.npy`) });
      const written = readNpy(tmp.path(`${predict}-out.npy`)).data as Float64Array;
      let maxDiff = 0;
      for (let i = 0; i < hand.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs((written[i] as number) - (hand[i] as number)));
      expect(maxDiff).toBeLessThan(1e-12);
      metrics.push(ev.metrics);
    }
    // The identity baseline does not depend on the model: same definition, same number.
    expect(metrics[0]?.identityRelL2).toBe(metrics[1]?.identityRelL2);
  }, 60_000);

  it("keeps the option across a resume and refuses a folder trained for the other target", async () => {
    const out = tmp.path("resumed");
    const first = await runTrain(config(out, "increment", { maxSteps: 2 }));
    expect(first.loop.done).toBe(false);
    const resumed = await runTrain(config(out, "increment"));
    expect(resumed.loop.done).toBe(true);
    expect(resumed.info.predict).toBe("increment");
    expect(resumed.info.normalization.increment).toEqual(first.info.normalization.increment);
    // The final weights equal an uninterrupted increment run's.
    const whole = readFileSync(`${tmp.path("increment")}/model.safetensors`);
    expect(Buffer.compare(readFileSync(`${out}/model.safetensors`), whole)).toBe(0);
    await expect(runTrain(config(out, "field"))).rejects.toThrow(ValueError);
  }, 60_000);

  it("rejects increment prediction outside the one-step task", async () => {
    const bad = trainSchema.parse({
      modelName: "fno",
      model: { modes: 4, width: 6, nLayers: 2 },
      data: "burgers:n=4,s=32,solverS=256,seed=1",
      out: tmp.path("burgers"),
      epochs: 1,
      predict: "increment",
    });
    await expect(runTrain(bad)).rejects.toThrow(/predict/);
    await expect(runTrain(bad)).rejects.toThrow(ValueError);
  });
});
