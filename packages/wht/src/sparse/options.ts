/** Options, validation and parameter choice for the sparse WHT decoders. */
import { ValueError } from "@modewise/tensor";
import { show, type WHTNorm } from "../dense/validate.js";

export type SparseDecoder = "peeling" | "spright";

export interface SparseWHTOptions {
  /** log2 of the signal length N (0 <= n <= 31). */
  n: number;
  /** Expected number K of nonzero WHT coefficients (an upper estimate; 0 allowed). */
  sparsity: number;
  /**
   * "peeling" (default): the noiseless decoder, n + 1 delays per hash, exact recovery.
   * "spright": the noise-robust decoder: random delays repeated `repetitions` times, bits by
   * majority of sign correlations, zero-/single-/multi-ton tests against an estimated noise level.
   */
  decoder?: SparseDecoder;
  /** Number C of random hashes (default 3). */
  hashes?: number;
  /** log2 of the number of buckets B per hash (default ceil(log2(K / eta)), at most n). */
  bucketsLog2?: number;
  /** Target load K / B used to pick B when bucketsLog2 is not given (default 1/3). */
  eta?: number;
  /** SPRIGHT only: number of random delay groups of n + 1 delays each (default 3). */
  repetitions?: number;
  /** Seed of the decoder's random hashes and delays (the tensor core's Philox stream; default 0). */
  seed?: number;
  /**
   * Relative round-off tolerance of the bucket tests (default 1e-9): amounts below
   * tolerance * (the RMS of a hash's bucket vector) count as zero.
   */
  tolerance?: number;
  /** SPRIGHT only: zero-/single-ton test margin in standard deviations of chi-square (default 5). */
  threshold?: number;
  /** Maximum number of peeling sweeps (default 64). */
  maxIterations?: number;
  /** Normalization of the returned coefficients, as in fwht (default "backward": X = H x). */
  norm?: WHTNorm;
  /**
   * If the sparse decoder fails (some bucket never resolves), sample the whole signal and run
   * the dense transform instead (default false: report failure). Needs N <= 2^26.
   */
  denseFallback?: boolean;
}

export interface ResolvedSparseOptions {
  n: number;
  sparsity: number;
  decoder: SparseDecoder;
  hashes: number;
  b: number;
  repetitions: number;
  seed: number;
  tolerance: number;
  threshold: number;
  maxIterations: number;
  norm: WHTNorm;
  denseFallback: boolean;
}

/** Largest N for which the dense transform (fallback or cheaper path) is run. */
export const MAX_DENSE_LOG2N = 26;

const DEFAULT_ETA = 1 / 3;

function intIn(fn: string, name: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)
    throw new ValueError(fn, name, `an integer in [${lo}, ${hi}]`, show(v));
  return v;
}

function positive(fn: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
    throw new ValueError(fn, name, "a finite positive number", show(v));
  return v;
}

export function resolveSparseOptions(fn: string, options: unknown): ResolvedSparseOptions {
  if (options === null || typeof options !== "object")
    throw new ValueError(fn, "options", "an options object with n and sparsity", show(options));
  const o = options as Record<string, unknown>;
  const n = intIn(fn, "options.n", o.n, 0, 31);
  const N = 2 ** n;
  const sparsity = intIn(fn, "options.sparsity", o.sparsity, 0, N);
  const decoder = o.decoder ?? "peeling";
  if (decoder !== "peeling" && decoder !== "spright")
    throw new ValueError(fn, "options.decoder", "'peeling' or 'spright'", show(decoder));
  const hashes = intIn(fn, "options.hashes", o.hashes ?? 3, 1, 64);
  const eta = positive(fn, "options.eta", o.eta ?? DEFAULT_ETA);
  const b =
    o.bucketsLog2 === undefined
      ? Math.min(n, sparsity === 0 ? 0 : Math.max(0, Math.ceil(Math.log2(sparsity / eta))))
      : intIn(fn, "options.bucketsLog2", o.bucketsLog2, 0, n);
  const repetitions =
    decoder === "peeling" ? 1 : intIn(fn, "options.repetitions", o.repetitions ?? 3, 1, 1024);
  if (decoder === "peeling" && o.repetitions !== undefined && o.repetitions !== 1)
    throw new ValueError(
      fn,
      "options.repetitions",
      "1 (or unset) for the peeling decoder",
      show(o.repetitions),
    );
  const seed = intIn(fn, "options.seed", o.seed ?? 0, 0, 2 ** 32 - 1);
  const tolerance = positive(fn, "options.tolerance", o.tolerance ?? 1e-9);
  const threshold = positive(fn, "options.threshold", o.threshold ?? 5);
  const maxIterations = intIn(fn, "options.maxIterations", o.maxIterations ?? 64, 1, 1_000_000);
  const norm = o.norm ?? "backward";
  if (norm !== "backward" && norm !== "ortho" && norm !== "forward")
    throw new ValueError(fn, "options.norm", "one of backward, ortho, forward", show(norm));
  const denseFallback = o.denseFallback ?? false;
  if (typeof denseFallback !== "boolean")
    throw new ValueError(fn, "options.denseFallback", "a boolean", show(denseFallback));
  return {
    n,
    sparsity,
    decoder,
    hashes,
    b,
    repetitions,
    seed,
    tolerance,
    threshold,
    maxIterations,
    norm,
    denseFallback,
  };
}
