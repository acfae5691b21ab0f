// Quick start: run @modewise/tensor ops on a gpu.js backend. In Node this picks `wasm` (gpu.js
// webasm kernels); in a browser the same code picks webgpu or webgl2.
import { add, exp, matmul, memory, sum, tensor, tidy } from "@modewise/tensor";
import { gpuBackendInfo, useGpu } from "@modewise/tensor-gpu";

const backend = await useGpu(); // "auto": webgpu > webgl2 > headlessgl > wasm
console.log("backend:", backend, gpuBackendInfo().device);

const x = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
const w = tensor(new Float32Array([0.5, -1, 2]), { shape: [3, 1] });
// Intermediates stay on the device; tidy releases them; one readback at the end.
const y = tidy(() => sum(exp(add(matmul(x, w), 1))));
console.log("sum(exp(x @ w + 1)) =", (await y.data())[0]); // exp(5.5) + exp(10) = 22271.16
x.dispose();
w.dispose();
y.dispose();
console.log(
  "live tensors:",
  memory().numTensors,
  "live device buffers:",
  gpuBackendInfo().liveBuffers,
);
