/** Radix-3 butterfly pass (see types.ts for the layout and the direction convention).
 * Odd-prime form: with s_j = x_j + x_{3-j}, d_j = x_j - x_{3-j} (j = 1..1),
 * A_k = x_0 + sum_j cos(2 pi jk / 3) s_j, B_k = sum_j sin(2 pi jk / 3) d_j,
 * the forward DFT is Y_0 = x_0 + sum_j s_j, Y_k = A_k - i B_k, Y_{3-k} = A_k + i B_k. */
import { loops, twiddle } from "./loops.js";
import type { Codelet } from "./types.js";

/** cos and sin of 2 pi 1 / 3, correctly rounded. */
const C1 = -0.5;
const S1 = 0.8660254037844386;

export const pass3: Codelet = (ido, l1, cc, ccOff, ch, chOff, tw, sign) => {
  const im1 = 2 * ido;
  const im2 = 2 * im1;
  const ik = 3 * im1;
  const ok = 2 * ido;
  const oq = ok * l1;
  const f = sign < 0;
  const o1 = f ? oq : 2 * oq;
  const o2 = f ? 2 * oq : oq;
  for (let k = 0, a = ccOff, b = chOff; k < l1; k++, a += ik, b += ok) {
    const x0r = cc[a];
    const x0i = cc[a + 1];
    const x1r = cc[a + im1];
    const x1i = cc[a + im1 + 1];
    const x2r = cc[a + im2];
    const x2i = cc[a + im2 + 1];
    const s1r = x1r + x2r;
    const s1i = x1i + x2i;
    const d1r = x1r - x2r;
    const d1i = x1i - x2i;
    ch[b] = x0r + s1r;
    ch[b + 1] = x0i + s1i;
    const a1r = x0r + C1 * s1r;
    const a1i = x0i + C1 * s1i;
    const b1r = S1 * d1r;
    const b1i = S1 * d1i;
    ch[b + o1] = a1r + b1i;
    ch[b + o1 + 1] = a1i - b1r;
    ch[b + o2] = a1r - b1i;
    ch[b + o2 + 1] = a1i + b1r;
  }
  if (ido === 1) return;
  const { nu, nv, au, av, bu, bv, tu, tv } = loops(ido, l1, ik, ok, 4);
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
      const x2r = cc[a + im2];
      const x2i = cc[a + im2 + 1];
      const s1r = x1r + x2r;
      const s1i = x1i + x2i;
      const d1r = x1r - x2r;
      const d1i = x1i - x2i;
      ch[b] = x0r + s1r;
      ch[b + 1] = x0i + s1i;
      const a1r = x0r + C1 * s1r;
      const a1i = x0i + C1 * s1i;
      const b1r = S1 * d1r;
      const b1i = S1 * d1i;
      twiddle(ch, b + o1, a1r + b1i, a1i - b1r, tw, t);
      twiddle(ch, b + o2, a1r - b1i, a1i + b1r, tw, t + 2);
    }
  }
};
