// Backend selection and the errors that say why a backend cannot run here.
import { astype, DeviceError, getBackend, setBackend, tensor, tidy } from "@modewise/tensor";
import {
  FLOAT64_ADVICE,
  GPU_BACKEND_NAMES,
  gpuBackendInfo,
  probeGpuBackends,
  registerGpuBackends,
  useGpu,
} from "@modewise/tensor-gpu";
import { afterAll, describe, expect, it } from "vitest";

afterAll(() => setBackend("cpu"));

describe("useGpu in Node on this machine", () => {
  it("'auto' picks wasm (no WebGPU adapter, no DOM for WebGL2, no 'gl' package)", async () => {
    const probes = await probeGpuBackends();
    expect(probes.wasm).toBe("ok");
    expect(probes.webgl2).toMatch(/no DOM/);
    expect(probes.headlessgl).toMatch(/optional package 'gl'/);
    expect(probes.webgpu).toMatch(/navigator\.gpu|adapter/);
    expect(await useGpu()).toBe("wasm");
    expect(getBackend()).toBe("wasm");
    expect(gpuBackendInfo()).toMatchObject({ name: "wasm", gpuMode: "webasm" });
  });

  it("an explicit unavailable backend throws a DeviceError naming why", async () => {
    await expect(useGpu({ backend: "webgpu" })).rejects.toThrow(DeviceError);
    await expect(useGpu({ backend: "webgpu" })).rejects.toThrow(/navigator\.gpu|adapter/);
    await expect(useGpu({ backend: "webgl2" })).rejects.toThrow(/WebGL2 needs a browser/);
    await expect(useGpu({ backend: "headlessgl" })).rejects.toThrow(
      /optional package 'gl'.*not installed/,
    );
    // A failed request leaves the previous backend active.
    expect(getBackend()).toBe("wasm");
  });

  it("rejects an unknown backend name", async () => {
    // @ts-expect-error: not a backend name
    await expect(useGpu({ backend: "cuda" })).rejects.toThrow(/"auto" or one of/);
  });

  it("registerGpuBackends is idempotent and lists every name; an uninitialised one refuses", () => {
    registerGpuBackends();
    registerGpuBackends();
    for (const n of GPU_BACKEND_NAMES) expect(n).toMatch(/wasm|webgl2|webgpu|headlessgl/);
    expect(() => setBackend("headlessgl")).toThrow(/initialised by await useGpu/);
  });
});

describe("float64 stays on the cpu backend", () => {
  it("creating a float64 tensor on wasm throws the DeviceError with the advice", async () => {
    await useGpu({ backend: "wasm" });
    const make = () => tensor(new Float64Array([1, 2]));
    expect(make).toThrow(DeviceError);
    expect(make).toThrow(
      "float64 stays on the cpu backend: setBackend('cpu') or astype('float32')",
    );
    expect(FLOAT64_ADVICE).toMatch(/never|nothing is downcast/);
  });

  it("astype('float64') of a wasm tensor is refused, never silently downcast", async () => {
    await useGpu({ backend: "wasm" });
    const x = tensor(new Float32Array([1, 2]));
    expect(() => tidy(() => astype(x, "float64"))).toThrow(/float64 stays on the cpu backend/);
    x.dispose();
  });
});
