/**
 * Resumable dataset generation. Samples are computed in chunks; each chunk's arrays are written
 * as .npy files (atomically), then the journal is updated (atomically). A restarted run skips
 * the chunks its journal lists. When all chunks exist, the final HDF5 file and its JSON sidecar
 * are written atomically and the parts folder is removed.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ValueError } from "@modewise/tensor";
import { writeFileAtomic } from "../io/atomic.js";
import { FileFormatError } from "../io/errors.js";
import { type NdArray, type SampledVariable, writeFnoMat } from "../io/fno-mat.js";
import { permuteAxes } from "../io/layout.js";
import { readNpy, writeNpy } from "../io/npy-file.js";
import { writePdebenchArrays } from "../io/pdebench.js";
import { computeChunk, sampleShapes } from "./chunk.js";
import {
  chunkPath,
  type Journal,
  loadJournal,
  newJournal,
  saveJournal,
  specHash,
} from "./journal.js";
import { checkSpec, type DatasetSpec, SEED_RULE, specAttributes } from "./spec.js";

export interface GenerateProgress {
  /** Samples finished (including those skipped because an earlier run computed them). */
  samplesDone: number;
  samplesTotal: number;
  chunksDone: number;
  chunksTotal: number;
  /** Chunks found complete in the journal at start. */
  chunksResumed: number;
}

export interface GenerateOptions {
  /** Final file path (.mat for fno-mat, .h5/.hdf5 for pdebench). */
  output: string;
  /** Ignore (delete) a previous interrupted run instead of resuming it. */
  fresh?: boolean;
  /** Keep the chunk folder after success (default false). */
  keepParts?: boolean;
  onProgress?: (progress: GenerateProgress) => void;
  /** Called after each chunk is journaled (tests use it to kill the process at that point). */
  onChunkSaved?: (chunk: number) => void;
}

export interface GenerateResult {
  output: string;
  metadataPath: string;
  chunksResumed: number;
  chunksComputed: number;
  wallMs: number;
}

/** The folder holding chunk files and the journal of `output`. */
export function partsDirFor(output: string): string {
  return `${output}.parts`;
}

function chunkRange(spec: DatasetSpec, chunk: number): { start: number; count: number } {
  const start = chunk * spec.chunkSize;
  return { start, count: Math.min(spec.chunkSize, spec.n - start) };
}

/**
 * A run killed while writing the final file or the sidecar leaves its temporary file (see
 * io/atomic.ts: `.<name>.tmp-<pid>-<time>`) next to the output; remove those of this output.
 * (Temporaries inside the parts folder go with the folder.)
 */
function removeStaleTemporaries(output: string): void {
  const dir = dirname(output);
  if (!existsSync(dir)) return;
  const prefixes = [`.${basename(output)}.tmp-`, `.${basename(output)}.json.tmp-`];
  for (const name of readdirSync(dir)) {
    if (prefixes.some((p) => name.startsWith(p))) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Samples [start, end) of one kind from the chunk files, where [start, end) is one chunk (the
 * final file is written in blocks of chunkSize samples, so only one chunk is in memory).
 */
function chunkReader(
  spec: DatasetSpec,
  partsDir: string,
  kind: "input" | "output",
  perSample: number,
) {
  return (start: number, end: number): Float64Array => {
    const c = start / spec.chunkSize;
    const count = end - start;
    const path = chunkPath(partsDir, c, kind);
    if (!Number.isInteger(c) || chunkRange(spec, c).count !== count) {
      throw new ValueError(
        "generateDataset",
        "block",
        `a whole chunk of ${spec.chunkSize} samples`,
        `[${start}, ${end})`,
      );
    }
    const npy = readNpy(path);
    if (!(npy.data instanceof Float64Array) || npy.data.length !== count * perSample) {
      throw new FileFormatError(
        "generateDataset",
        path,
        `${count * perSample} float64 values`,
        `${npy.data.length} ${npy.dtype} values`,
      );
    }
    return npy.data;
  };
}

function variableNames(spec: DatasetSpec): { input: string; output: string } {
  if (spec.format === "pdebench")
    return spec.problem === "darcy"
      ? { input: "nu", output: "tensor" }
      : { input: "initial", output: "tensor" };
  return spec.problem === "darcy" ? { input: "coeff", output: "sol" } : { input: "a", output: "u" };
}

async function writeFinal(
  spec: DatasetSpec,
  output: string,
  partsDir: string,
  shapes: { input: number[]; output: number[]; times?: Float64Array },
  attributes: Record<string, number | string>,
): Promise<void> {
  const names = variableNames(spec);
  const perInput = shapes.input.reduce((a, b) => a * b, 1);
  const perOutput = shapes.output.reduce((a, b) => a * b, 1);
  const input: SampledVariable = {
    shape: [spec.n, ...shapes.input],
    read: chunkReader(spec, partsDir, "input", perInput),
  };
  const readOutput = chunkReader(spec, partsDir, "output", perOutput);
  const times = shapes.times;
  const blockSize = spec.chunkSize;
  if (spec.format === "fno-mat") {
    const variables: Record<string, NdArray | SampledVariable> = {
      [names.input]: input,
      [names.output]: { shape: [spec.n, ...shapes.output], read: readOutput },
    };
    if (times) variables.t = { data: times, shape: [times.length] };
    await writeFnoMat(output, variables, { dtype: spec.dtype, attributes, blockSize });
    return;
  }
  // PDEBench arrays: time second ([N, T, X, Y]); coordinates are the grid points.
  const arrays: Record<string, NdArray | SampledVariable> = {};
  const s = spec.s;
  const grid = Float64Array.from({ length: s }, (_, i) =>
    spec.problem === "darcy" ? i / (s - 1) : i / s,
  );
  if (spec.problem === "navier-stokes" && times) {
    const nt = times.length;
    // [count, x, y, t] -> [count, t, x, y]
    const read = (start: number, end: number) =>
      permuteAxes(readOutput(start, end), [end - start, s, s, nt], [0, 3, 1, 2]);
    arrays.tensor = { shape: [spec.n, nt, s, s], read };
    arrays[names.input] = input;
    arrays["t-coordinate"] = { data: times, shape: [nt] };
    arrays["y-coordinate"] = { data: grid, shape: [s] };
  } else if (spec.problem === "darcy") {
    arrays.tensor = { shape: [spec.n, 1, s, s], read: readOutput };
    arrays.nu = input;
    arrays["y-coordinate"] = { data: grid, shape: [s] };
  } else {
    arrays.tensor = { shape: [spec.n, 1, s], read: readOutput };
    arrays[names.input] = input;
    arrays["t-coordinate"] = { data: Float64Array.from([spec.T]), shape: [1] };
  }
  arrays["x-coordinate"] = { data: grid, shape: [s] };
  await writePdebenchArrays(output, arrays, { dtype: spec.dtype, attributes, blockSize });
}

/** Generate (or resume generating) a dataset described by `spec` into `options.output`. */
export async function generateDataset(
  spec: DatasetSpec,
  options: GenerateOptions,
): Promise<GenerateResult> {
  const fn = "generateDataset";
  checkSpec(spec, fn);
  const began = Date.now();
  const partsDir = partsDirFor(options.output);
  if (options.fresh) rmSync(partsDir, { recursive: true, force: true });
  removeStaleTemporaries(options.output);
  mkdirSync(partsDir, { recursive: true });
  let journal: Journal = loadJournal(partsDir, spec, fn) ?? newJournal(spec);
  // Trust the journal only for chunks whose files are present (they were written before it).
  journal.done = journal.done.filter(
    (c) =>
      existsSync(chunkPath(partsDir, c, "input")) && existsSync(chunkPath(partsDir, c, "output")),
  );
  saveJournal(partsDir, journal);
  const resumed = journal.done.length;
  const shapes = sampleShapes(spec);
  const done = new Set(journal.done);
  const samplesDone = () => [...done].reduce((sum, c) => sum + chunkRange(spec, c).count, 0);
  const report = (partial = 0) =>
    options.onProgress?.({
      samplesDone: samplesDone() + partial,
      samplesTotal: spec.n,
      chunksDone: done.size,
      chunksTotal: journal.totalChunks,
      chunksResumed: resumed,
    });
  report();
  let computed = 0;
  for (let c = 0; c < journal.totalChunks; c++) {
    if (done.has(c)) continue;
    const { start, count } = chunkRange(spec, c);
    const arrays = computeChunk(spec, start, count, (fraction) => report(fraction * count));
    writeNpy(chunkPath(partsDir, c, "input"), arrays.input, [count, ...shapes.input]);
    writeNpy(chunkPath(partsDir, c, "output"), arrays.output, [count, ...shapes.output]);
    done.add(c);
    journal = { ...journal, done: [...done].sort((a, b) => a - b) };
    saveJournal(partsDir, journal);
    computed++;
    report();
    options.onChunkSaved?.(c);
  }
  const attributes = {
    ...specAttributes(spec),
    generator: "@modewise/pde generateDataset",
    spec_sha256: specHash(spec),
  };
  await writeFinal(spec, options.output, partsDir, shapes, attributes);
  const metadataPath = `${options.output}.json`;
  const names = variableNames(spec);
  writeFileAtomic(
    metadataPath,
    `${JSON.stringify(
      {
        file: options.output,
        layout: spec.format,
        spec,
        specSha256: specHash(spec),
        seedRule: SEED_RULE,
        variables: {
          [names.input]: [spec.n, ...shapes.input],
          [names.output]: [spec.n, ...shapes.output],
        },
        times: shapes.times ? Array.from(shapes.times) : undefined,
        created: new Date().toISOString(),
        chunks: { total: journal.totalChunks, resumed, computed },
      },
      null,
      2,
    )}\n`,
  );
  if (!options.keepParts) rmSync(partsDir, { recursive: true, force: true });
  return {
    output: options.output,
    metadataPath,
    chunksResumed: resumed,
    chunksComputed: computed,
    wallMs: Date.now() - began,
  };
}
