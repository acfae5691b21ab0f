/**
 * matmul(a, b, { bias }): a per-row bias added to every product (a channel MLP's W x + b). On the
 * CPU the float32 W @ x[b] products add it in their last pass over C (the sgemm epilogue, the
 * row-streaming kernel), other products in a loop after. Reference: the same product and a
 * separate add, which every path must equal bit for bit (each entry is fl(y + b)), forward and
 * gradients; finite differences in float64; typed errors for a wrong bias.
 */
import {
  add,
  gradientsOf,
  matmul,
  memory,
  mul,
  reshape,
  ShapeError,
  sum,
  type Tensor,
  tidy,
} from "@modewise/tensor";
import { cpuKernelInfo } from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "./helpers.js";

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** Output and gradients (w, x, bias) of sum(matmul(w, x) + bias, weighted), fused and separate. */
function both(
  wShape: number[],
  xShape: number[],
  M: number,
  dtype: "float32" | "float64",
  opts: { transposeA?: boolean; transposeB?: boolean } = {},
): { fused: Float64Array[]; separate: Float64Array[]; path: string | null } {
  return tidy(() => {
    // + 0: kernel outputs (resident float32 arrays where large), as in a training step
    const w = add(randomTensor(wShape, dtype, 1), 0);
    const x = add(randomTensor(xShape, dtype, 2), 0);
    const bias = randomTensor([M], dtype, 3);
    const run = (fused: boolean): Float64Array[] => {
      const f = (ww: Tensor, xx: Tensor, bb: Tensor) =>
        fused
          ? matmul(ww, xx, { ...opts, bias: bb })
          : add(matmul(ww, xx, opts), reshape(bb, [M, 1]));
      const y = f(w, x, bias);
      const weight = randomTensor(y.shape as number[], dtype, 4);
      const { grads } = gradientsOf(() => sum(mul(f(w, x, bias), weight)), [w, x, bias]);
      return [y, ...grads].map((t) => Float64Array.from(t.dataSync()));
    };
    const fused = run(true);
    const path = cpuKernelInfo().lastSharedAPath;
    return { fused, separate: run(false), path };
  });
}

describe("matmul with a per-row bias", () => {
  const cases: [string, number[], number[], number, Record<string, boolean>][] = [
    // name, w, x, M, options
    ["W @ x[b], whole tiles (C written in place)", [128, 20], [20, 20, 1024], 128, {}],
    ["W @ x[b], partial tiles (C unfolded)", [18, 20], [6, 20, 1030], 18, {}],
    ["one row (row-streaming kernel)", [1, 128], [20, 128, 1024], 1, {}],
    ["three terms (row-streaming kernel)", [40, 3], [20, 3, 1024], 40, {}],
    ["two K chunks (K = 300): bias with the last", [24, 300], [4, 300, 512], 24, {}],
    ["W stored transposed", [20, 36], [5, 20, 1024], 36, { transposeA: true }],
    ["x stored transposed", [20, 36], [5, 1024, 36], 20, { transposeB: true }],
    ["a batch of W (per-batch products, then the loop)", [3, 12, 40], [3, 40, 700], 12, {}],
  ];
  for (const [name, w, x, M, opts] of cases)
    for (const dtype of ["float32", "float64"] as const)
      it(`${name}, ${dtype}: the bits of matmul + add, forward and gradients`, () => {
        const base = memory().numTensors;
        const { fused, separate, path } = both(w, x, M, dtype, opts);
        if (dtype === "float32" && name.includes("row-streaming")) expect(path).toBe("rows");
        expect(fused.length).toBe(4);
        for (let t = 0; t < fused.length; t++) expect(sameBits(fused[t], separate[t])).toBe(true);
        expect(memory().numTensors).toBe(base);
      });

  it("the comparison can fail: a bias added twice differs", () => {
    tidy(() => {
      const w = randomTensor([8, 4], "float32", 5);
      const x = randomTensor([2, 4, 64], "float32", 6);
      const bias = randomTensor([8], "float32", 7);
      const once = matmul(w, x, { bias }).dataSync();
      const twice = add(matmul(w, x, { bias }), reshape(bias, [8, 1])).dataSync();
      expect(sameBits(once, twice)).toBe(false);
    });
  });

  it("float64 gradients pass finite differences", () => {
    tidy(() => {
      checkGrad(
        (w: Tensor, x: Tensor, b: Tensor) => matmul(w, x, { bias: b }),
        [
          randomTensor([5, 3], "float64", 8),
          randomTensor([2, 3, 7], "float64", 9),
          randomTensor([5, 1], "float64", 10),
        ],
      );
    });
  });

  it("a bias of the wrong shape, or with a 1-D a, is a ShapeError naming 'bias'", () => {
    tidy(() => {
      const w = randomTensor([5, 3], "float32", 11);
      const x = randomTensor([2, 3, 7], "float32", 12);
      for (const bias of [randomTensor([4], "float32", 13), randomTensor([5, 2], "float32", 14)])
        expect(() => matmul(w, x, { bias })).toThrowError(ShapeError);
      try {
        matmul(randomTensor([3], "float32", 15), x, { bias: randomTensor([1], "float32", 16) });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ShapeError);
        expect((e as ShapeError).argument).toBe("bias");
      }
    });
  });
});
