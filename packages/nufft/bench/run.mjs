/**
 * Benchmark of @modewise/nufft against FINUFFT (Flatiron Institute), in the same run:
 *   2-D type 1 and type 2, 512^2 modes, M = 1e6 uniform random points, tol 1e-6
 *   1-D type 1, N = 1e6 modes, M = 1e6;  3-D type 1, 64^3 modes, M = 1e6
 * each on 1 and 2 threads (ours: the worker pool of src/parallel via executeThreaded; FINUFFT:
 * OMP_NUM_THREADS). Throughput = M / seconds of one whole transform as FINUFFT's simple
 * interface does it (make plan, set points (bin sort), execute), in NU points per second. The
 * "exec" rows time execute alone on a plan that already has its points (plan reuse).
 * ratio = ours / FINUFFT throughput at the same thread count (> 1: we are faster).
 *
 * FINUFFT is built from source by bench/build-finufft.sh (not in CI): the driver
 * bench/finufft_driver.c is looked up at $FINUFFT_DRIVER or /tmp/finufft/build/finufft_driver;
 * without it the FINUFFT rows are skipped (anchorValue and ratio null).
 *
 * Run after the build (imports ../dist):  node bench/run.mjs [--filter=RE] [--out=PATH]
 * [--no-write] [--reps=N]. Writes bench/results/nufft.json by default.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import {
  benchCli,
  loadAverage,
  machineInfo,
  median,
  writeResults,
} from "../../../tools/bench-kit/bench-kit.mjs";
import { executeThreaded } from "../dist/parallel/execute.js";
import { disposeThreadPools } from "../dist/parallel/pool.js";
import { makePlan } from "../dist/plan.js";

const { args, filter, outPath, write } = benchCli(import.meta.url, "nufft");
/** Timed repetitions per case (median reported); each whole 1e6-point transform takes ~1 s. */
const REPS = Number(args.reps ?? 3);
const TOL = 1e-6;
const M = 1_000_000;
const THREADS = [1, 2];

const CASES = [
  { id: "2-D type 1 512^2", type: 1, dim: 2, n: 512 },
  { id: "2-D type 2 512^2", type: 2, dim: 2, n: 512 },
  { id: "1-D type 1 N=1e6", type: 1, dim: 1, n: 1_000_000 },
  { id: "3-D type 1 64^3", type: 1, dim: 3, n: 64 },
].filter((c) => !filter || filter.test(c.id));

/** FINUFFT's figures in shared/notes/spectral.md (the same machine type, idle), pts/s. */
const NOTES = {
  "2-D type 1 512^2": { 1: 1.58e7, 2: 2.77e7 },
  "2-D type 2 512^2": { 1: 1.25e7, 2: 2.33e7 },
  "1-D type 1 N=1e6": { 1: 2.9e7 },
  "3-D type 1 64^3": { 1: 7.2e6 },
};

// ---------------------------------------------------------------- data

/** Deterministic uniform [0, 1) (xorshift64*, top 53 bits). */
function rng(seed) {
  let s = BigInt(seed) | 1n;
  return () => {
    s ^= s >> 12n;
    s ^= (s << 25n) & 0xffffffffffffffffn;
    s ^= s >> 27n;
    return Number(((s * 2685821657736338717n) & 0xffffffffffffffffn) >> 11n) / 2 ** 53;
  };
}

function caseData(c) {
  const r = rng(c.dim * 7 + c.type);
  const coords = Array.from({ length: c.dim }, () =>
    Float64Array.from({ length: M }, () => Math.PI * (2 * r() - 1)),
  );
  const cells = c.n ** c.dim;
  const input = Float64Array.from({ length: 2 * (c.type === 1 ? M : cells) }, () => 2 * r() - 1);
  return { coords, input };
}

// ---------------------------------------------------------------- timing

function timeOurs(c, data, threads) {
  const nModes = Array.from({ length: c.dim }, () => c.n);
  const whole = [];
  const exec = [];
  for (let rep = 0; rep <= REPS; rep++) {
    const t0 = performance.now();
    const plan = makePlan(c.type, nModes, { eps: TOL });
    plan.setPoints(...data.coords);
    executeThreaded(plan, data.input, undefined, { threads });
    const t1 = performance.now();
    executeThreaded(plan, data.input, undefined, { threads });
    const t2 = performance.now();
    plan.dispose();
    if (rep === 0) continue; // warm-up (JIT, worker start-up)
    whole.push((t1 - t0) / 1000);
    exec.push((t2 - t1) / 1000);
  }
  return { wholeS: median(whole), execS: median(exec) };
}

const driver = process.env.FINUFFT_DRIVER ?? "/tmp/finufft/build/finufft_driver";
const haveFinufft = existsSync(driver);

function timeFinufft(c, threads) {
  if (!haveFinufft) return null;
  try {
    const out = execFileSync(driver, [c.type, c.dim, c.n, M, TOL, REPS].map(String), {
      env: { ...process.env, OMP_NUM_THREADS: String(threads) },
      encoding: "utf8",
      timeout: 300_000,
    });
    return JSON.parse(out.trim().split("\n").pop());
  } catch (e) {
    console.warn(`FINUFFT driver failed on ${c.id}: ${e.message}`);
    return null;
  }
}

// ---------------------------------------------------------------- run

const machine = machineInfo();
const loadBefore = loadAverage();
console.log(
  `@modewise/nufft bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ` +
    `M = ${M}, tol ${TOL}, ${REPS} timed reps (median); FINUFFT driver: ${haveFinufft ? driver : "missing (rows skipped; bash bench/build-finufft.sh)"}`,
);
const rows = [];
const fmt = (v) => (v === null ? "-" : v.toExponential(2));
for (const c of CASES) {
  const data = caseData(c);
  for (const threads of THREADS) {
    const ours = timeOurs(c, data, threads);
    const fin = timeFinufft(c, threads);
    for (const [what, key] of [
      ["whole", "wholeS"],
      ["exec", "execS"],
    ]) {
      const oursRate = M / ours[key];
      const anchorRate = fin ? M / fin[key] : null;
      const row = {
        case: `${c.id} ${threads}T ${what}`,
        ours: +oursRate.toPrecision(4),
        anchor: "FINUFFT",
        anchorValue: anchorRate === null ? null : +anchorRate.toPrecision(4),
        unit: "pts/s",
        ratio: anchorRate === null ? null : +(oursRate / anchorRate).toFixed(3),
      };
      rows.push(row);
      console.log(
        `${row.case.padEnd(34)} ours ${fmt(row.ours)}  FINUFFT ${fmt(row.anchorValue)}  ratio ${row.ratio ?? "-"}`,
      );
    }
  }
}
disposeThreadPools();

const load = { before: +loadBefore.toFixed(2), after: +loadAverage().toFixed(2) };
console.log(
  `1-min load average ${load.before} before, ${load.after} after (${machine.cores} cores): above ~1 other jobs competed.`,
);
const goal = rows
  .filter((r) => r.ratio !== null && r.case.endsWith("whole"))
  .map((r) => `${r.case}: ${r.ratio >= 0.5 ? "meets" : "misses"} the 0.5x goal (${r.ratio})`);
if (goal.length) console.log(goal.join("\n"));

if (write) {
  writeResults(outPath, {
    bench: "nufft",
    date: new Date().toISOString(),
    machine,
    loadAverage: load,
    settings: { M, tol: TOL, reps: REPS, threads: THREADS, points: "uniform in [-pi, pi)^d" },
    anchors: {
      FINUFFT: haveFinufft
        ? { driver, build: "bench/build-finufft.sh (FINUFFT git HEAD, FFTW 3.3.10, OpenMP)" }
        : null,
    },
    notesFinufft: NOTES,
    rows,
  });
}
