/**
 * Few modes: the relative L2 error over N modes averages over few edge modes (|k| near N/2,
 * where the deconvolution divides by the smallest kernel transform), so FINUFFT's fine-grid rule
 * nf = max(2N, 2w) alone gave up to 5.5 eps at N = 10 and 4.65 eps at N = 24 on some seeds
 * (M = 60). fine-grid.ts adds a 2w margin to grids below 32w; this sweep over seeds and
 * tolerances holds every case to FINUFFT's 4 eps (and would fail without the margin: 14 of the
 * 2000 cases exceeded it at N = 10).
 */
import { describe, expect, it } from "vitest";
import { nufft1d1, nufft1d2 } from "../dist/index.js";
import { complexData, direct1, direct2, relL2, rng, uniform } from "./core-helpers.js";

describe("small mode counts keep the 4 eps contract", () => {
  for (const N of [10, 24]) {
    it(`N = ${N}, M = 60, eps 1e-8 .. 1e-11, 40 seeds, types 1 and 2`, () => {
      for (const eps of [1e-8, 1e-9, 1e-10, 1e-11]) {
        for (let seed = 1; seed <= 40; seed++) {
          const rand = rng(seed);
          const x = uniform(60, -Math.PI, Math.PI, rand);
          const c = complexData(60, rand);
          const f = nufft1d1(x, c, 1, eps, N);
          expect(relL2(f, direct1([x], c, 1, [N], "cmcl"))).toBeLessThan(4 * eps);
          const g = complexData(N, rand);
          const v = nufft1d2(x, g, -1, eps, N);
          expect(relL2(v, direct2([x], g, -1, [N], "cmcl"))).toBeLessThan(4 * eps);
        }
      }
    });
  }
});
