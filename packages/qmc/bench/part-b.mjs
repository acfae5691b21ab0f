/**
 * Benchmark of qmc part B (discrepancies, fast kernel Gram solves, CBC, adaptive cubature)
 * against Python anchors (bench/part_b_anchor.py):
 *   discrepancy   scipy.stats.qmc.discrepancy (C++ loops, workers=1), same uniform points
 *   gram-lattice  fastGram + solve (shift-invariant, alpha 1, d = 4, natural-order lattice) vs a
 *                 numpy port of the same O(n log n) algorithm (np.fft on the bit-reversed input)
 *   gram-dense    the same solve by numpy/scipy dense Cholesky (O(n^3)), the method fastGram replaces
 *   cbc-prime     fast CBC (Nuyens & Cools, FFT), n prime, sobolev criterion, vs a numpy port
 *   cbc-pow2      fast CBC for n = 2^m (levels of +-5^t correlations); no anchor
 *   cubature      cubQMCLatticeG / cubQMCNetG on the Keister integrand (no anchor: QMCPy is not
 *                 installed here)
 * Rows: { case, ours, anchor, anchorValue, unit: "ms", ratio = anchor / ours } (> 1: we are faster).
 * Run after the build:  node bench/part-b.mjs [--only=ours] [--no-write]
 * Writes bench/results/qmc-b.json.
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
import * as q from "../dist/index.js";

const { here, onlyOurs, outPath, write } = benchCli(import.meta.url, "qmc-b");

function uniform(n, d, seed) {
  let a = seed >>> 0;
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    x[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  return x;
}

// Acklam's inverse normal CDF (relative error < 1.2e-9): enough for a timing integrand.
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
function normalQuantile(p) {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  if (p > 1 - 0.02425) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/** Keister integrand on [0,1]^d: pi^(d/2) cos(|Phi^-1(x)| / sqrt 2). */
function keister(d) {
  return (x, n) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      for (let j = 0; j < d; j++) {
        const z = normalQuantile(Math.min(Math.max(x[i * d + j], 1e-300), 1 - 2 ** -53));
        r2 += 0.5 * z * z;
      }
      y[i] = Math.PI ** (d / 2) * Math.cos(Math.sqrt(r2));
    }
    return y;
  };
}

const cases = [
  { id: "discrepancy CD n=1024 d=5", kind: "discrepancy", n: 1024, d: 5, method: "CD" },
  { id: "discrepancy WD n=4096 d=10", kind: "discrepancy", n: 4096, d: 10, method: "WD" },
  { id: "fastGram+solve lattice n=2^16 d=4", kind: "gram-lattice", n: 65536, d: 4 },
  {
    id: "fastGram+solve lattice n=2^12 d=4 (vs dense Cholesky)",
    kind: "gram-dense",
    n: 4096,
    d: 4,
  },
  { id: "fwht-based solve net n=2^16 d=4", kind: "gram-net", n: 65536, d: 4 },
  { id: "CBC fast prime n=65537 d=20", kind: "cbc-prime", n: 65537, d: 20 },
  { id: "CBC fast power of two n=2^16 d=20", kind: "cbc-pow2", n: 65536, d: 20 },
  { id: "cubQMCLatticeG Keister d=3 absTol=1e-3", kind: "cubature-lattice" },
  { id: "cubQMCNetG Keister d=3 absTol=1e-3", kind: "cubature-net" },
];

function ourRun(c) {
  if (c.kind === "discrepancy") {
    const x = uniform(c.n, c.d, 1);
    return () => q.discrepancy(x, { method: c.method, dim: c.d, squared: true });
  }
  if (c.kind === "gram-lattice" || c.kind === "gram-dense") {
    const x = new q.Lattice(c.d, { seed: 3 }).gen(c.n);
    const k = new q.ShiftInvariantKernel(c.d, { alpha: 1 });
    const y = uniform(c.n, 1, 2).map((v) => v - 0.5);
    return () => q.fastGram(k, x, { nugget: 1e-8, checkStructure: false }).solve(y);
  }
  if (c.kind === "gram-net") {
    const x = new q.Sobol(c.d, { seed: 3 }).gen(c.n);
    const k = new q.DigitalShiftInvariantKernel(c.d, { alpha: 1 });
    const y = uniform(c.n, 1, 2).map((v) => v - 0.5);
    return () => q.fastGram(k, x, { nugget: 1e-8, checkStructure: false }).solve(y);
  }
  if (c.kind === "cbc-prime" || c.kind === "cbc-pow2") {
    const weights = Array.from({ length: c.d }, (_, j) => 1 / (j + 1) ** 2);
    return () => q.cbcLattice({ n: c.n, dim: c.d, weights, criterion: "sobolev" });
  }
  if (c.kind === "cubature-lattice") {
    const f = keister(3);
    return () => q.cubQMCLatticeG(f, 3, { points: new q.Lattice(3, { seed: 5 }), absTol: 1e-3 });
  }
  if (c.kind === "cubature-net") {
    const f = keister(3);
    return () => q.cubQMCNetG(f, 3, { points: new q.Sobol(3, { seed: 5 }), absTol: 1e-3 });
  }
  throw new Error(c.kind);
}

const ours = {};
for (const c of cases) {
  ours[c.id] = measure(ourRun(c), TIMING);
  console.log(`${c.id.padEnd(58)} ours ${ours[c.id].toFixed(3)} ms`);
}
let anchors = {};
if (!onlyOurs) {
  const spec = {
    timing: TIMING,
    cases: cases.map((c) => ({ ...c, kind: c.kind === "gram-net" ? "none" : c.kind })),
  };
  anchors = runPythonAnchor(path.join(here, "part_b_anchor.py"), spec);
}
const anchorName = {
  discrepancy: "scipy.stats.qmc.discrepancy",
  "gram-lattice": "numpy port (np.fft)",
  "gram-dense": "scipy cho_factor/cho_solve",
  "cbc-prime": "numpy port (np.fft)",
};
const rows = cases.map((c) => {
  const a = anchors[c.id];
  return {
    case: c.id,
    ours: ours[c.id],
    anchor: a === undefined ? null : anchorName[c.kind],
    anchorValue: a ?? null,
    unit: "ms",
    ratio: a === undefined ? null : a / ours[c.id],
  };
});
console.table(
  rows.map((r) => ({
    ...r,
    ours: r.ours.toFixed(3),
    anchorValue: r.anchorValue?.toFixed(3),
    ratio: r.ratio?.toFixed(2),
  })),
);
const result = {
  bench: "qmc-b",
  date: new Date().toISOString(),
  machine: { ...machineInfo(), load1: loadAverage() },
  rows,
};
if (write) writeResults(outPath, result);
