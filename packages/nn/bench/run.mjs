/**
 * CPU benchmark of @modewise/nn training against PyTorch, modelled on
 * packages/tensor/bench/run.mjs (same timing protocol, same result shape):
 *   mlp step  forward, MSE loss, backward (gradientsOfParameters), Adam step, inside one tidy;
 *             MLP [64, 256, 256, 1] batch 256 and [16, 64, 64, 1] batch 64, tanh between layers
 *   adamw     one AdamW step (lr 1e-3, weight decay 1e-2) on a 1000 x 1000 parameter, fixed grad
 * in float32 and float64. Anchors: python3 bench/torch_anchor.py (the identical computation) run
 * twice, with torch.set_num_threads(1) ("torch-1t") and with torch's default threads ("torch").
 * Every measurement: warm-up, then repeats until a minimum count and a time budget are both
 * reached; the MEDIAN is reported (ms). Rows: { case, ours, anchor, anchorValue, unit, ratio }
 * with ratio = anchor ms / ours ms (> 1: we are faster).
 *
 * Run after `pnpm build` (it imports ../dist):  node bench/run.mjs [--only=ours] [--filter=RE]
 * [--out=PATH] [--no-write]. Writes bench/results/nn.json by default. Without python3 + torch it
 * prints a skip line and still writes our rows (with no anchor rows).
 */
import path from "node:path";
import { Generator, memory, tidy } from "@modewise/tensor";
import {
  benchCli,
  GLIBC_TUNABLES,
  loadAverage,
  machineInfo,
  measure,
  runPythonAnchor,
  TIMING,
  writeResults,
} from "../../../tools/bench-kit/bench-kit.mjs";
import { Adam, AdamW, gradientsOfParameters, MLP, mseLoss, Parameter } from "../dist/index.js";

const { here, onlyOurs, filter, outPath, write } = benchCli(import.meta.url, "nn");

const CASES = [];
for (const dtype of ["float32", "float64"]) {
  const t = short(dtype);
  CASES.push({
    id: `mlp step ${t} [64,256,256,1] b256`,
    kind: "mlp",
    dtype,
    sizes: [64, 256, 256, 1],
    batch: 256,
  });
  CASES.push({
    id: `mlp step ${t} [16,64,64,1] b64`,
    kind: "mlp",
    dtype,
    sizes: [16, 64, 64, 1],
    batch: 64,
  });
  CASES.push({ id: `adamw step ${t} 1e6 params`, kind: "adamw", dtype, n: 1e6 });
}
const cases = CASES.filter((c) => !filter || filter.test(c.id));

function short(dtype) {
  return dtype === "float32" ? "f32" : "f64";
}

// ---------------------------------------------------------------- ours
function oursCase(c) {
  const g = new Generator(1);
  if (c.kind === "mlp") {
    const model = new MLP(c.sizes, { activation: "tanh", dtype: c.dtype, generator: g });
    const x = g.normal([c.batch, c.sizes[0]], { dtype: c.dtype });
    const y = g.normal([c.batch, c.sizes.at(-1)], { dtype: c.dtype });
    const opt = new Adam(model, { lr: 1e-3 });
    const fn = () =>
      tidy(() => {
        const { grads } = gradientsOfParameters(() => mseLoss(model.forward(x), y), model);
        opt.step(grads);
      });
    return { fn, free: () => [x, y, opt, ...model.parameters().map((q) => q.value)] };
  }
  const side = Math.round(Math.sqrt(c.n));
  const p = new Parameter(g.normal([side, side], { dtype: c.dtype }));
  const grad = g.normal([side, side], { dtype: c.dtype });
  const opt = new AdamW([p], { lr: 1e-3, weightDecay: 1e-2 });
  return {
    fn: () => tidy(() => opt.step([grad])),
    free: () => [grad, opt, p.value], // parameter values change every step
  };
}

// ---------------------------------------------------------------- torch
function runTorch(threads) {
  return runPythonAnchor(path.join(here, "torch_anchor.py"), { cases, timing: TIMING, threads });
}

// ---------------------------------------------------------------- main
const t00 = performance.now();
const machine = machineInfo();
const loadBefore = loadAverage();
console.log(
  `@modewise/nn CPU bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`,
);

const ours = {};
process.stdout.write("ours ");
const tensorsBefore = memory().numTensors;
for (const c of cases) {
  const { fn, free } = oursCase(c);
  ours[c.id] = measure(fn);
  for (const t of free()) t.dispose();
  process.stdout.write(".");
}
console.log();
const leaked = memory().numTensors - tensorsBefore;

const anchors = {}; // anchor name -> { caseId: ms }
const anchorInfo = {};
const skipped = [];
if (!onlyOurs) {
  for (const [name, threads] of [
    ["torch-1t", 1],
    ["torch", null],
  ]) {
    console.log(
      `${name} (python3 bench/torch_anchor.py, ${threads ? `${threads} thread` : "default threads"}, GLIBC_TUNABLES=${GLIBC_TUNABLES}) ...`,
    );
    try {
      const r = runTorch(threads);
      anchors[name] = r.results;
      anchorInfo[name] = r.info;
    } catch (e) {
      // A machine without python3 + torch still gets our rows.
      const msg = String(e.stderr || e.message || e)
        .trim()
        .split("\n")
        .at(-1);
      skipped.push(`torch anchors (torch-1t, torch): ${msg}`);
      console.log(`skipped: torch anchors (${msg})`);
      break;
    }
  }
}

const rows = [];
for (const c of cases) {
  const entries = Object.entries(anchors).filter(([, res]) => res[c.id] !== undefined);
  if (entries.length === 0)
    rows.push({
      case: c.id,
      ours: +ours[c.id].toFixed(3),
      anchor: null,
      anchorValue: null,
      unit: "ms",
      ratio: null,
    });
  for (const [anchor, res] of entries) {
    const a = res[c.id];
    rows.push({
      case: c.id,
      ours: +ours[c.id].toFixed(3),
      anchor,
      anchorValue: +a.toFixed(3),
      unit: "ms",
      ratio: +(a / ours[c.id]).toFixed(3),
    });
  }
}

// Readable table: medians in ms, ratio = anchor / ours (> 1: we are faster).
const names = Object.keys(anchors);
const header = ["case", "ours ms", ...names.map((n) => `${n} ms (ratio)`)];
const lines = cases.map((c) => [
  c.id,
  ours[c.id].toFixed(3),
  ...names.map((n) => {
    const a = anchors[n][c.id];
    return a === undefined ? "-" : `${a.toFixed(3)} (${(a / ours[c.id]).toFixed(2)})`;
  }),
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (l) =>
  l.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join("  ");
console.log();
console.log(fmt(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const l of lines) console.log(fmt(l));
console.log();
console.log(
  "medians of repeated runs after warm-up; ratio = anchor time / our time (> 1: we are faster).",
);
console.log(
  "ours runs single-threaded; torch-1t is torch.set_num_threads(1), torch uses its default thread count.",
);
for (const [n, info] of Object.entries(anchorInfo))
  console.log(`${n}: torch ${info.torch}, ${info.threads} threads, python ${info.python}`);
for (const s of skipped) console.log(`skipped: ${s}`);
if (leaked !== 0) console.log(`warning: ${leaked} tensors still live after our cases`);
const load = { before: +loadBefore.toFixed(2), after: +loadAverage().toFixed(2) };
console.log(
  `1-min load average ${load.before} before, ${load.after} after (${machine.cores} cores): above ~1 other jobs competed.`,
);
console.log(`total ${((performance.now() - t00) / 1000).toFixed(1)} s`);

if (write) {
  const result = {
    bench: "nn",
    date: new Date().toISOString(),
    machine,
    loadAverage: load,
    timing: TIMING,
    anchors: anchorInfo,
    notes: [
      "unit ms: medians; ratio = anchorValue / ours (> 1: ours faster)",
      "mlp step: forward (Linear + tanh), MSE loss, backward, Adam step (lr 1e-3); torch: zero_grad(set_to_none), backward, torch.optim.Adam defaults",
      "adamw step: one AdamW step (lr 1e-3, weight decay 1e-2) on a 1000x1000 parameter with a fixed gradient",
      "torch-1t: torch.set_num_threads(1); torch: torch's default thread count; ours is single-threaded",
      `torch ran with GLIBC_TUNABLES=${GLIBC_TUNABLES}`,
      ...skipped.map((s) => `skipped: ${s}`),
    ],
    ours: Object.fromEntries(cases.map((c) => [c.id, { ms: +ours[c.id].toFixed(3) }])),
    rows,
  };
  writeResults(outPath, result);
}
