/**
 * Shared by the elementwise / complex / activation / reduction / creation / gradcheck tests:
 * fixture loading (written by fixtures/generate_elementwise.py) and ulp-based comparisons.
 *
 * Units. u = 2^-53 is the float64 unit roundoff. An error that is a relative m u is at most m ulps
 * of the result (ulp = spacing of the doubles in the result's binade). A value computed within
 * e ulps of the exact result is within e + 1/2 ulps of the correctly rounded reference, and as the
 * distance between two doubles is a whole number of ulps, within floor(e + 1/2) of it.
 */
import { readFileSync } from "node:fs";
import { type Tensor, tensor } from "@modewise/tensor";
import { expect } from "vitest";

export const U = 2 ** -53;
export const U32 = 2 ** -24;
/** Smallest subnormal spacing: absolute error unit once an intermediate is subnormal. */
export const TINY = 2 ** -1074;

export type Num = number | "nan" | "inf" | "-inf";

export function dec(v: Num): number {
  if (v === "nan") return Number.NaN;
  if (v === "inf") return Number.POSITIVE_INFINITY;
  if (v === "-inf") return Number.NEGATIVE_INFINITY;
  return v;
}

export function decAll(vs: readonly Num[]): number[] {
  return vs.map(dec);
}

export interface Encoded {
  shape: number[];
  dtype: "float64" | "complex128";
  data: Num[];
}

export function fromEncoded(e: Encoded, dtype: string = e.dtype): Tensor {
  const data = Float64Array.from(decAll(e.data));
  return tensor(dtype === "float32" || dtype === "complex64" ? Float32Array.from(data) : data, {
    dtype: dtype as "float64",
    shape: e.shape,
  });
}

// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is untyped by nature.
export function loadFixture(name: string): any {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
}

const dv = new DataView(new ArrayBuffer(8));

/** Position of x on the ordered line of doubles (+0 and -0 share position 0). */
function ord64(x: number): bigint {
  dv.setFloat64(0, x);
  const i = dv.getBigInt64(0);
  return i < 0n ? -(i & 0x7fffffffffffffffn) : i;
}

function ord32(x: number): number {
  dv.setFloat32(0, x);
  const i = dv.getInt32(0);
  return i < 0 ? -(i & 0x7fffffff) : i;
}

/** Number of float64 values between a and b (0 when equal, 1 for neighbours). */
export function ulpDiff(a: number, b: number): number {
  const d = ord64(a) - ord64(b);
  return Number(d < 0n ? -d : d);
}

export function ulpDiff32(a: number, b: number): number {
  return Math.abs(ord32(a) - ord32(b));
}

/** Spacing of float64 values at |x| (2^-1074 in the subnormal range). */
export function ulpOf(x: number): number {
  if (!Number.isFinite(x)) return Number.NaN;
  dv.setFloat64(0, x);
  const e = (dv.getUint16(0) >> 4) & 0x7ff;
  return e === 0 ? TINY : 2 ** (e - 1075);
}

export interface UlpSpec {
  /** Allowed distance in ulps of the reference. */
  ulps: number;
  /** Extra allowed absolute error at input x (cancellation, subnormal intermediates). */
  abs?: (x: number) => number;
  /** Compare the sign of zero results too. */
  signedZero?: boolean;
  f32?: boolean;
}

/**
 * got[i] within spec of ref[i]: NaN where ref is NaN, identical infinities, and otherwise
 * ulpDiff <= ulps or |got - ref| <= abs(x).
 */
export function expectUlps(
  label: string,
  xs: ArrayLike<number>,
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
  spec: UlpSpec,
): void {
  expect(got.length, label).toBe(ref.length);
  const bad: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    const g = got[i];
    const x = xs[i];
    let ok: boolean;
    if (Number.isNaN(r)) ok = Number.isNaN(g);
    else if (!Number.isFinite(r)) ok = g === r;
    else if (!Number.isFinite(g)) ok = false;
    else {
      const d = spec.f32 ? ulpDiff32(g, r) : ulpDiff(g, r);
      ok = d <= spec.ulps || Math.abs(g - r) <= (spec.abs?.(x) ?? 0);
      if (ok && spec.signedZero && r === 0) ok = Object.is(g, r);
    }
    if (!ok) {
      const d =
        Number.isFinite(g) && Number.isFinite(r)
          ? spec.f32
            ? ulpDiff32(g, r)
            : ulpDiff(g, r)
          : Number.NaN;
      bad.push(`x=${x}: got ${g}, expected ${r} (${d} ulps > ${spec.ulps})`);
    }
  }
  if (bad.length)
    throw new Error(`${label}: ${bad.length} mismatches\n${bad.slice(0, 8).join("\n")}`);
}

/** Complex values (interleaved) within |got - ref| <= k(i) u |ref| + floor(i), normwise per element. */
export function expectComplexNormwise(
  label: string,
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
  k: number | ((i: number) => number),
  floor: (i: number) => number = () => 0,
  unit = U,
): void {
  expect(got.length, label).toBe(ref.length);
  const bad: string[] = [];
  for (let i = 0; i < ref.length / 2; i++) {
    const [gr, gi, rr, ri] = [got[2 * i], got[2 * i + 1], ref[2 * i], ref[2 * i + 1]];
    if (!Number.isFinite(rr) || !Number.isFinite(ri)) {
      // Overflowed references: each component must match exactly (NaN as NaN).
      const same = (g: number, r: number) =>
        Number.isNaN(r) ? Number.isNaN(g) : Number.isFinite(r) ? true : g === r;
      if (!same(gr, rr) || !same(gi, ri))
        bad.push(`element ${i}: got ${gr}, ${gi}i, expected ${rr}, ${ri}i`);
      continue;
    }
    const mag = Math.hypot(rr, ri);
    const err = Math.hypot(gr - rr, gi - ri);
    const kk = typeof k === "number" ? k : k(i);
    if (!(err <= kk * unit * mag + floor(i))) {
      bad.push(
        `element ${i}: got ${gr}${gi >= 0 ? "+" : ""}${gi}i, expected ${rr}${ri >= 0 ? "+" : ""}${ri}i (err ${(err / mag / unit).toFixed(2)} u > ${kk} u)`,
      );
    }
  }
  if (bad.length)
    throw new Error(`${label}: ${bad.length} mismatches\n${bad.slice(0, 8).join("\n")}`);
}

/** Exact equality including NaN and the sign of zero. */
export function expectSame(label: string, got: ArrayLike<number>, ref: ArrayLike<number>): void {
  expect(got.length, label).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    if (!Object.is(got[i], ref[i]))
      throw new Error(`${label}: element ${i}: got ${got[i]}, expected ${ref[i]}`);
  }
}

/** Exact equality of values, with NaN equal to NaN and +0 equal to -0. */
export function expectEqualValues(
  label: string,
  got: ArrayLike<number>,
  ref: ArrayLike<number>,
): void {
  expect(got.length, label).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const ok = Number.isNaN(ref[i]) ? Number.isNaN(got[i]) : got[i] === ref[i];
    if (!ok) throw new Error(`${label}: element ${i}: got ${got[i]}, expected ${ref[i]}`);
  }
}
