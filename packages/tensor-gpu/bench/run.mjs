/**
 * The wasm backend's linear algebra against the JavaScript alternatives, on this CPU:
 *   f32 matmul 256 / 512 / 1024 and conv2d b8 32->32 64x64 k3 p1:
 *     ours (@modewise/tensor-gpu "wasm" backend) vs tfjs-backend-wasm (XNNPACK, SIMD, 1 thread in
 *     Node) and tfjs-backend-cpu (plain JS);
 *   batched rfft2 64x64 over [20, 20] (batch 20 x 20 channels):
 *     ours vs @modewise/fft on the cpu backend (float32).
 * The wasm backend's f32 matmul / conv run the tensor core's WebAssembly SIMD kernels
 * ("@modewise/tensor/cpu-kernels", executor "wasm-gemm") on its Float32Arrays, and its FFT runs
 * @modewise/fft plans ("fft-plan"); the executor is printed per case.
 *
 * Run after building the package (it imports ../dist):
 *   node bench/run.mjs [--only=ours] [--filter=RE] [--out=PATH] [--no-write]
 * Results: bench/results/tensor-gpu-wasm.json (ratio = anchor time / our time, > 1: we are faster).
 * Timings on a shared 2-core machine are noisy (the load average is printed and recorded).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { rfft2 } from "@modewise/fft/tensor";
import { conv2d, getBackend, matmul, registerBackend, setBackend, tensor } from "@modewise/tensor";
import { GPU } from "gpu.js";
import {
  benchCli,
  loadAverage,
  machineInfo,
  measure,
  writeResults,
} from "../../../tools/bench-kit/bench-kit.mjs";
import * as gpuPackage from "../dist/index.js";
import { convKernels } from "../dist/kernels/conv.js";
import { registerFftKernels } from "../dist/kernels/fft.js";
import { linalgExecutor } from "../dist/kernels/linalg-host.js";
import { gpuJsBatchMatMul, matmulKernels } from "../dist/kernels/matmul.js";

const { here, onlyOurs, filter, outPath, write } = benchCli(import.meta.url, "tensor-gpu-wasm");

const cases = [
  ...[256, 512, 1024].map((n) => ({
    id: `matmul f32 ${n}`,
    kind: "matmul",
    n,
    flops: 2 * n ** 3,
    op: "BatchMatMul",
  })),
  {
    id: "conv2d f32 b8 32->32 64x64 k3 p1",
    kind: "conv",
    B: 8,
    C: 32,
    O: 32,
    H: 64,
    W: 64,
    k: 3,
    flops: 2 * 8 * 32 * 32 * 9 * 64 * 64,
    op: "Conv",
  },
  {
    id: "rfft2 f32 64x64 batch [20, 20]",
    kind: "rfft2",
    shape: [20, 20, 64, 64],
    op: "RFFT",
  },
].filter((c) => !filter || filter.test(c.id));

/** Deterministic f32 values in [-1, 1). */
function values(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * The package's wasm backend via useGpu when CORE's API is built; otherwise a stand-in that
 * routes LINALG's kernels exactly like the wasm backend does (said so in the output).
 */
async function startWasmBackend() {
  if (typeof gpuPackage.useGpu === "function") {
    const name = await gpuPackage.useGpu({ backend: "wasm" });
    return { name, how: "useGpu({ backend: 'wasm' })" };
  }
  const store = new Map();
  const host = {
    name: "wasm-standin",
    mode: "webasm",
    // The wasm routing never compiles gpu.js kernels for these ops: a guard, not a GPU.
    gpu: {
      createKernel() {
        throw new Error("the wasm stand-in compiles no gpu.js kernels");
      },
    },
    kernels: { ...matmulKernels, ...convKernels },
    supportsDType: (d) => d === "float32" || d === "complex64",
    write(v) {
      const id = {};
      store.set(id, Float32Array.from(v));
      return id;
    },
    read: async (id) => store.get(id).slice(),
    readSync: (id) => store.get(id).slice(),
    release: (id) => store.delete(id),
    bytes: (id) => store.get(id).byteLength,
    kernel() {
      throw new Error("the wasm stand-in compiles no gpu.js kernels");
    },
    deviceValue: (id) => store.get(id),
    adopt(result, shape, dtype) {
      const id = {};
      store.set(id, result);
      return { dataId: id, shape, dtype };
    },
  };
  registerBackend("wasm-standin", () => host);
  registerFftKernels("wasm-standin");
  setBackend("wasm-standin");
  return { name: "wasm-standin", how: "stand-in host (the package's useGpu is not built yet)" };
}

function oursCase(c, device) {
  if (c.kind === "matmul") {
    const a = tensor(values(c.n * c.n, 1), { shape: [c.n, c.n], device });
    const b = tensor(values(c.n * c.n, 2), { shape: [c.n, c.n], device });
    return { fn: () => matmul(a, b).dispose(), free: [a, b] };
  }
  if (c.kind === "conv") {
    const x = tensor(values(c.B * c.C * c.H * c.W, 3), { shape: [c.B, c.C, c.H, c.W], device });
    const w = tensor(values(c.O * c.C * c.k * c.k, 4), { shape: [c.O, c.C, c.k, c.k], device });
    return { fn: () => conv2d(x, w, { padding: 1 }).dispose(), free: [x, w] };
  }
  const n = c.shape.reduce((a, b) => a * b, 1);
  const x = tensor(values(n, 5), { shape: c.shape, device });
  return { fn: () => rfft2(x).dispose(), free: [x] };
}

async function loadTf() {
  const tf = await import("@tensorflow/tfjs-core");
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  const wasmDir = `${path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist")}${path.sep}`;
  setWasmPaths(wasmDir);
  // tfjs-backend-cpu is a devDependency of @modewise/tensor, not of this package: load it from
  // there (benchmarks are never published; the monorepo layout is fixed).
  let cpuLoaded = false;
  try {
    const tensorDir = path.resolve(here, "../../tensor/package.json");
    const fromTensor = createRequire(tensorDir);
    await import(pathToFileURL(fromTensor.resolve("@tensorflow/tfjs-backend-cpu")).href);
    cpuLoaded = true;
  } catch {
    cpuLoaded = false;
  }
  tf.enableProdMode();
  return { tf, cpuLoaded };
}

function tfCase(tf, c) {
  const t = (n, shape, seed) => tf.tensor(values(n, seed), shape, "float32");
  if (c.kind === "matmul") {
    const a = t(c.n * c.n, [c.n, c.n], 1);
    const b = t(c.n * c.n, [c.n, c.n], 2);
    return { fn: () => tf.matMul(a, b).dispose(), free: [a, b] };
  }
  // tfjs is channels-last: x [B, H, W, C], filter [k, k, C, O]; same FLOPs.
  const x = t(c.B * c.C * c.H * c.W, [c.B, c.H, c.W, c.C], 3);
  const f = t(c.O * c.C * c.k * c.k, [c.k, c.k, c.C, c.O], 4);
  return { fn: () => tf.conv2d(x, f, 1, "same").dispose(), free: [x, f] };
}

// ---------------------------------------------------------------- main
const t00 = performance.now();
const machine = machineInfo();
const loadBefore = loadAverage();
const started = await startWasmBackend();
console.log(
  `@modewise/tensor-gpu wasm bench on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; backend ${started.name} via ${started.how}`,
);

const ours = {};
const executors = {};
process.stdout.write("ours ");
for (const c of cases) {
  const { fn, free } = oursCase(c, started.name);
  if (getBackend() !== started.name) throw new Error(`active backend switched to ${getBackend()}`);
  ours[c.id] = measure(fn);
  executors[c.id] = linalgExecutor(c.op) ?? "?";
  for (const t of free) t.dispose();
  process.stdout.write(".");
}
console.log();

const anchors = {};
const skipped = [];
if (!onlyOurs) {
  const { tf, cpuLoaded } = await loadTf();
  for (const backend of ["wasm", "cpu"]) {
    if (backend === "cpu" && !cpuLoaded) {
      skipped.push("tfjs-cpu: @tensorflow/tfjs-backend-cpu not resolvable from packages/tensor");
      continue;
    }
    if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend)
      throw new Error(`tfjs backend ${backend} did not start`);
    const name = `tfjs-${backend}`;
    anchors[name] = {};
    process.stdout.write(`${name} `);
    for (const c of cases) {
      if (c.kind === "rfft2") continue; // tfjs has rfft only over the last axis, f32: not comparable
      if (backend === "cpu" && c.kind === "matmul" && c.n > 512) {
        skipped.push(`${c.id}: tfjs-cpu (~0.5 GFLOP/s here) would take ~4 s per call; not timed`);
        continue;
      }
      const { fn, free } = tfCase(tf, c);
      anchors[name][c.id] = measure(fn);
      tf.dispose(free);
      process.stdout.write(".");
    }
    console.log();
  }
  // @modewise/fft on the cpu backend, float32, same data.
  anchors["modewise-fft cpu"] = {};
  for (const c of cases) {
    if (c.kind !== "rfft2") continue;
    const { fn, free } = oursCase(c, "cpu");
    anchors["modewise-fft cpu"][c.id] = measure(fn);
    for (const t of free) t.dispose();
  }
}

// The gpu.js kernel the GL backends run, compiled for webasm (SIMD, synchronous, one thread):
// why the wasm backend routes matmul elsewhere.
if (!onlyOurs) {
  const gpu = new GPU({ mode: "webasm" });
  const cache = new Map();
  const gpuHost = {
    mode: "webasm",
    gpu,
    kernel(key, build) {
      if (!cache.has(key)) cache.set(key, build());
      return cache.get(key);
    },
    deviceValue: (id) => id.values,
    adopt: (result, shape, dtype) => ({ dataId: { values: result }, shape, dtype }),
  };
  anchors["gpu.js webasm kernel"] = {};
  for (const c of cases) {
    if (c.kind !== "matmul" || c.n > 512) continue;
    const info = (seed) => ({
      dataId: { values: values(c.n * c.n, seed) },
      shape: [c.n, c.n],
      dtype: "float32",
    });
    const [a, b] = [info(1), info(2)];
    anchors["gpu.js webasm kernel"][c.id] = measure(() =>
      gpuJsBatchMatMul(gpuHost, a, b, false, false),
    );
  }
  gpu.destroy();
}

const rows = [];
for (const c of cases)
  for (const [anchor, byCase] of Object.entries(anchors)) {
    const a = byCase[c.id];
    if (a === undefined) continue;
    rows.push({
      case: c.id,
      ours: +ours[c.id].toFixed(3),
      anchor,
      anchorValue: +a.toFixed(3),
      unit: "ms",
      ratio: +(a / ours[c.id]).toFixed(3),
      executor: executors[c.id],
    });
  }

const rate = (c, ms) => (c.flops ? ` ${((c.flops / ms) * 1e-6).toFixed(1)} GF/s` : "");
console.log();
console.log("case                                 ours (executor)                        anchor");
for (const c of cases) {
  console.log(
    `${c.id.padEnd(36)} ${`${ours[c.id].toFixed(2)} ms${rate(c, ours[c.id])} (${executors[c.id]})`.padEnd(38)} ${rows
      .filter((r) => r.case === c.id)
      .map((r) => `${r.anchor} ${r.anchorValue} ms (ratio ${r.ratio})`)
      .join("; ")}`,
  );
}
for (const s of skipped) console.log(`skipped: ${s}`);
const load = { before: +loadBefore.toFixed(2), after: +loadAverage().toFixed(2) };
console.log(
  `medians after warm-up; ratio = anchor / ours. 1-min load ${load.before} -> ${load.after} on ${machine.cores} cores (noisy when > ~1).`,
);
console.log(`total ${((performance.now() - t00) / 1000).toFixed(1)} s`);

if (write) {
  writeResults(outPath, {
    bench: "tensor-gpu-wasm",
    date: new Date().toISOString(),
    machine,
    load,
    backend: started,
    notes: [
      "wasm backend f32 matmul/conv: the tensor core's WebAssembly SIMD sgemm / convF32 (@modewise/tensor/cpu-kernels, executor wasm-gemm)",
      "wasm backend FFT: @modewise/fft plans (fft-plan executor)",
      "tfjs-wasm runs 1 thread in Node (XNNPACK, SIMD)",
    ],
    skipped,
    rows,
  });
}
