/**
 * What every package benchmark shares (packages/<name>/bench/run.mjs imports this file by
 * relative path; benchmarks are never published): the timing protocol, the machine record, the
 * Python anchor launcher and the JSON writer. bench_timing.py is the protocol's Python twin.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The default protocol, the same on every side. Warm-up: at least `warmup` runs and warmupMs of
 * work (lets the JIT finish optimizing); a case whose first run exceeds slowMs gets no further
 * warm-up and slowMinReps timed runs; otherwise runs repeat until minReps and budgetMs are both
 * reached, or maxReps.
 */
export const TIMING = {
  warmup: 2,
  warmupMs: 250,
  minReps: 9,
  maxReps: 80,
  budgetMs: 1200,
  slowMs: 300,
  slowMinReps: 3,
};

/**
 * Python anchors run with glibc keeping freed memory, so their fresh outputs pay no first-touch
 * page faults (see shared/notes/tensor-core.md): anchors are not handicapped.
 */
export const GLIBC_TUNABLES =
  "glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967295";

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/** Median milliseconds of fn under the protocol `timing`. */
export function measure(fn, timing = TIMING) {
  let t0 = performance.now();
  fn();
  const slow = performance.now() - t0 > timing.slowMs;
  const w0 = performance.now();
  for (let i = 1; !slow && (i < timing.warmup || performance.now() - w0 < timing.warmupMs); i++)
    fn();
  const minReps = slow ? timing.slowMinReps : timing.minReps;
  const times = [];
  const start = performance.now();
  for (;;) {
    t0 = performance.now();
    fn();
    const t1 = performance.now();
    times.push(t1 - t0);
    if (
      times.length >= timing.maxReps ||
      (times.length >= minReps && t1 - start >= timing.budgetMs)
    )
      break;
  }
  return median(times);
}

export function machineInfo() {
  return {
    cpu: os.cpus()[0].model,
    cores: os.cpus().length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** 1-minute load average: other jobs on a shared machine slow every side. */
export function loadAverage() {
  return os.loadavg()[0];
}

/** Run a Python anchor script: JSON spec on stdin, JSON results on stdout. */
export function runPythonAnchor(script, spec) {
  const out = execFileSync("python3", [script], {
    input: JSON.stringify(spec),
    env: { ...process.env, GLIBC_TUNABLES },
    maxBuffer: 1 << 24,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
  return JSON.parse(out);
}

/**
 * One result row of a timing comparison: times in `unit` (lower is better), ratio = anchor /
 * ours (> 1: we are faster), rounded for the JSON; `extra` fields are appended as given.
 */
export function timingRow(caseId, ours, anchor, anchorValue, unit = "ms", extra = {}) {
  return {
    case: caseId,
    ours: +ours.toFixed(3),
    anchor,
    anchorValue: +anchorValue.toFixed(3),
    unit,
    ratio: +(anchorValue / ours).toFixed(3),
    ...extra,
  };
}

/** Write the result JSON (creating its folder) and say where. */
export function writeResults(outPath, result) {
  mkdirSync(path.dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), outPath)}`);
}

/**
 * The command line every package benchmark takes, parsed once:
 *   node bench/run.mjs [--only=ours] [--filter=RE] [--out=PATH] [--no-write] [--key=value ...]
 * `here` is the bench folder of the calling script (pass import.meta.url), `outPath` defaults to
 * bench/results/<name>.json, `write` is false under --no-write; other flags stay in `args`.
 */
export function benchCli(importMetaUrl, name) {
  const here = path.dirname(fileURLToPath(importMetaUrl));
  const args = Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const [k, v] = a.replace(/^--/, "").split("=");
      return [k, v ?? true];
    }),
  );
  return {
    here,
    args,
    onlyOurs: args.only === "ours",
    filter: typeof args.filter === "string" ? new RegExp(args.filter) : null,
    outPath:
      typeof args.out === "string"
        ? path.resolve(args.out)
        : path.join(here, "results", `${name}.json`),
    write: !args["no-write"],
  };
}
