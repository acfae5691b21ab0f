/**
 * The contract between the 1-D FFT engine (plan.ts, codelets/, bluestein.ts, real.ts) and
 * everything built on it (n-D, DCT/DST, bit-reversed order, tensor ops). Plans are immutable
 * once built: twiddles and scratch are owned by the plan, `execute` never allocates.
 *
 * Data layout: complex values are interleaved (re, im) in a Float64Array / Float32Array.
 * Offsets and strides count COMPLEX elements for complex data and real elements for real data.
 * Transforms are unnormalized: forward X_k = sum_j x_j exp(-2 pi i jk / n), backward uses +i;
 * `scale` multiplies the result (1 / n for numpy's "backward" inverse, 1 / sqrt(n) for "ortho").
 */
export type Precision = "float64" | "float32";
export type Floats = Float64Array | Float32Array;

/** -1: forward (exp(-i...)), +1: backward (exp(+i...)). */
export type Direction = -1 | 1;

export interface ComplexPlan {
  readonly n: number;
  readonly precision: Precision;
  /** Which algorithm the plan chose ("mixed-radix" or "bluestein"), for tests and benchmarks. */
  readonly algorithm: string;
  /**
   * Transform n complex values read from src (offset/stride in complex elements) into dst.
   * src and dst may be the same array at the same offset/stride (in place); other overlaps are
   * not allowed.
   */
  execute(
    src: Floats,
    srcOffset: number,
    srcStride: number,
    dst: Floats,
    dstOffset: number,
    dstStride: number,
    direction: Direction,
    scale: number,
  ): void;
}

export interface RealPlan {
  readonly n: number;
  readonly precision: Precision;
  /** n real inputs (offset/stride in reals) -> n/2 + 1 complex outputs (offset/stride in complex elements). */
  forward(
    src: Floats,
    srcOffset: number,
    srcStride: number,
    dst: Floats,
    dstOffset: number,
    dstStride: number,
    scale: number,
  ): void;
  /**
   * n/2 + 1 complex inputs (Hermitian half-spectrum) -> n real outputs. The imaginary parts of
   * the DC bin (and of the Nyquist bin for even n) are ignored, as numpy's irfft does.
   */
  backward(
    src: Floats,
    srcOffset: number,
    srcStride: number,
    dst: Floats,
    dstOffset: number,
    dstStride: number,
    scale: number,
  ): void;
}
