/**
 * FFTs in bit-reversed order, for the fast kernel methods of quasi-Monte Carlo (QMCPy's
 * `fftbr` / `ifftbr`). For n = 2^m let br(j) reverse the m bits of j. Then
 *
 *   fftbr(x)_k  = n^{-1/2} sum_j x_{br(j)} exp(-2 pi i jk / n)     (input read in bit-reversed order)
 *   ifftbr(y)_{br(j)} = n^{-1/2} sum_k y_k exp(+2 pi i jk / n)     (output written in bit-reversed order)
 *
 * i.e. fftbr(x) = fft(P x, "ortho") and ifftbr(y) = P ifft(y, "ortho") with (P x)_j = x_{br(j)}
 * (P is its own inverse), so ifftbr(fftbr(x)) = x and both are unitary. Why this order: the
 * points of an extensible rank-1 lattice in its natural (radical-inverse) order are the points
 * of the linear order permuted by br, so a shift-invariant kernel's Gram matrix is K = P C P
 * with C circulant, C = F* diag(lambda) F. Hence
 *   K y = ifftbr(fftbr(y) * lambda),   lambda = sqrt(n) fftbr(K[:, 0]),
 * an O(n log n) matrix-vector product (and solve, dividing by lambda). These are exactly QMCPy's
 * definitions (fftbr permutes its input before an orthonormal FFT; ifftbr permutes the output of
 * an orthonormal inverse FFT).
 */
import { ValueError } from "@modewise/tensor";
import {
  allocate,
  checkAxis,
  checkOptions,
  complexInput,
  outputArr,
  requireNonEmpty,
  show,
  toPublic,
} from "./layout.js";
import { c2cKernel, type LineKernel } from "./lines.js";
import { alongAxis } from "./nd.js";
import type { Floats } from "./plan-types.js";
import type { ComplexInput, ComplexOut, ComplexResult } from "./types.js";

const tables = new Map<number, Int32Array>();

/** br(j) for j = 0..n-1, n = 2^m (cached). */
export function bitReversal(n: number): Int32Array {
  let t = tables.get(n);
  if (!t) {
    t = new Int32Array(n);
    let m = 0;
    while (1 << m < n) m++;
    for (let j = 1; j < n; j++) t[j] = (t[j >> 1] >> 1) | ((j & 1) << (m - 1));
    tables.set(n, t);
  }
  return t;
}

export interface BitrevOptions {
  /** Axis of a view to transform (default -1). Its length must be a power of 2. */
  axis?: number;
  out?: ComplexOut;
}

function bitrevTransform(fn: string, x: unknown, opts: unknown, inverse: boolean): unknown {
  const o = checkOptions(opts, fn);
  const { arr, form } = complexInput(x, fn);
  const axis = checkAxis(o.axis ?? -1, arr.shape.length, fn);
  requireNonEmpty(arr.shape, axis, fn);
  const n = arr.shape[axis];
  if ((n & (n - 1)) !== 0)
    throw new ValueError(fn, "x", `a power-of-2 length along axis ${axis}`, show(n));
  const dst = outputArr(o.out, arr.shape.slice(), arr.dtype, true, form, fn);
  const c = c2cKernel(n, arr.dtype);
  const br = bitReversal(n);
  const buf: Floats = allocate(arr.dtype, 2 * n);
  const scale = 1 / Math.sqrt(n);
  // fftbr: gather into buf, permute into the FFT's buffer, transform. ifftbr: the reverse.
  const k: LineKernel = inverse
    ? { inLen: n, outLen: n, inComplex: true, outComplex: true, input: c.input, output: buf }
    : { inLen: n, outLen: n, inComplex: true, outComplex: true, input: buf, output: c.output };
  const step = inverse
    ? () => {
        c.run(1, scale);
        const y = c.output;
        for (let j = 0; j < n; j++) {
          const b = br[j];
          buf[2 * b] = y[2 * j];
          buf[2 * b + 1] = y[2 * j + 1];
        }
      }
    : () => {
        const z = c.input;
        for (let j = 0; j < n; j++) {
          const b = br[j];
          z[2 * j] = buf[2 * b];
          z[2 * j + 1] = buf[2 * b + 1];
        }
        c.run(-1, scale);
      };
  alongAxis(arr, dst, axis, k, step);
  return toPublic(dst, form);
}

/**
 * Orthonormal DFT of x read in bit-reversed order (QMCPy's fftbr): fftbr(x) = fft(x[br], "ortho").
 * x: complex in any form, length 2^m along `axis`; the result has the form of x.
 */
export function fftbr<X extends ComplexInput>(x: X, opts?: BitrevOptions): ComplexResult<X> {
  return bitrevTransform("fftbr", x, opts, false) as ComplexResult<X>;
}

/**
 * Inverse of fftbr (QMCPy's ifftbr): the orthonormal inverse DFT of y, written in bit-reversed
 * order, ifftbr(y)[br] = ifft(y, "ortho").
 */
export function ifftbr<X extends ComplexInput>(y: X, opts?: BitrevOptions): ComplexResult<X> {
  return bitrevTransform("ifftbr", y, opts, true) as ComplexResult<X>;
}
