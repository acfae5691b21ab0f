/**
 * `train --augment symmetries`: every group element is an exact symmetry of the solver that made
 * the data (solving from a moved initial field gives the moved solution, to round-off), the maps
 * act on normalized samples as on physical ones, and an augmented run resumes bit for bit.
 */
import { readFileSync } from "node:fs";
import { Burgers1d, gaussianRandomField2d, NavierStokes2d } from "@modewise/pde";
import { ValueError } from "@modewise/tensor";
import { afterAll, describe, expect, it } from "vitest";
import {
  applySymmetries,
  augmentedBatch,
  epochElements,
  loadDataset,
  makePairs,
  runTrain,
  type SymmetryElement,
  symmetryGroup,
  trainSchema,
} from "../src/index.js";
import { increments, normalizeTo32 } from "../src/train/data.js";
import { tempDir } from "./helpers.js";

const tmp = tempDir("augment");
afterAll(() => tmp.cleanup());

const moved = (w: Float64Array, e: SymmetryElement) =>
  Float64Array.from(e.source, (j) => e.sign * (w[j] as number));

const maxAbs = (a: Float64Array, b: Float64Array) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
};

/**
 * An NS run from a GRF field on an s x s grid with the FNO forcing, and the relative error of
 * solve(g w0) against g solve(w0) for a map g (max abs over the field's max abs).
 */
function nsSetup(
  s: number,
  seed: number,
  solver: { scheme?: "fno-cn"; dt?: number; T?: number } = {},
) {
  const w0 = gaussianRandomField2d({ s, batch: 1, alpha: 2.5, tau: 7, seed });
  const { T = 1, ...options } = solver;
  const solve = (w: Float64Array) =>
    new NavierStokes2d({ s, nu: 1e-3, batch: 1, forcing: "fno", ...options }).run(w, { T }).w;
  const truth = solve(w0);
  const scale = Math.max(...truth.map(Math.abs));
  return (g: SymmetryElement) => maxAbs(solve(moved(w0, g)), moved(truth, g)) / scale;
}

describe("symmetry groups", () => {
  it("Navier-Stokes with the FNO forcing: solve(g w0) = g solve(w0) for every generator", () => {
    const s = 32;
    const error = nsSetup(s, 5);
    const group = symmetryGroup("navier-stokes", [s, s]);
    expect(group.size).toBe(4 * s);
    // Shifts, the half-turn, the mirror, and composites of all three. The two runs differ only
    // in the order of FFT round-off: a few ulps of the field.
    for (const e of [1, 7, s, s + 3, 2 * s, 2 * s + 11, 3 * s, 4 * s - 1])
      expect(error(group.element(e)), `element ${e}`).toBeLessThan(1e-13);
    // A map that is NOT a symmetry (the diagonal shift moves x + y, hence the forcing) fails by
    // orders of magnitude: the check above can fail.
    const diagonal: SymmetryElement = {
      sign: 1,
      source: Int32Array.from({ length: s * s }, (_, i) => {
        const [a, b] = [Math.floor(i / s), i % s];
        return ((a + 3) % s) * s + ((b + 3) % s);
      }),
    };
    expect(error(diagonal)).toBeGreaterThan(1e-2);
    // And so is the mirror without its sign.
    const mirror = group.element(2 * s);
    const unsigned = { sign: 1 as const, source: mirror.source };
    expect(error(unsigned)).toBeGreaterThan(1e-2);
  });

  // The FNO generator's scheme (the published data) keeps the Nyquist modes and treats the two
  // axes' Nyquist modes differently (the rfft axis and the full-FFT axis), so the mirror, which
  // swaps the axes, holds there only to ~1e-6 after half a time unit (9.4e-7 measured): three
  // orders below any model's error, but not round-off. Shifts and the half-turn stay exact.
  it("for the FNO data generator's Crank-Nicolson scheme: exact shifts and half-turn", () => {
    const s = 32;
    const error = nsSetup(s, 8, { scheme: "fno-cn", dt: 1e-3, T: 0.5 });
    const group = symmetryGroup("navier-stokes", [s, s]);
    for (const [e, bound] of [
      [3, 1e-13],
      [s + 1, 1e-13],
      [2 * s + 2, 1e-5],
      [3 * s + 9, 1e-5],
    ] as const)
      expect(error(group.element(e)), `element ${e}`).toBeLessThan(bound);
  });

  it("Burgers: shifts and the signed mirror commute with the solver", () => {
    const s = 64;
    const u0 = new Float64Array(s);
    for (let i = 0; i < s; i++) {
      const x = i / s;
      u0[i] = Math.sin(2 * Math.PI * x) + 0.5 * Math.cos(6 * Math.PI * x + 0.3) + 0.2;
    }
    const solve = (u: Float64Array) =>
      new Burgers1d({ s, nu: 0.01 }).run(u, { T: 0.3, recordEvery: 0.3 }).u;
    const truth = solve(u0);
    const group = symmetryGroup("burgers", [s]);
    expect(group.size).toBe(2 * s);
    for (const e of [5, s, s + 9, 2 * s - 1]) {
      const g = group.element(e);
      expect(maxAbs(solve(moved(u0, g)), moved(truth, g)), `element ${e}`).toBeLessThan(1e-12);
    }
    const unsigned = { sign: 1 as const, source: group.element(s + 9).source };
    expect(maxAbs(solve(moved(u0, unsigned)), moved(truth, unsigned))).toBeGreaterThan(1e-2);
  });

  it("has distinct elements, each a signed permutation, element 0 the identity", () => {
    // 4 s elements when 4 divides s, 2 s (shifts and mirror) for other even s, s for odd s
    for (const [s, size] of [
      [8, 32],
      [6, 12],
      [5, 5],
    ] as const) {
      const group = symmetryGroup("navier-stokes", [s, s]);
      expect(group.size).toBe(size);
      const keys = new Set<string>();
      for (let e = 0; e < group.size; e++) {
        const { sign, source } = group.element(e);
        expect(new Set(source).size).toBe(s * s);
        keys.add(`${sign}:${source.join(",")}`);
      }
      expect(keys.size).toBe(group.size);
      const id = group.element(0);
      expect(id.sign).toBe(1);
      expect([...id.source]).toEqual(Array.from({ length: s * s }, (_, i) => i));
    }
  });

  it("the shifts-and-mirror group of a side 2 mod 4 commutes with the solver too", () => {
    const s = 30;
    const error = nsSetup(s, 6);
    const group = symmetryGroup("navier-stokes", [s, s]);
    for (const e of [4, s + 7]) expect(error(group.element(e)), `element ${e}`).toBeLessThan(1e-13);
  });

  it("moves normalized samples as it moves the physical fields", () => {
    const s = 8;
    const group = symmetryGroup("navier-stokes", [s, s]);
    const mean = 0.3;
    const std = 1.7;
    // [b = 2, c = 1, s, s, inner = 3] (a trajectory window: time last)
    const inner = 3;
    const phys = Float64Array.from({ length: 2 * s * s * inner }, (_, i) => Math.sin(i * 0.37));
    const data = Float32Array.from(phys, (v) => (v - mean) / std);
    const elements = [2 * s + 5, s + 1];
    applySymmetries(group, data, 2, elements, mean / std, inner);
    for (let k = 0; k < 2; k++) {
      const { sign, source } = group.element(elements[k] as number);
      for (let i = 0; i < s * s; i++)
        for (let t = 0; t < inner; t++) {
          const want =
            (sign * (phys[(k * s * s + (source[i] as number)) * inner + t] as number) - mean) / std;
          expect(data[(k * s * s + i) * inner + t]).toBeCloseTo(want, 6);
        }
    }
  });

  it("moves a training batch's input and target by the same element, in physical units", async () => {
    // One-step pairs with increment targets, and trajectory windows (time last), normalized as
    // train does; undoing the normalization must give the moved physical fields.
    const ds = await loadDataset("ns-1e-3:n=3,s=8,T=4,seed=2");
    const group = symmetryGroup("navier-stokes", [8, 8]);
    const plane = 64;
    for (const task of [
      { kind: "one-step" as const },
      { kind: "trajectory" as const, inSteps: 2, outSteps: 2 },
    ]) {
      const pairs = makePairs(ds, task);
      const target = task.kind === "one-step" ? "increment" : "field";
      // Means far from 0 (the data's are ~0) so that a wrong offset for the mirror's sign shows.
      const norm = { x: { mean: 0.7, std: 1.3 } };
      const yNorm = { mean: -0.4, std: target === "increment" ? 0.05 : 0.9 };
      const yPhys = target === "increment" ? increments(pairs) : pairs.y;
      const indices = [2, 0, 3];
      const elements = [2 * 8 + 3, 8 + 5, 3 * 8 + 1];
      const { x, y } = augmentedBatch(
        group,
        {
          xs: normalizeTo32(pairs.x, norm.x),
          ys: normalizeTo32(yPhys, yNorm),
          xShape: pairs.xShape,
          yShape: pairs.yShape,
          plane,
          xNorm: norm.x,
          yNorm,
        },
        indices,
        elements,
      );
      const check = (
        got: Float32Array,
        phys: Float64Array,
        shape: number[],
        s: { mean: number; std: number },
      ) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const inner = size / plane;
        let worst = 0;
        for (let k = 0; k < indices.length; k++) {
          const { sign, source } = group.element(elements[k] as number);
          const base = (indices[k] as number) * size;
          for (let i = 0; i < plane; i++)
            for (let t = 0; t < inner; t++) {
              const want = sign * (phys[base + (source[i] as number) * inner + t] as number);
              const have = (got[k * size + i * inner + t] as number) * s.std + s.mean;
              worst = Math.max(worst, Math.abs(have - want) / s.std);
            }
        }
        // two float32 roundings (normalizing, then the move) of normalized values below 16
        expect(worst, `${task.kind}`).toBeLessThan(2 * 16 * 2 ** -24);
      };
      check(x, pairs.x, pairs.xShape, norm.x);
      check(y, yPhys, pairs.yShape, yNorm);
    }
  });

  it("draws elements from the seed and the epoch only, within the group", () => {
    const a = epochElements(500, 128, 3, 4);
    expect([...a]).toEqual([...epochElements(500, 128, 3, 4)]);
    expect([...a]).not.toEqual([...epochElements(500, 128, 3, 5)]);
    expect(Math.max(...a)).toBeLessThan(128);
    expect(new Set(a).size).toBeGreaterThan(100);
  });

  it("names the argument when a problem or grid has no group", () => {
    expect(() => symmetryGroup("darcy", [32, 32])).toThrow(ValueError);
    expect(() => symmetryGroup("darcy", [32, 32])).toThrow(/augment/);
    expect(() => symmetryGroup("navier-stokes", [32, 16])).toThrow(/square/);
    expect(() => symmetryGroup("navier-stokes", [32, 32], "kolmogorov")).toThrow(/forcing/);
    expect(symmetryGroup("navier-stokes", [32, 32], "fno").size).toBe(128);
  });
});

describe("train --augment symmetries", () => {
  const config = (out: string, extra: object = {}) =>
    trainSchema.parse({
      modelName: "fno",
      model: { modes: 4, width: 6, nLayers: 2 },
      data: "ns-1e-3:n=5,s=16,T=3,burnIn=2,seed=3",
      out,
      epochs: 2,
      batchSize: 4,
      lr: 3e-3,
      seed: 7,
      valFraction: 0.2,
      checkpointEvery: 1,
      predict: "increment",
      augment: "symmetries",
      ...extra,
    });

  it("resumes to the same weights, differs from the unaugmented run, refuses a mismatch", async () => {
    const whole = tmp.path("whole");
    await runTrain(config(whole));
    const out = tmp.path("resumed");
    const first = await runTrain(config(out, { maxSteps: 2 }));
    expect(first.loop.done).toBe(false);
    const resumed = await runTrain(config(out));
    expect(resumed.loop.done).toBe(true);
    const weights = (dir: string) => readFileSync(`${dir}/model.safetensors`);
    expect(Buffer.compare(weights(out), weights(whole))).toBe(0);
    const plain = tmp.path("plain");
    await runTrain(config(plain, { augment: "none" }));
    expect(Buffer.compare(weights(plain), weights(whole))).not.toBe(0);
    // A folder trained with augmentation does not resume without it.
    await expect(runTrain(config(out, { augment: "none" }))).rejects.toThrow(ValueError);
  }, 60_000);

  it("rejects a dataset without a group before training", async () => {
    const bad = trainSchema.parse({
      modelName: "fno",
      model: { modes: 4, width: 6, nLayers: 2 },
      data: "darcy:n=4,s=16,seed=1",
      out: tmp.path("darcy"),
      epochs: 1,
      augment: "symmetries",
    });
    await expect(runTrain(bad)).rejects.toThrow(/augment/);
  });
});
