/**
 * FINUFFT's accuracy contract: relative L2 error against the DIRECT sum (test/core-helpers.ts,
 * Kahan-summed f64, ~1e-13 accurate) is <= 4 eps for types 1 and 2 and <= 5 eps for type 3.
 * Sweep: eps = 1e-2 .. 1e-12 every decade, d = 1, 2, 3, types 1, 2, 3, upsampfac 2 (all eps) and
 * 1.25 (eps >= 1e-9, its floor, as FINUFFT), isign and mode order alternating with the decade
 * so both values of each appear at every dimension and type. f32 plans: eps = 1e-2 .. 1e-5
 * (f32 data, outputs rounded once to f32: 6e-8 relative, far under 4e-5).
 * Where these bars come from: they are FINUFFT's own test thresholds (its "tolerance is met to
 * within a small factor" contract); they are not fitted to our results. The widths are chosen
 * from eps alone (kernel/es-kernel.ts), so a wrong kernel rule, a mis-scaled deconvolution or a
 * wrong sign fails by orders of magnitude, not by a factor of 2.
 * Set NUFFT_ACCURACY_TABLE=1 to print the measured errors (the README's table).
 */
import {
  type ModeOrder,
  makePlan,
  type NufftPrecision,
  type Sign,
  type Upsampfac,
} from "@modewise/nufft";
import { afterAll, describe, expect, it } from "vitest";
import { complexData, direct1, direct2, direct3, relL2, rng, uniform } from "./core-helpers.js";

const EPS = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12];
const MODES: Record<number, number[]> = { 1: [37], 2: [12, 9], 3: [6, 5, 7] };
const M: Record<number, number> = { 1: 80, 2: 70, 3: 50 };
const rows: string[] = [];

interface Case {
  type: 1 | 2 | 3;
  dim: 1 | 2 | 3;
  eps: number;
  upsampfac: Upsampfac;
  isign: Sign;
  modeOrder: ModeOrder;
  precision: NufftPrecision;
}

function runCase(cs: Case, seed: number): number {
  const rand = rng(seed);
  const { type, dim, eps, upsampfac, isign, modeOrder, precision } = cs;
  const m = M[dim];
  const toPrec = (a: Float64Array) => (precision === "f32" ? Float32Array.from(a) : a);
  if (type === 3) {
    // Points spread over [C - X, C + X], frequencies over [D - S, D + S], off-centre on purpose
    // (exercises the pre/post phases); X S sized so the inner grid stays small in 3-D.
    const X = dim === 3 ? 2 : 6;
    const S = dim === 3 ? 4 : 15;
    const pts = Array.from({ length: dim }, (_, d) => uniform(m, 1.5 * d - X, 1.5 * d + X, rand));
    const nt = dim === 3 ? 40 : 50;
    const tg = Array.from({ length: dim }, (_, d) => uniform(nt, -2 * d - S, -2 * d + S, rand));
    const c = toPrec(complexData(m, rand));
    const plan = makePlan(3, dim, { eps, upsampfac, isign, precision });
    plan.setPoints(pts[0], pts[1], pts[2], tg[0], tg[1], tg[2]);
    return relL2(plan.execute(c), direct3(pts, c, isign, tg));
  }
  const nModes = MODES[dim];
  // Points on [-pi, pi) (FINUFFT's range).
  const pts = Array.from({ length: dim }, () => uniform(m, -Math.PI, Math.PI, rand));
  const plan = makePlan(type, nModes, { eps, upsampfac, isign, modeOrder, precision });
  plan.setPoints(pts[0], pts[1], pts[2]);
  if (type === 1) {
    const c = toPrec(complexData(m, rand));
    return relL2(plan.execute(c), direct1(pts, c, isign, nModes, modeOrder));
  }
  const nm = nModes.reduce((a, b) => a * b, 1);
  const f = toPrec(complexData(nm, rand));
  return relL2(plan.execute(f), direct2(pts, f, isign, nModes, modeOrder));
}

function sweep(precision: NufftPrecision, epsList: number[]): void {
  for (const upsampfac of [2, 1.25] as Upsampfac[]) {
    for (const type of [1, 2, 3] as const) {
      for (const dim of [1, 2, 3] as const) {
        it(`type ${type}, ${dim}-D, sigma ${upsampfac}, ${precision}`, () => {
          // sigma = 1.25 floors (EPS_FLOOR): 1e-9 for types 1, 2 and 1e-8 for type 3 (two stages).
          const floor = upsampfac === 1.25 ? (type === 3 ? 1e-8 : 1e-9) : 0;
          epsList.forEach((eps, decade) => {
            if (eps < floor) return;
            const isign: Sign = decade % 2 === 0 ? 1 : -1;
            const modeOrder: ModeOrder = decade % 4 < 2 ? "cmcl" : "fft";
            const err = runCase(
              { type, dim, eps, upsampfac, isign, modeOrder, precision },
              1000 * type + 100 * dim + decade,
            );
            rows.push(
              `${precision}\t${upsampfac}\t${type}\t${dim}\t${eps}\t${err.toExponential(2)}\t${(err / eps).toFixed(2)}`,
            );
            const bar = (type === 3 ? 5 : 4) * eps;
            expect(err, `eps ${eps} isign ${isign} ${modeOrder}`).toBeLessThanOrEqual(bar);
          });
        });
      }
    }
  }
}

describe("accuracy vs direct sums, f64", () => sweep("f64", EPS));
describe("accuracy vs direct sums, f32", () => sweep("f32", [1e-2, 1e-3, 1e-4, 1e-5]));

describe("a looped size above 1000", () => {
  it("1-D type 1 and type 2 with M = 3000 points and N = 1200 modes at eps 1e-9", () => {
    const rand = rng(77);
    const x = uniform(3000, -Math.PI, Math.PI, rand);
    const c = complexData(3000, rand);
    const p1 = makePlan(1, [1200], { eps: 1e-9 });
    p1.setPoints(x);
    expect(relL2(p1.execute(c), direct1([x], c, 1, [1200], "cmcl"))).toBeLessThanOrEqual(4e-9);
    const f = complexData(1200, rand);
    const p2 = makePlan(2, [1200], { eps: 1e-9 });
    p2.setPoints(x);
    expect(relL2(p2.execute(f), direct2([x], f, -1, [1200], "cmcl"))).toBeLessThanOrEqual(4e-9);
  });
});

afterAll(() => {
  if (process.env.NUFFT_ACCURACY_TABLE)
    console.log(`prec\tsigma\ttype\tdim\teps\terr\terr/eps\n${rows.join("\n")}`);
});
