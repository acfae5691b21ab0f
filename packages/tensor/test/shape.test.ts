/**
 * Shape and layout ops: reshape, flatten, squeeze, expandDims, transpose/permute/swapAxes,
 * broadcastTo, slice, flip, concat, stack, split, gather/take, pad.
 *
 * References: numpy (fixtures/shape.json from fixtures/generate_shape.py: exhaustive Python slice
 * semantics, string specs with ellipsis, numpy.pad) and index-arithmetic definitions written
 * here. These ops move values without arithmetic, so results must match exactly; gradients are
 * checked by float64 finite differences (checkGrad), including the folding gradients of
 * reflect/circular padding and of gather with repeated indices.
 */
import { readFileSync } from "node:fs";
import {
  arange,
  broadcastTo,
  concat,
  DTypeError,
  expandDims,
  flatten,
  flip,
  gather,
  grad,
  memory,
  mul,
  pad,
  permute,
  reshape,
  ShapeError,
  type SliceSpec,
  slice,
  split,
  squeeze,
  stack,
  sum,
  swapAxes,
  type Tensor,
  take,
  tensor,
  tidy,
  transpose,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "./helpers.js";

const NP = JSON.parse(readFileSync(new URL("./fixtures/shape.json", import.meta.url), "utf8")) as {
  slices1d: {
    n: number;
    spec: string;
    start: number | null;
    stop: number | null;
    step: number | null;
    out: number[];
  }[];
  slicesNd: { shape: number[]; cases: { spec: string; shape: number[]; out: number[] }[] };
  pads1d: {
    n: number;
    before: number;
    after: number;
    mode: "constant" | "reflect" | "circular";
    out: number[];
  }[];
  pads2d: {
    mode: "constant" | "reflect" | "circular";
    paddings: [number, number][];
    shape: number[];
    out: number[];
  }[];
};

const f64 = (shape: number[], start = 0) =>
  reshape(arange(start, start + shape.reduce((p, q) => p * q, 1), 1, { dtype: "float64" }), shape);
const values = (t: Tensor) => Array.from(t.dataSync());

function grab(f: () => unknown): ShapeError {
  try {
    f();
  } catch (e) {
    return e as ShapeError;
  }
  throw new Error("expected an error");
}

/** Row-major multi-index of a flat index. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    idx[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return idx;
}
function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((acc, v, i) => acc * shape[i] + v, 0);
}

describe("reshape, flatten, squeeze, expandDims", () => {
  it("reshape infers one -1, keeps row-major order, and is a view (no new storage)", () => {
    tidy(() => {
      const x = f64([2, 3, 4]);
      const before = memory();
      const y = reshape(x, [4, -1]);
      expect(y.shape).toEqual([4, 6]);
      expect(values(y)).toEqual(values(x));
      expect(memory().numDataBuffers).toBe(before.numDataBuffers);
      expect(memory().numTensors).toBe(before.numTensors + 1);
      expect(reshape(x, [-1]).shape).toEqual([24]);
      expect(reshape(x, [2, 3, 4])).toBe(x);
      expect(reshape(tensor([5]), []).shape).toEqual([]);
      expect(reshape(f64([0, 3]), [3, -1, 2]).shape).toEqual([3, 0, 2]);
      const z = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "complex128" },
      );
      expect(reshape(z, [2, 1]).arraySync()).toEqual([[[1, 2]], [[3, 4]]]);
    });
  });

  it("reshape errors name 'shape' with what was expected and received", () => {
    tidy(() => {
      const x = f64([2, 3]);
      let e = grab(() => reshape(x, [4, 2]));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("shape");
      expect(e.expected).toMatch(/6 elements/);
      expect(e.received).toBe("[4, 2]");
      e = grab(() => reshape(x, [-1, -1]));
      expect(e).toBeInstanceOf(ValueError);
      e = grab(() => reshape(x, [4, -1]));
      expect(e).toBeInstanceOf(ShapeError);
      e = grab(() => reshape(x, [0, -1]));
      expect(e).toBeInstanceOf(ShapeError);
      e = grab(() => reshape(x, [2.5, 2]));
      expect(e).toBeInstanceOf(ValueError);
    });
  });

  it("flatten collapses an inclusive axis range (negative axes count from the end); a scalar becomes [1]", () => {
    tidy(() => {
      const x = f64([2, 3, 4, 5]);
      expect(flatten(x).shape).toEqual([120]);
      expect(flatten(x, 1).shape).toEqual([2, 60]);
      expect(flatten(x, 1, 2).shape).toEqual([2, 12, 5]);
      expect(flatten(x, -2, -1).shape).toEqual([2, 3, 20]);
      expect(flatten(x, 2, 2).shape).toEqual([2, 3, 4, 5]);
      expect(flatten(tensor(7)).shape).toEqual([1]);
      expect(grab(() => flatten(x, 2, 1))).toBeInstanceOf(ValueError);
      expect(grab(() => flatten(x, 4))).toBeInstanceOf(ValueError);
    });
  });

  it("squeeze removes all size-1 axes or only the named ones; naming a longer axis is a ShapeError", () => {
    tidy(() => {
      const x = f64([1, 3, 1, 2]);
      expect(squeeze(x).shape).toEqual([3, 2]);
      expect(squeeze(x, 0).shape).toEqual([3, 1, 2]);
      expect(squeeze(x, [-2, 0]).shape).toEqual([3, 2]);
      expect(squeeze(tensor([[5]])).shape).toEqual([]);
      const e = grab(() => squeeze(x, 1));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.received).toBe("axis 1 of size 3");
      expect(grab(() => squeeze(x, [0, 0]))).toBeInstanceOf(ValueError);
    });
  });

  it("expandDims inserts at any position in [-(rank+1), rank]", () => {
    tidy(() => {
      const x = f64([2, 3]);
      expect(expandDims(x, 0).shape).toEqual([1, 2, 3]);
      expect(expandDims(x, 1).shape).toEqual([2, 1, 3]);
      expect(expandDims(x, 2).shape).toEqual([2, 3, 1]);
      expect(expandDims(x, -1).shape).toEqual([2, 3, 1]);
      expect(expandDims(x, -3).shape).toEqual([1, 2, 3]);
      expect(expandDims(tensor(1), 0).shape).toEqual([1]);
      expect(grab(() => expandDims(x, 3))).toBeInstanceOf(ValueError);
      expect(grab(() => expandDims(x, -4))).toBeInstanceOf(ValueError);
    });
  });

  it("gradients of the view ops", () => {
    tidy(() => {
      checkGrad((x) => reshape(x, [3, -1]), [randomTensor([2, 3, 2], "complex128", 1)]);
      checkGrad((x) => flatten(x, 1), [randomTensor([2, 3, 2], "float64", 2)]);
      checkGrad((x) => expandDims(squeeze(x, 1), -1), [randomTensor([2, 1, 3], "float64", 3)]);
    });
  });
});

describe("transpose, permute, swapAxes", () => {
  /** out[i_0..i_{r-1}] = x[j] with j[perm[k]] = i_k. */
  function transposeRef(x: number[], shape: number[], perm: number[]): number[] {
    const outShape = perm.map((p) => shape[p]);
    return Array.from({ length: x.length }, (_, flat) => {
      const i = unravel(flat, outShape);
      const j = new Array<number>(shape.length);
      perm.forEach((p, k) => {
        j[p] = i[k];
      });
      return x[ravel(j, shape)];
    });
  }

  it("every permutation of a 4-D tensor matches the index definition", () => {
    tidy(() => {
      const shape = [2, 3, 4, 5];
      const x = f64(shape);
      const flat = values(x);
      const perms: number[][] = [];
      const rec = (p: number[]) => {
        if (p.length === 4) perms.push(p);
        else for (let a = 0; a < 4; a++) if (!p.includes(a)) rec([...p, a]);
      };
      rec([]);
      expect(perms.length).toBe(24);
      for (const p of perms) {
        const y = transpose(x, p);
        expect(y.shape).toEqual(p.map((a) => shape[a]));
        expect(values(y)).toEqual(transposeRef(flat, shape, p));
      }
    });
  });

  it("default reverses the axes; negative entries; permute and swapAxes; complex elements move whole", () => {
    tidy(() => {
      const x = f64([2, 3, 4]);
      expect(values(transpose(x))).toEqual(transposeRef(values(x), [2, 3, 4], [2, 1, 0]));
      expect(values(transpose(x, [-1, 0, 1]))).toEqual(
        transposeRef(values(x), [2, 3, 4], [2, 0, 1]),
      );
      expect(values(permute(x, [1, 2, 0]))).toEqual(transposeRef(values(x), [2, 3, 4], [1, 2, 0]));
      expect(values(swapAxes(x, 0, -1))).toEqual(transposeRef(values(x), [2, 3, 4], [2, 1, 0]));
      expect(transpose(x, [0, 1, 2])).toBe(x);
      const z = tensor(
        [
          [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
        ],
        { dtype: "complex128" },
      ); // [1, 3]
      expect(transpose(z).arraySync()).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
    });
  });

  it("an invalid permutation is a ValueError naming 'perm'", () => {
    tidy(() => {
      const x = f64([2, 3, 4]);
      for (const p of [
        [0, 1],
        [0, 0, 1],
        [0, 1, 3],
      ]) {
        const e = grab(() => transpose(x, p));
        expect(e).toBeInstanceOf(ValueError);
        expect(e.argument).toBe("perm");
      }
    });
  });

  it("gradients", () => {
    tidy(() => {
      checkGrad((x) => transpose(x, [2, 0, 1]), [randomTensor([2, 3, 4], "float64", 4)]);
      checkGrad((x) => swapAxes(x, 0, 1), [randomTensor([3, 2], "complex128", 5)]);
    });
  });
});

describe("broadcastTo", () => {
  it("materializes numpy broadcasting; the same shape returns the input", () => {
    tidy(() => {
      const x = tensor([[1], [2]], { dtype: "float64" });
      expect(broadcastTo(x, [3, 2, 2]).arraySync()).toEqual([
        [
          [1, 1],
          [2, 2],
        ],
        [
          [1, 1],
          [2, 2],
        ],
        [
          [1, 1],
          [2, 2],
        ],
      ]);
      expect(broadcastTo(tensor(3), [2]).arraySync()).toEqual([3, 3]);
      expect(broadcastTo(x, [2, 0]).shape).toEqual([2, 0]);
      expect(broadcastTo(x, [2, 1])).toBe(x);
    });
  });

  it("shapes it cannot broadcast to are ShapeErrors, including ones that would need x to shrink", () => {
    tidy(() => {
      const x = f64([2, 3]);
      expect(grab(() => broadcastTo(x, [3, 3]))).toBeInstanceOf(ShapeError);
      const e = grab(() => broadcastTo(x, [3]));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("shape");
      expect(grab(() => broadcastTo(f64([1, 3]), [3]))).toBeInstanceOf(ShapeError);
    });
  });

  it("gradient sums over the broadcast axes", () => {
    tidy(() => {
      checkGrad((x) => broadcastTo(x, [2, 3, 4]), [randomTensor([3, 1], "complex128", 6)]);
    });
  });
});

describe("slice", () => {
  it("1-D: all 2541 start/stop/step combinations agree with Python (numpy) slicing, as text and as objects", () => {
    tidy(() => {
      const xs = new Map([0, 1, 5].map((n) => [n, arange(n, undefined, 1, { dtype: "float64" })]));
      for (const c of NP.slices1d) {
        const x = xs.get(c.n)!;
        const text = slice(x, c.spec);
        if (values(text).join() !== c.out.join())
          throw new Error(`n=${c.n} '${c.spec}': ${values(text)} vs ${c.out}`);
        const obj = slice(x, [{ start: c.start, stop: c.stop, step: c.step }]);
        if (values(obj).join() !== c.out.join())
          throw new Error(`n=${c.n} object ${c.spec}: ${values(obj)} vs ${c.out}`);
        text.dispose();
        obj.dispose();
      }
    });
  });

  it.each(NP.slicesNd.cases.map((c) => [c.spec, c] as const))(
    "4-D x['%s'] matches numpy",
    (_s, c) => {
      tidy(() => {
        const y = slice(f64(NP.slicesNd.shape), c.spec);
        expect(y.shape).toEqual(c.shape);
        expect(values(y)).toEqual(c.out);
      });
    },
  );

  it("array specs: numbers drop the axis, null keeps it, '...' fills, missing trailing axes are whole", () => {
    tidy(() => {
      const x = f64([2, 3, 4]);
      expect(slice(x, [1]).shape).toEqual([3, 4]);
      expect(values(slice(x, [1]))).toEqual(values(x).slice(12));
      expect(slice(x, [null, -1]).shape).toEqual([2, 4]);
      expect(values(slice(x, ["...", { step: -1 }]))).toEqual(values(slice(x, "..., ::-1")));
      expect(slice(x, [0, "...", 0, null]).shape).toEqual([4]); // numpy x[0, ..., 0, :]
      const z = tensor(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        { dtype: "complex128" },
      );
      expect(slice(z, "::-2").arraySync()).toEqual([
        [5, 6],
        [1, 2],
      ]);
    });
  });

  it("typed errors: index out of range, zero step, too many specs, two ellipses, non-integers", () => {
    tidy(() => {
      const x = f64([2, 3]);
      let e = grab(() => slice(x, "2"));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("spec[0]");
      expect(e.expected).toBe("an index in [-2, 1]");
      expect(grab(() => slice(x, [0, -4]))).toBeInstanceOf(ValueError);
      e = grab(() => slice(x, "::0"));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("spec[0].step");
      e = grab(() => slice(x, "0, 0, 0"));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.received).toBe("3");
      expect(grab(() => slice(x, "..., 0, ..."))).toBeInstanceOf(ValueError);
      expect(grab(() => slice(x, "0.5"))).toBeInstanceOf(ValueError);
      // Python: slice indices must be integers (no truncation, no NaN).
      e = grab(() => slice(x, [{ start: 1.5 }]));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("spec[0].start");
      expect(grab(() => slice(x, [null, { stop: Number.NaN }])).argument).toBe("spec[1].stop");
      expect(grab(() => slice(x, "a:"))).toBeInstanceOf(ValueError);
    });
  });

  it("gradients with negative steps, dropped axes and ellipsis (real and complex)", () => {
    tidy(() => {
      checkGrad((x) => slice(x, "::-2, 1, 3:0:-1"), [randomTensor([5, 3, 4], "float64", 7)]);
      checkGrad((x) => slice(x, "..., ::-3"), [randomTensor([2, 7], "complex128", 8)]);
      // Overlapping reads of one input through two slices accumulate.
      checkGrad(
        (x) => concat([slice(x, "1:"), slice(x, "::-1")]),
        [randomTensor([4], "float64", 9)],
      );
    });
  });
});

describe("flip", () => {
  it("reverses all axes by default, or the named ones", () => {
    tidy(() => {
      const x = f64([2, 3]);
      expect(flip(x).arraySync()).toEqual([
        [5, 4, 3],
        [2, 1, 0],
      ]);
      expect(flip(x, 0).arraySync()).toEqual([
        [3, 4, 5],
        [0, 1, 2],
      ]);
      expect(flip(x, [-1]).arraySync()).toEqual([
        [2, 1, 0],
        [5, 4, 3],
      ]);
      expect(grab(() => flip(x, 2))).toBeInstanceOf(ValueError);
      checkGrad((t) => flip(t, [0, 2]), [randomTensor([2, 3, 2], "complex128", 10)]);
    });
  });
});

describe("concat, stack, split", () => {
  it("concat along every axis (negative too) matches the index definition", () => {
    tidy(() => {
      const a = f64([2, 3, 4]);
      const b = f64([2, 3, 4], 100);
      for (const axis of [0, 1, 2, -1]) {
        const ax = (axis + 3) % 3;
        const c = concat([a, b, a], axis);
        const shape = [2, 3, 4];
        const outShape = shape.map((d, i) => (i === ax ? 3 * d : d));
        expect(c.shape).toEqual(outShape);
        const expected = Array.from({ length: 72 }, (_, flat) => {
          const idx = unravel(flat, outShape);
          const part = Math.floor(idx[ax] / shape[ax]);
          idx[ax] %= shape[ax];
          return (part === 1 ? 100 : 0) + ravel(idx, shape);
        });
        expect(values(c)).toEqual(expected);
      }
    });
  });

  it("concat of 1500 + 1700 elements along a long axis, with empty parts", () => {
    tidy(() => {
      const a = f64([2, 1500]);
      const b = f64([2, 1700], 5000);
      const c = concat([a, f64([2, 0]), b], 1);
      expect(c.shape).toEqual([2, 3200]);
      const got = values(c);
      for (let r = 0; r < 2; r++)
        for (let j = 0; j < 3200; j++) {
          const want = j < 1500 ? r * 1500 + j : 5000 + r * 1700 + (j - 1500);
          if (got[r * 3200 + j] !== want)
            throw new Error(`(${r}, ${j}): ${got[r * 3200 + j]} vs ${want}`);
        }
    });
  });

  it("concat typed errors name the offending tensor", () => {
    tidy(() => {
      const a = f64([2, 3]);
      let e = grab(() => concat([a, f64([3, 3])], 1));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("tensors[1]");
      expect(e.expected).toBe("shape [2,3] except along axis 1");
      expect(e.received).toBe("[3, 3]");
      expect(grab(() => concat([a, f64([2, 3, 1])]))).toBeInstanceOf(ShapeError);
      e = grab(() => concat([a, tensor([[1, 2, 3]], { dtype: "float32" })]));
      expect(e).toBeInstanceOf(DTypeError);
      expect(e.argument).toBe("tensors[1]");
      expect(grab(() => concat([]))).toBeInstanceOf(ValueError);
      expect(grab(() => concat([a], 2))).toBeInstanceOf(ValueError);
      // numpy: zero-dimensional arrays cannot be concatenated (stack them instead).
      e = grab(() => concat([tensor(1), tensor(2)]));
      expect(e).toBeInstanceOf(ShapeError);
      expect(stack([tensor(1), tensor(2)]).arraySync()).toEqual([1, 2]);
    });
  });

  it("plain arrays adopt the dtype of the tensors they are joined with", () => {
    tidy(() => {
      const a = tensor([[1, 2]], { dtype: "float64" });
      const c = concat([a, [[3, 4]]]);
      expect(c.dtype).toBe("float64");
      expect(c.arraySync()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(stack([[0.1, 0.2], reshape(a, [2])]).dtype).toBe("float64");
      expect(concat([[1], [2]]).dtype).toBe("float32");
    });
  });

  it("stack inserts the new axis anywhere; mismatched shapes are a ShapeError", () => {
    tidy(() => {
      const a = tensor([
        [1, 2],
        [3, 4],
      ]);
      const b = tensor([
        [5, 6],
        [7, 8],
      ]);
      expect(stack([a, b]).arraySync()).toEqual([
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ]);
      expect(stack([a, b], 1).arraySync()).toEqual([
        [
          [1, 2],
          [5, 6],
        ],
        [
          [3, 4],
          [7, 8],
        ],
      ]);
      expect(stack([a, b], -1).arraySync()).toEqual([
        [
          [1, 5],
          [2, 6],
        ],
        [
          [3, 7],
          [4, 8],
        ],
      ]);
      expect(stack([a]).shape).toEqual([1, 2, 2]);
      const e = grab(() => stack([a, tensor([1, 2])]));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("tensors[1]");
      expect(grab(() => stack([a, b], 3))).toBeInstanceOf(ValueError);
    });
  });

  it("split into equal sections or given sizes (zero allowed); concat undoes it", () => {
    tidy(() => {
      const x = f64([4, 6]);
      const parts = split(x, 3, 1);
      expect(parts.map((p) => p.shape)).toEqual([
        [4, 2],
        [4, 2],
        [4, 2],
      ]);
      expect(values(concat(parts, 1))).toEqual(values(x));
      const uneven = split(x, [1, 0, 3], 0);
      expect(uneven.map((p) => p.shape)).toEqual([
        [1, 6],
        [0, 6],
        [3, 6],
      ]);
      expect(values(uneven[2])).toEqual(values(x).slice(6));
      expect(split(x, [6], -1)[0].shape).toEqual([4, 6]);
      let e = grab(() => split(x, 4, 1));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("sections");
      expect(e.expected).toBe("a positive divisor of 6");
      e = grab(() => split(x, [2, 3], 1));
      expect(e.expected).toBe("non-negative sizes summing to 6");
      expect(grab(() => split(x, [7, -1], 1))).toBeInstanceOf(ValueError);
    });
  });

  it("split leaves only its parts alive", () => {
    tidy(() => {
      const x = f64([6]);
      const before = memory().numTensors;
      const parts = split(x, 3);
      expect(memory().numTensors).toBe(before + 3);
      for (const p of parts) p.dispose();
      expect(memory().numTensors).toBe(before);
    });
  });

  it("gradients of concat, stack and split", () => {
    tidy(() => {
      checkGrad(
        (a, b) => concat([a, b, a], 1),
        [randomTensor([2, 3], "float64", 11), randomTensor([2, 2], "float64", 12)],
      );
      checkGrad(
        (a, b) => stack([a, b], 1),
        [randomTensor([2, 3], "complex128", 13), randomTensor([2, 3], "complex128", 14)],
      );
      checkGrad(
        (x) =>
          concat(
            split(x, [2, 1, 3], 1).map((p, i) => mul(p, i + 1)),
            1,
          ),
        [randomTensor([2, 6], "float64", 15)],
      );
    });
  });
});

describe("gather / take", () => {
  /** out[pre, j..., post] = x[pre, idx[j...] mod n, post]. */
  function gatherRef(
    x: number[],
    shape: number[],
    idx: number[],
    idxShape: number[],
    axis: number,
  ): number[] {
    const outShape = [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)];
    const size = outShape.reduce((p, q) => p * q, 1);
    return Array.from({ length: size }, (_, flat) => {
      const o = unravel(flat, outShape);
      const j = ravel(o.slice(axis, axis + idxShape.length), idxShape);
      const k = ((idx[j] % shape[axis]) + shape[axis]) % shape[axis];
      return x[ravel([...o.slice(0, axis), k, ...o.slice(axis + idxShape.length)], shape)];
    });
  }

  it("picks along each axis with negative indices and multi-dimensional index arrays", () => {
    tidy(() => {
      const shape = [3, 4, 5];
      const x = f64(shape);
      const idx = [
        [0, -1, 2],
        [-3, 1, 1],
      ];
      for (const axis of [0, 1, 2, -1]) {
        const ax = (axis + 3) % 3;
        const y = gather(x, idx, axis);
        expect(y.shape).toEqual([...shape.slice(0, ax), 2, 3, ...shape.slice(ax + 1)]);
        expect(values(y)).toEqual(gatherRef(values(x), shape, idx.flat(), [2, 3], ax));
      }
      expect(take).toBe(gather);
    });
  });

  it("long rows (inner size >= 64, copied as views) and short rows agree with the reference; gradients scatter back", () => {
    tidy(() => {
      // [2, 3, 70]: along axis 1 each index picks a row of 70 values (the view path); along
      // axis 2 single values (the loop path); complex doubles the components of a row.
      const shape = [2, 3, 70];
      const x = f64(shape);
      const idx = [2, 0, -1, 2];
      for (const ax of [1, 2]) {
        const y = gather(x, idx, ax);
        expect(values(y)).toEqual(gatherRef(values(x), shape, idx, [4], ax));
      }
      const z = tensor(
        Float64Array.from({ length: 2 * 3 * 40 * 2 }, (_, i) => i),
        {
          dtype: "complex128",
          shape: [2, 3, 40],
        },
      );
      const zy = Array.from(gather(z, idx, 1).dataSync());
      const want: number[] = [];
      for (let o = 0; o < 2; o++)
        for (const k of idx)
          for (let p = 0; p < 80; p++) want.push((o * 3 + ((k + 3) % 3)) * 80 + p);
      expect(zy).toEqual(want);
      // d/dx sum(gather(x, idx, 2) * w) = scatter-add of w: index 2 (picked twice) gets both
      const w = f64([2, 3, 4]);
      const g = grad((t) => sum(mul(gather(t, idx, 2), w)))(x);
      const gd = values(g);
      const wd = values(w);
      for (let r = 0; r < 6; r++) {
        expect(gd[r * 70 + 2]).toBe(wd[r * 4] + wd[r * 4 + 3]);
        expect(gd[r * 70 + 0]).toBe(wd[r * 4 + 1]);
        expect(gd[r * 70 + 69]).toBe(wd[r * 4 + 2]);
        expect(gd[r * 70 + 1]).toBe(0);
      }
    });
  });

  it("a scalar index drops the axis; empty indices give an empty axis; int32, float and nested-array indices agree", () => {
    tidy(() => {
      const x = f64([3, 4]);
      expect(gather(x, 2, 1).arraySync()).toEqual([2, 6, 10]);
      expect(gather(x, [], 0).shape).toEqual([0, 4]);
      const a = values(gather(x, tensor(new Int32Array([2, 0]))));
      expect(values(gather(x, tensor([2, 0], { dtype: "float64" })))).toEqual(a);
      expect(values(gather(x, [2, 0]))).toEqual(a);
      expect(values(gather(x, new Int32Array([2, 0])))).toEqual(a);
      const z = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "complex128" },
      );
      expect(gather(z, [1, 1, 0]).arraySync()).toEqual([
        [3, 4],
        [3, 4],
        [1, 2],
      ]);
    });
  });

  it("1600 indices (repeated, negative) into an axis of 1500", () => {
    tidy(() => {
      const n = 1500;
      const x = f64([2, n]);
      const idx = Array.from({ length: 1600 }, (_, i) => ((i * 7919) % (2 * n)) - n);
      const y = gather(x, idx, 1);
      expect(values(y)).toEqual(gatherRef(values(x), [2, n], idx, [1600], 1));
    });
  });

  it("out-of-range and non-integer indices are ValueErrors naming 'indices'", () => {
    tidy(() => {
      const x = f64([3, 2]);
      const e = grab(() => gather(x, [0, 3]));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("indices");
      expect(e.expected).toBe("indices in [-3, 2]");
      expect(e.received).toBe("3");
      expect(grab(() => gather(x, [-4])).received).toBe("-4");
      expect(grab(() => gather(x, [5], 1))).toBeInstanceOf(ValueError);
      // Not truncated to 1, and large values are not rounded through float32.
      expect(grab(() => gather(x, [1.5])).received).toBe("1.5");
      expect(grab(() => gather(x, [16777217])).received).toBe("16777217");
      expect(grab(() => gather(x, [true, false] as unknown as number[]))).toBeInstanceOf(
        ValueError,
      );
      expect(grab(() => gather(x, tensor([1, 0], { dtype: "complex64" })))).toBeInstanceOf(
        DTypeError,
      );
      expect(grab(() => gather(x, [0], 2))).toBeInstanceOf(ValueError);
      // Indices are checked even when x has no elements outside the gathered axis.
      expect(grab(() => gather(f64([0, 3]), [5], 1))).toBeInstanceOf(ValueError);
    });
  });

  it("gradient with repeated and negative indices accumulates (scatter-add)", () => {
    tidy(() => {
      checkGrad(
        (x) =>
          gather(
            x,
            [
              [1, 1, -1],
              [0, 1, 2],
            ],
            1,
          ),
        [randomTensor([2, 3, 2], "float64", 16)],
      );
      checkGrad((x) => gather(x, [2, 2, 2, 0], 0), [randomTensor([3, 2], "complex128", 17)]);
      checkGrad((x) => gather(x, 1, 0), [randomTensor([3, 2], "float64", 18)]);
    });
  });
});

describe("pad", () => {
  it("1-D constant / reflect / circular, pads up to 9 on axes of 1..4, match numpy (wrap = circular)", () => {
    tidy(() => {
      for (const c of NP.pads1d) {
        const x = arange(1, c.n + 1, 1, { dtype: "float64" });
        const y = pad(x, [[c.before, c.after]], { mode: c.mode });
        if (values(y).join() !== c.out.join()) {
          throw new Error(
            `n=${c.n} ${c.mode} (${c.before}, ${c.after}): ${values(y)} vs numpy ${c.out}`,
          );
        }
      }
    });
  });

  it.each(NP.pads2d.map((c) => [c.mode, JSON.stringify(c.paddings), c] as const))(
    "2-D %s %s matches numpy",
    (mode, _p, c) => {
      tidy(() => {
        const y = pad(reshape(arange(1, 13, 1, { dtype: "float64" }), [3, 4]), c.paddings, {
          mode,
        });
        expect(y.shape).toEqual(c.shape);
        expect(values(y)).toEqual(c.out);
      });
    },
  );

  it("pairs apply to the trailing axes; constant value fills (real part for complex); zero pads return the input", () => {
    tidy(() => {
      const x = f64([2, 2]);
      expect(pad(x, [[1, 0]], { value: -1 }).arraySync()).toEqual([
        [-1, 0, 1],
        [-1, 2, 3],
      ]);
      const z = tensor([[1, 2]], { dtype: "complex128" });
      expect(pad(z, [[0, 1]], { value: 7 }).arraySync()).toEqual([
        [1, 2],
        [7, 0],
      ]);
      expect(
        pad(x, [
          [0, 0],
          [0, 0],
        ]),
      ).toBe(x);
    });
  });

  it("typed errors", () => {
    tidy(() => {
      const x = f64([1, 3]);
      let e = grab(() =>
        pad(x, [
          [0, 0],
          [0, 0],
          [1, 1],
        ]),
      );
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.expected).toBe("at most 2 pairs");
      e = grab(() => pad(x, [[-1, 0]]));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("paddings");
      e = grab(() =>
        pad(
          x,
          [
            [1, 1],
            [0, 0],
          ],
          { mode: "reflect" },
        ),
      );
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.received).toBe("size 1");
      e = grab(() => pad(f64([0]), [[1, 0]], { mode: "circular" }));
      expect(e).toBeInstanceOf(ShapeError);
      e = grab(() => pad(x, [[1, 1]], { mode: "edge" as "reflect" }));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("mode");
    });
  });

  it("gradients: constant, and reflect / circular with pads larger than the axis (the gradient folds back)", () => {
    tidy(() => {
      checkGrad(
        (x) =>
          pad(
            x,
            [
              [1, 2],
              [0, 3],
            ],
            { value: 5 },
          ),
        [randomTensor([2, 3], "complex128", 19)],
      );
      checkGrad(
        (x) => pad(x, [[7, 5]], { mode: "reflect" }),
        [randomTensor([2, 3], "float64", 20)],
      );
      checkGrad(
        (x) =>
          pad(
            x,
            [
              [2, 1],
              [8, 9],
            ],
            { mode: "circular" },
          ),
        [randomTensor([2, 3], "float64", 21)],
      );
      checkGrad(
        (x) =>
          pad(
            x,
            [
              [3, 4],
              [1, 1],
            ],
            { mode: "reflect" },
          ),
        [randomTensor([3, 2], "complex128", 22)],
      );
    });
  });

  it("reflect gradient folds: d/dx of sum(pad(x)) counts how often each element appears", () => {
    tidy(() => {
      // numpy.pad([1, 2, 3], (5, 6), 'reflect') = [2 1 2 3 2 1 2 3 2 1 2 3 2 1]: 1 four times, 2 seven, 3 three.
      const x = tensor([10, 20, 30], { dtype: "float64" });
      const out = pad(x, [[5, 6]], { mode: "reflect" });
      expect(values(out)).toEqual([20, 10, 20, 30, 20, 10, 20, 30, 20, 10, 20, 30, 20, 10]);
      expect(values(grad((t) => sum(pad(t, [[5, 6]], { mode: "reflect" })))(x))).toEqual([4, 7, 3]);
      expect(values(grad((t) => sum(pad(t, [[5, 6]], { mode: "circular" })))(x))).toEqual([
        4, 5, 5,
      ]); // wrap: [2 3 1 2 3 1 2 3 1 2 3 1 2 3]
    });
  });
});

describe("slices as SliceSpec objects are typed", () => {
  it("accepts the documented forms", () => {
    tidy(() => {
      const specs: SliceSpec[] = [0, null, { start: 1 }, { stop: -1, step: 2 }];
      expect(slice(f64([2, 3, 4, 5]), specs).shape).toEqual([3, 3, 2]);
    });
  });
});
