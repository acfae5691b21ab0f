/**
 * Bit-reversed-order FFTs: the definitions (fftbr(x) = fft(x[br], "ortho"), ifftbr its inverse),
 * QMCPy's published docstring values, and the use they exist for: K y = ifftbr(fftbr(y) * lambda)
 * for the Gram matrix of a shift-invariant kernel on a rank-1 lattice in natural
 * (radical-inverse) order, checked against the dense product at n = 2^10.
 */
import * as F from "@modewise/fft";
import { describe, expect, it } from "vitest";
import { expectNear, naiveDft, numpyFixtures, randomValues } from "./api-helpers.js";

describe("definition", () => {
  it("bitReversal reverses the m bits of the index", () => {
    expect(Array.from(F.bitReversal(1))).toEqual([0]);
    expect(Array.from(F.bitReversal(2))).toEqual([0, 1]);
    expect(Array.from(F.bitReversal(8))).toEqual([0, 4, 2, 6, 1, 5, 3, 7]);
    const br = F.bitReversal(1024);
    for (let j = 0; j < 1024; j++) expect(br[br[j]]).toBe(j);
  });

  it("fftbr(x)_k = n^-1/2 sum_j x_br(j) exp(-2 pi i jk/n); ifftbr inverts it; both unitary", () => {
    for (const n of [1, 2, 4, 16, 128, 1024]) {
      const x = randomValues(2 * n, n);
      const br = F.bitReversal(n);
      const re = Array.from({ length: n }, (_, j) => x[2 * br[j]]);
      const im = Array.from({ length: n }, (_, j) => x[2 * br[j] + 1]);
      const ref = naiveDft(re, im, -1);
      const want: number[] = [];
      for (let k = 0; k < n; k++) want.push(ref.re[k] / Math.sqrt(n), ref.im[k] / Math.sqrt(n));
      const y = F.fftbr(x);
      expectNear(y, want, n, "float64", `fftbr n ${n}`);
      expectNear(F.ifftbr(y), x, n, "float64", `ifftbr(fftbr) n ${n}`);
      let e0 = 0;
      let e1 = 0;
      for (let i = 0; i < 2 * n; i++) {
        e0 += x[i] ** 2;
        e1 += y[i] ** 2;
      }
      expect(Math.abs(e1 - e0) / e0).toBeLessThan(1e-13);
    }
  });

  it("matches QMCPy's docstring example (SFC64(11) draws, printed to 4 decimals)", () => {
    const c = numpyFixtures().cases.find(
      (k) => k.fn === "fftbr" && Math.abs(k.x.data[0] - 0.2516) < 5e-5,
    )!;
    const x = Float64Array.from(c.x.data);
    const y = F.fftbr(x);
    const qmcpyY = [
      1.0697, 1.1391, -0.3179, 0.2646, -0.2746, 0.2177, -0.2719, -0.3412, 0.0997, 0.1577, -0.1499,
      0.1657, 0.4968, 0.2449, 0.0596, -0.0156,
    ];
    qmcpyY.forEach((v, i) => {
      expect(Math.abs(y[i] - v)).toBeLessThan(6e-5);
    });
    const z = F.ifftbr(x);
    const qmcpyZ = [
      1.0697, 1.1391, -0.2866, -0.2221, 0.298, 0.059, -0.0887, 0.0189, 0.0309, 0.5415, -0.0412,
      -0.3293, -0.1902, 0.2641, -0.0804, 0.3618,
    ];
    qmcpyZ.forEach((v, i) => {
      expect(Math.abs(z[i] - v)).toBeLessThan(6e-5);
    });
  });

  it("works along an axis of a view, in split form and in float32", () => {
    const x = randomValues(2 * 3 * 8, 2);
    const y = F.fftbr({ data: x, shape: [8, 3, 2] }, { axis: 0 });
    for (let col = 0; col < 3; col++) {
      const line = new Float64Array(16);
      for (let j = 0; j < 8; j++) {
        line[2 * j] = x[2 * (j * 3 + col)];
        line[2 * j + 1] = x[2 * (j * 3 + col) + 1];
      }
      const want = F.fftbr(line);
      const got = Array.from({ length: 16 }, (_, i) => y.data[2 * ((i >> 1) * 3 + col) + (i & 1)]);
      expectNear(got, want, 8);
    }
    const s = F.ifftbr({ re: Float32Array.from([1, 2, 3, 4]) });
    expect(s.re).toBeInstanceOf(Float32Array);
    expectNear(F.fftbr(s).re, [1, 2, 3, 4], 4, "float32");
  });

  it("refuses lengths that are not powers of 2", () => {
    expect(() => F.fftbr(new Float64Array(12))).toThrow(/power-of-2/);
  });
});

describe("fast kernel matrix-vector products on a lattice (the QMC use)", () => {
  it("K y = ifftbr(fftbr(y) * lambda), lambda = sqrt(n) fftbr(K[:, 0]), n = 2^10, d = 3", () => {
    const m = 10;
    const n = 1 << m;
    const gen = [1, 433461, 315689]; // a rank-1 lattice generating vector
    const br = F.bitReversal(n);
    // natural (radical-inverse) order: point i is frac(br(i) / n * g)
    const pts = Array.from({ length: n }, (_, i) => gen.map((g) => ((br[i] * g) % n) / n));
    // shift-invariant product kernel with the Bernoulli polynomial B2(t) = t^2 - t + 1/6
    const b2 = (t: number) => t * t - t + 1 / 6;
    const kern = (a: number[], b: number[]) =>
      a.reduce((p, ai, d) => p * (1 + 0.7 * b2((((ai - b[d]) % 1) + 1) % 1)), 1);
    const y = randomValues(n, 5);
    const dense = new Float64Array(n);
    const col = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += kern(pts[i], pts[j]) * y[j];
      dense[i] = s;
      col[2 * i] = kern(pts[i], pts[0]);
    }
    const lam = F.fftbr(col).map((v) => v * Math.sqrt(n));
    const yc = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) yc[2 * i] = y[i];
    const fy = F.fftbr(yc);
    const prod = new Float64Array(2 * n);
    for (let k = 0; k < n; k++) {
      const [a, b, c, d] = [fy[2 * k], fy[2 * k + 1], lam[2 * k], lam[2 * k + 1]];
      prod[2 * k] = a * c - b * d;
      prod[2 * k + 1] = a * d + b * c;
    }
    const ky = F.ifftbr(prod);
    const fast = Array.from({ length: n }, (_, i) => ky[2 * i]);
    // the dense sum itself has rounding ~ n u: compare at 1e-12 relative
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      num += (fast[i] - dense[i]) ** 2;
      den += dense[i] ** 2;
      expect(Math.abs(ky[2 * i + 1])).toBeLessThan(1e-9 * Math.sqrt(den / (i + 1)) + 1e-12);
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-12);
  });
});
