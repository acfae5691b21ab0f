/**
 * Shared tools for the API tests: the numpy/scipy fixtures, inputs built in every accepted form
 * (1-D typed arrays, split arrays, contiguous views, split views, and non-contiguous views with
 * negative strides and an offset), results read back into one row-major interleaved form, and
 * the error bound the comparisons use.
 *
 * Error bound. For an FFT computed in floating point with unit roundoff u and twiddles accurate
 * to O(u), the relative L2 error is at most ~ c u log2 N with c ~ 1 + 4 sqrt 2 ~ 6.7 (Higham,
 * Accuracy and Stability of Numerical Algorithms, 2nd ed., Thm 24.2) and typically
 * ~ u sqrt(log2 N) (random-walk accumulation). Our result and the reference each carry such an
 * error, DCT/DST and n-D transforms add a few O(u) steps (pre/post twiddles, passes along other
 * axes; the transform length is at most 2N + 2), and until the fast engine lands the 1-D engine
 * is a direct O(N^2) sum whose error grows like u sqrt(N) (still below the bound for N <= 4096).
 * So the comparisons require   ||ours - ref||_2 <= TOL(N) ||ref||_2,  TOL(N) = 16 u (log2 N + 2),
 * u = 2^-53 for float64 and 2^-24 for float32 (about 3e-14 at N = 1000 in float64): tight
 * enough to catch any wrong index, sign, scale or dropped term (errors of order 1 / N or more).
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";

export const U64 = 2 ** -53;
export const U32 = 2 ** -24;

export function tol(n: number, dtype: "float64" | "float32" = "float64"): number {
  return 16 * (dtype === "float32" ? U32 : U64) * (Math.log2(Math.max(n, 1)) + 2);
}

export interface Encoded {
  shape: number[];
  complex: boolean;
  dtype: "float64" | "float32";
  data: number[];
}

export interface Case {
  fn: string;
  x: Encoded;
  opts: Record<string, unknown>;
  y: Encoded;
}

export interface FreqCase {
  n: number;
  d: number;
  fftfreq: number[];
  rfftfreq: number[];
}

let cached: { cases: Case[]; freq: FreqCase[]; meta: Record<string, string> } | undefined;

export function numpyFixtures(): { cases: Case[]; freq: FreqCase[]; meta: Record<string, string> } {
  cached ??= JSON.parse(
    readFileSync(new URL("./fixtures/numpy_fft.json", import.meta.url), "utf8"),
  );
  return cached!;
}

export type Floats = Float64Array | Float32Array;

export function typed(dtype: "float64" | "float32", values: ArrayLike<number>): Floats {
  return dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values);
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Ways to present the same data. */
export type InputForm = "array" | "split" | "view" | "splitview" | "strided";

/**
 * A strided view over `data` (row-major values of `shape`, `comps` numbers per element) laid
 * out non-contiguously: reversed axes order in memory, the first axis with a negative stride,
 * padding between elements and an offset.
 */
function scrambled(values: ArrayLike<number>, shape: number[], dtype: "float64" | "float32") {
  const rank = shape.length;
  const stride = new Array<number>(rank);
  let s = 3; // gap between consecutive elements of the (memory-)innermost axis
  for (let d = 0; d < rank; d++) {
    stride[d] = s;
    s *= shape[d] + 1;
  }
  const len = s + 7;
  const data = typed(dtype, new Array<number>(len).fill(Number.NaN));
  let offset = 5;
  if (rank > 0 && shape[0] > 0) {
    offset += (shape[0] - 1) * stride[0];
    stride[0] = -stride[0];
  }
  const idx = new Array<number>(rank).fill(0);
  const total = sizeOf(shape);
  for (let i = 0; i < total; i++) {
    let p = offset;
    for (let d = 0; d < rank; d++) p += idx[d] * stride[d];
    data[p] = values[i];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return { data, shape: shape.slice(), stride, offset };
}

/** Build the input of a case in a form (complex data in every complex form, real in real forms). */
export function makeInput(x: Encoded, form: InputForm): unknown {
  const { shape, dtype, data } = x;
  if (!x.complex) {
    if (form === "array") return typed(dtype, data);
    if (form === "view") return { data: typed(dtype, data), shape: shape.slice() };
    if (form === "strided") return scrambled(data, shape, dtype);
    throw new Error(`form ${form} is not a real form`);
  }
  const re = data.filter((_, i) => i % 2 === 0);
  const im = data.filter((_, i) => i % 2 === 1);
  switch (form) {
    case "array":
      return typed(dtype, data);
    case "split":
      return { re: typed(dtype, re), im: typed(dtype, im) };
    case "view":
      return { data: typed(dtype, data), shape: [...shape, 2] };
    case "splitview":
      return {
        re: scrambled(re, shape, dtype),
        im: { data: typed(dtype, im), shape: shape.slice() },
      };
    case "strided":
      return scrambled(data, [...shape, 2], dtype);
  }
}

export function formsFor(x: Encoded): InputForm[] {
  if (!x.complex) return x.shape.length === 1 ? ["array", "view", "strided"] : ["view", "strided"];
  return x.shape.length === 1
    ? ["array", "split", "view", "splitview", "strided"]
    : ["view", "splitview", "strided"];
}

interface ViewLike {
  data: Floats;
  shape: number[];
  stride: number[];
  offset: number;
}

function readView(v: ViewLike): number[] {
  const out: number[] = [];
  const rank = v.shape.length;
  const idx = new Array<number>(rank).fill(0);
  const total = sizeOf(v.shape);
  for (let i = 0; i < total; i++) {
    let p = v.offset;
    for (let d = 0; d < rank; d++) p += idx[d] * v.stride[d];
    out.push(v.data[p]);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < v.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Any result form -> { shape (complex shape for complex), complex, row-major interleaved data, dtype }. */
export function readResult(
  r: unknown,
  complex: boolean,
): { shape: number[]; data: number[]; dtype: string } {
  const dt = (a: unknown) =>
    a instanceof Float32Array ? "float32" : a instanceof Float64Array ? "float64" : "other";
  if (r instanceof Float64Array || r instanceof Float32Array) {
    return { shape: [complex ? r.length / 2 : r.length], data: Array.from(r), dtype: dt(r) };
  }
  const o = r as { re?: unknown; im?: unknown; data?: unknown };
  if (o.re !== undefined) {
    if (o.re instanceof Float64Array || o.re instanceof Float32Array) {
      const re = o.re;
      const im = o.im as Floats;
      expect(im.length).toBe(re.length);
      expect(dt(im)).toBe(dt(re));
      const data: number[] = [];
      for (let i = 0; i < re.length; i++) data.push(re[i], im[i]);
      return { shape: [re.length], data, dtype: dt(re) };
    }
    const rv = o.re as ViewLike;
    const iv = o.im as ViewLike;
    expect(iv.shape).toEqual(rv.shape);
    const re = readView(rv);
    const im = readView(iv);
    const data: number[] = [];
    for (let i = 0; i < re.length; i++) data.push(re[i], im[i]);
    return { shape: rv.shape.slice(), data, dtype: dt(rv.data) };
  }
  const v = r as ViewLike;
  const data = readView(v);
  if (complex) {
    expect(v.shape[v.shape.length - 1]).toBe(2);
    return { shape: v.shape.slice(0, -1), data, dtype: dt(v.data) };
  }
  return { shape: v.shape.slice(), data, dtype: dt(v.data) };
}

export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num) / Math.max(Math.sqrt(den), Number.MIN_VALUE);
}

/** Expect relative L2 agreement within tol(n) (n = the transform size the error grows with). */
export function expectNear(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  n: number,
  dtype: "float64" | "float32" = "float64",
  what = "",
): void {
  expect(actual.length, what).toBe(expected.length);
  const e = relL2(actual, expected);
  const t = tol(n, dtype);
  if (!(e <= t))
    throw new Error(`${what}: relative L2 error ${e.toExponential(3)} > ${t.toExponential(3)}`);
}

/** Deterministic pseudo-random numbers (xorshift), uniform in [-1, 1). */
export function randomValues(n: number, seed = 1): Float64Array {
  let s = (seed * 2654435761) >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Direct DFT in float64 (O(n^2), twiddles from the exact index jk mod n): an independent reference. */
export function naiveDft(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  sign: -1 | 1,
): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const c = new Float64Array(n);
  const s = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    c[k] = Math.cos((2 * Math.PI * k) / n);
    s[k] = Math.sin((2 * Math.PI * k) / n);
  }
  const oRe = new Float64Array(n);
  const oIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < n; j++) {
      const m = (j * k) % n;
      const cr = c[m];
      const ci = sign * s[m];
      a += re[j] * cr - im[j] * ci;
      b += re[j] * ci + im[j] * cr;
    }
    oRe[k] = a;
    oIm[k] = b;
  }
  return { re: oRe, im: oIm };
}
