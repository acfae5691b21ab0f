/// <reference types="@webgpu/types" preserve="true" />
/// <reference path="../gpujs.d.ts" />
/**
 * The little machinery the hand-written WGSL kernels share: compute pipelines compiled once per
 * (GPUDevice, shader), storage / uniform buffers, and one-pass dispatch. Kernels run on the
 * GPUDevice gpu.js uses (WebGPUContext.acquire()), reading and writing the GPUBuffers of gpu.js
 * results directly, so a WGSL pass slots between gpu.js kernels without a copy.
 */

import type { DType, Shape, TensorInfo } from "@modewise/tensor";
import { WebGPUBufferResult } from "gpu.js";
import { floatsOf } from "../backend/gpu-backend.js";
import type { LinalgHost } from "../kernels/linalg-host.js";

// GPUBufferUsage / GPUMapMode values from the WebGPU spec. Spelled out because Node's Dawn
// binding (the `webgpu` package) does not always install the browser's globals.
export const USAGE_MAP_READ = 0x0001;
export const USAGE_COPY_SRC = 0x0004;
export const USAGE_COPY_DST = 0x0008;
export const USAGE_UNIFORM = 0x0040;
export const USAGE_STORAGE = 0x0080;
export const MAP_READ = 0x0001;

const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** The compute pipeline of `code` (entry point "main") on `device`, compiled once. */
export function computePipeline(device: GPUDevice, key: string, code: string): GPUComputePipeline {
  let byKey = pipelines.get(device);
  if (!byKey) {
    byKey = new Map();
    pipelines.set(device, byKey);
  }
  let p = byKey.get(key);
  if (!p) {
    const module = device.createShaderModule({ code, label: key });
    p = device.createComputePipeline({
      layout: "auto",
      compute: { module, entryPoint: "main" },
      label: key,
    });
    byKey.set(key, p);
  }
  return p;
}

/** A storage buffer of `bytes` (rounded up to 4, at least 4) usable as a gpu.js kernel argument. */
export function storageBuffer(device: GPUDevice, bytes: number, label: string): GPUBuffer {
  return device.createBuffer({
    size: Math.max(4, Math.ceil(bytes / 4) * 4),
    usage: USAGE_STORAGE | USAGE_COPY_SRC | USAGE_COPY_DST,
    label,
  });
}

/** A buffer holding `data` (storage or uniform). */
export function uploadBuffer(
  device: GPUDevice,
  data: Uint32Array | Float32Array,
  usage: "storage" | "uniform",
  label: string,
): GPUBuffer {
  const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
  const buf = device.createBuffer({
    size,
    usage: (usage === "storage" ? USAGE_STORAGE : USAGE_UNIFORM) | USAGE_COPY_DST,
    label,
  });
  device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
  return buf;
}

/** Encode and submit one compute pass of `pipeline` over `buffers` (bindings 0..n-1, group 0). */
export function dispatch(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  buffers: readonly GPUBuffer[],
  groups: readonly [number, number, number],
): void {
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
  pass.end();
  device.queue.submit([encoder.finish()]);
}

/** Copy a buffer back to the host (tests and benchmarks; the backend reads through gpu.js). */
export async function readBuffer(
  device: GPUDevice,
  src: GPUBuffer,
  bytes: number,
): Promise<Float32Array> {
  const staging = device.createBuffer({ size: bytes, usage: USAGE_MAP_READ | USAGE_COPY_DST });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(src, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(MAP_READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

/** Split a workgroup count over x and y (each dimension is limited to 65535). */
export function grid2d(count: number): [number, number, number] {
  const x = Math.min(count, 65535);
  return [x, Math.ceil(count / x), 1];
}

/**
 * Encode a WGSL pass over the GPUBuffers of `inputs` and adopt the buffer it returns as a
 * tensor of `shape` / `dtype`. When an input is still pending (its gpu.js webgpu kernel compiles
 * asynchronously on first use), the pass is encoded once the inputs exist: the inputs are pinned
 * meanwhile (a release then waits) and the output is adopted as pending, like the backend's own
 * kernels.
 */
export function wgslOutput(
  host: LinalgHost,
  inputs: readonly TensorInfo[],
  shape: Shape,
  dtype: DType,
  encode: (device: GPUDevice, buffers: GPUBuffer[]) => GPUBuffer,
): TensorInfo {
  const { webgpuDevice, gpuBuffer, adoptBuffer } = host;
  if (!webgpuDevice || !gpuBuffer || !adoptBuffer)
    throw new TypeError("WGSL pass: the backend does not expose its WebGPU device and buffers");
  const device = webgpuDevice.call(host);
  const buffers = () => inputs.map((t) => gpuBuffer.call(host, t.dataId));
  const storage = host.storage;
  const records = storage ? inputs.map((t) => storage.get(t.dataId)) : [];
  if (!storage || !records.some((r) => r.pending))
    return adoptBuffer.call(host, encode(device, buffers()), shape, dtype);
  for (const r of records) r.pins++;
  const floats = floatsOf(shape, dtype);
  const pending = Promise.all(records.map((r) => r.pending)).then(() => {
    // gpu.js accepts a WebGPUBufferResult only with ITS context object ({ adapter, device } of
    // WebGPUContext.acquire(), compared by identity): take it from an input gpu.js produced.
    const context = inputs
      .map((t) => (host.deviceValue(t.dataId) as { context?: unknown }).context)
      .find((c) => c !== undefined) ?? { device };
    return new WebGPUBufferResult({
      buffer: encode(device, buffers()),
      output: [floats],
      context,
      kernel: null,
    });
  });
  pending.finally(() => {
    for (const r of records) storage.unpin(r);
  });
  return host.adopt(pending, shape, dtype);
}
