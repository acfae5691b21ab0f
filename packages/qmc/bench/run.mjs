/**
 * Benchmark of the @modewise/qmc point generators against scipy.stats.qmc, in one run (one core):
 *   Sobol' d = 100, 2^20 points: unscrambled (Gray order, scipy's order) and LMS+DS scrambled
 *     (scipy's scramble=True is also LMS + digital shift), vs qmc.Sobol(...).random_base2(20);
 *   Halton d = 100, 2^16 points: unscrambled vs qmc.Halton(scramble=False), and the PERM and
 *     LMS_PERM randomizations vs qmc.Halton(scramble=True) (scipy: random digit permutations);
 *   rank-1 lattice d = 100, 2^20 points with random shift (no anchor: QMCPy is not installed).
 * Ours is timed with construction included, writing into a reused `out` buffer (scipy's output
 * arrays come from glibc's retained memory under GLIBC_TUNABLES, so neither side pays fresh-page
 * faults); a second Sobol' row allocates a fresh array per call, as gen(n) without `out` does.
 * Unit: million points per second (median time); ratio = ours / anchor (> 1: we are faster).
 *
 * Run after the build: node bench/run.mjs [--only=ours] [--no-write]. Writes
 * bench/results/qmc.json.
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
import { Halton, Lattice, Sobol } from "../dist/index.js";

const { here, onlyOurs, outPath, write } = benchCli(import.meta.url, "qmc");

const CASES = [
  {
    id: "Sobol d=100 2^20 unscrambled",
    gen: "sobol",
    d: 100,
    n: 2 ** 20,
    scramble: false,
    make: () => new Sobol(100, { randomize: "none", order: "gray" }),
  },
  {
    id: "Sobol d=100 2^20 LMS_DS",
    gen: "sobol",
    d: 100,
    n: 2 ** 20,
    scramble: true,
    make: () => new Sobol(100, { randomize: "LMS_DS", order: "gray", seed: 7 }),
  },
  {
    id: "Sobol d=100 2^20 LMS_DS fresh array",
    gen: "sobol",
    d: 100,
    n: 2 ** 20,
    scramble: true,
    anchorOf: "Sobol d=100 2^20 LMS_DS",
    fresh: true,
    make: () => new Sobol(100, { randomize: "LMS_DS", order: "gray", seed: 7 }),
  },
  {
    id: "Halton d=100 2^16 unscrambled",
    gen: "halton",
    d: 100,
    n: 2 ** 16,
    scramble: false,
    make: () => new Halton(100, { randomize: "none" }),
  },
  {
    id: "Halton d=100 2^16 PERM",
    gen: "halton",
    d: 100,
    n: 2 ** 16,
    scramble: true,
    make: () => new Halton(100, { randomize: "PERM", seed: 7 }),
  },
  {
    id: "Halton d=100 2^16 LMS_PERM",
    gen: "halton",
    d: 100,
    n: 2 ** 16,
    scramble: true,
    anchorOf: "Halton d=100 2^16 PERM",
    make: () => new Halton(100, { randomize: "LMS_PERM", seed: 7 }),
  },
  {
    id: "Lattice d=100 2^20 shift",
    gen: "lattice",
    d: 100,
    n: 2 ** 20,
    make: () => new Lattice(100, { seed: 7 }),
  },
];

const machine = machineInfo();
const loadBefore = loadAverage();
const ours = {};
for (const c of CASES) {
  const out = c.fresh ? undefined : new Float64Array(c.n * c.d);
  ours[c.id] = measure(() => c.make().gen(c.n, out === undefined ? undefined : { out }));
  console.log(`ours  ${c.id}: ${ours[c.id].toFixed(1)} ms`);
}
let anchor = { info: null, results: {} };
if (!onlyOurs) {
  const anchorCases = CASES.filter((c) => c.gen !== "lattice" && c.anchorOf === undefined).map(
    ({ id, gen, d, n, scramble }) => ({ id, gen, d, n, scramble }),
  );
  anchor = runPythonAnchor(path.join(here, "scipy_qmc.py"), { cases: anchorCases, timing: TIMING });
}
const rows = CASES.map((c) => {
  const mine = c.n / ours[c.id] / 1e3; // M points/s
  const ms = anchor.results[c.anchorOf ?? c.id];
  const theirs = ms === undefined ? null : c.n / ms / 1e3;
  return {
    case: c.id,
    ours: Number(mine.toFixed(3)),
    anchor: theirs === null ? null : `scipy.stats.qmc ${anchor.info?.scipy ?? ""}`.trim(),
    anchorValue: theirs === null ? null : Number(theirs.toFixed(3)),
    unit: "Mpoints/s",
    ratio: theirs === null ? null : Number((mine / theirs).toFixed(3)),
  };
});
console.table(rows.map((r) => ({ ...r, anchor: r.anchor ?? "-" })));
const result = {
  bench: "qmc",
  date: new Date().toISOString(),
  machine: { ...machine, loadBefore, loadAfter: loadAverage(), anchorInfo: anchor.info },
  rows,
};
if (write) writeResults(outPath, result);
