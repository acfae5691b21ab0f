// The GPU device check: the entry that /work/shared/device/prepare.sh bundles for a lent NVIDIA
// machine (Node + Dawn through the `webgpu` package; no Node.js or network there otherwise).
//
//   1. WebGPU in Node: load Dawn, apply the gpu.js shim (applyDawnShim), find an adapter or exit 2
//      with "no WebGPU adapter"; `useGpu({ backend: "webgpu" })` must really give webgpu.
//   2. Parity: every case of test/parity/ on that backend (same list as Node and Chromium).
//   3. Timings through the tensor core (tensors resident on the device, medians over samples of
//      back-to-back runs, one small readback per sample to wait for the queue):
//      f32 matmul 1024/2048/4096, batched rfft2, one FNO-2D forward+backward step.
//   4. The same workloads in PyTorch on CUDA (bench/gpu_check_torch.py, TF32 off) for ratios.
//   5. $OUT/gpu-check.json and $OUT/perf.md, with the goals (matmul >= 10 TFLOP/s at 4096,
//      FFT <= 5x cuFFT, FNO step <= 3x PyTorch) marked met or not.
//
// Locally (no GPU) `--backend wasm --small --torch-device cpu` runs the same code end to end on
// the CPU path, which is how this script is tested before a device run.
//
// Exit status: 0 everything ran and every parity case passed; 1 a case or a workload failed;
// 2 no WebGPU adapter (or Dawn would not load).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { getBackend, memory } from "@modewise/tensor";
import { applyDawnShim, type GpuBackendName, gpuBackendInfo, useGpu } from "@modewise/tensor-gpu";
import { compareFlat } from "../test/browser/compare.js";
import {
  type FnoConfig,
  fftWorkload,
  fnoWorkload,
  guarded,
  matmulWorkload,
  type WorkloadResult,
} from "../test/browser/gpu-workloads.js";
import { cases } from "../test/parity/cases.js";

// ---- options ------------------------------------------------------------------------------------

interface CheckOptions {
  backend: GpuBackendName;
  small: boolean;
  samples: number;
  matmulSizes: number[];
  /**
   * rfft2 batches (B1, B2) to try in order, input (B1, B2, S, S) f32: the first that runs is
   * timed (and given to PyTorch); a larger one may exceed the device's buffer limits.
   */
  fftBatches: [number, number][];
  /** The batch that ran (set by the FFT workload). */
  fftBatch: [number, number];
  fftSize: number;
  fno: FnoConfig;
  torchDevice: "cuda" | "cpu" | "none";
  skipParity: boolean;
  outDir: string;
}

function parseOptions(argv: readonly string[]): CheckOptions {
  const flag = (name: string): boolean => argv.includes(`--${name}`);
  const value = (name: string): string | undefined => {
    const prefix = `--${name}=`;
    const inline = argv.find((a) => a.startsWith(prefix));
    if (inline) return inline.slice(prefix.length);
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const small = flag("small");
  const backend = (value("backend") ?? "webgpu") as GpuBackendName;
  const torchDevice = (value("torch-device") ?? (backend === "webgpu" ? "cuda" : "cpu")) as
    | "cuda"
    | "cpu"
    | "none";
  // 64 x 32 images of 256^2 (the figure PyTorch's notes quote): 0.5 GB in, 1.1 GB out. gpu.js
  // asks the adapter for its maximum buffer limits; where even that is too small, 64 x 4 keeps
  // input and output under 128 MiB, WebGPU's default maxStorageBufferBindingSize.
  const fftBatches = (value("fft-batch") ?? (small ? "2x2" : "64x32,64x4"))
    .split(",")
    .map((b) => b.split("x").map(Number) as [number, number]);
  return {
    backend,
    small,
    samples: Number(value("samples") ?? (small ? 3 : 7)),
    matmulSizes: (value("matmul") ?? (small ? "64,128" : "1024,2048,4096")).split(",").map(Number),
    fftBatches,
    fftBatch: fftBatches[0],
    fftSize: Number(value("fft-size") ?? (small ? 32 : 256)),
    fno: small
      ? { batch: 2, size: 16, width: 8, modes: 4 }
      : { batch: 20, size: 32, width: 20, modes: 8 },
    torchDevice,
    skipParity: flag("skip-parity"),
    outDir: resolve(process.env.OUT || value("out") || "gpu-check-out"),
  };
}

// ---- WebGPU in Node -----------------------------------------------------------------------------

class NoAdapterError extends Error {}

interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/** Minimal view of the `webgpu` package (Dawn for Node); typed here to keep @webgpu/types out. */
interface DawnModule {
  create(options: string[]): NavigatorGpu;
  globals: object;
}
interface NavigatorGpu {
  requestAdapter(): Promise<{
    info?: Partial<AdapterSummary>;
    requestAdapterInfo?: () => Promise<Partial<AdapterSummary>>;
  } | null>;
}

/**
 * Installs Dawn as `navigator.gpu` (with the gpu.js shim) and checks that it hands out an adapter.
 * Without one there is nothing to measure: a clear error, not a silent CPU fallback.
 */
async function installNodeWebGpu(): Promise<AdapterSummary> {
  let dawn: DawnModule;
  try {
    // A dynamic import so that a missing or unloadable Dawn becomes this message, not a crash.
    dawn = (await import("webgpu")) as unknown as DawnModule;
  } catch (error) {
    throw new NoAdapterError(
      `gpu-check: no WebGPU adapter: the webgpu package (Dawn) did not load: ${String(error)}`,
    );
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  // Parameter type of applyDawnShim is CORE's; Dawn's object is what it is written for.
  applyDawnShim(gpu as unknown as Parameters<typeof applyDawnShim>[0]);
  Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true });
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new NoAdapterError(
      "gpu-check: no WebGPU adapter: navigator.gpu.requestAdapter() returned null (Dawn found no " +
        "Vulkan driver: is VK_DRIVER_FILES set and libvulkan1 installed? .gpu/run.sh does both)",
    );
  }
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  return {
    vendor: String(info.vendor ?? ""),
    architecture: String(info.architecture ?? ""),
    device: String(info.device ?? ""),
    description: String(info.description ?? ""),
  };
}

// ---- parity -------------------------------------------------------------------------------------

interface ParityRow {
  name: string;
  ok: boolean;
  maxErr: number;
  tol: number;
  backend: string;
  executor: string | null;
  error: string | null;
}

async function runParity(backend: string): Promise<ParityRow[]> {
  const rows: ParityRow[] = [];
  for (const parityCase of cases) {
    try {
      const r = await parityCase.run();
      const c = compareFlat(r.got, r.want, r.tol);
      rows.push({
        name: parityCase.name,
        ok: c.ok && r.backend === backend,
        maxErr: c.maxErr,
        tol: r.tol,
        backend: r.backend,
        executor: r.executor ?? null,
        error: c.error ?? (r.backend === backend ? null : `ran on ${r.backend}`),
      });
    } catch (error) {
      rows.push({
        name: parityCase.name,
        ok: false,
        maxErr: Number.NaN,
        tol: Number.NaN,
        backend,
        executor: null,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  }
  return rows;
}

// ---- PyTorch ------------------------------------------------------------------------------------

interface TorchRow {
  workload: "matmul" | "fft" | "fno";
  case: string;
  ms: number;
  tflops?: number;
}
interface TorchReport {
  torch?: string;
  device?: string;
  rows?: TorchRow[];
  error?: string;
}

function torchScript(): string | null {
  const here = fileURLToPath(import.meta.url);
  const candidates = [
    process.env.GPU_CHECK_TORCH_SCRIPT,
    join(process.cwd(), "packages/tensor-gpu/bench/gpu_check_torch.py"),
    resolve(here, "../gpu_check_torch.py"),
    resolve(here, "../../packages/tensor-gpu/bench/gpu_check_torch.py"),
  ];
  return candidates.find((p): p is string => typeof p === "string" && existsSync(p)) ?? null;
}

function runTorch(opts: CheckOptions): TorchReport {
  if (opts.torchDevice === "none") return { error: "skipped (--torch-device none)" };
  const script = torchScript();
  if (!script) return { error: "gpu_check_torch.py not found (set GPU_CHECK_TORCH_SCRIPT)" };
  const args = [
    script,
    "--device",
    opts.torchDevice,
    "--matmul",
    opts.matmulSizes.join(","),
    "--fft-batch",
    opts.fftBatch.join("x"),
    "--fft-size",
    String(opts.fftSize),
    "--samples",
    String(opts.samples),
  ];
  if (opts.small) args.push("--small");
  const run = spawnSync("python3", args, {
    encoding: "utf8",
    timeout: 300_000,
    env: {
      ...process.env,
      // Python anchors keep freed memory (no first-touch page faults): see tools/bench-kit.
      GLIBC_TUNABLES:
        "glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967295",
    },
  });
  const line = (run.stdout ?? "").trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(line) as TorchReport;
  } catch {
    return {
      error: `python3 ${script} exited ${run.status}: ${(run.stderr || run.error?.message || "").slice(-2000)}`,
    };
  }
}

// ---- report -------------------------------------------------------------------------------------

interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean | null;
}

function goals(ours: WorkloadResult[], torch: TorchReport, opts: CheckOptions): Goal[] {
  const largest = Math.max(...opts.matmulSizes);
  const mm = ours.find((r) => r.workload === "matmul" && r.case.endsWith(`${largest}x${largest}`));
  const ratio = (w: "fft" | "fno"): number | null => {
    const o = ours.find((r) => r.workload === w)?.timing?.ms;
    const t = torch.rows?.find((r) => r.workload === w)?.ms;
    return o !== undefined && t !== undefined ? o / t : null;
  };
  const fft = ratio("fft");
  const fno = ratio("fno");
  const fmt = (x: number | null | undefined, unit: string): string =>
    x === null || x === undefined ? "not measured" : `${x.toPrecision(3)}${unit}`;
  return [
    {
      goal: `f32 matmul ${largest}: throughput`,
      target: ">= 10 TFLOP/s",
      measured: fmt(mm?.tflops, " TFLOP/s"),
      met: mm?.tflops === undefined ? null : mm.tflops >= 10,
    },
    {
      goal: "batched rfft2: time vs PyTorch (cuFFT)",
      target: "<= 5x",
      measured: fmt(fft, "x"),
      met: fft === null ? null : fft <= 5,
    },
    {
      goal: "FNO-2D fwd+bwd step: time vs PyTorch",
      target: "<= 3x",
      measured: fmt(fno, "x"),
      met: fno === null ? null : fno <= 3,
    },
  ];
}

function markdown(report: CheckReport): string {
  const lines = [
    `# GPU check (${report.date})`,
    "",
    `Backend: \`${report.backend}\`; adapter: ${report.adapter ? `${report.adapter.vendor} ${report.adapter.architecture} ${report.adapter.description}`.trim() : "n/a"}; ` +
      `PyTorch: ${report.torch.torch ?? "n/a"} on ${report.torch.device ?? "n/a"} (TF32 off). Node ${process.version}, ${os.cpus().length} CPU cores.`,
    "",
    "| workload | ours (ms) | PyTorch (ms) | ours / PyTorch | check |",
    "|---|---|---|---|---|",
  ];
  for (const r of report.rows) {
    lines.push(
      `| ${r.case} | ${r.ours?.toPrecision(4) ?? "failed"} | ${r.anchorValue?.toPrecision(4) ?? "n/a"} | ${r.ratio === null ? "n/a" : (1 / r.ratio).toPrecision(3)} | ${r.note} |`,
    );
  }
  lines.push("", "| goal | target | measured | met |", "|---|---|---|---|");
  for (const g of report.goals) {
    lines.push(
      `| ${g.goal} | ${g.target} | ${g.measured} | ${g.met === null ? "n/a" : g.met ? "yes" : "no"} |`,
    );
  }
  const failed = report.parity.filter((p) => !p.ok);
  lines.push(
    "",
    `Parity on ${report.backend}: ${report.parity.length - failed.length}/${report.parity.length} cases passed.`,
  );
  for (const p of failed)
    lines.push(`- ${p.name}: ${p.error ?? `maxErr ${p.maxErr} > tol ${p.tol}`}`);
  return `${lines.join("\n")}\n`;
}

interface CheckRow {
  case: string;
  ours: number | null;
  anchor: string;
  anchorValue: number | null;
  unit: "ms";
  /** anchor / ours: > 1 means we are faster (the bench-kit convention). */
  ratio: number | null;
  note: string;
}

interface CheckReport {
  bench: "gpu-check";
  date: string;
  backend: string;
  adapter: AdapterSummary | null;
  backendInfo: unknown;
  machine: { node: string; cpu: string; cores: number; os: string };
  options: CheckOptions;
  parity: ParityRow[];
  workloads: WorkloadResult[];
  torch: TorchReport;
  rows: CheckRow[];
  goals: Goal[];
  memory: { numTensorsBefore: number; numTensorsAfter: number };
}

function writeReport(report: CheckReport): void {
  mkdirSync(report.options.outDir, { recursive: true });
  // JSON has no NaN/Infinity; they become null.
  const json = JSON.stringify(
    report,
    (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v),
    2,
  );
  writeFileSync(join(report.options.outDir, "gpu-check.json"), `${json}\n`);
  writeFileSync(join(report.options.outDir, "perf.md"), markdown(report));
}

// ---- main ---------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const log = (msg: string): void => console.log(`gpu-check: ${msg}`);
  let adapter: AdapterSummary | null = null;
  if (opts.backend === "webgpu") {
    try {
      adapter = await installNodeWebGpu();
    } catch (error) {
      if (error instanceof NoAdapterError) {
        console.error(error.message);
        return 2;
      }
      throw error;
    }
    log(`adapter ${JSON.stringify(adapter)}`);
  }
  const active = await useGpu({ backend: opts.backend });
  if (active !== opts.backend || getBackend() !== opts.backend) {
    console.error(`gpu-check: asked for ${opts.backend}, got ${active} (active: ${getBackend()})`);
    return opts.backend === "webgpu" ? 2 : 1;
  }
  const numTensorsBefore = memory().numTensors;
  log(`backend ${active}: ${JSON.stringify(gpuBackendInfo())}`);

  const parity = opts.skipParity ? [] : await runParity(opts.backend);
  log(`parity: ${parity.filter((p) => p.ok).length}/${parity.length} cases passed`);

  const workloads: WorkloadResult[] = [];
  for (const n of opts.matmulSizes) {
    workloads.push(
      await guarded("matmul", `matmul f32 ${n}x${n}`, () => matmulWorkload(n, opts.samples)),
    );
    log(JSON.stringify(workloads.at(-1)));
  }
  const fftErrors: string[] = [];
  for (const batch of opts.fftBatches) {
    opts.fftBatch = batch;
    const fftName = `rfft2 f32 ${batch.join("x")}x${opts.fftSize}x${opts.fftSize}`;
    const result = await guarded("fft", fftName, () =>
      fftWorkload(batch, opts.fftSize, opts.samples, opts.backend),
    );
    log(JSON.stringify(result));
    if (result.error === null || batch === opts.fftBatches.at(-1)) {
      workloads.push({ ...result, skippedBatches: fftErrors });
      break;
    }
    fftErrors.push(`${fftName}: ${result.error}`);
  }
  workloads.push(
    await guarded("fno", "FNO-2D step", () => fnoWorkload(opts.fno, opts.samples, opts.backend)),
  );
  log(JSON.stringify(workloads.at(-1)));
  const numTensorsAfter = memory().numTensors;

  // PyTorch after ours, never at the same time: both would share the GPU.
  const torch = runTorch(opts);
  log(`torch: ${torch.error ?? `${torch.torch} on ${torch.device}`}`);

  const anchorName = `PyTorch ${torch.torch ?? "?"} ${opts.torchDevice}${opts.torchDevice === "cuda" ? " (TF32 off)" : ""}`;
  const rows: CheckRow[] = workloads.map((w) => {
    const t = torch.rows?.find(
      (r) => r.workload === w.workload && (w.workload !== "matmul" || r.case === w.case),
    );
    const ours = w.timing?.ms ?? null;
    const anchorValue = t?.ms ?? null;
    const extra = w.tflops !== undefined ? `${w.tflops.toPrecision(3)} TFLOP/s; ` : "";
    return {
      case: w.case,
      ours,
      anchor: anchorName,
      anchorValue,
      unit: "ms",
      ratio: ours !== null && anchorValue !== null ? anchorValue / ours : null,
      note:
        (w.skippedBatches?.length ? `(${w.skippedBatches.join("; ")}) ` : "") +
        (w.error
          ? `error: ${w.error}`
          : `${extra}${w.check ? `${w.check.ok ? "ok" : "FAILED"} (${w.check.maxErr.toExponential(2)} <= ${w.check.bound.toExponential(2)})` : ""}`),
    };
  });
  const report: CheckReport = {
    bench: "gpu-check",
    date: new Date().toISOString(),
    backend: active,
    adapter,
    backendInfo: gpuBackendInfo(),
    machine: {
      node: process.version,
      cpu: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    options: opts,
    parity,
    workloads,
    torch,
    rows,
    goals: goals(workloads, torch, opts),
    memory: { numTensorsBefore, numTensorsAfter },
  };
  writeReport(report);
  console.log(markdown(report));
  log(`wrote ${join(opts.outDir, "gpu-check.json")} and perf.md`);
  const failed =
    parity.some((p) => !p.ok) ||
    workloads.some((w) => w.error !== null || w.check?.ok === false) ||
    numTensorsAfter !== numTensorsBefore;
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error("gpu-check: crashed:", error);
    process.exit(1);
  },
);
