// The parity cases of test/parity/ (the same source the Node suite runs on wasm), run in headless
// Chromium on WebGL2 and on WebGPU (both on SwiftShader: a real, conformant software GPU, so the
// GPU code paths and shaders really run). One `it` per case per backend, plus checks that the
// requested backend really ran (no silent fallback) and that no tensor leaked.
//
// Needs Chromium (/usr/bin/chromium or CHROMIUM_PATH): without it these tests FAIL with a message
// saying how to install it, unless MODEWISE_SKIP_BROWSER=1 is set, then they are skipped.

import { fileURLToPath } from "node:url";
// Imported by path: @modewise/browser-test is a private workspace tool that is not (yet) a
// devDependency of this package, so it is not linked into node_modules here.
import {
  browserTestsSkipped,
  chromiumAvailable,
  chromiumPath,
  type RunInChromiumResult,
  runInChromium,
} from "@modewise/browser-test";
import { describe, expect, it } from "vitest";
import { compareFlat } from "./browser/compare.js";
import type { BrowserRunReport } from "./browser/entry.js";
import type { TrainingMemoryReport } from "./browser/memory-entry.js";
import type { WorkloadsReport } from "./browser/workloads-entry.js";

const entry = fileURLToPath(new URL("./browser/entry.ts", import.meta.url));
const workloadsEntry = fileURLToPath(new URL("./browser/workloads-entry.ts", import.meta.url));
const memoryEntry = fileURLToPath(new URL("./browser/memory-entry.ts", import.meta.url));
const backends = ["webgl2", "webgpu"] as const;
// SwiftShader runs a 256^2 matmul in about a second; the whole list should take well under this.
const RUN_TIMEOUT_MS = 240_000;

const skipBrowser = browserTestsSkipped();

interface BackendRun {
  run: RunInChromiumResult<BrowserRunReport> | null;
  failure: string | null;
}

/** Runs all cases of one backend in one browser session; a crash becomes a reported failure. */
async function runBackend(backend: string): Promise<BackendRun> {
  if (!chromiumAvailable()) {
    return {
      run: null,
      failure:
        `no Chromium at ${chromiumPath()}: install it (apt-get install -y chromium; CI's .ci/run ` +
        "does) or set CHROMIUM_PATH; MODEWISE_SKIP_BROWSER=1 skips these tests",
    };
  }
  try {
    const run = await runInChromium<BrowserRunReport>({
      entry,
      backend,
      exportName: "runCases",
      timeoutMs: RUN_TIMEOUT_MS,
    });
    return { run, failure: null };
  } catch (error) {
    return { run: null, failure: error instanceof Error ? error.message : String(error) };
  }
}

// Top-level await: the case names come from the browser run itself, so a case added to the list
// shows up here without touching this file, and Node never has to load the GPU packages.
const runs = new Map<string, BackendRun>();
let workloadsRun: RunInChromiumResult<WorkloadsReport> | null = null;
let workloadsFailure: string | null = null;
if (!skipBrowser) {
  for (const backend of backends) runs.set(backend, await runBackend(backend));
  // The GPU device check's workloads (matmul, rfft2, an FNO step) at tiny sizes, on webgpu only:
  // that is the backend the device check uses. About 45 s on SwiftShader, mostly the FNO step.
  if (chromiumAvailable()) {
    try {
      workloadsRun = await runInChromium<WorkloadsReport>({
        entry: workloadsEntry,
        backend: "webgpu",
        exportName: "runWorkloads",
        timeoutMs: RUN_TIMEOUT_MS,
      });
    } catch (error) {
      workloadsFailure = error instanceof Error ? error.message : String(error);
    }
  } else {
    workloadsFailure = `no Chromium at ${chromiumPath()}`;
  }
}

// The 1000-step training memory test of memory.test.ts (shared loop: browser/training-loop.ts) on
// each GPU backend. On SwiftShader about 2 s of steps on webgl2 and 9 s on webgpu.
const trainingRuns = new Map<string, { report: TrainingMemoryReport | null; failure: string }>();
if (!skipBrowser) {
  for (const backend of backends) {
    if (!chromiumAvailable()) {
      trainingRuns.set(backend, { report: null, failure: `no Chromium at ${chromiumPath()}` });
      continue;
    }
    try {
      const { result } = await runInChromium<TrainingMemoryReport>({
        entry: memoryEntry,
        backend,
        exportName: "runTrainingMemory",
        timeoutMs: RUN_TIMEOUT_MS,
      });
      trainingRuns.set(backend, { report: result, failure: "" });
    } catch (error) {
      const failure = error instanceof Error ? error.message : String(error);
      trainingRuns.set(backend, { report: null, failure });
    }
  }
}

describe("compareFlat (how a browser case is judged)", () => {
  it("accepts differences up to the tolerance and reports the worst element", () => {
    const c = compareFlat(new Float32Array([1, 2.5, 3]), new Float64Array([1, 2, 3.25]), 0.5);
    expect(c).toEqual({ ok: true, maxErr: 0.5, worst: 1, error: null });
  });
  it("rejects a difference above the tolerance", () => {
    expect(compareFlat([1, 2], [1, 2.001], 1e-4).ok).toBe(false);
  });
  it("rejects NaN or Inf where the reference is finite, and matches NaN with NaN", () => {
    expect(compareFlat([Number.NaN], [0], 1).ok).toBe(false);
    expect(compareFlat([Number.POSITIVE_INFINITY], [1e30], 1e40).ok).toBe(false);
    expect(compareFlat([Number.NaN, Number.NEGATIVE_INFINITY], [Number.NaN, -Infinity], 0).ok).toBe(
      true,
    );
  });
  it("rejects a length mismatch and a negative tolerance", () => {
    expect(compareFlat([1, 2], [1], 1).error).toMatch(/length mismatch/);
    expect(compareFlat([1], [1], -1).ok).toBe(false);
  });
});

for (const backend of backends) {
  const describeBackend = skipBrowser ? describe.skip : describe;
  describeBackend(`tensor-gpu in Chromium on ${backend}`, () => {
    const outcome = runs.get(backend) ?? { run: null, failure: "not run" };
    const report = outcome.run?.result;

    it("runs the case list in the browser", () => {
      expect(outcome.failure, `Chromium run on ${backend} failed`).toBeNull();
      expect(report?.cases.length ?? 0, "no parity cases ran").toBeGreaterThan(0);
    });

    if (!outcome.run || !report) return;
    const { environment, consoleErrors } = outcome.run;

    it(`initialises ${backend} on a real device (no fallback)`, () => {
      expect(report.initError).toBeNull();
      expect(report.initialised).toBe(backend);
      expect(report.active).toBe(backend);
      expect(report.info?.name).toBe(backend);
      if (backend === "webgpu") {
        expect(environment.webgpuError).toBeNull();
        expect(environment.webgpu?.architecture || environment.webgpu?.vendor).toBeTruthy();
      } else {
        expect(environment.webgl2Error).toBeNull();
        expect(environment.webgl2?.renderer).toBeTruthy();
      }
    });

    it("leaves no live tensors or device buffers behind", () => {
      expect(report.numTensorsAfter, "live tensors after all cases").toBe(report.numTensorsBefore);
      expect(report.liveBuffersAfter, "live device buffers after all cases").toBe(
        report.liveBuffersBefore,
      );
    });

    it("logs no console errors", () => {
      // Summarised (message -> count): one failing kernel can log the same error hundreds of times.
      const counts = new Map<string, number>();
      for (const message of consoleErrors) counts.set(message, (counts.get(message) ?? 0) + 1);
      expect(Object.fromEntries([...counts].slice(0, 20))).toEqual({});
    });

    for (const result of report.cases) {
      it(`${result.name} [${backend}]`, () => {
        const detail = JSON.stringify(result);
        expect(result.error, detail).toBeNull();
        expect(result.backend, `ran on ${result.backend}, not ${backend}: ${detail}`).toBe(backend);
        // Where a case names its executor, a CPU one on a GPU backend is a silent fallback.
        expect(result.executor ?? "", `CPU fallback on ${backend}: ${detail}`).not.toMatch(
          /cpu|fallback/i,
        );
        expect(result.maxErr, detail).not.toBeNull();
        expect(result.maxErr!, detail).toBeLessThanOrEqual(result.tol!);
        expect(result.ok, detail).toBe(true);
        expect(result.leakedTensors, `tensors left alive by the case: ${detail}`).toBe(0);
      });
    }
  });
}

(skipBrowser ? describe.skip : describe)(
  "GPU-check workloads in Chromium on webgpu (tiny sizes)",
  () => {
    it("runs in the browser", () => {
      expect(workloadsFailure).toBeNull();
      expect(workloadsRun?.result.active).toBe("webgpu");
    });
    for (const workload of ["matmul", "fft", "fno"] as const) {
      it(`${workload}: runs and matches its f64 reference`, () => {
        const result = workloadsRun?.result.results.find((r) => r.workload === workload);
        const detail = JSON.stringify(result);
        expect(result?.error ?? null, detail).toBeNull();
        expect(result?.check?.ok, detail).toBe(true);
        expect(result?.timing?.ms, detail).toBeGreaterThan(0);
      });
    }
    it("leaves no live tensors behind", () => {
      expect(workloadsRun?.result.leakedTensors).toBe(0);
    });
  },
);

for (const backend of backends) {
  (skipBrowser ? describe.skip : describe)(
    `1000 training steps (linear + MSE + SGD, autograd) in Chromium on ${backend}`,
    () => {
      const outcome = trainingRuns.get(backend) ?? { report: null, failure: "not run" };
      const report = outcome.report;
      const detail = JSON.stringify(outcome);

      it(`runs on ${backend} itself (no fallback)`, () => {
        expect(report, detail).not.toBeNull();
        expect(report?.initialised, detail).toBe(backend);
        expect(report?.active, detail).toBe(backend);
        expect(report?.infoName, detail).toBe(backend);
      });

      it("returns numTensors and live device buffers to baseline", () => {
        expect(report?.run.tensorsAfter, detail).toBe(report?.run.tensorsBefore);
        expect(report?.run.buffersAfter, detail).toBe(report?.run.buffersBefore);
        expect(report?.leakedTensors, detail).toBe(0);
      });

      it("frees each step's buffers during the loop, not after it yields", () => {
        // After the awaited warm-up step every kernel is compiled; on webgpu a compiled kernel's
        // result is taken at submit (GpuBackend.takeSubmittedResult), so a loop that never
        // yields does not pile up its released intermediates (21,004 live buffers at loop end
        // before that, with 4 before the loop).
        expect(report?.run.buffersAtLoopEnd, detail).toBe(report?.run.buffersBefore);
      });

      it("the loss falls", () => {
        // Gradient descent on this quadratic leaves loss/firstLoss = 1.1e-9 in exact (f64)
        // arithmetic (slowest mode: lr * lambda_min = 0.0079 per step); f32 rounding of the
        // gradient sits orders of magnitude below 1e-6, so 1e-6 fails only if training is broken.
        expect(report?.run.firstLoss, detail).toBeGreaterThan(0);
        expect(report?.run.lastLoss, detail).toBeLessThan((report?.run.firstLoss ?? 0) * 1e-6);
      });
    },
  );
}
