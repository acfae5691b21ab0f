/** Helpers of the CLI tests: run the built CLI (dist/cli.js) and make temporary folders. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

export function runCli(
  args: string[],
  cwd?: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: "utf8",
    cwd,
    timeout: 240_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix: string): {
  dir: string;
  path: (name: string) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return {
    dir,
    path: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Mean over samples of ||p - t|| / ||t|| in float64, written out here (not @modewise/pde's). */
export function meanRelL2(p: Float64Array, t: Float64Array, n: number): number {
  const size = t.length / n;
  let total = 0;
  for (let b = 0; b < n; b++) {
    let num = 0;
    let den = 0;
    for (let i = b * size; i < (b + 1) * size; i++) {
      num += ((p[i] as number) - (t[i] as number)) ** 2;
      den += (t[i] as number) ** 2;
    }
    total += Math.sqrt(num / den);
  }
  return total / n;
}
