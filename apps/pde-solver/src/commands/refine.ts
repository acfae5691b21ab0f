/**
 * `modewise-pde refine --run DIR --data DATA`: the Spectral-Refiner stage on a trained SFNO run.
 * For test trajectory windows it calls refineSpectral from @modewise/operators (frozen model,
 * last spectral layer rebuilt without truncation, H^-1 Navier-Stokes residual minimized) and
 * reports the residual and the relative L2 error against the solver before and after.
 */
import { relL2 } from "@modewise/pde";
import { dispose, type Tensor, tensor, ValueError } from "@modewise/tensor";
import { loadDataset, makePairs } from "../train/data.js";
import { loadRun } from "../train/load-run.js";
import { operatorsExport } from "../train/models.js";

export interface RefineReport {
  samples: number;
  iterations: number;
  residualBefore: number;
  residualAfter: number;
  residualReduction: number;
  l2Before: number;
  l2After: number;
  seconds: number;
}

type RefineFn = (
  model: unknown,
  input: Tensor,
  opts: Record<string, unknown>,
) => { initialPrediction: Tensor; refinedPrediction: Tensor; residualHistory: number[] };

export async function runRefine(options: {
  run: string;
  data: string;
  samples?: number;
  iterations?: number;
  /** "cg" (default: preconditioned nonlinear CG with exact line search) or "adam". */
  method?: string;
  /** Adam's learning rate (method "adam" only). */
  lr?: number;
}): Promise<RefineReport> {
  const method = options.method ?? "cg";
  if (method !== "cg" && method !== "adam")
    throw new ValueError("refine", "method", "'cg' or 'adam'", `'${method}'`);
  if (options.lr !== undefined && method !== "adam")
    throw new ValueError(
      "refine",
      "lr",
      "no learning rate with method 'cg' (it line-searches)",
      String(options.lr),
    );
  const { info, model } = loadRun(options.run);
  if (info.modelName !== "sfno" || info.task.kind !== "trajectory")
    throw new ValueError(
      "refine",
      "run",
      "a run of the sfno model (trajectory task)",
      `a ${info.modelName} ${info.task.kind} run`,
    );
  const refineSpectral = operatorsExport("refineSpectral");
  if (typeof refineSpectral !== "function")
    throw new ValueError(
      "refine",
      "run",
      "an @modewise/operators build that exports refineSpectral",
      "none",
    );
  const ds = await loadDataset(options.data);
  const count = Math.min(options.samples ?? 1, ds.n);
  const pairs = makePairs(ds, info.task, 0, count);
  const n = Math.min(pairs.n, options.samples ?? 1);
  const xSize = pairs.xShape.reduce((a, b) => a * b, 1);
  const ySize = pairs.yShape.reduce((a, b) => a * b, 1);
  const input = tensor(Float32Array.from(pairs.x.subarray(0, n * xSize)), {
    shape: [n, ...pairs.xShape],
    dtype: "float32",
  });
  const truth = pairs.y.subarray(0, n * ySize);
  const iterations = options.iterations ?? 100;
  const t0 = performance.now();
  const r = (refineSpectral as RefineFn)(model, input, {
    nu: ds.nu ?? info.nu ?? 1e-3,
    dt: ds.dt ?? info.dt ?? 1,
    forcing: "fno",
    iterations,
    method,
    ...(options.lr !== undefined ? { lr: options.lr } : {}),
  });
  const seconds = (performance.now() - t0) / 1000;
  const before = Float64Array.from(r.initialPrediction.dataSync() as Float32Array);
  const after = Float64Array.from(r.refinedPrediction.dataSync() as Float32Array);
  dispose([input, r.initialPrediction, r.refinedPrediction]);
  const hist = r.residualHistory;
  const residualBefore = hist[0] ?? Number.NaN;
  const residualAfter = hist.at(-1) ?? Number.NaN;
  return {
    samples: n,
    iterations,
    residualBefore,
    residualAfter,
    residualReduction: residualBefore / residualAfter,
    l2Before: before.length === truth.length ? relL2(before, truth, n) : Number.NaN,
    l2After: after.length === truth.length ? relL2(after, truth, n) : Number.NaN,
    seconds,
  };
}
