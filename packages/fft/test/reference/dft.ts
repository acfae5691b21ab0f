/**
 * The exact reference DFT, in double-double, written independently of @modewise/fft:
 *
 *   X_k = sum_j x_j exp(sign * 2 pi i j k / n),  sign = -1 forward, +1 backward (no scaling).
 *
 * - directDft: the definition, O(n^2), each root read from an exact dd table at index jk mod n.
 * - fftRef: O(n log n). Recursive decimation in time by the smallest prime factor p of n
 *   (n = p m: p sub-transforms of length m on the residues j = p t + r, then for every k < m a
 *   p-point DFT of W_n^{rk} Y_r[k]); powers of two by an iterative radix-2 loop (dd.ts,
 *   radix2InPlace, the same butterflies). Prime lengths <= DIRECT_MAX are done directly, larger
 *   primes by Bluestein: X_k = c_k sum_j (x_j c_j) conj(c_{k-j}), c_j = exp(sign pi i j^2 / n)
 *   (j^2 reduced mod 2n exactly), the convolution by dd radix-2 FFTs of length 2^ceil(log2(2n-1)).
 * All arithmetic is dd (unit roundoff ~2^-104); errors grow like log n of those, so ~1e-30
 * relative for the sizes used here (measured in reference.test.ts).
 */
import { caddScaled, cmul, cmulAdd, type DDComplex, ddComplex, radix2InPlace } from "./dd.js";
import { rootTable } from "./trig.js";

/** Prime lengths up to this are transformed directly, larger ones by Bluestein. */
export const DIRECT_MAX = 16;

export function smallestPrimeFactor(n: number): number {
  if (n % 2 === 0) return 2;
  for (let p = 3; p * p <= n; p += 2) if (n % p === 0) return p;
  return n;
}

/** The definition, O(n^2) dd operations. */
export function directDft(x: DDComplex, sign: 1 | -1): DDComplex {
  const n = x.length / 4;
  const w = rootTable(n, sign);
  const out = ddComplex(n);
  for (let k = 0; k < n; k++) {
    let m = 0; // j k mod n, stepped without overflow
    for (let j = 0; j < n; j++) {
      cmulAdd(out, 4 * k, x, 4 * j, w, 4 * m);
      m += k;
      if (m >= n) m -= n;
    }
  }
  return out;
}

/** O(n log n) dd transform (see the file comment). */
export function fftRef(x: DDComplex, sign: 1 | -1): DDComplex {
  const n = x.length / 4;
  if (n === 0) return ddComplex(0);
  return rec(x, n, sign, rootTable(n, sign), 1);
}

/** Transform of x (length n) using roots of the table of length n * ts: W_n^m = tw[m * ts]. */
function rec(x: DDComplex, n: number, sign: 1 | -1, tw: Float64Array, ts: number): DDComplex {
  if (n === 1) return x.slice();
  const p = smallestPrimeFactor(n);
  if (p === n) return n <= DIRECT_MAX ? directSmall(x, n, tw, ts) : bluestein(x, n, sign);
  if ((n & (n - 1)) === 0) return radix2InPlace(x.slice(), n, tw, ts);
  if (p === 2) return radix2(x, n, sign, tw, ts);
  const m = n / p;
  // sub-transforms of the residue classes r = 0..p-1
  const ys: DDComplex[] = [];
  const sub = ddComplex(m);
  for (let r = 0; r < p; r++) {
    for (let t = 0; t < m; t++) sub.set(x.subarray(4 * (p * t + r), 4 * (p * t + r) + 4), 4 * t);
    ys.push(rec(sub, m, sign, tw, ts * p));
  }
  const out = ddComplex(n);
  const v = ddComplex(p);
  for (let k = 0; k < m; k++) {
    // v_r = W_n^{r k} Y_r[k]
    for (let r = 0; r < p; r++) cmul(v, 4 * r, ys[r], 4 * k, tw, 4 * (((r * k) % n) * ts));
    // p-point DFT of v: X[k + m q] = sum_r v_r W_p^{r q}, W_p = W_n^m
    const V = p <= DIRECT_MAX ? directSmall(v, p, tw, ts * m) : bluestein(v, p, sign);
    for (let q = 0; q < p; q++) out.set(V.subarray(4 * q, 4 * q + 4), 4 * (k + m * q));
  }
  return out;
}

/** Radix-2 step: X[k] = E[k] + W^k O[k], X[k + n/2] = E[k] - W^k O[k]. */
function radix2(x: DDComplex, n: number, sign: 1 | -1, tw: Float64Array, ts: number): DDComplex {
  const h = n / 2;
  const e = ddComplex(h);
  const o = ddComplex(h);
  for (let t = 0; t < h; t++) {
    e.set(x.subarray(8 * t, 8 * t + 4), 4 * t);
    o.set(x.subarray(8 * t + 4, 8 * t + 8), 4 * t);
  }
  const E = rec(e, h, sign, tw, 2 * ts);
  const O = rec(o, h, sign, tw, 2 * ts);
  const out = ddComplex(n);
  const wo = ddComplex(1);
  for (let k = 0; k < h; k++) {
    cmul(wo, 0, O, 4 * k, tw, 4 * k * ts);
    caddScaled(out, 4 * k, E, 4 * k, wo, 0, 1);
    caddScaled(out, 4 * (k + h), E, 4 * k, wo, 0, -1);
  }
  return out;
}

/** Direct DFT of length n with W_n^m = tw[m * ts]. */
function directSmall(x: DDComplex, n: number, tw: Float64Array, ts: number): DDComplex {
  const out = ddComplex(n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) cmulAdd(out, 4 * k, x, 4 * j, tw, 4 * (((j * k) % n) * ts));
  }
  return out;
}

interface Chirp {
  /** c_j = exp(sign pi i j^2 / n), j < n */
  c: DDComplex;
  /** forward FFT (length M) of b_m = conj(c_|m|), wrapped */
  B: DDComplex;
  M: number;
}
const chirps = new Map<string, Chirp>();

function chirp(n: number, sign: 1 | -1): Chirp {
  const key = `${n}:${sign}`;
  let ch = chirps.get(key);
  if (!ch) {
    const t2n = rootTable(2 * n, sign); // exp(sign 2 pi i m / 2n) = exp(sign pi i m / n)
    const c = ddComplex(n);
    for (let j = 0; j < n; j++) {
      const m = (j * j) % (2 * n); // exact: j^2 < 2^53
      c.set(t2n.subarray(4 * m, 4 * m + 4), 4 * j);
    }
    let M = 1;
    while (M < 2 * n - 1) M *= 2;
    const b = ddComplex(M);
    for (let j = 0; j < n; j++) {
      const idx = j === 0 ? [0] : [j, M - j];
      for (const i of idx) {
        b[4 * i] = c[4 * j];
        b[4 * i + 1] = c[4 * j + 1];
        b[4 * i + 2] = -c[4 * j + 2];
        b[4 * i + 3] = -c[4 * j + 3];
      }
    }
    ch = { c, B: rec(b, M, -1, rootTable(M, -1), 1), M };
    chirps.set(key, ch);
  }
  return ch;
}

function bluestein(x: DDComplex, n: number, sign: 1 | -1): DDComplex {
  const { c, B, M } = chirp(n, sign);
  const a = ddComplex(M);
  for (let j = 0; j < n; j++) cmul(a, 4 * j, x, 4 * j, c, 4 * j);
  const A = rec(a, M, -1, rootTable(M, -1), 1);
  for (let k = 0; k < M; k++) cmul(A, 4 * k, A, 4 * k, B, 4 * k);
  const conv = rec(A, M, 1, rootTable(M, 1), 1);
  const out = ddComplex(n);
  // X_k = c_k * conv_k / M (M is a power of two: the division is exact)
  for (let k = 0; k < n; k++) {
    cmul(out, 4 * k, conv, 4 * k, c, 4 * k);
    for (let i = 0; i < 4; i++) out[4 * k + i] /= M;
  }
  return out;
}
