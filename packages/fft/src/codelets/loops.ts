/**
 * Helpers shared by the JS butterfly passes (one file per radix, see types.ts): the loop order
 * over the twiddled butterflies of a pass and the twiddle multiply of one output.
 */

/**
 * Strides of the two nested loops over the (ido - 1) * l1 twiddled butterflies (columns
 * i = 1..ido-1; column 0 takes no twiddles and runs as its own loop over k): the outer loop
 * runs nu times, moving the input offset by au, the output offset by bu and the twiddle offset
 * by tu; the inner loop nv times by av, bv, tv. k-outer / i-inner when ido - 1 >= l1, i-outer /
 * k-inner otherwise, so the inner loop is the longer one. Both start at input offset ccOff + 2,
 * output offset chOff + 2, twiddle offset 0.
 */
export interface Loops {
  readonly nu: number;
  readonly nv: number;
  readonly au: number;
  readonly av: number;
  readonly bu: number;
  readonly bv: number;
  readonly tu: number;
  readonly tv: number;
}

/**
 * The loop order of a pass with ido columns and l1 butterflies per column; ik, ok: input and
 * output strides between k and k + 1; tstride: twiddle doubles per column (2 * (r - 1)).
 */
export function loops(ido: number, l1: number, ik: number, ok: number, tstride: number): Loops {
  return ido - 1 >= l1
    ? { nu: l1, nv: ido - 1, au: ik, av: 2, bu: ok, bv: 2, tu: 0, tv: tstride }
    : { nu: ido - 1, nv: l1, au: 2, av: ik, bu: 2, bv: ok, tu: tstride, tv: 0 };
}

/** Stores y * (tw[t] + i tw[t + 1]) at ch[o], ch[o + 1]. */
export function twiddle(
  ch: Float64Array,
  o: number,
  yr: number,
  yi: number,
  tw: Float64Array,
  t: number,
): void {
  const wr = tw[t];
  const wi = tw[t + 1];
  ch[o] = yr * wr - yi * wi;
  ch[o + 1] = yr * wi + yi * wr;
}
