/**
 * Checkpoints of a training run: ONE safetensors file holding the model parameters
 * (`model.<name>`, the names of Module.stateDict), the optimizer state (`optim.<i>.<key>` for
 * parameter i in optimizer order) and, in its metadata, the loop state as JSON (step, epoch,
 * RNG position, loss history, elapsed time). It is replaced atomically (temporary file + fsync
 * + rename), so a kill at any moment leaves either the previous checkpoint or the new one, and
 * a rerun with the same --out resumes from it.
 */
import { existsSync, readFileSync } from "node:fs";
import { loadWithMetadata, type Module, type Optimizer, type ParamState, save } from "@modewise/nn";
import { writeFileAtomic } from "@modewise/pde/io";
import { keep, type Tensor, ValueError } from "@modewise/tensor";

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
}

// The optimizer keeps its per-parameter state private and @modewise/nn has no
// optimizer-state loader yet; we read it with the public getState and write it back into the
// same map (TypeScript-private only). Remove once nn exposes loadState.
type StateMap = { states: Map<unknown, ParamState> };

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
  const steps: number[] = [];
  optimizer.params.forEach((p, i) => {
    const st = optimizer.getState(p);
    steps.push(st?.step ?? 0);
    if (st) for (const [key, t] of Object.entries(st.tensors)) tensors[`optim.${i}.${key}`] = t;
  });
  const bytes = save(tensors, {
    loop: JSON.stringify(loop),
    optimizerSteps: JSON.stringify(steps),
  });
  for (const t of owned) t.dispose();
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
  const states = (optimizer as unknown as StateMap).states;
  optimizer.params.forEach((p, i) => {
    const own: Record<string, Tensor> = {};
    const prefix = `optim.${i}.`;
    for (const [name, t] of Object.entries(tensors))
      if (name.startsWith(prefix)) own[name.slice(prefix.length)] = keep(t);
    if (Object.keys(own).length > 0) states.set(p, { step: steps[i] ?? 0, tensors: own });
  });
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
