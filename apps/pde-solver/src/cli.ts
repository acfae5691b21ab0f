#!/usr/bin/env node
/**
 * modewise-pde: solve / generate / inspect. Options come from flags or a YAML/JSON config file
 * (--config); flags override the file; everything is validated (see config.ts).
 */
import { ModewiseError } from "@modewise/tensor";
import cliProgress from "cli-progress";
import { Command, InvalidArgumentError } from "commander";
import { runGenerate } from "./commands/generate.js";
import { runInspect } from "./commands/inspect.js";
import { runSolve } from "./commands/solve.js";
import {
  ConfigError,
  generateSchema,
  loadConfigFile,
  mergeOptions,
  solveSchema,
  validate,
} from "./config.js";

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
} {
  const file = typeof flags.config === "string" ? loadConfigFile(flags.config) : {};
  return {
    merged: mergeOptions(file, flags),
    source: typeof flags.config === "string" ? `${flags.config} + flags` : "flags",
  };
}

function progressBar(unit: string): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format: ` {bar} {percentage}% | {value}/{total} ${unit} | elapsed {duration_formatted} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof ModewiseError) {
    process.stderr.write(`modewise-pde: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
