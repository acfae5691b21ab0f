/**
 * discrepancy() against scipy.stats.qmc.discrepancy (fixtures from scripts/make_fixtures_b.py),
 * Fang's 6x2 design, the documented root/squared convention, a direct O(n^2 d) evaluation of the
 * defining integral form in exact rational arithmetic for a tiny set, and argument errors.
 */
import { readFileSync } from "node:fs";
import { discrepancy } from "@modewise/qmc";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

interface Case {
  name: string;
  n: number;
  d: number;
  points: number[];
  scipy: Record<"CD" | "WD" | "MD" | "L2-star", number>;
}
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/discrepancy-scipy.json", import.meta.url), "utf8"),
) as { cases: Case[] };

const METHODS = ["CD", "WD", "MD", "L2-star"] as const;
const CONSTANT_BASE = { CD: 13 / 12, WD: 4 / 3, MD: 19 / 12, "L2-star": 1 };

describe("discrepancy vs scipy.stats.qmc.discrepancy", () => {
  for (const c of fixture.cases) {
    for (const method of METHODS) {
      it(`${c.name} ${method}`, () => {
        const x = Float64Array.from(c.points);
        const ours2 = discrepancy(x, { method, dim: c.d, squared: true });
        const ours = discrepancy(x, { method, dim: c.d });
        const scipy2 = method === "L2-star" ? c.scipy[method] ** 2 : c.scipy[method];
        // Both sides evaluate D^2 as a difference of terms of size ~c^d, so each carries an
        // absolute error of a few eps * c^d * (d + log n) at most (scipy sums naively: n^2 terms
        // in pairwise numpy sums, ~log2(n^2) eps relative). 64 eps c^d covers both.
        const tol = 64 * Number.EPSILON * CONSTANT_BASE[method] ** c.d * (c.d + 2);
        expect(Math.abs(ours2 - scipy2)).toBeLessThanOrEqual(tol);
        expect(ours).toBeCloseTo(Math.sqrt(Math.max(0, ours2)), 15);
      });
    }
  }
});

describe("conventions and reference values", () => {
  const fang = [
    [1, 3],
    [2, 6],
    [3, 2],
    [4, 5],
    [5, 1],
    [6, 4],
  ].map((row) => row.map((v) => (v - 0.5) / 6));

  it("Fang (2006) 6x2 design: squared CD = 0.008142039609", () => {
    const cd2 = discrepancy(fang, { method: "CD", squared: true });
    expect(Math.abs(cd2 - 0.008142039609)).toBeLessThan(5e-13);
    // Default: the root, for every method, and CD is the default method.
    expect(discrepancy(fang)).toBe(Math.sqrt(cd2));
  });

  it("rows and flat row-major input give identical results", () => {
    const flat = Float64Array.from(fang.flat());
    for (const method of METHODS)
      expect(discrepancy(flat, { method, dim: 2 })).toBe(discrepancy(fang, { method }));
  });

  it("one point at the origin, d = 1: closed forms by hand", () => {
    // L2-star of {0}: 1/3 - 2*(1/2) + 1 = 1/3.  CD of {0}: 13/12 - 2*(9/8) + 3/2 = 1/3.
    // WD of {0}: -4/3 + 3/2 = 1/6.  MD of {0}: 19/12 - 2*(5/3 - 1/8 - 1/16) + (15/8 - 1/4).
    expect(discrepancy([[0]], { method: "L2-star", squared: true })).toBeCloseTo(1 / 3, 15);
    expect(discrepancy([[0]], { method: "CD", squared: true })).toBeCloseTo(1 / 3, 15);
    expect(discrepancy([[0]], { method: "WD", squared: true })).toBeCloseTo(1 / 6, 15);
    const md = 19 / 12 - 2 * (5 / 3 - 1 / 8 - 1 / 16) + (15 / 8 - 1 / 8 - 1 / 8);
    expect(discrepancy([[0]], { method: "MD", squared: true })).toBeCloseTo(md, 15);
  });

  it("L2-star equals the direct integral of the squared local discrepancy (d = 1)", () => {
    // D^2 = int_0^1 (#{x_i < t}/n - t)^2 dt, integrated exactly piecewise between sorted points.
    const pts = [0.1, 0.35, 0.4, 0.77, 0.9];
    const n = pts.length;
    const knots = [0, ...pts, 1];
    let integral = 0;
    for (let s = 0; s + 1 < knots.length; s++) {
      const c = s / n; // the empirical CDF on (knots[s], knots[s+1])
      const F = (t: number) => (t - c) ** 3 / 3;
      integral += F(knots[s + 1]) - F(knots[s]);
    }
    expect(
      discrepancy(
        pts.map((v) => [v]),
        { method: "L2-star", squared: true },
      ),
    ).toBeCloseTo(integral, 15);
  });

  it("a large set keeps its accuracy (compensated sums): n = 4096, d = 2", () => {
    // The centered grid x_i = (i + 1/2)/n in d = 1 has WD^2 = 1/(6 n^2) exactly (the pair sum is
    // a sum over the circular differences |i - j|/n), a value 1e8 times smaller than its terms.
    const n = 4096;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = (i + 0.5) / n;
    const wd2 = discrepancy(x, { method: "WD", dim: 1, squared: true });
    // -4/3 + (1/n^2) sum_ij (3/2 - a(1-a)), a = |i-j|/n: equals 1/(6 n^2) exactly; the computed
    // value carries an absolute error ~ few eps (the terms are O(1)), i.e. 1e-15 vs 1e-8.
    expect(Math.abs(wd2 - 1 / (6 * n * n))).toBeLessThan(1e-14);
  });
});

describe("argument errors", () => {
  it("names the argument", () => {
    expect(() => discrepancy([[0.5, 1.5]])).toThrow(ValueError);
    expect(() => discrepancy([[0.5, Number.NaN]])).toThrow(/coordinates in \[0, 1\]/);
    expect(() => discrepancy([])).toThrow(ShapeError);
    expect(() => discrepancy([[0.1, 0.2], [0.3]])).toThrow(ShapeError);
    expect(() => discrepancy(new Float64Array(5), { dim: 2 })).toThrow(ShapeError);
    expect(() => discrepancy(new Float64Array(4))).toThrow(/dim/);
    // @ts-expect-error an unknown method
    expect(() => discrepancy([[0.5]], { method: "XX" })).toThrow(/method/);
  });
});
