/**
 * Benchmark of @modewise/wht (one core, one run):
 *   dense   fwht(x, { norm: "ortho" }) in place, N = 2^10, 2^16, 2^20, f64 and f32, against a
 *           numpy in-place iterative FWHT (one vectorized butterfly per stage, bench/numpy_wht.py,
 *           started through runPythonAnchor with the GLIBC_TUNABLES of the notes);
 *   sparse  sparseWHT at N = 2^20, K = 64 (peeling decoder, oracle = reads of a precomputed
 *           signal), time and samples against our dense FWHT of the whole signal.
 * Protocol: tools/bench-kit measure() (median ms), the same in bench_timing.py. Rows:
 * { case, ours, anchor, anchorValue, unit, ratio }, ratio = anchor / ours (> 1: we are better).
 * Reference point from the notes: FFHT (AVX, C) does N = 2^20 in 0.7 ms f32 / 1.4 ms f64 on one
 * core; it is not run here (no FFHT install), its figures are printed for comparison only.
 *
 * Run after the build (imports ../dist):  node bench/run.mjs [--only=ours] [--no-write]
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
import { fwht, ifwht, sparseWHT } from "../dist/index.js";

const { here, onlyOurs, outPath, write } = benchCli(import.meta.url, "wht");

const DENSE = [];
for (const dtype of ["f64", "f32"])
  for (const log2n of [10, 16, 20])
    DENSE.push({ id: `fwht ${dtype} 2^${log2n}`, n: 2 ** log2n, dtype });

function randomArray(n, dtype, seed) {
  const x = dtype === "f64" ? new Float64Array(n) : new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

const rows = [];
const anchor = onlyOurs
  ? { info: {}, results: {} }
  : runPythonAnchor(path.join(here, "numpy_wht.py"), { cases: DENSE, timing: TIMING });

for (const c of DENSE) {
  const x = randomArray(c.n, c.dtype, 7);
  const ms = measure(() => fwht(x, { norm: "ortho" }));
  const ref = anchor.results[c.id];
  rows.push({
    case: c.id,
    ours: ms,
    anchor: "numpy vectorized in-place FWHT",
    anchorValue: ref ?? null,
    unit: "ms",
    ratio: ref === undefined ? null : ref / ms,
  });
}

// Sparse: K = 64 at N = 2^20, values +-[1, 2] on a random support.
{
  const n = 20;
  const N = 2 ** n;
  const K = 64;
  const X = new Float64Array(N);
  let s = 99;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  let placed = 0;
  while (placed < K) {
    const k = Math.floor(rnd() * N);
    if (X[k] !== 0) continue;
    X[k] = (rnd() < 0.5 ? -1 : 1) * (1 + rnd());
    placed++;
  }
  const x = ifwht(X.slice());
  const oracle = (j) => x[j];
  let last;
  const sparseMs = measure(() => {
    last = sparseWHT(oracle, { n, sparsity: K, seed: 1 });
  });
  if (!last.success || last.indices.length !== K) throw new Error("sparse bench: decode failed");
  const work = x.slice();
  const denseMs = measure(() => fwht(work, { norm: "ortho" }));
  rows.push({
    case: `sparseWHT K=64 2^20 time`,
    ours: sparseMs,
    anchor: "our dense fwht f64 2^20",
    anchorValue: denseMs,
    unit: "ms",
    ratio: denseMs / sparseMs,
  });
  rows.push({
    case: `sparseWHT K=64 2^20 samples`,
    ours: last.samples,
    anchor: "dense: all N samples",
    anchorValue: N,
    unit: "samples",
    ratio: N / last.samples,
  });
}

const fmt = (v) => (v === null || v === undefined ? "-" : v < 10 ? v.toFixed(3) : v.toFixed(1));
console.log(`machine load (1 min): ${loadAverage().toFixed(2)}`);
console.log("case                              ours        anchor      unit     ratio");
for (const r of rows)
  console.log(
    `${r.case.padEnd(32)}  ${fmt(r.ours).padStart(10)}  ${fmt(r.anchorValue).padStart(10)}  ${r.unit.padEnd(7)}  ${r.ratio === null ? "-" : r.ratio.toFixed(2)}`,
  );
console.log("FFHT (notes, AVX, one core) at 2^20: 0.7 ms f32 / 1.4 ms f64");

if (write)
  writeResults(outPath, {
    bench: "wht",
    date: new Date().toISOString(),
    machine: { ...machineInfo(), load1: loadAverage(), numpy: anchor.info },
    rows,
  });
