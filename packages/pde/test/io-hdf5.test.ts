/**
 * HDF5 files in the FNO (MATLAB v7.3) and PDEBench layouts, checked against h5py (python3):
 * files we write read back in h5py with the same values in the same axis order, files h5py
 * writes in those layouts read back here. Exact equality: storage converts f64 -> f32 only, and
 * every test value (digits + 0.25, below 2^24) is exactly representable in float32.
 */
import { readFileSync, writeFileSync } from "node:fs";
import {
  FileFormatError,
  formatSummary,
  inspectFile,
  lookup3,
  readFnoMat,
  readPdebench,
  writeFnoMat,
  writePdebenchArrays,
  writePdebenchSeeds,
} from "@modewise/pde/io";
import { afterAll, describe, expect, it } from "vitest";
import { field, type PyArray, python, tempDir } from "./io-helpers.js";

const tmp = tempDir("h5");
afterAll(() => tmp.cleanup());

type PyFile = Record<
  string,
  PyArray & { matlab_class?: string; attrs?: Record<string, unknown> }
> & { "@attrs": Record<string, unknown>; "@userblock": number };

describe("FNO MATLAB v7.3 layout", () => {
  const [N, X, Y, T] = [2, 3, 4, 5];

  it("a file we write reads in h5py (transposed, as FNO's MatReader does) as [N, X, Y, T]", async () => {
    const p = tmp.path("ours.mat");
    await writeFnoMat(
      p,
      {
        a: { data: field([N, X, Y]), shape: [N, X, Y] },
        u: { data: field([N, X, Y, T]), shape: [N, X, Y, T] },
        t: { data: Float64Array.from([1, 2, 3, 4, 5]), shape: [T] },
      },
      { attributes: { nu: 1e-3, seed: 42, equation: "navier-stokes" } },
    );
    const py = JSON.parse(python("read-fno", p)) as PyFile;
    expect(py.u.shape).toEqual([N, X, Y, T]);
    expect(py.u.dtype).toBe("float32");
    expect(py.u.values).toEqual(Array.from(field([N, X, Y, T])));
    expect(py.a.shape).toEqual([N, X, Y]);
    expect(py.a.values).toEqual(Array.from(field([N, X, Y])));
    expect(py.t.shape).toEqual([1, T]); // MATLAB row vector
    expect(py.u.matlab_class).toBe("single");
    expect(py["@attrs"]).toEqual({ nu: 1e-3, seed: 42, equation: "navier-stokes" });
    // MATLAB's header block: h5py sees a 512-byte user block starting with the MAT-file text
    expect(py["@userblock"]).toBe(512);
    const head = readFileSync(p).subarray(0, 128);
    expect(head.subarray(0, 19).toString("latin1")).toBe("MATLAB 7.3 MAT-file");
    expect(Array.from(head.subarray(124, 128))).toEqual([0x00, 0x02, 0x49, 0x4d]); // v0x0200, "IM"
  });

  it("a file h5py writes like MATLAB (user block + header, reversed axes) reads back as [N, X, Y, T]", async () => {
    const p = tmp.path("h5py.mat");
    python("write-fno", p, N, X, Y, T);
    expect(readFileSync(p).subarray(0, 10).toString("latin1")).toBe("MATLAB 7.3");
    const got = await readFnoMat(p);
    expect(got.variables.u.shape).toEqual([N, X, Y, T]);
    expect(Array.from(got.variables.u.data)).toEqual(Array.from(field([N, X, Y, T])));
    expect(got.variables.a.shape).toEqual([N, X, Y]);
    expect(Array.from(got.variables.a.data)).toEqual(Array.from(field([N, X, Y])));
    expect(got.variables.t.shape).toEqual([T]);
    expect(Array.from(got.variables.t.data)).toEqual([1, 2, 3, 4, 5]);
  });

  it("reads a range of samples without loading the rest (large files)", async () => {
    const p = tmp.path("h5py-samples.mat");
    python("write-fno", p, 3, X, Y, T);
    const got = await readFnoMat(p, { samples: [1, 3] });
    expect(got.variables.u.shape).toEqual([2, X, Y, T]);
    const all = field([3, X, Y, T]);
    const per = X * Y * T;
    expect(Array.from(got.variables.u.data)).toEqual(Array.from(all.subarray(per, 3 * per)));
    expect(got.variables.a.shape).toEqual([2, X, Y]);
    expect(got.variables.t.shape).toEqual([T]); // coordinates are not sliced
    await expect(readFnoMat(p, { samples: [3, 4] })).rejects.toThrow(
      /'samples' expected a range within \[0, 3\)/,
    );
  });

  it("block-by-block writing (one block of samples in memory) reads in h5py like a whole write", async () => {
    const p = tmp.path("blocks.mat");
    const all = field([5, X, Y, T]);
    const per = X * Y * T;
    const reads: [number, number][] = [];
    await writeFnoMat(
      p,
      {
        u: {
          shape: [5, X, Y, T],
          read: (start, end) => {
            reads.push([start, end]);
            return all.subarray(start * per, end * per);
          },
        },
      },
      { blockSize: 2 },
    );
    expect(reads).toEqual([
      [0, 2],
      [2, 4],
      [4, 5],
    ]);
    const py = JSON.parse(python("read-fno", p)) as PyFile;
    expect(py.u.shape).toEqual([5, X, Y, T]);
    expect(py.u.values).toEqual(Array.from(all));
    expect(py["@userblock"]).toBe(512);
  });

  it("round trips in float64 with attributes", async () => {
    const p = tmp.path("rt.mat");
    const u = Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i) / 3);
    await writeFnoMat(
      p,
      { u: { data: u, shape: [2, 3, 4] } },
      { dtype: "float64", attributes: { T: 50, forcing: "fno", grid: [64, 64] } },
    );
    const got = await readFnoMat(p);
    expect(got.variables.u.data).toEqual(u);
    expect(got.attributes).toEqual({ T: 50, forcing: "fno", grid: [64, 64] });
  });
});

describe("MATLAB user block", () => {
  it("lookup3 reproduces HDF5's own superblock checksum and Jenkins' published values", () => {
    const p = tmp.path("latest.h5");
    python("write-latest", p);
    const bytes = new Uint8Array(readFileSync(p));
    expect(bytes[8]).toBe(3); // superblock version 3: 44 bytes, then the checksum
    expect(lookup3(bytes.subarray(0, 44))).toBe(
      new DataView(bytes.buffer, bytes.byteOffset).getUint32(44, true),
    );
    // lookup3.c driver5: hashlittle("", 0, 0) = 0xdeadbeef, ("Four score and seven years ago", 30, 0) = 0x17770551
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(new TextEncoder().encode("Four score and seven years ago"))).toBe(0x17770551);
  });

  it("files without the header block (matlabHeader: false) also round trip", async () => {
    const p = tmp.path("plain.mat");
    await writeFnoMat(
      p,
      { u: { data: field([2, 3]), shape: [2, 3] } },
      { matlabHeader: false, dtype: "float64" },
    );
    expect(readFileSync(p).subarray(1, 4).toString("latin1")).toBe("HDF");
    expect(Array.from((await readFnoMat(p)).variables.u.data)).toEqual(Array.from(field([2, 3])));
    const py = JSON.parse(python("read-fno", p)) as PyFile;
    expect(py["@userblock"]).toBe(0);
  });
});

describe("PDEBench layouts", () => {
  it("reads an h5py 'tensor' file (1D_Burgers layout) with its coordinates and attributes", async () => {
    const p = tmp.path("burgers.hdf5");
    python("write-pdebench-arrays", p, 3, 4, 6);
    const got = await readPdebench(p);
    if (got.layout !== "arrays") throw new Error("expected the arrays layout");
    expect(got.arrays.tensor.shape).toEqual([3, 4, 6]);
    expect(Array.from(got.arrays.tensor.data)).toEqual(Array.from(field([3, 4, 6])));
    expect(Array.from(got.arrays["x-coordinate"].data)).toEqual(
      [0.5, 1.5, 2.5, 3.5, 4.5, 5.5].map((v) => v / 6),
    );
    expect(got.arrays["t-coordinate"].shape).toEqual([5]);
    expect(got.attributes.nu).toBe(0.001);
    const part = await readPdebench(p, { samples: [2, 3] });
    if (part.layout !== "arrays") throw new Error("expected the arrays layout");
    expect(part.arrays.tensor.shape).toEqual([1, 4, 6]);
    expect(Array.from(part.arrays.tensor.data)).toEqual(Array.from(field([3, 4, 6]).subarray(48)));
    expect(part.arrays["x-coordinate"].shape).toEqual([6]);
  });

  it("reads the 2D_CFD layout (density, Vx, Vy, pressure [N, T, X, Y])", async () => {
    const p = tmp.path("cfd.hdf5");
    python("write-pdebench-cfd", p, 2, 3, 4, 5);
    const got = await readPdebench(p);
    if (got.layout !== "arrays") throw new Error("expected the arrays layout");
    expect(Object.keys(got.arrays).sort()).toEqual([
      "Vx",
      "Vy",
      "density",
      "pressure",
      "t-coordinate",
      "x-coordinate",
      "y-coordinate",
    ]);
    expect(got.arrays.Vy.shape).toEqual([2, 3, 4, 5]);
    expect(Array.from(got.arrays.Vy.data)).toEqual(Array.from(field([2, 3, 4, 5]), (v) => v + 2));
    expect(got.attributes).toEqual({ M: 0.1, eta: 0.01 });
  });

  it("reads h5py per-seed groups ('0000/data', '0000/grid/x' ...)", async () => {
    const p = tmp.path("seeds.h5");
    python("write-pdebench-seeds", p, 2, 3, 4, 5, 2);
    const got = await readPdebench(p);
    if (got.layout !== "seeds") throw new Error("expected the seeds layout");
    expect(got.seeds).toEqual(["0000", "0001"]);
    const expected = field([3, 4, 5, 2]);
    expect(got.samples[1].data.shape).toEqual([3, 4, 5, 2]);
    expect(Array.from(got.samples[1].data.data)).toEqual(Array.from(expected, (v) => v + 1));
    expect(Object.keys(got.samples[0].grid).sort()).toEqual(["t", "x", "y"]);
    expect(got.samples[0].attributes.seed).toBe(0);
  });

  it("files we write in both layouts read identically in h5py", async () => {
    const pa = tmp.path("ours-arrays.h5");
    await writePdebenchArrays(
      pa,
      {
        tensor: { data: field([2, 3, 4]), shape: [2, 3, 4] },
        "x-coordinate": { data: Float64Array.from([0, 0.25, 0.5, 0.75]), shape: [4] },
      },
      { dtype: "float64", attributes: { nu: 0.1 } },
    );
    const a = JSON.parse(python("read-h5", pa)) as PyFile;
    expect(a.tensor.shape).toEqual([2, 3, 4]);
    expect(a.tensor.values).toEqual(Array.from(field([2, 3, 4])));
    expect(a["x-coordinate"].values).toEqual([0, 0.25, 0.5, 0.75]);
    expect(a["@attrs"]).toEqual({ nu: 0.1 });

    const ps = tmp.path("ours-seeds.h5");
    await writePdebenchSeeds(
      ps,
      [0, 1].map((i) => ({
        data: { data: field([2, 3, 1]).map((v) => v + i), shape: [2, 3, 1] },
        grid: { x: { data: Float64Array.from([0, 0.5, 1]), shape: [3] } },
        attributes: { seed: i },
      })),
    );
    const s = JSON.parse(python("read-h5", ps)) as PyFile;
    expect(s["0001/data"].shape).toEqual([2, 3, 1]);
    expect(s["0001/data"].values).toEqual(Array.from(field([2, 3, 1]), (v) => v + 1));
    expect(s["0000/grid/x"].values).toEqual([0, 0.5, 1]);
  });
});

describe("inspection and errors", () => {
  it("inspect detects the layout and reports shapes, attributes and statistics", async () => {
    const p = tmp.path("inspect.mat");
    python("write-fno", p, 2, 3, 4, 5);
    const summary = await inspectFile(p);
    expect(summary.layout).toBe("fno-mat");
    const u = summary.nodes.find((n) => n.path === "/u");
    expect(u?.shape).toEqual([5, 4, 3, 2]);
    expect(u?.matlabShape).toEqual([2, 3, 4, 5]);
    const values = field([2, 3, 4, 5]);
    expect(u?.stats?.min).toBe(1111.25);
    expect(u?.stats?.max).toBe(2345.25);
    // mean of an arithmetic digit pattern, exact in f64 up to summation round-off (~1e-13 rel)
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs((u?.stats?.mean ?? 0) - mean)).toBeLessThan(1e-9);
    expect(formatSummary(summary)).toMatch(/MATLAB 2 x 3 x 4 x 5/);
    const seeds = tmp.path("inspect-seeds.h5");
    python("write-pdebench-seeds", seeds, 1, 2, 2, 2, 1);
    expect((await inspectFile(seeds)).layout).toBe("pdebench-seeds");
  });

  it("missing, non-HDF5, truncated and wrong-layout files give FileFormatError", async () => {
    await expect(readFnoMat(tmp.path("nope.mat"))).rejects.toThrow(/no such file/);
    const text = tmp.path("text.h5");
    writeFileSync(text, "hello world, definitely not HDF5 ".repeat(40));
    await expect(readFnoMat(text)).rejects.toThrow(FileFormatError);
    await expect(inspectFile(text)).rejects.toThrow(/neither signature/);
    const good = tmp.path("good.mat");
    python("write-fno", good, 2, 3, 4, 5);
    const truncated = tmp.path("truncated.mat");
    const bytes = readFileSync(good);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readFnoMat(truncated)).rejects.toThrow(/corrupt or truncated/);
    const pdebench = tmp.path("pb.h5");
    python("write-pdebench-arrays", pdebench, 1, 2, 3);
    await expect(readFnoMat(pdebench)).rejects.toThrow(/MATLAB_class/);
    await expect(readPdebench(good)).rejects.toThrow(/PDEBench/);
  });
});
