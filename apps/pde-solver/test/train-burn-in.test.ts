/**
 * Generator specs with `burnIn`: the trajectory starts at t = burnIn (w_0 = w(burnIn)), equal
 * to the frames burnIn.. of a run from t = 0 solved to T + burnIn (the independent reference:
 * the same solver without the cut), and bad values are typed errors naming the key.
 */
import { ValueError } from "@modewise/tensor";
import { afterAll, describe, expect, it } from "vitest";
import {
  generateSchema,
  loadDataset,
  makePairs,
  parseGeneratorSpec,
  runGenerate,
} from "../src/index.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("burn-in");
afterAll(() => tmp.cleanup());

describe("generator spec burnIn", () => {
  it("parses burnIn beside the dataset keys (default 0)", () => {
    expect(parseGeneratorSpec("ns-1e-3:n=2,s=16,T=3").burnIn).toBe(0);
    const p = parseGeneratorSpec("ns-1e-3:n=2,s=16,T=3,burnIn=4,recordEvery=0.5");
    expect(p.burnIn).toBe(4);
    // the dataset spec carries it to @modewise/pde's computeChunk (shared with `generate`)
    expect(p.spec).toMatchObject({ n: 2, s: 16, T: 3, recordEvery: 0.5, burnIn: 4 });
    expect("burnIn" in parseGeneratorSpec("ns-1e-3:n=2,s=16,T=3").spec).toBe(false);
  });

  it("rejects a negative burnIn, one that is not a multiple of recordEvery, or one without time steps", () => {
    for (const bad of [
      "ns-1e-3:n=2,s=16,T=3,burnIn=-1",
      "ns-1e-3:n=2,s=16,T=3,burnIn=1.5",
      "ns-1e-3:n=2,s=16,T=4,recordEvery=2,burnIn=3",
      "darcy:n=2,s=16,burnIn=1",
    ]) {
      expect(() => parseGeneratorSpec(bad), bad).toThrow(ValueError);
      expect(() => parseGeneratorSpec(bad), bad).toThrow(/burnIn/);
    }
  });

  it("keeps the trajectory from t = burnIn: the frames of the longer run from t = 0", async () => {
    const s = 16;
    const plane = s * s;
    const cut = await loadDataset("ns-1e-3:n=2,s=16,T=3,burnIn=2,seed=5");
    const full = await loadDataset("ns-1e-3:n=2,s=16,T=5,seed=5");
    expect(cut.startTime).toBe(2);
    expect(cut.source).toContain("burnIn=2");
    const a = cut.trajectories;
    const b = full.trajectories;
    if (!a || !b) throw new Error("expected trajectories");
    expect(a.steps).toBe(4);
    expect(b.steps).toBe(6);
    for (let traj = 0; traj < 2; traj++)
      for (let t = 0; t < a.steps; t++) {
        const got = a.data.subarray((traj * a.steps + t) * plane, (traj * a.steps + t + 1) * plane);
        const want = b.data.subarray(
          (traj * b.steps + t + 2) * plane,
          (traj * b.steps + t + 3) * plane,
        );
        // Same solver, same steps: identical values (the cut only relabels the frames).
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    // One-step pairs: T per trajectory, starting at w(burnIn).
    expect(makePairs(cut, { kind: "one-step" }).n).toBe(2 * 3);
  });

  it("generate --burn-in writes the same fields as the in-memory spec, and records it", async () => {
    const output = tmp.path("ns.mat");
    await runGenerate(
      generateSchema.parse({
        preset: "ns-1e-3",
        n: 3,
        s: 16,
        T: 2,
        seed: 4,
        burnIn: 3,
        chunkSize: 3,
        dtype: "float64",
        output,
      }),
    );
    const file = await loadDataset(output);
    const memory = await loadDataset("ns-1e-3:n=3,s=16,T=2,burnIn=3,seed=4");
    expect(file.startTime).toBe(3);
    expect(file.forcing).toBe("fno");
    const a = file.trajectories;
    const b = memory.trajectories;
    if (!a || !b) throw new Error("expected trajectories");
    expect(a.steps).toBe(b.steps);
    // float64 file and one chunk of 3 samples as in memory: the same solver run, bit for bit
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const bad = generateSchema.parse({ preset: "burgers", n: 2, burnIn: 1, output: tmp.path("b") });
    await expect(runGenerate(bad)).rejects.toThrow(/burnIn/);
  });
});
