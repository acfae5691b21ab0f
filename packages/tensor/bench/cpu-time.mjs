/**
 * CPU-time comparison of our float32 matmul / conv2d with tfjs-wasm (XNNPACK, 1 thread), for a
 * machine shared with other jobs, where wall-clock medians (bench/run.mjs) mostly measure the
 * scheduler: process.cpuUsage() counts the CPU time of this process (all its threads), which
 * other processes do not inflate much. With --threads=1 (default) it compares single-thread
 * efficiency; with 2 threads ours counts both threads' time, so a ratio near the 1-thread one
 * means the split costs little. Medians over repeats after 3 warm-up calls.
 *
 *   node bench/cpu-time.mjs [--threads=N]     (after the package is built; prints a table)
 */
import { createRequire } from "node:module";
import path from "node:path";
import { setNumThreads, threadsReady } from "../dist/cpu-kernels.js";
import { conv2d, Generator, matmul } from "../dist/index.js";

const arg = process.argv.find((a) => a.startsWith("--threads="));
setNumThreads(arg ? Number(arg.split("=")[1]) : 1);
const threads = await threadsReady();

const require = createRequire(import.meta.url);
const tf = await import("@tensorflow/tfjs-core");
const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
setWasmPaths(
  path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") +
    path.sep,
);
await tf.setBackend("wasm");
tf.enableProdMode();

/** Median [cpu ms, wall ms] of `reps` calls, ordered by CPU time. */
function cpuTime(fn, reps) {
  for (let i = 0; i < 3; i++) fn();
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const u = process.cpuUsage();
    const t = performance.now();
    fn();
    const d = process.cpuUsage(u);
    runs.push([(d.user + d.system) / 1000, performance.now() - t]);
  }
  runs.sort((a, b) => a[0] - b[0]);
  return runs[runs.length >> 1];
}

const g = new Generator(1);
const rows = [];
for (const n of [256, 512, 1024]) {
  const a = g.normal([n, n], { dtype: "float32" });
  const b = g.normal([n, n], { dtype: "float32" });
  const ta = tf.randomNormal([n, n]);
  const tb = tf.randomNormal([n, n]);
  const reps = n === 1024 ? 7 : 15;
  rows.push([
    `matmul f32 ${n}`,
    cpuTime(() => matmul(a, b).dispose(), reps),
    cpuTime(() => tf.matMul(ta, tb).dispose(), reps),
  ]);
  for (const t of [a, b]) t.dispose();
  tf.dispose([ta, tb]);
}
{
  const x = g.normal([8, 32, 64, 64], { dtype: "float32" });
  const w = g.normal([32, 32, 3, 3], { dtype: "float32" });
  const tx = tf.randomNormal([8, 64, 64, 32]);
  const tw = tf.randomNormal([3, 3, 32, 32]);
  rows.push([
    "conv2d f32 b8 32->32 64x64 k3 p1",
    cpuTime(() => conv2d(x, w, { padding: 1 }).dispose(), 7),
    cpuTime(() => tf.conv2d(tx, tw, 1, 1).dispose(), 7),
  ]);
}
console.log(`CPU time per call (ms, median), ours on ${threads} thread(s), tfjs-wasm on 1`);
console.log("case | ours cpu (wall) | tfjs-wasm cpu (wall) | cpu ratio tfjs/ours");
for (const [name, o, t] of rows)
  console.log(
    `${name} | ${o[0].toFixed(2)} (${o[1].toFixed(2)}) | ${t[0].toFixed(2)} (${t[1].toFixed(2)}) | ${(t[0] / o[0]).toFixed(2)}`,
  );
