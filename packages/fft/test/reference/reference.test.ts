/**
 * Validates the double-double reference itself (it must be "exact" for the f64 accuracy tests:
 * its own error has to be negligible next to 1e-16). Bar: relative error <= 1e-30, i.e. within
 * ~20 dd unit roundoffs (2^-104 ~ 4.9e-32) per value, and 1e14 below the f64 bars it is used for.
 *   1. pi/2 and the roots of unity against mpmath (60 digits; test/fixtures/mpmath_dft.json,
 *      made by make_mpmath_dft.py),
 *   2. directDft and fftRef against mpmath's DFT for small n (every path: direct primes,
 *      Bluestein primes, radix 2, mixed radix with Bluestein factors),
 *   3. fftRef against mpmath at full size on sparse inputs (n up to 65537; a few output bins),
 *   4. fftRef against directDft on random inputs up to n = 1517,
 *   5. round trips backward(forward(x)) / n = x up to n = 65537.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ddRelL2Error } from "./compare.js";
import { type DDComplex, ddComplex, divD, fromInterleaved, RH, RL, sub } from "./dd.js";
import { directDft, fftRef } from "./dft.js";
import { normals } from "./random.js";
import { HALF_PI_HI, HALF_PI_LO, rootTable, unitRoot } from "./trig.js";

interface Fixture {
  half_pi: [number, number];
  roots: { n: number; k: number; w: [number, number, number, number] }[];
  dense: { n: number; x: [number, number][]; X: [number, number, number, number][] }[];
  sparse: {
    n: number;
    idx: number[];
    vals: [number, number][];
    bins: number[];
    X: [number, number, number, number][];
  }[];
}
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/mpmath_dft.json", import.meta.url), "utf8"),
) as Fixture;

const BAR = 1e-30;

function ddFromRows(rows: [number, number, number, number][]): DDComplex {
  return Float64Array.from(rows.flat());
}

function ddDiffAbs(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  sub(a[i], a[i + 1], b[j], b[j + 1]);
  const re = RH + RL;
  sub(a[i + 2], a[i + 3], b[j + 2], b[j + 3]);
  const im = RH + RL;
  return Math.hypot(re, im);
}

describe("double-double reference vs mpmath", () => {
  it("pi / 2 is the correctly rounded double-double", () => {
    expect([HALF_PI_HI, HALF_PI_LO]).toEqual(fixture.half_pi);
  });

  it("roots of unity exp(-2 pi i k/n) to ~1e-32 (n up to 2^20)", () => {
    let worst = 0;
    const t = new Float64Array(4);
    for (const { n, k, w } of fixture.roots) {
      unitRoot(k, n, -1, t);
      worst = Math.max(worst, ddDiffAbs(t, 0, w, 0));
      // and the cached tables the transforms use (built for the sizes they need)
      if (n <= 131074) worst = Math.max(worst, ddDiffAbs(rootTable(n, -1), 4 * k, w, 0));
    }
    console.info(
      `reference roots: max |w - w_mpmath| = ${worst.toExponential(2)} over ${fixture.roots.length} roots`,
    );
    expect(worst).toBeLessThanOrEqual(1e-31);
  });

  it("directDft and fftRef match mpmath's DFT for n = 1..17, 25, ..., 128", () => {
    let worstDirect = 0;
    let worstFft = 0;
    for (const { n, x, X } of fixture.dense) {
      const z = fromInterleaved(x.flat(), n);
      const ref = ddFromRows(X);
      const eD = ddRelL2Error(directDft(z, -1), ref);
      const eF = ddRelL2Error(fftRef(z, -1), ref);
      worstDirect = Math.max(worstDirect, eD);
      worstFft = Math.max(worstFft, eF);
      expect(eD, `direct n=${n}`).toBeLessThanOrEqual(BAR);
      expect(eF, `fft n=${n}`).toBeLessThanOrEqual(BAR);
    }
    console.info(
      `reference vs mpmath (dense, ${fixture.dense.length} sizes): direct ${worstDirect.toExponential(2)}, fft ${worstFft.toExponential(2)} (max relative L2)`,
    );
  });

  it("fftRef matches mpmath on sparse inputs at full size (n up to 65537)", () => {
    const lines: string[] = [];
    for (const { n, idx, vals, bins, X } of fixture.sparse) {
      const z = ddComplex(n);
      let norm2 = 0;
      idx.forEach((j, t) => {
        z[4 * j] = vals[t][0];
        z[4 * j + 2] = vals[t][1];
        norm2 += vals[t][0] ** 2 + vals[t][1] ** 2;
      });
      const Z = fftRef(z, -1);
      // |error| relative to the RMS output magnitude ||X|| / sqrt(n) = ||x|| (Parseval)
      let worst = 0;
      bins.forEach((k, t) => {
        worst = Math.max(worst, ddDiffAbs(Z, 4 * k, X[t], 0) / Math.sqrt(norm2));
      });
      lines.push(`${n}: ${worst.toExponential(1)}`);
      expect(worst, `n=${n}`).toBeLessThanOrEqual(BAR);
    }
    console.info(`reference vs mpmath (sparse, max |dX|/||x||): ${lines.join(", ")}`);
  });
});

describe("double-double reference, self-consistency", () => {
  it("fftRef equals the direct DFT (every path up to n = 1517 = 37 * 41)", () => {
    const sizes = [...Array.from({ length: 40 }, (_, i) => i + 1), 48, 60, 64, 74, 97, 121, 128];
    sizes.push(210, 256, 289, 512, 1009, 1517);
    let worst = 0;
    for (const n of sizes) {
      const z = fromInterleaved(normals(2 * n, n), n);
      for (const sign of [-1, 1] as const) {
        const e = ddRelL2Error(fftRef(z, sign), directDft(z, sign));
        worst = Math.max(worst, e);
        expect(e, `n=${n} sign=${sign}`).toBeLessThanOrEqual(BAR);
      }
    }
    console.info(
      `reference fft vs direct (${sizes.length} sizes, both signs): max ${worst.toExponential(2)}`,
    );
  });

  it("round trip backward(forward(x)) / n = x up to n = 65537", () => {
    const lines: string[] = [];
    for (const n of [1009, 4078, 4093, 19683, 64507, 65536, 65537]) {
      const z = fromInterleaved(normals(2 * n, 7 * n), n);
      const back = fftRef(fftRef(z, -1), 1);
      for (let i = 0; i < back.length; i += 2) {
        divD(back[i], back[i + 1], n);
        back[i] = RH;
        back[i + 1] = RL;
      }
      const e = ddRelL2Error(back, z);
      lines.push(`${n}: ${e.toExponential(1)}`);
      expect(e, `n=${n}`).toBeLessThanOrEqual(BAR);
    }
    console.info(`reference round trip (relative L2): ${lines.join(", ")}`);
  }, 60_000);
});
