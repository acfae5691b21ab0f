/**
 * Browser entry of linalg-gl.test.ts: LINALG's parity cases on a stand-in backend whose kernels
 * are gpu.js WebGL2 kernels (GLSL fragment shaders on SwiftShader), results kept on the device
 * as textures between kernels (pipeline: true) and read back once per case. This checks the
 * GLSL translation of the matmul / conv / FFT kernels (float index maths, constant-bounded
 * loops, texture arguments) independently of the package's full GpuBackend.
 */
import "@modewise/fft/tensor";
import type { Backend, DataArray, DataId, DType, Shape, TensorInfo } from "@modewise/tensor";
import { memory, registerBackend, setBackend } from "@modewise/tensor";
import { GPU } from "gpu.js";
import { convKernels } from "../src/kernels/conv.js";
import { registerFftKernels } from "../src/kernels/fft.js";
import type { GpuKernelRunner, GpuLike, LinalgHost } from "../src/kernels/linalg-host.js";
import { matmulKernels } from "../src/kernels/matmul.js";
import { linalgCases } from "./parity/cases-linalg.js";

interface GlTexture {
  toArray(): Float32Array | Promise<Float32Array>;
  delete(): void;
}

class GlHost implements LinalgHost {
  readonly name = "linalg-gl";
  readonly mode = "webgl2" as const;
  readonly gpu: GpuLike = new GPU({ mode: "webgl2" }) as unknown as GpuLike;
  // The kernels take the narrower LinalgHost; the engine only ever passes this host back.
  readonly kernels = { ...matmulKernels, ...convKernels } as unknown as Backend["kernels"];
  readonly store = new Map<DataId, { value: Float32Array | GlTexture; length: number }>();
  private readonly cache = new Map<string, GpuKernelRunner>();

  supportsDType(d: DType): boolean {
    return d === "float32" || d === "complex64";
  }
  write(values: DataArray, _shape: Shape, _dtype: DType): DataId {
    const id = {};
    const v = Float32Array.from(values as Float32Array);
    this.store.set(id, { value: v, length: v.length });
    return id;
  }
  async read(id: DataId): Promise<DataArray> {
    return this.readSync(id);
  }
  readSync(id: DataId): DataArray {
    const s = this.store.get(id);
    if (!s) throw new Error("released");
    if (s.value instanceof Float32Array) return s.value.slice();
    const arr = s.value.toArray() as Float32Array;
    return Float32Array.from(arr.subarray(0, s.length));
  }
  release(id: DataId): void {
    const s = this.store.get(id);
    if (s && !(s.value instanceof Float32Array)) s.value.delete();
    this.store.delete(id);
  }
  bytes(id: DataId): number {
    return 4 * (this.store.get(id)?.length ?? 0);
  }
  kernel(key: string, build: () => GpuKernelRunner): GpuKernelRunner {
    let k = this.cache.get(key);
    if (!k) {
      k = build();
      this.cache.set(key, k);
    }
    return k;
  }
  deviceValue(id: DataId): unknown {
    return this.store.get(id)?.value;
  }
  adopt(result: unknown, shape: Shape, dtype: DType): TensorInfo {
    const id = {};
    const length = shape.reduce((a, b) => a * b, 1) * (dtype === "complex64" ? 2 : 1);
    this.store.set(id, { value: result as Float32Array | GlTexture, length });
    return { dataId: id, shape, dtype };
  }
}

export async function run(_backend: string) {
  const host = new GlHost();
  registerBackend("linalg-gl", () => host);
  registerFftKernels("linalg-gl");
  const results = [];
  for (const c of linalgCases) {
    setBackend("linalg-gl");
    const before = memory().numTensors;
    const t0 = performance.now();
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
        backend: r.backend,
        leaked: memory().numTensors - before,
        ms: performance.now() - t0,
        error: null as string | null,
      });
    } catch (e) {
      results.push({
        name: c.name,
        ok: false,
        worst: null,
        tol: null,
        executor: null,
        backend: null,
        leaked: 0,
        ms: performance.now() - t0,
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      });
    }
  }
  setBackend("cpu");
  return { results, liveDeviceValues: host.store.size };
}
