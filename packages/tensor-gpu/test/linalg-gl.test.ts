/**
 * LINALG's parity cases with gpu.js WebGL2 kernels in headless Chromium (SwiftShader): the GLSL
 * path of matmul / conv / FFT, see linalg-gl-entry.ts. Tolerances are the cases' own.
 * Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH); MODEWISE_SKIP_BROWSER=1 skips.
 */
import { fileURLToPath } from "node:url";
import { browserTestsSkipped, chromiumAvailable, runInChromium } from "@modewise/browser-test";
import { beforeAll, describe, expect, it } from "vitest";
import type { run } from "./linalg-gl-entry.js";
import { linalgCases } from "./parity/cases-linalg.js";

type Report = Awaited<ReturnType<typeof run>>;
const entry = fileURLToPath(new URL("./linalg-gl-entry.ts", import.meta.url));

describe.skipIf(browserTestsSkipped())(
  "LINALG parity cases on gpu.js WebGL2 (Chromium, SwiftShader)",
  () => {
    let report: Report;
    beforeAll(async () => {
      if (!chromiumAvailable())
        throw new Error("no Chromium: install it or set MODEWISE_SKIP_BROWSER=1");
      report = (await runInChromium<Report>({ entry, backend: "webgl2", timeoutMs: 240_000 }))
        .result;
    }, 300_000);

    for (const c of linalgCases)
      it(c.name, () => {
        const r = report.results.find((x) => x.name === c.name);
        expect(r?.error ?? null).toBeNull();
        expect(r?.executor).toBe("gpu.js:webgl2");
        expect(r?.backend).toBe("linalg-gl");
        expect(r?.leaked).toBe(0);
        expect(r?.worst).toBeLessThanOrEqual(r?.tol ?? 0);
        expect(r?.ok).toBe(true);
      });

    it("released every device value (textures) it created", () => {
      expect(report.liveDeviceValues).toBe(0);
    });
  },
);
