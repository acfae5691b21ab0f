/**
 * Twiddle accuracy: sinCos2Pi / unitRoots (src/twiddle.ts) against the double-double roots of
 * test/reference/trig.ts (independent code, accurate to ~1e-32, validated against mpmath in
 * reference.test.ts). The error is measured in ulps of the true value: the twiddles are built to
 * be correctly rounded, so the bar is 0.5 ulp (+1e-9 for the measurement itself, formed in
 * double from the dd reference). For contrast, Math.cos(2 * Math.PI * k / n) is more than 2 ulp
 * off for ~30% of k, n <= 600. Multiples of n / 8 give 0, +-1, +-sqrt(1/2) (rounded) exactly.
 */
import { describe, expect, it } from "vitest";
import { sinCos2Pi, unitRoots } from "../src/twiddle.js";
import { unitRoot } from "./reference/index.js";

const ref = new Float64Array(4);
const ours = new Float64Array(2);

/** Error of `x` against the dd value hi + lo, in ulps of hi (ulp of 0: the smallest normal). */
function ulpError(x: number, hi: number, lo: number): number {
  const err = Math.abs(x - hi - lo);
  const a = Math.abs(hi);
  const ulp = a === 0 ? 2 ** -1022 : 2 ** (Math.floor(Math.log2(a)) - 52);
  return err / ulp;
}

/** Worst error (ulps) of sinCos2Pi(k, n) over the given k. */
function worstOver(n: number, ks: Iterable<number>): number {
  let worst = 0;
  for (const k of ks) {
    sinCos2Pi(k, n, ours, 0);
    unitRoot(k, n, 1, ref, 0);
    worst = Math.max(worst, ulpError(ours[0], ref[0], ref[1]), ulpError(ours[1], ref[2], ref[3]));
  }
  return worst;
}

function* range(n: number): Generator<number> {
  for (let k = 0; k < n; k++) yield k;
}

function* sample(n: number, count: number, seed: number): Generator<number> {
  let s = seed;
  for (let i = 0; i < count; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    yield Math.floor((s / 2147483648) * n);
  }
  for (let j = 0; j < 8; j++) yield Math.floor((j * n) / 8); // octant boundaries
  yield n - 1;
}

describe("twiddles vs the double-double reference", () => {
  it("every k for every n <= 300: correctly rounded", () => {
    let worst = 0;
    for (let n = 1; n <= 300; n++) worst = Math.max(worst, worstOver(n, range(n)));
    console.log(`twiddles n <= 300: worst ${worst.toFixed(4)} ulp`);
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-9);
  });

  it("large and awkward n (2^20, 3 * 2^18, primes near 1e6 and 2^26): correctly rounded", () => {
    let worst = 0;
    for (const n of [1 << 20, 3 << 18, 1000003, 999983, (1 << 26) - 5, 1 << 26, 6 * 1000003]) {
      worst = Math.max(worst, worstOver(n, sample(n, 20000, n)));
    }
    console.log(`twiddles, large n: worst ${worst.toFixed(4)} ulp`);
    expect(worst).toBeLessThanOrEqual(0.5 + 1e-9);
  });

  it("exact at multiples of n / 8 and symmetric in k -> n - k", () => {
    for (const n of [8, 16, 24, 1024, 4096 * 3]) {
      const r = unitRoots(n);
      const e = n / 8;
      const c = Math.SQRT1_2;
      const expected = [
        [1, 0],
        [c, c],
        [0, 1],
        [-c, c],
        [-1, 0],
        [-c, -c],
        [0, -1],
        [c, -c],
      ];
      for (let j = 0; j < 8; j++) {
        expect([r[2 * j * e] + 0, r[2 * j * e + 1] + 0]).toEqual(expected[j]);
      }
    }
    for (const n of [7, 100, 1000, 4093]) {
      const r = unitRoots(n);
      for (let k = 1; k < n; k++) {
        expect(r[2 * (n - k)] === r[2 * k] && r[2 * (n - k) + 1] === -r[2 * k + 1]).toBe(true);
      }
    }
  });

  it("unitRoots equals sinCos2Pi entry by entry (the symmetric fill is exact)", () => {
    for (const n of [1, 2, 3, 8, 40, 96, 1000, 4096]) {
      const r = unitRoots(n);
      for (let k = 0; k < n; k++) {
        sinCos2Pi(k, n, ours, 0);
        expect(r[2 * k] === ours[0] && r[2 * k + 1] === ours[1]).toBe(true);
      }
    }
  });
});
