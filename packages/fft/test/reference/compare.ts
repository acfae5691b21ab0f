/**
 * Error measures against the dd reference, and exact spectral identities used to get several
 * references from one dd transform.
 */
import { add, type DDComplex, ddComplex, RH, RL, sub } from "./dd.js";

/**
 * Relative L2 error ||ours - ref|| / ||ref|| of `count` complex values of an interleaved
 * (re, im) array, read at offset/stride in complex elements, against ref[first ... first+count).
 * Each difference is formed as (ours - ref.hi) - ref.lo: exact first step when they agree to a
 * factor of 2, so the measured error is the true one to a relative ~1e-16.
 */
export function relL2Error(
  ours: ArrayLike<number>,
  ref: DDComplex,
  count = ref.length / 4,
  offset = 0,
  stride = 1,
): number {
  let e2 = 0;
  let r2 = 0;
  for (let k = 0; k < count; k++) {
    const i = 2 * (offset + k * stride);
    const dr = ours[i] - ref[4 * k] - ref[4 * k + 1];
    const di = ours[i + 1] - ref[4 * k + 2] - ref[4 * k + 3];
    e2 += dr * dr + di * di;
    const rr = ref[4 * k] + ref[4 * k + 1];
    const ri = ref[4 * k + 2] + ref[4 * k + 3];
    r2 += rr * rr + ri * ri;
  }
  return r2 === 0 ? Math.sqrt(e2) : Math.sqrt(e2 / r2);
}

/** Relative L2 distance of two dd vectors, differences taken in dd (meaningful down to ~1e-32). */
export function ddRelL2Error(a: DDComplex, b: DDComplex): number {
  let e2 = 0;
  let r2 = 0;
  for (let i = 0; i < a.length; i += 2) {
    sub(a[i], a[i + 1], b[i], b[i + 1]);
    const d = RH + RL;
    e2 += d * d;
    const v = b[i] + b[i + 1];
    r2 += v * v;
  }
  return r2 === 0 ? Math.sqrt(e2) : Math.sqrt(e2 / r2);
}

/** ||z||_2 of a dd vector (as a double). */
export function ddNorm(z: DDComplex): number {
  let s = 0;
  for (let i = 0; i < z.length; i += 2) {
    const v = z[i] + z[i + 1];
    s += v * v;
  }
  return Math.sqrt(s);
}

/**
 * From Z = DFT(z) (forward), the backward (exp(+...)) transform of the same z:
 * B_k = sum_j z_j exp(+2 pi i jk/n) = Z_{(n-k) mod n}. Exact (a permutation).
 */
export function backwardFromForward(Z: DDComplex): DDComplex {
  const n = Z.length / 4;
  const B = ddComplex(n);
  for (let k = 0; k < n; k++) B.set(Z.subarray(4 * ((n - k) % n), 4 * ((n - k) % n) + 4), 4 * k);
  return B;
}

/**
 * From Z = DFT(a + i b) with a, b real, the spectra of the real sequences:
 *   DFT(a)_k = (Z_k + conj(Z_{n-k})) / 2,   DFT(b)_k = (Z_k - conj(Z_{n-k})) / (2i).
 * Returns DFT(a) (part "re") or DFT(b) (part "im"), in dd (one dd add per value, halving exact).
 */
export function realPartSpectrum(Z: DDComplex, part: "re" | "im"): DDComplex {
  const n = Z.length / 4;
  const A = ddComplex(n);
  for (let k = 0; k < n; k++) {
    const i = 4 * k;
    const j = 4 * ((n - k) % n);
    if (part === "re") {
      // re = (Zr_k + Zr_-k)/2, im = (Zi_k - Zi_-k)/2
      add(Z[i], Z[i + 1], Z[j], Z[j + 1]);
      A[i] = RH / 2;
      A[i + 1] = RL / 2;
      add(Z[i + 2], Z[i + 3], -Z[j + 2], -Z[j + 3]);
      A[i + 2] = RH / 2;
      A[i + 3] = RL / 2;
    } else {
      // (Z_k - conj Z_-k) / (2i): re = (Zi_k + Zi_-k)/2, im = -(Zr_k - Zr_-k)/2
      add(Z[i + 2], Z[i + 3], Z[j + 2], Z[j + 3]);
      A[i] = RH / 2;
      A[i + 1] = RL / 2;
      add(Z[j], Z[j + 1], -Z[i], -Z[i + 1]);
      A[i + 2] = RH / 2;
      A[i + 3] = RL / 2;
    }
  }
  return A;
}
