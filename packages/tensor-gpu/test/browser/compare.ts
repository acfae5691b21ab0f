// Judges one parity result: the largest absolute difference between what the GPU backend computed
// and the f64 reference, against the case's own tolerance (derived by the case author from the
// op's f32 error growth). Plain code with no browser or Node APIs: it runs in the page and is
// unit-tested in Node.

/** Any flat numeric array a parity case may hand back. */
export type FlatNumbers = ArrayLike<number>;

export interface Comparison {
  ok: boolean;
  /** max |got - want| over all elements; Infinity if a NaN/Inf appears where the reference is finite. */
  maxErr: number;
  /** Index of the worst element (-1 if none), to point at in a failure message. */
  worst: number;
  /** Set when the result cannot be compared at all (e.g. lengths differ). */
  error: string | null;
}

/**
 * Compares `got` with `want` elementwise. NaN matches NaN and an infinity matches the same
 * infinity (an op may legitimately produce them); anything else non-finite is an infinite error.
 */
export function compareFlat(got: FlatNumbers, want: FlatNumbers, tol: number): Comparison {
  if (!(tol >= 0)) {
    return { ok: false, maxErr: Number.NaN, worst: -1, error: `tolerance ${tol} is not >= 0` };
  }
  if (got.length !== want.length) {
    return {
      ok: false,
      maxErr: Number.POSITIVE_INFINITY,
      worst: -1,
      error: `length mismatch: got ${got.length} elements, want ${want.length}`,
    };
  }
  let maxErr = 0;
  let worst = -1;
  for (let i = 0; i < got.length; i++) {
    const g = Number(got[i]);
    const w = Number(want[i]);
    let err: number;
    if (Number.isNaN(w) && Number.isNaN(g)) err = 0;
    else if (!Number.isFinite(w) && g === w) err = 0;
    else if (Number.isFinite(g) && Number.isFinite(w)) err = Math.abs(g - w);
    else err = Number.POSITIVE_INFINITY;
    if (worst < 0 || err > maxErr) {
      maxErr = err;
      worst = i;
    }
  }
  return { ok: maxErr <= tol, maxErr, worst, error: null };
}
