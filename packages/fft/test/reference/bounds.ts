/**
 * The accuracy bar for one FFT, shared by accuracy.test.ts and properties.test.ts.
 *
 * Model: a stable FFT of length n is a product of ~log2 n sparse factors (passes); each pass
 * adds rounding and twiddle errors that are independent between passes, of relative size
 * ~C u per pass in the RMS sense (u = unit roundoff, 2^-53 for f64, 2^-24 for f32). They add in
 * quadrature: relative L2 error ~ C u sqrt(log2 n), for random inputs (Higham, "Accuracy and
 * Stability of Numerical Algorithms", 2nd ed., sec. 24.1; the worst-case bound grows like
 * log2 n instead). One more term of the same size covers the twiddles' own rounding and the
 * final scaling, hence sqrt(log2 n + 1).
 *
 * The constant, C = 2: measured FFTs sit at C = 0.7 (pocketfft, 3.5e-16 at n = 2^20), 1.2
 * (fft.js, 5.9e-16 at 2^20) and 1.4 (Bluestein at primes near 1e6, 7e-16); the project's target
 * in the notes, forward error <= 1e-15 up to 2^20, is C = 1.96 at n = 2^20. So
 *
 *     relative L2 error <= 2 u sqrt(log2 n + 1)
 *
 * (f64: 2.2e-16 at n = 1, 9.2e-16 at n = 2^16, 1.0e-15 at 2^20), fixed before measuring anything.
 */
export const U64 = 2 ** -53;
export const U32 = 2 ** -24;

/** Bound on the relative L2 error of one transform of length n with unit roundoff u. */
export function fftErrorBound(n: number, u: number = U64): number {
  return 2 * u * Math.sqrt(Math.log2(Math.max(n, 1)) + 1);
}
