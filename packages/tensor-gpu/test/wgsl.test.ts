/**
 * LINALG's hand-written WGSL kernels (tiled matmul, radix-4 Stockham FFT) run in headless
 * Chromium on WebGPU (SwiftShader: a conformant software GPU, so the shaders really run) and
 * checked in Node against float64 references. Tolerances as in the gpu.js tests: matmul
 * gamma_K sum_k |a_k b_k| per output (fma accumulation is at least as accurate); FFT
 * 2 log2(n) u ||y||_2 per line (radix-4 passes count as two radix-2 passes).
 *
 * Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH); MODEWISE_SKIP_BROWSER=1 skips.
 */
import { fileURLToPath } from "node:url";
import { browserTestsSkipped, chromiumAvailable, runInChromium } from "@modewise/browser-test";
import { beforeAll, describe, expect, it } from "vitest";
import { seeded } from "./linalg-data.js";
import { WGSL_FFT_CASES, WGSL_MATMUL_CASES } from "./wgsl-cases.js";
import type { run } from "./wgsl-entry.js";
import { type run as runHost, WGSL_ROUTED_CASES } from "./wgsl-host-entry.js";

type Report = Awaited<ReturnType<typeof run>>;
const U = 2 ** -24;
const entry = fileURLToPath(new URL("./wgsl-entry.ts", import.meta.url));
const skip = browserTestsSkipped();

describe.skipIf(skip)("WGSL kernels in Chromium WebGPU (SwiftShader)", () => {
  let report: Report;
  beforeAll(async () => {
    if (!chromiumAvailable())
      throw new Error("no Chromium: install it or set MODEWISE_SKIP_BROWSER=1");
    const r = await runInChromium<Report>({ entry, backend: "webgpu", timeoutMs: 120_000 });
    report = r.result;
  }, 180_000);

  for (const c of WGSL_MATMUL_CASES)
    it(`matmul ${c.name}`, () => {
      const res = report.matmul.find((m) => m.name === c.name);
      expect(res).toBeDefined();
      const a = seeded(c.batchA * c.M * c.K, c.seed);
      const b = seeded(c.batchB * c.K * c.N, c.seed + 1);
      const batches = Math.max(c.batchA, c.batchB);
      const got = res?.got ?? [];
      expect(got.length).toBe(batches * c.M * c.N);
      const gamma = (c.K * U) / (1 - c.K * U);
      let worst = 0;
      for (let t = 0; t < batches; t++) {
        const oa = (c.batchA === 1 ? 0 : t) * c.M * c.K;
        const ob = (c.batchB === 1 ? 0 : t) * c.K * c.N;
        for (let m = 0; m < c.M; m++)
          for (let n = 0; n < c.N; n++) {
            let s = 0;
            let abs = 0;
            for (let k = 0; k < c.K; k++) {
              const av = a[oa + (c.transposeA ? k * c.M + m : m * c.K + k)];
              const bv = b[ob + (c.transposeB ? n * c.K + k : k * c.N + n)];
              s += av * bv;
              abs += Math.abs(av * bv);
            }
            const err = Math.abs(got[(t * c.M + m) * c.N + n] - s);
            worst = Math.max(worst, err / Math.max(gamma * abs, 1e-30));
          }
      }
      expect(worst).toBeLessThanOrEqual(1);
    });

  for (const c of WGSL_FFT_CASES)
    it(`fft ${c.name}`, () => {
      const res = report.fft.find((f) => f.name === c.name);
      expect(res).toBeDefined();
      const x = seeded(2 * c.lines * c.n, c.seed);
      const got = res?.got ?? [];
      expect(got.length).toBe(2 * c.lines * c.n);
      const lines = Math.min(c.lines, 64); // the reference is O(n^2) per line: check a sample
      for (let l = 0; l < lines; l++) {
        const line = c.lines <= 64 ? l : Math.floor((l * (c.lines - 1)) / 63);
        const base = line * c.n;
        let norm = 0;
        for (let t = 0; t < c.n; t++) norm += x[2 * (base + t)] ** 2 + x[2 * (base + t) + 1] ** 2;
        const tol = 2 * Math.log2(c.n) * U * Math.sqrt(c.n * norm) * c.scale * 2;
        let worst = 0;
        for (let k = 0; k < c.n; k++) {
          let re = 0;
          let im = 0;
          for (let t = 0; t < c.n; t++) {
            const ang = (c.sign * 2 * Math.PI * ((k * t) % c.n)) / c.n;
            const xr = x[2 * (base + t)];
            const xi = x[2 * (base + t) + 1];
            re += xr * Math.cos(ang) - xi * Math.sin(ang);
            im += xr * Math.sin(ang) + xi * Math.cos(ang);
          }
          worst = Math.max(
            worst,
            Math.abs(got[2 * (base + k)] - c.scale * re),
            Math.abs(got[2 * (base + k) + 1] - c.scale * im),
          );
        }
        expect(worst).toBeLessThanOrEqual(tol);
      }
    });
});

type HostReport = Awaited<ReturnType<typeof runHost>>;
const hostEntry = fileURLToPath(new URL("./wgsl-host-entry.ts", import.meta.url));

describe.skipIf(skip)(
  "parity cases routed entirely to WGSL (engine + stand-in WebGPU backend)",
  () => {
    let report: HostReport;
    beforeAll(async () => {
      if (!chromiumAvailable())
        throw new Error("no Chromium: install it or set MODEWISE_SKIP_BROWSER=1");
      report = (
        await runInChromium<HostReport>({ entry: hostEntry, backend: "webgpu", timeoutMs: 240_000 })
      ).result;
    }, 300_000);

    for (const name of WGSL_ROUTED_CASES)
      it(name, () => {
        const r = report.results.find((x) => x.name === name);
        expect(r?.error ?? null).toBeNull();
        expect(r?.executor).toBe("wgsl");
        expect(r?.leaked).toBe(0);
        expect(r?.worst).toBeLessThanOrEqual(r?.tol ?? 0);
        expect(r?.ok).toBe(true);
      });

    it("no WebGPU validation error, every intermediate buffer released", () => {
      expect(report.validationError).toBeNull();
      expect(report.liveBuffers).toBe(0);
    });
  },
);
