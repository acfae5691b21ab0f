/**
 * The small interface a backend implements. Device residency is the backend's business: ops and
 * the engine only see opaque DataIds. Readback is async because WebGPU has no synchronous
 * readback; `readSync` exists only where the backend allows it.
 */
import type { DataArray, DType } from "../dtype.js";
import type { KernelAttrs, KernelName } from "../kernels.js";
import type { Shape } from "../shape.js";

/** Opaque handle to backend storage. */
export type DataId = object;

/** What kernels receive and return: storage plus metadata, no ownership. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: Shape;
  readonly dtype: DType;
  /**
   * A kernel's auxiliary result for its own gradient, computed in the same pass where the
   * attributes ask for it (Unary GELU with `saveForGradient`: GELU' beside GELU). The engine
   * keeps it on the tape for the gradient, or releases it when nothing records the op.
   */
  readonly aux?: TensorInfo;
}

export type KernelFn<K extends KernelName, B extends Backend = Backend> = (
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs[K],
  backend: B,
) => TensorInfo;

export type KernelTable<B extends Backend = Backend> = {
  [K in KernelName]: KernelFn<K, B>;
};

export interface Backend {
  readonly name: string;
  /** dtypes this backend can hold; the engine refuses others with a DeviceError. */
  supportsDType(dtype: DType): boolean;
  /** Optional: what to tell the user when `dtype` is refused (e.g. "float64 stays on the cpu backend ..."). */
  dtypeAdvice?(dtype: DType): string;
  /** Upload values (length = size * components). The backend may keep the array: callers pass ownership. */
  write(values: DataArray, shape: Shape, dtype: DType): DataId;
  /** Async readback into a fresh array the caller owns. */
  read(dataId: DataId): Promise<DataArray>;
  /** Sync readback, or undefined where the backend cannot (WebGPU). */
  readSync?(dataId: DataId): DataArray;
  /**
   * The stored values themselves, no copy, where the backend keeps them as a host typed array
   * (the cpu backend); undefined elsewhere. For kernels: read-only, and valid only during the
   * kernel call (a released array may be recycled for another tensor).
   */
  borrowSync?(dataId: DataId): DataArray;
  /** Free the storage. Called by the engine when the last reference goes. */
  release(dataId: DataId): void;
  /** Bytes held by one DataId. */
  bytes(dataId: DataId): number;
  /** Kernels by name; a missing one is an error, never a fallback. */
  readonly kernels: Partial<KernelTable<Backend>>;
}
