/** Types for the browser test runner (the implementation is plain ESM in index.mjs). */

/** What the page's `navigator.gpu.requestAdapter()` handed out. */
export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** What a WebGL2 context in the page reports (unmasked through WEBGL_debug_renderer_info). */
export interface WebGl2RendererInfo {
  vendor: string;
  renderer: string;
  version: string;
}

/** The GPU environment the page really saw, probed before the entry runs. */
export interface GpuEnvironment {
  userAgent: string;
  webgpu: WebGpuAdapterInfo | null;
  webgl2: WebGl2RendererInfo | null;
  webgpuError: string | null;
  webgl2Error: string | null;
}

export interface RunInChromiumOptions {
  /** Path of the TS/JS module to bundle; it must export `exportName` as an async function. */
  entry: string;
  /** Backend name passed to the function; also picks the Chromium flags (webgl2 / webgpu / both). */
  backend: string;
  /** Limit for the call inside the page, in ms (default 120000). */
  timeoutMs?: number;
  /** Name of the exported function (default "run"). */
  exportName?: string;
  /** Import specifier (exactly as written in the source) -> file bundled in its place. */
  substitutes?: Record<string, string>;
}

export interface RunInChromiumResult<T> {
  /** The function's return value, JSON round-tripped (typed arrays become objects: return arrays). */
  result: T;
  environment: GpuEnvironment;
  /** console.error messages and uncaught page errors, in order. */
  consoleErrors: string[];
  browserVersion: string;
  /** Bundling + launch + run, in ms. */
  elapsedMs: number;
}

export const DEFAULT_CHROMIUM_PATH: string;
export function chromiumFlags(backend: string): string[];
export function chromiumPath(): string;
export function chromiumAvailable(): boolean;
export function browserTestsSkipped(): boolean;
export class BrowserUnavailableError extends Error {}
export function bundleForBrowser(
  entry: string,
  substitutes?: Record<string, string>,
): Promise<string>;
export function bundleForNode(options: {
  entry: string;
  outfile: string;
  external?: string[];
}): Promise<void>;
export function runInChromium<T = unknown>(
  options: RunInChromiumOptions,
): Promise<RunInChromiumResult<T>>;
