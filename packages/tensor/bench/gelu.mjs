/**
 * float32 GELU forward and backward on 4M elements (the FNO-2D training step's activations are
 * ~4.7M floats): ours on the WebAssembly SIMD kernel (src/backend/cpu/simd-gelu-module.ts),
 * on one thread and on two (large arrays run as map jobs on the gemm threads), against
 *   scalar    our previous path: the float64 scalar GELU per element (setGeluSimd(false)),
 *   tfjs-wasm (@tensorflow/tfjs-backend-wasm, 1 thread in Node): x/2 (1 + erf(x / sqrt 2)) from
 *             its Erf kernel (tfjs has no GELU op), the backward dy (Phi(x) + x phi(x)) likewise.
 * Reports the median ms and ns per element; ratio = anchor / ours (> 1: we are faster).
 *
 * Run after `pnpm build`:  node bench/gelu.mjs [--only=ours] [--filter=RE] [--no-write]
 * Writes bench/results/gelu-f32.json.
 */
import { createRequire } from "node:module";
import path from "node:path";
import {
  cpuKernelInfo,
  getNumThreads,
  setGeluSimd,
  setNumThreads,
  threadsReady,
} from "@modewise/tensor/cpu-kernels";
import {
  benchCli,
  loadAverage,
  machineInfo,
  measure,
  timingRow,
  writeResults,
} from "../../../tools/bench-kit/bench-kit.mjs";
import { Generator, gelu } from "../dist/index.js";
import { run as runKernel } from "../dist/ops/op.js";

const { args, onlyOurs, filter, outPath, write } = benchCli(import.meta.url, "gelu-f32");
const N = Number(args.n ?? 4 * 1024 * 1024);
// Ours on 1 and on 2 threads (the float32 kernels run on the gemm threads for large arrays,
// map jobs); the anchors run on one thread (tfjs-wasm in Node has no threads).
const CASES = [1, 2]
  .flatMap((threads) => [
    { id: `gelu fwd f32 ${N} ${threads}t`, kind: "fwd", threads },
    { id: `gelu bwd f32 ${N} ${threads}t`, kind: "bwd", threads },
  ])
  .filter((c) => !filter || filter.test(c.id));

function oursCase(c) {
  const g = new Generator(1);
  const x = g.normal([N], { dtype: "float32" });
  const dy = g.normal([N], { dtype: "float32" });
  const fn =
    c.kind === "fwd"
      ? () => gelu(x).dispose()
      : () => runKernel("UnaryDerivative", [x, dy], { op: "gelu" }, "bench").dispose();
  return { fn, free: [x, dy] };
}

async function timeOurs(simd) {
  const previous = setGeluSimd(simd);
  const out = {};
  const threadsBefore = getNumThreads();
  for (const c of CASES) {
    // the scalar anchor is single-threaded whatever the setting
    setNumThreads(c.threads);
    if ((await threadsReady()) !== c.threads) throw new Error(`${c.threads} threads did not start`);
    const { fn, free } = oursCase(c);
    out[c.id] = measure(fn);
    const path = cpuKernelInfo().lastGeluPath;
    if (path !== (simd ? "simd" : "scalar")) throw new Error(`${c.id} ran on the ${path} path`);
    for (const t of free) t.dispose();
    process.stdout.write(".");
  }
  setGeluSimd(previous);
  setNumThreads(threadsBefore);
  return out;
}

async function timeTfWasm() {
  const tf = await import("@tensorflow/tfjs-core");
  const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  setWasmPaths(
    path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") +
      path.sep,
  );
  tf.enableProdMode();
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs-wasm did not start");
  const geluTf = (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
  // dy (Phi(x) + x phi(x)) written out: the kernels tf.grad would run (its gradient registry
  // is not part of the Node bundle).
  const geluGrad = (x, dy) =>
    tf.mul(
      dy,
      tf.add(
        tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))),
        tf.mul(x, tf.mul(1 / Math.sqrt(2 * Math.PI), tf.exp(tf.mul(-0.5, tf.square(x))))),
      ),
    );
  const x = tf.randomNormal([N], 0, 1, "float32", 1);
  const dy = tf.randomNormal([N], 0, 1, "float32", 2);
  const out = {};
  for (const c of CASES) {
    if (c.threads !== 1) {
      out[c.id] = out[c.id.replace(/ \d+t$/, " 1t")];
      continue;
    }
    out[c.id] =
      c.kind === "fwd"
        ? measure(() => tf.tidy(() => geluTf(x)).dispose())
        : measure(() => tf.tidy(() => geluGrad(x, dy)).dispose());
    process.stdout.write(".");
  }
  tf.dispose([x, dy]);
  return {
    out,
    info: { version: tf.version_core, simd: tf.env().getBool("WASM_HAS_SIMD_SUPPORT") },
  };
}

const machine = machineInfo();
const loadBefore = loadAverage();
console.log(
  `@modewise/tensor GELU f32 bench, ${N} elements, on ${machine.cpu} (${machine.cores} cores)`,
);
process.stdout.write("ours ");
const ours = await timeOurs(true);
const anchors = {};
const anchorInfo = {};
if (!onlyOurs) {
  process.stdout.write(" scalar ");
  anchors.scalar = await timeOurs(false);
  process.stdout.write(" tfjs-wasm ");
  const tf = await timeTfWasm();
  anchors["tfjs-wasm"] = tf.out;
  anchorInfo["tfjs-wasm"] = tf.info;
}
console.log();

const ns = (ms) => (ms * 1e6) / N;
const rows = [];
console.log(
  ["case".padEnd(24), "ours ns/el", ...Object.keys(anchors).map((a) => `${a} ns/el (ratio)`)].join(
    "  ",
  ),
);
for (const c of CASES) {
  const cells = [c.id.padEnd(24), ns(ours[c.id]).toFixed(2).padStart(10)];
  for (const [anchor, res] of Object.entries(anchors)) {
    const a = res[c.id];
    rows.push(
      timingRow(c.id, ours[c.id], anchor, a, "ms", {
        oursNsPerElement: +ns(ours[c.id]).toFixed(3),
        anchorNsPerElement: +ns(a).toFixed(3),
      }),
    );
    cells.push(`${ns(a).toFixed(2)} (${(a / ours[c.id]).toFixed(2)})`.padStart(20));
  }
  console.log(cells.join("  "));
}
console.log(
  "medians after warm-up; ours on 1 and 2 threads (1t, 2t), the anchors on one; ratio = anchor time / our time (> 1: we are faster)",
);
const loadAfter = loadAverage();
if (Math.max(loadBefore, loadAfter) > 1)
  console.log(
    `note: load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}: timings are noisy`,
  );
if (write && !onlyOurs)
  writeResults(outPath, {
    bench: "gelu-f32",
    date: new Date().toISOString(),
    machine: { ...machine, loadBefore, loadAfter },
    anchors: anchorInfo,
    rows,
  });
