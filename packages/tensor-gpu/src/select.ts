/// <reference types="@webgpu/types" preserve="true" />
/**
 * Backend selection: registering the GPU backends with the tensor core's registry, probing
 * which really initialise here, the explicit override, and the Dawn shim for Node's `webgpu`
 * package. "auto" prefers webgpu > webgl2 > headlessgl > wasm and takes the first whose
 * initialisation succeeds (a present API without an adapter / context does not count).
 */
import { DeviceError, getBackend, registerBackend, setBackend } from "@modewise/tensor";
import { GPU, WebGPUContext } from "gpu.js";
import {
  GpuBackend,
  type GpuBackendName,
  type GpuInstance,
  MODE_OF,
} from "./backend/gpu-backend.js";
import { registerFftKernels } from "./kernels/fft.js";
import { GPU_KERNELS } from "./kernels/register.js";

export const GPU_BACKEND_NAMES: readonly GpuBackendName[] = [
  "webgpu",
  "webgl2",
  "headlessgl",
  "wasm",
];

const instances = new Map<GpuBackendName, GpuBackend>();
let registered = false;
let lastUsed: GpuBackend | undefined;

/** Register every GPU backend name with the engine (idempotent). Use them after useGpu(). */
export function registerGpuBackends(): void {
  if (registered) return;
  registered = true;
  for (const name of GPU_BACKEND_NAMES) {
    registerBackend(name, () => {
      const b = instances.get(name);
      if (!b) {
        throw new DeviceError(
          "setBackend",
          "name",
          `a GPU backend initialised by await useGpu({ backend: '${name}' })`,
          `'${name}' before initialisation`,
        );
      }
      return b;
    });
  }
}

/** Why a backend cannot start here, or a started GpuBackend. */
async function initialise(name: GpuBackendName): Promise<GpuBackend> {
  const existing = instances.get(name);
  if (existing) return existing;
  const fail = (why: string): never => {
    throw new DeviceError("useGpu", "backend", `a usable '${name}' backend`, why);
  };
  let context: { adapter: GPUAdapter; device: GPUDevice } | undefined;
  let label: string | undefined;
  if (name === "webgpu") {
    const nav = (globalThis as { navigator?: { gpu?: GPU_ } }).navigator;
    if (!nav?.gpu) {
      fail(
        "no navigator.gpu (in Node: install the 'webgpu' package and call applyDawnShim, see the README)",
      );
    }
    const adapter = await nav!.gpu!.requestAdapter().catch(() => null);
    if (!adapter) fail("navigator.gpu.requestAdapter() returned no adapter on this machine");
    try {
      const ctx = await WebGPUContext.acquire();
      context = ctx;
      const info = (
        ctx.adapter as unknown as {
          info?: { vendor?: string; architecture?: string; description?: string };
        }
      ).info;
      label =
        [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(" ") ||
        "webgpu adapter";
    } catch (e) {
      fail(`WebGPU device request failed: ${(e as Error).message}`);
    }
  } else if (name === "webgl2") {
    const doc = (
      globalThis as { document?: { createElement(t: string): { getContext(k: string): unknown } } }
    ).document;
    if (!doc) fail("no DOM (WebGL2 needs a browser; in Node use 'wasm' or 'headlessgl')");
    const gl = doc!.createElement("canvas").getContext("webgl2") as {
      getParameter(p: number): unknown;
    } | null;
    if (!gl) fail("canvas.getContext('webgl2') returned null (WebGL2 disabled or unavailable)");
    label = String(gl!.getParameter(0x1f01)); // RENDERER
  } else if (name === "headlessgl") {
    // A computed specifier: bundlers must not try to resolve the optional native package.
    const spec = "gl";
    try {
      const mod = (await import(/* @vite-ignore */ spec)) as { default?: unknown };
      if (typeof (mod.default ?? mod) !== "function")
        fail("package 'gl' loaded but exports no context factory");
    } catch (e) {
      if (e instanceof DeviceError) throw e;
      fail(
        `optional package 'gl' (headless-gl) is not installed or its native build is missing: ${(e as Error).message.split("\n")[0]}`,
      );
    }
    label = "headless-gl";
  } else if (name === "wasm") {
    if (typeof WebAssembly !== "object") fail("WebAssembly is not available");
    label = "WebAssembly (gpu.js webasm, f32x4 SIMD)";
  }
  const gpu = new GPU({ mode: MODE_OF[name] }) as unknown as GpuInstance;
  const backend = new GpuBackend(name, gpu, MODE_OF[name], context, label);
  backend.kernels = GPU_KERNELS;
  instances.set(name, backend);
  registerFftKernels(name);
  return backend;
}

/** Minimal view of navigator.gpu (avoids depending on DOM lib declarations at runtime). */
interface GPU_ {
  requestAdapter(options?: unknown): Promise<GPUAdapter | null>;
}

/**
 * Initialise a GPU backend and make it active. `backend: "auto"` (default) tries webgpu, webgl2,
 * headlessgl, wasm in that order; an explicit name throws a DeviceError saying why it cannot
 * run here. Returns the name of the backend now active.
 */
export async function useGpu(
  opts: { backend?: GpuBackendName | "auto" } = {},
): Promise<GpuBackendName> {
  registerGpuBackends();
  const wanted = opts.backend ?? "auto";
  if (wanted !== "auto") {
    if (!(GPU_BACKEND_NAMES as readonly string[]).includes(wanted)) {
      throw new DeviceError(
        "useGpu",
        "backend",
        `"auto" or one of ${GPU_BACKEND_NAMES.join(", ")}`,
        String(wanted),
      );
    }
    lastUsed = await initialise(wanted);
    setBackend(wanted);
    return wanted;
  }
  const reasons: string[] = [];
  for (const name of GPU_BACKEND_NAMES) {
    try {
      lastUsed = await initialise(name);
      setBackend(name);
      return name;
    } catch (e) {
      reasons.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new DeviceError("useGpu", "backend", "any GPU backend", reasons.join("; "));
}

/** Why each GPU backend would or would not start here (does not change the active backend). */
export async function probeGpuBackends(): Promise<Record<GpuBackendName, string>> {
  const out = {} as Record<GpuBackendName, string>;
  for (const name of GPU_BACKEND_NAMES) {
    try {
      await initialise(name);
      out[name] = "ok";
    } catch (e) {
      out[name] = (e as Error).message;
    }
  }
  return out;
}

export interface GpuBackendInfo {
  name: GpuBackendName;
  gpuMode: string;
  device?: string;
  liveBuffers: number;
  liveBytes: number;
  compiledKernels: number;
}

/** The active GPU backend (or the last one useGpu initialised) and its live-buffer counters. */
export function gpuBackendInfo(): GpuBackendInfo {
  const active = instances.get(getBackend() as GpuBackendName) ?? lastUsed;
  if (!active) {
    throw new DeviceError(
      "gpuBackendInfo",
      "backend",
      "a GPU backend initialised by useGpu()",
      getBackend(),
    );
  }
  return {
    name: active.name,
    gpuMode: active.mode,
    device: active.deviceLabel,
    liveBuffers: active.storage.liveBuffers,
    liveBytes: active.storage.liveBytes,
    compiledKernels: active.cache.size,
  };
}

/** The GpuBackend instance behind `name`, once initialised. */
export function gpuBackend(name: GpuBackendName): GpuBackend | undefined {
  return instances.get(name);
}

/**
 * Dawn (Node's `webgpu` package) rejects `device.onuncapturederror = fn`, which gpu.js 2.24.1
 * assigns. Wrap requestAdapter so the device it yields is a Proxy that binds methods to the
 * real device and turns that assignment into addEventListener('uncapturederror', fn).
 */
export function applyDawnShim(navigatorGpu: GPU_): void {
  const original = navigatorGpu.requestAdapter.bind(navigatorGpu);
  navigatorGpu.requestAdapter = async (options?: unknown) => {
    const adapter = await original(options);
    if (!adapter) return adapter;
    const requestDevice = adapter.requestDevice.bind(adapter);
    return new Proxy(adapter, {
      get(target, prop) {
        if (prop === "requestDevice") {
          return async (desc?: GPUDeviceDescriptor) => shimDevice(await requestDevice(desc));
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
  };
}

function shimDevice(device: GPUDevice): GPUDevice {
  return new Proxy(device, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
    set(target, prop, value) {
      if (prop === "onuncapturederror") {
        if (typeof value === "function") target.addEventListener("uncapturederror", value);
        return true;
      }
      return Reflect.set(target, prop, value, target);
    },
  });
}
