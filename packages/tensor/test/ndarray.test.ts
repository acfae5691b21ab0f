/**
 * scijs ndarray interop: fromNdarray shares the typed array when the ndarray is a contiguous
 * row-major view of all of it (checked by identity of the buffer), copies otherwise
 * (transposed, stepped, offset, partial views) with values read through the ndarray's own
 * indexing; toNdarray shares the tensor's storage on the CPU; complex tensors map to a trailing
 * axis of 2 (re, im).
 */
import {
  DTypeError,
  dispose,
  fromNdarray,
  memory,
  reshape,
  ShapeError,
  tensor,
  toNdarray,
  transpose,
} from "@modewise/tensor";
import ndarray from "ndarray";
import { describe, expect, it } from "vitest";

/** Values of an ndarray in row-major order through nd.get (the reference for copies). */
function rowMajor(nd: ndarray.NdArray): number[] {
  const out: number[] = [];
  const idx = new Array<number>(nd.shape.length).fill(0);
  const n = nd.shape.reduce((p, q) => p * q, 1);
  for (let i = 0; i < n; i++) {
    out.push(nd.get(...idx));
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k] < nd.shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

describe("fromNdarray", () => {
  it("is zero-copy for a contiguous row-major ndarray: the tensor's storage is the same typed array", () => {
    const data = Float64Array.from({ length: 12 }, (_, i) => i * 0.5);
    const nd = ndarray(data, [3, 4]);
    const t = fromNdarray(nd);
    expect(t.dtype).toBe("float64");
    expect(t.shape).toEqual([3, 4]);
    expect(toNdarray(t).data).toBe(data);
    // Aliasing is observable (hence the documented rule not to write while the tensor is in use).
    data[0] = 42;
    expect(t.dataSync()[0]).toBe(42);
    t.dispose();
  });

  it("maps Float32Array, Int32Array and Uint8Array to float32, int32 and bool", () => {
    for (const [arr, dtype] of [
      [new Float32Array([1, 2]), "float32"],
      [new Int32Array([1, 2]), "int32"],
      [new Uint8Array([1, 0]), "bool"],
    ] as const) {
      const t = fromNdarray(ndarray(arr, [2]));
      expect(t.dtype).toBe(dtype);
      expect(toNdarray(t).data).toBe(arr);
      t.dispose();
    }
  });

  it("copies transposed, stepped, offset and partial views, reading values through the view", () => {
    const data = Float64Array.from({ length: 24 }, (_, i) => i);
    const base = ndarray(data, [2, 3, 4]);
    const views: [string, ndarray.NdArray][] = [
      ["transpose", base.transpose(2, 0, 1)],
      ["negative step", base.step(1, -1, 2)],
      ["offset (lo)", base.lo(1, 1, 0)],
      ["partial (hi)", base.hi(2, 2, 3)],
      ["pick", base.pick(null, 1, null)],
      ["prefix of a longer array", ndarray(data, [2, 5])],
    ];
    for (const [name, v] of views) {
      const t = fromNdarray(v);
      expect(t.shape, name).toEqual(v.shape);
      expect(Array.from(t.dataSync()), name).toEqual(rowMajor(v));
      expect(toNdarray(t).data, name).not.toBe(data);
      t.dispose();
    }
  });

  it("size-1 axes may have any stride and still share memory", () => {
    const data = new Float64Array([1, 2, 3]);
    const nd = ndarray(data, [1, 3], [999, 1]);
    const t = fromNdarray(nd);
    expect(toNdarray(t).data).toBe(data);
    t.dispose();
  });

  it("complex: a trailing axis of 2 becomes complex128 / complex64, zero-copy when contiguous", () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const z = fromNdarray(ndarray(data, [3, 2]), { complex: true });
    expect(z.dtype).toBe("complex128");
    expect(z.shape).toEqual([3]);
    expect(z.arraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(toNdarray(z).data).toBe(data);
    const f = fromNdarray(ndarray(new Float32Array([1, 2, 3, 4]), [1, 2, 2]), { complex: true });
    expect(f.dtype).toBe("complex64");
    expect(f.shape).toEqual([1, 2]);
    // A transposed view (components still last) is copied with re/im kept together.
    const nd = ndarray(
      Float64Array.from({ length: 12 }, (_, i) => i),
      [2, 3, 2],
    ).transpose(1, 0, 2);
    const t = fromNdarray(nd, { complex: true });
    expect(t.shape).toEqual([3, 2]);
    expect(t.arraySync()).toEqual([
      [
        [0, 1],
        [6, 7],
      ],
      [
        [2, 3],
        [8, 9],
      ],
      [
        [4, 5],
        [10, 11],
      ],
    ]);
    dispose([z, f, t]);
  });

  it("typed errors: unsupported arrays, a last axis that is not 2, integer data for complex", () => {
    const grab = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ShapeError;
      }
      throw new Error("expected an error");
    };
    let e = grab(() => fromNdarray(ndarray([1, 2, 3], [3])));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.argument).toBe("nd");
    e = grab(() => fromNdarray(ndarray(new Float64Array(6), [2, 3]), { complex: true }));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.received).toBe("[2, 3]");
    e = grab(() => fromNdarray(ndarray(new Int32Array(4), [2, 2]), { complex: true }));
    expect(e).toBeInstanceOf(DTypeError);
  });
});

describe("toNdarray", () => {
  it("shares the tensor's storage (views too) and adds no buffers", () => {
    const t = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float64" },
    );
    const before = memory();
    const a = toNdarray(t);
    const v = reshape(t, [3, 2]);
    expect(toNdarray(t).data).toBe(a.data);
    expect(toNdarray(v).data).toBe(a.data);
    expect(a.shape).toEqual([2, 3]);
    expect(a.get(1, 2)).toBe(6);
    expect(memory().numDataBuffers).toBe(before.numDataBuffers);
    dispose([t, v]);
  });

  it("a transposed tensor is materialized: the ndarray reads it in row-major order", () => {
    const t = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float32" },
    );
    const tt = transpose(t);
    const nd = toNdarray(tt);
    expect(nd.shape).toEqual([3, 2]);
    expect(nd.get(2, 0)).toBe(3);
    expect(nd.get(0, 1)).toBe(4);
    expect(nd.data).not.toBe(toNdarray(t).data);
    dispose([t, tt]);
  });

  it("complex tensors get a trailing axis of 2; scalars become shape [1]; round trips preserve values", () => {
    const z = tensor(
      [
        [
          [1, -1],
          [2, -2],
        ],
      ],
      { dtype: "complex64" },
    );
    const nd = toNdarray(z);
    expect(nd.shape).toEqual([1, 2, 2]);
    expect(nd.get(0, 1, 1)).toBe(-2);
    const back = fromNdarray(nd, { complex: true });
    expect(back.dtype).toBe("complex64");
    expect(back.arraySync()).toEqual(z.arraySync());
    const s = tensor(3.5, { dtype: "float64" });
    expect(toNdarray(s).shape).toEqual([1]);
    dispose([z, back, s]);
  });
});
