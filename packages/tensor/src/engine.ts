/**
 * The engine: backend registry, kernel dispatch, reference-counted storage, tidy scopes, live
 * counters and the autograd tape. Ops call `runKernel`; nothing else touches backends.
 */
import type { Backend, DataId, TensorInfo } from "./backend/backend.js";
import { CpuBackend } from "./backend/cpu/cpu-backend.js";
import type { DataArray, DType } from "./dtype.js";
import { DeviceError, NotImplementedError, show, ValueError } from "./errors.js";
import type { KernelAttrs, KernelName } from "./kernels.js";
import type { Shape } from "./shape.js";
import { installTensorHooks, Tensor } from "./tensor.js";

interface DataRecord {
  backend: Backend;
  refCount: number;
  bytes: number;
}

/** One recorded kernel application. Storage of inputs and output is retained until the tape is freed. */
export interface TapeNode {
  /** A core kernel name, or the name of a kernel registered with registerKernel. */
  kernel: string;
  attrs: unknown;
  inputs: { id: number; info: TensorInfo; backend: Backend }[];
  output: { id: number; info: TensorInfo; backend: Backend };
  /** The kernel's auxiliary result for its gradient (TensorInfo.aux), kept with the node. */
  aux?: { info: TensorInfo; backend: Backend };
}

export interface Tape {
  /** Ids of tensors that depend on a watched tensor. */
  tracked: Set<number>;
  nodes: TapeNode[];
}

interface Scope {
  tensors: Tensor[];
}

export interface MemoryInfo {
  /** Tensor handles not yet disposed. */
  numTensors: number;
  /** Storage buffers alive in all backends (views share one). */
  numDataBuffers: number;
  numBytes: number;
  /** Per backend name. */
  byBackend: Record<string, { numDataBuffers: number; numBytes: number }>;
}

type BackendFactory = () => Backend;

/** A kernel registered from outside the core (e.g. @modewise/fft's FFT). */
export type CustomKernelFn = (
  inputs: readonly TensorInfo[],
  attrs: unknown,
  backend: Backend,
) => TensorInfo;
/** Its gradient, written with ops (as the core's). */
export type CustomGradFn = (
  dy: Tensor,
  inputs: readonly Tensor[],
  output: Tensor,
  attrs: unknown,
  needs: readonly boolean[],
  /** The kernel's auxiliary result (TensorInfo.aux), where it returned one. */
  aux?: Tensor,
) => (Tensor | null)[];

/** The "expected" text of a refused dtype, with the backend's advice when it has one. */
function supportedDTypes(backend: Backend, dtype: DType): string {
  const advice = backend.dtypeAdvice?.(dtype);
  const base = `a dtype that backend '${backend.name}' supports`;
  return advice ? `${base} (${advice})` : base;
}

export class Engine {
  private readonly factories = new Map<string, BackendFactory>();
  private readonly instances = new Map<string, Backend>();
  private active: Backend | undefined;
  private readonly records = new Map<DataId, DataRecord>();
  private numTensors = 0;
  private readonly scopes: Scope[] = [];
  /** Active tapes, innermost last. */
  readonly tapes: Tape[] = [];
  private noGradDepth = 0;
  private readonly customKernels = new Map<string, Map<string, CustomKernelFn>>();
  private readonly customGradients = new Map<string, CustomGradFn>();

  constructor() {
    this.registerBackend("cpu", () => new CpuBackend());
    installTensorHooks({
      dispose: (t) => this.disposeTensor(t),
      read: (t) => t.backend.read(t.dataId),
      readSync: (t) => {
        if (!t.backend.readSync) {
          throw new DeviceError(
            "Tensor.dataSync",
            "this",
            "a tensor on a backend with synchronous readback",
            `a tensor on '${t.backend.name}' (use await t.data())`,
          );
        }
        return t.backend.readSync(t.dataId);
      },
    });
  }

  // ---- backends ------------------------------------------------------------------------------

  registerBackend(name: string, factory: BackendFactory): void {
    this.factories.set(name, factory);
  }

  listBackends(): string[] {
    return [...this.factories.keys()];
  }

  findBackend(name: string): Backend {
    let b = this.instances.get(name);
    if (!b) {
      const f = this.factories.get(name);
      if (!f) {
        throw new ValueError(
          "setBackend",
          "name",
          `one of ${show(this.listBackends())}`,
          show(name),
        );
      }
      b = f();
      this.instances.set(name, b);
    }
    return b;
  }

  setBackend(name: string): void {
    this.active = this.findBackend(name);
  }

  get backend(): Backend {
    if (!this.active) this.active = this.findBackend("cpu");
    return this.active;
  }

  // ---- storage and tensors -------------------------------------------------------------------

  /** Upload values and wrap them in a tensor on `backend` (default: the active one). */
  makeTensor(
    values: DataArray,
    shape: Shape,
    dtype: DType,
    backend = this.backend,
    fn = "tensor",
  ): Tensor {
    if (!backend.supportsDType(dtype)) {
      throw new DeviceError(fn, "dtype", supportedDTypes(backend, dtype), dtype);
    }
    const dataId = backend.write(values, shape, dtype);
    return this.wrap({ dataId, shape, dtype }, backend);
  }

  /** Wrap existing storage (new or shared) in a tensor handle; counts a reference. */
  wrap(info: TensorInfo, backend: Backend): Tensor {
    this.retain(info.dataId, backend);
    const t = new Tensor(info.dataId, info.shape, info.dtype, backend);
    this.numTensors++;
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.tensors.push(t);
    return t;
  }

  retain(dataId: DataId, backend: Backend): void {
    let rec = this.records.get(dataId);
    if (!rec) {
      rec = { backend, refCount: 0, bytes: backend.bytes(dataId) };
      this.records.set(dataId, rec);
    }
    rec.refCount++;
  }

  releaseData(dataId: DataId): void {
    const rec = this.records.get(dataId);
    if (!rec) return;
    if (--rec.refCount === 0) {
      this.records.delete(dataId);
      rec.backend.release(dataId);
    }
  }

  disposeTensor(t: Tensor): void {
    if (t.isDisposed) return;
    t.markDisposed();
    this.numTensors--;
    this.releaseData(t.dataId);
  }

  memory(): MemoryInfo {
    const byBackend: MemoryInfo["byBackend"] = {};
    let numBytes = 0;
    for (const rec of this.records.values()) {
      numBytes += rec.bytes;
      byBackend[rec.backend.name] ??= { numDataBuffers: 0, numBytes: 0 };
      const b = byBackend[rec.backend.name];
      b.numDataBuffers++;
      b.numBytes += rec.bytes;
    }
    return { numTensors: this.numTensors, numDataBuffers: this.records.size, numBytes, byBackend };
  }

  // ---- scopes --------------------------------------------------------------------------------

  tidy<T>(fn: () => T): T {
    this.scopes.push({ tensors: [] });
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.endScope(undefined);
      throw e;
    }
    if (result instanceof Promise) {
      this.endScope(undefined);
      throw new ValueError(
        "tidy",
        "fn",
        "a synchronous function",
        "a function returning a Promise",
      );
    }
    this.endScope(result);
    return result;
  }

  private endScope(result: unknown): void {
    const scope = this.scopes.pop()!;
    const keep = new Set<Tensor>();
    collectTensors(result, keep);
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of scope.tensors) {
      if (keep.has(t) || t.kept) {
        if (parent && !t.kept) parent.tensors.push(t);
      } else {
        this.disposeTensor(t);
      }
    }
  }

  /** Exempt a tensor from every enclosing and future tidy scope. */
  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    return t;
  }

  // ---- dispatch and tape ---------------------------------------------------------------------

  get recording(): boolean {
    return this.noGradDepth === 0 && this.tapes.length > 0;
  }

  noGrad<T>(fn: () => T): T {
    this.noGradDepth++;
    try {
      return fn();
    } finally {
      this.noGradDepth--;
    }
  }

  /** Add a kernel outside the core set, for one backend. Core kernel names are refused. */
  registerKernel(
    name: string,
    backendName: string,
    kernel: CustomKernelFn,
    coreNames: readonly string[],
  ): void {
    if (coreNames.includes(name)) {
      throw new ValueError(
        "registerKernel",
        "name",
        "a name that is not a core kernel",
        show(name),
      );
    }
    let byBackend = this.customKernels.get(name);
    if (!byBackend) {
      byBackend = new Map();
      this.customKernels.set(name, byBackend);
    }
    byBackend.set(backendName, kernel);
  }

  registerGradient(name: string, grad: CustomGradFn): void {
    this.customGradients.set(name, grad);
  }

  customGradient(name: string): CustomGradFn | undefined {
    return this.customGradients.get(name);
  }

  /** Is `name` registered with registerKernel (on `backendName`, when given)? */
  hasCustomKernel(name: string, backendName?: string): boolean {
    const byBackend = this.customKernels.get(name);
    return byBackend !== undefined && (backendName === undefined || byBackend.has(backendName));
  }

  runKernel<K extends KernelName>(
    name: K,
    inputs: readonly Tensor[],
    attrs: KernelAttrs[K],
    fn: string,
  ): Tensor {
    return this.runAnyKernel(name, inputs, attrs, fn);
  }

  /** Dispatch a core or a registered custom kernel. */
  runAnyKernel(name: string, inputs: readonly Tensor[], attrs: unknown, fn: string): Tensor {
    const backend = inputs.length > 0 ? inputs[0].backend : this.backend;
    for (let i = 0; i < inputs.length; i++) {
      inputs[i].assertLive(fn, `input ${i}`);
      if (inputs[i].backend !== backend) {
        throw new DeviceError(
          fn,
          `input ${i}`,
          `a tensor on '${backend.name}'`,
          `a tensor on '${inputs[i].backend.name}'`,
        );
      }
    }
    const kernel =
      (backend.kernels[name as KernelName] as CustomKernelFn | undefined) ??
      this.customKernels.get(name)?.get(backend.name);
    if (!kernel)
      throw new NotImplementedError(
        fn,
        `kernel '${name}' is not implemented on backend '${backend.name}'`,
      );
    const info = kernel(inputs, attrs, backend);
    if (!backend.supportsDType(info.dtype)) {
      this.disposeInfo(info, backend);
      if (info.aux) this.disposeInfo(info.aux, backend);
      throw new DeviceError(fn, "result", supportedDTypes(backend, info.dtype), info.dtype);
    }
    const out = this.wrap(info, backend);
    if (this.recording) this.record(name, inputs, out, attrs, info.aux);
    else if (info.aux) this.disposeInfo(info.aux, backend);
    return out;
  }

  /**
   * Whether an op on `inputs` will be recorded for a gradient (some recording tape tracks one
   * of them): kernels may then compute what their gradient needs in the same pass (aux).
   */
  recordsGradientOf(inputs: readonly Tensor[]): boolean {
    return this.recording && this.tapes.some((tape) => tracks(tape, inputs));
  }

  private disposeInfo(info: TensorInfo, backend: Backend): void {
    if (!this.records.has(info.dataId)) backend.release(info.dataId);
  }

  private record(
    kernel: string,
    inputs: readonly Tensor[],
    output: Tensor,
    attrs: unknown,
    aux: TensorInfo | undefined,
  ): void {
    let auxKept = false;
    for (const tape of this.tapes) {
      if (!tracks(tape, inputs)) continue;
      tape.tracked.add(output.id);
      for (const t of inputs) this.retain(t.dataId, t.backend);
      this.retain(output.dataId, output.backend);
      if (aux) {
        this.retain(aux.dataId, output.backend);
        auxKept = true;
      }
      tape.nodes.push({
        kernel,
        attrs,
        inputs: inputs.map((t) => ({ id: t.id, info: t, backend: t.backend })),
        output: { id: output.id, info: output, backend: output.backend },
        aux: aux ? { info: aux, backend: output.backend } : undefined,
      });
    }
    if (aux && !auxKept) this.disposeInfo(aux, output.backend);
  }

  /**
   * A fresh handle on recorded storage (the original tensor may be disposed). Tapes still
   * recording that track the original get an identity node from it to the handle, so gradients
   * computed from the handle (a gradient of a gradient) flow back to the original.
   */
  alias(id: number, info: TensorInfo, backend: Backend): Tensor {
    const t = this.wrap(info, backend);
    if (this.noGradDepth > 0) return t;
    for (const tape of this.tapes) {
      if (!tape.tracked.has(id)) continue;
      tape.tracked.add(t.id);
      this.retain(info.dataId, backend);
      this.retain(info.dataId, backend);
      tape.nodes.push({
        kernel: "Reshape",
        attrs: { shape: info.shape },
        inputs: [{ id, info, backend }],
        output: { id: t.id, info: t, backend },
      });
    }
    return t;
  }

  /** Start recording operations that depend on `watched`. */
  pushTape(watched: readonly Tensor[]): Tape {
    const tape: Tape = { tracked: new Set(watched.map((t) => t.id)), nodes: [] };
    this.tapes.push(tape);
    return tape;
  }

  popTape(tape: Tape): void {
    const i = this.tapes.lastIndexOf(tape);
    if (i >= 0) this.tapes.splice(i, 1);
  }

  /** Release the storage a tape retained. */
  freeTape(tape: Tape): void {
    for (const node of tape.nodes) {
      for (const inp of node.inputs) this.releaseData(inp.info.dataId);
      this.releaseData(node.output.info.dataId);
      if (node.aux) this.releaseData(node.aux.info.dataId);
    }
    tape.nodes.length = 0;
  }
}

/** Does the tape track one of `inputs` (so that an op on them is recorded)? */
function tracks(tape: Tape, inputs: readonly Tensor[]): boolean {
  return inputs.some((t) => tape.tracked.has(t.id));
}

function collectTensors(x: unknown, into: Set<Tensor>, depth = 0): void {
  if (x instanceof Tensor) {
    into.add(x);
  } else if (depth < 8 && x !== null && typeof x === "object") {
    if (Array.isArray(x)) for (const v of x) collectTensors(v, into, depth + 1);
    else if (x instanceof Map) for (const v of x.values()) collectTensors(v, into, depth + 1);
    else if (Object.getPrototypeOf(x) === Object.prototype) {
      for (const v of Object.values(x)) collectTensors(v, into, depth + 1);
    }
  }
}

/** The one engine of this copy of @modewise/tensor. */
export const ENGINE = new Engine();
