/** Radix-2 butterfly pass (see types.ts for the layout and the direction convention). */
import type { GenericRadix } from "./types.js";

export function pass2(
  ido: number,
  l1: number,
  cc: Float64Array,
  ccOff: number,
  ch: Float64Array,
  chOff: number,
  tw: Float64Array,
  _sign: number,
  _generic: GenericRadix | null,
): void {
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
    tv = 2;
  } else {
    nu = ido - 1;
    au = 2;
    bu = 2;
    tu = 2;
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
      ch[b] = x0r + x1r;
      ch[b + 1] = x0i + x1i;
      const yr = x0r - x1r;
      const yi = x0i - x1i;
      const wr = tw[t];
      const wi = tw[t + 1];
      ch[b + o1] = yr * wr - yi * wi;
      ch[b + o1 + 1] = yr * wi + yi * wr;
    }
  }
}
