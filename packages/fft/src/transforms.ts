/**
 * The numpy.fft-compatible transforms on typed arrays and strided views: fft/ifft, rfft/irfft,
 * hfft/ihfft, and the n-D fftn/ifftn/rfftn/irfftn/fft2/ifft2/rfft2/irfft2.
 *
 * Forms. Complex input is an interleaved Float64Array/Float32Array (re, im, re, im, ...), split
 * `{ re, im }` arrays (`im` may be left out for real data), an interleaved strided view (a last
 * axis of length 2) or split `{ re, im }` views; the result has the form of the input. Real
 * input is a typed array or a strided view. Precision is kept: float32 in, float32 out.
 *
 * Semantics are numpy's: `n` / `s` zero-pad or truncate the input along the transformed axes,
 * irfft's default length is 2 (m - 1) for m input bins, the imaginary parts of the DC bin (and of
 * the Nyquist bin for even n) are ignored by irfft, and norm is "backward", "ortho" or "forward".
 * Results are fresh arrays unless `out` (same form, shape and precision as the result) is given;
 * `out` may be the input itself for same-size complex transforms, other overlaps are undefined.
 * NaN and Inf are not special-cased: they propagate through the algorithm's IEEE arithmetic.
 * Every output of a line depends on every input of it, so a NaN in a line reaches every output
 * bin of that line (a NaN in at least one component of each bin: multiplications by +-1 and +-i
 * are exact swaps, so the other component may stay finite); an Inf likewise makes every bin
 * non-finite (Inf, or NaN where the algorithm forms Inf - Inf). Other lines of a batch are
 * unaffected.
 */

import { ValueError } from "@modewise/tensor";
import {
  checkAxis,
  checkLength,
  checkNorm,
  checkOptions,
  checkSAxes,
  complexInput,
  type Form,
  normScale,
  outputArr,
  realInput,
  requireNonEmpty,
  show,
  swapNorm,
  toPublic,
} from "./layout.js";
import { c2cND, c2rND, r2cND } from "./nd.js";
import type {
  ComplexInput,
  ComplexOut,
  ComplexResult,
  HalfResult,
  Norm,
  RealInput,
  RealOut,
  RealResult,
} from "./types.js";

/** Options of the 1-D complex transforms. */
export interface FFTOptions {
  /** Transform length: the input is zero-padded or truncated to n along `axis` (default: its length). */
  n?: number;
  /** Axis of an n-D view to transform (default -1, the last complex axis). */
  axis?: number;
  norm?: Norm;
  /** Write the result here (same form, shape and precision as the result). */
  out?: ComplexOut;
}

/** Options of the n-D complex transforms. */
export interface FFTNOptions {
  /** Lengths along `axes` (zero-pad / truncate); -1 keeps the input's length. */
  s?: readonly number[];
  /** Axes to transform (default: all, or the last s.length when s is given; fft2: [-2, -1]). */
  axes?: readonly number[];
  norm?: Norm;
  out?: ComplexOut;
}

export interface RFFTOptions {
  n?: number;
  axis?: number;
  norm?: Norm;
  /** Layout of the complex result: "interleaved" (default) or "split". */
  layout?: "interleaved" | "split";
  out?: ComplexOut;
}

export interface RFFTNOptions {
  s?: readonly number[];
  axes?: readonly number[];
  norm?: Norm;
  layout?: "interleaved" | "split";
  out?: ComplexOut;
}

export interface IRFFTOptions {
  /** Length of the real output (default 2 (m - 1) for m input bins). */
  n?: number;
  axis?: number;
  norm?: Norm;
  out?: RealOut;
}

export interface IRFFTNOptions {
  /** Real output lengths along axes (default: input sizes, last 2 (m - 1)). */
  s?: readonly number[];
  axes?: readonly number[];
  norm?: Norm;
  out?: RealOut;
}

function withSizes(shape: readonly number[], axes: number[], lens: number[]): number[] {
  const out = shape.slice();
  axes.forEach((a, i) => {
    out[a] = lens[i];
  });
  return out;
}

function layoutOf(v: unknown, fn: string): "interleaved" | "split" {
  if (v === undefined || v === "interleaved") return "interleaved";
  if (v === "split") return "split";
  throw new ValueError(fn, "layout", "'interleaved' or 'split'", show(v));
}

/** Complex-to-complex over axes, lengths from n/s or the input. */
function complexTransform(
  fn: string,
  x: unknown,
  opts: unknown,
  inverse: boolean,
  nd: boolean,
  defaultAxes?: number[],
): unknown {
  const o = checkOptions(opts, fn);
  const { arr, form } = complexInput(x, fn);
  const norm = checkNorm(o.norm, fn);
  let axes: number[];
  let lens: number[];
  if (nd) {
    const r = checkSAxes(o.s, o.axes, arr.shape, fn, defaultAxes);
    axes = r.axes;
    lens = axes.map((a, i) => {
      if (r.s[i] !== undefined) return r.s[i]!;
      requireNonEmpty(arr.shape, a, fn);
      return arr.shape[a];
    });
  } else {
    const axis = checkAxis(o.axis ?? -1, arr.shape.length, fn);
    axes = [axis];
    if (o.n === undefined || o.n === null) {
      requireNonEmpty(arr.shape, axis, fn);
      lens = [arr.shape[axis]];
    } else {
      lens = [checkLength(o.n, fn)];
    }
  }
  const dst = outputArr(o.out, withSizes(arr.shape, axes, lens), arr.dtype, true, form, fn);
  c2cND(arr, dst, axes, inverse ? 1 : -1, (n) => normScale(norm, n, inverse));
  return toPublic(dst, form);
}

function realForward(
  fn: string,
  x: unknown,
  opts: unknown,
  nd: boolean,
  hermitian: boolean,
  defaultAxes?: number[],
): unknown {
  const o = checkOptions(opts, fn);
  const { arr, form: inForm } = realInput(x, fn);
  const norm = checkNorm(o.norm, fn);
  const form: Form = { kind: inForm.kind, layout: layoutOf(o.layout, fn) };
  let axes: number[];
  let lens: number[];
  if (nd) {
    const r = checkSAxes(o.s, o.axes, arr.shape, fn, defaultAxes);
    axes = r.axes;
    if (axes.length === 0) throw new ValueError(fn, "axes", "at least one axis", "[]");
    lens = axes.map((a, i) => {
      if (r.s[i] !== undefined) return r.s[i]!;
      requireNonEmpty(arr.shape, a, fn);
      return arr.shape[a];
    });
  } else {
    const axis = checkAxis(o.axis ?? -1, arr.shape.length, fn);
    axes = [axis];
    if (o.n === undefined || o.n === null) {
      requireNonEmpty(arr.shape, axis, fn);
      lens = [arr.shape[axis]];
    } else {
      lens = [checkLength(o.n, fn)];
    }
  }
  const shape = withSizes(arr.shape, axes, lens);
  const last = axes[axes.length - 1];
  shape[last] = (lens[lens.length - 1] >> 1) + 1;
  const dst = outputArr(o.out, shape, arr.dtype, true, form, fn);
  const eff = hermitian ? swapNorm(norm) : norm;
  r2cND(arr, dst, axes, lens, (n) => normScale(eff, n, false), { conjOut: hermitian });
  return toPublic(dst, form);
}

function realInverse(
  fn: string,
  x: unknown,
  opts: unknown,
  nd: boolean,
  hermitian: boolean,
  defaultAxes?: number[],
): unknown {
  const o = checkOptions(opts, fn);
  const { arr, form: inForm } = complexInput(x, fn);
  const norm = checkNorm(o.norm, fn);
  const form: Form = { kind: inForm.kind, layout: "real" };
  let axes: number[];
  let lens: number[];
  const lastDefault = (a: number, arg: string): number => {
    requireNonEmpty(arr.shape, a, fn);
    const n = 2 * (arr.shape[a] - 1);
    if (n < 1) {
      throw new ValueError(
        fn,
        arg,
        `a positive output length (the default 2 (m - 1) needs m >= 2 input bins along axis ${a})`,
        String(n),
      );
    }
    return n;
  };
  if (nd) {
    const r = checkSAxes(o.s, o.axes, arr.shape, fn, defaultAxes);
    axes = r.axes;
    if (axes.length === 0) throw new ValueError(fn, "axes", "at least one axis", "[]");
    lens = axes.map((a, i) => {
      if (r.s[i] !== undefined) return r.s[i]!;
      if (i === axes.length - 1) return lastDefault(a, `s[${i}]`);
      requireNonEmpty(arr.shape, a, fn);
      return arr.shape[a];
    });
  } else {
    const axis = checkAxis(o.axis ?? -1, arr.shape.length, fn);
    axes = [axis];
    lens = [o.n === undefined || o.n === null ? lastDefault(axis, "n") : checkLength(o.n, fn)];
  }
  const dst = outputArr(o.out, withSizes(arr.shape, axes, lens), arr.dtype, false, form, fn);
  const eff = hermitian ? swapNorm(norm) : norm;
  c2rND(arr, dst, axes, lens, (n) => normScale(eff, n, true), { conjIn: hermitian });
  return toPublic(dst, form);
}

/**
 * Discrete Fourier transform, X_k = sum_j x_j exp(-2 pi i jk / n), of complex data along one
 * axis (numpy.fft.fft). x: interleaved typed array (length 2n), `{ re, im? }` arrays, an
 * interleaved view (last axis 2) or `{ re, im? }` views; the result has the same form.
 */
export function fft<X extends ComplexInput>(x: X, opts?: FFTOptions): ComplexResult<X> {
  return complexTransform("fft", x, opts, false, false) as ComplexResult<X>;
}

/** Inverse DFT, x_j = (1/n) sum_k X_k exp(+2 pi i jk / n) under the default norm (numpy.fft.ifft). */
export function ifft<X extends ComplexInput>(x: X, opts?: FFTOptions): ComplexResult<X> {
  return complexTransform("ifft", x, opts, true, false) as ComplexResult<X>;
}

/** n-D DFT over `axes` (numpy.fft.fftn). */
export function fftn<X extends ComplexInput>(x: X, opts?: FFTNOptions): ComplexResult<X> {
  return complexTransform("fftn", x, opts, false, true) as ComplexResult<X>;
}

/** n-D inverse DFT over `axes` (numpy.fft.ifftn). */
export function ifftn<X extends ComplexInput>(x: X, opts?: FFTNOptions): ComplexResult<X> {
  return complexTransform("ifftn", x, opts, true, true) as ComplexResult<X>;
}

/** 2-D DFT over the last two axes (or `axes`) (numpy.fft.fft2). */
export function fft2<X extends ComplexInput>(x: X, opts?: FFTNOptions): ComplexResult<X> {
  return complexTransform("fft2", x, opts, false, true, [-2, -1]) as ComplexResult<X>;
}

/** 2-D inverse DFT over the last two axes (or `axes`) (numpy.fft.ifft2). */
export function ifft2<X extends ComplexInput>(x: X, opts?: FFTNOptions): ComplexResult<X> {
  return complexTransform("ifft2", x, opts, true, true, [-2, -1]) as ComplexResult<X>;
}

/**
 * DFT of real data, the n/2 + 1 non-negative frequencies (numpy.fft.rfft). x: a real typed array
 * or view; the result is interleaved complex (a typed array of length 2 (n/2 + 1), or a view with
 * a last axis of 2) unless `layout: "split"`.
 */
export function rfft<X extends RealInput, L extends "interleaved" | "split" = "interleaved">(
  x: X,
  opts?: RFFTOptions & { layout?: L },
): HalfResult<X, L> {
  return realForward("rfft", x, opts, false, false) as HalfResult<X, L>;
}

/**
 * Inverse of rfft: n real samples from n/2 + 1 bins of a Hermitian spectrum (numpy.fft.irfft).
 * The input is truncated / zero-padded to n/2 + 1 bins; Im of the DC bin (and of the Nyquist bin
 * for even n) is ignored. x: complex in any form; the result is a real typed array or view.
 */
export function irfft<X extends ComplexInput>(x: X, opts?: IRFFTOptions): RealResult<X> {
  return realInverse("irfft", x, opts, false, false) as RealResult<X>;
}

/** n-D real DFT: rfft along the last of `axes`, complex DFTs along the others (numpy.fft.rfftn). */
export function rfftn<X extends RealInput, L extends "interleaved" | "split" = "interleaved">(
  x: X,
  opts?: RFFTNOptions & { layout?: L },
): HalfResult<X, L> {
  return realForward("rfftn", x, opts, true, false) as HalfResult<X, L>;
}

/** Inverse of rfftn (numpy.fft.irfftn); `s` gives the real output lengths. */
export function irfftn<X extends ComplexInput>(x: X, opts?: IRFFTNOptions): RealResult<X> {
  return realInverse("irfftn", x, opts, true, false) as RealResult<X>;
}

/** rfftn over the last two axes (or `axes`) (numpy.fft.rfft2). */
export function rfft2<X extends RealInput, L extends "interleaved" | "split" = "interleaved">(
  x: X,
  opts?: RFFTNOptions & { layout?: L },
): HalfResult<X, L> {
  return realForward("rfft2", x, opts, true, false, [-2, -1]) as HalfResult<X, L>;
}

/** irfftn over the last two axes (or `axes`) (numpy.fft.irfft2). */
export function irfft2<X extends ComplexInput>(x: X, opts?: IRFFTNOptions): RealResult<X> {
  return realInverse("irfft2", x, opts, true, false, [-2, -1]) as RealResult<X>;
}

/**
 * DFT of a Hermitian-symmetric signal given by its first half, a real spectrum of length n
 * (numpy.fft.hfft): hfft(x, n, norm) = irfft(conj(x), n, norm with "backward" and "forward"
 * swapped), so that the default "backward" leaves it unscaled like every forward transform.
 */
export function hfft<X extends ComplexInput>(x: X, opts?: IRFFTOptions): RealResult<X> {
  return realInverse("hfft", x, opts, false, true) as RealResult<X>;
}

/** Inverse of hfft (numpy.fft.ihfft): conj(rfft(x, n, swapped norm)), n/2 + 1 bins. */
export function ihfft<X extends RealInput, L extends "interleaved" | "split" = "interleaved">(
  x: X,
  opts?: RFFTOptions & { layout?: L },
): HalfResult<X, L> {
  return realForward("ihfft", x, opts, false, true) as HalfResult<X, L>;
}
