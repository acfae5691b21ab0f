/**
 * Checkpoints of a training run: ONE safetensors file holding the model parameters
 * (`model.<name>`, the names of Module.stateDict), the optimizer state (`optim.<i>.<key>` for
 * parameter i in optimizer order) and, in its metadata, the loop state as JSON (step, epoch,
 * RNG position, loss history, elapsed time). It is replaced atomically (temporary file + fsync
 * + rename), so a kill at any moment leaves either the previous checkpoint or the new one, and
 * a rerun with the same --out resumes from it.
 */
import { existsSync, readFileSync } from "node:fs";
import {
  loadWithMetadata,
  type Module,
  type Optimizer,
  type OptimizerStateDict,
  save,
} from "@modewise/nn";
import { writeFileAtomic } from "@modewise/pde/io";
import { dispose, type Tensor, ValueError } from "@modewise/tensor";

/** One point of the loss history. */
export interface HistoryPoint {
  step: number;
  epoch: number;
  /** Mean training loss over the steps since the previous point. */
  train: number;
  /** Validation relative L2 (when computed at this step). */
  val?: number;
  lr: number;
  seconds: number;
}

/** Everything about the loop that is not a tensor. */
export interface LoopState {
  /** Optimizer steps done. */
  step: number;
  /** Steps the run will take in all (fixed at the start; a time budget may stop it earlier). */
  totalSteps: number;
  stepsPerEpoch: number;
  /** Shuffling: epoch e uses stream e + 1 of Generator(seed); `position` is informational. */
  rng: { seed: number; stream: number; position: number };
  history: HistoryPoint[];
  /** Sum of training losses since the last history point, and their count. */
  pending: { sum: number; count: number };
  elapsedSeconds: number;
  done: boolean;
  /**
   * With a time budget: whether totalSteps was re-estimated from the measured speed (after 30
   * steps, and again a fifth of the way through; the cosine/one-cycle schedules are rebuilt for
   * the new length each time).
   */
  calibrated?: boolean;
  /** How many times totalSteps was re-estimated (at most 2), and at which step the last time. */
  calibrations?: number;
  calibratedAt?: number;
  /** Seconds of one validation pass, timed before the loop (used when a resumed run calibrates). */
  validationSeconds?: number;
}

/** Serialize model + optimizer + loop state into the checkpoint file, atomically. */
export function saveCheckpoint(
  path: string,
  model: Module,
  optimizer: Optimizer<{ lr: number }>,
  loop: LoopState,
): void {
  const tensors: Record<string, Tensor> = {};
  const owned: Tensor[] = [];
  for (const [name, t] of Object.entries(model.stateDict())) {
    tensors[`model.${name}`] = t;
    owned.push(t);
  }
  const optimizerState = optimizer.stateDict();
  const steps = optimizerState.state.map((st, i) => {
    for (const [key, t] of Object.entries(st?.tensors ?? {})) {
      tensors[`optim.${i}.${key}`] = t;
      owned.push(t);
    }
    return st?.step ?? 0;
  });
  const bytes = save(tensors, {
    loop: JSON.stringify(loop),
    optimizerSteps: JSON.stringify(steps),
  });
  dispose(owned);
  writeFileAtomic(path, bytes);
}

/** Restore model + optimizer from a checkpoint; returns the loop state (undefined if none). */
export function loadCheckpoint(
  path: string,
  model: Module,
  optimizer: Optimizer<{ lr: number }>,
): LoopState | undefined {
  if (!existsSync(path)) return undefined;
  const fn = "loadCheckpoint";
  const { tensors, metadata } = loadWithMetadata(readFileSync(path));
  if (metadata.loop === undefined || metadata.optimizerSteps === undefined)
    throw new ValueError(fn, "path", "a checkpoint written by modewise-pde train", `'${path}'`);
  const modelState: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors))
    if (name.startsWith("model.")) modelState[name.slice(6)] = t;
  model.loadStateDict(modelState);
  for (const t of Object.values(modelState)) t.dispose();
  const steps = JSON.parse(metadata.optimizerSteps) as number[];
  const optimizerState: OptimizerStateDict = {
    state: optimizer.params.map((_, i) => {
      const own: Record<string, Tensor> = {};
      const prefix = `optim.${i}.`;
      for (const [name, t] of Object.entries(tensors))
        if (name.startsWith(prefix)) own[name.slice(prefix.length)] = t;
      return Object.keys(own).length > 0 ? { step: steps[i] ?? 0, tensors: own } : undefined;
    }),
  };
  try {
    optimizer.loadStateDict(optimizerState);
  } finally {
    // loadStateDict takes its own handles; the file's tensors are ours to release.
    for (const [name, t] of Object.entries(tensors)) if (name.startsWith("optim.")) t.dispose();
  }
  return JSON.parse(metadata.loop) as LoopState;
}

/** Only the model parameters (for eval / predict). */
export function loadModelWeights(path: string, model: Module): void {
  const { tensors } = loadWithMetadata(readFileSync(path));
  const modelState: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(tensors))
    if (name.startsWith("model.")) modelState[name.slice(6)] = t;
    else if (!name.startsWith("optim.")) modelState[name] = t;
  model.loadStateDict(modelState);
  for (const t of Object.values(tensors)) t.dispose();
}
