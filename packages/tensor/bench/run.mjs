/**
 * CPU benchmark of @modewise/tensor against its anchors, all in one run:
 *   tfjs-cpu  (@tensorflow/tfjs-core + @tensorflow/tfjs-backend-cpu, plain JS, f32 only)
 *   tfjs-wasm (@tensorflow/tfjs-backend-wasm, XNNPACK, SIMD, 1 thread in Node, f32 only)
 *   numpy     (python3 bench/numpy_anchor.py, OpenBLAS, its default threads)
 * Every measurement: warm-up, then repeats until a minimum count and a time budget are both
 * reached; the MEDIAN is reported (ms), GFLOP/s derived from it for matmul and conv.
 * Rows: { case, ours, anchor, anchorValue, unit, ratio } with ratio > 1 meaning we are faster
 * (anchor ms / ours ms), plus oursGflops / anchorGflops where a FLOP count is defined.
 *
 * Run after `pnpm build` (it imports ../dist):  node bench/run.mjs [--only=ours] [--filter=RE]
 * [--kernel=js] [--threads=N] [--out=PATH] [--no-write]. Our float32 matmul and convolutions
 * run on the sgemm thread pool (min(2, cores) threads unless --threads / MODEWISE_THREADS);
 * each row records `oursThreads`. Writes bench/results/tensor-cpu.json by default.
 */
import { createRequire } from "node:module";
import path from "node:path";
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
import { gemmKernel, setGemmKernel } from "../dist/backend/cpu/gemm.js";
import { setNumThreads, threadsReady } from "../dist/cpu-kernels.js";
import { add, conv2d, Generator, matmul, mul, tanh } from "../dist/index.js";
import { resolveConvAttrs } from "../dist/ops/conv.js";
import { run as runKernel } from "../dist/ops/op.js";

const { here, args, onlyOurs, filter, outPath, write } = benchCli(import.meta.url, "tensor-cpu");
// --kernel=js times our plain-JS gemm kernel instead of the WebAssembly SIMD one.
if (args.kernel && !setGemmKernel(args.kernel))
  throw new Error(`gemm kernel ${args.kernel} is not available`);

// --threads=N sets the float32 gemm / conv thread count (default min(2, cores)).
if (args.threads) setNumThreads(Number(args.threads));
const oursThreads = await threadsReady();
/** Threads a case of ours runs on: float32 products and convolutions use the sgemm pool. */
const threadsOf = (c) =>
  c.dtype === "float32" && (c.kind === "matmul" || c.kind.startsWith("conv")) ? oursThreads : 1;

const conv = { B: 8, C: 32, O: 32, H: 64, W: 64, k: 3, pad: 1 };
const convFlops = 2 * conv.B * conv.O * conv.C * conv.k * conv.k * conv.H * conv.W;
const CASES = [];
for (const dtype of ["float32", "float64"]) {
  for (const n of [256, 512, 1024])
    CASES.push({ id: `matmul ${short(dtype)} ${n}`, kind: "matmul", dtype, n, flops: 2 * n ** 3 });
}
for (const dtype of ["float32", "float64"]) {
  CASES.push({ id: `a*b+c ${short(dtype)} 1e6`, kind: "fma", dtype, n: 1e6, flops: null });
  CASES.push({ id: `tanh ${short(dtype)} 1e6`, kind: "tanh", dtype, n: 1e6, flops: null });
}
const convTag = `b${conv.B} ${conv.C}->${conv.O} ${conv.H}x${conv.W} k${conv.k} p${conv.pad}`;
for (const kind of ["conv", "convDx", "convDw"]) {
  const name = { conv: "conv2d", convDx: "conv2d dX", convDw: "conv2d dW" }[kind];
  CASES.push({ id: `${name} f32 ${convTag}`, kind, dtype: "float32", ...conv, flops: convFlops });
}
const cases = CASES.filter((c) => !filter || filter.test(c.id));

function short(dtype) {
  return dtype === "float32" ? "f32" : "f64";
}

// ---------------------------------------------------------------- ours
function oursCase(c) {
  const g = new Generator(1);
  const normal = (shape) => g.normal(shape, { dtype: c.dtype });
  if (c.kind === "matmul") {
    const a = normal([c.n, c.n]);
    const b = normal([c.n, c.n]);
    return { fn: () => matmul(a, b).dispose(), free: [a, b] };
  }
  if (c.kind === "fma") {
    const [a, b, d] = [normal([c.n]), normal([c.n]), normal([c.n])];
    return {
      fn: () => {
        const t = mul(a, b);
        add(t, d).dispose();
        t.dispose();
      },
      free: [a, b, d],
    };
  }
  if (c.kind === "tanh") {
    const x = normal([c.n]);
    return { fn: () => tanh(x).dispose(), free: [x] };
  }
  const x = normal([c.B, c.C, c.H, c.W]);
  const w = normal([c.O, c.C, c.k, c.k]);
  const dy = normal([c.B, c.O, c.H, c.W]);
  const opts = { padding: c.pad };
  const attrs = resolveConvAttrs(x.shape, w.shape, opts, "bench");
  const free = [x, w, dy];
  if (c.kind === "conv") return { fn: () => conv2d(x, w, opts).dispose(), free };
  if (c.kind === "convDx") {
    return {
      fn: () =>
        runKernel(
          "ConvBackpropInput",
          [dy, w],
          { ...attrs, inputShape: x.shape },
          "bench",
        ).dispose(),
      free,
    };
  }
  return {
    fn: () =>
      runKernel(
        "ConvBackpropFilter",
        [x, dy],
        { ...attrs, filterShape: w.shape },
        "bench",
      ).dispose(),
    free,
  };
}

// ---------------------------------------------------------------- tfjs
async function loadTf() {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  // In Node the wasm backend cannot fetch its .wasm files: point it at the package's dist
  // folder (emscripten reads them from disk with fs).
  const wasmDir =
    path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") +
    path.sep;
  setWasmPaths(wasmDir);
  tf.enableProdMode();
  return { tf, wasmDir };
}

function tfCase(tf, c) {
  const normal = (shape) => tf.randomNormal(shape, 0, 1, "float32", 1);
  if (c.kind === "matmul") {
    const a = normal([c.n, c.n]);
    const b = normal([c.n, c.n]);
    return { fn: () => tf.matMul(a, b).dispose(), free: [a, b] };
  }
  if (c.kind === "fma") {
    const [a, b, d] = [normal([c.n]), normal([c.n]), normal([c.n])];
    return { fn: () => tf.tidy(() => tf.add(tf.mul(a, b), d)).dispose(), free: [a, b, d] };
  }
  if (c.kind === "tanh") {
    const x = normal([c.n]);
    return { fn: () => tf.tanh(x).dispose(), free: [x] };
  }
  // tfjs is channels-last: x [B, H, W, C], filter [k, k, C, O]; same FLOPs.
  const x = normal([c.B, c.H, c.W, c.C]);
  const f = normal([c.k, c.k, c.C, c.O]);
  const dy = normal([c.B, c.H, c.W, c.O]);
  const free = [x, f, dy];
  if (c.kind === "conv") return { fn: () => tf.conv2d(x, f, 1, c.pad).dispose(), free };
  if (c.kind === "convDx")
    return { fn: () => tf.conv2dTranspose(dy, f, [c.B, c.H, c.W, c.C], 1, c.pad).dispose(), free };
  const attrs = {
    strides: 1,
    pad: c.pad,
    dataFormat: "NHWC",
    dimRoundingMode: undefined,
    filterShape: [c.k, c.k, c.C, c.O],
  };
  return {
    fn: () => tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs).dispose(),
    free,
  };
}

const tfKernel = {
  matmul: "BatchMatMul",
  fma: "Multiply",
  tanh: "Tanh",
  conv: "Conv2D",
  convDx: "Conv2DBackpropInput",
  convDw: "Conv2DBackpropFilter",
};

async function runTf(tf, backend, results, skipped) {
  const ok = await tf.setBackend(backend);
  if (!ok || tf.getBackend() !== backend)
    throw new Error(`tfjs backend ${backend} did not start (got ${tf.getBackend()})`);
  const info = { backend: tf.getBackend() };
  if (backend === "wasm") {
    info.simd = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
    info.threads = tf.env().getBool("WASM_HAS_MULTITHREAD_SUPPORT");
  }
  for (const c of cases) {
    if (c.dtype !== "float32") continue; // tfjs has no float64
    if (!tf.getKernel(tfKernel[c.kind], backend)) {
      skipped.push(`${c.id}: tfjs-${backend} has no ${tfKernel[c.kind]} kernel`);
      continue;
    }
    if (backend === "cpu" && c.kind === "convDw") {
      // tfjs-cpu's Conv2DBackpropFilter is a naive 7-deep loop: ~50 s per call at this size
      // (measured once, 53x slower than ours then), which alone would triple the bench time.
      skipped.push(`${c.id}: tfjs-cpu Conv2DBackpropFilter takes ~50 s per call here; not timed`);
      continue;
    }
    const { fn, free } = tfCase(tf, c);
    if (tf.getBackend() !== backend) throw new Error(`tfjs switched backend to ${tf.getBackend()}`);
    results[c.id] = measure(fn);
    tf.dispose(free);
    process.stdout.write(".");
  }
  return info;
}

// ---------------------------------------------------------------- numpy
function runNumpy() {
  return runPythonAnchor(path.join(here, "numpy_anchor.py"), { cases, timing: TIMING });
}

// ---------------------------------------------------------------- main
const t00 = performance.now();
const machine = machineInfo();
const loadBefore = loadAverage();
console.log(
  `@modewise/tensor CPU bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; our f64 gemm kernel: ${gemmKernel()}; our f32 gemm / conv threads: ${oursThreads}`,
);

const ours = {};
process.stdout.write("ours ");
for (const c of cases) {
  const { fn, free } = oursCase(c);
  ours[c.id] = measure(fn);
  for (const t of free) t.dispose();
  process.stdout.write(".");
}
console.log();

const anchors = {}; // anchor name -> { caseId: ms }
const anchorInfo = {};
const skipped = [];
if (!onlyOurs) {
  const { tf, wasmDir } = await loadTf();
  for (const backend of ["cpu", "wasm"]) {
    process.stdout.write(`tfjs-${backend} `);
    anchors[`tfjs-${backend}`] = {};
    anchorInfo[`tfjs-${backend}`] = {
      version: tf.version_core,
      ...(await runTf(tf, backend, anchors[`tfjs-${backend}`], skipped)),
    };
    if (backend === "wasm")
      anchorInfo["tfjs-wasm"].wasmPaths = path.relative(path.dirname(here), wasmDir);
    console.log();
  }
  console.log(`numpy (python3 bench/numpy_anchor.py, GLIBC_TUNABLES=${GLIBC_TUNABLES}) ...`);
  try {
    const np = runNumpy();
    anchors.numpy = np.results;
    anchorInfo.numpy = np.info;
  } catch (e) {
    // A machine without python3 + numpy still gets the tfjs comparison.
    skipped.push(`numpy anchor: ${String(e.message ?? e).split("\n")[0]}`);
  }
}

const gflops = (c, ms) => (c.flops && ms ? +(c.flops / ms / 1e6).toFixed(2) : null);
const rows = [];
for (const c of cases) {
  for (const [anchor, res] of Object.entries(anchors)) {
    const a = res[c.id];
    if (a === undefined) continue;
    const row = {
      case: c.id,
      ours: +ours[c.id].toFixed(3),
      anchor,
      anchorValue: +a.toFixed(3),
      unit: "ms",
      ratio: +(a / ours[c.id]).toFixed(3),
      oursThreads: threadsOf(c),
    };
    if (c.flops)
      Object.assign(row, { oursGflops: gflops(c, ours[c.id]), anchorGflops: gflops(c, a) });
    rows.push(row);
  }
}

// Readable table: medians in ms, GFLOP/s in brackets, ratio = anchor / ours (> 1: we are faster).
const names = Object.keys(anchors);
const cell = (c, ms) =>
  ms === undefined ? "-" : `${ms.toFixed(2)}${c.flops ? ` [${gflops(c, ms).toFixed(1)}]` : ""}`;
const header = ["case", "ours ms [GF/s]", ...names.map((n) => `${n} ms [GF/s] (ratio)`)];
const lines = cases.map((c) => [
  c.id,
  cell(c, ours[c.id]),
  ...names.map((n) => {
    const a = anchors[n][c.id];
    return a === undefined ? "-" : `${cell(c, a)} (${(a / ours[c.id]).toFixed(2)})`;
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
  `ours: float32 matmul / conv on ${oursThreads} thread(s) (WebAssembly SIMD sgemm), the rest single-threaded; tfjs-wasm and tfjs-cpu single-threaded (Node); numpy/OpenBLAS its default thread count (see numpy info).`,
);
if (!onlyOurs) {
  const np = anchorInfo.numpy;
  if (np) {
    console.log(
      `numpy ran with GLIBC_TUNABLES=${GLIBC_TUNABLES} (glibc keeps freed memory: no fresh-page cost per call).`,
    );
    console.log(
      `numpy ${np.numpy}: OPENBLAS_CORETYPE=${np.OPENBLAS_CORETYPE ?? "(unset)"}, threadpoolctl=${np.threadpoolctl ? "see JSON" : "not installed"}` +
        (np.openblas_corename
          ? `, OpenBLAS core ${np.openblas_corename}, ${np.openblas_num_threads} threads`
          : ""),
    );
  }
  console.log(
    `tfjs-wasm: backend ${anchorInfo["tfjs-wasm"].backend}, SIMD ${anchorInfo["tfjs-wasm"].simd}, threads ${anchorInfo["tfjs-wasm"].threads}`,
  );
  for (const s of skipped) console.log(`skipped: ${s}`);
  console.log("float64 cases have no tfjs rows: tfjs has no float64 dtype.");
}
const load = { before: +loadBefore.toFixed(2), after: +loadAverage().toFixed(2) };
console.log(
  `1-min load average ${load.before} before, ${load.after} after (${machine.cores} cores): above ~1 other jobs competed.`,
);
console.log(`total ${((performance.now() - t00) / 1000).toFixed(1)} s`);

if (write) {
  const result = {
    bench: "tensor-cpu",
    date: new Date().toISOString(),
    machine,
    loadAverage: load,
    oursGemmKernel: gemmKernel(),
    oursThreads,
    timing: TIMING,
    anchors: anchorInfo,
    notes: [
      "unit ms: medians; ratio = anchorValue / ours (> 1: ours faster); GFLOP/s derived from the medians",
      "tfjs has no float64: float64 cases are compared with numpy only",
      `numpy ran with GLIBC_TUNABLES=${GLIBC_TUNABLES}`,
      ...skipped.map((s) => `skipped: ${s}`),
    ],
    ours: Object.fromEntries(
      cases.map((c) => [c.id, { ms: +ours[c.id].toFixed(3), gflops: gflops(c, ours[c.id]) }]),
    ),
    rows,
  };
  writeResults(outPath, result);
}
