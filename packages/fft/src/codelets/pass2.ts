/** Radix-2 butterfly pass (see types.ts for the layout and the direction convention). */
import { loops, twiddle } from "./loops.js";
import type { Codelet } from "./types.js";

export const pass2: Codelet = (ido, l1, cc, ccOff, ch, chOff, tw) => {
  // Radix 2 is its own mirror (output 1 = output 2 - 1): the direction lives in `tw` only.
  const im1 = 2 * ido;
  const ik = 2 * im1;
  const ok = 2 * ido;
  const o1 = ok * l1;
  for (let k = 0, a = ccOff, b = chOff; k < l1; k++, a += ik, b += ok) {
    const x0r = cc[a];
    const x0i = cc[a + 1];
    const x1r = cc[a + im1];
    const x1i = cc[a + im1 + 1];
    ch[b] = x0r + x1r;
    ch[b + 1] = x0i + x1i;
    ch[b + o1] = x0r - x1r;
    ch[b + o1 + 1] = x0i - x1i;
  }
  if (ido === 1) return;
  const { nu, nv, au, av, bu, bv, tu, tv } = loops(ido, l1, ik, ok, 2);
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
      ch[b] = x0r + x1r;
      ch[b + 1] = x0i + x1i;
      twiddle(ch, b + o1, x0r - x1r, x0i - x1i, tw, t);
    }
  }
};
