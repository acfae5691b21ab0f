/**
 * `modewise-pde generate` killed with SIGKILL right after its first chunk is journaled resumes
 * to a file whose arrays equal an uninterrupted run's BIT FOR BIT (float64 storage, so the
 * comparison covers the solver output itself); `inspect` recognizes the result.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { readFnoMat } from "@modewise/pde/io";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, runCli, tempDir } from "./helpers.js";

const tmp = tempDir("generate");
afterAll(() => tmp.cleanup());

const config = tmp.path("gen.yaml");
writeFileSync(
  config,
  [
    "preset: ns-1e-3",
    "n: 4",
    "s: 16",
    "T: 1",
    "recordEvery: 0.5",
    "chunkSize: 1",
    "seed: 11",
    "dtype: float64",
    "",
  ].join("\n"),
);

function journalDone(output: string): number[] {
  const path = `${output}.parts/journal.json`;
  if (!existsSync(path)) return [];
  try {
    return (JSON.parse(readFileSync(path, "utf8")) as { done: number[] }).done;
  } catch {
    return []; // cannot happen with atomic replacement, but never fail the poll on it
  }
}

describe("modewise-pde generate", () => {
  it("resumes after SIGKILL to the same data as an uninterrupted run", async () => {
    const whole = tmp.path("whole.mat");
    const first = runCli(["generate", "--config", config, "--output", whole]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("4 samples");

    const killed = tmp.path("killed.mat");
    // --throttle-ms pauses after each journaled chunk, so the kill lands between chunks 0 and 1
    // deterministically (without it the tiny run could finish before the poll sees the journal).
    const child = spawn(
      process.execPath,
      [CLI, "generate", "--config", config, "--output", killed, "--throttle-ms", "3000"],
      { stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    const deadline = Date.now() + 30_000;
    while (journalDone(killed).length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(journalDone(killed)).toEqual([0]);
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(existsSync(killed)).toBe(false);

    const resumed = runCli(["generate", "--config", config, "--output", killed]);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain("3 chunks computed, 1 resumed");
    expect(existsSync(`${killed}.parts`)).toBe(false);

    const [a, b] = [await readFnoMat(whole), await readFnoMat(killed)];
    expect(b.variables.u.shape).toEqual([4, 16, 16, 2]);
    for (const name of ["a", "u", "t"]) {
      expect(
        Buffer.from(b.variables[name].data.buffer).equals(
          Buffer.from(a.variables[name].data.buffer),
        ),
      ).toBe(true);
    }
    expect(b.attributes.seed).toBe(11);
  }, 60_000);

  it("inspect summarizes the dataset (layout, MATLAB shapes, attributes)", () => {
    const out = tmp.path("small.mat");
    expect(runCli(["generate", "--config", config, "--n", "2", "--output", out]).status).toBe(0);
    const r = runCli(["inspect", out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("layout: FNO MATLAB v7.3");
    expect(r.stdout).toContain("/u dataset (2 x 16 x 16 x 2) float64 [MATLAB 2 x 16 x 16 x 2]");
    expect(r.stdout).toContain("@nu = 0.001");
    const json = JSON.parse(runCli(["inspect", out, "--json"]).stdout) as { layout: string };
    expect(json.layout).toBe("fno-mat");
  }, 30_000);
});
