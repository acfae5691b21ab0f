/**
 * Generic odd-radix butterfly pass, for prime factors without a codelet (13, 17, ...).
 * Same layout and direction convention as the codelets (types.ts). Per butterfly, with
 * s_j = x_j + x_{r-j} and d_j = x_j - x_{r-j} (j = 1..(r-1)/2):
 *   Y_0 = x_0 + sum_j s_j,  Y_k = A_k - i B_k,  Y_{r-k} = A_k + i B_k,
 *   A_k = x_0 + sum_j cos(2 pi jk / r) s_j,  B_k = sum_j sin(2 pi jk / r) d_j,
 * about r^2 real multiply-adds per r outputs (half of a direct DFT's). The plan's cost model
 * sends lengths with large prime factors to Bluestein instead.
 */
import { loops, twiddle } from "./loops.js";
import type { Codelet, GenericRadix } from "./types.js";

export const passGeneric: Codelet = (ido, l1, cc, ccOff, ch, chOff, tw, sign, generic) => {
  const g = generic!;
  const r = g.radix;
  const im1 = 2 * ido;
  const ik = r * im1;
  const ok = 2 * ido;
  const oq = ok * l1;
  // Output offset of the q-th computed output: q forward, r - q backward.
  const oMirror = sign < 0 ? 0 : r * oq;
  const oStep = sign < 0 ? oq : -oq;
  for (let k = 0; k < l1; k++) {
    butterfly(g, cc, ccOff + k * ik, im1, ch, chOff + k * ok, oMirror, oStep, tw, -1);
  }
  const { nu, nv, au, av, bu, bv, tu, tv } = loops(ido, l1, ik, ok, 2 * (r - 1));
  for (
    let u = 0, a0 = ccOff + 2, b0 = chOff + 2, t0 = 0;
    u < nu;
    u++, a0 += au, b0 += bu, t0 += tu
  ) {
    for (let v = 0, a = a0, b = b0, t = t0; v < nv; v++, a += av, b += bv, t += tv) {
      butterfly(g, cc, a, im1, ch, b, oMirror, oStep, tw, t);
    }
  }
};

/** One r-point butterfly; t < 0: no twiddles. */
function butterfly(
  g: GenericRadix,
  cc: Float64Array,
  a: number,
  im1: number,
  ch: Float64Array,
  b: number,
  oMirror: number,
  oStep: number,
  tw: Float64Array,
  t: number,
): void {
  const r = g.radix;
  const h = (r - 1) >> 1;
  const roots = g.roots;
  const sc = g.scratch; // s_j at 4j - 4.., d_j at 4j - 2..
  const x0r = cc[a];
  const x0i = cc[a + 1];
  let y0r = x0r;
  let y0i = x0i;
  for (let j = 1; j <= h; j++) {
    const p = a + j * im1;
    const m = a + (r - j) * im1;
    const sr = cc[p] + cc[m];
    const si = cc[p + 1] + cc[m + 1];
    sc[4 * j - 4] = sr;
    sc[4 * j - 3] = si;
    sc[4 * j - 2] = cc[p] - cc[m];
    sc[4 * j - 1] = cc[p + 1] - cc[m + 1];
    y0r += sr;
    y0i += si;
  }
  ch[b] = y0r;
  ch[b + 1] = y0i;
  for (let k = 1; k <= h; k++) {
    let ar = x0r;
    let ai = x0i;
    let br = 0;
    let bi = 0;
    for (let j = 1, idx = k; j <= h; j++, idx += k) {
      if (idx >= r) idx -= r;
      const c = roots[2 * idx];
      const s = roots[2 * idx + 1];
      ar += c * sc[4 * j - 4];
      ai += c * sc[4 * j - 3];
      br += s * sc[4 * j - 2];
      bi += s * sc[4 * j - 1];
    }
    store(ch, b, oMirror, oStep, k, ar + bi, ai - br, tw, t);
    store(ch, b, oMirror, oStep, r - k, ar - bi, ai + br, tw, t);
  }
}

function store(
  ch: Float64Array,
  b: number,
  oMirror: number,
  oStep: number,
  q: number,
  yr: number,
  yi: number,
  tw: Float64Array,
  t: number,
): void {
  const o = b + oMirror + q * oStep;
  if (t < 0) {
    ch[o] = yr;
    ch[o + 1] = yi;
  } else {
    twiddle(ch, o, yr, yi, tw, t + 2 * (q - 1));
  }
}
