import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  browserTestsSkipped,
  bundleForBrowser,
  chromiumAvailable,
  chromiumFlags,
  chromiumPath,
  runInChromium,
} from "../src/index.mjs";
import type { EntryResult } from "./fixtures/gpu-entry.js";

const entry = fileURLToPath(new URL("./fixtures/gpu-entry.ts", import.meta.url));
// Exact in f32: x * x + 1 for x < 256 is an integer below 2^24, and both paths compute it in f32.
const expected = Array.from({ length: 256 }, (_, x) => x * x + 1);

// Without Chromium the browser tests fail (CI installs it) unless MODEWISE_SKIP_BROWSER=1.
const skip = browserTestsSkipped();
const describeBrowser = skip ? describe.skip : describe;

describe("chromiumFlags", () => {
  it("enables SwiftShader WebGL2 for webgl2 and SwiftShader WebGPU for webgpu", () => {
    expect(chromiumFlags("webgl2")).toContain("--use-angle=swiftshader");
    expect(chromiumFlags("webgl2")).not.toContain("--enable-unsafe-webgpu");
    expect(chromiumFlags("webgpu")).toContain("--use-webgpu-adapter=swiftshader");
    expect(chromiumFlags("webgpu")).toContain("--headless");
    expect(chromiumFlags("wasm")).toEqual(
      expect.arrayContaining(["--use-angle=swiftshader", "--enable-unsafe-webgpu"]),
    );
  });
});

describe("bundleForBrowser", () => {
  it("bundles a TypeScript entry into one ES module", async () => {
    const code = await bundleForBrowser(entry);
    expect(code).toContain("transformFeedbackVaryings");
    expect(code).toMatch(/export\s*\{/);
  });

  it("bundles a substitute in place of an import when asked", async () => {
    const substituteEntry = fileURLToPath(
      new URL("./fixtures/substitute-entry.ts", import.meta.url),
    );
    const standIn = fileURLToPath(new URL("./fixtures/answer-stand-in.ts", import.meta.url));
    expect(await bundleForBrowser(substituteEntry)).toMatch(/answer = 1\b/);
    const substituted = await bundleForBrowser(substituteEntry, { "./answer.js": standIn });
    expect(substituted).toMatch(/answer = 42\b/);
    expect(substituted).not.toMatch(/answer = 1\b/);
  });
});

describeBrowser("runInChromium", () => {
  it("finds Chromium", () => {
    expect(
      chromiumAvailable(),
      `no Chromium at ${chromiumPath()}: apt-get install -y chromium, or set CHROMIUM_PATH, or MODEWISE_SKIP_BROWSER=1 to skip`,
    ).toBe(true);
  });

  it("computes on a real WebGL2 context (SwiftShader), not a fallback", async () => {
    const run = await runInChromium<EntryResult>({ entry, backend: "webgl2", timeoutMs: 60_000 });
    expect(run.environment.webgl2Error).toBeNull();
    expect(run.environment.webgl2?.renderer).toMatch(/SwiftShader/i);
    expect(run.result.backend).toBe("webgl2");
    expect(run.browserVersion).toMatch(/^\d+\.\d+/);
    expect(run.result.values).toEqual(expected);
    expect(run.consoleErrors).toEqual([]);
  }, 120_000);

  it("computes on a real WebGPU device (SwiftShader adapter), not a fallback", async () => {
    const run = await runInChromium<EntryResult>({ entry, backend: "webgpu", timeoutMs: 60_000 });
    expect(run.environment.webgpuError).toBeNull();
    const adapter = run.environment.webgpu;
    expect(adapter).not.toBeNull();
    expect(`${adapter?.vendor} ${adapter?.architecture} ${adapter?.description}`).toMatch(
      /swiftshader|google/i,
    );
    expect(run.result.values).toEqual(expected);
    expect(run.consoleErrors).toEqual([]);
  }, 120_000);

  it("returns the page's error message and console errors when the function throws", async () => {
    await expect(
      runInChromium({ entry, backend: "webgl2", exportName: "fail", timeoutMs: 30_000 }),
    ).rejects.toThrow(/failing on purpose[\s\S]*about to fail on purpose/);
  }, 120_000);

  it("times out and reports the last progress the page published", async () => {
    await expect(
      runInChromium({ entry, backend: "webgl2", exportName: "hang", timeoutMs: 2_000 }),
    ).rejects.toThrow(/hang\(webgl2\) ran over 2000 ms[\s\S]*stuck here/);
  }, 120_000);

  it("says which export is missing", async () => {
    await expect(
      runInChromium({ entry, backend: "webgl2", exportName: "nope", timeoutMs: 30_000 }),
    ).rejects.toThrow(/no exported function "nope"/);
  }, 120_000);
});

describe("runInChromium without a browser", () => {
  it("fails with a message that says how to install or skip", async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = "/nonexistent/chromium";
    try {
      await expect(runInChromium({ entry, backend: "webgl2" })).rejects.toThrow(
        /no Chromium at \/nonexistent\/chromium[\s\S]*apt-get install -y chromium[\s\S]*MODEWISE_SKIP_BROWSER=1/,
      );
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});
