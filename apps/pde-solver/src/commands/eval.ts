/**
 * `modewise-pde eval --run DIR --data DATA`: error metrics of a trained model on test data,
 * autoregressive rollout error over time (Navier-Stokes one-step models, identity baseline
 * alongside), zero-shot super-resolution (test data on another grid than the training one is
 * evaluated as is: the operators are resolution-independent), PNG plots of prediction, truth,
 * error and spectra, metrics.json and report.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { maxError, nrmse, relL2, shellSpectrum, spectralBandErrors } from "@modewise/pde";
import { ValueError } from "@modewise/tensor";
import { renderGrid, valueRange } from "../plot/field-image.js";
import { renderLineChart, SERIES_COLORS } from "../plot/line-chart.js";
import type { RGB } from "../plot/raster.js";
import { fmt } from "../report.js";
import { loadDataset, makePairs } from "../train/data.js";
import { predict } from "../train/inference.js";
import { loadRun } from "../train/load-run.js";

export interface EvalOptions {
  run: string;
  data: string;
  /** Output folder (default <run>/eval). */
  out?: string;
  /** Rollout length for Navier-Stokes one-step models (default 10, capped by the data). */
  rolloutSteps?: number;
  batchSize?: number;
  /** Skip the PNG plots. */
  plots?: boolean;
}

export interface EvalMetrics {
  model: string;
  samples: number;
  trainResolution: number[];
  evalResolution: number[];
  zeroShot: boolean;
  relL2: number;
  /** One-step tasks: relative L2 of the identity w_k -> w_k over the same pairs (the baseline). */
  identityRelL2?: number;
  nrmse: number;
  maxError: number;
  spectralBands?: { edges: number[]; low: number; mid: number; high: number };
  /** Mean relative L2 after k = 1..K autoregressive steps, and of the identity w_0 -> w_k. */
  rollout?: { steps: number[]; model: number[]; identity: number[] };
  /** Surrogate inference time per sample (s) and the solver's when the data was computed here. */
  inferenceSecondsPerSample: number;
  solverSecondsPerSample?: number;
}

const color = (i: number): RGB => SERIES_COLORS[i] as RGB;

/** The first field (channel 0, last time slice) of sample 0 of a [n, 1, ...grid] array. */
function firstField(data: Float64Array, shape: number[]): Float64Array {
  const rest = shape.slice(2); // drop the batch and channel axes
  if (rest.length === 3) {
    // [s, s, t]: the last time slice.
    const [sx, sy, nt] = rest as [number, number, number];
    const out = new Float64Array(sx * sy);
    for (let i = 0; i < sx * sy; i++) out[i] = data[i * nt + nt - 1] as number;
    return out;
  }
  return data.slice(
    0,
    rest.reduce((a, b) => a * b, 1),
  );
}

function writePng(path: string, png: Uint8Array): string {
  writeFileSync(path, png);
  return path;
}

export async function runEval(
  options: EvalOptions,
): Promise<{ metrics: EvalMetrics; outDir: string; files: string[] }> {
  const { info, model } = loadRun(options.run);
  const ds = await loadDataset(options.data);
  if (ds.problem !== info.problem)
    throw new ValueError(
      "eval",
      "data",
      `${info.problem} data (the run's problem)`,
      `${ds.problem} data`,
    );
  const outDir = resolve(options.out ?? join(options.run, "eval"));
  mkdirSync(outDir, { recursive: true });
  const batch = options.batchSize ?? 20;
  const pairs = makePairs(ds, info.task);
  const xShape = [info.xShape[0] as number, ...pairs.xShape.slice(1)];
  const t0 = performance.now();
  const pred = predict(model, pairs.x, pairs.n, xShape, info.normalization, batch);
  const inferenceSecondsPerSample = (performance.now() - t0) / 1000 / pairs.n;
  const sampleSize = pairs.yShape.reduce((a, b) => a * b, 1);
  const nt = pairs.yShape.length === 4 ? (pairs.yShape[3] as number) : 1;
  const metrics: EvalMetrics = {
    model: info.modelName,
    samples: pairs.n,
    trainResolution: info.spatial,
    evalResolution: ds.spatial,
    zeroShot: ds.spatial.join("x") !== info.spatial.join("x"),
    relL2: relL2(pred, pairs.y, pairs.n),
    ...(info.task.kind === "one-step" ? { identityRelL2: relL2(pairs.x, pairs.y, pairs.n) } : {}),
    nrmse: nrmse(pred, pairs.y, pairs.n, nt),
    maxError: maxError(pred, pairs.y),
    inferenceSecondsPerSample,
    ...(ds.solverSecondsPerSample !== undefined
      ? { solverSecondsPerSample: ds.solverSecondsPerSample }
      : {}),
  };
  const s = ds.spatial[0] as number;
  if (
    ds.spatial.length === 2 &&
    s === ds.spatial[1] &&
    s % 2 === 0 &&
    nt === 1 &&
    sampleSize === s * s
  ) {
    const b = spectralBandErrors(pred, pairs.y, s);
    metrics.spectralBands = { edges: b.edges, low: b.low, mid: b.mid, high: b.high };
  }

  // Autoregressive rollout of a one-step model from w_0 of every test trajectory.
  const traj = ds.trajectories;
  if (traj && info.task.kind === "one-step") {
    const K = Math.min(options.rolloutSteps ?? 10, traj.steps - 1);
    const plane = s * s;
    const at = (k: number) => {
      const out = new Float64Array(traj.n * plane);
      for (let b = 0; b < traj.n; b++)
        out.set(
          traj.data.subarray((b * traj.steps + k) * plane, (b * traj.steps + k + 1) * plane),
          b * plane,
        );
      return out;
    };
    const w0 = at(0);
    let current: Float64Array = w0;
    const steps: number[] = [];
    const modelErr: number[] = [];
    const identity: number[] = [];
    for (let k = 1; k <= K; k++) {
      current = predict(model, current, traj.n, xShape, info.normalization, batch);
      const truth = at(k);
      steps.push(k);
      modelErr.push(relL2(current, truth, traj.n));
      identity.push(relL2(w0, truth, traj.n));
    }
    metrics.rollout = { steps, model: modelErr, identity };
  }

  const files: string[] = [];
  if (options.plots !== false) {
    const truth = firstField(pairs.y, [pairs.n, ...pairs.yShape]);
    const guess = firstField(pred, [pairs.n, ...pairs.yShape]);
    const err = guess.map((v, i) => v - (truth[i] as number));
    if (ds.spatial.length === 2) {
      const [nx, ny] = ds.spatial as [number, number];
      const range = valueRange(truth, true);
      const opts = { colormap: "rdbu" as const, ...range };
      files.push(writePng(join(outDir, "truth.png"), renderGrid(truth, nx, ny, opts).toPng()));
      files.push(writePng(join(outDir, "prediction.png"), renderGrid(guess, nx, ny, opts).toPng()));
      files.push(
        writePng(
          join(outDir, "error.png"),
          renderGrid(err, nx, ny, { colormap: "rdbu", ...valueRange(err, true) }).toPng(),
        ),
      );
      if (nx === ny && nx % 2 === 0) {
        // Shells 1..s/2 (the mean is left out of the log plot; shells beyond s/2 are only
        // partly inside the grid).
        const shells = (f: Float64Array) => shellSpectrum(f, nx).slice(1, nx / 2 + 1);
        const st = shells(truth);
        const sp = shells(guess);
        const se = shells(err);
        const k = Float64Array.from(st, (_, i) => i + 1);
        files.push(
          writePng(
            join(outDir, "spectra.png"),
            renderLineChart(
              [
                { x: k, y: st, color: color(0), label: "truth" },
                { x: k, y: sp, color: color(1), label: "prediction" },
                { x: k, y: se, color: color(2), label: "error" },
              ],
              { logX: true, logY: true, xLabel: "wavenumber |k|", yLabel: "shell power" },
            ).toPng(),
          ),
        );
      }
    } else {
      const x = Float64Array.from({ length: truth.length }, (_, i) => i / truth.length);
      files.push(
        writePng(
          join(outDir, "profile.png"),
          renderLineChart(
            [
              { x, y: truth, color: color(0), label: "truth" },
              { x, y: guess, color: color(1), label: "prediction" },
              { x, y: err, color: color(2), label: "error" },
            ],
            { xLabel: "x" },
          ).toPng(),
        ),
      );
    }
    if (metrics.rollout && metrics.rollout.steps.length > 1) {
      files.push(
        writePng(
          join(outDir, "rollout.png"),
          renderLineChart(
            [
              {
                x: metrics.rollout.steps,
                y: metrics.rollout.model,
                color: color(0),
                label: "model",
              },
              {
                x: metrics.rollout.steps,
                y: metrics.rollout.identity,
                color: color(1),
                label: "identity",
              },
            ],
            { logY: true, xLabel: "rollout step", yLabel: "rel. L2" },
          ).toPng(),
        ),
      );
    }
  }
  writeFileSync(join(outDir, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
  writeFileSync(
    join(outDir, "report.md"),
    evalMarkdown(
      metrics,
      options,
      files.map((f) => f.slice(outDir.length + 1)),
    ),
  );
  return { metrics, outDir, files };
}

/** The markdown report of an evaluation. */
export function evalMarkdown(m: EvalMetrics, o: EvalOptions, images: string[]): string {
  const rows: [string, string][] = [
    ["model", m.model],
    ["test data", o.data],
    ["samples (pairs)", String(m.samples)],
    ["training grid", m.trainResolution.join(" x ")],
    [
      "evaluation grid",
      `${m.evalResolution.join(" x ")}${m.zeroShot ? " (zero-shot super-resolution)" : ""}`,
    ],
    ["relative L2", fmt(m.relL2)],
    ...(m.identityRelL2 !== undefined
      ? ([["identity baseline relative L2 (w_k -> w_k)", fmt(m.identityRelL2)]] as [
          string,
          string,
        ][])
      : []),
    ["nRMSE", fmt(m.nrmse)],
    ["max error", fmt(m.maxError)],
    ["inference time per sample", `${fmt(m.inferenceSecondsPerSample * 1000)} ms`],
  ];
  if (m.solverSecondsPerSample !== undefined)
    rows.push([
      "solver time per sample (data generation)",
      `${fmt(m.solverSecondsPerSample * 1000)} ms`,
    ]);
  if (m.spectralBands)
    rows.push([
      "spectral band errors low / mid / high",
      `${fmt(m.spectralBands.low)} / ${fmt(m.spectralBands.mid)} / ${fmt(m.spectralBands.high)}`,
    ]);
  const lines = [
    `# Evaluation of ${m.model}`,
    "",
    "| quantity | value |",
    "| --- | --- |",
    ...rows.map(([a, b]) => `| ${a} | ${b} |`),
    "",
  ];
  if (m.rollout) {
    lines.push(
      "## Autoregressive rollout",
      "",
      "| step | model rel. L2 | identity rel. L2 |",
      "| --- | --- | --- |",
    );
    const r = m.rollout;
    for (let i = 0; i < r.steps.length; i++)
      lines.push(`| ${r.steps[i]} | ${fmt(r.model[i])} | ${fmt(r.identity[i])} |`);

    lines.push("");
  }
  if (images.length > 0) {
    lines.push(
      "## Figures",
      "",
      "Sample 0 (RdBu colour map; spectra: blue truth, orange prediction, green error; rollout: blue model, orange identity).",
      "",
    );
    for (const img of images) lines.push(`![${img}](${img})`, "");
  }
  return `${lines.join("\n")}\n`;
}
