/**
 * The synchronous worker_threads pool (src/parallel/pool.ts): jobs run on the helper threads
 * while the caller works, errors come back as typed errors, dispose() is idempotent and the pool
 * restarts, and an idle pool never keeps the process alive (unref). Imported from dist/ because
 * the workers load dist/parallel/worker.js (build first, as for every test here).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ValueError } from "@modewise/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { sumInto } from "../dist/parallel/jobs.js";
import {
  checkThreads,
  defaultThreads,
  disposeThreadPools,
  sharedCopy,
  sharedPool,
  sharedZeros,
  ThreadPool,
  threadsAvailable,
} from "../dist/parallel/pool.js";

const here = path.dirname(fileURLToPath(import.meta.url));

afterAll(() => disposeThreadPools());

/** Exact small integers, so every summation order gives the same bits. */
function parts(count: number, n: number): Float64Array[] {
  return Array.from({ length: count }, (_, p) =>
    sharedCopy(Float64Array.from({ length: n }, (_, i) => ((i * 7 + p * 13) % 101) - 50)),
  );
}

describe("thread pool", () => {
  it("runs on Node with worker_threads; default threads = available cores", () => {
    expect(threadsAvailable).toBe(true);
    expect(defaultThreads()).toBeGreaterThanOrEqual(1);
    expect(checkThreads(undefined, "f")).toBe(defaultThreads());
    expect(checkThreads(3, "f")).toBe(3);
    for (const bad of [0, -1, 1.5, Number.NaN, "2"])
      expect(() => checkThreads(bad, "f")).toThrow(ValueError);
  });

  it("splits a reduction over helpers and the caller: equal to the serial sum", () => {
    const n = 10007;
    const ps = parts(4, n);
    const serial = new Float64Array(n);
    sumInto(serial, ps, 0, n);
    const pool = new ThreadPool(3);
    const out = sharedZeros(n);
    const cut = (t: number): number => Math.floor((t * n) / 4);
    pool.run(
      [1, 2, 3].map((t) => ({
        kind: "sumInto",
        args: { out, parts: ps, lo: cut(t), hi: cut(t + 1) },
      })),
      () => sumInto(out, ps, 0, cut(1)),
    );
    expect(Array.from(out)).toEqual(Array.from(serial));
    // every element really was written (the sum is not identically zero)
    expect(serial.some((v) => v !== 0)).toBe(true);
    pool.dispose();
  });

  it("reports a failing job as a ValueError naming the worker; the pool stays usable", () => {
    const pool = sharedPool(2);
    expect(() => pool.run([{ kind: "noSuchJob", args: {} }], () => {})).toThrow(
      /worker 0: unknown job kind/,
    );
    const out = sharedZeros(3);
    pool.run(
      [
        {
          kind: "sumInto",
          args: { out, parts: [sharedCopy(new Float64Array([1, 2, 3]))], lo: 0, hi: 3 },
        },
      ],
      () => {},
    );
    expect(Array.from(out)).toEqual([1, 2, 3]);
    expect(() =>
      pool.run(
        [
          { kind: "sumInto", args: {} },
          { kind: "sumInto", args: {} },
        ],
        () => {},
      ),
    ).toThrow(ValueError);
  });

  it("dispose() is idempotent and a disposed pool restarts its workers", () => {
    const pool = new ThreadPool(1);
    pool.dispose();
    pool.dispose();
    const out = sharedZeros(2);
    pool.run(
      [
        {
          kind: "sumInto",
          args: { out, parts: [sharedCopy(new Float64Array([5, 6]))], lo: 0, hi: 2 },
        },
      ],
      () => {},
    );
    expect(Array.from(out)).toEqual([5, 6]);
    pool.dispose();
  });

  it("an idle pool does not keep the process alive", () => {
    // A child process runs a job and then simply ends its script without dispose(): with
    // ref'd workers it would never exit (execFileSync would hit its timeout and throw). The two
    // jobs sum disjoint ranges, as sumInto requires (both adding into out[0] was a data race
    // that printed 1 about once in a few runs).
    const pool = path.join(here, "..", "dist", "parallel", "pool.js");
    const script = `
      const { sharedPool, sharedZeros, sharedCopy } = await import(${JSON.stringify(pool)});
      const out = sharedZeros(2);
      const parts = [sharedCopy(new Float64Array([1, 1]))];
      sharedPool(3).run([0, 1].map((i) => ({ kind: "sumInto", args: { out, parts, lo: i, hi: i + 1 } })), () => {});
      console.log(out[0] + out[1]);`;
    const t0 = Date.now();
    const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      timeout: 20000,
      encoding: "utf8",
    });
    expect(stdout.trim()).toBe("2");
    expect(Date.now() - t0).toBeLessThan(20000);
  });
});
