/**
 * NPY v1.0 writing and v1/v2 reading against numpy (np.save / np.load through python3): exact
 * equality, since NPY stores raw IEEE bytes and no arithmetic is involved.
 */
import { readFileSync, writeFileSync } from "node:fs";
import {
  decodeNpy,
  encodeNpy,
  FileFormatError,
  inspectFile,
  readNpy,
  writeNpy,
} from "@modewise/pde/io";
import { ShapeError } from "@modewise/tensor";
import { afterAll, describe, expect, it } from "vitest";
import { field, type PyArray, python, tempDir } from "./io-helpers.js";

const tmp = tempDir("npy");
afterAll(() => tmp.cleanup());

describe("npy", () => {
  it("files we write load in numpy with the same dtype, shape and values", () => {
    const cases: [Float64Array | Float32Array | Int32Array, number[], string][] = [
      [field([3, 4, 5]), [3, 4, 5], "float64"],
      [Float32Array.from(field([7])), [7], "float32"],
      [Int32Array.from([1, -2, 3, 2147483647, -2147483648, 0]), [2, 3], "int32"],
      [new Float64Array([Math.PI]), [], "float64"],
    ];
    for (const [data, shape, dtype] of cases) {
      const p = tmp.path(`ours-${dtype}-${shape.length}.npy`);
      writeNpy(p, data, shape);
      const back = JSON.parse(python("read-npy", p)) as PyArray;
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual(shape);
      expect(back.values).toEqual(Array.from(data));
      // header + data start on a 64-byte boundary (format requirement)
      expect((readFileSync(p).length - data.byteLength) % 64).toBe(0);
    }
  });

  it("reads numpy's C- and Fortran-ordered files as row-major arrays", () => {
    for (const [dtype, order] of [
      ["float64", "C"],
      ["float32", "F"],
      ["int32", "F"],
      [">f8", "C"],
      [">i4", "F"],
    ] as const) {
      const p = tmp.path(`np-${dtype}-${order}.npy`);
      python("write-npy", p, dtype, order, 2, 3, 4);
      const got = readNpy(p);
      expect(got.dtype).toBe({ ">f8": "float64", ">i4": "int32" }[dtype as string] ?? dtype);
      expect(got.shape).toEqual([2, 3, 4]);
      // numpy's astype(int32) truncates the .25 of every value
      const expected = Array.from(field([2, 3, 4]), (v) =>
        dtype.includes("i") ? Math.trunc(v) : v,
      );
      expect(Array.from(got.data as Float64Array)).toEqual(expected);
    }
  });

  it("inspect reads an .npy header and statistics", async () => {
    const p = tmp.path("inspect.npy");
    python("write-npy", p, "float32", "F", 2, 3);
    const summary = await inspectFile(p);
    expect(summary.layout).toBe("npy");
    expect(summary.nodes[0].shape).toEqual([2, 3]);
    expect(summary.nodes[0].dtype).toBe("float32");
    expect(summary.nodes[0].stats?.min).toBe(11.25);
    expect(summary.nodes[0].stats?.max).toBe(23.25);
  });

  it("round trips through bytes exactly", () => {
    const data = Float64Array.from({ length: 30 }, (_, i) => Math.sin(i) * 1e-300 + i);
    const decoded = decodeNpy(encodeNpy(data, [5, 6]));
    expect(decoded.shape).toEqual([5, 6]);
    expect(decoded.data).toEqual(data);
  });

  it("truncated, corrupt and unsupported files give FileFormatError naming the problem", () => {
    const good = encodeNpy(field([4, 4]), [4, 4]);
    const truncated = tmp.path("trunc.npy");
    writeFileSync(truncated, good.subarray(0, good.length - 8));
    expect(() => readNpy(truncated)).toThrow(FileFormatError);
    expect(() => readNpy(truncated)).toThrow(/truncated/);
    const garbage = tmp.path("garbage.npy");
    writeFileSync(garbage, "not an npy file at all");
    expect(() => readNpy(garbage)).toThrow(/NPY magic/);
    const complex = tmp.path("c16.npy");
    writeFileSync(
      complex,
      Buffer.from(good).toString("latin1").replace("'<f8'", "'<c8'"),
      "latin1",
    );
    expect(() => readNpy(complex)).toThrow(/descr '<c8'/);
    expect(() => readNpy(tmp.path("missing.npy"))).toThrow(/no such file/);
    expect(() => encodeNpy(new Float64Array(5), [2, 3])).toThrow(ShapeError);
  });
});
