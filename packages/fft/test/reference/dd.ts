/**
 * Double-double ("dd") arithmetic for the exact FFT reference: a value is hi + lo with
 * |lo| <= ulp(hi) / 2, about 106 significant bits (unit roundoff ~ 2^-104 ~ 4.9e-32 per
 * operation, as in Bailey's QD library, whose algorithms these are).
 *
 * Error-free transformations (exact in IEEE binary64 with round-to-nearest):
 *   TwoSum(a, b)      s + e = a + b exactly                  (Knuth)
 *   QuickTwoSum(a, b) same, when |a| >= |b|                  (Dekker)
 *   TwoProd(a, b)     p + e = a * b exactly, by splitting each factor into two 26-bit halves
 *                     (Dekker/Veltkamp with 2^27 + 1): JavaScript has no fused multiply-add.
 *                     Valid while |a|, |b| < ~2^996 (no overflow in the split), true here.
 *
 * The operations return their result in the module registers RH / RL (read them right after the
 * call): no allocation in the reference's inner loops, which matters because the reference
 * transforms 2^18-point sequences. Complex dd vectors are Float64Arrays with 4 numbers per
 * element: [re.hi, re.lo, im.hi, im.lo].
 */

const SPLITTER = 134217729; // 2^27 + 1

/** Result registers of the last dd operation. */
export let RH = 0;
export let RL = 0;

/** (hi, lo) = a + b exactly. */
export function twoSum(a: number, b: number): void {
  const s = a + b;
  const v = s - a;
  RL = a - (s - v) + (b - v);
  RH = s;
}

/** (hi, lo) = a * b exactly (Dekker). */
export function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  RL = ah * bh - p + ah * bl + al * bh + al * bl;
  RH = p;
}

/** dd + dd, the accurate ("IEEE") variant: relative error <= ~2 * 2^-106 even with cancellation. */
export function add(ah: number, al: number, bh: number, bl: number): void {
  let s1 = ah + bh;
  let v = s1 - ah;
  let s2 = ah - (s1 - v) + (bh - v);
  const t1 = al + bl;
  v = t1 - al;
  const t2 = al - (t1 - v) + (bl - v);
  s2 += t1;
  let h = s1 + s2;
  s2 = s2 - (h - s1);
  s1 = h;
  s2 += t2;
  h = s1 + s2;
  RL = s2 - (h - s1);
  RH = h;
}

/** dd - dd. */
export function sub(ah: number, al: number, bh: number, bl: number): void {
  add(ah, al, -bh, -bl);
}

/** dd * dd (relative error <= ~4 * 2^-106). */
export function mul(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh;
  let t = SPLITTER * ah;
  const xh = t - (t - ah);
  const xl = ah - xh;
  t = SPLITTER * bh;
  const yh = t - (t - bh);
  const yl = bh - yh;
  let e = xh * yh - p + xh * yl + xl * yh + xl * yl;
  e += ah * bl + al * bh;
  const h = p + e;
  RL = e - (h - p);
  RH = h;
}

/** dd * double. */
export function mulD(ah: number, al: number, b: number): void {
  const p = ah * b;
  let t = SPLITTER * ah;
  const xh = t - (t - ah);
  const xl = ah - xh;
  t = SPLITTER * b;
  const yh = t - (t - b);
  const yl = b - yh;
  let e = xh * yh - p + xh * yl + xl * yh + xl * yl;
  e += al * b;
  const h = p + e;
  RL = e - (h - p);
  RH = h;
}

/** dd / double (QD's algorithm: one correction step; relative error ~ 2^-104). */
export function divD(ah: number, al: number, b: number): void {
  const q1 = ah / b;
  twoProd(q1, b);
  const ph = RH;
  const pl = RL;
  twoSum(ah, -ph);
  let e = RL + al - pl;
  const s = RH;
  const q2 = (s + e) / b;
  const h = q1 + q2;
  e = q2 - (h - q1);
  RH = h;
  RL = e;
}

// ------------------------------------------------------------------ complex dd vectors

/** A complex dd vector: element k is [re.hi, re.lo, im.hi, im.lo] at 4k. */
export type DDComplex = Float64Array;

export function ddComplex(n: number): DDComplex {
  return new Float64Array(4 * n);
}

/**
 * Complex dd vector from interleaved doubles (re, im) read at offset/stride counted in complex
 * elements, or from real doubles when `real` is set (offset/stride in reals). Exact.
 */
export function fromInterleaved(
  x: ArrayLike<number>,
  n: number,
  offset = 0,
  stride = 1,
  real = false,
): DDComplex {
  const z = ddComplex(n);
  for (let j = 0; j < n; j++) {
    if (real) {
      z[4 * j] = x[offset + j * stride];
    } else {
      z[4 * j] = x[2 * (offset + j * stride)];
      z[4 * j + 2] = x[2 * (offset + j * stride) + 1];
    }
  }
  return z;
}

/** dst[d] = a[i] * b[j] (complex dd; dst may alias a or b). */
export function cmul(
  dst: DDComplex,
  d: number,
  a: DDComplex,
  i: number,
  b: DDComplex,
  j: number,
): void {
  cmulTo(dst, d, a, i, b, j, false);
}

/** dst[d] += a[i] * b[j] (complex dd). */
export function cmulAdd(
  dst: DDComplex,
  d: number,
  a: DDComplex,
  i: number,
  b: DDComplex,
  j: number,
): void {
  cmulTo(dst, d, a, i, b, j, true);
}

/** dst[d] = a[i] * b[j], or dst[d] += a[i] * b[j] when accumulate (complex dd; the product is
 * rounded to dd before it is added). */
function cmulTo(
  dst: DDComplex,
  d: number,
  a: DDComplex,
  i: number,
  b: DDComplex,
  j: number,
  accumulate: boolean,
): void {
  const arh = a[i],
    arl = a[i + 1],
    aih = a[i + 2],
    ail = a[i + 3];
  const brh = b[j],
    brl = b[j + 1],
    bih = b[j + 2],
    bil = b[j + 3];
  mul(arh, arl, brh, brl);
  const p1h = RH,
    p1l = RL;
  mul(aih, ail, bih, bil);
  add(p1h, p1l, -RH, -RL);
  const reh = RH,
    rel = RL;
  mul(arh, arl, bih, bil);
  const p3h = RH,
    p3l = RL;
  mul(aih, ail, brh, brl);
  add(p3h, p3l, RH, RL);
  if (accumulate) {
    const imh = RH,
      iml = RL;
    add(dst[d], dst[d + 1], reh, rel);
    dst[d] = RH;
    dst[d + 1] = RL;
    add(dst[d + 2], dst[d + 3], imh, iml);
  } else {
    dst[d] = reh;
    dst[d + 1] = rel;
  }
  dst[d + 2] = RH;
  dst[d + 3] = RL;
}

/** dst[d] = a[i] + s * b[j], s = +1 or -1 (complex dd). */
export function caddScaled(
  dst: DDComplex,
  d: number,
  a: DDComplex,
  i: number,
  b: DDComplex,
  j: number,
  s: 1 | -1,
): void {
  const brh = s * b[j],
    brl = s * b[j + 1],
    bih = s * b[j + 2],
    bil = s * b[j + 3];
  add(a[i], a[i + 1], brh, brl);
  const rh = RH,
    rl = RL;
  add(a[i + 2], a[i + 3], bih, bil);
  dst[d] = rh;
  dst[d + 1] = rl;
  dst[d + 2] = RH;
  dst[d + 3] = RL;
}

/** Round a complex dd vector to interleaved doubles (re, im). */
export function toInterleaved(z: DDComplex): Float64Array {
  const n = z.length / 4;
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    out[2 * k] = z[4 * k] + z[4 * k + 1];
    out[2 * k + 1] = z[4 * k + 2] + z[4 * k + 3];
  }
  return out;
}

// ------------------------------------------------------------------ kernels
// (hot loops that use the result registers live in this module: see radix2InPlace)

/** Taylor series: cos a, sin a in dd for 0 <= a <= pi / 4 given in dd; result in out[0..3] = cos hi, lo, sin hi, lo. */
export function sinCosSmall(ah: number, al: number, out: Float64Array): void {
  mul(ah, al, ah, al);
  const x2h = RH;
  const x2l = RL;
  // sin a = a - a^3/3! + ...; term_{i} = term_{i-1} * a^2 / ((2i)(2i+1))
  let th = ah;
  let tl = al;
  let sh = ah;
  let sl = al;
  for (let i = 1; i < 40 && th !== 0; i++) {
    mul(th, tl, x2h, x2l);
    divD(RH, RL, -(2 * i) * (2 * i + 1));
    th = RH;
    tl = RL;
    add(sh, sl, th, tl);
    sh = RH;
    sl = RL;
    if (Math.abs(th) < 1e-36 * Math.abs(sh)) break;
  }
  // cos a = 1 - a^2/2! + ...
  let ch = 1;
  let cl = 0;
  th = 1;
  tl = 0;
  for (let i = 1; i < 40; i++) {
    mul(th, tl, x2h, x2l);
    divD(RH, RL, -(2 * i - 1) * (2 * i));
    th = RH;
    tl = RL;
    add(ch, cl, th, tl);
    ch = RH;
    cl = RL;
    if (Math.abs(th) < 1e-36) break;
  }
  out[0] = ch;
  out[1] = cl;
  out[2] = sh;
  out[3] = sl;
}

/**
 * Power-of-two lengths: iterative radix-2 decimation in time on a copy, in bit-reversed order
 * first, with the dd products written out inline (the Bluestein convolutions of length 2^18
 * dominate the reference's run time). Same arithmetic as cmul / caddScaled. Lives here, beside
 * the result registers, because reading another module's live bindings is slow under vitest.
 */
export function radix2InPlace(z: DDComplex, n: number, tw: Float64Array, ts: number): DDComplex {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      for (let c = 0; c < 4; c++) {
        const t = z[4 * i + c];
        z[4 * i + c] = z[4 * j + c];
        z[4 * j + c] = t;
      }
    }
  }
  for (let len = 2; len <= n; len *= 2) {
    const half = len / 2;
    const step = (n / len) * ts; // W_len^k = tw[k * step]
    for (let k = 0; k < half; k++) {
      const wi = 4 * k * step;
      const wrh = tw[wi],
        wrl = tw[wi + 1],
        wih = tw[wi + 2],
        wil = tw[wi + 3];
      // Veltkamp split of the twiddle parts, shared by all butterflies of this k
      let t = SPLITTER * wrh;
      const wrH = t - (t - wrh);
      const wrL = wrh - wrH;
      t = SPLITTER * wih;
      const wiH = t - (t - wih);
      const wiL = wih - wiH;
      for (let s = k; s < n; s += len) {
        const a = 4 * s;
        const b = 4 * (s + half);
        const orh = z[b],
          orl = z[b + 1],
          oih = z[b + 2],
          oil = z[b + 3];
        // products o * w, each dd * dd (Dekker), as in dd.mul
        t = SPLITTER * orh;
        const orH = t - (t - orh);
        const orL = orh - orH;
        t = SPLITTER * oih;
        const oiH = t - (t - oih);
        const oiL = oih - oiH;
        // p1 = or * wr
        let p = orh * wrh;
        let e = orH * wrH - p + orH * wrL + orL * wrH + orL * wrL + (orh * wrl + orl * wrh);
        const p1h = p + e;
        const p1l = e - (p1h - p);
        // p2 = oi * wi
        p = oih * wih;
        e = oiH * wiH - p + oiH * wiL + oiL * wiH + oiL * wiL + (oih * wil + oil * wih);
        const p2h = p + e;
        const p2l = e - (p2h - p);
        // p3 = or * wi
        p = orh * wih;
        e = orH * wiH - p + orH * wiL + orL * wiH + orL * wiL + (orh * wil + orl * wih);
        const p3h = p + e;
        const p3l = e - (p3h - p);
        // p4 = oi * wr
        p = oih * wrh;
        e = oiH * wrH - p + oiH * wrL + oiL * wrH + oiL * wrL + (oih * wrl + oil * wrh);
        const p4h = p + e;
        const p4l = e - (p4h - p);
        // (vr, vi) = o * w = (p1 - p2, p3 + p4), accurate dd adds
        add(p1h, p1l, -p2h, -p2l);
        const vrh = RH,
          vrl = RL;
        add(p3h, p3l, p4h, p4l);
        const vih = RH,
          vil = RL;
        const erh = z[a],
          erl = z[a + 1],
          eih = z[a + 2],
          eil = z[a + 3];
        add(erh, erl, vrh, vrl);
        z[a] = RH;
        z[a + 1] = RL;
        add(eih, eil, vih, vil);
        z[a + 2] = RH;
        z[a + 3] = RL;
        add(erh, erl, -vrh, -vrl);
        z[b] = RH;
        z[b + 1] = RL;
        add(eih, eil, -vih, -vil);
        z[b + 2] = RH;
        z[b + 3] = RL;
      }
    }
  }
  return z;
}
