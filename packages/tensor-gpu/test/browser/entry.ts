// Browser entry for the tensor-gpu parity suite: tools/browser-test bundles this file, opens it in
// headless Chromium and calls runCases("webgl2" | "webgpu"). Every parity case (written once in
// ../parity/, also run in Node on wasm) runs on the requested backend; a failing case is reported,
// not thrown, so one broken op does not hide the others.

import { getBackend, memory } from "@modewise/tensor";
import { type GpuBackendName, gpuBackendInfo, useGpu } from "@modewise/tensor-gpu";
import { cases } from "../parity/cases.js";
import { compareFlat } from "./compare.js";

export interface BrowserCaseReport {
  name: string;
  ok: boolean;
  maxErr: number | null;
  tol: number | null;
  /** getBackend() as the case reported it: must equal the requested backend (no fallback). */
  backend: string | null;
  /** What the case says really executed (gpu.js executor kind, WGSL, ...), if it knows. */
  executor: string | null;
  /** Index and values of the worst element, to make a failure message useful. */
  worst: { index: number; got: number; want: number } | null;
  error: string | null;
  /** Live tensors after the case minus before it: a case must release what it creates. */
  leakedTensors: number;
  ms: number;
}

export interface BrowserRunReport {
  requested: string;
  /** What useGpu() returned and what the engine reports as active afterwards. */
  initialised: string | null;
  active: string;
  initError: string | null;
  info: ReturnType<typeof gpuBackendInfo> | null;
  /** Live tensors before and after all cases: a case that leaks shows up here. */
  numTensorsBefore: number;
  numTensorsAfter: number;
  /** Device buffers alive (gpuBackendInfo().liveBuffers) before and after all cases. */
  liveBuffersBefore: number | null;
  liveBuffersAfter: number | null;
  cases: BrowserCaseReport[];
}

/** JSON has no NaN/Infinity: report them as null with the reason in `error`. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Runs the named cases (all when `only` is absent) on `backend`. Never throws for a case;
 * throws only if the case list itself cannot be loaded.
 */
export async function runCases(
  backend: string,
  only?: readonly string[],
): Promise<BrowserRunReport> {
  const report: BrowserRunReport = {
    requested: backend,
    initialised: null,
    active: getBackend(),
    initError: null,
    info: null,
    numTensorsBefore: memory().numTensors,
    numTensorsAfter: 0,
    liveBuffersBefore: null,
    liveBuffersAfter: null,
    cases: [],
  };
  try {
    report.initialised = await useGpu({ backend: backend as GpuBackendName });
    report.info = gpuBackendInfo();
  } catch (error) {
    report.initError = describeError(error);
  }
  report.active = getBackend();
  report.numTensorsBefore = memory().numTensors;
  report.liveBuffersBefore = report.info?.liveBuffers ?? null;
  const selected = only ? cases.filter((c) => only.includes(c.name)) : cases;
  for (const parityCase of selected) {
    // If this case hangs, the runner reports how far the run got (tools/browser-test).
    (globalThis as { __browserTestProgress?: unknown }).__browserTestProgress = {
      running: parityCase.name,
      done: report.cases.length,
      failed: report.cases.filter((c) => !c.ok).map((c) => c.name),
    };
    const started = performance.now();
    const entry: BrowserCaseReport = {
      name: parityCase.name,
      ok: false,
      maxErr: null,
      tol: null,
      backend: null,
      executor: null,
      worst: null,
      error: null,
      leakedTensors: 0,
      ms: 0,
    };
    const tensorsBefore = memory().numTensors;
    if (report.initError !== null) {
      entry.error = `useGpu({ backend: "${backend}" }) failed: ${report.initError}`;
    } else {
      try {
        const result = await parityCase.run();
        const comparison = compareFlat(result.got, result.want, result.tol);
        entry.tol = result.tol;
        entry.backend = result.backend;
        entry.executor = result.executor ?? null;
        entry.maxErr = finiteOrNull(comparison.maxErr);
        entry.ok = comparison.ok;
        entry.error = comparison.error;
        if (comparison.worst >= 0) {
          entry.worst = {
            index: comparison.worst,
            got: Number(result.got[comparison.worst]),
            want: Number(result.want[comparison.worst]),
          };
        }
        if (comparison.error === null && !Number.isFinite(comparison.maxErr)) {
          entry.error = "non-finite value where the reference is finite";
        }
      } catch (error) {
        entry.error = describeError(error);
      }
    }
    entry.ms = performance.now() - started;
    entry.leakedTensors = memory().numTensors - tensorsBefore;
    report.cases.push(entry);
  }
  report.numTensorsAfter = memory().numTensors;
  if (report.initError === null) report.liveBuffersAfter = gpuBackendInfo().liveBuffers;
  return report;
}
