/**
 * Creation: tensor() from numbers, nested arrays, typed arrays and complex pairs; zeros / ones /
 * full and the *Like variants; arange (numpy's element count, documented start + i * step values);
 * linspace (numpy's values, exact endpoint); eye with diagonal offset k.
 */
import {
  arange,
  type DType,
  DTypeError,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  ShapeError,
  setDefaultFloatDType,
  tensor,
  ValueError,
  zeros,
  zerosLike,
} from "@modewise/tensor";
import { afterEach, describe, expect, it } from "vitest";
import { decAll, expectSame, loadFixture, ulpOf } from "./elementwise-helpers.js";

const fx = loadFixture("elementwise_creation.json");

afterEach(() => setDefaultFloatDType("float32"));

describe("tensor()", () => {
  it("nested arrays: shape inference, default float32 rounding, explicit dtypes", () => {
    const t = tensor([
      [1, 2.5, 0.1],
      [4, -5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float32");
    expect(Array.from(t.dataSync())).toEqual([1, 2.5, Math.fround(0.1), 4, -5, 6]);
    const d = tensor([[0.1]], { dtype: "float64" });
    expect(d.dataSync()[0]).toBe(0.1);
    expect(Array.from(tensor([2.7, -2.7, -0.5], { dtype: "int32" }).dataSync())).toEqual([
      2, -2, 0,
    ]);
    expect(Array.from(tensor([0, 2, -0.5, Number.NaN], { dtype: "bool" }).dataSync())).toEqual([
      0, 1, 1, 1,
    ]);
    setDefaultFloatDType("float64");
    expect(tensor([0.1]).dtype).toBe("float64");
  });

  it("scalars and booleans", () => {
    const s = tensor(3.5);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(3.5);
    expect(tensor(true).dtype).toBe("bool");
    expect(tensor([[true, false]]).dtype).toBe("bool");
    expect(Array.from(tensor([[true, false]]).dataSync())).toEqual([1, 0]);
    expect(tensor([true, 2]).dtype).toBe("float32");
    expect(Array.from(tensor(2, { dtype: "complex128" }).dataSync())).toEqual([2, 0]);
  });

  it("typed arrays: dtype from the array type, copied, reshaped with `shape`", () => {
    const src = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(src, { shape: [2, 3] });
    expect(t.dtype).toBe("float64");
    expect(t.shape).toEqual([2, 3]);
    src[0] = 99;
    expect(t.dataSync()[0]).toBe(1);
    const cases: [ArrayLike<number> & object, DType][] = [
      [new Float32Array(2), "float32"],
      [new Int32Array(2), "int32"],
      [new Uint8Array(2), "bool"],
    ];
    for (const [a, d] of cases) expect(tensor(a as Float32Array).dtype).toBe(d);
    expect(() => tensor(new Float64Array(5), { shape: [2, 3] })).toThrow(ShapeError);
  });

  it("complex: [re, im] pairs as innermost entries, or an interleaved typed array", () => {
    const z = tensor(
      [
        [
          [1, 2],
          [3, -4],
        ],
        [
          [0, 0],
          [-0, 5],
        ],
      ],
      { dtype: "complex128" },
    );
    expect(z.shape).toEqual([2, 2]);
    expect(z.dtype).toBe("complex128");
    expectSame("complex data", z.dataSync(), [1, 2, 3, -4, 0, 0, -0, 5]);
    expect(z.arraySync()).toEqual([
      [
        [1, 2],
        [3, -4],
      ],
      [
        [0, 0],
        [-0, 5],
      ],
    ]);
    const t = tensor(new Float64Array([1, 2, 3, 4]), { dtype: "complex64" });
    expect(t.shape).toEqual([2]);
    expectSame("complex64", t.dataSync(), [1, 2, 3, 4]);
    expect(() => tensor([1, 2, 3], { dtype: "complex64" })).toThrow(ShapeError);
    // an odd-length interleaved array is not a whole number of complex values
    expect(() => tensor(new Float64Array(3), { dtype: "complex128" })).toThrow(ShapeError);
  });

  it("errors: ragged arrays, wrong counts, non-numbers, unknown dtype", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([[1, 2], 3])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(ShapeError);
    expect(() => tensor(["a", 1] as unknown as number[])).toThrow(ValueError);
    expect(() => tensor([null] as unknown as number[])).toThrow(ValueError);
    let e: unknown;
    try {
      tensor([1], { dtype: "float16" as DType });
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(DTypeError);
    expect((e as DTypeError).argument).toBe("dtype");
  });
});

describe("zeros, ones, full", () => {
  const dtypes: DType[] = ["bool", "int32", "float32", "float64", "complex64", "complex128"];

  it("every dtype; complex fills the real part; bool stores 0 / 1", () => {
    for (const dtype of dtypes) {
      const c = dtype.startsWith("complex") ? 2 : 1;
      expect(Array.from(zeros([2, 3], { dtype }).dataSync())).toEqual(new Array(6 * c).fill(0));
      const o = ones([2, 1], { dtype });
      expect(o.shape).toEqual([2, 1]);
      expect(Array.from(o.dataSync())).toEqual(c === 2 ? [1, 0, 1, 0] : [1, 1]);
    }
    expect(Array.from(full([3], 0.5, { dtype: "bool" }).dataSync())).toEqual([1, 1, 1]);
    expect(Array.from(full([2], 7, { dtype: "bool" }).dataSync())).toEqual([1, 1]);
    expect(Array.from(full([2], -2.5, { dtype: "complex64" }).dataSync())).toEqual([
      -2.5, 0, -2.5, 0,
    ]);
    expect(Array.from(full([2], 2.9, { dtype: "int32" }).dataSync())).toEqual([2, 2]);
    expect(Array.from(full([2], 0.1).dataSync())).toEqual([Math.fround(0.1), Math.fround(0.1)]);
    expect(Number.isNaN(full([1], Number.NaN, { dtype: "float64" }).item())).toBe(true);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([0, 3]).size).toBe(0);
  });

  it("*Like keep shape and dtype unless overridden", () => {
    const z = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "complex64" },
    );
    expect(zerosLike(z).dtype).toBe("complex64");
    expect(Array.from(onesLike(z).dataSync())).toEqual([1, 0, 1, 0]);
    const f = fullLike(tensor([[1, 2, 3]], { dtype: "float64" }), 0.1);
    expect(f.shape).toEqual([1, 3]);
    expect(Array.from(f.dataSync())).toEqual([0.1, 0.1, 0.1]);
    expect(zerosLike(f, { dtype: "int32" }).dtype).toBe("int32");
  });

  it("reject bad shapes and values", () => {
    expect(() => zeros([2, -1])).toThrow(ValueError);
    expect(() => ones([1.5])).toThrow(ValueError);
    expect(() => full([2], "x" as unknown as number)).toThrow(ValueError);
    expect(() => zeros([2], { dtype: "int8" as DType })).toThrow(DTypeError);
  });
});

describe("arange", () => {
  for (const c of fx.arange as {
    start: number;
    stop: number;
    step: number;
    len: number;
    numpy: number[];
    values: number[];
    int: boolean;
  }[]) {
    it(`(${c.start}, ${c.stop}, ${c.step})`, () => {
      const t = arange(c.start, c.stop, c.step, { dtype: c.int ? undefined : "float64" });
      // numpy's count: ceil((stop - start) / step), clamped at 0
      expect(t.shape).toEqual([c.len]);
      expect(t.dtype).toBe(c.int ? "int32" : "float64");
      // documented values: start + i * step, each one rounding
      expectSame("values", t.dataSync(), c.values);
      // numpy fills with start + i * delta where delta = fl(start + step) - start differs from
      // step by at most ulp(start + step): numpy's values are within i ulp(start + step) + 1 ulp.
      const v = t.dataSync();
      const np = decAll(c.numpy);
      for (let i = 0; i < np.length; i++) {
        expect(Math.abs(v[i] - np[i])).toBeLessThanOrEqual(
          i * ulpOf(c.start + c.step) + ulpOf(np[i]),
        );
      }
      // without a dtype: int32 only when every argument is an integer, else the default float
      expect(arange(c.start, c.stop, c.step).dtype).toBe(c.int ? "int32" : "float32");
    });
  }

  it("one argument counts from 0; errors for zero or non-finite steps", () => {
    expect(Array.from(arange(4).dataSync())).toEqual([0, 1, 2, 3]);
    expect(arange(2.5).dtype).toBe("float32");
    expect(Array.from(arange(2.5).dataSync())).toEqual([0, 1, 2]);
    expect(Array.from(arange(0, 3, 1, { dtype: "complex64" }).dataSync())).toEqual([
      0, 0, 1, 0, 2, 0,
    ]);
    expect(() => arange(0, 1, 0)).toThrow(ValueError);
    expect(() => arange(0, Infinity)).toThrow(ValueError);
    expect(() => arange(Number.NaN)).toThrow(ValueError);
  });
});

describe("linspace", () => {
  for (const c of fx.linspace as {
    start: number;
    stop: number;
    num: number;
    endpoint: boolean;
    values: number[];
    values32: number[];
  }[]) {
    it(`(${c.start}, ${c.stop}, ${c.num}, endpoint ${c.endpoint})`, () => {
      // same formula as numpy (start + i * step, step = (stop - start) / div, last = stop): bitwise equal
      const t = linspaceOf(c, "float64");
      expect(t.shape).toEqual([c.num]);
      expectSame("float64", t.dataSync(), c.values);
      expectSame("float32", linspaceOf(c, "float32").dataSync(), c.values32);
      if (c.endpoint && c.num > 1) expect(t.dataSync()[c.num - 1]).toBe(c.stop);
    });
  }

  it("rejects a negative or fractional count", () => {
    expect(() => linspace(0, 1, -1)).toThrow(ValueError);
    expect(() => linspace(0, 1, 2.5)).toThrow(ValueError);
  });
});

describe("eye", () => {
  for (const c of fx.eye as { n: number; m: number; k: number; values: number[] }[]) {
    it(`(${c.n}, ${c.m}, k=${c.k}) as numpy.eye`, () => {
      const t = eye(c.n, c.m, c.k, { dtype: "float64" });
      expect(t.shape).toEqual([c.n, c.m]);
      expectSame("eye", t.dataSync(), c.values);
    });
  }

  it("defaults to square float32; complex puts 1 + 0i on the diagonal; validates arguments", () => {
    expect(eye(2).shape).toEqual([2, 2]);
    expect(eye(2).dtype).toBe("float32");
    expect(Array.from(eye(2, 2, 0, { dtype: "complex128" }).dataSync())).toEqual([
      1, 0, 0, 0, 0, 0, 1, 0,
    ]);
    expect(() => eye(-1)).toThrow(ValueError);
    expect(() => eye(2, 2.5)).toThrow(ValueError);
    expect(() => eye(2, 2, 0.5)).toThrow(ValueError);
  });
});

function linspaceOf(
  c: { start: number; stop: number; num: number; endpoint: boolean },
  dtype: "float32" | "float64",
) {
  return linspace(c.start, c.stop, c.num, { endpoint: c.endpoint, dtype });
}
