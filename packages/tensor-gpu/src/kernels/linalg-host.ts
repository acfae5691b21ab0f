/// <reference types="@webgpu/types" preserve="true" />
/**
 * What LINALG's kernel files (matmul.ts, conv.ts, fft.ts) need from the GPU backend: the
 * structural subset of GpuBackend's kernel contract (see the package's plan), declared here so
 * these kernels compile and are testable on their own. GpuBackend satisfies it structurally.
 */
import type { Backend, DataId, DType, Shape, TensorInfo } from "@modewise/tensor";

/** `this` inside a gpu.js kernel function (only what our kernels read). */
export interface GpuKernelThis {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly constants: Readonly<Record<string, number>>;
}

/** A compiled gpu.js kernel: callable, with the introspection fields we assert on. */
export interface GpuKernelRunner {
  (...args: unknown[]): unknown;
  readonly kernel?: {
    readonly constructor: { readonly mode?: string };
    readonly fallbackReason?: string | null;
    /** GL kernels: their rendering context. */
    readonly context?: unknown;
  };
}

/** The gpu.js GPU instance, reduced to createKernel. */
export interface GpuLike {
  createKernel(
    // biome-ignore lint/suspicious/noExplicitAny: gpu.js kernels take positional arrays of many shapes
    fn: (this: GpuKernelThis, ...args: any[]) => number,
    settings: {
      output: number[];
      constants: Record<string, number>;
      pipeline: boolean;
      immutable?: boolean;
      tactic?: "speed" | "balanced" | "precision";
      precision?: "single";
    },
  ): GpuKernelRunner;
}

export type GpuMode = "webasm" | "webgl2" | "webgpu" | "headlessgl";

/**
 * Run a gpu.js kernel (compiled once under `key` by `build`) over `inputs` plus plain
 * `extraArgs`, record `op`'s executor and adopt the output of `shape` / `dtype`. The signature of
 * GpuBackend.run and of launch() (after its host), spelled once here.
 */
export type KernelLauncher = (
  op: string,
  key: string,
  build: () => GpuKernelRunner,
  inputs: readonly TensorInfo[],
  shape: Shape,
  dtype: DType,
  extraArgs?: readonly unknown[],
) => TensorInfo;

export interface LinalgHost extends Backend {
  readonly gpu: GpuLike;
  readonly mode: GpuMode;
  /** Compile-once cache: `build` runs the first time `key` is seen. */
  kernel(key: string, build: () => GpuKernelRunner): GpuKernelRunner;
  /** What a gpu.js kernel accepts as an argument for this tensor (flat, interleaved complex). */
  deviceValue(dataId: DataId): unknown;
  /** Wrap a kernel output (ownership moves to the backend). */
  adopt(result: unknown, shape: Shape, dtype: DType): TensorInfo;
  /** WebGPU only: the device gpu.js uses, the GPUBuffer of a tensor, a buffer adopted as output. */
  webgpuDevice?(): GPUDevice;
  gpuBuffer?(dataId: DataId): GPUBuffer;
  adoptBuffer?(buffer: GPUBuffer, shape: Shape, dtype: DType): TensorInfo;
  /**
   * GpuBackend's launcher: run a compiled kernel over device inputs and adopt the output,
   * chaining on inputs whose (webgpu) kernels are still pending and pinning them meanwhile.
   * When absent (unit-test stand-ins), launch() calls the kernel directly.
   */
  run?: KernelLauncher;
  /** The `{ adapter, device }` of WebGPUContext.acquire() (gpu.js compares it by identity). */
  readonly webgpuContext?: unknown;
  /** GpuBackend's device records: pending (webgpu first compiles) and pins, for WGSL passes. */
  readonly storage?: {
    get(id: DataId): { pending: Promise<void> | undefined; pins: number };
    unpin(record: { pending: Promise<void> | undefined; pins: number }): void;
  };
}

/**
 * Run a gpu.js kernel (compiled once under `key`) over `inputs` plus plain `extraArgs` and adopt
 * its output of `shape` / `dtype`: through the backend's `run` (pending-aware) when it has one.
 */
export function launch(
  host: LinalgHost,
  ...[op, key, build, inputs, shape, dtype, extraArgs = []]: Parameters<KernelLauncher>
): TensorInfo {
  if (host.run) return host.run(op, key, build, inputs, shape, dtype, extraArgs);
  const runner = host.kernel(key, build);
  const out = runner(...inputs.map((t) => host.deviceValue(t.dataId)), ...extraArgs);
  recordExecutor(op, gpuJsExecutor(runner));
  return host.adopt(out, shape, dtype);
}

/**
 * Which executor ran the last call of each LINALG op ("gpu.js:webasm", "wgsl", "cpu-kernel"...).
 * Kept on globalThis under a registered symbol so that every copy of this module (a test bundle
 * that imports the source next to the package's dist, say) reads and writes the same record.
 */
const EXECUTORS_KEY = Symbol.for("@modewise/tensor-gpu:linalg-executors");
const shared = globalThis as Record<symbol, Map<string, string> | undefined>;
const lastExecutor: Map<string, string> = shared[EXECUTORS_KEY] ?? new Map<string, string>();
shared[EXECUTORS_KEY] = lastExecutor;

export function recordExecutor(op: string, executor: string): void {
  lastExecutor.set(op, executor);
}

/** The executor of the last `op` call on this thread, for parity cases that must not accept a silent fallback. */
export function linalgExecutor(op: string): string | undefined {
  return lastExecutor.get(op);
}

/** "gpu.js:<mode that really ran>", or "gpu.js:cpu-fallback(<reason>)" when gpu.js degraded. */
export function gpuJsExecutor(runner: GpuKernelRunner): string {
  const k = runner.kernel;
  if (!k) return "gpu.js:unknown";
  if (k.fallbackReason) return `gpu.js:cpu-fallback(${k.fallbackReason})`;
  const mode = k.constructor.mode ?? "unknown";
  // Every GL kernel class says "gpu": tell WebGL2 from WebGL 1 and headless-gl by the context.
  if (mode === "gpu") return `gpu.js:${glFlavour(k.context)}`;
  return `gpu.js:${mode}`;
}

function glFlavour(context: unknown): string {
  const g = globalThis as { WebGL2RenderingContext?: unknown; WebGLRenderingContext?: unknown };
  const is = (ctor: unknown) => typeof ctor === "function" && context instanceof ctor;
  if (is(g.WebGL2RenderingContext)) return "webgl2";
  if (is(g.WebGLRenderingContext)) return "webgl";
  return "headlessgl";
}
