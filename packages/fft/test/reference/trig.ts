/**
 * Roots of unity in double-double, each computed on its own (no recurrence):
 *   exp(s * 2 pi i k / n), s = -1 (forward) or +1.
 * The angle 2 pi k / n is reduced EXACTLY in integers to a quadrant q and an angle
 * a = (pi / 2) * u / n with 0 <= u <= n / 2 (so 0 <= a <= pi / 4); a is formed in dd from a dd
 * pi / 2 (error ~1e-33), cos a and sin a are summed from their Taylor series in dd (for a <= pi/4
 * the terms fall below 1e-33 of the sum after <= 14 terms, with no cancellation: sin a >= 2a/pi,
 * cos a >= 1/sqrt 2), then the quadrant is applied by exact swaps and sign changes.
 * Result: every root accurate to a few units of 2^-106 (~1e-32); checked against mpmath in
 * reference.test.ts.
 */
import { divD, mulD, RH, RL, sinCosSmall } from "./dd.js";

/** pi / 2 in double-double (hi = Math.PI / 2, lo = the next 53 bits). */
export const HALF_PI_HI = 1.5707963267948966;
export const HALF_PI_LO = 6.123233995736766e-17;

const tmp = new Float64Array(4);

/**
 * exp(sign * 2 pi i k / n) in dd, written to out[o..o+3] as [re.hi, re.lo, im.hi, im.lo].
 * Any integer k (reduced mod n); n >= 1 with 4n < 2^53. `memo` (optional, length 4 (n/2 + 1),
 * NaN = not yet computed) keeps cos/sin of the reduced angles (pi/2) u/n for reuse: the
 * quadrant and reflection steps are exact, so sharing them changes no bit of the result.
 */
export function unitRoot(
  k: number,
  n: number,
  sign: 1 | -1,
  out: Float64Array,
  o = 0,
  memo?: Float64Array,
): void {
  let kk = k % n;
  if (kk < 0) kk += n;
  // 2 pi k / n = (pi / 2) * (4k / n) = q * pi / 2 + (pi / 2) * r / n, 0 <= r < n
  const t = 4 * kk;
  const q = Math.floor(t / n);
  const r = t - q * n;
  // within the quadrant: angle b = (pi/2) r/n; if r > n/2 use b = pi/2 - (pi/2)(n - r)/n
  const flip = 2 * r > n;
  const u = flip ? n - r : r;
  let c: Float64Array = tmp;
  let ci = 0;
  if (memo && !Number.isNaN(memo[4 * u])) {
    c = memo;
    ci = 4 * u;
  } else {
    mulD(HALF_PI_HI, HALF_PI_LO, u);
    divD(RH, RL, n);
    sinCosSmall(RH, RL, tmp);
    if (memo) memo.set(tmp, 4 * u);
  }
  let ch = c[ci],
    cl = c[ci + 1],
    sh = c[ci + 2],
    sl = c[ci + 3];
  if (flip) {
    [ch, cl, sh, sl] = [sh, sl, ch, cl];
  }
  // rotate by q quarter turns: (c, s) -> (-s, c)
  for (let i = 0; i < q; i++) {
    [ch, cl, sh, sl] = [-sh, -sl, ch, cl];
  }
  out[o] = ch + 0; // + 0 turns -0 into 0
  out[o + 1] = cl + 0;
  out[o + 2] = sign * sh + 0;
  out[o + 3] = sign * sl + 0;
}

const tables = new Map<string, Float64Array>();

/**
 * Table T with T[4m..4m+3] = exp(sign * 2 pi i m / n), m = 0..n-1, cached. Every entry goes
 * through unitRoot's exact reduction; the dd cos/sin of each distinct reduced angle is computed
 * once (n/8 + 1 of them when 4 | n, about n/2 otherwise).
 */
export function rootTable(n: number, sign: 1 | -1): Float64Array {
  const key = `${n}:${sign}`;
  let t = tables.get(key);
  if (!t) {
    t = new Float64Array(4 * n);
    const memo = new Float64Array(4 * (Math.floor(n / 2) + 1)).fill(Number.NaN);
    for (let m = 0; m < n; m++) unitRoot(m, n, sign, t, 4 * m, memo);
    tables.set(key, t);
  }
  return t;
}
