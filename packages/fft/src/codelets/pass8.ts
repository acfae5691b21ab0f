/** Radix-8 butterfly pass (see types.ts for the layout and the direction convention). */
import type { GenericRadix } from "./types.js";

const C8 = Math.SQRT1_2;

export function pass8(
  ido: number,
  l1: number,
  cc: Float64Array,
  ccOff: number,
  ch: Float64Array,
  chOff: number,
  tw: Float64Array,
  sign: number,
  _generic: GenericRadix | null,
): void {
  const im1 = 2 * ido;
  const im2 = 2 * im1;
  const im3 = 3 * im1;
  const im4 = 4 * im1;
  const im5 = 5 * im1;
  const im6 = 6 * im1;
  const im7 = 7 * im1;
  const ik = 8 * im1;
  const ok = 2 * ido;
  const oq = ok * l1;
  const f = sign < 0;
  const o1 = f ? oq : 7 * oq;
  const o2 = f ? 2 * oq : 6 * oq;
  const o3 = f ? 3 * oq : 5 * oq;
  const o4 = 4 * oq;
  const o5 = f ? 5 * oq : 3 * oq;
  const o6 = f ? 6 * oq : 2 * oq;
  const o7 = f ? 7 * oq : oq;
  for (let k = 0, a = ccOff, b = chOff; k < l1; k++, a += ik, b += ok) {
    const x0r = cc[a];
    const x0i = cc[a + 1];
    const x4r = cc[a + im4];
    const x4i = cc[a + im4 + 1];
    const a0r = x0r + x4r;
    const a0i = x0i + x4i;
    const a1r = x0r - x4r;
    const a1i = x0i - x4i;
    const x2r = cc[a + im2];
    const x2i = cc[a + im2 + 1];
    const x6r = cc[a + im6];
    const x6i = cc[a + im6 + 1];
    const a2r = x2r + x6r;
    const a2i = x2i + x6i;
    const a3r = x2r - x6r;
    const a3i = x2i - x6i;
    const x1r = cc[a + im1];
    const x1i = cc[a + im1 + 1];
    const x5r = cc[a + im5];
    const x5i = cc[a + im5 + 1];
    const a4r = x1r + x5r;
    const a4i = x1i + x5i;
    const a5r = x1r - x5r;
    const a5i = x1i - x5i;
    const x3r = cc[a + im3];
    const x3i = cc[a + im3 + 1];
    const x7r = cc[a + im7];
    const x7i = cc[a + im7 + 1];
    const a6r = x3r + x7r;
    const a6i = x3i + x7i;
    const a7r = x3r - x7r;
    const a7i = x3i - x7i;
    // Even half: 4-point DFT of x0, x2, x4, x6; odd half: of x1, x3, x5, x7.
    const e0r = a0r + a2r;
    const e0i = a0i + a2i;
    const e2r = a0r - a2r;
    const e2i = a0i - a2i;
    const e1r = a1r + a3i;
    const e1i = a1i - a3r;
    const e3r = a1r - a3i;
    const e3i = a1i + a3r;
    const p0r = a4r + a6r;
    const p0i = a4i + a6i;
    const p2r = a4r - a6r;
    const p2i = a4i - a6i;
    const p1r = a5r + a7i;
    const p1i = a5i - a7r;
    const p3r = a5r - a7i;
    const p3i = a5i + a7r;
    // Odd half times exp(-2 pi i q / 8).
    const q1r = (p1r + p1i) * C8;
    const q1i = (p1i - p1r) * C8;
    const q3r = (p3i - p3r) * C8;
    const q3i = -(p3r + p3i) * C8;
    ch[b] = e0r + p0r;
    ch[b + 1] = e0i + p0i;
    ch[b + o4] = e0r - p0r;
    ch[b + o4 + 1] = e0i - p0i;
    ch[b + o1] = e1r + q1r;
    ch[b + o1 + 1] = e1i + q1i;
    ch[b + o5] = e1r - q1r;
    ch[b + o5 + 1] = e1i - q1i;
    ch[b + o2] = e2r + p2i;
    ch[b + o2 + 1] = e2i - p2r;
    ch[b + o6] = e2r - p2i;
    ch[b + o6 + 1] = e2i + p2r;
    ch[b + o3] = e3r + q3r;
    ch[b + o3 + 1] = e3i + q3i;
    ch[b + o7] = e3r - q3r;
    ch[b + o7 + 1] = e3i - q3i;
  }
  if (ido === 1) return;
  let nu: number,
    nv: number,
    au: number,
    av: number,
    bu: number,
    bv: number,
    tu: number,
    tv: number;
  if (ido - 1 >= l1) {
    nu = l1;
    au = ik;
    bu = ok;
    tu = 0;
    nv = ido - 1;
    av = 2;
    bv = 2;
    tv = 14;
  } else {
    nu = ido - 1;
    au = 2;
    bu = 2;
    tu = 14;
    nv = l1;
    av = ik;
    bv = ok;
    tv = 0;
  }
  for (
    let u = 0, a0 = ccOff + 2, b0 = chOff + 2, t0 = 0;
    u < nu;
    u++, a0 += au, b0 += bu, t0 += tu
  ) {
    for (let v = 0, a = a0, b = b0, t = t0; v < nv; v++, a += av, b += bv, t += tv) {
      const x0r = cc[a];
      const x0i = cc[a + 1];
      const x4r = cc[a + im4];
      const x4i = cc[a + im4 + 1];
      const a0r = x0r + x4r;
      const a0i = x0i + x4i;
      const a1r = x0r - x4r;
      const a1i = x0i - x4i;
      const x2r = cc[a + im2];
      const x2i = cc[a + im2 + 1];
      const x6r = cc[a + im6];
      const x6i = cc[a + im6 + 1];
      const a2r = x2r + x6r;
      const a2i = x2i + x6i;
      const a3r = x2r - x6r;
      const a3i = x2i - x6i;
      const x1r = cc[a + im1];
      const x1i = cc[a + im1 + 1];
      const x5r = cc[a + im5];
      const x5i = cc[a + im5 + 1];
      const a4r = x1r + x5r;
      const a4i = x1i + x5i;
      const a5r = x1r - x5r;
      const a5i = x1i - x5i;
      const x3r = cc[a + im3];
      const x3i = cc[a + im3 + 1];
      const x7r = cc[a + im7];
      const x7i = cc[a + im7 + 1];
      const a6r = x3r + x7r;
      const a6i = x3i + x7i;
      const a7r = x3r - x7r;
      const a7i = x3i - x7i;
      const e0r = a0r + a2r;
      const e0i = a0i + a2i;
      const e2r = a0r - a2r;
      const e2i = a0i - a2i;
      const e1r = a1r + a3i;
      const e1i = a1i - a3r;
      const e3r = a1r - a3i;
      const e3i = a1i + a3r;
      const p0r = a4r + a6r;
      const p0i = a4i + a6i;
      const p2r = a4r - a6r;
      const p2i = a4i - a6i;
      const p1r = a5r + a7i;
      const p1i = a5i - a7r;
      const p3r = a5r - a7i;
      const p3i = a5i + a7r;
      const q1r = (p1r + p1i) * C8;
      const q1i = (p1i - p1r) * C8;
      const q3r = (p3i - p3r) * C8;
      const q3i = -(p3r + p3i) * C8;
      ch[b] = e0r + p0r;
      ch[b + 1] = e0i + p0i;
      let yr = e1r + q1r;
      let yi = e1i + q1i;
      let wr = tw[t];
      let wi = tw[t + 1];
      ch[b + o1] = yr * wr - yi * wi;
      ch[b + o1 + 1] = yr * wi + yi * wr;
      yr = e2r + p2i;
      yi = e2i - p2r;
      wr = tw[t + 2];
      wi = tw[t + 3];
      ch[b + o2] = yr * wr - yi * wi;
      ch[b + o2 + 1] = yr * wi + yi * wr;
      yr = e3r + q3r;
      yi = e3i + q3i;
      wr = tw[t + 4];
      wi = tw[t + 5];
      ch[b + o3] = yr * wr - yi * wi;
      ch[b + o3 + 1] = yr * wi + yi * wr;
      yr = e0r - p0r;
      yi = e0i - p0i;
      wr = tw[t + 6];
      wi = tw[t + 7];
      ch[b + o4] = yr * wr - yi * wi;
      ch[b + o4 + 1] = yr * wi + yi * wr;
      yr = e1r - q1r;
      yi = e1i - q1i;
      wr = tw[t + 8];
      wi = tw[t + 9];
      ch[b + o5] = yr * wr - yi * wi;
      ch[b + o5 + 1] = yr * wi + yi * wr;
      yr = e2r - p2i;
      yi = e2i + p2r;
      wr = tw[t + 10];
      wi = tw[t + 11];
      ch[b + o6] = yr * wr - yi * wi;
      ch[b + o6 + 1] = yr * wi + yi * wr;
      yr = e3r - q3r;
      yi = e3i - q3i;
      wr = tw[t + 12];
      wi = tw[t + 13];
      ch[b + o7] = yr * wr - yi * wi;
      ch[b + o7 + 1] = yr * wi + yi * wr;
    }
  }
}
