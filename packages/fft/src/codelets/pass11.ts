/** Radix-11 butterfly pass (see types.ts for the layout and the direction convention).
 * Odd-prime form: with s_j = x_j + x_{11-j}, d_j = x_j - x_{11-j} (j = 1..5),
 * A_k = x_0 + sum_j cos(2 pi jk / 11) s_j, B_k = sum_j sin(2 pi jk / 11) d_j,
 * the forward DFT is Y_0 = x_0 + sum_j s_j, Y_k = A_k - i B_k, Y_{11-k} = A_k + i B_k. */
import type { GenericRadix } from "./types.js";

/** cos and sin of 2 pi 1 / 11, correctly rounded. */
const C1 = 0.8412535328311812;
const S1 = 0.5406408174555976;
/** cos and sin of 2 pi 2 / 11, correctly rounded. */
const C2 = 0.41541501300188644;
const S2 = 0.9096319953545183;
/** cos and sin of 2 pi 3 / 11, correctly rounded. */
const C3 = -0.14231483827328514;
const S3 = 0.9898214418809327;
/** cos and sin of 2 pi 4 / 11, correctly rounded. */
const C4 = -0.6548607339452851;
const S4 = 0.7557495743542583;
/** cos and sin of 2 pi 5 / 11, correctly rounded. */
const C5 = -0.9594929736144974;
const S5 = 0.28173255684142967;

export function pass11(
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
  const im8 = 8 * im1;
  const im9 = 9 * im1;
  const im10 = 10 * im1;
  const ik = 11 * im1;
  const ok = 2 * ido;
  const oq = ok * l1;
  const f = sign < 0;
  const o1 = f ? oq : 10 * oq;
  const o2 = f ? 2 * oq : 9 * oq;
  const o3 = f ? 3 * oq : 8 * oq;
  const o4 = f ? 4 * oq : 7 * oq;
  const o5 = f ? 5 * oq : 6 * oq;
  const o6 = f ? 6 * oq : 5 * oq;
  const o7 = f ? 7 * oq : 4 * oq;
  const o8 = f ? 8 * oq : 3 * oq;
  const o9 = f ? 9 * oq : 2 * oq;
  const o10 = f ? 10 * oq : oq;
  for (let k = 0, a = ccOff, b = chOff; k < l1; k++, a += ik, b += ok) {
    const x0r = cc[a];
    const x0i = cc[a + 1];
    const x1r = cc[a + im1];
    const x1i = cc[a + im1 + 1];
    const x10r = cc[a + im10];
    const x10i = cc[a + im10 + 1];
    const s1r = x1r + x10r;
    const s1i = x1i + x10i;
    const d1r = x1r - x10r;
    const d1i = x1i - x10i;
    const x2r = cc[a + im2];
    const x2i = cc[a + im2 + 1];
    const x9r = cc[a + im9];
    const x9i = cc[a + im9 + 1];
    const s2r = x2r + x9r;
    const s2i = x2i + x9i;
    const d2r = x2r - x9r;
    const d2i = x2i - x9i;
    const x3r = cc[a + im3];
    const x3i = cc[a + im3 + 1];
    const x8r = cc[a + im8];
    const x8i = cc[a + im8 + 1];
    const s3r = x3r + x8r;
    const s3i = x3i + x8i;
    const d3r = x3r - x8r;
    const d3i = x3i - x8i;
    const x4r = cc[a + im4];
    const x4i = cc[a + im4 + 1];
    const x7r = cc[a + im7];
    const x7i = cc[a + im7 + 1];
    const s4r = x4r + x7r;
    const s4i = x4i + x7i;
    const d4r = x4r - x7r;
    const d4i = x4i - x7i;
    const x5r = cc[a + im5];
    const x5i = cc[a + im5 + 1];
    const x6r = cc[a + im6];
    const x6i = cc[a + im6 + 1];
    const s5r = x5r + x6r;
    const s5i = x5i + x6i;
    const d5r = x5r - x6r;
    const d5i = x5i - x6i;
    ch[b] = x0r + s1r + s2r + s3r + s4r + s5r;
    ch[b + 1] = x0i + s1i + s2i + s3i + s4i + s5i;
    const a1r = x0r + C1 * s1r + C2 * s2r + C3 * s3r + C4 * s4r + C5 * s5r;
    const a1i = x0i + C1 * s1i + C2 * s2i + C3 * s3i + C4 * s4i + C5 * s5i;
    const b1r = S1 * d1r + S2 * d2r + S3 * d3r + S4 * d4r + S5 * d5r;
    const b1i = S1 * d1i + S2 * d2i + S3 * d3i + S4 * d4i + S5 * d5i;
    ch[b + o1] = a1r + b1i;
    ch[b + o1 + 1] = a1i - b1r;
    ch[b + o10] = a1r - b1i;
    ch[b + o10 + 1] = a1i + b1r;
    const a2r = x0r + C2 * s1r + C4 * s2r + C5 * s3r + C3 * s4r + C1 * s5r;
    const a2i = x0i + C2 * s1i + C4 * s2i + C5 * s3i + C3 * s4i + C1 * s5i;
    const b2r = S2 * d1r + S4 * d2r - S5 * d3r - S3 * d4r - S1 * d5r;
    const b2i = S2 * d1i + S4 * d2i - S5 * d3i - S3 * d4i - S1 * d5i;
    ch[b + o2] = a2r + b2i;
    ch[b + o2 + 1] = a2i - b2r;
    ch[b + o9] = a2r - b2i;
    ch[b + o9 + 1] = a2i + b2r;
    const a3r = x0r + C3 * s1r + C5 * s2r + C2 * s3r + C1 * s4r + C4 * s5r;
    const a3i = x0i + C3 * s1i + C5 * s2i + C2 * s3i + C1 * s4i + C4 * s5i;
    const b3r = S3 * d1r - S5 * d2r - S2 * d3r + S1 * d4r + S4 * d5r;
    const b3i = S3 * d1i - S5 * d2i - S2 * d3i + S1 * d4i + S4 * d5i;
    ch[b + o3] = a3r + b3i;
    ch[b + o3 + 1] = a3i - b3r;
    ch[b + o8] = a3r - b3i;
    ch[b + o8 + 1] = a3i + b3r;
    const a4r = x0r + C4 * s1r + C3 * s2r + C1 * s3r + C5 * s4r + C2 * s5r;
    const a4i = x0i + C4 * s1i + C3 * s2i + C1 * s3i + C5 * s4i + C2 * s5i;
    const b4r = S4 * d1r - S3 * d2r + S1 * d3r + S5 * d4r - S2 * d5r;
    const b4i = S4 * d1i - S3 * d2i + S1 * d3i + S5 * d4i - S2 * d5i;
    ch[b + o4] = a4r + b4i;
    ch[b + o4 + 1] = a4i - b4r;
    ch[b + o7] = a4r - b4i;
    ch[b + o7 + 1] = a4i + b4r;
    const a5r = x0r + C5 * s1r + C1 * s2r + C4 * s3r + C2 * s4r + C3 * s5r;
    const a5i = x0i + C5 * s1i + C1 * s2i + C4 * s3i + C2 * s4i + C3 * s5i;
    const b5r = S5 * d1r - S1 * d2r + S4 * d3r - S2 * d4r + S3 * d5r;
    const b5i = S5 * d1i - S1 * d2i + S4 * d3i - S2 * d4i + S3 * d5i;
    ch[b + o5] = a5r + b5i;
    ch[b + o5 + 1] = a5i - b5r;
    ch[b + o6] = a5r - b5i;
    ch[b + o6 + 1] = a5i + b5r;
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
    tv = 20;
  } else {
    nu = ido - 1;
    au = 2;
    bu = 2;
    tu = 20;
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
      const x1r = cc[a + im1];
      const x1i = cc[a + im1 + 1];
      const x10r = cc[a + im10];
      const x10i = cc[a + im10 + 1];
      const s1r = x1r + x10r;
      const s1i = x1i + x10i;
      const d1r = x1r - x10r;
      const d1i = x1i - x10i;
      const x2r = cc[a + im2];
      const x2i = cc[a + im2 + 1];
      const x9r = cc[a + im9];
      const x9i = cc[a + im9 + 1];
      const s2r = x2r + x9r;
      const s2i = x2i + x9i;
      const d2r = x2r - x9r;
      const d2i = x2i - x9i;
      const x3r = cc[a + im3];
      const x3i = cc[a + im3 + 1];
      const x8r = cc[a + im8];
      const x8i = cc[a + im8 + 1];
      const s3r = x3r + x8r;
      const s3i = x3i + x8i;
      const d3r = x3r - x8r;
      const d3i = x3i - x8i;
      const x4r = cc[a + im4];
      const x4i = cc[a + im4 + 1];
      const x7r = cc[a + im7];
      const x7i = cc[a + im7 + 1];
      const s4r = x4r + x7r;
      const s4i = x4i + x7i;
      const d4r = x4r - x7r;
      const d4i = x4i - x7i;
      const x5r = cc[a + im5];
      const x5i = cc[a + im5 + 1];
      const x6r = cc[a + im6];
      const x6i = cc[a + im6 + 1];
      const s5r = x5r + x6r;
      const s5i = x5i + x6i;
      const d5r = x5r - x6r;
      const d5i = x5i - x6i;
      ch[b] = x0r + s1r + s2r + s3r + s4r + s5r;
      ch[b + 1] = x0i + s1i + s2i + s3i + s4i + s5i;
      let yr: number;
      let yi: number;
      let wr: number;
      let wi: number;
      const a1r = x0r + C1 * s1r + C2 * s2r + C3 * s3r + C4 * s4r + C5 * s5r;
      const a1i = x0i + C1 * s1i + C2 * s2i + C3 * s3i + C4 * s4i + C5 * s5i;
      const b1r = S1 * d1r + S2 * d2r + S3 * d3r + S4 * d4r + S5 * d5r;
      const b1i = S1 * d1i + S2 * d2i + S3 * d3i + S4 * d4i + S5 * d5i;
      yr = a1r + b1i;
      yi = a1i - b1r;
      wr = tw[t];
      wi = tw[t + 1];
      ch[b + o1] = yr * wr - yi * wi;
      ch[b + o1 + 1] = yr * wi + yi * wr;
      yr = a1r - b1i;
      yi = a1i + b1r;
      wr = tw[t + 18];
      wi = tw[t + 19];
      ch[b + o10] = yr * wr - yi * wi;
      ch[b + o10 + 1] = yr * wi + yi * wr;
      const a2r = x0r + C2 * s1r + C4 * s2r + C5 * s3r + C3 * s4r + C1 * s5r;
      const a2i = x0i + C2 * s1i + C4 * s2i + C5 * s3i + C3 * s4i + C1 * s5i;
      const b2r = S2 * d1r + S4 * d2r - S5 * d3r - S3 * d4r - S1 * d5r;
      const b2i = S2 * d1i + S4 * d2i - S5 * d3i - S3 * d4i - S1 * d5i;
      yr = a2r + b2i;
      yi = a2i - b2r;
      wr = tw[t + 2];
      wi = tw[t + 3];
      ch[b + o2] = yr * wr - yi * wi;
      ch[b + o2 + 1] = yr * wi + yi * wr;
      yr = a2r - b2i;
      yi = a2i + b2r;
      wr = tw[t + 16];
      wi = tw[t + 17];
      ch[b + o9] = yr * wr - yi * wi;
      ch[b + o9 + 1] = yr * wi + yi * wr;
      const a3r = x0r + C3 * s1r + C5 * s2r + C2 * s3r + C1 * s4r + C4 * s5r;
      const a3i = x0i + C3 * s1i + C5 * s2i + C2 * s3i + C1 * s4i + C4 * s5i;
      const b3r = S3 * d1r - S5 * d2r - S2 * d3r + S1 * d4r + S4 * d5r;
      const b3i = S3 * d1i - S5 * d2i - S2 * d3i + S1 * d4i + S4 * d5i;
      yr = a3r + b3i;
      yi = a3i - b3r;
      wr = tw[t + 4];
      wi = tw[t + 5];
      ch[b + o3] = yr * wr - yi * wi;
      ch[b + o3 + 1] = yr * wi + yi * wr;
      yr = a3r - b3i;
      yi = a3i + b3r;
      wr = tw[t + 14];
      wi = tw[t + 15];
      ch[b + o8] = yr * wr - yi * wi;
      ch[b + o8 + 1] = yr * wi + yi * wr;
      const a4r = x0r + C4 * s1r + C3 * s2r + C1 * s3r + C5 * s4r + C2 * s5r;
      const a4i = x0i + C4 * s1i + C3 * s2i + C1 * s3i + C5 * s4i + C2 * s5i;
      const b4r = S4 * d1r - S3 * d2r + S1 * d3r + S5 * d4r - S2 * d5r;
      const b4i = S4 * d1i - S3 * d2i + S1 * d3i + S5 * d4i - S2 * d5i;
      yr = a4r + b4i;
      yi = a4i - b4r;
      wr = tw[t + 6];
      wi = tw[t + 7];
      ch[b + o4] = yr * wr - yi * wi;
      ch[b + o4 + 1] = yr * wi + yi * wr;
      yr = a4r - b4i;
      yi = a4i + b4r;
      wr = tw[t + 12];
      wi = tw[t + 13];
      ch[b + o7] = yr * wr - yi * wi;
      ch[b + o7 + 1] = yr * wi + yi * wr;
      const a5r = x0r + C5 * s1r + C1 * s2r + C4 * s3r + C2 * s4r + C3 * s5r;
      const a5i = x0i + C5 * s1i + C1 * s2i + C4 * s3i + C2 * s4i + C3 * s5i;
      const b5r = S5 * d1r - S1 * d2r + S4 * d3r - S2 * d4r + S3 * d5r;
      const b5i = S5 * d1i - S1 * d2i + S4 * d3i - S2 * d4i + S3 * d5i;
      yr = a5r + b5i;
      yi = a5i - b5r;
      wr = tw[t + 8];
      wi = tw[t + 9];
      ch[b + o5] = yr * wr - yi * wi;
      ch[b + o5 + 1] = yr * wi + yi * wr;
      yr = a5r - b5i;
      yi = a5i + b5r;
      wr = tw[t + 10];
      wi = tw[t + 11];
      ch[b + o6] = yr * wr - yi * wi;
      ch[b + o6 + 1] = yr * wi + yi * wr;
    }
  }
}
