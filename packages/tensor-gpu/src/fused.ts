/**
 * Fusion of hot elementwise chains through gpu.js `createPipeline`: the whole chain is traced
 * once into a plan whose intermediates never leave the device (webasm: one shared wasm memory,
 * 'fused-sync' / 'fused-threaded'; webgpu: one command encoder, 'fused-encoder'; GL: 'generic'),
 * with one readback per call. Exposed as a fused Adam step, the optimiser update of a training
 * loop: m' = b1 m + (1 - b1) g, v' = b2 v + (1 - b2) g^2, p' = p - lr_t m' / (sqrt(v') + eps_t)
 * with lr_t = lr sqrt(1 - b2^t) / (1 - b1^t), eps_t = eps sqrt(1 - b2^t) (Kingma & Ba 2015, §2,
 * the "efficient version" of Algorithm 1). The pipeline's executorKind / fallbackReason say
 * what really ran, so a silent degradation is visible.
 */
import { DeviceError, getBackend, type Tensor, tensor } from "@modewise/tensor";
import type { GpuBackendName } from "./backend/gpu-backend.js";
import type { GpuKernelThis } from "./kernels/linalg-host.js";
import { gpuBackend } from "./select.js";

/** Introspection of a compiled gpu.js pipeline. */
export interface FusedPipeline {
  readonly executorKind: string;
  readonly fallbackReason: string | null;
  readonly backend: string;
}

interface PipelineRunner extends FusedPipeline {
  (...args: unknown[]): Promise<Record<string, Float32Array>>;
}

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** 1-based step count t (bias correction). */
  step: number;
}

function mUpdate(this: GpuKernelThis, m: Float32Array, g: Float32Array, h: Float32Array): number {
  const i = this.thread.x;
  return h[0] * m[i] + h[1] * g[i];
}

function vUpdate(this: GpuKernelThis, v: Float32Array, g: Float32Array, h: Float32Array): number {
  const i = this.thread.x;
  return h[2] * v[i] + h[3] * g[i] * g[i];
}

function pUpdate(
  this: GpuKernelThis,
  p: Float32Array,
  m: Float32Array,
  v: Float32Array,
  h: Float32Array,
): number {
  const i = this.thread.x;
  return p[i] - (h[4] * m[i]) / (Math.sqrt(v[i]) + h[5]);
}

const pipelines = new Map<string, PipelineRunner>();

function adamPipeline(name: GpuBackendName, n: number): PipelineRunner {
  const key = `${name}:${n}`;
  const hit = pipelines.get(key);
  if (hit) return hit;
  const backend = gpuBackend(name);
  if (!backend?.gpu.createPipeline) {
    throw new DeviceError("fusedAdamStep", "backend", "an initialised gpu.js backend", name);
  }
  const settings = { output: [n], precision: "single" };
  const km = backend.gpu.createKernel(mUpdate, settings);
  const kv = backend.gpu.createKernel(vUpdate, settings);
  const kp = backend.gpu.createKernel(pUpdate, settings);
  const pipeline = backend.gpu.createPipeline(function adam(
    p: unknown,
    g: unknown,
    m: unknown,
    v: unknown,
    h: unknown,
  ) {
    const m2 = km(m, g, h);
    const v2 = kv(v, g, h);
    return { p: kp(p, m2, v2, h), m: m2, v: v2 };
  }) as PipelineRunner;
  pipelines.set(key, pipeline);
  return pipeline;
}

/**
 * One Adam update of a float32 parameter on the active GPU backend, fused into one gpu.js
 * pipeline. Returns new tensors (the caller disposes the old ones) and the pipeline, whose
 * executorKind tells what ran.
 */
export async function fusedAdamStep(
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  opts: AdamOptions,
): Promise<{ param: Tensor; m: Tensor; v: Tensor; pipeline: FusedPipeline }> {
  const name = getBackend() as GpuBackendName;
  for (const [arg, t] of [
    ["param", param],
    ["grad", grad],
    ["m", m],
    ["v", v],
  ] as const) {
    if (t.dtype !== "float32" || t.size !== param.size) {
      throw new DeviceError(
        "fusedAdamStep",
        arg,
        `a float32 tensor of ${param.size} elements`,
        `${t.dtype} of ${t.size}`,
      );
    }
  }
  const b1 = opts.beta1 ?? 0.9;
  const b2 = opts.beta2 ?? 0.999;
  const eps = opts.eps ?? 1e-8;
  const c2 = Math.sqrt(1 - b2 ** opts.step);
  // 1 - beta is passed as its own f32 number: computing it in f32 from a rounded beta2 = 0.999
  // would cost up to 1000 u of relative error.
  const h = new Float32Array([
    b1,
    1 - b1,
    b2,
    1 - b2,
    (opts.lr * c2) / (1 - b1 ** opts.step),
    eps * c2,
  ]);
  const pipeline = adamPipeline(name, param.size);
  const [pv, gv, mv, vv] = (await Promise.all([
    param.data(),
    grad.data(),
    m.data(),
    v.data(),
  ])) as Float32Array[];
  const out = await pipeline(pv, gv, mv, vv, h);
  const shape = param.shape.slice();
  return {
    param: tensor(out.p, { dtype: "float32", shape }),
    m: tensor(out.m, { dtype: "float32", shape }),
    v: tensor(out.v, { dtype: "float32", shape }),
    pipeline: {
      executorKind: pipeline.executorKind,
      fallbackReason: pipeline.fallbackReason,
      backend: pipeline.backend,
    },
  };
}

/** The fused helper under the name the plan uses. */
export const fused = { adamStep: fusedAdamStep };
