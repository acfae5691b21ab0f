import { allocate, type DataArray, type DType } from "../../dtype.js";
import { type Shape, sizeOf } from "../../shape.js";
import type { Backend, DataId, KernelTable, TensorInfo } from "../backend.js";
import { CPU_KERNELS } from "./kernels.js";
import { isResident, residentAlloc, residentFree } from "./resident.js";

/** CPU storage: one typed array per buffer (complex interleaved). */
export class CpuData {
  constructor(
    /** Replaced only by share(), which moves resident values to a plain array of equal contents. */
    public values: DataArray,
    /** Allocated by the backend and never handed out: may be recycled once released. */
    public poolable = false,
  ) {}
}

/**
 * Resident blocks of storage that was dropped without release (a tensor never disposed) go back
 * to the sgemm memory when the storage is collected; plain arrays are simply collected.
 */
const residentRegistry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<Float32Array>((values) => residentFree(values))
    : null;

/** Arrays below this many elements are cheap to allocate and are not pooled. */
const POOL_MIN_ELEMENTS = 4096;
const POOL_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The reference backend: plain TypeScript on typed arrays, every dtype including float64 and
 * complex128. Its kernels are the semantics every other backend is tested against.
 */
export class CpuBackend implements Backend {
  readonly name: string = "cpu";
  readonly kernels: KernelTable<Backend> = CPU_KERNELS as unknown as KernelTable<Backend>;
  /**
   * Released output arrays by (type, length), reused by alloc: fresh pages cost ~6 us per 4 KiB
   * on these machines, more than the arithmetic of most elementwise kernels, so a training loop
   * that allocates the same shapes every step would otherwise spend most of its time faulting.
   */
  private readonly pool = new Map<string, DataArray[]>();
  private pooledBytes = 0;

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

  /**
   * Allocate an output, recycled from the pool when one of that type and length is free. Zeroed
   * unless `zeroed` is false: kernels that write every element pass false, which saves a pass
   * over memory on recycled arrays (their old contents are then overwritten).
   */
  alloc(shape: Shape, dtype: DType, zeroed = true): { info: TensorInfo; values: DataArray } {
    const fresh = allocate(dtype, 0);
    const length = sizeOf(shape) * (dtype === "complex64" || dtype === "complex128" ? 2 : 1);
    // float32 storage in the sgemm memory (resident.ts): its SIMD kernels then work in place
    if (
      length >= POOL_MIN_ELEMENTS &&
      (dtype === "float32" || dtype === "complex64") &&
      residentRegistry !== null
    ) {
      const resident = residentAlloc(length);
      if (resident !== null) {
        if (zeroed) resident.fill(0);
        const data = new CpuData(resident, true);
        residentRegistry.register(data, resident, data);
        return { info: { dataId: data, shape, dtype }, values: resident };
      }
    }
    const stack = length >= POOL_MIN_ELEMENTS ? this.pool.get(poolKey(fresh, length)) : undefined;
    let values = stack?.pop();
    if (values) {
      this.pooledBytes -= values.byteLength;
      if (zeroed) values.fill(0);
    } else {
      values = allocate(dtype, sizeOf(shape));
    }
    return { info: { dataId: new CpuData(values, true), shape, dtype }, values };
  }

  /** The stored array, handed out for zero-copy views: it will never be recycled. */
  share(dataId: DataId): DataArray {
    const data = dataId as CpuData;
    // A resident block must return to the sgemm memory when the tensor is released, so the view
    // handed out is a plain copy, which the tensor keeps from now on (same contents; tensors are
    // immutable).
    if (data.poolable && isResident(data.values)) this.evict(data);
    data.poolable = false;
    return data.values;
  }

  /** Moves resident values to a plain array and frees their block. */
  private evict(data: CpuData): void {
    const resident = data.values as Float32Array;
    data.values = resident.slice();
    residentRegistry?.unregister(data);
    residentFree(resident);
  }

  /** Bytes held by released arrays waiting for reuse (not counted as live memory). */
  get poolBytes(): number {
    return this.pooledBytes;
  }

  /** Drop every pooled array. */
  clearPool(): void {
    this.pool.clear();
    this.pooledBytes = 0;
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

  /** The stored array for a kernel to read (Backend.borrowSync): no copy, never to be written. */
  borrowSync(dataId: DataId): DataArray {
    return (dataId as CpuData).values;
  }

  release(dataId: DataId): void {
    const data = dataId as CpuData;
    const v = data.values;
    if (data.poolable && isResident(v)) {
      data.poolable = false;
      residentRegistry?.unregister(data);
      residentFree(v as Float32Array);
      return;
    }
    if (
      !data.poolable ||
      v.length < POOL_MIN_ELEMENTS ||
      this.pooledBytes + v.byteLength > POOL_MAX_BYTES
    )
      return;
    data.poolable = false;
    const key = poolKey(v, v.length);
    let stack = this.pool.get(key);
    if (!stack) {
      stack = [];
      this.pool.set(key, stack);
    }
    stack.push(v);
    this.pooledBytes += v.byteLength;
  }

  bytes(dataId: DataId): number {
    return (dataId as CpuData).values.byteLength;
  }
}

function poolKey(like: DataArray, length: number): string {
  return `${like.constructor.name}:${length}`;
}
