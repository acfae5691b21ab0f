/**
 * FINUFFT's contract on grids at their NOMINAL upsampling: core-accuracy.test.ts sweeps every
 * decade on small mode counts, which fine-grid.ts pads (its 2w margin below sigma N = 32 w, for
 * the few-mode case) — so that sweep mostly runs with more upsampling than 2 or 1.25. Here the
 * mode counts are large enough that the fine grid is exactly next235even(sigma N) (asserted),
 * with both signs and both mode orders at every tolerance, types 1 and 2 against Kahan-summed
 * direct sums (bars 4 eps as FINUFFT's), d = 1 and 2.
 */
import { type ModeOrder, makePlan, type Sign, type Upsampfac } from "@modewise/nufft";
import { describe, expect, it } from "vitest";
import { next235Even } from "../dist/fine-grid.js";
import { complexData, direct1, direct2, relL2, rng, uniform } from "./core-helpers.js";

const CASES: { nModes: number[]; m: number; upsampfac: Upsampfac; eps: number[] }[] = [
  { nModes: [480], m: 600, upsampfac: 2, eps: [1e-3, 1e-6, 1e-9, 1e-12] },
  { nModes: [700], m: 600, upsampfac: 1.25, eps: [1e-3, 1e-6, 1e-9] },
  { nModes: [168, 160], m: 120, upsampfac: 2, eps: [1e-3, 1e-6, 1e-9] },
  { nModes: [160, 156], m: 120, upsampfac: 1.25, eps: [1e-3] },
];

describe("accuracy on nominally upsampled grids (no small-grid margin)", () => {
  for (const { nModes, m, upsampfac, eps: epsList } of CASES) {
    it(`${nModes.join("x")} modes, sigma ${upsampfac}, eps ${epsList.join(", ")}`, () => {
      let seed = 11;
      for (const eps of epsList) {
        for (const isign of [1, -1] as Sign[]) {
          for (const modeOrder of ["cmcl", "fft"] as ModeOrder[]) {
            const rand = rng(seed++);
            const pts = nModes.map(() => uniform(m, -Math.PI, Math.PI, rand));
            const p1 = makePlan(1, nModes, { eps, upsampfac, isign, modeOrder, threads: 1 });
            p1.info.fineGrid.forEach((nf, d) => {
              expect(nf).toBe(next235Even(Math.ceil(upsampfac * nModes[d])));
            });
            p1.setPoints(pts[0], pts[1]);
            const c = complexData(m, rand);
            const e1 = relL2(p1.execute(c), direct1(pts, c, isign, nModes, modeOrder));
            expect(e1, `type 1 eps ${eps} isign ${isign} ${modeOrder}`).toBeLessThan(4 * eps);
            const p2 = makePlan(2, nModes, { eps, upsampfac, isign, modeOrder, threads: 1 });
            p2.setPoints(pts[0], pts[1]);
            const f = complexData(
              nModes.reduce((a, b) => a * b, 1),
              rand,
            );
            const e2 = relL2(p2.execute(f), direct2(pts, f, isign, nModes, modeOrder));
            expect(e2, `type 2 eps ${eps} isign ${isign} ${modeOrder}`).toBeLessThan(4 * eps);
          }
        }
      }
    }, 60000);
  }
});
