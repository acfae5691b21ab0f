/// <reference types="@webgpu/types" preserve="true" />
/**
 * Device storage records of the GPU backends. One record per DataId: the values live on the
 * device as float32 (int32 and bool included: exact below 2^24) in the form the gpu.js mode
 * passes between kernels without a readback:
 *   webasm      a Float32Array (gpu.js's `pipeline: true` result there is a plain typed array)
 *   webgl2/gl   a gpu.js Texture (`pipeline: true, immutable: true`)
 *   webgpu      a WebGPUBufferResult (reference-counted GPUBuffer)
 * On webgpu a kernel's first call compiles asynchronously, so its output can be *pending*: the
 * record then holds the promise; consumers chain on it (pins keep inputs alive until then).
 * Every record is counted (live buffers and bytes) until `free` releases its device memory.
 */
import type { DType, Shape } from "@modewise/tensor";

/** What a gpu.js kernel accepts as a device-resident argument. */
export type DeviceValue = Float32Array | { delete(): void; toArray(): unknown };

export interface DeviceRecord {
  readonly shape: Shape;
  readonly dtype: DType;
  /** Number of float32 values (elements x components). */
  readonly floats: number;
  value: DeviceValue | undefined;
  /** Resolves when `value` is set (webgpu first-call compiles). */
  pending: Promise<void> | undefined;
  /** Consumers waiting on this record's value; release waits for them. */
  pins: number;
  /** The engine released it; device memory goes once pins reach 0. */
  released: boolean;
  freed: boolean;
}

/** Live-buffer accounting shared by the records of one backend. */
export class DeviceStorage {
  private readonly records = new WeakMap<object, DeviceRecord>();
  liveBuffers = 0;
  liveBytes = 0;

  create(shape: Shape, dtype: DType, floats: number, value: DeviceValue | undefined): object {
    const id = {};
    this.records.set(id, {
      shape,
      dtype,
      floats,
      value,
      pending: undefined,
      pins: 0,
      released: false,
      freed: false,
    });
    this.liveBuffers++;
    this.liveBytes += floats * 4;
    return id;
  }

  get(id: object): DeviceRecord {
    const r = this.records.get(id);
    if (!r) throw new Error("tensor-gpu: unknown DataId (a tensor of another backend?)");
    return r;
  }

  has(id: object): boolean {
    return this.records.has(id);
  }

  /** Engine release: free now, or when the last pinned consumer is done. */
  release(id: object): void {
    const r = this.records.get(id);
    if (!r || r.released) return;
    r.released = true;
    this.maybeFree(r);
  }

  unpin(r: DeviceRecord): void {
    r.pins--;
    this.maybeFree(r);
  }

  private maybeFree(r: DeviceRecord): void {
    if (!r.released || r.pins > 0 || r.freed) return;
    if (r.pending) {
      r.pending.then(
        () => this.maybeFree(r),
        () => this.maybeFree(r),
      );
      return;
    }
    r.freed = true;
    if (r.value && !(r.value instanceof Float32Array)) r.value.delete();
    r.value = undefined;
    this.liveBuffers--;
    this.liveBytes -= r.floats * 4;
  }
}
