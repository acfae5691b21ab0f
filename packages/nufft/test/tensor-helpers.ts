/**
 * Direct-sum references for the tensor-op tests, in float64, independent of the NUFFT code:
 * modes k_a of one axis in the documented order (types.ts), f = sum_j c_j exp(s i k.x_j).
 */
import { expect } from "vitest";

/** Bitwise equality (faster than toEqual on long arrays; Object.is also separates -0 and 0). */
export function expectSameBits(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) throw new Error(`entry ${i}: ${a[i]} !== ${b[i]}`);
}

export function modesOf(n: number, order: "cmcl" | "fft"): number[] {
  const lo = -Math.floor(n / 2);
  const ks = Array.from({ length: n }, (_, i) => lo + i); // cmcl: -floor(n/2) .. ceil(n/2) - 1
  if (order === "cmcl") return ks;
  const h = Math.ceil(n / 2);
  return Array.from({ length: n }, (_, i) => (i < h ? i : i - n));
}

/** Row-major multi-indices of a (N_1, ..., N_d) grid as mode vectors. */
function modeVectors(nModes: number[], order: "cmcl" | "fft"): number[][] {
  let out: number[][] = [[]];
  for (const n of nModes) {
    const ks = modesOf(n, order);
    out = out.flatMap((v) => ks.map((k) => [...v, k]));
  }
  return out;
}

/** points[a][j]; c interleaved (batch, M) -> f interleaved (batch, prod N), row-major modes. */
export function directType1(
  points: number[][],
  c: Float64Array,
  nModes: number[],
  isign: number,
  order: "cmcl" | "fft" = "cmcl",
): Float64Array {
  const m = points[0].length;
  const batch = c.length / (2 * m);
  const ks = modeVectors(nModes, order);
  const f = new Float64Array(2 * batch * ks.length);
  for (let b = 0; b < batch; b++) {
    ks.forEach((k, i) => {
      let re = 0;
      let im = 0;
      for (let j = 0; j < m; j++) {
        let phase = 0;
        for (let a = 0; a < k.length; a++) phase += k[a] * points[a][j];
        const cr = c[2 * (b * m + j)];
        const ci = c[2 * (b * m + j) + 1];
        const co = Math.cos(isign * phase);
        const si = Math.sin(isign * phase);
        re += cr * co - ci * si;
        im += cr * si + ci * co;
      }
      f[2 * (b * ks.length + i)] = re;
      f[2 * (b * ks.length + i) + 1] = im;
    });
  }
  return f;
}

/** f interleaved (batch, prod N) -> c interleaved (batch, M). */
export function directType2(
  points: number[][],
  f: Float64Array,
  nModes: number[],
  isign: number,
  order: "cmcl" | "fft" = "cmcl",
): Float64Array {
  const m = points[0].length;
  const ks = modeVectors(nModes, order);
  const batch = f.length / (2 * ks.length);
  const c = new Float64Array(2 * batch * m);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < m; j++) {
      let re = 0;
      let im = 0;
      ks.forEach((k, i) => {
        let phase = 0;
        for (let a = 0; a < k.length; a++) phase += k[a] * points[a][j];
        const fr = f[2 * (b * ks.length + i)];
        const fi = f[2 * (b * ks.length + i) + 1];
        const co = Math.cos(isign * phase);
        const si = Math.sin(isign * phase);
        re += fr * co - fi * si;
        im += fr * si + fi * co;
      });
      c[2 * (b * m + j)] = re;
      c[2 * (b * m + j) + 1] = im;
    }
  }
  return c;
}

/** Relative L2 error ||a - b|| / ||b||. */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** Deterministic uniform [0, 1) numbers (LCG, top 53 bits). */
export function uniform(n: number, seed: number): number[] {
  let s = BigInt(seed) + 12345n;
  return Array.from({ length: n }, () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(s >> 11n) / 2 ** 53;
  });
}
