/**
 * NavierStokesSpec.burnIn: the chunk's input is w(burnIn) and its snapshots those after it,
 * identical to the frames of the same run solved to burnIn + T without the cut (the reference:
 * the solver itself, relabelled); bad values are typed errors naming the field.
 */
import { checkSpec, computeChunk, DATASET_PRESETS, type NavierStokesSpec } from "@modewise/pde/io";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

const spec: NavierStokesSpec = {
  ...DATASET_PRESETS["ns-1e-3"],
  n: 2,
  s: 16,
  T: 1,
  recordEvery: 0.25,
  seed: 3,
};

describe("NavierStokesSpec.burnIn", () => {
  it("keeps the frames after burnIn of the run from t = 0, and w(burnIn) as the input", () => {
    const plane = 16 * 16;
    const cut = computeChunk({ ...spec, burnIn: 0.5 }, 0, 2);
    const full = computeChunk({ ...spec, T: 1.5 }, 0, 2);
    const [nt, total] = [4, 6];
    expect(cut.output.length).toBe(2 * plane * nt);
    for (let p = 0; p < 2 * plane; p++) {
      // record 1 of the full run is t = 0.5
      expect(cut.input[p]).toBe(full.output[p * total + 1]);
      for (let t = 0; t < nt; t++)
        expect(cut.output[p * nt + t]).toBe(full.output[p * total + 2 + t]);
    }
    // burnIn 0 is the plain run
    const plain = computeChunk(spec, 0, 2);
    expect(Array.from(computeChunk({ ...spec, burnIn: 0 }, 0, 2).output)).toEqual(
      Array.from(plain.output),
    );
  });

  it("rejects a negative burnIn or one that is not a multiple of recordEvery", () => {
    for (const burnIn of [-1, 0.3, Number.NaN]) {
      expect(() => checkSpec({ ...spec, burnIn }, "test"), String(burnIn)).toThrow(ValueError);
      expect(() => checkSpec({ ...spec, burnIn }, "test"), String(burnIn)).toThrow(/burnIn/);
    }
    expect(() => checkSpec({ ...spec, burnIn: 0.75 }, "test")).not.toThrow();
  });
});
