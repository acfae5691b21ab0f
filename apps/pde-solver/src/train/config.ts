/**
 * Options of `modewise-pde train` (YAML/JSON config + flags, validated like the other commands:
 * unknown keys, wrong types and out-of-range values are all reported by key). The model's own
 * hyperparameters sit under `model:` and are checked by the model's schema (models.ts).
 */
import * as z from "zod";
import { MODEL_NAMES } from "./models.js";

const int = (min: number, max: number) =>
  z
    .number()
    .int({ error: "expected an integer" })
    .min(min, { error: `expected an integer >= ${min}` })
    .max(max, { error: `expected an integer <= ${max}` });
const positive = (what: string) =>
  z.number({ error: `expected ${what} (a number)` }).positive({ error: `expected ${what} > 0` });

export const trainSchema = z
  .strictObject({
    /** Which operator (fno, t1, afno, drift-net, sfno). */
    modelName: z.enum(MODEL_NAMES).default("fno"),
    /** Hyperparameters of the model (see models.ts). */
    model: z.record(z.string(), z.unknown()).default({}),
    /** Dataset file or generator spec `<preset>:key=value,...`. */
    data: z.string().min(1),
    out: z.string().min(1),
    optimizer: z.enum(["adam", "adamw"]).default("adam"),
    lr: positive("a learning rate").default(1e-3),
    weightDecay: z.number().min(0).default(0),
    schedule: z.enum(["constant", "cosine", "onecycle", "step"]).default("cosine"),
    /** StepLR: decay by gamma every stepSize optimizer steps. */
    stepSize: int(1, 1e9).default(100),
    gamma: positive("a decay factor").default(0.5),
    /** Either a number of epochs or a wall-clock budget in seconds (then epochs is the cap). */
    epochs: int(1, 1e6).optional(),
    budgetSeconds: positive("a time budget in seconds").optional(),
    batchSize: int(1, 1e5).default(20),
    seed: int(0, 2 ** 31 - 1).default(0),
    normalization: z.enum(["gaussian", "none"]).default("gaussian"),
    /** one-step (NS pairs w_k -> w_k+1), map (Burgers u0 -> u(T), Darcy a -> u), trajectory. */
    task: z.enum(["one-step", "map", "trajectory"]).optional(),
    /**
     * One-step task only: the network outputs the next field ("field", the default) or the
     * increment w_{k+1} - w_k, normalized by its own std ("increment"); loss and metrics are the
     * relative L2 of the field either way. Omitted = "field" (and a run folder's fingerprint
     * stays that of runs made before the option existed).
     */
    predict: z.enum(["field", "increment"]).optional(),
    /**
     * "symmetries": each training sample is moved by a random element of the problem's exact
     * symmetry group every epoch (augment.ts: Navier-Stokes with this app's forcing, Burgers).
     * Omitted = "none" (and the fingerprint of older run folders is unchanged).
     */
    augment: z.enum(["none", "symmetries"]).optional(),
    inSteps: int(1, 1000).default(10),
    outSteps: int(1, 1000).default(10),
    /** Fraction of the samples (trajectories for NS) held out for validation. */
    valFraction: z.number().min(0).max(0.9).default(0.1),
    /** Save a checkpoint every this many optimizer steps (and at the end). */
    checkpointEvery: int(1, 1e9).default(100),
    /** Validation every this many steps (default: once per epoch). */
    valEvery: int(1, 1e9).optional(),
    /** Stop after this many optimizer steps (tests, demos: a kill can land mid-run). */
    maxSteps: int(1, 1e9).optional(),
    /** Pause after each checkpoint (ms): lets tests kill a run at a known point. */
    throttleMs: int(0, 60_000).default(0),
  })
  .transform((c) => ({ ...c, epochs: c.epochs ?? (c.budgetSeconds === undefined ? 10 : 1e6) }));

export type TrainConfig = z.output<typeof trainSchema>;
