/**
 * `modewise-pde refine` on a tiny SFNO run: the Spectral-Refiner stage lowers the H^-1
 * Navier-Stokes residual by the 100x (here within 30 iterations; the refined output
 * layer enters the prediction affinely, so the objective is a quartic CG minimizes fast) without
 * raising the L2 error against the solver; Adam is selectable, and a learning rate with the
 * line-searching CG is a typed error naming `lr`.
 */
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers.js";

const tmp = tempDir("refine");
afterAll(() => tmp.cleanup());

const config = tmp.path("train.yaml");
writeFileSync(
  config,
  [
    "modelName: sfno",
    "model: { modes: [4, 4, 3], width: 6, nLayers: 2 }",
    "data: 'ns-1e-3:n=4,s=16,T=3,recordEvery=0.25,seed=3'",
    "task: trajectory",
    "inSteps: 4",
    "outSteps: 4",
    "epochs: 2",
    "batchSize: 2",
    "lr: 0.003",
    "seed: 1",
    "valFraction: 0.25",
    "",
  ].join("\n"),
);
const run = tmp.path("run");
const test = "ns-1e-3:n=1,s=16,T=3,recordEvery=0.25,seed=9";

function parse(stdout: string): { before: number; after: number; l2: number; l2After: number } {
  const m = /residual (\S+) -> (\S+) .*relative L2 (\S+) -> (\S+)/.exec(stdout);
  if (!m) throw new Error(`unexpected refine output: ${stdout}`);
  return { before: +m[1], after: +m[2], l2: +m[3], l2After: +m[4] };
}

describe("modewise-pde refine", () => {
  it("trains a tiny SFNO, then CG refinement lowers the residual >= 100x, L2 not raised", () => {
    const trained = runCli(["train", "--config", config, "--out", run]);
    expect(trained.stderr + trained.stdout).toContain("trained sfno");
    const r = runCli(["refine", "--run", run, "--data", test, "--iterations", "30"]);
    expect(r.status).toBe(0);
    const v = parse(r.stdout);
    expect(v.before / v.after).toBeGreaterThanOrEqual(100);
    expect(v.l2After).toBeLessThanOrEqual(v.l2);
  });

  it("runs Adam when asked and rejects a learning rate for CG by name", () => {
    const adam = runCli(
      ["refine", "--run", run, "--data", test, "--iterations", "5"].concat([
        "--method",
        "adam",
        "--lr",
        "0.001",
      ]),
    );
    expect(adam.status).toBe(0);
    const v = parse(adam.stdout);
    expect(v.after).toBeLessThan(v.before);
    const bad = runCli(["refine", "--run", run, "--data", test, "--lr", "0.1"]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/'lr'/);
    const badMethod = runCli(["refine", "--run", run, "--data", test, "--method", "lbfgs"]);
    expect(badMethod.stderr).toMatch(/'method'/);
  });
});
