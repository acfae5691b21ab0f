/**
 * Dense FWHT against the O(N^2) definitions (test/reference/direct.ts), every ordering and norm,
 * f64 and f32, sizes up to N = 2^12 (and the tiled path, which starts above 2^12, at 2^13).
 *
 * Tolerance (round-off argument): each output is a sum of N terms +-x_j computed by a tree of
 * depth n = log2 N (one addition per stage); every addition rounds with relative error <= u, so
 * |X_hat - X| <= ((1 + u)^n - 1) ||x||_1 ~ n u ||x||_1; a final scaling adds one rounding
 * (u |X| <= u ||x||_1). Tolerance: (n + 2) u ||x||_1 * scale, u = 2^-53 (f64), 2^-24 (f32); the
 * reference itself is compensated (error << this). For f32 the input is first rounded to f32 and
 * the reference uses those rounded values, so only the transform's own error is measured.
 */
import { ValueError } from "@modewise/tensor";
import { bitReversalTable, fwht, ifwht, type WHTNorm, type WHTOrder } from "@modewise/wht";
import { describe, expect, it } from "vitest";
import { directWHT, l1, maxAbsDiff, uniform } from "./reference/direct.js";

const ORDERS: WHTOrder[] = ["natural", "sequency", "dyadic"];
const NORMS: WHTNorm[] = ["backward", "ortho", "forward"];
const U64 = 2 ** -53;
const U32 = 2 ** -24;

function forwardScale(norm: WHTNorm, n: number): number {
  return norm === "backward" ? 1 : norm === "ortho" ? 1 / Math.sqrt(n) : 1 / n;
}

describe("fwht against the direct definition", () => {
  it("f64: every order and norm, n = 0..8 and 11", () => {
    for (const log2n of [0, 1, 2, 3, 4, 5, 6, 7, 8, 11]) {
      const n = 2 ** log2n;
      const x = uniform(n, log2n + 1);
      for (const order of ORDERS) {
        const unscaled = directWHT(x, order);
        for (const norm of NORMS) {
          const scale = forwardScale(norm, n);
          // One extra rounding (u |X|) from scaling the reference: covered by the "+ 2".
          const ref = unscaled.map((v) => v * scale);
          const got = fwht(x.slice(), { order, norm });
          const tol = (log2n + 2) * U64 * l1(x) * scale;
          expect(maxAbsDiff(got, ref), `n=${n} ${order} ${norm}`).toBeLessThanOrEqual(tol);
        }
      }
    }
  }, 30_000);

  it("f64: integer input gives exact integer output (n = 10, 13: the tiled path)", () => {
    // Small integers: every partial sum is an integer < 2^53, so no rounding at all.
    for (const log2n of [10, 13]) {
      const n = 2 ** log2n;
      const x = Float64Array.from(uniform(n, 7), (v) => Math.round(v * 1000));
      const got = fwht(x.slice());
      // Exact natural-order values: for n = 13 the O(N^2) reference is 67M terms, still < 1 s.
      const ref = directWHT(x, "natural");
      expect(maxAbsDiff(got, ref)).toBe(0);
    }
  }, 30_000);

  it("f32: within (n + 2) u32 ||x||_1 of the f64 definition, every order, n up to 12", () => {
    for (const log2n of [1, 3, 6, 9, 12]) {
      const n = 2 ** log2n;
      const x32 = Float32Array.from(uniform(n, 100 + log2n));
      const x64 = Float64Array.from(x32);
      for (const order of ORDERS) {
        const unscaled = directWHT(x64, order);
        for (const norm of NORMS) {
          const scale = forwardScale(norm, n);
          const got = fwht(x32.slice(), { order, norm });
          expect(got).toBeInstanceOf(Float32Array);
          // Scaling the reference by a power of two (or 1/64 for n = 12 ortho) is exact or one
          // rounding of 2^-53, negligible against the f32 tolerance.
          const ref = unscaled.map((v) => v * scale);
          const err = maxAbsDiff(got, ref);
          const tol = (log2n + 2) * U32 * l1(x64) * scale;
          expect(err, `n=${n} ${order} ${norm}`).toBeLessThanOrEqual(tol);
          // Normwise (tighter for random data): each stage is sqrt(2) times an orthogonal map
          // and rounds with ||e_s|| <= u ||y_s||, so ||X_hat - X||_2 <= (n + 2) u ||X||_2.
          let e2 = 0;
          let r2 = 0;
          for (let k = 0; k < n; k++) {
            e2 += (got[k] - ref[k]) ** 2;
            r2 += ref[k] ** 2;
          }
          expect(Math.sqrt(e2), `n=${n} ${order} ${norm} (2-norm)`).toBeLessThanOrEqual(
            (log2n + 2) * U32 * Math.sqrt(r2),
          );
        }
      }
    }
  }, 30_000);

  it("the tolerance is tight enough to catch a wrong ordering or a missing scale", () => {
    const x = uniform(64, 3);
    const tol = 8 * U64 * l1(x);
    expect(
      maxAbsDiff(fwht(x.slice(), { order: "dyadic" }), directWHT(x, "sequency")),
    ).toBeGreaterThan(tol);
    expect(maxAbsDiff(fwht(x.slice(), { norm: "ortho" }), directWHT(x, "natural"))).toBeGreaterThan(
      tol,
    );
  });
});

describe("inverse and batching", () => {
  it("ifwht(fwht(x)) = x for every order and norm, f64 and f32", () => {
    for (const log2n of [0, 1, 5, 10, 14]) {
      const n = 2 ** log2n;
      const x = uniform(n, 11 + log2n);
      for (const order of ORDERS) {
        for (const norm of NORMS) {
          const back = ifwht(fwht(x.slice(), { order, norm }), { order, norm });
          // Forward + inverse: 2n + 2 roundings on values bounded by ||x||_1 before the 1/N.
          const tol64 = (2 * log2n + 4) * U64 * l1(x) * (1 / n);
          expect(maxAbsDiff(back, x), `f64 n=${n} ${order} ${norm}`).toBeLessThanOrEqual(
            Math.max(tol64, 4 * U64),
          );
          const x32 = Float32Array.from(x);
          const back32 = ifwht(fwht(x32.slice(), { order, norm }), { order, norm });
          const tol32 = (2 * log2n + 4) * U32 * l1(x32) * (1 / n);
          expect(maxAbsDiff(back32, x32), `f32 n=${n} ${order} ${norm}`).toBeLessThanOrEqual(
            Math.max(tol32, 4 * U32),
          );
        }
      }
    }
  });

  it("batch: each contiguous block is an independent transform", () => {
    const n = 32;
    const batch = 5;
    const x = uniform(n * batch, 5);
    for (const order of ORDERS) {
      const got = fwht(x.slice(), { batch, order, norm: "ortho" });
      for (let b = 0; b < batch; b++) {
        const ref = directWHT(x.subarray(b * n, (b + 1) * n), order, 1 / Math.sqrt(n));
        expect(maxAbsDiff(got.subarray(b * n, (b + 1) * n), ref)).toBeLessThanOrEqual(
          7 * U64 * l1(x.subarray(b * n, (b + 1) * n)),
        );
      }
    }
  });

  it("returns the same array (in place)", () => {
    const x = new Float64Array([1, 2, 3, 4]);
    expect(fwht(x)).toBe(x);
    expect(Array.from(x)).toEqual([10, -2, -4, 0]);
    expect(ifwht(x)).toBe(x);
    expect(Array.from(x)).toEqual([1, 2, 3, 4]);
  });
});

describe("bitReversalTable", () => {
  it("matches bit reversal by string reversal of the n-bit binary digits", () => {
    for (const n of [0, 1, 2, 5, 10]) {
      const table = bitReversalTable(n);
      expect(table.length).toBe(2 ** n);
      for (let k = 0; k < 2 ** n; k++) {
        const digits = k.toString(2).padStart(n, "0");
        const reversed = n === 0 ? 0 : Number.parseInt([...digits].reverse().join(""), 2);
        expect(table[k]).toBe(reversed);
      }
    }
  });

  it("rejects a log2n that is negative, fractional, not a number or above 31 (typed error)", () => {
    for (const n of [-1, 2.5, Number.NaN, 32, 40])
      expect(() => bitReversalTable(n), String(n)).toThrow(ValueError);
    expect(() => bitReversalTable(-1)).toThrow(
      /bitReversalTable: argument 'log2n' expected an integer in \[0, 31\], received -1/,
    );
  });
});
