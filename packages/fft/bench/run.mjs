/**
 * Benchmark of @modewise/fft against its anchors, all in one run (one core):
 *   fft.js          f64, radix-4, powers of two only (complex `transform`, real `realTransform`)
 *   ndarray-fft     f64, radix-2 / Bluestein, split re/im ndarrays, in place (complex only)
 *   pffft-wasm      @echogarden/pffft-wasm, f32, WebAssembly SIMD build (n = 2^a 3^b 5^c, a >= 5)
 *   numpy           numpy.fft (pocketfft C++), python3 bench/numpy_fft.py, started with the
 *                   GLIBC_TUNABLES setting of the notes (tensor-core.md) so numpy's fresh output
 *                   arrays do not pay for new pages on every call
 * Cases: complex and real 1-D forward transforms at 2^8..2^20 and the primes 1009 and 65537 (f64
 * and f32), 2-D complex 256^2 and 512^2 (f64; through the public fft2 when the package exports
 * it, else a row-column loop over complexPlan: the output says which).
 *
 * Protocol, the same on every side (numpy_fft.py implements it too): calibrate k calls per
 * sample so a sample lasts >= minSampleMs, warm up for warmupMs, then samples until minReps and
 * budgetMs are both reached (or maxReps); report the MEDIAN time per call in microseconds.
 * Rows: { case, ours, anchor, anchorValue, unit: "us", ratio } with ratio = anchor time / our
 * time (> 1: we are faster). Goals from the notes are evaluated at the end.
 *
 * Run after the build (imports ../dist):  node bench/run.mjs [--only=ours] [--filter=RE]
 * [--out=PATH] [--no-write]. Writes bench/results/fft.json by default.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import {
  benchCli,
  GLIBC_TUNABLES,
  loadAverage,
  machineInfo,
  median,
  runPythonAnchor,
  writeResults,
} from "../../../tools/bench-kit/bench-kit.mjs";
import * as ours from "../dist/index.js";

const { here, onlyOurs, filter, outPath, write } = benchCli(import.meta.url, "fft");
const require = createRequire(import.meta.url);

const TIMING = { warmupMs: 150, minSampleMs: 2, minReps: 9, maxReps: 60, budgetMs: 600 };

// ---------------------------------------------------------------- cases
const POW2 = Array.from({ length: 13 }, (_, i) => 2 ** (i + 8)); // 2^8 .. 2^20
const PRIMES = [1009, 65537];
const label = (n) => (Number.isInteger(Math.log2(n)) ? `2^${Math.log2(n)}` : String(n));
const CASES = [];
for (const dtype of ["f64", "f32"]) {
  for (const kind of ["c2c", "r2c"]) {
    for (const n of [...POW2, ...PRIMES].sort((a, b) => a - b))
      CASES.push({ id: `${kind} ${dtype} ${label(n)}`, kind, dtype, n });
  }
}
for (const n of [256, 512]) {
  CASES.push({ id: `c2c f64 2-D ${n}x${n}`, kind: "c2c2d", dtype: "f64", n });
  // The same transform into a caller-owned output (numpy's row: the same fresh-output fft2,
  // which glibc serves from retained memory, so it pays no first-touch page faults either).
  CASES.push({ id: `c2c f64 2-D ${n}x${n} out`, kind: "c2c2d", dtype: "f64", n, out: true });
}
const cases = CASES.filter((c) => !filter || filter.test(c.id));

// ---------------------------------------------------------------- timing

/** Median microseconds per call of fn. */
function measure(fn) {
  // calibrate: calls per sample
  let calls = 0;
  const c0 = performance.now();
  do {
    fn();
    calls++;
  } while (performance.now() - c0 < TIMING.minSampleMs && calls < 1e6);
  const perCall = (performance.now() - c0) / calls;
  const k = Math.max(1, Math.ceil(TIMING.minSampleMs / perCall));
  const w0 = performance.now();
  while (performance.now() - w0 < TIMING.warmupMs) fn();
  const times = [];
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < k; i++) fn();
    const t1 = performance.now();
    times.push(((t1 - t0) / k) * 1000);
    if (times.length >= TIMING.maxReps) break;
    if (times.length >= TIMING.minReps && t1 - start >= TIMING.budgetMs) break;
  }
  return median(times);
}

function randomArray(Ctor, len, seed) {
  const a = new Ctor(len);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = (s >>> 0) / 4294967296 - 0.5;
  }
  return a;
}

// ---------------------------------------------------------------- ours
const has2D = typeof ours.fft2 === "function";
const ours2DVia = has2D
  ? "public fft2({ data, shape: [n, n, 2] }) (allocates its result, as numpy does)"
  : "row-column loop over complexPlan(n).execute, in place (fft2 not exported yet)";

function oursCase(c) {
  const prec = c.dtype === "f32" ? "float32" : "float64";
  const F = c.dtype === "f32" ? Float32Array : Float64Array;
  const n = c.n;
  if (c.kind === "c2c") {
    const plan = ours.complexPlan(n, prec);
    const src = randomArray(F, 2 * n, n);
    const dst = new F(2 * n);
    return () => plan.execute(src, 0, 1, dst, 0, 1, -1, 1);
  }
  if (c.kind === "r2c") {
    const plan = ours.realPlan(n, prec);
    const src = randomArray(F, n, n);
    const dst = new F(2 * (Math.floor(n / 2) + 1));
    return () => plan.forward(src, 0, 1, dst, 0, 1, 1);
  }
  // 2-D complex
  const data = randomArray(Float64Array, 2 * n * n, n);
  if (has2D) {
    const view = { data, shape: [n, n, 2] };
    if (c.out) {
      const out = { data: new Float64Array(2 * n * n), shape: [n, n, 2] };
      return () => ours.fft2(view, { out });
    }
    return () => ours.fft2(view);
  }
  const plan = ours.complexPlan(n);
  const buf = new Float64Array(2 * n * n);
  return () => {
    buf.set(data);
    for (let r = 0; r < n; r++) plan.execute(buf, r * n, 1, buf, r * n, 1, -1, 1);
    for (let col = 0; col < n; col++) plan.execute(buf, col, n, buf, col, n, -1, 1);
  };
}

// ---------------------------------------------------------------- JS / wasm anchors
function versionOf(pkg) {
  // read package.json through the file system: some packages do not export it
  const main = require.resolve(pkg);
  let dir = path.dirname(main);
  for (;;) {
    try {
      const j = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
      if (j.name === pkg) return j.version;
    } catch {}
    const up = path.dirname(dir);
    if (up === dir) return "?";
    dir = up;
  }
}

function fftjsCase(c) {
  const isPow2 = (c.n & (c.n - 1)) === 0;
  if (c.dtype !== "f64" || !isPow2 || c.kind === "c2c2d") return null;
  const FFT = require("fft.js");
  const f = new FFT(c.n);
  const out = f.createComplexArray();
  if (c.kind === "c2c") {
    const src = randomArray(Float64Array, 2 * c.n, c.n);
    return () => f.transform(out, src);
  }
  const src = randomArray(Float64Array, c.n, c.n);
  return () => f.realTransform(out, src);
}

function ndarrayFftCase(c) {
  if (c.dtype !== "f64" || c.kind === "r2c") return null;
  const ndarray = require("ndarray");
  const ndfft = require("ndarray-fft");
  const shape = c.kind === "c2c2d" ? [c.n, c.n] : [c.n];
  const size = shape.reduce((a, b) => a * b, 1);
  const re = ndarray(randomArray(Float64Array, size, c.n), shape);
  const im = ndarray(randomArray(Float64Array, size, c.n + 1), shape);
  // in place: alternate forward and inverse (same cost; the inverse scales by 1/n) so the data
  // neither grows to overflow nor needs a copy per call
  let dir = 1;
  return () => {
    ndfft(dir, re, im);
    dir = -dir;
  };
}

async function loadPffft() {
  const { default: PFFFT } = await import("@echogarden/pffft-wasm/simd");
  const m = await PFFFT();
  return m;
}

function pffftCase(m, c) {
  // pffft lengths: 2^a 3^b 5^c with a >= 5 (complex and real); no primes, f32 only
  if (c.dtype !== "f32" || c.kind === "c2c2d") return null;
  let r = c.n;
  for (const p of [2, 3, 5]) while (r % p === 0) r /= p;
  if (r !== 1 || c.n % 32 !== 0) return null;
  const complex = c.kind === "c2c";
  const setup = m._pffft_new_setup(c.n, complex ? 1 : 0);
  const floats = complex ? 2 * c.n : c.n;
  const inp = m._pffft_aligned_malloc(4 * floats);
  const out = m._pffft_aligned_malloc(4 * floats);
  const work = m._pffft_aligned_malloc(4 * floats);
  m.HEAPF32.set(randomArray(Float32Array, floats, c.n), inp >> 2);
  // ordered output (interleaved complex, like ours); data stays in the wasm heap: no copies
  const fn = () => m._pffft_transform_ordered(setup, inp, out, work, 0);
  fn.free = () => {
    m._pffft_aligned_free(inp);
    m._pffft_aligned_free(out);
    m._pffft_aligned_free(work);
    m._pffft_destroy_setup(setup);
  };
  return fn;
}

// ---------------------------------------------------------------- numpy
function runNumpy() {
  return runPythonAnchor(path.join(here, "numpy_fft.py"), {
    cases: cases.filter((c) => c.dtype === "f64"),
    timing: TIMING,
  });
}

// ---------------------------------------------------------------- main
const t00 = performance.now();
const machine = machineInfo();
const loadBefore = loadAverage();
const engine = ours.complexPlan(1024).algorithm;
const enginePrime = ours.complexPlan(1009).algorithm;
// the RealPlan contract has no `algorithm`: the class name tells the placeholder from the engine
const engineReal = ours.realPlan(1024).constructor.name;
console.log(
  `@modewise/fft bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; engine: complexPlan(1024).algorithm = ${engine}, complexPlan(1009).algorithm = ${enginePrime}, realPlan(1024) is a ${engineReal}`,
);
console.log(`2-D: ${ours2DVia}`);

const oursRes = {};
process.stdout.write("ours ");
for (const c of cases) {
  oursRes[c.id] = measure(oursCase(c));
  process.stdout.write(".");
}
console.log();

const anchors = {}; // name -> { caseId: us }
const anchorInfo = {};
const skipped = [];
if (!onlyOurs) {
  for (const [name, make, pkg] of [
    ["fft.js", fftjsCase, "fft.js"],
    ["ndarray-fft", ndarrayFftCase, "ndarray-fft"],
  ]) {
    process.stdout.write(`${name} `);
    anchors[name] = {};
    anchorInfo[name] = { version: versionOf(pkg) };
    for (const c of cases) {
      const fn = make(c);
      if (!fn) continue;
      anchors[name][c.id] = measure(fn);
      process.stdout.write(".");
    }
    console.log();
  }
  try {
    const m = await loadPffft();
    process.stdout.write("pffft-wasm ");
    anchors["pffft-wasm"] = {};
    anchorInfo["pffft-wasm"] = {
      version: versionOf("@echogarden/pffft-wasm"),
      build: "simd",
      simdSize: m._pffft_simd_size(),
    };
    for (const c of cases) {
      const fn = pffftCase(m, c);
      if (!fn) continue;
      anchors["pffft-wasm"][c.id] = measure(fn);
      fn.free();
      process.stdout.write(".");
    }
    console.log();
  } catch (e) {
    skipped.push(`pffft-wasm: ${String(e.message ?? e).split("\n")[0]}`);
  }
  console.log(`numpy (python3 bench/numpy_fft.py, GLIBC_TUNABLES=${GLIBC_TUNABLES}) ...`);
  try {
    const np = runNumpy();
    anchors.numpy = np.results;
    anchorInfo.numpy = np.info;
  } catch (e) {
    skipped.push(`numpy anchor: ${String(e.message ?? e).split("\n")[0]}`);
  }
}

const rows = [];
for (const c of cases) {
  for (const [anchor, res] of Object.entries(anchors)) {
    const a = res[c.id];
    if (a === undefined) continue;
    rows.push({
      case: c.id,
      ours: +oursRes[c.id].toFixed(3),
      anchor,
      anchorValue: +a.toFixed(3),
      unit: "us",
      ratio: +(a / oursRes[c.id]).toFixed(3),
    });
  }
}

// ---------------------------------------------------------------- goals (spectral.md)
const goals = [];
const get = (name, id) => (name === "ours" ? oursRes[id] : anchors[name]?.[id]);
const goal = (text, ok, detail) => goals.push({ goal: text, met: ok, detail });
{
  const fails = [];
  let worst = Number.POSITIVE_INFINITY;
  for (const n of POW2) {
    const id = `c2c f64 ${label(n)}`;
    const a = get("fft.js", id);
    const o = get("ours", id);
    if (a === undefined || o === undefined) continue;
    worst = Math.min(worst, a / o);
    if (a / o < 2) fails.push(`${label(n)}: ${(a / o).toFixed(2)}x`);
  }
  if (Number.isFinite(worst))
    goal(
      "f64 complex >= 2x fft.js throughput at every power of two",
      fails.length === 0,
      fails.length ? `below 2x at ${fails.join(", ")}` : `worst ${worst.toFixed(2)}x`,
    );
}
for (const kind of ["c2c", "r2c"]) {
  const fails = [];
  let worst = Number.POSITIVE_INFINITY;
  for (const n of POW2) {
    const id = `${kind} f32 ${label(n)}`;
    const a = get("pffft-wasm", id);
    const o = get("ours", id);
    if (a === undefined || o === undefined) continue;
    worst = Math.min(worst, a / o);
    if (a / o < 1) fails.push(`${label(n)}: ${(a / o).toFixed(2)}x`);
  }
  if (Number.isFinite(worst))
    goal(
      `f32 ${kind} >= pffft-wasm (SIMD) throughput`,
      fails.length === 0,
      fails.length ? `slower at ${fails.join(", ")}` : `worst ${worst.toFixed(2)}x`,
    );
}
for (const n of [256, 512]) {
  for (const suffix of ["", " out"]) {
    const id = `c2c f64 2-D ${n}x${n}${suffix}`;
    const a = get("numpy", id);
    const o = get("ours", id);
    const what = suffix ? " (into a caller-owned output)" : " (fresh result array)";
    if (a !== undefined && o !== undefined)
      goal(
        `2-D ${n}^2 <= 1.5x numpy's time${what}`,
        o <= 1.5 * a,
        `ours/numpy = ${(o / a).toFixed(2)}`,
      );
  }
}
for (const dtype of ["f64", "f32"]) {
  for (const kind of ["c2c", "r2c"]) {
    for (const [p, q] of [
      [1009, 1024],
      [65537, 65536],
    ]) {
      const o = get("ours", `${kind} ${dtype} ${p}`);
      const b = get("ours", `${kind} ${dtype} ${label(q)}`);
      if (o !== undefined && b !== undefined)
        goal(
          `${kind} ${dtype} prime ${p} within 4x of ${label(q)}`,
          o <= 4 * b,
          `${(o / b).toFixed(2)}x`,
        );
    }
  }
}

// ---------------------------------------------------------------- table
const names = Object.keys(anchors);
const fmtUs = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const header = ["case", "ours us", ...names.map((n) => `${n} us (ratio)`)];
const lines = cases.map((c) => [
  c.id,
  fmtUs(oursRes[c.id]),
  ...names.map((n) => {
    const a = anchors[n][c.id];
    return a === undefined ? "-" : `${fmtUs(a)} (${(a / oursRes[c.id]).toFixed(2)})`;
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
  "median microseconds per forward transform; ratio = anchor time / our time (> 1: we are faster).",
);
console.log(
  `engine measured: complex ${engine} (powers of two), ${enginePrime} (1009); real plans: ${engineReal}; 2-D via ${ours2DVia}.`,
);
console.log(
  "ours, fft.js: out of place into preallocated arrays; ndarray-fft: in place, alternating forward/inverse;",
);
console.log(
  "pffft-wasm: pffft_transform_ordered on data already in the wasm heap (no copies timed);",
);
console.log("numpy: np.fft.fft / rfft / fft2 on preallocated inputs, fresh outputs per call.");
if (!onlyOurs) {
  const np = anchorInfo.numpy;
  if (np)
    console.log(
      `numpy ${np.numpy} ran with GLIBC_TUNABLES=${np.GLIBC_TUNABLES} (glibc keeps freed memory: no fresh-page cost per call).`,
    );
  for (const s of skipped) console.log(`skipped: ${s}`);
}
console.log();
for (const g of goals) console.log(`${g.met ? "MET    " : "NOT MET"}  ${g.goal}: ${g.detail}`);
const load = { before: +loadBefore.toFixed(2), after: +loadAverage().toFixed(2) };
console.log(
  `1-min load average ${load.before} before, ${load.after} after (${machine.cores} cores): above ~1 other jobs competed.`,
);
console.log(`total ${((performance.now() - t00) / 1000).toFixed(1)} s`);

if (write) {
  const result = {
    bench: "fft",
    date: new Date().toISOString(),
    machine,
    loadAverage: load,
    engine: { powersOfTwo: engine, prime1009: enginePrime, realPlan: engineReal, twoD: ours2DVia },
    timing: TIMING,
    anchors: anchorInfo,
    notes: [
      "unit us: median time per forward transform; ratio = anchorValue / ours (> 1: ours faster)",
      "fft.js: powers of two only, f64; ndarray-fft: f64 complex only (in place, alternating directions)",
      "pffft-wasm: SIMD build, f32, lengths 2^a 3^b 5^c (a >= 5), transform_ordered on heap data",
      `numpy ran with GLIBC_TUNABLES=${GLIBC_TUNABLES}`,
      ...skipped.map((s) => `skipped: ${s}`),
    ],
    ours: Object.fromEntries(cases.map((c) => [c.id, +oursRes[c.id].toFixed(3)])),
    goals,
    rows,
  };
  writeResults(outPath, result);
}
