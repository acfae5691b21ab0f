/**
 * `modewise-pde train` killed with SIGKILL after its first checkpoint and rerun with the same
 * --out resumes and ends with the SAME weights as an uninterrupted run (bit for bit: the
 * checkpoint holds parameters, Adam moments and the step; shuffling depends only on the seed
 * and the epoch). Then the chain eval -> predict works on the trained run at a tiny size.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { encodeNpy } from "@modewise/pde/io";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, runCli, tempDir } from "./helpers.js";

const tmp = tempDir("train");
afterAll(() => tmp.cleanup());

const config = tmp.path("train.yaml");
writeFileSync(
  config,
  [
    "modelName: fno",
    "model: { modes: 4, width: 6, nLayers: 2 }",
    "data: 'ns-1e-3:n=5,s=16,T=3,seed=3'",
    "epochs: 3",
    "batchSize: 4",
    "lr: 0.003",
    "seed: 7",
    "checkpointEvery: 2",
    "valFraction: 0.2",
    "",
  ].join("\n"),
);

function checkpointStep(dir: string): number {
  const path = `${dir}/history.json`;
  return existsSync(`${dir}/checkpoint.safetensors`) && existsSync(path) ? 1 : 0;
}

describe("modewise-pde train", () => {
  it("resumes after SIGKILL to the same weights as an uninterrupted run", async () => {
    const whole = tmp.path("whole");
    const first = runCli(["train", "--config", config, "--out", whole]);
    expect(first.stderr + first.stdout).toContain("trained fno");
    expect(first.status).toBe(0);
    const info = JSON.parse(readFileSync(`${whole}/run.json`, "utf8"));
    expect(info.seed).toBe(7);
    expect(existsSync(`${whole}/loss.png`)).toBe(true);

    const killed = tmp.path("killed");
    const child = spawn(
      process.execPath,
      [CLI, "train", "--config", config, "--out", killed, "--throttle-ms", "60000"],
      {
        stdio: "ignore",
      },
    );
    const deadline = Date.now() + 120_000;
    while (checkpointStep(killed) === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGKILL");
    await new Promise((r) => child.on("exit", r));
    expect(existsSync(`${killed}/model.safetensors`)).toBe(false); // it did not finish
    const resumed = runCli(["train", "--config", config, "--out", killed]);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain("resuming from step 2");
    const a = readFileSync(`${whole}/model.safetensors`);
    const b = readFileSync(`${killed}/model.safetensors`);
    expect(Buffer.compare(a, b)).toBe(0);
    // The loss history matches too, apart from the wall-clock seconds.
    const history = (dir: string) =>
      (JSON.parse(readFileSync(`${dir}/history.json`, "utf8")) as { seconds?: number }[]).map(
        ({ seconds: _s, ...rest }) => rest,
      );
    expect(history(killed)).toEqual(history(whole));
  }, 300_000);

  it("evaluates (metrics, rollout, plots) and predicts with the trained run", () => {
    const run = tmp.path("whole");
    const out = tmp.path("eval");
    const r = runCli(["eval", "--run", run, "--data", "ns-1e-3:n=2,s=16,T=3,seed=9", "--out", out]);
    expect(r.status).toBe(0);
    const m = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8"));
    expect(m.samples).toBe(6);
    expect(m.rollout.steps).toEqual([1, 2, 3]);
    expect(m.relL2).toBeGreaterThan(0);
    expect(m.relL2).toBeLessThan(1.5);
    for (const f of [
      "truth.png",
      "prediction.png",
      "error.png",
      "spectra.png",
      "rollout.png",
      "report.md",
    ])
      expect(existsSync(`${out}/${f}`)).toBe(true);
    // Zero-shot: the same run on a 32^2 grid.
    const z = runCli([
      "eval",
      "--run",
      run,
      "--data",
      "ns-1e-3:n=1,s=32,T=2,seed=9",
      "--out",
      tmp.path("eval32"),
      "--rollout-steps",
      "1",
    ]);
    expect(z.status).toBe(0);
    expect(z.stdout).toContain("zero-shot");

    const input = tmp.path("in.npy");
    writeFileSync(
      input,
      encodeNpy(
        new Float64Array(2 * 16 * 16).map((_, i) => Math.sin(i / 7)),
        [2, 16, 16],
      ),
    );
    const p = runCli(["predict", "--run", run, "--input", input, "--out", tmp.path("out.npy")]);
    expect(p.status).toBe(0);
    expect(p.stdout).toContain("[2, 16, 16]");
  }, 300_000);

  it("rejects bad options by key", () => {
    const r = runCli(["train", "--config", config, "--out", tmp.path("bad"), "--lr", "-1"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("'lr'");
  });
});
