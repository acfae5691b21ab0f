// The GPU device check (bench/gpu-check.ts + bench/gpu_check_torch.py) is meant for a lent NVIDIA
// machine; these tests keep it working on machines without one: the PyTorch twin runs in its
// --small CPU mode, and the bundled check fails cleanly ("no WebGPU adapter", exit 2) where Dawn
// finds no adapter, as on CI.

import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// By path: the private workspace tool is not a devDependency of this package (see browser.test.ts).
import { bundleForNode } from "@modewise/browser-test";
import { describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const torchScript = join(packageRoot, "bench/gpu_check_torch.py");

const torchInstalled =
  spawnSync("python3", ["-c", "import torch"], { encoding: "utf8" }).status === 0;
const cudaAvailable =
  torchInstalled &&
  spawnSync("python3", ["-c", "import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)"])
    .status === 0;

interface TorchRow {
  workload: string;
  case: string;
  ms: number;
  samples: number;
  tflops?: number;
}

describe("gpu_check_torch.py", () => {
  it.skipIf(!torchInstalled)(
    "times matmul, rfft2 and an FNO step on the CPU in --small mode (skipped without torch)",
    () => {
      const run = spawnSync("python3", [torchScript, "--device", "cpu", "--small"], {
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(run.status, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout.trim().split("\n").pop() ?? "") as {
        device: string;
        tf32: boolean;
        rows: TorchRow[];
      };
      expect(report.device).toBe("cpu");
      expect(report.tf32).toBe(false);
      expect(report.rows.map((r) => r.workload)).toEqual(["matmul", "matmul", "fft", "fno"]);
      expect(report.rows.map((r) => r.case)).toEqual([
        "matmul f32 64x64",
        "matmul f32 128x128",
        "rfft2 f32 2x2x32x32",
        "FNO-2D fwd+bwd batch 2, 16^2, width 8, modes 4",
      ]);
      for (const row of report.rows) {
        expect(row.ms).toBeGreaterThan(0);
        expect(row.samples).toBe(3);
      }
      // 2 n^3 flops in `ms`: the throughput field must agree with the time it reports.
      const mm = report.rows[0];
      expect(mm.tflops).toBeCloseTo((2 * 64 ** 3) / (mm.ms * 1e-3) / 1e12, 6);
    },
    120_000,
  );

  it.skipIf(!torchInstalled || cudaAvailable)(
    "refuses --device cuda cleanly where CUDA is missing (skipped without torch or with CUDA)",
    () => {
      const run = spawnSync("python3", [torchScript, "--device", "cuda", "--small"], {
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status).toBe(2);
      expect(JSON.parse(run.stdout).error).toMatch(/cuda/i);
    },
    60_000,
  );
});

describe("gpu-check.ts bundle", () => {
  it("exits 2 with 'no WebGPU adapter' where Dawn finds none, or runs where it does", async () => {
    // Inside this package's node_modules, so the external `webgpu` (Dawn) resolves as it does
    // from .gpu/ after prepare.sh.
    const dir = join(packageRoot, "node_modules/.cache/gpu-check-test");
    mkdirSync(dir, { recursive: true });
    const bundle = join(dir, "bundle.mjs");
    try {
      await bundleForNode({ entry: join(packageRoot, "bench/gpu-check.ts"), outfile: bundle });
      const out = join(dir, "out");
      const run = spawnSync("node", [bundle, "--small", "--torch-device", "none"], {
        encoding: "utf8",
        timeout: 120_000,
        env: { ...process.env, OUT: out },
      });
      if (run.status === 2) {
        expect(run.stderr).toMatch(/gpu-check: no WebGPU adapter/);
      } else {
        // A machine with a WebGPU adapter ran the small check: it must have written its report.
        expect([0, 1], run.stderr).toContain(run.status);
        expect(run.stdout).toMatch(/wrote .*gpu-check\.json/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
