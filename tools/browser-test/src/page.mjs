// Runs inside the test page (served as /harness.mjs, never bundled or imported by Node): probes
// the GPU environment and calls the entry's exported function. Kept in its own file, served as
// is, so that no test-runner transform (vitest rewrites dynamic imports) touches page code.

/**
 * Runs in the page: which WebGPU adapter and which WebGL2 renderer does this browser really hand
 * out? A test asserts on these so that a silent fallback (no adapter, a CPU path) cannot pass.
 * @returns {Promise<import("./index.d.mts").GpuEnvironment>}
 */
export async function probeGpuEnvironment() {
  /** @type {import("./index.d.mts").GpuEnvironment} */
  const environment = {
    userAgent: navigator.userAgent,
    webgpu: null,
    webgl2: null,
    webgpuError: null,
    webgl2Error: null,
  };
  try {
    const gpu = /** @type {any} */ (navigator).gpu;
    if (!gpu) {
      environment.webgpuError = "navigator.gpu is undefined (WebGPU not enabled)";
    } else {
      const adapter = await gpu.requestAdapter();
      if (!adapter) {
        environment.webgpuError = "navigator.gpu.requestAdapter() returned null";
      } else {
        const info =
          adapter.info ??
          (typeof adapter.requestAdapterInfo === "function"
            ? await adapter.requestAdapterInfo()
            : {});
        environment.webgpu = {
          vendor: String(info.vendor ?? ""),
          architecture: String(info.architecture ?? ""),
          device: String(info.device ?? ""),
          description: String(info.description ?? ""),
          isFallbackAdapter: Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter ?? false),
        };
      }
    }
  } catch (error) {
    environment.webgpuError = String(error);
  }
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2");
    if (!gl) {
      environment.webgl2Error = "canvas.getContext('webgl2') returned null";
    } else {
      const debug = gl.getExtension("WEBGL_debug_renderer_info");
      environment.webgl2 = {
        vendor: String(gl.getParameter(debug ? debug.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
        renderer: String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
        version: String(gl.getParameter(gl.VERSION)),
      };
      gl.getExtension("WEBGL_lose_context")?.loseContext();
    }
  } catch (error) {
    environment.webgl2Error = String(error);
  }
  return environment;
}

/**
 * Imports the bundled entry and returns `JSON.stringify(await entry[name](backend))`.
 * @param {string} name
 * @param {string} backend
 * @returns {Promise<string | undefined>}
 */
export async function callEntry(name, backend) {
  const entry = await import("/entry.js");
  const fn = entry[name];
  if (typeof fn !== "function") {
    throw new Error(`the entry has no exported function ${JSON.stringify(name)}`);
  }
  return JSON.stringify(await fn(backend));
}
