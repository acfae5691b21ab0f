/**
 * Model registry of the app: maps the names accepted by `train --model` to the constructors
 * exported by @modewise/operators, with each model's hyperparameters (zod, strict: a typo in
 * the config is an error, not a silently ignored key) and the defaults used here.
 *
 * Constructors are looked up by name on the package's public exports, so the app builds and
 * its other models keep working while a model family is still being written; asking for one
 * that the installed @modewise/operators does not export is a clear error.
 */
import type { Module } from "@modewise/nn";
import * as operators from "@modewise/operators";
import { type Generator, type Tensor, ValueError } from "@modewise/tensor";
import * as z from "zod";

export const MODEL_NAMES = ["fno", "t1", "afno", "drift-net", "sfno"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** What the data decides: channels, grid, time steps of the trajectory task. */
export interface ModelContext {
  inChannels: number;
  outChannels: number;
  /** Spatial grid of the training data ([s] or [s, s]). */
  spatial: number[];
  /** Trajectory task: input and output steps (the time axis is last). */
  inSteps?: number;
  outSteps?: number;
  generator: Generator;
}

const posInt = z.number().int().positive();
const modes = z.union([posInt, z.array(posInt).min(1).max(3)]);

/** Hyperparameter schemas, one per model; every key optional (defaults in `build`). */
export const MODEL_SCHEMAS = {
  fno: z.strictObject({
    modes: modes.default(8),
    width: posInt.default(20),
    nLayers: posInt.default(4),
    liftingChannels: posInt.optional(),
    projectionChannels: posInt.optional(),
    positionalEmbedding: z.enum(["grid", "none"]).optional(),
    skip: z.enum(["linear", "soft-gating", "identity"]).optional(),
    domainPadding: z.number().min(0).max(1).optional(),
    factorization: z.enum(["cp", "tucker"]).nullable().optional(),
    rank: z.number().positive().optional(),
    activation: z.string().optional(),
  }),
  t1: z.strictObject({
    modes: modes.default(12),
    width: posInt.default(32),
    nLayers: posInt.default(4),
    /**
     * Multiplier on the paper's variance-preserving init std (T1's default 1). The paper's rule
     * trains badly here (NS one-step: 0.49 test rel. L2 vs 0.12 with 0.1, operators README), so
     * give 0.1 for real training; the default stays the paper's rule.
     */
    initScale: z.number().positive().optional(),
    activation: z.string().optional(),
    /** "dct" (the paper's default) or "fourier" (its rfft option; for periodic data). */
    basis: z.enum(["dct", "fourier"]).optional(),
  }),
  afno: z.strictObject({
    width: posInt.default(32),
    nLayers: posInt.default(4),
    patchSize: posInt.optional(),
    numBlocks: posInt.optional(),
    mlpRatio: z.number().positive().optional(),
    sparsityThreshold: z.number().min(0).optional(),
    hardThresholdingFraction: z.number().positive().max(1).optional(),
  }),
  "drift-net": z.strictObject({
    width: posInt.default(16),
    levels: posInt.optional(),
    patchSize: posInt.optional(),
    blocksPerLevel: posInt.optional(),
    numBands: posInt.optional(),
    gateHidden: posInt.optional(),
  }),
  sfno: z.strictObject({
    modes: modes.default(8),
    width: posInt.default(20),
    nLayers: posInt.default(4),
  }),
} as const;

export type ModelHyper = z.output<(typeof MODEL_SCHEMAS)[ModelName]>;

/** The operators constructor names behind each model. */
const EXPORT_NAMES: Record<ModelName, string> = {
  fno: "FNO",
  t1: "T1",
  afno: "AFNO",
  "drift-net": "DriftNet",
  sfno: "SFNO",
};

type ModelConstructor = new (
  options: Record<string, unknown>,
) => Module & {
  forward(x: Tensor): Tensor;
};

/** A public export of @modewise/operators by name, or undefined if this build lacks it. */
export function operatorsExport(name: string): unknown {
  return (operators as unknown as Record<string, unknown>)[name];
}

function constructorOf(model: ModelName): ModelConstructor {
  const ctor = operatorsExport(EXPORT_NAMES[model]);
  if (typeof ctor !== "function")
    throw new ValueError(
      "buildModel",
      "model",
      `a model exported by the installed @modewise/operators (class ${EXPORT_NAMES[model]})`,
      `'${model}' (not exported by this build)`,
    );
  return ctor as ModelConstructor;
}

function modesFor(m: number | number[], nDims: number): number[] {
  return typeof m === "number" ? Array.from({ length: nDims }, () => m) : m;
}

/** A model that can be trained: the module plus an optional model-specific training loss. */
export interface BuiltModel {
  module: Module & { forward(x: Tensor): Tensor };
  /** Options passed to the constructor (recorded in run.json). */
  options: Record<string, unknown>;
  /**
   * T1 trains with its frequency-space loss (no inverse transform); the others use the relative
   * L2 of `forward`. Arguments are normalized inputs/targets.
   */
  frequencyLoss?: (x: Tensor, y: Tensor, opts?: { referenceNorm?: Tensor }) => Tensor;
}

/** Build `model` with validated hyperparameters for the data's channels and grid. */
export function buildModel(model: ModelName, hyper: unknown, ctx: ModelContext): BuiltModel {
  const nDims = ctx.spatial.length;
  const common = {
    inChannels: ctx.inChannels,
    outChannels: ctx.outChannels,
    dtype: "float32",
    generator: ctx.generator,
  };
  let options: Record<string, unknown>;
  switch (model) {
    case "fno": {
      const h = MODEL_SCHEMAS.fno.parse(hyper ?? {});
      options = { ...common, ...h, modes: modesFor(h.modes, nDims) };
      break;
    }
    case "t1": {
      const h = MODEL_SCHEMAS.t1.parse(hyper ?? {});
      options = { ...common, ...h, modes: modesFor(h.modes, 2), gridSize: ctx.spatial };
      break;
    }
    case "afno":
      options = { ...common, ...MODEL_SCHEMAS.afno.parse(hyper ?? {}) };
      break;
    case "drift-net":
      options = { ...common, ...MODEL_SCHEMAS["drift-net"].parse(hyper ?? {}) };
      break;
    case "sfno": {
      const h = MODEL_SCHEMAS.sfno.parse(hyper ?? {});
      // Spatiotemporal: modes over x, y and t; the output steps come from the task.
      // SFNO has one channel in and out (vorticity), so no channel options.
      options = {
        dtype: common.dtype,
        generator: common.generator,
        ...h,
        modes: modesFor(h.modes, nDims + 1),
        outSteps: ctx.outSteps,
      };
      break;
    }
  }
  const Ctor = constructorOf(model);
  const module = new Ctor(options);
  const { generator: _g, ...recorded } = options;
  const built: BuiltModel = { module, options: recorded };
  const t1 = module as unknown as { frequencyLoss?: BuiltModel["frequencyLoss"] };
  if (model === "t1" && typeof t1.frequencyLoss === "function")
    built.frequencyLoss = (x, y, opts) => t1.frequencyLoss?.call(module, x, y, opts) as Tensor;
  return built;
}
