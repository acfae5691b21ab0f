/** Radix-5 butterfly pass (see types.ts for the layout and the direction convention).
 * Odd-prime form: with s_j = x_j + x_{5-j}, d_j = x_j - x_{5-j} (j = 1..2),
 * A_k = x_0 + sum_j cos(2 pi jk / 5) s_j, B_k = sum_j sin(2 pi jk / 5) d_j,
 * the forward DFT is Y_0 = x_0 + sum_j s_j, Y_k = A_k - i B_k, Y_{5-k} = A_k + i B_k. */
import { loops, twiddle } from "./loops.js";
import type { Codelet } from "./types.js";

/** cos and sin of 2 pi 1 / 5, correctly rounded. */
const C1 = 0.30901699437494745;
const S1 = 0.9510565162951535;
/** cos and sin of 2 pi 2 / 5, correctly rounded. */
const C2 = -0.8090169943749475;
const S2 = 0.5877852522924731;

export const pass5: Codelet = (ido, l1, cc, ccOff, ch, chOff, tw, sign) => {
  const im1 = 2 * ido;
  const im2 = 2 * im1;
  const im3 = 3 * im1;
  const im4 = 4 * im1;
  const ik = 5 * im1;
  const ok = 2 * ido;
  const oq = ok * l1;
  const f = sign < 0;
  const o1 = f ? oq : 4 * oq;
  const o2 = f ? 2 * oq : 3 * oq;
  const o3 = f ? 3 * oq : 2 * oq;
  const o4 = f ? 4 * oq : oq;
  for (let k = 0, a = ccOff, b = chOff; k < l1; k++, a += ik, b += ok) {
    const x0r = cc[a];
    const x0i = cc[a + 1];
    const x1r = cc[a + im1];
    const x1i = cc[a + im1 + 1];
    const x4r = cc[a + im4];
    const x4i = cc[a + im4 + 1];
    const s1r = x1r + x4r;
    const s1i = x1i + x4i;
    const d1r = x1r - x4r;
    const d1i = x1i - x4i;
    const x2r = cc[a + im2];
    const x2i = cc[a + im2 + 1];
    const x3r = cc[a + im3];
    const x3i = cc[a + im3 + 1];
    const s2r = x2r + x3r;
    const s2i = x2i + x3i;
    const d2r = x2r - x3r;
    const d2i = x2i - x3i;
    ch[b] = x0r + s1r + s2r;
    ch[b + 1] = x0i + s1i + s2i;
    const a1r = x0r + C1 * s1r + C2 * s2r;
    const a1i = x0i + C1 * s1i + C2 * s2i;
    const b1r = S1 * d1r + S2 * d2r;
    const b1i = S1 * d1i + S2 * d2i;
    ch[b + o1] = a1r + b1i;
    ch[b + o1 + 1] = a1i - b1r;
    ch[b + o4] = a1r - b1i;
    ch[b + o4 + 1] = a1i + b1r;
    const a2r = x0r + C2 * s1r + C1 * s2r;
    const a2i = x0i + C2 * s1i + C1 * s2i;
    const b2r = S2 * d1r - S1 * d2r;
    const b2i = S2 * d1i - S1 * d2i;
    ch[b + o2] = a2r + b2i;
    ch[b + o2 + 1] = a2i - b2r;
    ch[b + o3] = a2r - b2i;
    ch[b + o3 + 1] = a2i + b2r;
  }
  if (ido === 1) return;
  const { nu, nv, au, av, bu, bv, tu, tv } = loops(ido, l1, ik, ok, 8);
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
      const x4r = cc[a + im4];
      const x4i = cc[a + im4 + 1];
      const s1r = x1r + x4r;
      const s1i = x1i + x4i;
      const d1r = x1r - x4r;
      const d1i = x1i - x4i;
      const x2r = cc[a + im2];
      const x2i = cc[a + im2 + 1];
      const x3r = cc[a + im3];
      const x3i = cc[a + im3 + 1];
      const s2r = x2r + x3r;
      const s2i = x2i + x3i;
      const d2r = x2r - x3r;
      const d2i = x2i - x3i;
      ch[b] = x0r + s1r + s2r;
      ch[b + 1] = x0i + s1i + s2i;
      const a1r = x0r + C1 * s1r + C2 * s2r;
      const a1i = x0i + C1 * s1i + C2 * s2i;
      const b1r = S1 * d1r + S2 * d2r;
      const b1i = S1 * d1i + S2 * d2i;
      twiddle(ch, b + o1, a1r + b1i, a1i - b1r, tw, t);
      twiddle(ch, b + o4, a1r - b1i, a1i + b1r, tw, t + 6);
      const a2r = x0r + C2 * s1r + C1 * s2r;
      const a2i = x0i + C2 * s1i + C1 * s2i;
      const b2r = S2 * d1r - S1 * d2r;
      const b2i = S2 * d1i - S1 * d2i;
      twiddle(ch, b + o2, a2r + b2i, a2i - b2r, tw, t + 2);
      twiddle(ch, b + o3, a2r - b2i, a2i + b2r, tw, t + 4);
    }
  }
};
