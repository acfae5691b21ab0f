// Smoke test of the published @modewise/tensor-gpu, run by tools/release-check/run.mjs in an empty
// project that installed only this package (and its declared dependencies) from a local registry.
import assert from "node:assert/strict";
import * as T from "@modewise/tensor";
import * as gpu from "@modewise/tensor-gpu";

const EXPECTED_EXPORTS = [
  "useGpu",
  "registerGpuBackends",
  "gpuBackendInfo",
  "applyDawnShim",
  "GpuBackend",
  "fusedAdamStep",
  "lastExecutor",
];
const missing = EXPECTED_EXPORTS.filter((name) => !(name in gpu));
assert.deepEqual(missing, [], `@modewise/tensor-gpu is missing exports: ${missing.join(", ")}`);

// In Node without WebGPU / WebGL the automatic choice is the gpu.js webasm backend.
assert.equal(await gpu.useGpu({ backend: "wasm" }), "wasm");
assert.equal(T.getBackend(), "wasm");
const x = T.tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
const y = T.tidy(() => T.sum(T.mul(x, x), 1));
const v = await y.data();
assert.deepEqual(Array.from(v), [5, 25], "sum(x * x, 1) on wasm");
assert.equal(gpu.lastExecutor("Reduce"), "gpu.js:webasm", "ran as a gpu.js webasm kernel");
x.dispose();
y.dispose();
assert.equal(gpu.gpuBackendInfo().liveBuffers, 0, "device buffers released");
T.setBackend("cpu");

console.log(
  `@modewise/tensor-gpu: ${EXPECTED_EXPORTS.length} expected exports present, wasm op ok`,
);
