/**
 * `@modewise/fft/tensor`: differentiable FFT, real FFT, DCT/DST (and composites) as tensor ops.
 * Importing this module registers four kernels into @modewise/tensor's engine (this is the
 * module's documented side effect; package.json lists it in `sideEffects`):
 *
 *   "FFT"   complex -> complex   y = R_out( scale F_sign( R_n x ) )            over axes
 *   "RFFT"  real    -> complex   y = R_out( scale W H F( R_n x ) )             over axes
 *   "IRFFT" complex -> real      y = R_out( scale Re F^H Z C V R_in z )        over axes
 *   "R2R"   real    -> real      y = R_out( scale post . D_t( pre . R_n x ) )  along one axis
 *
 * R_n zero-pads / truncates along the axes to the transform lengths n (numpy's n / s), R_out to
 * the output sizes (the identity for the public ops; the gradients use it to undo R_n).
 * F_sign is the unnormalized DFT over the axes (sign -1 forward), F^H = F_{+1}. Along the LAST
 * axis of the real transforms: H keeps bins 0..n/2 (n the real length), Z is its transpose
 * (zero-extension), C = diag(c_k) with c_0 = 1, c_{n/2} = 1 for even n, c_k = 2 otherwise (the
 * Hermitian multiplicity of bin k), W is C or the identity, V is C^{-1} or the identity.
 * irfft is `IRFFT` with V = I: Re F^H Z C z is exactly the Hermitian extension's inverse DFT,
 * Im of the DC and Nyquist bins dropping out through Re.
 *
 * Gradients (PyTorch's convention: for a real loss L, grad z = dL/dRe z + i dL/dIm z, which for
 * a C-linear map y = A z is A^H grad y, and for an R-linear map from real x is Re(A^H grad y)
 * taken as the adjoint in the real inner product Re<u, v>):
 *   FFT:   grad x = R_n^T scale F_{-sign} R_out^T g          -> FFT(axes, n, out = x sizes, -sign)
 *   RFFT (W = I): grad x = R_n^T scale Re F^H Z R_out^T g   -> IRFFT with V = C^{-1} (so C V = I)
 *   RFFT (W = C): grad x = R_n^T scale Re F^H Z C R_out^T g -> IRFFT with V = I
 *   IRFFT (V = I): grad z = R_in^T scale C H F R_out^T x    -> RFFT with W = C
 *   IRFFT (V = C^{-1}): grad z = R_in^T scale H F R_out^T x -> RFFT with W = I
 *   R2R:   grad x = R_n^T (transpose spec) R_out^T g        -> R2R with the transposed spec
 * (R_n^T is again a zero-pad / truncation, the resize back.) So the gradient of rfft is NOT
 * irfft: irfft would count every bin except DC and Nyquist twice (it applies C) and drop the
 * imaginary parts of DC and Nyquist; the gradient halves those bins first (V = C^{-1}). The
 * gradient of irfft is likewise not rfft: it doubles those bins (W = C). Every gradient is one
 * of these four kernels, so gradients of gradients work too. Checked against central finite
 * differences for every op and against PyTorch (test/tensor-ops*.test.ts).
 */
import {
  concat,
  conj,
  DisposedError,
  DTypeError,
  gather,
  isComplex,
  isFloat,
  type RealFloatDType,
  readSync,
  registerGradient,
  registerKernel,
  runKernel,
  slice,
  Tensor,
  tensor,
  tidy,
  toComplex,
  ValueError,
  writeOutput,
} from "@modewise/tensor";
import { bitReversal } from "./bitrev.js";
import { r2rND, r2rSpec } from "./dct.js";
import { fftfreq as fftfreqArray, rfftfreq as rfftfreqArray } from "./freq.js";
import {
  type Arr,
  allocArr,
  checkAxes,
  checkAxis,
  checkLength,
  checkNorm,
  checkOptions,
  checkSAxes,
  normScale,
  requireNonEmpty,
  rowMajor,
  show,
  swapNorm,
} from "./layout.js";
import { c2cND, c2rND, copyInto, r2cND } from "./nd.js";
import { type R2RKind, type R2RSpec, type R2RType, transposeSpec } from "./r2r.js";
import type { DType, Norm } from "./types.js";

// ---- kernel attributes ----------------------------------------------------------------------

export interface FFTAttrs {
  axes: number[];
  /** Transform lengths along axes. */
  n: number[];
  /** Output sizes along axes (= n for the public ops). */
  out: number[];
  sign: -1 | 1;
  scale: number;
}

export interface RFFTAttrs {
  axes: number[];
  /** Real transform lengths along axes (the last gives n/2 + 1 bins). */
  n: number[];
  out: number[];
  scale: number;
  /** W = C (true) or I. */
  weighted: boolean;
}

export interface IRFFTAttrs {
  axes: number[];
  /** Real output lengths along axes (before R_out). */
  n: number[];
  out: number[];
  scale: number;
  /** V = C^{-1} (true) or I. */
  weighted: boolean;
}

export interface R2RAttrs {
  axis: number;
  n: number;
  out: number;
  spec: R2RSpec;
}

// ---- kernels --------------------------------------------------------------------------------

function realDType(d: string): DType {
  return d === "float32" || d === "complex64" ? "float32" : "float64";
}

function contiguous(
  data: Float64Array | Float32Array,
  shape: readonly number[],
  complex: boolean,
): Arr {
  const dtype = realDType(data instanceof Float32Array ? "float32" : "float64");
  if (!complex)
    return {
      shape: shape.slice(),
      re: { data, offset: 0, stride: rowMajor(shape) },
      im: null,
      dtype,
    };
  return {
    shape: shape.slice(),
    re: { data, offset: 0, stride: rowMajor(shape, 2) },
    im: { data, offset: 1, stride: rowMajor(shape, 2) },
    dtype,
  };
}

function withSizes(shape: readonly number[], axes: number[], sizes: number[]): number[] {
  const s = shape.slice();
  axes.forEach((a, i) => {
    s[a] = sizes[i];
  });
  return s;
}

/** R_out: a fresh array resized to `out` along axes (or `a` itself when nothing changes). */
function resized(a: Arr, axes: number[], out: number[]): Arr {
  if (axes.every((ax, i) => a.shape[ax] === out[i])) return a;
  const b = allocArr(withSizes(a.shape, axes, out), a.dtype, a.im !== null, "interleaved");
  copyInto(a, b);
  return b;
}

/** The first pass carries the whole scale; the others 1. */
function firstPassScale(total: number, count: number): (n: number, i: number) => number {
  return (_n, i) => (i === count - 1 ? total : 1);
}

/** c_k multiplicities along `axis` of a half spectrum of the real length n: 1 at DC and Nyquist, else 2. */
function weightBins(a: Arr, axis: number, n: number, power: 1 | -1): void {
  const h = a.shape[axis];
  const inner = a.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const outer = a.shape.slice(0, axis).reduce((x, y) => x * y, 1);
  const bin = (a.im ? 2 : 1) * inner; // numbers per bin
  const data = a.re.data;
  const f = power === 1 ? 2 : 0.5;
  // bins 1..h-1 of each slab are contiguous: scale them in one run, or two around Nyquist
  const nyquist = n % 2 === 0 && n / 2 < h ? n / 2 : -1;
  const runs: [number, number][] =
    nyquist < 0
      ? [[bin, h * bin]]
      : [
          [bin, nyquist * bin],
          [(nyquist + 1) * bin, h * bin],
        ];
  for (let o = 0; o < outer; o++) {
    const base = o * h * bin;
    for (const [from, to] of runs) for (let i = base + from; i < base + to; i++) data[i] *= f;
  }
}

registerKernel<FFTAttrs>("FFT", "cpu", ([x], attrs, backend) => {
  const src = contiguous(readSync(x, backend) as Float64Array | Float32Array, x.shape, true);
  const dst = allocArr(withSizes(x.shape, attrs.axes, attrs.n), src.dtype, true, "interleaved");
  c2cND(src, dst, attrs.axes, attrs.sign, firstPassScale(attrs.scale, attrs.axes.length));
  const y = resized(dst, attrs.axes, attrs.out);
  return writeOutput(y.re.data, y.shape, x.dtype, backend);
});

registerGradient<FFTAttrs>("FFT", (dy, [x], _y, attrs) => [
  runKernel<FFTAttrs>(
    "FFT",
    [dy],
    {
      axes: attrs.axes,
      n: attrs.n,
      out: attrs.axes.map((a) => x.shape[a]),
      sign: attrs.sign === -1 ? 1 : -1,
      scale: attrs.scale,
    },
    "fft (gradient)",
  ),
]);

registerKernel<RFFTAttrs>("RFFT", "cpu", ([x], attrs, backend) => {
  const src = contiguous(readSync(x, backend) as Float64Array | Float32Array, x.shape, false);
  const last = attrs.axes.length - 1;
  const shape = withSizes(x.shape, attrs.axes, attrs.n);
  shape[attrs.axes[last]] = (attrs.n[last] >> 1) + 1;
  const dst = allocArr(shape, src.dtype, true, "interleaved");
  r2cND(src, dst, attrs.axes, attrs.n, firstPassScale(attrs.scale, attrs.axes.length));
  if (attrs.weighted) weightBins(dst, attrs.axes[last], attrs.n[last], 1);
  const y = resized(dst, attrs.axes, attrs.out);
  return writeOutput(
    y.re.data,
    y.shape,
    src.dtype === "float32" ? "complex64" : "complex128",
    backend,
  );
});

registerGradient<RFFTAttrs>("RFFT", (dy, [x], _y, attrs) => [
  runKernel<IRFFTAttrs>(
    "IRFFT",
    [dy],
    {
      axes: attrs.axes,
      n: attrs.n,
      out: attrs.axes.map((a) => x.shape[a]),
      scale: attrs.scale,
      weighted: !attrs.weighted,
    },
    "rfft (gradient)",
  ),
]);

registerKernel<IRFFTAttrs>("IRFFT", "cpu", ([z], attrs, backend) => {
  let src = contiguous(readSync(z, backend) as Float64Array | Float32Array, z.shape, true);
  const last = attrs.axes.length - 1;
  if (attrs.weighted) {
    // V = C^{-1} on the bins the transform reads (the input's last axis, truncated to n/2 + 1)
    const h = (attrs.n[last] >> 1) + 1;
    const sizes = attrs.axes.map((a, i) => (i === last ? Math.min(h, z.shape[a]) : z.shape[a]));
    src = resized(src, attrs.axes, sizes);
    weightBins(src, attrs.axes[last], attrs.n[last], -1);
  }
  const dst = allocArr(withSizes(z.shape, attrs.axes, attrs.n), src.dtype, false, "real");
  c2rND(src, dst, attrs.axes, attrs.n, firstPassScale(attrs.scale, attrs.axes.length));
  const y = resized(dst, attrs.axes, attrs.out);
  return writeOutput(y.re.data, y.shape, src.dtype, backend);
});

registerGradient<IRFFTAttrs>("IRFFT", (dy, [z], _y, attrs) => [
  runKernel<RFFTAttrs>(
    "RFFT",
    [dy],
    {
      axes: attrs.axes,
      n: attrs.n,
      out: attrs.axes.map((a) => z.shape[a]),
      scale: attrs.scale,
      weighted: !attrs.weighted,
    },
    "irfft (gradient)",
  ),
]);

registerKernel<R2RAttrs>("R2R", "cpu", ([x], attrs, backend) => {
  const src = contiguous(readSync(x, backend) as Float64Array | Float32Array, x.shape, false);
  const dst = allocArr(withSizes(x.shape, [attrs.axis], [attrs.n]), src.dtype, false, "real");
  r2rND(src, dst, [attrs.axis], [attrs.spec]);
  const y = resized(dst, [attrs.axis], [attrs.out]);
  return writeOutput(y.re.data, y.shape, src.dtype, backend);
});

registerGradient<R2RAttrs>("R2R", (dy, [x], _y, attrs) => [
  runKernel<R2RAttrs>(
    "R2R",
    [dy],
    { axis: attrs.axis, n: attrs.n, out: x.shape[attrs.axis], spec: transposeSpec(attrs.spec) },
    "dct (gradient)",
  ),
]);

// ---- public ops -----------------------------------------------------------------------------

export interface TensorFFTOptions {
  /** Transform length along `axis` (zero-pad / truncate; irfft: the real output length). */
  n?: number;
  /** Default -1. */
  axis?: number;
  norm?: Norm;
}

export interface TensorFFTNOptions {
  /** Lengths along `axes` (-1 keeps the input's; irfftn: real output lengths). */
  s?: readonly number[];
  /** Default all axes (or the last s.length); the 2-D variants [-2, -1]. */
  axes?: readonly number[];
  norm?: Norm;
}

export interface TensorDCTOptions {
  type?: R2RType;
  n?: number;
  axis?: number;
  norm?: Norm;
  orthogonalize?: boolean;
}

export interface TensorDCTNOptions {
  type?: R2RType;
  s?: readonly number[];
  axes?: readonly number[];
  norm?: Norm;
  orthogonalize?: boolean;
}

function requireTensor(x: unknown, fn: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(fn, "x", "a Tensor", show(x));
  if (x.isDisposed) throw new DisposedError(fn, "x");
  return x;
}

function asComplex(x: unknown, fn: string): Tensor {
  const t = requireTensor(x, fn);
  if (!isFloat(t.dtype))
    throw new DTypeError(fn, "x", "a float32, float64, complex64 or complex128 tensor", t.dtype);
  return isComplex(t.dtype) ? t : toComplex(t);
}

function asReal(x: unknown, fn: string): Tensor {
  const t = requireTensor(x, fn);
  if (t.dtype !== "float32" && t.dtype !== "float64")
    throw new DTypeError(fn, "x", "a real float32 or float64 tensor", t.dtype);
  return t;
}

/** Axes and transform lengths for 1-D (nd false) or n-D options, numpy's defaults. */
function axesAndLengths(
  t: Tensor,
  o: Record<string, unknown>,
  nd: boolean,
  fn: string,
  defaultAxes?: number[],
  lastDefault?: (m: number) => number,
): { axes: number[]; lens: number[] } {
  const shape = t.shape;
  let axes: number[];
  let given: (number | undefined)[];
  if (nd) {
    const r = checkSAxes(o.s, o.axes, shape, fn, defaultAxes);
    axes = r.axes;
    given = r.s;
  } else {
    axes = [checkAxis(o.axis ?? -1, shape.length, fn)];
    given = [o.n === undefined || o.n === null ? undefined : checkLength(o.n, fn)];
  }
  const lens = axes.map((a, i) => {
    if (given[i] !== undefined) return given[i]!;
    requireNonEmpty(shape, a, fn);
    if (lastDefault && i === axes.length - 1) {
      const n = lastDefault(shape[a]);
      if (n < 1)
        throw new ValueError(
          fn,
          nd ? "s" : "n",
          `a positive output length (the default 2 (m - 1) needs m >= 2 bins along axis ${a})`,
          String(n),
        );
      return n;
    }
    return shape[a];
  });
  return { axes, lens };
}

function totalScale(lens: number[], norm: Norm, inverse: boolean): number {
  return lens.reduce((acc, n) => acc * normScale(norm, n, inverse), 1);
}

function c2cOp(
  fn: string,
  x: unknown,
  opts: unknown,
  inverse: boolean,
  nd: boolean,
  defaultAxes?: number[],
): Tensor {
  return tidy(() => {
    const o = checkOptions(opts, fn);
    const t = asComplex(x, fn);
    const norm = checkNorm(o.norm, fn);
    const { axes, lens } = axesAndLengths(t, o, nd, fn, defaultAxes);
    const attrs: FFTAttrs = {
      axes,
      n: lens,
      out: lens,
      sign: inverse ? 1 : -1,
      scale: totalScale(lens, norm, inverse),
    };
    return runKernel("FFT", [t], attrs, fn);
  });
}

function r2cOp(
  fn: string,
  x: unknown,
  opts: unknown,
  nd: boolean,
  defaultAxes?: number[],
  swap = false,
): Tensor {
  return tidy(() => {
    const o = checkOptions(opts, fn);
    const t = asReal(x, fn);
    const norm = checkNorm(o.norm, fn);
    const { axes, lens } = axesAndLengths(t, o, nd, fn, defaultAxes);
    if (axes.length === 0) throw new ValueError(fn, "axes", "at least one axis", "[]");
    const out = lens.slice();
    out[out.length - 1] = (lens[lens.length - 1] >> 1) + 1;
    const attrs: RFFTAttrs = {
      axes,
      n: lens,
      out,
      scale: totalScale(lens, swap ? swapNorm(norm) : norm, false),
      weighted: false,
    };
    return runKernel("RFFT", [t], attrs, fn);
  });
}

function c2rOp(
  fn: string,
  x: unknown,
  opts: unknown,
  nd: boolean,
  defaultAxes?: number[],
  swap = false,
): Tensor {
  return tidy(() => {
    const o = checkOptions(opts, fn);
    let t = asComplex(x, fn);
    if (swap) t = conj(t);
    const norm = checkNorm(o.norm, fn);
    const { axes, lens } = axesAndLengths(t, o, nd, fn, defaultAxes, (m) => 2 * (m - 1));
    if (axes.length === 0) throw new ValueError(fn, "axes", "at least one axis", "[]");
    const attrs: IRFFTAttrs = {
      axes,
      n: lens,
      out: lens,
      scale: totalScale(lens, swap ? swapNorm(norm) : norm, true),
      weighted: false,
    };
    return runKernel("IRFFT", [t], attrs, fn);
  });
}

/** DFT along an axis (torch.fft.fft / numpy.fft.fft). Real input is promoted to complex. */
export const fft = (x: Tensor, opts?: TensorFFTOptions): Tensor =>
  c2cOp("fft", x, opts, false, false);
/** Inverse DFT along an axis. */
export const ifft = (x: Tensor, opts?: TensorFFTOptions): Tensor =>
  c2cOp("ifft", x, opts, true, false);
/** n-D DFT over `axes` with sizes `s`. */
export const fftn = (x: Tensor, opts?: TensorFFTNOptions): Tensor =>
  c2cOp("fftn", x, opts, false, true);
/** n-D inverse DFT. */
export const ifftn = (x: Tensor, opts?: TensorFFTNOptions): Tensor =>
  c2cOp("ifftn", x, opts, true, true);
/** 2-D DFT over the last two axes. */
export const fft2 = (x: Tensor, opts?: TensorFFTNOptions): Tensor =>
  c2cOp("fft2", x, opts, false, true, [-2, -1]);
/** 2-D inverse DFT over the last two axes. */
export const ifft2 = (x: Tensor, opts?: TensorFFTNOptions): Tensor =>
  c2cOp("ifft2", x, opts, true, true, [-2, -1]);
/** Real-input DFT: n/2 + 1 bins along the axis (float64 -> complex128, float32 -> complex64). */
export const rfft = (x: Tensor, opts?: TensorFFTOptions): Tensor => r2cOp("rfft", x, opts, false);
/** Inverse of rfft: `n` real samples (default 2 (m - 1)); Im of DC / Nyquist bins ignored. */
export const irfft = (x: Tensor, opts?: TensorFFTOptions): Tensor => c2rOp("irfft", x, opts, false);
/** n-D real DFT (rfft along the last of axes). */
export const rfftn = (x: Tensor, opts?: TensorFFTNOptions): Tensor => r2cOp("rfftn", x, opts, true);
/** Inverse of rfftn; `s` gives the real output sizes. */
export const irfftn = (x: Tensor, opts?: TensorFFTNOptions): Tensor =>
  c2rOp("irfftn", x, opts, true);
/** rfftn over the last two axes. */
export const rfft2 = (x: Tensor, opts?: TensorFFTNOptions): Tensor =>
  r2cOp("rfft2", x, opts, true, [-2, -1]);
/** irfftn over the last two axes. */
export const irfft2 = (x: Tensor, opts?: TensorFFTNOptions): Tensor =>
  c2rOp("irfft2", x, opts, true, [-2, -1]);
/** DFT of a Hermitian signal from its half spectrum: irfft(conj x) with the norm swapped (numpy.fft.hfft). */
export const hfft = (x: Tensor, opts?: TensorFFTOptions): Tensor =>
  c2rOp("hfft", x, opts, false, undefined, true);
/** Inverse of hfft: conj(rfft(x)) with the norm swapped (numpy.fft.ihfft). */
export const ihfft = (x: Tensor, opts?: TensorFFTOptions): Tensor =>
  tidy(() => conj(r2cOp("ihfft", x, opts, false, undefined, true)));

function checkType(t: unknown, fn: string): R2RType {
  if (t === undefined || t === null) return 2;
  if (t !== 1 && t !== 2 && t !== 3 && t !== 4)
    throw new ValueError(fn, "type", "1, 2, 3 or 4", show(t));
  return t;
}

function checkOrth(v: unknown, norm: Norm, fn: string): boolean {
  if (v === undefined || v === null) return norm === "ortho";
  if (typeof v !== "boolean") throw new ValueError(fn, "orthogonalize", "a boolean", show(v));
  return v;
}

function r2rOp(
  fn: string,
  kind: R2RKind,
  inverse: boolean,
  x: unknown,
  opts: unknown,
  nd: boolean,
): Tensor {
  return tidy(() => {
    const o = checkOptions(opts, fn);
    let t = asReal(x, fn);
    const type = checkType(o.type, fn);
    const norm = checkNorm(o.norm, fn);
    const orth = checkOrth(o.orthogonalize, norm, fn);
    const { axes, lens } = axesAndLengths(t, o, nd, fn);
    const specs = lens.map((n) => r2rSpec(kind, type, n, norm, orth, inverse, fn));
    axes.forEach((axis, i) => {
      t = runKernel<R2RAttrs>("R2R", [t], { axis, n: lens[i], out: lens[i], spec: specs[i] }, fn);
    });
    return axes.length === 0 ? identity(t) : t;
  });
}

/** DCT type 1-4 along an axis (scipy.fft.dct semantics, real input). */
export const dct = (x: Tensor, opts?: TensorDCTOptions): Tensor =>
  r2rOp("dct", "dct", false, x, opts, false);
/** Inverse DCT (scipy.fft.idct). */
export const idct = (x: Tensor, opts?: TensorDCTOptions): Tensor =>
  r2rOp("idct", "dct", true, x, opts, false);
/** DST type 1-4 along an axis (scipy.fft.dst). */
export const dst = (x: Tensor, opts?: TensorDCTOptions): Tensor =>
  r2rOp("dst", "dst", false, x, opts, false);
/** Inverse DST (scipy.fft.idst). */
export const idst = (x: Tensor, opts?: TensorDCTOptions): Tensor =>
  r2rOp("idst", "dst", true, x, opts, false);
/** n-D DCT over axes (scipy.fft.dctn). */
export const dctn = (x: Tensor, opts?: TensorDCTNOptions): Tensor =>
  r2rOp("dctn", "dct", false, x, opts, true);
/** n-D inverse DCT (scipy.fft.idctn). */
export const idctn = (x: Tensor, opts?: TensorDCTNOptions): Tensor =>
  r2rOp("idctn", "dct", true, x, opts, true);
/** n-D DST (scipy.fft.dstn). */
export const dstn = (x: Tensor, opts?: TensorDCTNOptions): Tensor =>
  r2rOp("dstn", "dst", false, x, opts, true);
/** n-D inverse DST (scipy.fft.idstn). */
export const idstn = (x: Tensor, opts?: TensorDCTNOptions): Tensor =>
  r2rOp("idstn", "dst", true, x, opts, true);

/** A fresh tensor equal to t (a no-op transform still returns a new handle, with gradient). */
function identity(t: Tensor): Tensor {
  return slice(
    t,
    t.shape.map(() => null),
  );
}

function rollOp(fn: string, x: unknown, opts: unknown, inverse: boolean): Tensor {
  return tidy(() => {
    const o = checkOptions(opts, fn);
    let t = requireTensor(x, fn);
    const axes =
      o.axes === undefined || o.axes === null
        ? t.shape.map((_, i) => i)
        : checkAxes(typeof o.axes === "number" ? [o.axes] : o.axes, t.rank, fn);
    for (const a of axes) {
      const n = t.shape[a];
      const s = inverse ? n - (n >> 1) : n >> 1; // roll right by s: y = [x[n-s:], x[:n-s]]
      if (n === 0 || s === 0) continue;
      const head = t.shape.map((_, i) => (i === a ? { start: n - s, stop: n } : null));
      const tail = t.shape.map((_, i) => (i === a ? { start: 0, stop: n - s } : null));
      t = concat([slice(t, head), slice(t, tail)], a);
    }
    return t === x ? identity(t) : t;
  });
}

/** Zero frequency to the centre: roll each axis (default all) by floor(n/2) (numpy.fft.fftshift). */
export const fftshift = (x: Tensor, opts?: { axes?: number | readonly number[] }): Tensor =>
  rollOp("fftshift", x, opts, false);
/** Inverse of fftshift. */
export const ifftshift = (x: Tensor, opts?: { axes?: number | readonly number[] }): Tensor =>
  rollOp("ifftshift", x, opts, true);

/** numpy.fft.fftfreq as a tensor (float64 unless dtype "float32"). */
export function fftfreq(n: number, d = 1, opts?: { dtype?: RealFloatDType }): Tensor {
  const v = fftfreqArray(n, d, opts);
  return tensor(v, { dtype: v instanceof Float32Array ? "float32" : "float64" });
}

/** numpy.fft.rfftfreq as a tensor. */
export function rfftfreq(n: number, d = 1, opts?: { dtype?: RealFloatDType }): Tensor {
  const v = rfftfreqArray(n, d, opts);
  return tensor(v, { dtype: v instanceof Float32Array ? "float32" : "float64" });
}

function bitrevIndices(t: Tensor, axis: number, fn: string): Tensor {
  const n = t.shape[axis];
  requireNonEmpty(t.shape, axis, fn);
  if ((n & (n - 1)) !== 0)
    throw new ValueError(fn, "x", `a power-of-2 length along axis ${axis}`, show(n));
  return tensor(Int32Array.from(bitReversal(n)), { dtype: "int32" });
}

/** fft(x[br], "ortho") along an axis of length 2^m (QMCPy's fftbr; see the standalone fftbr). */
export function fftbr(x: Tensor, opts?: { axis?: number }): Tensor {
  return tidy(() => {
    const o = checkOptions(opts, "fftbr");
    const t = asComplex(x, "fftbr");
    const axis = checkAxis(o.axis ?? -1, t.rank, "fftbr");
    return fft(gather(t, bitrevIndices(t, axis, "fftbr"), axis), { axis, norm: "ortho" });
  });
}

/** The inverse of fftbr: ifft(y, "ortho") written in bit-reversed order (QMCPy's ifftbr). */
export function ifftbr(y: Tensor, opts?: { axis?: number }): Tensor {
  return tidy(() => {
    const o = checkOptions(opts, "ifftbr");
    const t = asComplex(y, "ifftbr");
    const axis = checkAxis(o.axis ?? -1, t.rank, "ifftbr");
    const idx = bitrevIndices(t, axis, "ifftbr");
    return gather(ifft(t, { axis, norm: "ortho" }), idx, axis);
  });
}
