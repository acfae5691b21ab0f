/**
 * `modewise-pde report` (the README's main job) at a tiny size: it generates burned-in NS data,
 * trains a few steps, evaluates, and writes report.md + summary.json + plots, with the solver's
 * cost per time unit counted over every solved unit (burn-in included) and the speed-up equal
 * to solver time / surrogate time.
 */
import { existsSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers.js";

const tmp = tempDir("report");
afterAll(() => tmp.cleanup());

describe("modewise-pde report", () => {
  it("writes the surrogate-vs-solver report from burned-in data", () => {
    const out = tmp.path("rep");
    const args = ["report", "--n", "3", "--n-test", "2", "--s", "16", "--T", "3"];
    const run = runCli([
      ...args,
      "--burn-in",
      "2",
      "--max-steps",
      "12",
      "--budget",
      "120",
      "--out",
      out,
    ]);
    expect(run.stderr + run.stdout).toContain("report:");
    expect(run.status).toBe(0);
    const md = readFileSync(`${out}/report.md`, "utf8");
    expect(md).toContain("t = 2 to 5");
    expect(md).toContain("| test relative L2 (one step) |");
    expect(md).toContain("| speed-up of the surrogate |");
    expect(existsSync(`${out}/loss.png`)).toBe(true);
    const summary = JSON.parse(readFileSync(`${out}/summary.json`, "utf8"));
    expect(summary.trainSteps).toBe(12);
    const m = summary.metrics;
    // 2 burn-in + 3 recorded time units were solved for each sample
    expect(summary.solverSecondsPerSampleTimeUnit).toBeCloseTo(m.solverSecondsPerSample / 5, 12);
    expect(summary.speedup).toBeCloseTo(
      summary.solverSecondsPerSampleTimeUnit / m.inferenceSecondsPerSample,
      9,
    );
    expect(m.relL2).toBeGreaterThan(0);
    expect(Number.isFinite(m.relL2)).toBe(true);
  });

  it("rejects a burn-in that is not a multiple of the snapshot spacing, naming it", () => {
    const run = runCli([
      "report",
      "--burn-in",
      "0.5",
      "--max-steps",
      "1",
      "--out",
      tmp.path("bad"),
    ]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/burnIn/);
  });
});
