/// <reference types="@webgpu/types" preserve="true" />
/**
 * GpuBackend: one Backend class for every gpu.js mode (webasm, webgl2, webgpu, headlessgl).
 * Tensors stay resident on the device between kernels (see storage.ts); kernels compile once
 * per (op, shapes, dtype) in a KernelCache; the kernel table (register.ts) maps every core
 * KernelName to an implementation. Readback happens only in read()/readSync().
 *
 * Kernel contract (LINALG and CORE kernels use it): `gpu`, `mode`, `kernel(key, build)`,
 * `deviceValue(dataId)`, `adopt(result, shape, dtype)`, and on webgpu `webgpuDevice()`,
 * `gpuBuffer(dataId)`, `adoptBuffer(buffer, shape, dtype)`. CORE's kernels go through `run`,
 * which also chains on pending (still compiling) webgpu inputs.
 */
import {
  type Backend,
  type DataArray,
  type DataId,
  DeviceError,
  type DType,
  type KernelTable,
  type Shape,
  sizeOf,
  type TensorInfo,
} from "@modewise/tensor";
import { WebGPUBufferResult } from "gpu.js";
import {
  type GpuKernelRunner,
  type GpuLike,
  type GpuMode,
  gpuJsExecutor,
  type KernelLauncher,
  recordExecutor,
} from "../kernels/linalg-host.js";
import { KernelCache } from "./kernel-cache.js";
import { type DeviceRecord, DeviceStorage, type DeviceValue } from "./storage.js";

export type GpuBackendName = "wasm" | "webgl2" | "webgpu" | "headlessgl";

/** The gpu.js mode behind each backend name. */
export const MODE_OF: Record<GpuBackendName, GpuMode> = {
  wasm: "webasm",
  webgl2: "webgl2",
  webgpu: "webgpu",
  headlessgl: "headlessgl",
};

/** The message the engine shows when float64 / complex128 meets a GPU backend. */
export const FLOAT64_ADVICE =
  "float64 stays on the cpu backend: setBackend('cpu') or astype('float32') (GPU backends hold float32, complex64, int32 and bool; nothing is downcast silently)";

/** What createKernel accepts from us: source strings and gpu.js settings. */
export interface GpuInstance extends GpuLike {
  createKernel(
    // biome-ignore lint/suspicious/noExplicitAny: gpu.js takes kernel functions of any arity or source strings
    fn: string | ((this: any, ...args: any[]) => number),
    settings: Record<string, unknown>,
  ): GpuKernelRunner;
  createPipeline?(fn: unknown, settings?: unknown): unknown;
  destroy?(): unknown;
}

const USAGE_STORAGE_COPY = 0x0080 | 0x0004 | 0x0008; // STORAGE | COPY_SRC | COPY_DST
const USAGE_MAP_READ_COPY_DST = 0x0001 | 0x0008;
const MAP_READ = 0x0001;

export class GpuBackend implements Backend {
  readonly storage = new DeviceStorage();
  readonly cache = new KernelCache();
  kernels: Partial<KernelTable<Backend>> = {};

  constructor(
    readonly name: GpuBackendName,
    readonly gpu: GpuInstance,
    readonly mode: GpuMode,
    /** webgpu: the { adapter, device } object of WebGPUContext.acquire() (gpu.js compares it by identity). */
    private readonly webgpuContext?: { device: GPUDevice },
    /** Human-readable adapter / renderer description, if known. */
    readonly deviceLabel?: string,
  ) {
    this.device = webgpuContext?.device;
  }

  private readonly device: GPUDevice | undefined;

  supportsDType(dtype: DType): boolean {
    return dtype === "float32" || dtype === "complex64" || dtype === "int32" || dtype === "bool";
  }

  dtypeAdvice(dtype: DType): string {
    return dtype === "float64" || dtype === "complex128"
      ? FLOAT64_ADVICE
      : `dtype ${dtype} is not held on gpu backends`;
  }

  // ---- kernel contract -----------------------------------------------------------------------

  kernel(key: string, build: () => GpuKernelRunner): GpuKernelRunner {
    return this.cache.get(`${this.name}|${key}`, () =>
      this.mode === "webgpu" ? this.chainOnPending(build()) : build(),
    );
  }

  /**
   * webgpu: a runner that accepts pending inputs (the PendingValue placeholders deviceValue
   * hands out while a producer's first compile is in flight) and then runs once they resolve;
   * its result is a Promise that adopt() turns into a pending record.
   */
  private chainOnPending(runner: GpuKernelRunner): GpuKernelRunner {
    const wrapped = (...args: unknown[]): unknown => {
      const waits = args.filter((a): a is PendingValue => a instanceof PendingValue);
      if (waits.length === 0) return runner(...args);
      for (const w of waits) w.record.pins++;
      const done = Promise.all(waits.map((w) => w.record.pending)).then(() =>
        runner(...args.map((a) => (a instanceof PendingValue ? a.record.value : a))),
      );
      done.finally(() => {
        for (const w of waits) this.storage.unpin(w.record);
      });
      return done;
    };
    Object.defineProperty(wrapped, "kernel", { get: () => runner.kernel });
    return wrapped as GpuKernelRunner;
  }

  /** A 1-D kernel over `count` output floats from gpu.js source, kept on the device. */
  compile(source: string, count: number, constants: Record<string, number>): GpuKernelRunner {
    return this.gpu.createKernel(source, {
      output: [count],
      constants,
      pipeline: true,
      immutable: true,
      precision: "single",
      tactic: "precision",
    });
  }

  deviceValue(dataId: DataId): DeviceValue {
    const r = this.storage.get(dataId);
    // webgpu: a still-compiling producer; kernels from kernel() wait for it.
    if (r.pending && this.mode === "webgpu") return new PendingValue(r) as unknown as DeviceValue;
    if (r.pending || !r.value) {
      throw new DeviceError(
        "GpuBackend.deviceValue",
        "dataId",
        "a tensor whose kernel has run",
        "a tensor still waiting for its first (asynchronous) webgpu compile: await t.data() first",
      );
    }
    return r.value;
  }

  adopt(result: unknown, shape: Shape, dtype: DType): TensorInfo {
    const floats = floatsOf(shape, dtype);
    if (result instanceof Promise) {
      const id = this.storage.create(shape, dtype, floats, undefined);
      const rec = this.storage.get(id);
      rec.pending = result.then(
        (v: DeviceValue) => {
          rec.value = v;
          rec.pending = undefined;
        },
        (e: unknown) => {
          rec.pending = undefined;
          throw e;
        },
      );
      return { dataId: id, shape, dtype };
    }
    let value = result as DeviceValue;
    // GL kernels must see textures everywhere (gpu.js recompiles per argument kind).
    if (value instanceof Float32Array && value.length > 0 && this.mode !== "webasm") {
      return { dataId: this.write(value, shape, dtype), shape, dtype };
    }
    if (Array.isArray(value)) value = Float32Array.from(value as number[]);
    const id = this.storage.create(shape, dtype, floats, value);
    return { dataId: id, shape, dtype };
  }

  webgpuDevice(): GPUDevice {
    if (!this.device) {
      throw new DeviceError("GpuBackend.webgpuDevice", "this", "the webgpu backend", this.name);
    }
    return this.device;
  }

  gpuBuffer(dataId: DataId): GPUBuffer {
    if (this.storage.get(dataId).pending) {
      throw new DeviceError(
        "GpuBackend.gpuBuffer",
        "dataId",
        "a webgpu tensor whose kernel has run",
        "a tensor still waiting for its first (asynchronous) gpu.js compile: await t.data() or run the op once first",
      );
    }
    const v = this.deviceValue(dataId) as unknown as { buffer?: GPUBuffer };
    if (!this.device || !v.buffer) {
      throw new DeviceError("GpuBackend.gpuBuffer", "dataId", "a webgpu tensor", this.name);
    }
    return v.buffer;
  }

  adoptBuffer(buffer: GPUBuffer, shape: Shape, dtype: DType): TensorInfo {
    const value = new WebGPUBufferResult({
      buffer,
      output: [floatsOf(shape, dtype)],
      context: this.webgpuContext,
      kernel: null,
    });
    const id = this.storage.create(shape, dtype, floatsOf(shape, dtype), value);
    return { dataId: id, shape, dtype };
  }

  /**
   * Run a compiled kernel over device inputs and adopt its output. On webgpu, or when an input
   * is still pending, the call chains on the inputs (they stay pinned until it has run).
   */
  run(
    ...[op, key, build, inputs, shape, dtype, extraArgs = []]: Parameters<KernelLauncher>
  ): TensorInfo {
    const runner = this.kernel(key, build);
    const recs = inputs.map((i) => this.storage.get(i.dataId));
    if (this.mode !== "webgpu" && !recs.some((r) => r.pending)) {
      const out = runner(...recs.map((r) => r.value), ...extraArgs);
      recordExecutor(op, gpuJsExecutor(runner));
      return this.adopt(out, shape, dtype);
    }
    const built = this.mode === "webgpu" ? builtWebGpuKernel(runner) : undefined;
    if (built && !recs.some((r) => r.pending)) {
      const previous = built.outputBuffer;
      const out = runner(...recs.map((r) => r.value), ...extraArgs) as Promise<unknown>;
      recordExecutor(op, gpuJsExecutor(runner));
      const value = this.takeSubmittedResult(runner, built, previous);
      if (value) return this.adopt(value, shape, dtype);
      // Not the steady state after all (gpu.js switched kernels, or the run failed): the result
      // (or the error) arrives through the promise; the inputs stay pinned until then.
      for (const r of recs) r.pins++;
      out.then(
        () => this.unpinAll(recs),
        () => this.unpinAll(recs),
      );
      return this.adopt(out, shape, dtype);
    }
    for (const r of recs) r.pins++;
    const pending = Promise.all(recs.map((r) => r.pending)).then(async () => {
      const out = await (runner(...recs.map((r) => r.value), ...extraArgs) as Promise<unknown>);
      recordExecutor(op, gpuJsExecutor(runner));
      return out;
    });
    pending.finally(() => {
      for (const r of recs) this.storage.unpin(r);
    });
    return this.adopt(pending, shape, dtype);
  }

  /**
   * webgpu steady state. A built gpu.js WebGPU kernel in `pipeline` + `immutable` mode encodes and
   * submits its dispatch synchronously, into a fresh output buffer, but still hands its result
   * back as `Promise.resolve(new WebGPUBufferResult(...))` (web-gpu/kernel.js, _runInternal).
   * Taking the result through that promise would make every value pending for a microtask, so
   * a training loop that never yields would keep every released intermediate alive (about 20
   * buffers a step) until it awaits. Instead, when the call really submitted (the kernel is the
   * same, it has a new output buffer, and that buffer carries exactly the kernel's reference
   * plus the reference of gpu.js's result), we hand gpu.js's reference over to a result of our
   * own, built the way gpu.js builds it, and never take the promise's value. Returns undefined
   * when any of that does not hold; the caller then adopts the promise.
   */
  private takeSubmittedResult(
    runner: GpuKernelRunner,
    built: WebGpuKernelInternals,
    previous: WebGpuKernelInternals["outputBuffer"],
  ): DeviceValue | undefined {
    const buffer = built.outputBuffer;
    if (runner.kernel !== (built as unknown) || !buffer || buffer === previous) return undefined;
    if (buffer._refs !== 2) return undefined;
    buffer._refs--;
    return new WebGPUBufferResult({
      buffer,
      output: Array.from(built.output),
      componentCount: built.componentCount,
      context: built.context,
      kernel: built,
    }) as unknown as DeviceValue;
  }

  private unpinAll(recs: readonly DeviceRecord[]): void {
    for (const r of recs) this.storage.unpin(r);
  }

  /** Resolves when every pending (webgpu) result has been produced. */
  async ready(dataIds: readonly DataId[]): Promise<void> {
    await Promise.all(dataIds.map((id) => this.storage.get(id).pending));
  }

  // ---- Backend -------------------------------------------------------------------------------

  write(values: DataArray, shape: Shape, dtype: DType): DataId {
    const floats = values instanceof Float32Array ? values : Float32Array.from(values);
    let value: DeviceValue = floats;
    if (floats.length > 0 && this.mode === "webgpu") {
      const device = this.webgpuDevice();
      const buffer = device.createBuffer({
        size: Math.max(4, floats.byteLength),
        usage: USAGE_STORAGE_COPY,
      });
      device.queue.writeBuffer(buffer, 0, floats.buffer, floats.byteOffset, floats.byteLength);
      value = new WebGPUBufferResult({
        buffer,
        output: [floats.length],
        context: this.webgpuContext,
        kernel: null,
      });
    } else if (floats.length > 0 && this.mode !== "webasm") {
      // GL: upload once into a texture through an identity kernel.
      const upload = this.kernel(`upload:${floats.length}`, () =>
        this.compile("function(a) { return a[this.thread.x]; }", floats.length, {}),
      );
      value = upload(floats) as DeviceValue;
    }
    const id = this.storage.create(shape, dtype, floats.length, value);
    return id;
  }

  async read(dataId: DataId): Promise<DataArray> {
    const r = this.storage.get(dataId);
    if (r.pending) await r.pending;
    return toDType(await this.readFloats(r), r.dtype);
  }

  readSync(dataId: DataId): DataArray {
    const r = this.storage.get(dataId);
    if (this.mode === "webgpu" || r.pending) {
      throw new DeviceError(
        "Tensor.dataSync",
        "this",
        "a tensor on a backend with synchronous readback",
        "a tensor on 'webgpu' (use await t.data())",
      );
    }
    const v = r.value;
    if (v === undefined) return toDType(new Float32Array(0), r.dtype);
    const floats = v instanceof Float32Array ? v.slice() : flatten(v.toArray());
    return toDType(floats, r.dtype);
  }

  private async readFloats(r: DeviceRecord): Promise<Float32Array> {
    const v = r.value;
    if (v === undefined || r.floats === 0) return new Float32Array(0);
    if (v instanceof Float32Array) return v.slice();
    if (this.mode !== "webgpu") return flatten(v.toArray());
    const device = this.webgpuDevice();
    const buffer = (v as unknown as { buffer: GPUBuffer }).buffer;
    const bytes = r.floats * 4;
    const staging = device.createBuffer({ size: bytes, usage: USAGE_MAP_READ_COPY_DST });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(buffer, 0, staging, 0, bytes);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(MAP_READ, 0, bytes);
    const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    staging.destroy();
    return out;
  }

  release(dataId: DataId): void {
    this.storage.release(dataId);
  }

  bytes(dataId: DataId): number {
    return this.storage.get(dataId).floats * 4;
  }

  /** Drop every compiled kernel and the gpu.js instance. */
  dispose(): void {
    this.cache.clear();
    this.gpu.destroy?.();
  }
}

/**
 * The fields of gpu.js's WebGPUKernel (2.24, src/backend/web-gpu/kernel.js) the steady-state
 * path reads. Not public API: builtWebGpuKernel checks each before the path is taken, so a
 * gpu.js whose kernels differ only loses the shortcut (results go through the promise).
 */
interface WebGpuKernelInternals {
  built: boolean;
  pipeline: boolean;
  immutable: boolean;
  output: ArrayLike<number>;
  componentCount: number;
  context: unknown;
  outputBuffer: (GPUBuffer & { _refs?: number }) | null | undefined;
  constructor: { mode?: string };
}

/** The runner's kernel when it is a built webgpu pipeline + immutable kernel, else undefined. */
function builtWebGpuKernel(runner: GpuKernelRunner): WebGpuKernelInternals | undefined {
  const k = runner.kernel as unknown as Partial<WebGpuKernelInternals> | undefined;
  if (
    k?.constructor?.mode !== "webgpu" ||
    k.built !== true ||
    k.pipeline !== true ||
    k.immutable !== true ||
    typeof k.componentCount !== "number" ||
    k.output === undefined
  )
    return undefined;
  return k as WebGpuKernelInternals;
}

/** Stand-in for a webgpu value whose kernel has not run yet (see chainOnPending). */
class PendingValue {
  constructor(readonly record: DeviceRecord) {}
}

export function floatsOf(shape: Shape, dtype: DType): number {
  return (dtype === "complex64" ? 2 : 1) * sizeOf(shape);
}

function flatten(a: unknown): Float32Array {
  if (a instanceof Float32Array) return a;
  if (Array.isArray(a)) {
    const parts = a.map(flatten);
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  return Float32Array.from(a as ArrayLike<number>);
}

/** Device floats back to the dtype's array (int32 / bool are exact float32 integers). */
export function toDType(f: Float32Array, dtype: DType): DataArray {
  if (dtype === "int32") return Int32Array.from(f, (v) => Math.round(v));
  if (dtype === "bool") return Uint8Array.from(f, (v) => (v !== 0 ? 1 : 0));
  return f;
}
