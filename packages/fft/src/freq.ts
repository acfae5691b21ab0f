/**
 * Frequency grids and spectrum reordering, exactly as numpy.fft: fftfreq, rfftfreq, fftshift,
 * ifftshift. The grids are computed the way numpy computes them (integer k times 1 / (n d),
 * rounded once), so they agree bit for bit.
 */
import { ValueError } from "@modewise/tensor";
import {
  type Arr,
  checkAxes,
  checkOptions,
  complexInput,
  type Form,
  outputArr,
  realInput,
  show,
  toPublic,
} from "./layout.js";
import type { LineKernel } from "./lines.js";
import { alongAxis, copyInto } from "./nd.js";
import type { ComplexInput, ComplexOut, ComplexResult, DType } from "./types.js";

function checkN(n: unknown, fn: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
    throw new ValueError(fn, "n", "a positive integer", show(n));
  return n;
}

function checkD(d: unknown, fn: string): number {
  if (d === undefined) return 1;
  if (typeof d !== "number")
    throw new ValueError(fn, "d", "a number (the sample spacing)", show(d));
  return d;
}

function checkDType(v: unknown, fn: string): DType {
  if (v === undefined || v === "float64") return "float64";
  if (v === "float32") return "float32";
  throw new ValueError(fn, "dtype", "'float64' or 'float32'", show(v));
}

/**
 * Sample frequencies of an n-point DFT with sample spacing d (numpy.fft.fftfreq):
 * [0, 1, ..., ceil(n/2) - 1, -floor(n/2), ..., -1] / (d n). Float64Array unless dtype "float32".
 */
export function fftfreq(n: number, d = 1, opts?: { dtype?: DType }): Float64Array | Float32Array {
  const nn = checkN(n, "fftfreq");
  const dd = checkD(d, "fftfreq");
  const dtype = checkDType(checkOptions(opts, "fftfreq").dtype, "fftfreq");
  const val = 1.0 / (nn * dd);
  const out = dtype === "float32" ? new Float32Array(nn) : new Float64Array(nn);
  const pos = ((nn - 1) >> 1) + 1;
  for (let i = 0; i < pos; i++) out[i] = i * val;
  for (let i = pos; i < nn; i++) out[i] = (i - nn) * val;
  return out;
}

/** Sample frequencies of rfft: [0, 1, ..., floor(n/2)] / (d n) (numpy.fft.rfftfreq). */
export function rfftfreq(n: number, d = 1, opts?: { dtype?: DType }): Float64Array | Float32Array {
  const nn = checkN(n, "rfftfreq");
  const dd = checkD(d, "rfftfreq");
  const dtype = checkDType(checkOptions(opts, "rfftfreq").dtype, "rfftfreq");
  const val = 1.0 / (nn * dd);
  const m = (nn >> 1) + 1;
  const out = dtype === "float32" ? new Float32Array(m) : new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = i * val;
  return out;
}

export interface ShiftOptions {
  /** Axes to shift (default all; for interleaved complex views the trailing (re, im) axis is not one). */
  axes?: number | readonly number[];
  /**
   * Treat a typed array as interleaved complex (n values in 2n numbers) and a view's last axis of
   * length 2 as (re, im). Default false: plain real data, as numpy sees it. Split `{ re, im }`
   * input is always complex.
   */
  complex?: boolean;
  out?: ComplexOut;
}

/** Roll every line along `axis` by `shift` (out[(j + shift) mod n] = in[j]). */
function roll(src: Arr, dst: Arr, axis: number, shift: number): void {
  const n = dst.shape[axis];
  const complex = dst.im !== null;
  const c = complex ? 2 : 1;
  const input = new Float64Array(c * n);
  const output = new Float64Array(c * n);
  const k: LineKernel = {
    inLen: n,
    outLen: n,
    inComplex: complex,
    outComplex: complex,
    input,
    output,
  };
  const s = ((shift % n) + n) % n;
  alongAxis(src, dst, axis, k, () => {
    const cut = c * (n - s);
    output.set(input.subarray(0, cut), c * s);
    output.set(input.subarray(cut), 0);
  });
}

function shiftTransform(fn: string, x: unknown, opts: unknown, inverse: boolean): unknown {
  const o = checkOptions(opts, fn);
  if (o.complex !== undefined && typeof o.complex !== "boolean")
    throw new ValueError(fn, "complex", "a boolean", show(o.complex));
  const isSplit = typeof x === "object" && x !== null && "re" in x;
  const { arr, form } = o.complex || isSplit ? complexInput(x, fn) : realInput(x, fn);
  const rank = arr.shape.length;
  const axes =
    o.axes === undefined || o.axes === null
      ? arr.shape.map((_, i) => i)
      : checkAxes(typeof o.axes === "number" ? [o.axes] : o.axes, rank, fn);
  const dst = outputArr(o.out, arr.shape.slice(), arr.dtype, arr.im !== null, form as Form, fn);
  if (axes.length === 0) copyInto(arr, dst);
  let from = arr;
  for (const a of axes) {
    const n = arr.shape[a];
    roll(from, dst, a, inverse ? -(n >> 1) : n >> 1);
    from = dst;
  }
  return toPublic(dst, form);
}

/**
 * Move the zero frequency to the centre (numpy.fft.fftshift): roll each of `axes` by floor(n/2).
 * Works on real or complex data of any form; the result has the form of the input.
 */
export function fftshift<X extends ComplexInput>(x: X, opts?: ShiftOptions): ComplexResult<X> {
  return shiftTransform("fftshift", x, opts, false) as ComplexResult<X>;
}

/** Inverse of fftshift (numpy.fft.ifftshift): roll each of `axes` by -floor(n/2). */
export function ifftshift<X extends ComplexInput>(x: X, opts?: ShiftOptions): ComplexResult<X> {
  return shiftTransform("ifftshift", x, opts, true) as ComplexResult<X>;
}
