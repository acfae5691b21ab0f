/**
 * The batched IF-RK4 path of NavierStokes2d (src/dealiased-advection.ts: the advection term of
 * two samples per evaluation through full-spectrum complex transforms, u + i v and w_x + i w_y
 * together, the two products as n_a + i n_b). Reference: numpy's rfft2/irfft2 per sample
 * (fixtures/make_ns_batch_reference.py), a batch of 3 so that both a pair and a sample paired
 * with itself run, at s = 24 (mixed radix 2^3 * 3), 30 (s % 4 = 2: the unblocked row loop) and 32.
 */
import { readFileSync } from "node:fs";
import { NavierStokes2d } from "@modewise/pde";
import { describe, expect, it } from "vitest";

interface BatchCase {
  s: number;
  batch: number;
  nu: number;
  dt: number;
  steps: number;
  w0: number[];
  w: number[];
}

const ref = JSON.parse(
  readFileSync(new URL("./fixtures/ns_batch_reference.json", import.meta.url), "utf8"),
) as { cases: BatchCase[] };

function relErrRange(a: ArrayLike<number>, b: ArrayLike<number>, lo: number, hi: number): number {
  let n = 0;
  let d = 0;
  for (let i = lo; i < hi; i++) {
    n += ((a[i] as number) - (b[i] as number)) ** 2;
    d += (b[i] as number) ** 2;
  }
  return Math.sqrt(n / d);
}

describe("NavierStokes2d: batched (paired) IF-RK4 path against numpy", () => {
  for (const c of ref.cases) {
    it(`batch of ${c.batch} at ${c.s}^2 matches numpy's per-sample rfft2 path to 1e-13 after ${c.steps} steps`, () => {
      const ns = new NavierStokes2d({ s: c.s, nu: c.nu, batch: c.batch, dt: c.dt });
      const r = ns.run(Float64Array.from(c.w0), { T: c.dt * c.steps });
      expect(r.stats.steps).toBe(c.steps);
      const s2 = c.s * c.s;
      // Round-off: each step runs 20 2-D transforms of s^2 (relative error ~ eps log2(s^2) ~ 1e-15
      // each) on an O(1) field; over 10 steps of a smooth flow that accumulates to ~1e-14 relative.
      // A wrong pairing (mixed samples, a wrong conjugate column) gives O(1) errors.
      for (let b = 0; b < c.batch; b++) {
        const e = relErrRange(r.w, c.w, b * s2, (b + 1) * s2);
        expect(e).toBeLessThan(1e-13);
      }
      // the flow really moved: the final state differs from w0 by far more than the tolerance
      expect(relErrRange(c.w0, c.w, 0, s2)).toBeGreaterThan(1e-3);
    });
  }

  it("a sample gives the same result alone and in a batch (pairing does not mix samples)", () => {
    const c = ref.cases[0] as BatchCase;
    const s2 = c.s * c.s;
    const T = c.dt * c.steps;
    const batch = new NavierStokes2d({ s: c.s, nu: c.nu, batch: 3, dt: c.dt }).run(
      Float64Array.from(c.w0),
      { T },
    );
    for (let b = 0; b < 3; b++) {
      const alone = new NavierStokes2d({ s: c.s, nu: c.nu, batch: 1, dt: c.dt }).run(
        Float64Array.from(c.w0.slice(b * s2, (b + 1) * s2)),
        { T },
      );
      // same operations up to which partner shares the complex transforms: round-off only
      expect(relErrRange(batch.w.subarray(b * s2, (b + 1) * s2), alone.w, 0, s2)).toBeLessThan(
        1e-13,
      );
    }
  });
});
