/** Shared helpers of the io/datasets tests: the h5py/numpy bridge and the closed-form fields. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BRIDGE = fileURLToPath(new URL("./scripts/h5py_bridge.py", import.meta.url));

/** Run the h5py/numpy bridge; returns its stdout (throws with its stderr on failure). */
export function python(...args: (string | number)[]): string {
  const r = spawnSync("python3", [BRIDGE, ...args.map(String)], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0)
    throw new Error(`python3 h5py_bridge.py ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

export interface PyArray {
  dtype: string;
  shape: number[];
  values: number[];
}

/** value at (i0, i1, ...) = sum_k (i_k + 1) 10^(rank-1-k) + 0.25, as in h5py_bridge.field. */
export function field(shape: readonly number[]): Float64Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  const rank = shape.length;
  for (let flat = 0; flat < n; flat++) {
    let rest = flat;
    let v = 0.25;
    for (let k = rank - 1; k >= 0; k--) {
      const i = rest % shape[k];
      rest = (rest - i) / shape[k];
      v += (i + 1) * 10 ** (rank - 1 - k);
    }
    out[flat] = v;
  }
  return out;
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
