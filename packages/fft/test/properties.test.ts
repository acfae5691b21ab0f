/**
 * Properties of the DFT that our engine must keep, for random lengths 1..2000 and random data
 * (fast-check): Parseval, linearity, the shift theorem, conjugate symmetry of real inputs'
 * spectra (and the real plan agreeing with the complex one), the convolution theorem, and
 * round trips, through the public functions fft / ifft / rfft / irfft on interleaved typed
 * arrays (float64 and float32). The 1-D engine underneath (complexPlan / realPlan) is checked
 * against the exact reference in accuracy.test.ts.
 *
 * Tolerances are derived, not tuned: each transform is assumed to meet the bar that
 * accuracy.test.ts checks against the exact reference, E(n) = 2 u sqrt(log2 n + 1) relative L2
 * (reference/bounds.ts), and the test's own arithmetic is bounded by standard rounding-error
 * bounds (u = unit roundoff; a complex product has error <= sqrt(5) u |a||b|, a sum of squares
 * of k terms summed with compensation <= (3 + 1) u of the sum). Each property's bound is written
 * next to it. Note ||F v|| = sqrt(n) ||v|| exactly for the unnormalized DFT F.
 *
 * Inputs: normal / uniform / sparse (a few nonzeros) / constant / pure tone signals, scaled by
 * 2^e with e in [-300, 300] (float32: [-40, 40]): no overflow or subnormals in any norm
 * computed here.
 */
import { fft, ifft, irfft, type Precision, rfft } from "@modewise/fft";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fftErrorBound, U32, U64 } from "./reference/bounds.js";
import { cmul } from "./reference/dd.js";
import {
  fftRef,
  fromInterleaved,
  rootTable,
  toInterleaved,
  uniformSource,
} from "./reference/index.js";

const MAX_N = 2000;
const SQRT5 = Math.sqrt(5);

type Kind = "normal" | "uniform" | "sparse" | "constant" | "tone";
interface SignalSpec {
  n: number;
  kind: Kind;
  seed: number;
  exp: number;
}

const kindArb = fc.constantFrom<Kind>("normal", "uniform", "sparse", "constant", "tone");
const lengthArb = fc.integer({ min: 1, max: MAX_N });
/** Scale exponents: +-300 for float64; +-40 for float32 (its range is 2^-126..2^128). */
const specFor = (n: number, maxExp = 300) =>
  fc.record({
    n: fc.constant(n),
    kind: kindArb,
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    exp: fc.integer({ min: -maxExp, max: maxExp }),
  });

/** Interleaved complex (or real, with `real`) signal of the spec, as float64 values. */
function signal(s: SignalSpec, real = false): Float64Array {
  const u = uniformSource(s.seed);
  const n = s.n;
  const x = new Float64Array(real ? n : 2 * n);
  const scale = 2 ** s.exp;
  const set = (j: number, re: number, im: number) => {
    if (real) x[j] = re * scale;
    else {
      x[2 * j] = re * scale;
      x[2 * j + 1] = im * scale;
    }
  };
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  switch (s.kind) {
    case "normal":
      for (let j = 0; j < n; j++) set(j, gauss(), gauss());
      break;
    case "uniform":
      for (let j = 0; j < n; j++) set(j, 2 * u() - 1, 2 * u() - 1);
      break;
    case "sparse":
      for (let t = 0; t < 3; t++) set(Math.floor(u() * n), 2 * u() - 1, 2 * u() - 1);
      break;
    case "constant": {
      const re = 2 * u() - 1;
      const im = 2 * u() - 1;
      for (let j = 0; j < n; j++) set(j, re, im);
      break;
    }
    case "tone": {
      const f = Math.floor(u() * n);
      for (let j = 0; j < n; j++) {
        const a = (2 * Math.PI * ((f * j) % n)) / n;
        set(j, Math.cos(a), Math.sin(a));
      }
      break;
    }
  }
  return x;
}

/** Floats of the given precision (values rounded to f32 for "float32"). */
function typed(x: Float64Array, p: Precision): Float64Array | Float32Array {
  return p === "float32" ? Float32Array.from(x) : x;
}

/** Forward DFT (fft), or with dir = 1 the inverse scaled by 1/n (ifft, norm "backward"). */
function fwd(z: Float64Array | Float32Array, dir: -1 | 1 = -1): Float64Array | Float32Array {
  return dir === -1 ? fft(z) : ifft(z);
}

/** sqrt(sum v_i^2) with Neumaier-compensated summation of the squares. */
function norm(v: ArrayLike<number>): number {
  return Math.sqrt(sumSquares(v));
}
function sumSquares(v: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < v.length; i++) {
    const t = v[i] * v[i];
    const r = s + t;
    c += Math.abs(s) >= Math.abs(t) ? s - r + t : t - r + s;
    s = r;
  }
  return s + c;
}
function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = a[i] - b[i];
  return norm(d);
}
function maxAbs(z: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < z.length; i += 2) m = Math.max(m, Math.hypot(z[i], z[i + 1]));
  return m;
}

const PRECISIONS: [Precision, number][] = [
  ["float64", U64],
  ["float32", U32],
];

describe("DFT properties (fast-check, n = 1..2000)", () => {
  for (const [p, u] of PRECISIONS) {
    const E = (n: number) => fftErrorBound(n, u);
    const spec = (n: number) => specFor(n, p === "float32" ? 40 : 300);

    it(`Parseval: sum |x|^2 = sum |X|^2 / n (${p})`, () => {
      fc.assert(
        fc.property(lengthArb.chain(spec), (s) => {
          const x = typed(signal(s), p);
          const X = fwd(x);
          const sx = sumSquares(x);
          const sX = sumSquares(X) / s.n;
          // |‖X̂‖² − ‖X‖²| ≤ (2E + E²)‖X‖²; each sum of squares: ≤ 4u64 relative; /n: u64
          const tol = (2 * E(s.n) + E(s.n) ** 2 + 9 * U64) * sx;
          expect(Math.abs(sx - sX)).toBeLessThanOrEqual(tol);
        }),
      );
    });

    it(`round trip: backward(forward(x)) / n = x, complex and real (${p})`, () => {
      fc.assert(
        fc.property(lengthArb.chain(spec), (s) => {
          const n = s.n;
          const x = typed(signal(s), p);
          const back = fwd(fwd(x), 1);
          // E for each transform (the second on data with relative error E), scale 1/n: 2u
          // (rounding of 1/n, and of the product), output storage in precision p: u
          const tol = (2 * E(n) + E(n) ** 2 + 3 * u) * norm(x);
          expect(distance(back, x)).toBeLessThanOrEqual(tol);

          const a = typed(signal(s, true), p);
          const ra = irfft(rfft(a), { n });
          // the half spectrum holds the whole spectrum's error: ‖Ĥ − H‖ ≤ E‖X‖, and the
          // backward transform sees it at most twice (k and n - k): ≤ sqrt(2) E ‖X‖ / sqrt(n)
          const tolR = ((1 + Math.SQRT2) * E(n) + E(n) ** 2 + 3 * u) * norm(a);
          expect(distance(ra, a)).toBeLessThanOrEqual(tolR);
        }),
      );
    });
  }

  const E = (n: number) => fftErrorBound(n);

  it("linearity: F(a x + b y) = a F(x) + b F(y), complex a, b (float64)", () => {
    // |a|, |b| >= 1e-100 or 0: no product of the test's own arithmetic underflows
    const part = fc
      .double({ min: -1, max: 1, noNaN: true })
      .map((v) => (Math.abs(v) < 1e-100 ? 0 : v));
    const scalar = fc.tuple(part, part);
    fc.assert(
      fc.property(
        lengthArb.chain((n) => fc.tuple(specFor(n), specFor(n), scalar, scalar)),
        ([sx, sy, [ar, ai], [br, bi]]) => {
          const n = sx.n;
          const x = signal(sx);
          const y = signal(sy);
          const w = new Float64Array(2 * n);
          for (let j = 0; j < n; j++) {
            const [xr, xi, yr, yi] = [x[2 * j], x[2 * j + 1], y[2 * j], y[2 * j + 1]];
            w[2 * j] = ar * xr - ai * xi + (br * yr - bi * yi);
            w[2 * j + 1] = ar * xi + ai * xr + (br * yi + bi * yr);
          }
          const W = fwd(w);
          const X = fwd(x);
          const Y = fwd(y);
          const R = new Float64Array(2 * n);
          for (let k = 0; k < n; k++) {
            const [xr, xi, yr, yi] = [X[2 * k], X[2 * k + 1], Y[2 * k], Y[2 * k + 1]];
            R[2 * k] = ar * xr - ai * xi + (br * yr - bi * yi);
            R[2 * k + 1] = ar * xi + ai * xr + (br * yi + bi * yr);
          }
          // T = |a|‖x‖ + |b|‖y‖. Forming w: ≤ (sqrt5 + 1)u T (products, then the sum);
          // F(w): E sqrt(n) ‖ŵ‖ + sqrt(n)‖ŵ − w‖; right side: E sqrt(n) T + (sqrt5 + 1)u sqrt(n) T(1+E).
          // Total ≤ sqrt(n) T (2E + 2(sqrt5 + 1)u + 2uE) < sqrt(n) T (2E + 7u).
          const T = Math.hypot(ar, ai) * norm(x) + Math.hypot(br, bi) * norm(y);
          const tol = Math.sqrt(n) * T * (2 * E(n) + 7 * U64);
          expect(distance(W, R)).toBeLessThanOrEqual(tol);
        },
      ),
    );
  });

  it("shift theorem: F(x shifted by s)_k = exp(-2 pi i k s / n) X_k (float64)", () => {
    fc.assert(
      fc.property(
        lengthArb.chain((n) => fc.tuple(specFor(n), fc.integer({ min: 0, max: n - 1 }))),
        ([sx, s]) => {
          const n = sx.n;
          const x = signal(sx);
          const y = new Float64Array(2 * n); // y_j = x_{j - s}
          for (let j = 0; j < n; j++) {
            const i = (j - s + n) % n;
            y[2 * j] = x[2 * i];
            y[2 * j + 1] = x[2 * i + 1];
          }
          const X = fwd(x);
          const Y = fwd(y);
          // exact phases from the dd reference, rounded once: |ŵ − w| ≤ u
          const w = rootTable(n, -1);
          const R = new Float64Array(2 * n);
          for (let k = 0; k < n; k++) {
            const m = 4 * ((k * s) % n);
            const cr = w[m] + w[m + 1];
            const ci = w[m + 2] + w[m + 3];
            R[2 * k] = cr * X[2 * k] - ci * X[2 * k + 1];
            R[2 * k + 1] = cr * X[2 * k + 1] + ci * X[2 * k];
          }
          // ‖Ŷ − Y‖ ≤ E sqrt(n)‖x‖; ‖ŵ∘X̂ − w∘X‖ ≤ E sqrt(n)‖x‖ + (u + sqrt5 u)(1 + E) sqrt(n)‖x‖
          const tol = Math.sqrt(n) * norm(x) * (2 * E(n) + 4 * U64);
          expect(distance(Y, R)).toBeLessThanOrEqual(tol);
        },
      ),
    );
  });

  it("real input: X_{n-k} = conj X_k, and rfft equals fft's first n/2 + 1 bins (float64)", () => {
    fc.assert(
      fc.property(lengthArb.chain(specFor), (s) => {
        const n = s.n;
        const a = signal(s, true);
        const z = new Float64Array(2 * n);
        for (let j = 0; j < n; j++) z[2 * j] = a[j];
        const X = fwd(z);
        const C = new Float64Array(2 * n); // conj X_{n-k}
        for (let k = 0; k < n; k++) {
          C[2 * k] = X[2 * ((n - k) % n)];
          C[2 * k + 1] = -X[2 * ((n - k) % n) + 1];
        }
        // both X̂ and the permuted conj(X̂) are within E‖X‖ of the exact (symmetric) X
        const scaleX = Math.sqrt(n) * norm(a);
        expect(distance(X, C)).toBeLessThanOrEqual(2 * E(n) * scaleX);

        const h = Math.floor(n / 2) + 1;
        const H = rfft(a);
        expect(H.length).toBe(2 * h);
        expect(distance(H, X.subarray(0, 2 * h))).toBeLessThanOrEqual(2 * E(n) * scaleX);
        // DC (and Nyquist for even n) are real up to the transform's error
        expect(Math.abs(H[1])).toBeLessThanOrEqual(E(n) * scaleX);
        if (n % 2 === 0) expect(Math.abs(H[2 * (h - 1) + 1])).toBeLessThanOrEqual(E(n) * scaleX);
      }),
    );
  });

  it("convolution theorem: ifft(fft(x) * fft(y)) / n = circular convolution (float64)", () => {
    fc.assert(
      fc.property(
        lengthArb.chain((n) => fc.tuple(specFor(n), specFor(n))),
        ([sx, sy]) => {
          const n = sx.n;
          // keep x * y products in range: data scaled by 2^e each, the product by 2^(ex + ey)
          const x = signal({ ...sx, exp: Math.trunc(sx.exp / 2) });
          const y = signal({ ...sy, exp: Math.trunc(sy.exp / 2) });
          const X = fwd(x);
          const Y = fwd(y);
          const P = new Float64Array(2 * n);
          for (let k = 0; k < n; k++) {
            P[2 * k] = X[2 * k] * Y[2 * k] - X[2 * k + 1] * Y[2 * k + 1];
            P[2 * k + 1] = X[2 * k] * Y[2 * k + 1] + X[2 * k + 1] * Y[2 * k];
          }
          const z = fwd(P, 1);
          // exact circular convolution, by the dd reference: ifft(fft(x) fft(y)) / n in dd
          const Xd = fftRef(fromInterleaved(x, n), -1);
          const Yd = fftRef(fromInterleaved(y, n), -1);
          const Pd = ddProduct(Xd, Yd);
          const exact = toInterleaved(fftRef(Pd, 1)).map((v) => v / n);
          // X̂ = X + dX, ‖dX‖ ≤ E‖X‖ (‖X‖ = sqrt(n)‖x‖), same for Y. The computed product:
          // ‖P̂ − XY‖ ≤ ‖dX‖ ‖Ŷ‖∞ + (‖X̂‖∞ + ‖dX‖) ‖dY‖ + sqrt5 u ‖P̂‖ (1 + sqrt5 u) =: D.
          // Inverse transform and 1/n: ‖ẑ − z‖ ≤ (E ‖P̂‖ + D) / sqrt(n) (1 + E) + 2u ‖ẑ‖
          // (plus the dd reference's error, ~1e-30 relative, and its rounding to f64: u ‖z‖).
          const nx = Math.sqrt(n) * norm(x);
          const ny = Math.sqrt(n) * norm(y);
          const dX = E(n) * nx;
          const dY = E(n) * ny;
          const nP = norm(P);
          const D = dX * maxAbs(Y) + (maxAbs(X) + dX) * dY + SQRT5 * U64 * nP * (1 + SQRT5 * U64);
          const tol = ((E(n) * nP + D) / Math.sqrt(n)) * (1 + E(n)) + 3 * U64 * norm(z) + 1e-300;
          expect(distance(z, exact)).toBeLessThanOrEqual(tol);
        },
      ),
      { numRuns: 50 },
    );
  });
});

/** Elementwise complex dd product of two dd vectors. */
function ddProduct(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < a.length; k += 4) cmul(out, k, a, k, b, k);
  return out;
}
