/**
 * Browser entry of wgsl.test.ts (second part): LINALG's parity cases through the engine on a
 * stand-in WebGPU backend that has NO gpu.js (its `gpu` throws), so every case that passes ran
 * entirely in WGSL: f32 and complex64 BatchMatMul (and the 1x1 convolutions built on it), FFT / RFFT / IRFFT
 * with the WGSL resize and radix-8/4/2 passes, on buffers the backend adopts.
 */
import "@modewise/fft/tensor";
import type { Backend, DataArray, DataId, DType, Shape, TensorInfo } from "@modewise/tensor";
import { memory, registerBackend, setBackend } from "@modewise/tensor";
import { convKernels } from "../src/kernels/conv.js";
import { registerFftKernels } from "../src/kernels/fft.js";
import type { GpuKernelRunner, GpuLike, LinalgHost } from "../src/kernels/linalg-host.js";
import { matmulKernels } from "../src/kernels/matmul.js";
import { readBuffer, storageBuffer } from "../src/wgsl/runner.js";
import { linalgCases } from "./parity/cases-linalg.js";

/** The cases whose every kernel has a WGSL route (f32 products, power-of-two FFTs). */
export const WGSL_ROUTED_CASES = [
  "linalg: matmul f32 130x1100x70 (K > 1000)",
  "linalg: matmul f32 batch broadcast [3,1,20,33] @ [4,33,17]",
  "linalg: matmul gradients (transposed products) [2,9,7] @ [2,7,5]",
  "linalg: matmul complex64 spectral mixing [modes 12, B 4, Cin 8] @ [12, 8, Cout 6]",
  "linalg: conv2d pointwise 1x1 (matmul path)",
  "linalg: conv1d pointwise batch 1 gradients (one matmul each)",
  "linalg: fft n=2048 batch 3",
  "linalg: fftn 3-D [4,8,16] inverse-free",
  "linalg: rfft2 FNO-like [2,4,16,16]",
  "linalg: irfft2 [2,4,16,9] -> s (16,16)",
];

class WebGpuHost implements LinalgHost {
  readonly name = "linalg-webgpu";
  readonly mode = "webgpu" as const;
  readonly gpu: GpuLike = {
    createKernel(): GpuKernelRunner {
      throw new Error("this stand-in backend has no gpu.js: a gpu.js kernel was requested");
    },
  };
  // The kernels take the narrower LinalgHost; the engine only ever passes this host back.
  readonly kernels = { ...matmulKernels, ...convKernels } as unknown as Backend["kernels"];
  readonly store = new Map<DataId, { buffer: GPUBuffer; bytes: number }>();

  constructor(private readonly device: GPUDevice) {}

  supportsDType(d: DType): boolean {
    return d === "float32" || d === "complex64";
  }
  write(values: DataArray, _shape: Shape, _dtype: DType): DataId {
    const v = Float32Array.from(values as Float32Array);
    const buffer = storageBuffer(this.device, v.byteLength, "test.write");
    this.device.queue.writeBuffer(buffer, 0, v.buffer, v.byteOffset, v.byteLength);
    const id = {};
    this.store.set(id, { buffer, bytes: v.byteLength });
    return id;
  }
  async read(id: DataId): Promise<DataArray> {
    const s = this.store.get(id);
    if (!s) throw new Error("released");
    if (s.bytes === 0) return new Float32Array(0);
    return readBuffer(this.device, s.buffer, s.bytes);
  }
  release(id: DataId): void {
    this.store.get(id)?.buffer.destroy();
    this.store.delete(id);
  }
  bytes(id: DataId): number {
    return this.store.get(id)?.bytes ?? 0;
  }
  kernel(_key: string, build: () => GpuKernelRunner): GpuKernelRunner {
    return build();
  }
  deviceValue(id: DataId): unknown {
    return this.store.get(id)?.buffer;
  }
  adopt(): TensorInfo {
    throw new Error("this stand-in backend adopts only GPUBuffers");
  }
  webgpuDevice(): GPUDevice {
    return this.device;
  }
  gpuBuffer(id: DataId): GPUBuffer {
    const s = this.store.get(id);
    if (!s) throw new Error("released");
    return s.buffer;
  }
  adoptBuffer(buffer: GPUBuffer, shape: Shape, dtype: DType): TensorInfo {
    const id = {};
    const bytes = 4 * shape.reduce((a, b) => a * b, 1) * (dtype === "complex64" ? 2 : 1);
    this.store.set(id, { buffer, bytes });
    return { dataId: id, shape, dtype };
  }
}

export async function run(_backend: string) {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) throw new Error("no WebGPU adapter");
  const device = await adapter.requestDevice();
  device.pushErrorScope("validation");
  const host = new WebGpuHost(device);
  registerBackend("linalg-webgpu", () => host);
  registerFftKernels("linalg-webgpu");
  const results = [];
  for (const c of linalgCases.filter((k) => WGSL_ROUTED_CASES.includes(k.name))) {
    setBackend("linalg-webgpu");
    const before = memory().numTensors;
    try {
      const r = await c.run();
      let worst = 0;
      for (let i = 0; i < r.got.length; i++)
        worst = Math.max(worst, Math.abs(r.got[i] - r.want[i]));
      results.push({
        name: c.name,
        ok: r.got.length === r.want.length && worst <= r.tol,
        worst,
        tol: r.tol,
        executor: r.executor ?? null,
        leaked: memory().numTensors - before,
        error: null as string | null,
      });
    } catch (e) {
      results.push({
        name: c.name,
        ok: false,
        worst: null,
        tol: null,
        executor: null,
        leaked: 0,
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      });
    }
  }
  setBackend("cpu");
  const error = await device.popErrorScope();
  return { results, liveBuffers: host.store.size, validationError: error?.message ?? null };
}
