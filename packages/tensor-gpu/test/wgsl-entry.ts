/**
 * Browser entry of wgsl.test.ts: runs LINALG's hand-written WGSL kernels (matmul, FFT) on the
 * page's WebGPU device (SwiftShader in headless Chromium, a real GPU elsewhere) and returns the
 * raw results; the test computes the float64 references in Node.
 */
import { twiddleTable } from "../src/kernels/fft-twiddles.js";
import { encodeFftLines } from "../src/wgsl/fft.js";
import { encodeMatMul } from "../src/wgsl/matmul.js";
import { readBuffer, storageBuffer } from "../src/wgsl/runner.js";
import { seeded } from "./linalg-data.js";
import { WGSL_FFT_CASES, WGSL_MATMUL_CASES } from "./wgsl-cases.js";

function upload(device: GPUDevice, data: Float32Array): GPUBuffer {
  const b = storageBuffer(device, data.byteLength, "test.input");
  device.queue.writeBuffer(b, 0, data.buffer, data.byteOffset, data.byteLength);
  return b;
}

export async function run(_backend: string): Promise<{
  adapter: string;
  matmul: { name: string; got: number[]; ms: number }[];
  fft: { name: string; got: number[]; ms: number }[];
}> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) throw new Error("navigator.gpu is missing");
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error("no WebGPU adapter");
  const device = await adapter.requestDevice();
  // Validation errors of any pass end up here and fail the test with their message.
  device.pushErrorScope("validation");
  const matmul = [];
  for (const c of WGSL_MATMUL_CASES) {
    const a = seeded(c.batchA * c.M * c.K, c.seed);
    const b = seeded(c.batchB * c.K * c.N, c.seed + 1);
    const batches = Math.max(c.batchA, c.batchB);
    const offsetsA = Int32Array.from(
      { length: batches },
      (_, i) => (c.batchA === 1 ? 0 : i) * c.M * c.K,
    );
    const offsetsB = Int32Array.from(
      { length: batches },
      (_, i) => (c.batchB === 1 ? 0 : i) * c.K * c.N,
    );
    const t0 = performance.now();
    const out = encodeMatMul(device, upload(device, a), upload(device, b), {
      ...c,
      offsetsA,
      offsetsB,
    });
    const got = await readBuffer(device, out, batches * c.M * c.N * 4);
    matmul.push({ name: c.name, got: Array.from(got), ms: performance.now() - t0 });
  }
  const fft = [];
  for (const c of WGSL_FFT_CASES) {
    const x = seeded(2 * c.lines * c.n, c.seed);
    const t0 = performance.now();
    const out = encodeFftLines(
      device,
      upload(device, x),
      c.lines,
      c.n,
      c.sign,
      c.scale,
      twiddleTable(c.n, c.sign),
    );
    const got = await readBuffer(device, out, c.lines * c.n * 8);
    fft.push({ name: c.name, got: Array.from(got), ms: performance.now() - t0 });
  }
  const error = await device.popErrorScope();
  if (error) throw new Error(`WebGPU validation: ${error.message}`);
  const info = (adapter as GPUAdapter & { info?: { vendor?: string; architecture?: string } }).info;
  return { adapter: `${info?.vendor ?? "?"} ${info?.architecture ?? ""}`, matmul, fft };
}
