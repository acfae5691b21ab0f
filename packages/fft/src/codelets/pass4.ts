/** Radix-4 butterfly pass (see types.ts for the layout and the direction convention). */
import { loops, twiddle } from "./loops.js";
import type { Codelet } from "./types.js";

export const pass4: Codelet = (ido, l1, cc, ccOff, ch, chOff, tw, sign) => {
  const im1 = 2 * ido; // input stride between m and m + 1
  const im2 = 2 * im1;
  const im3 = 3 * im1;
  const ik = 4 * im1; // input stride between k and k + 1
  const ok = 2 * ido; // output stride between k and k + 1
  const oq = ok * l1; // output stride between q and q + 1
  const o1 = sign < 0 ? oq : 3 * oq;
  const o2 = 2 * oq;
  const o3 = sign < 0 ? 3 * oq : oq;
  for (let k = 0, a = ccOff, b = chOff; k < l1; k++, a += ik, b += ok) {
    const x0r = cc[a];
    const x0i = cc[a + 1];
    const x1r = cc[a + im1];
    const x1i = cc[a + im1 + 1];
    const x2r = cc[a + im2];
    const x2i = cc[a + im2 + 1];
    const x3r = cc[a + im3];
    const x3i = cc[a + im3 + 1];
    const s02r = x0r + x2r;
    const s02i = x0i + x2i;
    const d02r = x0r - x2r;
    const d02i = x0i - x2i;
    const s13r = x1r + x3r;
    const s13i = x1i + x3i;
    const d13r = x1r - x3r;
    const d13i = x1i - x3i;
    ch[b] = s02r + s13r;
    ch[b + 1] = s02i + s13i;
    ch[b + o2] = s02r - s13r;
    ch[b + o2 + 1] = s02i - s13i;
    // Y1 = d02 - i d13, Y3 = d02 + i d13
    ch[b + o1] = d02r + d13i;
    ch[b + o1 + 1] = d02i - d13r;
    ch[b + o3] = d02r - d13i;
    ch[b + o3 + 1] = d02i + d13r;
  }
  if (ido === 1) return;
  const { nu, nv, au, av, bu, bv, tu, tv } = loops(ido, l1, ik, ok, 6);
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
      const x3r = cc[a + im3];
      const x3i = cc[a + im3 + 1];
      const s02r = x0r + x2r;
      const s02i = x0i + x2i;
      const d02r = x0r - x2r;
      const d02i = x0i - x2i;
      const s13r = x1r + x3r;
      const s13i = x1i + x3i;
      const d13r = x1r - x3r;
      const d13i = x1i - x3i;
      ch[b] = s02r + s13r;
      ch[b + 1] = s02i + s13i;
      twiddle(ch, b + o2, s02r - s13r, s02i - s13i, tw, t + 2);
      twiddle(ch, b + o1, d02r + d13i, d02i - d13r, tw, t);
      twiddle(ch, b + o3, d02r - d13i, d02i + d13r, tw, t + 4);
    }
  }
};
