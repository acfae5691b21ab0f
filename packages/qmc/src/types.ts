/**
 * Public types of the point generators of @modewise/qmc (owner: qmc part A).
 *
 * FINAL API (stable; qmc part B codes against it):
 *
 *   interface PointSet { dim; gen(n, { start?, out? }): Float64Array; spawn(seed): PointSet }
 *   every generator class also has  stream(n, chunkSize, { start? }): Generator<Float64Array>
 *
 *   new Lattice(dim, { generatingVector?, order?: "natural"|"linear"|"gray",
 *                      randomize?: "shift"|"none", seed?, mMax? })
 *       .generatingVector: Uint32Array (length dim)   .mMax: number   .shift: Float64Array|null
 *   new DigitalNetB2(dim, { order?: "natural"|"gray",
 *                           randomize?: "LMS_DS"|"LMS"|"DS"|"NUS"|"none",
 *                           alpha?: number, bits?: 32|64, seed?, matrices? })
 *       .matrices: Uint32Array, dim x 32 row-major: column k of dimension j as an integer whose
 *                  bit 31 is the first binary digit (2^-1); UNRANDOMIZED, after interlacing.
 *       .matricesLow: Uint32Array|null  digits 33..64 of the same columns (bits = 64 only)
 *   new Sobol(dim, same options minus `matrices`)   (Joe & Kuo 2008 directions, dim <= 21201)
 *   new Halton(dim, { randomize?: "LMS_PERM"|"LMS_DS"|"LMS"|"PERM"|"DS"|"NUS"|"none", seed? })
 *       dim <= 1000 (bases = first 1000 primes)   .bases: Uint32Array
 *
 * Conventions: points are rows of a row-major n x dim Float64Array, in [0, 1). gen(n, {start})
 * returns points start .. start+n-1 of the generator's order; gen(n) is gen(n, {start: 0}).
 * Randomization is fixed at construction from `seed` (reproducible; see rng.ts); when `seed` is
 * omitted a seed is drawn from Math.random and stored in `.seed`. spawn(s) = same construction,
 * same options, randomization drawn from seed s. Defaults follow QMCPy: Lattice "natural" +
 * "shift", DigitalNetB2/Sobol "natural" + "LMS_DS", Halton "LMS_PERM".
 */

/** A (possibly randomized) quasi-Monte Carlo point set / sequence in [0,1)^dim. */
export interface PointSet {
  readonly dim: number;
  /** Points n0 .. n0+n-1 (in this generator's order) as a row-major n x dim Float64Array. */
  gen(n: number, options?: GenOptions): Float64Array;
  /** An independent randomization of the same construction (for replications), seeded. */
  spawn(seed: number): PointSet;
}

export interface GenOptions {
  /** Index of the first point (default 0). */
  start?: number;
  /** Destination, length exactly n * dim; returned when given. */
  out?: Float64Array;
}

export interface StreamOptions {
  /** Index of the first point (default 0). */
  start?: number;
}

export type LatticeOrder = "natural" | "linear" | "gray";
export type LatticeRandomize = "shift" | "none";

export interface LatticeOptions {
  /** Generating vector (length >= dim; the first dim entries are used). Default: Kuo's 33002. */
  generatingVector?: Uint32Array | readonly number[];
  /** "natural" (radical inverse, extensible), "linear" (i/n), "gray" (Gray-code radical inverse). */
  order?: LatticeOrder;
  randomize?: LatticeRandomize;
  seed?: number;
  /** log2 of the largest number of points the vector is meant for (default 20 for the
   * shipped vector, 32 for a user vector). Requests beyond 2^mMax points throw. */
  mMax?: number;
}

export type NetOrder = "natural" | "gray";
export type NetRandomize = "LMS_DS" | "LMS" | "DS" | "NUS" | "none";

export interface DigitalNetOptions {
  order?: NetOrder;
  randomize?: NetRandomize;
  /** Interlacing factor for higher-order nets (default 1 = classical net). */
  alpha?: number;
  /** Number of binary digits per coordinate (default 32). 64 keeps digits 33..64 exactly
   * (as hi/lo 32-bit words) before the final rounding to float64 (by truncation). */
  bits?: 32 | 64;
  seed?: number;
  /** Custom generating matrices (DigitalNetB2 only): (dim * alpha) x 32 columns, same layout
   * as `.matrices`. Default: Joe & Kuo (2008) Sobol' directions. */
  matrices?: Uint32Array | readonly number[];
}

export type SobolOptions = Omit<DigitalNetOptions, "matrices">;

export type HaltonRandomize = "LMS_PERM" | "LMS_DS" | "LMS" | "PERM" | "DS" | "NUS" | "none";

export interface HaltonOptions {
  randomize?: HaltonRandomize;
  seed?: number;
}
