/**
 * Allocation-free 2-D real FFT of one s x s field on the unit torus, built on the 1-D engine of
 * @modewise/fft (realPlan along y = the contiguous last axis, complexPlan along x = the strided
 * first axis). The half spectrum is [s, s/2 + 1] interleaved complex: bin (p, q) at complex index
 * p * (s/2 + 1) + q, p = x wavenumber index (fftfreq order), q = y wavenumber 0..s/2.
 *
 * `columns` lets callers skip the x transforms of y-columns they know to be zero (inverse) or do
 * not need (forward): with 2/3 dealiasing only q <= s/3 survives, a third less work.
 */
import { type ComplexPlan, complexPlan, type RealPlan, realPlan } from "@modewise/fft";

export class RealFFT2d {
  readonly s: number;
  /** s/2 + 1 bins along y. */
  readonly half: number;
  private readonly rows: RealPlan;
  private readonly cols: ComplexPlan;

  constructor(s: number) {
    this.s = s;
    this.half = (s >> 1) + 1;
    this.rows = realPlan(s);
    this.cols = complexPlan(s);
  }

  /**
   * Unnormalized forward transform of the s*s reals at src[srcOff..] into the half spectrum at
   * dst (complex offset dstOff). Only the first `columns` y-bins get their x transform.
   */
  forward(
    src: Float64Array,
    srcOff: number,
    dst: Float64Array,
    dstOff = 0,
    columns = this.half,
  ): void {
    const { s, half } = this;
    for (let i = 0; i < s; i++)
      this.rows.forward(src, srcOff + i * s, 1, dst, dstOff + i * half, 1, 1);
    for (let q = 0; q < columns; q++)
      this.cols.execute(dst, dstOff + q, half, dst, dstOff + q, half, -1, 1);
  }

  /**
   * Inverse transform (scaled by 1/s^2, numpy's irfft2) of the half spectrum at spec (complex
   * offset specOff), which is OVERWRITTEN, into the s*s reals at dst[dstOff..]. Bins with
   * q >= columns must be zero.
   */
  inverseInPlace(
    spec: Float64Array,
    specOff: number,
    dst: Float64Array,
    dstOff = 0,
    columns = this.half,
  ): void {
    const { s, half } = this;
    for (let q = 0; q < columns; q++)
      this.cols.execute(spec, specOff + q, half, spec, specOff + q, half, 1, 1);
    const scale = 1 / (s * s);
    for (let i = 0; i < s; i++)
      this.rows.backward(spec, specOff + i * half, 1, dst, dstOff + i * s, 1, scale);
  }
}

/** Signed integer wavenumber of FFT bin p of n (fftfreq order; the Nyquist bin counts as -n/2). */
export function wavenumber(p: number, n: number): number {
  return p < (n + 1) >> 1 ? p : p - n;
}
