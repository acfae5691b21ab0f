/**
 * A minimal LinalgHost for LINALG's unit tests: gpu.js webasm kernels over Float32Array storage,
 * with a configurable `mode` so the gpu.js code paths (mode "webgl2": what the GL backends run)
 * and the wasm routing (mode "webasm") are both exercised in Node. The package's real backend
 * is GpuBackend (CORE); this stand-in implements only the kernel contract LINALG relies on.
 */

import type { DataArray, DataId, DType, Shape, TensorInfo } from "@modewise/tensor";
import { GPU } from "gpu.js";
import type { GpuKernelRunner, GpuLike, GpuMode, LinalgHost } from "../src/kernels/linalg-host.js";

interface Stored {
  values: Float32Array;
  shape: Shape;
  dtype: DType;
}

export class TestHost implements LinalgHost {
  readonly gpu: GpuLike;
  readonly kernels = {};
  readonly store = new Map<DataId, Stored>();
  readonly cache = new Map<string, GpuKernelRunner>();
  compiled = 0;

  constructor(
    readonly name: string,
    readonly mode: GpuMode,
  ) {
    this.gpu = new GPU({ mode: "webasm" }) as unknown as GpuLike;
  }

  supportsDType(dtype: DType): boolean {
    return dtype === "float32" || dtype === "complex64";
  }

  write(values: DataArray, shape: Shape, dtype: DType): DataId {
    const id = {};
    this.store.set(id, { values: Float32Array.from(values as Float32Array), shape, dtype });
    return id;
  }

  async read(dataId: DataId): Promise<DataArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): DataArray {
    return this.get(dataId).values.slice();
  }

  release(dataId: DataId): void {
    this.store.delete(dataId);
  }

  bytes(dataId: DataId): number {
    return this.get(dataId).values.byteLength;
  }

  kernel(key: string, build: () => GpuKernelRunner): GpuKernelRunner {
    let k = this.cache.get(key);
    if (!k) {
      k = build();
      this.compiled++;
      this.cache.set(key, k);
    }
    return k;
  }

  deviceValue(dataId: DataId): unknown {
    return this.get(dataId).values;
  }

  adopt(result: unknown, shape: Shape, dtype: DType): TensorInfo {
    if (!(result instanceof Float32Array)) throw new TypeError("webasm results are Float32Arrays");
    const id = {};
    this.store.set(id, { values: result, shape, dtype });
    return { dataId: id, shape, dtype };
  }

  /** Upload and return a TensorInfo (tests call kernels directly). */
  info(values: Float32Array, shape: number[], dtype: DType = "float32"): TensorInfo {
    return { dataId: this.write(values, shape, dtype), shape, dtype };
  }

  values(info: TensorInfo): Float32Array {
    return this.get(info.dataId).values;
  }

  private get(dataId: DataId): Stored {
    const s = this.store.get(dataId);
    if (!s) throw new Error("released or unknown DataId");
    return s;
  }
}

export { seeded } from "./linalg-data.js";
