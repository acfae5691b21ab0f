/**
 * shellSpectrum: radial binning of the 2-D power spectrum. References: a naive float64 double-sum
 * DFT binned by round(|k|) (independent of the FFT and of the half-spectrum weights), single
 * modes whose shell and power are known in closed form, and Parseval.
 */
import { shellSpectrum } from "@modewise/pde";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

/** Naive DFT power per shell, full spectrum (no conjugate-symmetry shortcut). */
function naiveShells(f: Float64Array, s: number, batch: number): Float64Array {
  const P = new Float64Array(Math.round(s / Math.SQRT2) + 1);
  for (let b = 0; b < batch; b++)
    for (let p = 0; p < s; p++)
      for (let q = 0; q < s; q++) {
        let re = 0;
        let im = 0;
        for (let i = 0; i < s; i++)
          for (let j = 0; j < s; j++) {
            const phase = (-2 * Math.PI * (p * i + q * j)) / s;
            const v = f[b * s * s + i * s + j] as number;
            re += v * Math.cos(phase);
            im += v * Math.sin(phase);
          }
        const kx = p <= s / 2 - 1 ? p : p - s;
        const ky = q <= s / 2 - 1 ? q : q - s;
        const shell = Math.round(Math.hypot(kx, ky));
        P[shell] = (P[shell] as number) + (re * re + im * im) / (batch * s ** 4);
      }
  return P;
}

describe("shellSpectrum", () => {
  it("matches a naive DFT binned by shell (random fields, batch 2)", () => {
    const s = 8;
    const f = Float64Array.from(
      { length: 2 * s * s },
      (_, i) => Math.sin(i * 1.7) + 0.3 * Math.cos(i * i),
    );
    const got = shellSpectrum(f, s);
    const want = naiveShells(f, s, 2);
    expect(got.length).toBe(want.length);
    // Each shell sums O(s^2) products of O(s^2)-term sums: error ~ s^2 * eps * total power.
    const total = want.reduce((a, b) => a + b, 0);
    for (let k = 0; k < want.length; k++)
      expect(Math.abs((got[k] as number) - (want[k] as number))).toBeLessThan(
        s * s * 2 ** -52 * total * 16,
      );
  });

  it("puts a single mode in its shell with power A^2/2 and satisfies Parseval", () => {
    const s = 32;
    const f = new Float64Array(s * s);
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++)
        f[i * s + j] =
          0.5 +
          0.3 * Math.cos((2 * Math.PI * (3 * i + 4 * j)) / s) +
          0.2 * Math.sin((2 * Math.PI * 10 * j) / s);
    const P = shellSpectrum(f, s);
    expect(P[0]).toBeCloseTo(0.25, 14);
    expect(P[5]).toBeCloseTo(0.3 ** 2 / 2, 14);
    expect(P[10]).toBeCloseTo(0.2 ** 2 / 2, 14);
    let ms = 0;
    for (const v of f) ms += v * v;
    expect(P.reduce((a, b) => a + b, 0)).toBeCloseTo(ms / f.length, 13);
  });

  it("rejects odd grids and ragged batches with typed errors", () => {
    expect(() => shellSpectrum(new Float64Array(9), 3)).toThrow(ValueError);
    expect(() => shellSpectrum(new Float64Array(17), 4)).toThrow(ShapeError);
  });
});
