/** run.json: what a training run is (model, options, data, task, normalization, seed). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ValueError } from "@modewise/tensor";
import type { Normalization, PredictTarget, Problem, TaskSpec } from "./data.js";
import type { ModelName } from "./models.js";

export interface RunInfo {
  format: "modewise-pde-run/1";
  modelName: ModelName;
  /** Validated hyperparameters as given to buildModel. */
  hyper: Record<string, unknown>;
  /** The options the constructor received (generator excluded). */
  modelOptions: Record<string, unknown>;
  numParameters: number;
  seed: number;
  /** The training configuration (the fingerprint a resume must match). */
  config: Record<string, unknown>;
  problem: Problem;
  task: TaskSpec;
  /** Field or increment prediction (runs written before the option: field). */
  predict?: PredictTarget;
  dataSource: string;
  /** Physical time of w_0 in the training trajectories (generator `burnIn`). */
  startTime?: number;
  /** Training grid and per-sample shapes in model layout (channel first). */
  spatial: number[];
  xShape: number[];
  yShape: number[];
  nTrain: number;
  nVal: number;
  normalization: Normalization;
  /** Navier-Stokes data: viscosity and snapshot interval (refine). */
  nu?: number;
  dt?: number;
  solverSecondsPerSample?: number;
  createdAt: string;
}

export const RUN_FILES = {
  info: "run.json",
  checkpoint: "checkpoint.safetensors",
  model: "model.safetensors",
  history: "history.json",
  curves: "loss.png",
} as const;

export function readRunInfo(runDir: string): RunInfo {
  const path = join(runDir, RUN_FILES.info);
  if (!existsSync(path))
    throw new ValueError(
      "readRunInfo",
      "run",
      "a run folder written by modewise-pde train",
      `'${runDir}' (no run.json)`,
    );
  const info = JSON.parse(readFileSync(path, "utf8")) as RunInfo;
  if (info.format !== "modewise-pde-run/1")
    throw new ValueError(
      "readRunInfo",
      "run",
      "run.json of format modewise-pde-run/1",
      `'${String(info.format)}'`,
    );
  return info;
}
