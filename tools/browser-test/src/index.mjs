// Runs one exported async function of a TypeScript module inside headless Chromium, so that a test
// written once can exercise the real WebGL2 and WebGPU code paths (SwiftShader, no GPU needed).
//
// Steps: bundle the entry with esbuild for the browser -> serve the bundle from a throwaway
// node:http server on 127.0.0.1 (WebGPU needs a secure context: http://127.0.0.1 is one, file://
// pages are not) -> launch Chromium through playwright-core with the flags for the requested
// backend and a fresh profile -> probe which WebGPU adapter / WebGL renderer the page really gets
// -> call `entry[exportName](backend)` -> return its JSON result. The browser and the server are
// always closed, also when the page throws or times out.

import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { build } from "esbuild";
import { chromium } from "playwright-core";

/** Where Debian's `chromium` package puts the browser; `CHROMIUM_PATH` overrides it. */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags every launch gets: headless, no sandbox (CI runs as root), no background traffic. */
const COMMON_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** WebGL2 through ANGLE on SwiftShader (a conformant software GPU). */
const WEBGL2_FLAGS = ["--enable-unsafe-swiftshader", "--use-angle=swiftshader"];

/** WebGPU (Dawn) on SwiftShader's Vulkan. */
const WEBGPU_FLAGS = [
  "--enable-unsafe-webgpu",
  "--use-webgpu-adapter=swiftshader",
  "--enable-features=Vulkan",
];

/**
 * The Chromium flags for a backend name: webgl2 and webgpu get their own set; anything else
 * (e.g. "wasm", "auto") gets both, so the page may pick.
 * @param {string} backend
 * @returns {string[]}
 */
export function chromiumFlags(backend) {
  if (backend === "webgl2") return [...COMMON_FLAGS, ...WEBGL2_FLAGS];
  if (backend === "webgpu") return [...COMMON_FLAGS, ...WEBGPU_FLAGS];
  return [...COMMON_FLAGS, ...WEBGL2_FLAGS, ...WEBGPU_FLAGS];
}

/** @returns {string} the Chromium executable this runner would launch */
export function chromiumPath() {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

/** @returns {boolean} whether that executable exists */
export function chromiumAvailable() {
  return existsSync(chromiumPath());
}

/**
 * Whether browser tests should be skipped instead of failing when Chromium is missing: only when
 * the user asks for it with MODEWISE_SKIP_BROWSER=1 (CI installs Chromium and must not skip).
 * @returns {boolean}
 */
export function browserTestsSkipped() {
  return process.env.MODEWISE_SKIP_BROWSER === "1";
}

/** Thrown when the browser cannot be found or launched; the message says how to fix it. */
export class BrowserUnavailableError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "BrowserUnavailableError";
  }
}

/**
 * Bundles `entry` for the browser (ESM, all dependencies inlined; @modewise/* packages resolve
 * through node_modules and their `exports` to dist/, like in the Node tests).
 * @param {string} entry absolute or cwd-relative path of the entry module
 * @param {Record<string, string>} [substitutes] import specifier (exactly as written) -> file
 *   to bundle instead, e.g. to run an entry against a stand-in module
 * @returns {Promise<string>} the bundle's source
 */
export async function bundleForBrowser(entry, substitutes = {}) {
  const entryPath = resolve(entry);
  /** @type {import("esbuild").Plugin} */
  const substitute = {
    name: "modewise-substitutes",
    setup(pluginBuild) {
      const names = Object.keys(substitutes);
      if (names.length === 0) return;
      const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
      pluginBuild.onResolve({ filter: new RegExp(`^(${escaped.join("|")})$`) }, (args) => ({
        path: resolve(substitutes[args.path]),
      }));
    },
  };
  const result = await build({
    entryPoints: [entryPath],
    absWorkingDir: dirname(entryPath),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    sourcemap: "inline",
    logLevel: "silent",
    plugins: [substitute],
    // Some libraries branch on process.env.NODE_ENV, which does not exist in a page. Node
    // built-ins are not polyfilled: platform "browser" makes an import of one a build error.
    define: { "process.env.NODE_ENV": '"test"' },
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entryPath}`);
  return file.text;
}

/**
 * Bundles a Node entry the way the GPU device check is shipped (/work/shared/device/prepare.sh):
 * one ESM file for Node 20 with every dependency inlined except `external` (native packages such
 * as `webgpu`, resolved at run time from the output file's node_modules).
 * @param {{ entry: string, outfile: string, external?: string[] }} options
 * @returns {Promise<void>}
 */
export async function bundleForNode({ entry, outfile, external = ["webgpu", "gl"] }) {
  const entryPath = resolve(entry);
  await build({
    entryPoints: [entryPath],
    absWorkingDir: dirname(entryPath),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    outfile,
    logLevel: "silent",
    // CommonJS dependencies inside an ESM bundle call require(): give them one.
    banner: {
      js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);",
    },
  });
}

const PAGE_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>modewise browser test</title></head><body></body></html>';

/**
 * Serves the page and the bundle on 127.0.0.1 at a random free port.
 * @param {string} bundle
 * @param {string} harness the page-side helper module (page.mjs)
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
async function serve(bundle, harness) {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/" || path === "/index.html") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(PAGE_HTML);
    } else if (path === "/harness.mjs") {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      response.end(harness);
    } else if (path === "/entry.js") {
      response.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      response.end(bundle);
    } else if (path === "/favicon.ico") {
      response.writeHead(204);
      response.end();
    } else {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("not found");
    }
  });
  await new Promise((ready, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ready(undefined));
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    url: `http://127.0.0.1:${address.port}/`,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * Bundles `entry`, opens it in headless Chromium and returns `await entry[exportName](backend)`
 * (JSON round-tripped), the GPU environment the page saw, and the page's console errors.
 * @param {import("./index.d.mts").RunInChromiumOptions} options
 * @returns {Promise<import("./index.d.mts").RunInChromiumResult<unknown>>}
 */
export async function runInChromium(options) {
  const { entry, backend, timeoutMs = 120_000, exportName = "run", substitutes = {} } = options;
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new BrowserUnavailableError(
      `runInChromium: no Chromium at ${executablePath}. Install it (Debian: apt-get install -y chromium; ` +
        "CI's .ci/run does this) or point CHROMIUM_PATH at a Chromium binary; " +
        "set MODEWISE_SKIP_BROWSER=1 to skip the browser tests instead.",
    );
  }
  const started = performance.now();
  const bundle = await bundleForBrowser(entry, substitutes);
  const harness = await readFile(new URL("./page.mjs", import.meta.url), "utf8");
  const server = await serve(bundle, harness);
  const userDataDir = await mkdtemp(join(tmpdir(), "modewise-chromium-"));
  /** @type {string[]} */
  const consoleErrors = [];
  /** @type {import("playwright-core").BrowserContext | undefined} */
  let context;
  try {
    try {
      // A persistent context on a fresh temporary profile: playwright's way of passing
      // --user-data-dir (it refuses the raw flag), so no state leaks between runs.
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath,
        headless: true,
        args: chromiumFlags(backend),
        timeout: 60_000,
      });
    } catch (error) {
      throw new BrowserUnavailableError(
        `runInChromium: Chromium at ${executablePath} did not start: ${String(error)}`,
      );
    }
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(timeoutMs);
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(`pageerror: ${error.message}`));
    await page.goto(server.url);
    // Page-side code is passed as source text (see page.mjs for why).
    const environment = /** @type {import("./index.d.mts").GpuEnvironment} */ (
      await page.evaluate('import("/harness.mjs").then((h) => h.probeGpuEnvironment())')
    );
    const call = page.evaluate(
      `import("/harness.mjs").then((h) => h.callEntry(${JSON.stringify(exportName)}, ${JSON.stringify(backend)}))`,
    );
    // After a timeout the call is abandoned and rejects when the browser closes: not an error.
    call.catch(() => {});
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const timeout = new Promise((_, fail) => {
      timer = setTimeout(
        () => fail(new Error(`runInChromium: ${exportName}(${backend}) ran over ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    let json;
    try {
      json = await Promise.race([call, timeout]);
    } catch (error) {
      const distinct = [...new Set(consoleErrors)];
      const errors = distinct.length
        ? `\npage console errors (${consoleErrors.length}, ${distinct.length} distinct):\n${distinct.slice(0, 20).join("\n")}`
        : "";
      // An entry may publish how far it got (globalThis.__browserTestProgress, any JSON value):
      // after a timeout or a crash that says which step hung.
      // (A page stuck in a synchronous loop never answers: give up on it after 5 s.)
      const progress = await Promise.race([
        page.evaluate("JSON.stringify(globalThis.__browserTestProgress ?? null)").catch(() => null),
        new Promise((done) => setTimeout(() => done(null), 5_000).unref()),
      ]);
      const last =
        typeof progress === "string" && progress !== "null"
          ? `\nlast progress reported by the page: ${progress}`
          : "";
      throw new Error(`${String(error instanceof Error ? error.message : error)}${errors}${last}`);
    } finally {
      clearTimeout(timer);
    }
    return {
      result: json === undefined ? undefined : JSON.parse(/** @type {string} */ (json)),
      environment,
      consoleErrors,
      // A persistent context has no Browser object: read the version from the user agent.
      browserVersion:
        context.browser()?.version() ??
        /Chrome\/([\d.]+)/.exec(environment.userAgent)?.[1] ??
        "unknown",
      elapsedMs: performance.now() - started,
    };
  } finally {
    await context?.close().catch(() => {});
    await server.close();
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  }
}
