#!/usr/bin/env node
/**
 * modewise-pde: solve / generate / inspect. Options come from flags or a YAML/JSON config file
 * (--config); flags override the file; everything is validated (see config.ts).
 */
import { ModewiseError } from "@modewise/tensor";
import cliProgress from "cli-progress";
import { Command, InvalidArgumentError } from "commander";
import { runEval } from "./commands/eval.js";
import { runGenerate } from "./commands/generate.js";
import { runInspect } from "./commands/inspect.js";
import { runPredict } from "./commands/predict.js";
import { runRefine } from "./commands/refine.js";
import { runSolve } from "./commands/solve.js";
import { runSurrogateReport, SURROGATE_DEFAULTS } from "./commands/surrogate-report.js";
import {
  ConfigError,
  generateSchema,
  loadConfigFile,
  mergeOptions,
  solveSchema,
  validate,
} from "./config.js";
import { trainSchema } from "./train/config.js";
import { runTrain } from "./train/train-run.js";

/** Parse a numeric flag; garbage is reported by name instead of becoming NaN silently. */
function num(value: string): number {
  const v = Number(value);
  if (value.trim() === "" || !Number.isFinite(v))
    throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return v;
}

function options(flags: Record<string, unknown>): {
  merged: Record<string, unknown>;
  source: string;
  file: Record<string, unknown>;
} {
  const file: Record<string, unknown> =
    typeof flags.config === "string" ? loadConfigFile(flags.config) : {};
  return {
    file,
    merged: mergeOptions(file, flags),
    source: typeof flags.config === "string" ? `${flags.config} + flags` : "flags",
  };
}

/**
 * The progress bar of every long command (on stderr): value/total in `unit`, elapsed time and
 * ETA; `fields` adds payload columns (e.g. " | loss {loss}"), `etaBuffer` the number of updates
 * the ETA averages over.
 */
function progressBar(unit: string, fields = "", etaBuffer = 20): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format: ` {bar} {percentage}% | {value}/{total} ${unit}${fields} | elapsed {duration_formatted} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer,
    },
    cliProgress.Presets.shades_classic,
  );
}

const program = new Command();
program
  .name("modewise-pde")
  .description("Solve PDEs, generate FNO/PDEBench datasets, inspect HDF5/.mat/.npy files.")
  .showHelpAfterError();

program
  .command("solve")
  .description(
    "one solver run (2-D Navier-Stokes by default): PNG frames, GIF, diagnostics and an HTML/Markdown report",
  )
  .option("-c, --config <file>", "YAML or JSON file of options")
  .option("--problem <name>", "navier-stokes | burgers | darcy (default navier-stokes)")
  .option("--s <n>", "grid points per side (default 64 NS, 1024 Burgers, 85 Darcy)", num)
  .option("--nu <v>", "viscosity (default 1e-3 NS, 0.1 Burgers)", num)
  .option("--T <t>", "final time (default 50 NS, 1 Burgers)", num)
  .option("--record-every <t>", "time between snapshots (default 1 NS, 0.05 Burgers)", num)
  .option("--forcing <kind>", "fno | kolmogorov | none (default fno)")
  .option("--scheme <name>", "ifrk4 | fno-cn (default ifrk4)")
  .option("--dt <v>", "fixed time step (default: adaptive CFL step)", num)
  .option("--seed <n>", "seed of the random initial data / coefficient (default 0)", num)
  .option("--colormap <name>", "rdbu | viridis (default rdbu; Darcy viridis)")
  .option("--scale <n>", "pixels per grid cell", num)
  .option("--no-frames", "skip the per-snapshot PNG frames")
  .option("--no-gif", "skip the animated GIF")
  .option("-o, --out <dir>", "output folder (default pde-solve-out)")
  .action((flags: Record<string, unknown>) => {
    const { merged, source } = options(flags);
    // commander sets frames/gif to true unless --no-...; only pass them when negated so a config file can set them.
    if (flags.frames === true) delete merged.frames;
    if (flags.gif === true) delete merged.gif;
    const config = validate(solveSchema, merged, source);
    const bar = progressBar("time units");
    bar.start(config.problem === "darcy" ? 1 : config.T, 0);
    const result = runSolve(config, (t) => bar.update(Number(t.toFixed(6))));
    bar.update(config.problem === "darcy" ? 1 : config.T);
    bar.stop();
    process.stdout.write(
      `${result.summary}\nreport: ${result.reportHtml}\n        ${result.reportMd}\n`,
    );
  });

program
  .command("generate")
  .description("generate an FNO benchmark dataset (resumable after a kill; atomic writes)")
  .option("-c, --config <file>", "YAML or JSON file of options")
  .option("--preset <name>", "ns-1e-3 | ns-1e-4 | ns-1e-5 | burgers | darcy (default ns-1e-3)")
  .option("--n <n>", "number of samples", num)
  .option("--s <n>", "grid points per side", num)
  .option("--nu <v>", "viscosity", num)
  .option("--T <t>", "final time", num)
  .option("--record-every <t>", "time between snapshots", num)
  .option("--seed <n>", "seed (sample i uses stream i of it)", num)
  .option("--chunk-size <n>", "samples per chunk (the unit of resumption)", num)
  .option("--dtype <t>", "float32 | float64 (default float32)")
  .option("--format <f>", "fno-mat | pdebench (default fno-mat)")
  .option("--solver-s <n>", "Burgers solver grid (default 8192)", num)
  .option(
    "--burn-in <t>",
    "Navier-Stokes: time units solved before the first stored field (default 0)",
    num,
  )
  .option("--fresh", "discard an interrupted run instead of resuming it")
  .option("--throttle-ms <ms>", "pause after each chunk (demos, tests)", num)
  .option("-o, --output <file>", "output file (default: FNO-style name)")
  .action(async (flags: Record<string, unknown>) => {
    const { merged, source } = options(flags);
    const config = validate(generateSchema, merged, source);
    const bar = progressBar("samples");
    let started = false;
    const result = await runGenerate(config, (p) => {
      if (!started) {
        process.stderr.write(
          p.chunksResumed > 0
            ? `resuming: ${p.chunksResumed}/${p.chunksTotal} chunks already done\n`
            : "progress is journaled: if interrupted, run the same command again to resume\n",
        );
        bar.start(p.samplesTotal, p.samplesDone);
        started = true;
      }
      bar.update(Math.round(p.samplesDone * 100) / 100);
    });
    bar.stop();
    process.stdout.write(
      `wrote ${result.output} (${result.spec.n} samples, ${result.chunksComputed} chunks computed, ${result.chunksResumed} resumed, ${(result.wallMs / 1000).toFixed(1)} s)\nmetadata: ${result.metadataPath}\n`,
    );
  });

program
  .command("inspect")
  .description("summarize an HDF5 / MATLAB v7.3 .mat / PDEBench / .npy file")
  .argument("<file>", "file to inspect")
  .option("--json", "print the summary as JSON")
  .action(async (file: string, flags: { json?: boolean }) => {
    process.stdout.write(`${await runInspect(file, flags.json === true)}\n`);
  });

program
  .command("train")
  .description(
    "train a neural operator (fno, t1, afno, drift-net, sfno) on a dataset; resumable: rerun with the same --out after a kill",
  )
  .option(
    "-c, --config <file>",
    "YAML or JSON file of options (model hyperparameters under 'model:')",
  )
  .option("--model <name>", "fno | t1 | afno | drift-net | sfno (default fno)")
  .option(
    "--data <spec>",
    "dataset file (generate's .mat) or generator spec '<preset>:key=value,...' (keys n s nu T recordEvery seed solverS, subsample=k, burnIn=t: keep NS snapshots from t on)",
  )
  .option(
    "--predict <target>",
    "field | increment: one-step models output the next field or the increment w_k+1 - w_k (default field)",
  )
  .option(
    "--augment <kind>",
    "none | symmetries: move each training sample by a random exact symmetry of the PDE (Navier-Stokes, Burgers) every epoch (default none)",
  )
  .option("--epochs <n>", "epochs (default 10 unless --budget is given)", num)
  .option("--budget <seconds>", "wall-clock budget of the whole run in seconds", num)
  .option("--batch-size <n>", "samples per step (default 20)", num)
  .option("--lr <v>", "learning rate (default 1e-3)", num)
  .option("--seed <n>", "seed of the initialization and the shuffling (default 0)", num)
  .option("--max-steps <n>", "stop after this many optimizer steps (resume later)", num)
  .option("--throttle-ms <ms>", "pause after each checkpoint (demos, tests)", num)
  .option("-o, --out <dir>", "run folder (checkpoints, curves, run.json)")
  .action(async (flags: Record<string, unknown>) => {
    const { merged, source, file } = options(flags);
    // --model names the architecture; the config's `model:` mapping holds its hyperparameters.
    if (typeof merged.model === "string") {
      merged.modelName = merged.model;
      delete merged.model;
      if (typeof file.model === "object") merged.model = file.model;
    }
    if (merged.budget !== undefined) {
      merged.budgetSeconds = merged.budget;
      delete merged.budget;
    }
    const config = validate(trainSchema, merged, source);
    const bar = progressBar("steps", " | loss {loss} | val {val} | lr {lr}", 50);
    let started = false;
    let lastVal = "-";
    const result = await runTrain(config, (p) => {
      if (!started) {
        if (p.resumedFrom > 0)
          process.stderr.write(`resuming from step ${p.resumedFrom} of ${p.totalSteps}\n`);
        bar.start(p.totalSteps, p.resumedFrom, { loss: "-", val: "-", lr: "-" });
        started = true;
      }
      if (p.val !== undefined) lastVal = p.val.toExponential(3);
      bar.update(p.step, {
        loss: p.loss.toExponential(3),
        val: lastVal,
        lr: p.lr.toExponential(2),
      });
    });
    bar.stop();
    const last = result.loop.history.at(-1);
    process.stdout.write(
      `${result.loop.done ? "trained" : "stopped"} ${result.info.modelName} (${result.info.numParameters} parameters) for ${result.loop.step}/${result.loop.totalSteps} steps in ${result.loop.elapsedSeconds.toFixed(1)} s: train loss ${last ? last.train.toExponential(3) : "-"}, validation relative L2 ${Number.isNaN(result.val) ? "-" : result.val.toExponential(3)}\nrun: ${result.runDir}\n`,
    );
  });

program
  .command("eval")
  .description(
    "metrics of a trained run on test data: relative L2, nRMSE, max error, spectral bands, 10-step rollout (NS), zero-shot resolution, plots",
  )
  .requiredOption("--run <dir>", "run folder written by train")
  .requiredOption(
    "--data <spec>",
    "test dataset file or generator spec (any grid: zero-shot super-resolution)",
  )
  .option(
    "--rollout-steps <n>",
    "autoregressive steps for Navier-Stokes one-step models (default 10)",
    num,
  )
  .option("-o, --out <dir>", "output folder (default <run>/eval)")
  .action(async (flags: { run: string; data: string; rolloutSteps?: number; out?: string }) => {
    const { metrics, outDir } = await runEval(flags);
    const roll = metrics.rollout;
    process.stdout.write(
      `${metrics.model} on ${metrics.samples} test pairs (${metrics.evalResolution.join("x")}${metrics.zeroShot ? `, trained at ${metrics.trainResolution.join("x")}: zero-shot` : ""}): relative L2 ${metrics.relL2.toExponential(3)}, nRMSE ${metrics.nrmse.toExponential(3)}, max error ${metrics.maxError.toExponential(3)}${roll ? `; rollout after ${roll.steps.at(-1)} steps ${roll.model.at(-1)?.toExponential(3)} (identity ${roll.identity.at(-1)?.toExponential(3)})` : ""}\nreport: ${outDir}/report.md\n`,
    );
  });

program
  .command("predict")
  .description(
    "apply a trained run to input fields (.npy, one field or a batch) and write the prediction (.npy)",
  )
  .requiredOption("--run <dir>", "run folder written by train")
  .requiredOption("--input <file>", "input .npy: [...grid] or [N, ...grid]")
  .requiredOption("-o, --out <file>", "output .npy")
  .action((flags: { run: string; input: string; out: string }) => {
    const r = runPredict(flags);
    process.stdout.write(
      `wrote ${flags.out} [${r.outShape.join(", ")}] (${r.n} samples, ${(r.seconds * 1000).toFixed(1)} ms)\n`,
    );
  });

program
  .command("refine")
  .description(
    "Spectral-Refiner stage on an SFNO run: minimize the H^-1 Navier-Stokes residual; residual and L2 before/after",
  )
  .requiredOption("--run <dir>", "run folder of an sfno trajectory run")
  .requiredOption("--data <spec>", "Navier-Stokes test data (file or generator spec)")
  .option("--samples <n>", "trajectory windows to refine (default 1)", num)
  .option("--iterations <n>", "optimization iterations (default 100)", num)
  .option("--method <m>", "cg (default: preconditioned CG, exact line search) | adam")
  .option("--lr <v>", "Adam's learning rate (--method adam only)", num)
  .action(
    async (flags: {
      run: string;
      data: string;
      samples?: number;
      iterations?: number;
      method?: string;
      lr?: number;
    }) => {
      const r = await runRefine(flags);
      process.stdout.write(
        `refined ${r.samples} sample(s), ${r.iterations} iterations in ${r.seconds.toFixed(1)} s: H^-1 residual ${r.residualBefore.toExponential(3)} -> ${r.residualAfter.toExponential(3)} (${r.residualReduction.toFixed(1)}x lower), relative L2 ${r.l2Before.toExponential(3)} -> ${r.l2After.toExponential(3)}\n`,
      );
    },
  );

program
  .command("report")
  .description(
    "main job: generate a small NS dataset, train an FNO for a time budget, report surrogate vs solver (error and speed) with plots",
  )
  .option("--n <n>", `training trajectories (default ${SURROGATE_DEFAULTS.n})`, num)
  .option("--n-test <n>", `test trajectories (default ${SURROGATE_DEFAULTS.nTest})`, num)
  .option("--s <n>", `grid (default ${SURROGATE_DEFAULTS.s})`, num)
  .option("--T <t>", `time units per trajectory (default ${SURROGATE_DEFAULTS.T})`, num)
  .option(
    "--burn-in <t>",
    `time units solved before the first snapshot (default ${SURROGATE_DEFAULTS.burnIn})`,
    num,
  )
  .option(
    "--budget <seconds>",
    `training budget incl. data (default ${SURROGATE_DEFAULTS.budgetSeconds})`,
    num,
  )
  .option("--seed <n>", "seed (default 0)", num)
  .option("--max-steps <n>", "stop training after this many steps", num)
  .option("--predict <target>", "field | increment: what the FNO outputs (default field)")
  .option("-o, --out <dir>", `output folder (default ${SURROGATE_DEFAULTS.out})`)
  .action(async (flags: Record<string, number | string | undefined>) => {
    const o = { ...SURROGATE_DEFAULTS };
    if (typeof flags.out === "string") o.out = flags.out;
    if (flags.predict !== undefined) {
      if (flags.predict !== "field" && flags.predict !== "increment")
        throw new ConfigError(
          `report: option 'predict': expected 'field' or 'increment', got '${String(flags.predict)}'`,
        );
      o.predict = flags.predict;
    }
    for (const [k, key] of [
      ["n", "n"],
      ["nTest", "nTest"],
      ["s", "s"],
      ["T", "T"],
      ["burnIn", "burnIn"],
      ["budget", "budgetSeconds"],
      ["seed", "seed"],
      ["maxSteps", "maxSteps"],
    ] as const)
      if (typeof flags[k] === "number") (o as Record<string, unknown>)[key] = flags[k];
    const bar = progressBar("steps");
    let started = false;
    const r = await runSurrogateReport(o, (p) => {
      if (!started) {
        bar.start(p.totalSteps, p.step);
        started = true;
      }
      bar.update(p.step);
    });
    bar.stop();
    process.stdout.write(
      `one-step test relative L2 ${r.metrics.relL2.toExponential(3)} after ${r.trainSeconds.toFixed(0)} s of training\nreport: ${r.report}\n`,
    );
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof ModewiseError) {
    process.stderr.write(`modewise-pde: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
