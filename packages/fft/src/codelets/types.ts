/**
 * The one signature shared by every butterfly pass (one file per radix).
 *
 * A pass of radix r is one step of a Stockham autosort, decimation-in-frequency FFT of length
 * n = r * l1 * ido, working on interleaved complex float64 data (offsets in doubles):
 *   input  CC(i, m, k) = cc[ccOff + 2 * (i + ido * (m + r * k))]   i < ido, m < r, k < l1
 *   output CH(i, k, q) = ch[chOff + 2 * (i + ido * (k + l1 * q))]   q < r
 *   CH(i, k, q) = w(i, q) * sum_m CC(i, m, k) exp(sign * 2 pi i m q / r),
 *   w(i, q) = exp(sign * 2 pi i q i l1 / n)
 * Passes with l1 = 1, ..., ido = 1 chained through ping-pong buffers give the DFT in natural
 * order, with no bit-reversal. cc and ch must not overlap, except that a single pass with
 * l1 = ido = 1 may run in place (every butterfly loads its inputs before it stores).
 *
 * Direction without duplicated code: each codelet evaluates the FORWARD r-point DFT Y_q and
 * stores Y_q to output q for sign = -1, to output r - q for sign = +1 (the backward DFT is
 * the forward one with outputs reversed). The twiddle table `tw` is the one for the direction:
 * for i = 1..ido-1 and q = 1..r-1, entry 2 * ((i - 1) * (r - 1) + q - 1) holds the factor
 * applied to the q-th computed output, i.e. w(i, q) forward and w(i, r - q) backward.
 *
 * Loop order: the i = 0 column needs no twiddles and runs as its own loop over k; the rest
 * runs k-outer / i-inner when ido - 1 >= l1 and i-outer / k-inner otherwise, so the inner loop
 * is always the longer one (>= sqrt(n / r)). loops.ts holds that choice (`loops`) and the
 * twiddle multiply (`twiddle`) shared by the codelets.
 */
export type Codelet = (
  ido: number,
  l1: number,
  cc: Float64Array,
  ccOff: number,
  ch: Float64Array,
  chOff: number,
  tw: Float64Array,
  sign: number,
  generic: GenericRadix | null,
) => void;

/** Per-plan data of a generic odd-radix pass: its radix, cos / sin of 2 pi j / r, scratch. */
export interface GenericRadix {
  readonly radix: number;
  /** cos(2 pi j / r), sin(2 pi j / r) interleaved, j < r. */
  readonly roots: Float64Array;
  /** 4 * r doubles of scratch (inputs, sums, differences). */
  readonly scratch: Float64Array;
}
