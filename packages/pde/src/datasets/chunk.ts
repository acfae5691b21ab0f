/**
 * One chunk of samples: the inputs (random initial data / coefficients) and outputs (solutions)
 * of samples [start, start + count). Sample i depends only on (seed, i) through the generator's
 * sampleOffset, and each chunk is always computed with the same composition, so a resumed run
 * reproduces an uninterrupted one bit for bit.
 */
import { Burgers1d } from "../burgers.js";
import { darcy2d } from "../darcy.js";
import { darcyCoefficient, gaussianRandomField1d, gaussianRandomField2d } from "../grf.js";
import { NavierStokes2d } from "../navier-stokes.js";
import type { DatasetSpec } from "./spec.js";

export interface ChunkArrays {
  /** Input fields, [count, ...inputShape]. */
  input: Float64Array;
  /** Output fields, [count, ...outputShape]. */
  output: Float64Array;
}

/** Per-sample shapes of the input and output, and the snapshot times (NS). */
export function sampleShapes(spec: DatasetSpec): {
  input: number[];
  output: number[];
  times?: Float64Array;
} {
  switch (spec.problem) {
    case "navier-stokes": {
      const nt = Math.round(spec.T / spec.recordEvery);
      const times = Float64Array.from({ length: nt }, (_, k) => (k + 1) * spec.recordEvery);
      return { input: [spec.s, spec.s], output: [spec.s, spec.s, nt], times };
    }
    case "burgers":
      return { input: [spec.s], output: [spec.s] };
    case "darcy":
      return { input: [spec.s, spec.s], output: [spec.s, spec.s] };
  }
}

function subsample1d(
  fields: Float64Array,
  count: number,
  fine: number,
  coarse: number,
): Float64Array {
  const step = fine / coarse;
  const out = new Float64Array(count * coarse);
  for (let b = 0; b < count; b++)
    for (let i = 0; i < coarse; i++) out[b * coarse + i] = fields[b * fine + i * step];
  return out;
}

/**
 * Snapshots [count, plane, skip + nt] (time last) of runs that include a burn-in of `skip`
 * records: the new input is record skip - 1 (time burnIn), the output the nt records after it.
 */
function dropBurnIn(
  w: Float64Array,
  count: number,
  plane: number,
  skip: number,
): { input: Float64Array; output: Float64Array } {
  const total = w.length / (count * plane);
  const nt = total - skip;
  const input = new Float64Array(count * plane);
  const output = new Float64Array(count * plane * nt);
  for (let p = 0; p < count * plane; p++) {
    input[p] = w[p * total + skip - 1] as number;
    for (let t = 0; t < nt; t++) output[p * nt + t] = w[p * total + skip + t] as number;
  }
  return { input, output };
}

/** Compute samples [start, start + count). `onProgress(fraction)` reports progress within the chunk. */
export function computeChunk(
  spec: DatasetSpec,
  start: number,
  count: number,
  onProgress?: (fraction: number) => void,
): ChunkArrays {
  switch (spec.problem) {
    case "navier-stokes": {
      const w0 = gaussianRandomField2d({
        s: spec.s,
        alpha: spec.alpha,
        tau: spec.tau,
        batch: count,
        seed: spec.seed,
        sampleOffset: start,
      });
      const solver = new NavierStokes2d({
        s: spec.s,
        nu: spec.nu,
        batch: count,
        forcing: spec.forcing,
        scheme: spec.scheme,
        ...(spec.dt !== undefined ? { dt: spec.dt } : {}),
      });
      const burnIn = spec.burnIn ?? 0;
      const result = solver.run(w0, {
        T: burnIn + spec.T,
        recordEvery: spec.recordEvery,
        onProgress: (t, T) => onProgress?.(t / T),
      });
      if (burnIn === 0) return { input: w0, output: result.w };
      return dropBurnIn(result.w, count, spec.s * spec.s, Math.round(burnIn / spec.recordEvery));
    }
    case "burgers": {
      const u0 = gaussianRandomField1d({
        s: spec.solverS,
        alpha: spec.alpha,
        tau: spec.tau,
        sigma: spec.sigma,
        batch: count,
        seed: spec.seed,
        sampleOffset: start,
      });
      const solver = new Burgers1d({ s: spec.solverS, nu: spec.nu, batch: count });
      const result = solver.run(u0, { T: spec.T, onProgress: (t, T) => onProgress?.(t / T) });
      // run() records only u(., T) here (recordEvery defaults to T): [count, solverS, 1].
      return {
        input: subsample1d(u0, count, spec.solverS, spec.s),
        output: subsample1d(result.u, count, spec.solverS, spec.s),
      };
    }
    case "darcy": {
      const a = darcyCoefficient({
        s: spec.s,
        alpha: spec.alpha,
        tau: spec.tau,
        high: spec.high,
        low: spec.low,
        batch: count,
        seed: spec.seed,
        sampleOffset: start,
      });
      const result = darcy2d({ a, s: spec.s, batch: count });
      onProgress?.(1);
      return { input: a, output: result.u };
    }
  }
}
