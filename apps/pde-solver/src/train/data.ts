/**
 * Training data for the operator-learning commands. A dataset is either a file written by
 * `modewise-pde generate` (FNO MATLAB v7.3 `.mat`) or a generator spec computed in memory,
 * `<preset>:key=value,...` (e.g. `ns-1e-3:n=40,s=32,T=10,seed=1`), with the same presets and
 * keys as `generate`. Fields are kept channel-first like the models: [N, 1, ...spatial].
 *
 *   navier-stokes: trajectories w_0 = a, w_1..w_T = u[..., k]; the one-step task makes the pairs
 *                  (w_k, w_{k+1}) of every trajectory, the trajectory task ([inSteps] -> [outSteps]
 *                  with time as the last axis) windows of each trajectory;
 *   burgers:       u0 -> u(T);   darcy: a -> u.
 *
 * `subsample=k` keeps every k-th grid point (train at 32^2 on data solved at 64^2, then evaluate
 * the same model on the full grid: zero-shot super-resolution).
 *
 * `burnIn=t` (Navier-Stokes only; a non-negative multiple of recordEvery) solves t time units
 * first and keeps the trajectory from there on: w_0 := w(t), w_k := w(t + k recordEvery), k <= T.
 * The first time units after the GRF initial condition are a transient in which the field
 * changes by ~46% per time unit at nu = 1e-3 (identity baseline 0.46); from t = 10 on it changes
 * by ~8.8% per time unit, the regime of the FNO benchmark's one-step task. The spec string (the
 * dataset's `source`) and `startTime` record it.
 */
import { existsSync } from "node:fs";
import {
  checkSpec,
  computeChunk,
  DATASET_PRESETS,
  type DatasetPreset,
  type DatasetSpec,
  readFnoMat,
} from "@modewise/pde/io";
import { ValueError } from "@modewise/tensor";

export type Problem = "navier-stokes" | "burgers" | "darcy";

/** A loaded dataset: per-sample fields in float64, plus where they came from. */
export interface FieldDataset {
  problem: Problem;
  /** Spatial grid of one field ([s] or [s, s]). */
  spatial: number[];
  /** Navier-Stokes: [N, T + 1, ...spatial] (w_0 first); otherwise undefined. */
  trajectories?: { data: Float64Array; n: number; steps: number };
  /** Burgers / Darcy: inputs and outputs [N, ...spatial]. */
  inputs?: Float64Array;
  outputs?: Float64Array;
  n: number;
  /** Viscosity and forcing (Navier-Stokes; used by `refine`). */
  nu?: number;
  /** Time between snapshots (Navier-Stokes). */
  dt?: number;
  /**
   * Navier-Stokes forcing, where known: the generator spec's, or a file's `forcing` attribute
   * (`generate` records it). Undefined for a file without it, e.g. the published FNO data,
   * whose forcing is the FNO one.
   */
  forcing?: string;
  /** Physical time of w_0 (Navier-Stokes generator specs with `burnIn`; 0 otherwise). */
  startTime?: number;
  /** Where it came from (file path or spec) and the solver time per sample when computed here. */
  source: string;
  solverSecondsPerSample?: number;
}

/** Supervised pairs in model layout: x [N, cIn, ...], y [N, cOut, ...]. */
export interface Pairs {
  x: Float64Array;
  y: Float64Array;
  n: number;
  xShape: number[];
  yShape: number[];
}

export type TaskSpec =
  | { kind: "one-step" }
  | { kind: "map" }
  | { kind: "trajectory"; inSteps: number; outSteps: number };

/**
 * Keys of a generator spec: the dataset-spec fields `generate` also takes as flags (`burnIn`
 * included), plus `subsample`, which only the in-memory loader applies (`generate` writes the
 * solver's grid).
 */
const SPEC_KEYS = new Set([
  "n",
  "s",
  "nu",
  "T",
  "recordEvery",
  "seed",
  "solverS",
  "subsample",
  "burnIn",
]);

/** A parsed generator spec: the dataset spec, the subsampling factor and the burn-in time. */
export interface GeneratorSpec {
  spec: DatasetSpec;
  subsample: number;
  /** Time units solved before w_0 (0: the trajectory starts at the initial condition). */
  burnIn: number;
}

/** Parse `<preset>:k=v,...` into a dataset spec, a subsampling factor and a burn-in time. */
export function parseGeneratorSpec(text: string): GeneratorSpec {
  const fn = "parseGeneratorSpec";
  const [preset, rest = ""] = text.split(":", 2) as [string, string | undefined];
  if (!(preset in DATASET_PRESETS))
    throw new ValueError(
      fn,
      "data",
      `a dataset file or '<preset>:key=value,...' with preset one of ${Object.keys(DATASET_PRESETS).join(", ")}`,
      `'${text}'`,
    );
  const spec: Record<string, unknown> = { ...DATASET_PRESETS[preset as DatasetPreset] };
  let subsample = 1;
  let burnIn = 0;
  for (const item of rest.split(",").filter((p) => p.trim() !== "")) {
    const [key, value] = item.split("=", 2).map((p) => p.trim()) as [string, string | undefined];
    const v = Number(value);
    if (!SPEC_KEYS.has(key) || value === undefined || value === "" || !Number.isFinite(v))
      throw new ValueError(
        fn,
        "data",
        `key=number pairs with keys ${[...SPEC_KEYS].join(", ")}`,
        `'${item}'`,
      );
    if (key === "subsample") subsample = v;
    else if (key === "burnIn") burnIn = v;
    else spec[key] = v;
  }
  if (!Number.isInteger(subsample) || subsample < 1)
    throw new ValueError(fn, "subsample", "a positive integer", String(subsample));
  // The burn-in belongs to the dataset spec (@modewise/pde's NavierStokesSpec.burnIn, solved by
  // computeChunk as for `generate --burn-in`, so a file and the same spec in memory hold the same
  // fields); checkSpec validates it with the other keys.
  if (burnIn !== 0) spec.burnIn = burnIn;
  const parsed = spec as unknown as DatasetSpec;
  checkSpec(parsed, fn);
  return { spec: parsed, subsample, burnIn };
}

/** Keep every k-th point along each of the `dims` axes after `lead` leading values per field. */
function subsampleFields(
  data: Float64Array,
  count: number,
  spatial: number[],
  trailing: number,
  k: number,
): { data: Float64Array; spatial: number[] } {
  if (k === 1) return { data, spatial };
  for (const s of spatial)
    if (s % k !== 0)
      throw new ValueError(
        "loadDataset",
        "subsample",
        `a divisor of the grid size ${s}`,
        String(k),
      );
  const coarse = spatial.map((s) => s / k);
  const inner = coarse.reduce((a, b) => a * b, 1);
  const fineSize = spatial.reduce((a, b) => a * b, 1);
  const out = new Float64Array(count * inner * trailing);
  for (let b = 0; b < count; b++)
    for (let i = 0; i < inner; i++) {
      // Unravel the coarse index, scale to the fine grid.
      let rem = i;
      let fineIndex = 0;
      let stride = 1;
      const idx: number[] = [];
      for (let d = coarse.length - 1; d >= 0; d--) {
        idx[d] = rem % (coarse[d] as number);
        rem = Math.floor(rem / (coarse[d] as number));
      }
      for (let d = spatial.length - 1; d >= 0; d--) {
        fineIndex += (idx[d] as number) * k * stride;
        stride *= spatial[d] as number;
      }
      for (let t = 0; t < trailing; t++)
        out[(b * inner + i) * trailing + t] = data[
          (b * fineSize + fineIndex) * trailing + t
        ] as number;
    }
  return { data: out, spatial: coarse };
}

/** NS trajectories from a [N, s, s] initial field and [N, s, s, T] snapshots (time last). */
function nsTrajectories(a: Float64Array, u: Float64Array, n: number, s: number, nt: number) {
  const steps = nt + 1;
  const plane = s * s;
  const data = new Float64Array(n * steps * plane);
  for (let b = 0; b < n; b++) {
    data.set(a.subarray(b * plane, (b + 1) * plane), b * steps * plane);
    for (let i = 0; i < plane; i++)
      for (let t = 0; t < nt; t++)
        data[(b * steps + t + 1) * plane + i] = u[(b * plane + i) * nt + t] as number;
  }
  return { data, n, steps };
}

function fromArrays(
  problem: Problem,
  input: Float64Array,
  output: Float64Array,
  n: number,
  spatial: number[],
  nt: number,
  subsample: number,
  meta: Pick<
    FieldDataset,
    "nu" | "dt" | "source" | "solverSecondsPerSample" | "startTime" | "forcing"
  >,
): FieldDataset {
  const a = subsampleFields(input, n, spatial, 1, subsample);
  const u = subsampleFields(output, n, spatial, problem === "navier-stokes" ? nt : 1, subsample);
  if (problem === "navier-stokes") {
    const s = a.spatial[0] as number;
    return {
      problem,
      spatial: a.spatial,
      n,
      trajectories: nsTrajectories(a.data, u.data, n, s, nt),
      ...meta,
    };
  }
  return { problem, spatial: a.spatial, n, inputs: a.data, outputs: u.data, ...meta };
}

const toF64 = (v: Float64Array | Float32Array): Float64Array =>
  v instanceof Float64Array ? v : Float64Array.from(v);

/** Load a dataset file (`generate`'s FNO `.mat`) or compute a generator spec in memory. */
export async function loadDataset(data: string): Promise<FieldDataset> {
  if (existsSync(data)) {
    const contents = await readFnoMat(data);
    const v = contents.variables;
    const attr = contents.attributes as Record<string, unknown>;
    const subsample = 1;
    if (v.coeff && v.sol) {
      const [n, ...spatial] = v.coeff.shape as [number, ...number[]];
      return fromArrays("darcy", toF64(v.coeff.data), toF64(v.sol.data), n, spatial, 1, subsample, {
        source: data,
      });
    }
    if (v.a && v.u && v.u.shape.length === 4) {
      const [n, s, , nt] = v.u.shape as [number, number, number, number];
      return fromArrays(
        "navier-stokes",
        toF64(v.a.data),
        toF64(v.u.data),
        n,
        [s, s],
        nt,
        subsample,
        {
          source: data,
          nu: typeof attr.nu === "number" ? attr.nu : undefined,
          dt: typeof attr.recordEvery === "number" ? attr.recordEvery : 1,
          ...(typeof attr.forcing === "string" ? { forcing: attr.forcing } : {}),
          ...(typeof attr.burnIn === "number" ? { startTime: attr.burnIn } : {}),
        },
      );
    }
    if (v.a && v.u && v.u.shape.length === 2) {
      const [n, s] = v.u.shape as [number, number];
      return fromArrays("burgers", toF64(v.a.data), toF64(v.u.data), n, [s], 1, subsample, {
        source: data,
      });
    }
    throw new ValueError(
      "loadDataset",
      "data",
      "an FNO .mat file with a [N,s,s] + u [N,s,s,T] (Navier-Stokes), a + u [N,s] (Burgers) or coeff + sol (Darcy)",
      `variables ${Object.keys(v).join(", ")} in '${data}'`,
    );
  }
  const { spec, subsample, burnIn } = parseGeneratorSpec(data);
  const started = performance.now();
  // With a burn-in the solver runs to burnIn + T and w_0 is its snapshot at burnIn (computeChunk).
  const chunk = computeChunk(spec, 0, spec.n);
  const solverSecondsPerSample = (performance.now() - started) / 1000 / spec.n;
  const meta = { source: data, solverSecondsPerSample };
  switch (spec.problem) {
    case "navier-stokes": {
      const nt = Math.round(spec.T / spec.recordEvery);
      return fromArrays(
        "navier-stokes",
        chunk.input,
        chunk.output,
        spec.n,
        [spec.s, spec.s],
        nt,
        subsample,
        {
          ...meta,
          nu: spec.nu,
          dt: spec.recordEvery,
          startTime: burnIn,
          forcing: spec.forcing,
        },
      );
    }
    case "burgers":
      return fromArrays("burgers", chunk.input, chunk.output, spec.n, [spec.s], 1, subsample, meta);
    case "darcy":
      return fromArrays(
        "darcy",
        chunk.input,
        chunk.output,
        spec.n,
        [spec.s, spec.s],
        1,
        subsample,
        meta,
      );
  }
}

/** The task a dataset supports by default: one-step maps for NS, the input -> output map otherwise. */
export function defaultTask(problem: Problem): TaskSpec {
  return problem === "navier-stokes" ? { kind: "one-step" } : { kind: "map" };
}

/** Samples [from, to) of the dataset as supervised pairs for the task. */
export function makePairs(ds: FieldDataset, task: TaskSpec, from = 0, to = ds.n): Pairs {
  const fn = "makePairs";
  const plane = ds.spatial.reduce((a, b) => a * b, 1);
  if (task.kind === "map") {
    if (!ds.inputs || !ds.outputs)
      throw new ValueError(
        fn,
        "task",
        "'one-step' or 'trajectory' for Navier-Stokes data",
        "'map'",
      );
    const n = to - from;
    return {
      x: ds.inputs.slice(from * plane, to * plane),
      y: ds.outputs.slice(from * plane, to * plane),
      n,
      xShape: [1, ...ds.spatial],
      yShape: [1, ...ds.spatial],
    };
  }
  const traj = ds.trajectories;
  if (!traj) throw new ValueError(fn, "task", `'map' for ${ds.problem} data`, `'${task.kind}'`);
  if (task.kind === "one-step") {
    const per = traj.steps - 1;
    const n = (to - from) * per;
    const x = new Float64Array(n * plane);
    const y = new Float64Array(n * plane);
    let k = 0;
    for (let b = from; b < to; b++)
      for (let t = 0; t < per; t++, k++) {
        x.set(
          traj.data.subarray((b * traj.steps + t) * plane, (b * traj.steps + t + 1) * plane),
          k * plane,
        );
        y.set(
          traj.data.subarray((b * traj.steps + t + 1) * plane, (b * traj.steps + t + 2) * plane),
          k * plane,
        );
      }
    return { x, y, n, xShape: [1, ...ds.spatial], yShape: [1, ...ds.spatial] };
  }
  // Trajectory windows: time becomes the last axis, [1, s, s, steps].
  const { inSteps, outSteps } = task;
  const window = inSteps + outSteps;
  if (window > traj.steps)
    throw new ValueError(
      fn,
      "task",
      `inSteps + outSteps <= ${traj.steps} snapshots`,
      String(window),
    );
  const per = traj.steps - window + 1;
  const n = (to - from) * per;
  const x = new Float64Array(n * plane * inSteps);
  const y = new Float64Array(n * plane * outSteps);
  let k = 0;
  for (let b = from; b < to; b++)
    for (let t0 = 0; t0 < per; t0++, k++)
      for (let i = 0; i < plane; i++) {
        for (let t = 0; t < inSteps; t++)
          x[(k * plane + i) * inSteps + t] = traj.data[
            (b * traj.steps + t0 + t) * plane + i
          ] as number;
        for (let t = 0; t < outSteps; t++)
          y[(k * plane + i) * outSteps + t] = traj.data[
            (b * traj.steps + t0 + inSteps + t) * plane + i
          ] as number;
      }
  return {
    x,
    y,
    n,
    xShape: [1, ...ds.spatial, inSteps],
    yShape: [1, ...ds.spatial, outSteps],
  };
}

/**
 * Scalar Gaussian normalization (mean, std) of inputs and outputs, from the training pairs.
 * With increment prediction (`predict: increment`) the model's output is the normalized
 * increment (y - x - increment.mean) / increment.std and the field is x + increment (inference.ts).
 */
export interface Normalization {
  kind: "gaussian" | "none";
  x: { mean: number; std: number };
  y: { mean: number; std: number };
  /** Statistics of y - x; present only when the model predicts the increment. */
  increment?: { mean: number; std: number };
}

/** What a one-step model outputs: the next field, or the increment added to its input. */
export type PredictTarget = "field" | "increment";

function meanStd(v: Float64Array): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] as number;
  const mean = sum / v.length;
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += ((v[i] as number) - mean) ** 2;
  // A constant field would give std 0: fall back to 1 (then only the mean is removed).
  const std = Math.sqrt(sq / v.length) || 1;
  return { mean, std };
}

/** y - x of pairs whose input and output share one layout (the one-step task). */
export function increments(pairs: Pairs): Float64Array {
  if (pairs.x.length !== pairs.y.length)
    throw new ValueError(
      "increments",
      "pairs",
      "inputs and outputs of one shape (a one-step task)",
      `[${pairs.xShape.join(", ")}] -> [${pairs.yShape.join(", ")}]`,
    );
  return pairs.y.map((v, i) => v - (pairs.x[i] as number));
}

export function fitNormalization(
  kind: "gaussian" | "none",
  pairs: Pairs,
  target: PredictTarget = "field",
): Normalization {
  const identity = { mean: 0, std: 1 };
  const norm: Normalization =
    kind === "none"
      ? { kind, x: identity, y: identity }
      : { kind, x: meanStd(pairs.x), y: meanStd(pairs.y) };
  // The increment is ~10x smaller than the field: it gets its own scale so the network's
  // output is O(1) whatever the normalization of the fields.
  if (target === "increment")
    norm.increment = kind === "none" ? identity : meanStd(increments(pairs));
  return norm;
}

/** (v - mean) / std into float32 (the training precision). */
export function normalizeTo32(v: Float64Array, s: { mean: number; std: number }): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = ((v[i] as number) - s.mean) / s.std;
  return out;
}
