/** Rebuild a trained model from its run folder (run.json + model or checkpoint weights). */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Generator, ValueError } from "@modewise/tensor";
import { loadModelWeights } from "./checkpoint.js";
import type { Forward } from "./inference.js";
import { buildModel } from "./models.js";
import { RUN_FILES, type RunInfo, readRunInfo } from "./run-info.js";

export function loadRun(runDir: string): { info: RunInfo; model: Forward; weights: string } {
  const info = readRunInfo(runDir);
  const task = info.task;
  const built = buildModel(info.modelName, info.hyper, {
    inChannels: info.xShape[0] as number,
    outChannels: info.yShape[0] as number,
    spatial: info.spatial,
    ...(task.kind === "trajectory" ? { inSteps: task.inSteps, outSteps: task.outSteps } : {}),
    generator: new Generator(info.seed),
  });
  // The final weights when the run finished, else the last checkpoint (evaluate mid-training).
  const final = join(runDir, RUN_FILES.model);
  const ckpt = join(runDir, RUN_FILES.checkpoint);
  const weights = existsSync(final) ? final : ckpt;
  if (!existsSync(weights))
    throw new ValueError(
      "loadRun",
      "run",
      "a run folder with model.safetensors or a checkpoint",
      `'${runDir}'`,
    );
  loadModelWeights(weights, built.module);
  return { info, model: built.module, weights };
}
