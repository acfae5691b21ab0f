// Smoke test of the published @modewise/pde-solver, run by tools/release-check/run.mjs in an
// empty project that installed only this package (and its declared dependencies).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as solver from "@modewise/pde-solver";

for (const name of [
  "runSolve",
  "runGenerate",
  "runInspect",
  "solveSchema",
  "generateSchema",
  "validate",
  "renderField",
  "encodeGif",
  "colorOf",
]) {
  assert.ok(name in solver, `@modewise/pde-solver is missing export ${name}`);
}
// viridis(0) is #440154 (matplotlib)
assert.deepEqual(solver.colorOf("viridis", 0, 0, 1), [0x44, 0x01, 0x54]);
assert.throws(
  () => solver.validate(solver.solveSchema, { nu: -1 }, "smoke"),
  /'nu': expected a viscosity > 0/,
);

const dir = mkdtempSync(join(tmpdir(), "pde-solver-smoke-"));
const bin = join("node_modules", ".bin", "modewise-pde");
try {
  const config = join(dir, "tiny.yaml");
  writeFileSync(config, `s: 16\nT: 0.5\nrecordEvery: 0.25\nout: ${join(dir, "out")}\n`);
  const solved = execFileSync(bin, ["solve", "--config", config], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  assert.match(solved, /report: .*report\.html/);
  for (const f of [
    "report.html",
    "report.md",
    "vorticity.gif",
    "spectrum.png",
    "frames/vorticity_0002.png",
  ]) {
    assert.ok(existsSync(join(dir, "out", f)), `solve did not write ${f}`);
  }
  assert.equal(
    readFileSync(join(dir, "out", "vorticity.gif"))
      .subarray(0, 6)
      .toString("latin1"),
    "GIF89a",
  );

  const data = join(dir, "ns.mat");
  execFileSync(
    bin,
    [
      "generate",
      "--n",
      "2",
      "--s",
      "16",
      "--T",
      "0.5",
      "--record-every",
      "0.5",
      "--chunk-size",
      "1",
      "--output",
      data,
    ],
    { stdio: "ignore" },
  );
  const inspected = execFileSync(bin, ["inspect", data], { encoding: "utf8" });
  assert.match(inspected, /layout: FNO MATLAB v7\.3/);
  assert.match(inspected, /\/u dataset \(1 x 16 x 16 x 2\) float32 \[MATLAB 2 x 16 x 16 x 1\]/);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log("@modewise/pde-solver smoke: ok");
