/**
 * Acceptance benchmarks of the operator-learning commands (fixed seeds and budgets; budgets
 * include data generation, as in the issue). Each case trains with runTrain and evaluates with
 * runEval from the built app (build first: npx pnpm@12.4.2 exec turbo run build
 * --filter=@modewise/pde-solver).
 *
 *   node apps/pde-solver/bench/acceptance.mjs [--filter=RE] [--repeats=3] [--scale=1] [--no-write]
 *
 * --repeats takes the median over runs with seeds 0..R-1; --scale multiplies budgets and sample
 * counts (e.g. 0.1 for a quick check that every case runs). Writes bench/results/acceptance.json
 * (rows: case, ours, anchor, anchorValue, unit, ratio = anchorValue / ours, > 1 = goal met) and
 * docs/operators-acceptance.md. Run it on an idle machine: the budgets are wall-clock.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  benchCli,
  loadAverage,
  machineInfo,
  median,
  writeResults,
} from "../../../tools/bench-kit/bench-kit.mjs";
import { runEval } from "../dist/commands/eval.js";
import { trainSchema } from "../dist/train/config.js";
import { runTrain } from "../dist/train/train-run.js";

const { args, filter, outPath, write } = benchCli(import.meta.url, "acceptance");
const repeats = Number(args.repeats ?? 1);
const scale = Number(args.scale ?? 1);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const work = path.join(tmpdir(), `modewise-acceptance-${process.pid}`);
mkdirSync(work, { recursive: true });

const n = (v) => Math.max(4, Math.round(v * scale));
const budget = (s) => Math.max(10, s * scale);

async function trainEval({
  name,
  model,
  hyper,
  data,
  test,
  budgetSeconds,
  seed,
  lr = 3e-3,
  batchSize = 20,
  rolloutSteps = 10,
}) {
  const out = path.join(work, `${name}-${seed}`);
  rmSync(out, { recursive: true, force: true });
  const config = trainSchema.parse({
    modelName: model,
    model: hyper,
    data,
    out,
    budgetSeconds,
    lr,
    batchSize,
    seed,
    schedule: "cosine",
    valFraction: 0.05,
  });
  const t0 = performance.now();
  const trained = await runTrain(config);
  const ev = await runEval({ run: out, data: test, rolloutSteps, plots: false });
  return { trained, metrics: ev.metrics, seconds: (performance.now() - t0) / 1000 };
}

const NS = (seed) => `ns-1e-3:n=${n(200)},s=32,T=20,seed=${seed}`;
const NS_TEST = `ns-1e-3:n=${n(20)},s=32,T=20,seed=1000`;
const nsModel = (model, hyper) => (seed) =>
  trainEval({
    name: `ns-${model}`,
    model,
    hyper,
    data: NS(seed),
    test: NS_TEST,
    budgetSeconds: budget(300),
    seed,
  });

/** Each case returns rows {case, ours, anchor, anchorValue, unit}. */
const CASES = {
  "burgers-fno1d": async (seed) => {
    const r = await trainEval({
      name: "burgers",
      model: "fno",
      hyper: { modes: 16, width: 32 },
      data: `burgers:n=${n(1000)},s=128,nu=0.01,solverS=1024,seed=${seed}`,
      test: `burgers:n=${n(200)},s=128,nu=0.01,solverS=1024,seed=1000`,
      budgetSeconds: budget(120),
      seed,
    });
    return [
      {
        case: "burgers-fno1d test relL2 (2 min)",
        ours: r.metrics.relL2,
        anchor: "goal",
        anchorValue: 1e-2,
      },
    ];
  },
  "ns-fno": async (seed) => {
    const r = await nsModel("fno", { modes: 8, width: 20 })(seed);
    const roll = r.metrics.rollout;
    return [
      {
        case: "ns-fno one-step relL2 (5 min)",
        ours: r.metrics.relL2,
        anchor: "goal",
        anchorValue: 1e-2,
      },
      {
        case: "ns-fno 10-step rollout relL2",
        ours: roll.model.at(-1),
        anchor: "goal",
        anchorValue: 3e-2,
      },
      {
        case: "ns identity baseline one-step relL2",
        ours: roll.identity[0],
        anchor: "numpy reference (FNO data, ~8.8e-2)",
        anchorValue: 8.8e-2,
      },
    ];
  },
  "darcy-fno": async (seed) => {
    const r = await trainEval({
      name: "darcy",
      model: "fno",
      hyper: { modes: 12, width: 32 },
      data: `darcy:n=${n(1000)},s=32,seed=${seed}`,
      test: `darcy:n=${n(100)},s=32,seed=1000`,
      budgetSeconds: budget(180),
      seed,
    });
    return [
      {
        case: "darcy-fno test relL2 (3 min)",
        ours: r.metrics.relL2,
        anchor: "goal",
        anchorValue: 5e-2,
      },
    ];
  },
  "ns-models": async (seed) => {
    const fno = await nsModel("fno", { modes: 8, width: 20 })(seed);
    const rows = [];
    for (const [model, hyper] of [
      ["t1", { modes: 12, width: 32 }],
      ["afno", { width: 32 }],
      ["drift-net", { width: 16 }],
    ]) {
      const r = await nsModel(model, hyper)(seed);
      rows.push({
        case: `ns-${model} one-step relL2 vs 2x FNO`,
        ours: r.metrics.relL2,
        anchor: "goal (2x FNO same run)",
        anchorValue: 2 * fno.metrics.relL2,
      });
    }
    return rows;
  },
  "zero-shot": async (seed) => {
    const out = path.join(work, `zeroshot-${seed}`);
    rmSync(out, { recursive: true, force: true });
    const config = trainSchema.parse({
      modelName: "fno",
      model: { modes: 8, width: 20 },
      data: `ns-1e-3:n=${n(200)},s=64,T=20,seed=${seed},subsample=2`,
      out,
      budgetSeconds: budget(300),
      lr: 3e-3,
      seed,
      valFraction: 0.05,
    });
    await runTrain(config);
    const at32 = await runEval({
      run: out,
      data: `ns-1e-3:n=${n(20)},s=64,T=20,seed=1000,subsample=2`,
      plots: false,
      rolloutSteps: 1,
    });
    const at64 = await runEval({
      run: out,
      data: `ns-1e-3:n=${n(20)},s=64,T=20,seed=1000`,
      plots: false,
      rolloutSteps: 1,
    });
    return [
      {
        case: "zero-shot 32->64 error growth (x)",
        ours: at64.metrics.relL2 / at32.metrics.relL2,
        anchor: "goal",
        anchorValue: 2,
      },
    ];
  },
};

const rows = [];
for (const [name, run] of Object.entries(CASES)) {
  if (filter && !filter.test(name)) continue;
  const runs = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    runs.push(await run(r));
    console.log(
      `${name} (seed ${r}): ${((performance.now() - t0) / 1000).toFixed(0)} s, load ${loadAverage().toFixed(1)}`,
    );
  }
  for (let i = 0; i < runs[0].length; i++) {
    const ours = median(runs.map((rs) => rs[i].ours));
    const anchorValue = median(runs.map((rs) => rs[i].anchorValue));
    rows.push({ ...runs[0][i], ours, anchorValue, unit: "rel L2", ratio: anchorValue / ours });
  }
}
console.table(
  rows.map((r) => ({
    case: r.case,
    ours: r.ours.toExponential(3),
    anchor: r.anchorValue.toExponential(3),
    ratio: r.ratio.toFixed(2),
  })),
);
rmSync(work, { recursive: true, force: true });
if (write) {
  const result = {
    bench: "acceptance",
    date: new Date().toISOString(),
    machine: machineInfo(),
    repeats,
    scale,
    rows,
  };
  writeResults(outPath, result);
  const md = [
    "# Operator-learning acceptance results",
    "",
    `Written by \`node apps/pde-solver/bench/acceptance.mjs\` on ${result.date} (${result.machine.cpu}, ${result.machine.cores} cores, repeats ${repeats}, scale ${scale}; budgets are wall-clock and include data generation). ratio = goal / ours: > 1 means the goal is met.`,
    "",
    "| case | ours | anchor | anchor value | ratio |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${r.case} | ${r.ours.toExponential(3)} | ${r.anchor} | ${r.anchorValue.toExponential(3)} | ${r.ratio.toFixed(2)} |`,
    ),
    "",
  ].join("\n");
  writeFileSync(path.join(root, "docs/operators-acceptance.md"), md);
}
