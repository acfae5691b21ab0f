/**
 * Bad meshes and arguments get typed errors from @modewise/tensor that name the argument,
 * never a silent NaN or truncation.
 */
import {
  expDividedDifference,
  type SimplexMesh,
  simplexRaster,
  simplexTransform,
  simplexTransformGrid,
  simplexTransformVJP,
} from "@modewise/nufft";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

const tri: SimplexMesh = { dim: 2, order: 2, vertices: [0, 0, 1, 0, 0, 1], elements: [0, 1, 2] };

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("simplex transform argument errors", () => {
  it("vertex index out of range or not an integer", () => {
    const e1 = thrown(() => simplexTransform({ ...tri, elements: [0, 1, 3] }, [1, 1]));
    expect(e1).toBeInstanceOf(ValueError);
    expect((e1 as ValueError).argument).toBe("mesh.elements");
    expect((e1 as Error).message).toContain("3 at index 2");
    expect(thrown(() => simplexTransform({ ...tri, elements: [0, 1, -1] }, [1, 1]))).toBeInstanceOf(
      ValueError,
    );
    expect(
      thrown(() => simplexTransform({ ...tri, elements: [0, 1, 1.5] }, [1, 1])),
    ).toBeInstanceOf(ValueError);
  });

  it("wrong vertex dimension and element arity", () => {
    const e = thrown(() => simplexTransform({ ...tri, vertices: [0, 0, 1, 0, 0] }, [1, 1]));
    expect(e).toBeInstanceOf(ShapeError);
    expect((e as ShapeError).argument).toBe("mesh.vertices");
    const f = thrown(() => simplexTransform({ ...tri, elements: [0, 1, 2, 0] }, [1, 1]));
    expect(f).toBeInstanceOf(ShapeError);
    expect((f as ShapeError).argument).toBe("mesh.elements");
    const g = thrown(() => simplexTransform(tri, [1, 1, 1]));
    expect(g).toBeInstanceOf(ShapeError);
    expect((g as ShapeError).argument).toBe("frequencies");
  });

  it("order above the dimension, bad dim or order", () => {
    const e = thrown(() =>
      simplexTransform({ ...tri, dim: 2, order: 3, elements: [0, 1, 2, 0] }, [1, 1]),
    );
    expect(e).toBeInstanceOf(ValueError);
    expect((e as ValueError).argument).toBe("mesh.order");
    expect(
      thrown(() => simplexTransform({ ...tri, dim: 4 as unknown as 3 }, [1, 1, 1, 1])),
    ).toBeInstanceOf(ValueError);
    expect(
      thrown(() => simplexTransform({ ...tri, order: 1.5 as unknown as 1 }, [1, 1])),
    ).toBeInstanceOf(ValueError);
  });

  it("NaN or infinity in vertices, densities, frequencies, gradOutput", () => {
    const e = thrown(() =>
      simplexTransform({ ...tri, vertices: [0, 0, 1, Number.NaN, 0, 1] }, [1, 1]),
    );
    expect(e).toBeInstanceOf(ValueError);
    expect((e as ValueError).argument).toBe("mesh.vertices");
    const d = thrown(() =>
      simplexTransform({ ...tri, densities: [Number.POSITIVE_INFINITY] }, [1, 1]),
    );
    expect((d as ValueError).argument).toBe("mesh.densities");
    const f = thrown(() => simplexTransform(tri, [1, Number.NaN]));
    expect((f as ValueError).argument).toBe("frequencies");
    const g = thrown(() => simplexTransformVJP(tri, [1, 1], [Number.NaN, 0]));
    expect((g as ValueError).argument).toBe("gradOutput");
  });

  it("density count, gradOutput length and sign are checked", () => {
    expect(
      (thrown(() => simplexTransform({ ...tri, densities: [1, 2] }, [1, 1])) as ShapeError)
        .argument,
    ).toBe("mesh.densities");
    expect((thrown(() => simplexTransformVJP(tri, [1, 1], [1, 0, 0])) as ShapeError).argument).toBe(
      "gradOutput",
    );
    const s = thrown(() => simplexTransform(tri, [1, 1], { sign: 2 as unknown as 1 }));
    expect(s).toBeInstanceOf(ValueError);
    expect((s as ValueError).argument).toBe("options.sign");
  });

  it("overflowing phases or contents are ValueErrors, not NaN", () => {
    const huge: SimplexMesh = {
      dim: 2,
      order: 2,
      vertices: [0, 0, 1e10, 0, 0, 1e10],
      elements: [0, 1, 2],
    };
    const e = thrown(() => simplexTransform(huge, [1e300, 1e300]));
    expect(e).toBeInstanceOf(ValueError);
    expect((e as ValueError).argument).toBe("frequencies");
    expect(thrown(() => simplexTransformVJP(huge, [1e300, 1e300], [1, 0]))).toBeInstanceOf(
      ValueError,
    );
    const wide: SimplexMesh = {
      dim: 2,
      order: 2,
      vertices: [0, 0, 1e200, 0, 0, 1e200],
      elements: [0, 1, 2],
    };
    expect((thrown(() => simplexTransform(wide, [0, 0])) as ValueError).argument).toBe("mesh");
  });

  it("a degenerate element is valid and contributes 0", () => {
    const flat: SimplexMesh = {
      dim: 2,
      order: 2,
      vertices: [0, 0, 1, 1, 2, 2],
      elements: [0, 1, 2],
    };
    const F = simplexTransform(flat, [0, 0, 1, -2]);
    expect(Array.from(F)).toEqual([0, 0, 0, 0]);
  });
});

describe("grid sizes and the divided-difference helper", () => {
  it("a frequency grid or raster above 2^27 cells is a ValueError, not a RangeError", () => {
    const e1 = thrown(() =>
      simplexTransformGrid(tri, { lengths: [2, 2], modes: [100000, 100000] }),
    );
    expect(e1).toBeInstanceOf(ValueError);
    expect((e1 as Error).message).toMatch(
      /simplexTransformGrid: argument 'options.modes' expected at most 2\^27 = 134217728 grid cells in all, received \[100000, 100000\] = 10000000000 cells/,
    );
    const e2 = thrown(() =>
      simplexRaster(tri, { box: { origin: [0, 0], size: [1, 1] }, resolution: 100000 }),
    );
    expect(e2).toBeInstanceOf(ValueError);
    expect((e2 as ValueError).argument).toBe("options.resolution");
  });

  it("expDividedDifference checks count, nodes, out and offset", () => {
    const out = new Float64Array(2);
    // count 0 used to overflow the stack; a count above nodes.length read undefined nodes
    expect(() => expDividedDifference(new Float64Array(0), 0, out)).toThrow(ValueError);
    expect(() => expDividedDifference(new Float64Array(3), 6, out)).toThrow(/count/);
    expect(() => expDividedDifference(new Float64Array(3), 4, out)).toThrow(ShapeError);
    expect(() => expDividedDifference([0, Number.NaN], 2, out)).toThrow(/NaN at index 1/);
    expect(() => expDividedDifference([0, 1], 2, out, 1)).toThrow(ShapeError);
    // a valid call: f[s0, s1] = (e^{-i s1} - e^{-i s0}) / (s1 - s0), closed form; the bound
    // is the routine's documented 70 u for entries of size <= 1 (divided-difference.ts)
    expDividedDifference([0, 1], 2, out);
    expect(Math.abs(out[0] - (Math.cos(1) - 1))).toBeLessThan(70 * 2 ** -53);
    expect(Math.abs(out[1] + Math.sin(1))).toBeLessThan(70 * 2 ** -53);
  });
});
