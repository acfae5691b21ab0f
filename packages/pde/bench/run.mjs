/**
 * Benchmark of @modewise/pde against numpy / scipy, in one run:
 *   ns ifrk4 step   one IF-RK4 step of NavierStokes2d (batch 20, dealiased, FNO forcing) at 64^2
 *                   and 256^2 vs the same scheme in numpy (bench/ns_numpy.py, pocketfft)
 *   darcy solve     darcy2d MG-CG (tol 1e-10, arithmetic faces, 12/4 coefficient) at 129^2 and
 *                   257^2 vs scipy.sparse.linalg.spsolve (SuperLU, assembly included)
 * Python runs with the GLIBC_TUNABLES setting of the notes (runPythonAnchor). Median ms per call
 * (tools/bench-kit protocol). Rows: { case, ours, anchor, anchorValue, unit: "ms", ratio } with
 * ratio = anchor / ours (> 1: we are faster). Goal (notes): NS step <= 1.0x numpy's time.
 *
 * Run after the build: node bench/run.mjs [--only=ours] [--out=PATH] [--no-write].
 */
import path from "node:path";
import {
  benchCli,
  loadAverage,
  machineInfo,
  measure,
  runPythonAnchor,
  TIMING,
  writeResults,
} from "../../../tools/bench-kit/bench-kit.mjs";
import { darcy2d, darcyCoefficient, gaussianRandomField2d, NavierStokes2d } from "../dist/index.js";

const { here, args, outPath, write } = benchCli(import.meta.url, "pde");

const cases = [
  { id: "ns ifrk4 step 64^2 x20", kind: "ns", s: 64, batch: 20 },
  { id: "ns ifrk4 step 256^2 x20", kind: "ns", s: 256, batch: 20 },
  { id: "darcy solve 129^2", kind: "darcy", s: 129 },
  { id: "darcy solve 257^2", kind: "darcy", s: 257 },
];

function oursFn(c) {
  if (c.kind === "ns") {
    const ns = new NavierStokes2d({ s: c.s, nu: 1e-3, batch: c.batch, dt: 1e-3 });
    ns.setVorticity(gaussianRandomField2d({ s: c.s, batch: c.batch, seed: 0 }));
    return () => ns.step();
  }
  const a = darcyCoefficient({ s: c.s, seed: 0 });
  c.a = Array.from(a);
  return () => darcy2d({ a, tol: 1e-10 });
}

const rows = [];
const ours = {};
for (const c of cases) {
  ours[c.id] = measure(oursFn(c), TIMING);
  console.log(`${c.id}: ours ${ours[c.id].toFixed(2)} ms`);
}
let anchors = {};
if (args.only !== "ours") {
  anchors = runPythonAnchor(path.join(here, "ns_numpy.py"), { timing: TIMING, cases });
}
for (const c of cases) {
  const anchorValue = anchors[c.id];
  const anchor = c.kind === "ns" ? "numpy IF-RK4 (pocketfft)" : "scipy spsolve (SuperLU)";
  rows.push({
    case: c.id,
    ours: ours[c.id],
    anchor,
    anchorValue: anchorValue ?? null,
    unit: "ms",
    ratio: anchorValue ? anchorValue / ours[c.id] : null,
  });
}
console.table(
  rows.map((r) => ({
    case: r.case,
    "ours ms": r.ours.toFixed(2),
    anchor: r.anchor,
    "anchor ms": r.anchorValue?.toFixed(2) ?? "-",
    ratio: r.ratio?.toFixed(2) ?? "-",
  })),
);
const result = {
  bench: "pde",
  date: new Date().toISOString(),
  machine: { ...machineInfo(), loadAverage: loadAverage() },
  rows,
};
if (write) writeResults(outPath, result);
