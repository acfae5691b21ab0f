/**
 * Resumable dataset generation: an interrupted run (stopped right after a chunk is journaled)
 * resumes to a file equal BIT FOR BIT to an uninterrupted run's; the journal refuses other
 * parameters; every parameter and the seed are recorded in the attributes and the sidecar.
 * (The CLI test in apps/pde-solver kills a real process with SIGKILL.)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { gaussianRandomField1d } from "@modewise/pde";
import {
  DATASET_PRESETS,
  type DatasetSpec,
  generateDataset,
  type NavierStokesSpec,
  partsDirFor,
  readFnoMat,
  readPdebench,
} from "@modewise/pde/io";
import { ValueError } from "@modewise/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "./io-helpers.js";

const tmp = tempDir("datasets");
afterAll(() => tmp.cleanup());

// 16^2, T = 1 with 4 snapshots: ~0.1 s per chunk, enough to exercise every path.
const spec: NavierStokesSpec = {
  ...DATASET_PRESETS["ns-1e-3"],
  n: 5,
  s: 16,
  T: 1,
  recordEvery: 0.25,
  chunkSize: 2,
  dtype: "float64",
  seed: 7,
};

class Interrupt extends Error {}

describe("generateDataset", () => {
  it("a run interrupted after a journaled chunk resumes to the uninterrupted result, bit for bit", async () => {
    const whole = tmp.path("whole.mat");
    await generateDataset(spec, { output: whole });

    const resumed = tmp.path("resumed.mat");
    await expect(
      generateDataset(spec, {
        output: resumed,
        onChunkSaved: (c) => {
          if (c === 1) throw new Interrupt("simulated crash");
        },
      }),
    ).rejects.toThrow(Interrupt);
    expect(existsSync(resumed)).toBe(false); // the final file appears only when complete
    // a temporary left by a kill during the final write is cleaned up by the next run
    const stale = tmp.path(".resumed.mat.tmp-12345-abc");
    writeFileSync(stale, "partial");
    const journal = JSON.parse(readFileSync(`${partsDirFor(resumed)}/journal.json`, "utf8")) as {
      done: number[];
    };
    expect(journal.done).toEqual([0, 1]);
    const result = await generateDataset(spec, { output: resumed });
    expect(result.chunksResumed).toBe(2);
    expect(result.chunksComputed).toBe(1);
    expect(existsSync(partsDirFor(resumed))).toBe(false);
    expect(existsSync(stale)).toBe(false);

    const a = await readFnoMat(whole);
    const b = await readFnoMat(resumed);
    expect(b.variables.u.shape).toEqual([5, 16, 16, 4]);
    expect(
      Buffer.from(b.variables.u.data.buffer).equals(Buffer.from(a.variables.u.data.buffer)),
    ).toBe(true);
    expect(
      Buffer.from(b.variables.a.data.buffer).equals(Buffer.from(a.variables.a.data.buffer)),
    ).toBe(true);
    expect(Array.from(b.variables.t.data)).toEqual([0.25, 0.5, 0.75, 1]);
    // every parameter and the seed are recorded
    for (const key of [
      "nu",
      "T",
      "s",
      "seed",
      "alpha",
      "tau",
      "forcing",
      "scheme",
      "recordEvery",
      "n",
    ] as const) {
      expect(b.attributes[key]).toEqual(spec[key]);
    }
    const sidecar = JSON.parse(readFileSync(`${resumed}.json`, "utf8")) as {
      spec: DatasetSpec;
      variables: Record<string, number[]>;
    };
    expect(sidecar.spec).toEqual(spec);
    expect(sidecar.variables.u).toEqual([5, 16, 16, 4]);
  });

  it("initial data depend only on (seed, sample index), not on the chunking", async () => {
    const p1 = tmp.path("chunks1.mat");
    const p3 = tmp.path("chunks3.mat");
    const short = { ...spec, T: 0.25, recordEvery: 0.25 };
    await generateDataset({ ...short, chunkSize: 1 }, { output: p1 });
    await generateDataset({ ...short, chunkSize: 3 }, { output: p3 });
    const [x, y] = [await readFnoMat(p1), await readFnoMat(p3)];
    expect(
      Buffer.from(x.variables.a.data.buffer).equals(Buffer.from(y.variables.a.data.buffer)),
    ).toBe(true);
    // a different seed gives different data (so the check above can fail)
    const other = tmp.path("seed8.mat");
    await generateDataset({ ...short, seed: 8 }, { output: other });
    expect(
      Buffer.from((await readFnoMat(other)).variables.a.data.buffer).equals(
        Buffer.from(x.variables.a.data.buffer),
      ),
    ).toBe(false);
  });

  it("refuses to resume a journal written for other parameters", async () => {
    const out = tmp.path("mismatch.mat");
    await expect(
      generateDataset(spec, {
        output: out,
        onChunkSaved: () => {
          throw new Interrupt("stop");
        },
      }),
    ).rejects.toThrow(Interrupt);
    await expect(generateDataset({ ...spec, nu: 1e-4 }, { output: out })).rejects.toThrow(
      ValueError,
    );
    await expect(generateDataset({ ...spec, nu: 1e-4 }, { output: out })).rejects.toThrow(/fresh/);
    const fresh = await generateDataset(
      { ...spec, nu: 1e-4, T: 0.25, recordEvery: 0.25 },
      { output: out, fresh: true },
    );
    expect(fresh.chunksResumed).toBe(0);
  });

  it("writes the PDEBench layout: tensor [N, T, X, Y] with coordinates", async () => {
    const out = tmp.path("ns.h5");
    const short = { ...spec, T: 0.5, recordEvery: 0.25, format: "pdebench" as const };
    await generateDataset(short, { output: out });
    const got = await readPdebench(out);
    if (got.layout !== "arrays") throw new Error("expected arrays layout");
    expect(got.arrays.tensor.shape).toEqual([5, 2, 16, 16]);
    expect(got.arrays.initial.shape).toEqual([5, 16, 16]);
    expect(Array.from(got.arrays["t-coordinate"].data)).toEqual([0.25, 0.5]);
    expect(got.attributes.seed).toBe(7);
  });

  it("rejects invalid specs with ValueError naming the field", async () => {
    await expect(
      generateDataset({ ...spec, chunkSize: 0 }, { output: tmp.path("x.mat") }),
    ).rejects.toThrow(/spec.chunkSize/);
    await expect(
      generateDataset({ ...spec, recordEvery: 0.3 }, { output: tmp.path("x.mat") }),
    ).rejects.toThrow(/spec.recordEvery/);
    // typos in the enumerations used to fall through to the PDEBench layout / float64
    await expect(
      generateDataset(
        { ...spec, format: "hdf5" as unknown as "pdebench" },
        { output: tmp.path("x.mat") },
      ),
    ).rejects.toThrow(
      /argument 'spec.format' expected one of 'fno-mat', 'pdebench', received 'hdf5'/,
    );
    await expect(
      generateDataset(
        { ...spec, dtype: "float16" as unknown as "float32" },
        { output: tmp.path("x.mat") },
      ),
    ).rejects.toThrow(/spec.dtype/);
  });

  it("Burgers and Darcy presets write the FNO variable names; inputs follow the seed rule", async () => {
    const burgers = tmp.path("burgers.mat");
    await generateDataset(
      {
        ...DATASET_PRESETS.burgers,
        n: 3,
        s: 64,
        solverS: 256,
        chunkSize: 2,
        seed: 5,
        dtype: "float64",
      },
      { output: burgers },
    );
    const b = await readFnoMat(burgers);
    expect(b.variables.a.shape).toEqual([3, 64]);
    expect(b.variables.u.shape).toEqual([3, 64]);
    // input = the solver-grid GRF of stream i, subsampled every 256/64 = 4 points
    const u0 = gaussianRandomField1d({ s: 256, alpha: 2, tau: 5, sigma: 25, batch: 3, seed: 5 });
    const expected = Float64Array.from(
      { length: 3 * 64 },
      (_, k) => u0[Math.floor(k / 64) * 256 + (k % 64) * 4],
    );
    expect(Buffer.from(b.variables.a.data.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    expect(b.attributes.solverS).toBe(256);

    const darcy = tmp.path("darcy.mat");
    await generateDataset(
      { ...DATASET_PRESETS.darcy, n: 2, s: 17, chunkSize: 1 },
      { output: darcy },
    );
    const d = await readFnoMat(darcy);
    expect(d.variables.coeff.shape).toEqual([2, 17, 17]);
    expect(d.variables.sol.shape).toEqual([2, 17, 17]);
    expect(new Set(d.variables.coeff.data)).toEqual(new Set([4, 12]));
    // u = 0 on the boundary (Dirichlet), positive inside (f = 1 > 0, maximum principle)
    const sol = d.variables.sol.data;
    expect(sol[0]).toBe(0);
    expect(sol[8 * 17 + 8]).toBeGreaterThan(0);
  });
});
