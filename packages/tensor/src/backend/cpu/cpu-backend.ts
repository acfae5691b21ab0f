import { type DataArray, type DType, allocate } from "../../dtype.js";
import { type Shape, sizeOf } from "../../shape.js";
import type { Backend, DataId, KernelTable, TensorInfo } from "../backend.js";
import { CPU_KERNELS } from "./kernels.js";

/** CPU storage: one typed array per buffer (complex interleaved). */
export class CpuData {
  constructor(readonly values: DataArray) {}
}

/**
 * The reference backend: plain TypeScript on typed arrays, every dtype including float64 and
 * complex128. Its kernels are the semantics every other backend is tested against.
 */
export class CpuBackend implements Backend {
  readonly name: string = "cpu";
  readonly kernels: KernelTable<Backend> = CPU_KERNELS as unknown as KernelTable<Backend>;

  supportsDType(_dtype: DType): boolean {
    return true;
  }

  write(values: DataArray, _shape: Shape, _dtype: DType): DataId {
    return new CpuData(values);
  }

  /** Wrap a freshly computed array as storage (kernels use this for their outputs). */
  output(values: DataArray, shape: Shape, dtype: DType): TensorInfo {
    return { dataId: new CpuData(values), shape, dtype };
  }

  /** Allocate a zeroed output. */
  alloc(shape: Shape, dtype: DType): { info: TensorInfo; values: DataArray } {
    const values = allocate(dtype, sizeOf(shape));
    return { info: this.output(values, shape, dtype), values };
  }

  /** The stored array itself (no copy): kernels must not mutate inputs. */
  values(info: TensorInfo | DataId): DataArray {
    const id = (info as TensorInfo).dataId ?? info;
    return (id as CpuData).values;
  }

  async read(dataId: DataId): Promise<DataArray> {
    return this.readSync(dataId);
  }

  readSync(dataId: DataId): DataArray {
    return (dataId as CpuData).values.slice();
  }

  release(_dataId: DataId): void {
    // Garbage collected; the engine's counters track liveness.
  }

  bytes(dataId: DataId): number {
    return (dataId as CpuData).values.byteLength;
  }
}

