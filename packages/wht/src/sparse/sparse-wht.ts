/**
 * Public sparse Walsh-Hadamard transform: recover the K nonzero coefficients of X = H x
 * (N = 2^n) from O(K log N) samples of x, asked of an oracle, so x never exists densely.
 * Peeling decoder after Scheibler, Haghighatshoar & Vetterli (2015); noise-robust decoder after
 * SPRIGHT (Li, Bradley, Pawar & Ramchandran 2015). Pipeline:
 *   makePlan (random hashes + delays)  ->  oracle samples  ->  bucketsFromSamples (B-point FWHTs)
 *   -> thresholds (round-off floor, estimated noise)  ->  peel  ->  result (or dense fallback).
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import { fwhtNaturalBlock } from "../dense/butterfly.js";
import { normScale } from "../dense/fwht.js";
import { show } from "../dense/validate.js";
import { estimateNoiseVariance, type Thresholds } from "./classify.js";
import {
  MAX_DENSE_LOG2N,
  type ResolvedSparseOptions,
  resolveSparseOptions,
  type SparseWHTOptions,
} from "./options.js";
import { peel } from "./peeling.js";
import { bucketsFromSamples, makePlan, type SamplingPlan } from "./sampling.js";

/** A synchronous oracle: the signal value x[index]. */
export type SignalOracle = (index: number) => number;
/** A batched asynchronous oracle: x at each of the indices, in order. */
export type BatchSignalOracle = (indices: Uint32Array) => Promise<Float64Array> | Float64Array;

export interface SparseWHTResult {
  /** Indices k of the recovered nonzero coefficients, ascending. */
  indices: Uint32Array;
  /** The coefficient values X[k] (normalized as options.norm), aligned with indices. */
  values: Float64Array;
  /** Number of oracle evaluations (signal samples) used. */
  samples: number;
  /** Peeling sweeps run (0 for the dense path). */
  iterations: number;
  /** True when every bucket of every hash resolved to a zero-ton (or the dense path ran). */
  success: boolean;
  /** "sparse" or "dense" (the dense transform was cheaper, or the fallback after a failure). */
  method: "sparse" | "dense";
  /** Buckets per hash B = 2^b, hashes C and delays D per hash of the sparse plan. */
  buckets: number;
  hashes: number;
  delays: number;
  /** Buckets left unresolved by the sparse decoder (0 on success). */
  unresolved: number;
  /** Estimated noise standard deviation per signal sample (SPRIGHT; 0 for peeling). */
  noiseStd: number;
}

interface DecodeState {
  o: ResolvedSparseOptions;
  plan: SamplingPlan;
}

function checkSamples(fn: string, values: Float64Array, indices: Uint32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new ValueError(
        fn,
        "oracle",
        `a finite number for every index (index ${indices[i]})`,
        show(values[i]),
      );
  }
}

function sampleSync(fn: string, oracle: SignalOracle, indices: Uint32Array): Float64Array {
  const values = new Float64Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const v = oracle(indices[i]);
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new ValueError(fn, "oracle", `a finite number for index ${indices[i]}`, show(v));
    values[i] = v;
  }
  return values;
}

async function sampleAsync(
  fn: string,
  oracle: BatchSignalOracle,
  indices: Uint32Array,
): Promise<Float64Array> {
  const got: unknown = await oracle(indices.slice());
  if (!(got instanceof Float64Array))
    throw new ValueError(fn, "oracle", "a Float64Array (or a promise of one)", show(got));
  if (got.length !== indices.length)
    throw new ShapeError(fn, "oracle", `${indices.length} values`, `${got.length} values`);
  checkSamples(fn, got, indices);
  return got;
}

function allIndices(n: number): Uint32Array {
  const idx = new Uint32Array(2 ** n);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx;
}

function plannedSamples(o: ResolvedSparseOptions): number {
  return o.hashes * 2 ** o.b * o.repetitions * (o.n + 1);
}

/** The dense transform is the cheaper (or only sensible) path when it needs fewer samples. */
function denseIsCheaper(o: ResolvedSparseOptions): boolean {
  return o.n <= MAX_DENSE_LOG2N && plannedSamples(o) >= 2 ** o.n;
}

/** Result of the dense path from all N samples. */
function denseResult(
  o: ResolvedSparseOptions,
  x: Float64Array,
  samples: number,
  sparse: Partial<SparseWHTResult>,
): SparseWHTResult {
  fwhtNaturalBlock(x, 0, o.n);
  let energy = 0;
  for (let i = 0; i < x.length; i++) energy += x[i] * x[i];
  let keep: number[] = [];
  if (o.decoder === "peeling") {
    // Noiseless: every coefficient above round-off relative to the spectrum's norm.
    const cut = o.tolerance * Math.sqrt(energy);
    for (let k = 0; k < x.length; k++) if (Math.abs(x[k]) > cut) keep.push(k);
  } else {
    // Noisy: the K largest magnitudes (the noise floor cannot be told apart when K ~ N).
    const order = Array.from({ length: x.length }, (_, k) => k).filter((k) => x[k] !== 0);
    order.sort((p, q) => Math.abs(x[q]) - Math.abs(x[p]));
    keep = order.slice(0, o.sparsity).sort((p, q) => p - q);
  }
  const scale = normScale(o.norm, 2 ** o.n, false);
  return {
    indices: Uint32Array.from(keep),
    values: Float64Array.from(keep, (k) => x[k] * scale),
    samples,
    iterations: sparse.iterations ?? 0,
    success: true,
    method: "dense",
    buckets: sparse.buckets ?? 0,
    hashes: sparse.hashes ?? 0,
    delays: sparse.delays ?? 0,
    unresolved: sparse.unresolved ?? 0,
    noiseStd: sparse.noiseStd ?? 0,
  };
}

/** Decode bucket observations from the plan's samples. */
function decode({ o, plan }: DecodeState, samples: Float64Array): SparseWHTResult {
  const B = 2 ** plan.b;
  const D = plan.delays.length;
  const buckets = bucketsFromSamples(plan, samples);
  const noiseVar =
    o.decoder === "spright" ? estimateNoiseVariance(buckets, B, plan.n, plan.delays) : 0;
  const thresholds: Thresholds[] = buckets.map((u) => {
    let e = 0;
    for (let i = 0; i < u.length; i++) e += u[i] * u[i];
    // RMS over delays of one delay's bucket vector norm: the scale of round-off in each entry.
    return { noiseVar, floor: o.tolerance * Math.sqrt(e / D), margin: o.threshold };
  });
  const out = peel(plan, buckets, thresholds, o.maxIterations);
  const keys = Array.from(out.coefficients.keys()).sort((p, q) => p - q);
  const scale = normScale(o.norm, 2 ** o.n, false);
  return {
    indices: Uint32Array.from(keys),
    values: Float64Array.from(keys, (k) => (out.coefficients.get(k) ?? 0) * scale),
    samples: samples.length,
    iterations: out.iterations,
    success: out.unresolved === 0,
    method: "sparse",
    buckets: B,
    hashes: plan.hashes.length,
    delays: D,
    unresolved: out.unresolved,
    // Var(U) = B sigma^2 for i.i.d. sample noise of variance sigma^2.
    noiseStd: Math.sqrt(noiseVar / B),
  };
}

/**
 * Sparse WHT from a synchronous oracle x[index]. Returns the recovered coefficients of
 * X = fwht(x, { norm }) with the number of samples used; `success` is false (with the partial
 * recovery) when the decoder could not resolve every bucket, unless `denseFallback` is set.
 */
export function sparseWHT(oracle: SignalOracle, options: SparseWHTOptions): SparseWHTResult {
  const fn = "sparseWHT";
  if (typeof oracle !== "function")
    throw new ValueError(fn, "oracle", "a function index -> number", show(oracle));
  const o = resolveSparseOptions(fn, options);
  if (denseIsCheaper(o)) {
    const x = sampleSync(fn, oracle, allIndices(o.n));
    return denseResult(o, x, x.length, {});
  }
  const plan = makePlan(o);
  const res = decode({ o, plan }, sampleSync(fn, oracle, plan.indices));
  if (res.success || !o.denseFallback || o.n > MAX_DENSE_LOG2N) return res;
  const x = sampleSync(fn, oracle, allIndices(o.n));
  return denseResult(o, x, res.samples + x.length, res);
}

/**
 * Sparse WHT from a batched (possibly asynchronous) oracle: it receives all indices of one
 * sampling round as a Uint32Array and returns their values as a Float64Array (one round, or two
 * with the dense fallback).
 */
export async function sparseWHTAsync(
  oracle: BatchSignalOracle,
  options: SparseWHTOptions,
): Promise<SparseWHTResult> {
  const fn = "sparseWHTAsync";
  if (typeof oracle !== "function")
    throw new ValueError(
      fn,
      "oracle",
      "a function (indices) -> Promise<Float64Array>",
      show(oracle),
    );
  const o = resolveSparseOptions(fn, options);
  if (denseIsCheaper(o)) {
    const x = Float64Array.from(await sampleAsync(fn, oracle, allIndices(o.n)));
    return denseResult(o, x, x.length, {});
  }
  const plan = makePlan(o);
  const res = decode({ o, plan }, await sampleAsync(fn, oracle, plan.indices));
  if (res.success || !o.denseFallback || o.n > MAX_DENSE_LOG2N) return res;
  const x = Float64Array.from(await sampleAsync(fn, oracle, allIndices(o.n)));
  return denseResult(o, x, res.samples + x.length, res);
}
