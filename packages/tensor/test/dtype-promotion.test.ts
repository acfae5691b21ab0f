/**
 * dtype promotion: the documented table of promoteTypes (src/dtype.ts), how arithmetic,
 * division and comparisons apply it, weak typing of plain JS numbers (a number adopts the
 * tensor's dtype), and astype between every pair of dtypes.
 */
import {
  add,
  astype,
  atan2,
  type DType,
  DTypeError,
  div,
  equal,
  getDefaultFloatDType,
  mul,
  pow,
  promoteTypes,
  setDefaultFloatDType,
  sub,
  type Tensor,
  tensor,
  where,
} from "@modewise/tensor";
import { afterEach, describe, expect, it } from "vitest";

const ORDER: DType[] = ["bool", "int32", "float32", "float64", "complex64", "complex128"];

/**
 * Written out by hand from the rules documented at promoteTypes: bool < int32 < float < complex
 * by category; precision is the larger of the two, so float64 with complex64 gives complex128
 * (numpy), and int32 with float32 gives float32 (PyTorch: integers do not force float64).
 */
const TABLE: Record<DType, DType[]> = {
  bool: ["bool", "int32", "float32", "float64", "complex64", "complex128"],
  int32: ["int32", "int32", "float32", "float64", "complex64", "complex128"],
  float32: ["float32", "float32", "float32", "float64", "complex64", "complex128"],
  float64: ["float64", "float64", "float64", "float64", "complex128", "complex128"],
  complex64: ["complex64", "complex64", "complex64", "complex128", "complex64", "complex128"],
  complex128: ["complex128", "complex128", "complex128", "complex128", "complex128", "complex128"],
};

/** A one-element tensor of each dtype holding the value 2 (complex: 2 + 0i). */
function two(d: DType): Tensor {
  if (d === "bool") return tensor([true]);
  if (d === "complex64" || d === "complex128") return tensor([[2, 0]], { dtype: d });
  return tensor([2], { dtype: d });
}

const isFloatLike = (d: DType) => d !== "bool" && d !== "int32";

afterEach(() => setDefaultFloatDType("float32"));

describe("promoteTypes", () => {
  it("matches the documented table for all 36 pairs, symmetrically", () => {
    for (const a of ORDER) {
      ORDER.forEach((b, j) => {
        expect(promoteTypes(a, b), `${a} with ${b}`).toBe(TABLE[a][j]);
        expect(promoteTypes(b, a), `${b} with ${a}`).toBe(TABLE[a][j]);
      });
    }
  });
});

describe("ops apply the promotion", () => {
  it("add / sub / mul give the promoted dtype (bool arithmetic counts in int32)", () => {
    for (const a of ORDER) {
      ORDER.forEach((b, j) => {
        const expected = TABLE[a][j] === "bool" ? "int32" : TABLE[a][j];
        for (const f of [add, sub, mul]) {
          const out = f(two(a), two(b));
          expect(out.dtype, `${f.name} ${a} ${b}`).toBe(expected);
        }
        const v = add(two(a), two(b)).dataSync();
        const ta = a === "bool" ? 1 : 2;
        const tb = b === "bool" ? 1 : 2;
        expect(v[0], `${a} + ${b}`).toBe(ta + tb);
      });
    }
  });

  it("div, pow and atan2 always give a float dtype (default float for integers and bools)", () => {
    for (const a of ORDER) {
      ORDER.forEach((b, j) => {
        const p = TABLE[a][j];
        const expected = isFloatLike(p) ? p : "float32";
        expect(div(two(a), two(b)).dtype, `div ${a} ${b}`).toBe(expected);
        expect(pow(two(a), two(b)).dtype, `pow ${a} ${b}`).toBe(expected);
        if (!p.startsWith("complex")) expect(atan2(two(a), two(b)).dtype).toBe(expected);
      });
    }
    setDefaultFloatDType("float64");
    expect(div(two("int32"), two("int32")).dtype).toBe("float64");
  });

  it("comparisons return bool for every pair", () => {
    for (const a of ORDER) for (const b of ORDER) expect(equal(two(a), two(b)).dtype).toBe("bool");
  });

  it("where promotes its two value operands", () => {
    expect(where(true, two("float32"), two("complex64")).dtype).toBe("complex64");
    expect(where(true, two("int32"), two("float64")).dtype).toBe("float64");
  });
});

describe("weak typing of plain JS numbers", () => {
  it("a number adopts the dtype of a float or complex tensor, on either side", () => {
    for (const d of ["float32", "float64", "complex64", "complex128"] as DType[]) {
      expect(add(two(d), 0.1).dtype).toBe(d);
      expect(add(0.1, two(d)).dtype).toBe(d);
      expect(mul(2.5, two(d)).dtype).toBe(d);
    }
    // float32: 0.1 is rounded to float32 first (PyTorch's scalar semantics), then added.
    expect(add(tensor([1], { dtype: "float32" }), 0.1).dataSync()[0]).toBe(
      Math.fround(1 + Math.fround(0.1)),
    );
    expect(add(tensor([1], { dtype: "float64" }), 0.1).dataSync()[0]).toBe(1.1);
  });

  it("an integer number keeps int32; a fractional one gives the default float", () => {
    expect(add(two("int32"), 3).dtype).toBe("int32");
    expect(Array.from(add(two("int32"), 3).dataSync())).toEqual([5]);
    expect(add(two("int32"), 0.5).dtype).toBe("float32");
    expect(Array.from(add(two("int32"), 0.5).dataSync())).toEqual([2.5]);
    setDefaultFloatDType("float64");
    expect(add(two("int32"), 0.1).dtype).toBe("float64");
    expect(add(two("int32"), 0.1).dataSync()[0]).toBe(2.1);
  });

  it("two numbers give the default float dtype", () => {
    expect(getDefaultFloatDType()).toBe("float32");
    expect(add(1, 2).dtype).toBe("float32");
    setDefaultFloatDType("float64");
    expect(add(1, 0.1).dtype).toBe("float64");
    expect(add(1, 0.1).dataSync()[0]).toBe(1.1);
  });

  it("JS booleans and typed arrays are strongly typed", () => {
    expect(add(two("float32"), true).dtype).toBe("float32");
    expect(add(two("int32"), true).dtype).toBe("int32");
    expect(add(two("float32"), new Float64Array([1])).dtype).toBe("float64");
    expect(add(two("float32"), new Int32Array([1])).dtype).toBe("float32");
  });

  it("nested arrays take the precision of a float or complex operand", () => {
    // 0.1 must reach a float64 / complex128 computation without passing through float32.
    expect(Array.from(add(tensor([0], { dtype: "float64" }), [0.1]).dataSync())).toEqual([0.1]);
    const z = add(tensor([[0, 1]], { dtype: "complex128" }), [0.1]);
    expect(z.dtype).toBe("complex128");
    expect(Array.from(z.dataSync())).toEqual([0.1, 1]);
    const z64 = add(tensor([[0, 1]], { dtype: "complex64" }), [0.1]);
    expect(z64.dtype).toBe("complex64");
    expect(Array.from(z64.dataSync())).toEqual([Math.fround(0.1), 1]);
    expect(add(tensor([0], { dtype: "float32" }), [0.1]).dataSync()[0]).toBe(Math.fround(0.1));
  });
});

describe("astype", () => {
  const values = [-2.7, -0.5, 0, 0.5, 2.7, 16777217, Number.NaN];

  it("float64 to every dtype", () => {
    const x = tensor(values, { dtype: "float64" });
    expect(Array.from(astype(x, "float32").dataSync())).toEqual(values.map(Math.fround));
    // int32: truncation toward zero (numpy / C casts); NaN is left out (undefined in C).
    const finite = tensor(values.slice(0, 6), { dtype: "float64" });
    expect(Array.from(astype(finite, "int32").dataSync())).toEqual([-2, 0, 0, 0, 2, 16777217]);
    // bool: nonzero (NaN included) is true
    expect(Array.from(astype(x, "bool").dataSync())).toEqual([1, 1, 0, 1, 1, 1, 1]);
    const c = astype(x, "complex128");
    expect(c.dtype).toBe("complex128");
    expect(Array.from(c.dataSync())).toEqual(values.flatMap((v) => [v, 0]));
    expect(Array.from(astype(x, "complex64").dataSync())).toEqual(
      values.flatMap((v) => [Math.fround(v), 0]),
    );
  });

  it("complex to real keeps the real part; to bool tests both parts", () => {
    const z = tensor(
      [
        [1.5, -2],
        [0, 3],
        [0, 0],
        [1e300, 1],
      ],
      { dtype: "complex128" },
    );
    expect(Array.from(astype(z, "float64").dataSync())).toEqual([1.5, 0, 0, 1e300]);
    expect(Array.from(astype(z, "float32").dataSync())).toEqual([1.5, 0, 0, Infinity]);
    expect(Array.from(astype(z, "int32").dataSync()).slice(0, 3)).toEqual([1, 0, 0]);
    expect(Array.from(astype(z, "bool").dataSync())).toEqual([1, 1, 0, 1]);
    expect(Array.from(astype(z, "complex64").dataSync())).toEqual([
      1.5,
      -2,
      0,
      3,
      0,
      0,
      Infinity,
      1,
    ]);
  });

  it("integers and bools to floats; float32 rounding of large integers", () => {
    const i = tensor(new Int32Array([16777217, -3, 0]));
    expect(Array.from(astype(i, "float32").dataSync())).toEqual([16777216, -3, 0]);
    expect(Array.from(astype(i, "float64").dataSync())).toEqual([16777217, -3, 0]);
    expect(Array.from(astype(i, "bool").dataSync())).toEqual([1, 1, 0]);
    expect(Array.from(astype(tensor([true, false]), "complex64").dataSync())).toEqual([1, 0, 0, 0]);
  });

  it("rejects an unknown dtype with a DTypeError", () => {
    let e: unknown;
    try {
      astype(tensor([1]), "float16" as DType);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(DTypeError);
    expect((e as DTypeError).argument).toBe("dtype");
    expect((e as DTypeError).received).toBe("'float16'");
  });
});
