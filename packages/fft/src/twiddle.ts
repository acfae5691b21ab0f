/**
 * Accurate roots of unity, the numbers that decide an FFT's accuracy.
 *
 * A twiddle exp(2 pi i k / n) is never computed by a recurrence (errors grow with the number of
 * steps) nor from the rounded angle 2 * Math.PI * k / n (off by up to ~2 ulp of 2 pi, and
 * Math.sin / Math.cos themselves are not correctly rounded: measured, 30% of such values are
 * more than 2 ulp off). Here:
 * 1. k / n is mapped to the first octant with integers only, by the exact symmetries of sin and
 *    cos: the angle becomes (pi / 4) * j / n with 0 <= j <= n.
 * 2. j = j1 * B + j0 (B ~ sqrt(n)), and exp(i (pi/4) j / n) = T1[j1] * T0[j0] (pocketfft's
 *    two-table angle addition), with both tables (~2 sqrt(n) entries) in double-double: every
 *    16th entry from the Taylor series of sin and cos of a double-double angle (pi / 4 to 106
 *    bits), the others at most 15 double-double rotations away: ~1e-31 relative.
 * 3. The product is formed in double-double and rounded once.
 * So every twiddle is the correctly rounded value (0.5 ulp) except when the exact value lies
 * within ~1e-31 of a rounding boundary; multiples of n / 8 are exact (0, +-1, +-sqrt(1/2)
 * rounded). Checked against the independent double-double reference in
 * test/engine-twiddle.test.ts. Cost: one double-double complex product per root (~40 ns), about
 * the price of Math.sin + Math.cos.
 */

// ---- double-double arithmetic (results in RH + RL; no allocation) ----
let RH = 0;
let RL = 0;
/** 2^27 + 1, Dekker's splitting constant (exact products without FMA). */
const SPLITTER = 134217729;

/** The exact rounding error of a * b = p (Dekker). */
function prodErr(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return al * bl - (p - ah * bh - al * bh - ah * bl);
}

/** RH + RL = (ah + al) * (bh + bl). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh;
  const e = prodErr(ah, bh, p) + (ah * bl + al * bh);
  RH = p + e;
  RL = e - (RH - p);
}

/** RH + RL = (ah + al) + (bh + bl), accurately. */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  let s = ah + bh;
  let v = s - ah;
  let e = ah - (s - v) + (bh - v);
  const t = al + bl;
  v = t - al;
  const f = al - (t - v) + (bl - v);
  e += t;
  let h = s + e;
  e -= h - s;
  s = h;
  e += f;
  h = s + e;
  RL = e - (h - s);
  RH = h;
}

/** RH + RL = (ah + al) / d for a double d. */
function ddDivD(ah: number, al: number, d: number): void {
  const q1 = ah / d;
  const p = q1 * d;
  const r = ah - p - prodErr(q1, d, p) + al;
  const q2 = r / d;
  RH = q1 + q2;
  RL = q2 - (RH - q1);
}

/** pi / 4 in double-double. */
const PI4_HI = Math.PI / 4;
const PI4_LO = 3.061616997868383e-17;

/**
 * cos and sin of (pi / 4) * j / n (0 <= j <= n), double-double, into out[o..o+3] as
 * [cos hi, cos lo, sin hi, sin lo]: Taylor series, terms down to 1e-34 (<= 15 terms; no
 * cancellation for angles <= pi / 4).
 */
function sinCosDD(j: number, n: number, out: Float64Array, o: number): void {
  ddMul(PI4_HI, PI4_LO, j, 0);
  ddDivD(RH, RL, n);
  const xh = RH;
  const xl = RL;
  ddMul(xh, xl, xh, xl);
  const x2h = -RH; // -x^2: the series alternate
  const x2l = -RL;
  // sin: x - x^3/3! + ...; cos: 1 - x^2/2! + ...
  let sh = xh;
  let sl = xl;
  let th = xh;
  let tl = xl;
  for (let k = 2; Math.abs(th) > 1e-34; k += 2) {
    ddMul(th, tl, x2h, x2l);
    ddDivD(RH, RL, k * (k + 1));
    th = RH;
    tl = RL;
    ddAdd(sh, sl, th, tl);
    sh = RH;
    sl = RL;
  }
  let ch = 1;
  let cl = 0;
  th = 1;
  tl = 0;
  for (let k = 1; Math.abs(th) > 1e-34; k += 2) {
    ddMul(th, tl, x2h, x2l);
    ddDivD(RH, RL, k * (k + 1));
    th = RH;
    tl = RL;
    ddAdd(ch, cl, th, tl);
    ch = RH;
    cl = RL;
  }
  out[o] = ch;
  out[o + 1] = cl;
  out[o + 2] = sh;
  out[o + 3] = sl;
}

/**
 * T[j] = exp(i (pi / 4) j step / n), j < len, double-double: every 16th entry from the Taylor
 * series, the others by at most 15 double-double rotations by T[1] (error <= ~15 * 2^-104,
 * far below the 2^-53 rounding that follows; ~60 ns per entry instead of ~1 us).
 */
function ddTable(len: number, step: number, n: number): Float64Array {
  const t = new Float64Array(4 * len);
  if (len > 1) sinCosDD(step, n, t, 4);
  const c1h = t[4];
  const c1l = t[5];
  const s1h = t[6];
  const s1l = t[7];
  for (let j = 0; j < len; j++) {
    const o = 4 * j;
    if (j % 16 === 0) {
      sinCosDD(j * step, n, t, o);
      continue;
    }
    if (j === 1) continue;
    // T[j] = T[j - 1] (c1 + i s1)
    const ch = t[o - 4];
    const cl = t[o - 3];
    const sh = t[o - 2];
    const sl = t[o - 1];
    ddMul(ch, cl, c1h, c1l);
    const ah = RH;
    const al = RL;
    ddMul(sh, sl, -s1h, -s1l);
    ddAdd(ah, al, RH, RL);
    t[o] = RH;
    t[o + 1] = RL;
    ddMul(sh, sl, c1h, c1l);
    const bh = RH;
    const bl = RL;
    ddMul(ch, cl, s1h, s1l);
    ddAdd(bh, bl, RH, RL);
    t[o + 2] = RH;
    t[o + 3] = RL;
  }
  return t;
}

/**
 * [c hi, c lo, s hi, s lo] entries to [c hi, c lo, s hi, s lo, c hi split (high, low),
 * s hi split (high, low)]: Dekker's split done once per table entry instead of per product.
 */
function split8(t: Float64Array): Float64Array {
  const len = t.length / 4;
  const out = new Float64Array(8 * len);
  for (let j = 0; j < len; j++) {
    const c = t[4 * j];
    const s = t[4 * j + 2];
    out.set(t.subarray(4 * j, 4 * j + 4), 8 * j);
    let u = SPLITTER * c;
    out[8 * j + 4] = u - (u - c);
    out[8 * j + 5] = c - out[8 * j + 4];
    u = SPLITTER * s;
    out[8 * j + 6] = u - (u - s);
    out[8 * j + 7] = s - out[8 * j + 6];
  }
  return out;
}

/**
 * The roots exp(2 pi i k / n) of one n, correctly rounded (see the file comment). Holds the two
 * double-double tables (~2 sqrt(n) entries); `at` is then allocation free.
 */
export class UnitRootTable {
  private readonly b: number;
  private readonly t0: Float64Array;
  private readonly t1: Float64Array;

  constructor(readonly n: number) {
    const b = Math.max(1, Math.ceil(Math.sqrt(n + 1)));
    this.b = b;
    this.t0 = split8(ddTable(b, 1, n));
    this.t1 = split8(ddTable(Math.floor(n / b) + 1, b, n));
  }

  /** cos and sin of 2 pi k / n into out[off], out[off + 1] (any integer k). */
  at(k: number, out: Float64Array, off: number): void {
    const n = this.n;
    k %= n;
    if (k < 0) k += n;
    // The angle is (pi / 4) * j / n with j = 8k in [0, 8n); fold it to [0, n] (first octant).
    let j = 8 * k;
    let negSin = false;
    let negCos = false;
    let swap = false;
    if (j >= 4 * n) {
      j = 8 * n - j; // theta -> 2 pi - theta
      negSin = true;
    }
    if (j > 2 * n) {
      j = 4 * n - j; // theta -> pi - theta
      negCos = true;
    }
    if (j > n) {
      j = 2 * n - j; // theta -> pi / 2 - theta
      swap = true;
    }
    let c: number;
    let s: number;
    if (j === 0) {
      c = 1;
      s = 0;
    } else if (j === n) {
      c = Math.SQRT1_2;
      s = Math.SQRT1_2;
    } else {
      const j1 = Math.floor(j / this.b);
      const a = this.t1; // exp(i theta1), entry i1
      const b = this.t0; // exp(i theta0), entry i0
      const i1 = 8 * j1;
      const i0 = 8 * (j - j1 * this.b);
      // cos = c1 c0 - s1 s0 and sin = s1 c0 + c1 s0: the two leading products with their exact
      // errors (operands pre-split, see split8), the lo parts to first order, summed and
      // rounded once. Error of the sum before rounding: ~1e-32.
      const c1 = a[i1];
      const s1 = a[i1 + 2];
      const c0 = b[i0];
      const s0 = b[i0 + 2];
      const pcc = c1 * c0;
      const ecc =
        a[i1 + 5] * b[i0 + 5] -
        (pcc - a[i1 + 4] * b[i0 + 4] - a[i1 + 5] * b[i0 + 4] - a[i1 + 4] * b[i0 + 5]);
      const pss = s1 * s0;
      const ess =
        a[i1 + 7] * b[i0 + 7] -
        (pss - a[i1 + 6] * b[i0 + 6] - a[i1 + 7] * b[i0 + 6] - a[i1 + 6] * b[i0 + 7]);
      const psc = s1 * c0;
      const esc =
        a[i1 + 7] * b[i0 + 5] -
        (psc - a[i1 + 6] * b[i0 + 4] - a[i1 + 7] * b[i0 + 4] - a[i1 + 6] * b[i0 + 5]);
      const pcs = c1 * s0;
      const ecs =
        a[i1 + 5] * b[i0 + 7] -
        (pcs - a[i1 + 4] * b[i0 + 6] - a[i1 + 5] * b[i0 + 6] - a[i1 + 4] * b[i0 + 7]);
      // cos: twoSum(pcc, -pss)
      let h = pcc - pss;
      let v = h - pcc;
      let e = pcc - (h - v) + (-pss - v);
      c =
        h + (e + ecc - ess + (c1 * b[i0 + 1] + a[i1 + 1] * c0) - (s1 * b[i0 + 3] + a[i1 + 3] * s0));
      h = psc + pcs;
      v = h - psc;
      e = psc - (h - v) + (pcs - v);
      s =
        h + (e + esc + ecs + (s1 * b[i0 + 1] + a[i1 + 3] * c0) + (c1 * b[i0 + 3] + a[i1 + 1] * s0));
    }
    if (swap) {
      const t = c;
      c = s;
      s = t;
    }
    out[off] = negCos ? -c : c;
    out[off + 1] = negSin ? -s : s;
  }
}

let lastTable: UnitRootTable | null = null;

/**
 * cos and sin of 2 pi k / n written to out[off] and out[off + 1] (k, n integers, n >= 1,
 * 8 n < 2^53). Reuses the tables of the previous call's n; for many roots of one n, hold a
 * UnitRootTable.
 */
export function sinCos2Pi(k: number, n: number, out: Float64Array, off: number): void {
  if (lastTable === null || lastTable.n !== n) lastTable = new UnitRootTable(n);
  lastTable.at(k, out, off);
}

/**
 * All n roots of unity: out[2k] = cos(2 pi k / n), out[2k + 1] = sin(2 pi k / n), k < n.
 * Computed for k <= n / 2 (k <= n / 8 when 8 divides n) and completed by exact symmetries.
 */
export function unitRoots(n: number): Float64Array {
  const out = new Float64Array(2 * n);
  const table = new UnitRootTable(n);
  if (n % 8 === 0) {
    const e = n / 8;
    for (let k = 0; k <= e; k++) table.at(k, out, 2 * k);
    // (n/4 - k): swap cos and sin.
    for (let k = e + 1; k <= 2 * e; k++) {
      out[2 * k] = out[2 * (2 * e - k) + 1];
      out[2 * k + 1] = out[2 * (2 * e - k)];
    }
    // (n/2 - k): cos negated.
    for (let k = 2 * e + 1; k <= 4 * e; k++) {
      out[2 * k] = -out[2 * (4 * e - k)];
      out[2 * k + 1] = out[2 * (4 * e - k) + 1];
    }
  } else {
    for (let k = 0; 2 * k <= n; k++) table.at(k, out, 2 * k);
  }
  // (n - k): conjugate.
  for (let k = (n >> 1) + 1; k < n; k++) {
    out[2 * k] = out[2 * (n - k)];
    out[2 * k + 1] = -out[2 * (n - k) + 1];
  }
  return out;
}
