/**
 * Memory management: tidy / keep / dispose, the memory() counters (handles, storage buffers,
 * bytes) returning to their baseline after loops of ops and gradient computations, views sharing
 * storage, and DisposedError on use after dispose.
 */
import {
  add,
  concat,
  conj,
  conv1d,
  conv2d,
  DisposedError,
  dispose,
  einsum,
  expandDims,
  flatten,
  gather,
  keep,
  type MemoryInfo,
  matmul,
  memory,
  mul,
  pad,
  real,
  reshape,
  slice,
  split,
  squeeze,
  stack,
  stopGradient,
  sum,
  type Tensor,
  tensor,
  tidy,
  toNdarray,
  transpose,
  ValueError,
  valueAndGrads,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { randomTensor } from "./helpers.js";

function expectSameMemory(before: MemoryInfo, label = ""): void {
  const now = memory();
  expect({ label, t: now.numTensors, b: now.numDataBuffers, n: now.numBytes }).toEqual({
    label,
    t: before.numTensors,
    b: before.numDataBuffers,
    n: before.numBytes,
  });
}

describe("tidy, keep, dispose", () => {
  it("tidy releases what fn created except its result (also inside arrays, objects and Maps)", () => {
    const before = memory();
    const r = tidy(() => {
      const a = tensor([1, 2, 3]);
      const b = mul(a, 2);
      add(b, 1);
      return { sum: sum(b), parts: [b], map: new Map([["a", a]]) };
    });
    expect(memory().numTensors).toBe(before.numTensors + 3);
    expect(r.sum.item()).toBe(12);
    expect(r.map.get("a")!.arraySync()).toEqual([1, 2, 3]);
    dispose(r.sum);
    dispose(r.parts);
    r.map.get("a")!.dispose();
    expectSameMemory(before);
  });

  it("nested tidy hands a returned tensor to the enclosing scope, which releases it unless returned", () => {
    const before = memory();
    let inner: Tensor | undefined;
    tidy(() => {
      inner = tidy(() => mul(tensor([1, 2]), 3));
      expect(inner.isDisposed).toBe(false);
    });
    expect(inner!.isDisposed).toBe(true);
    expectSameMemory(before);
  });

  it("keep exempts a tensor from every enclosing scope until disposed", () => {
    const before = memory();
    let k: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        k = keep(mul(tensor([1, 2]), 2));
      });
    });
    expect(k!.isDisposed).toBe(false);
    expect(k!.arraySync()).toEqual([2, 4]);
    k!.dispose();
    expectSameMemory(before);
  });

  it("an exception inside tidy releases the scope; an async fn is refused", () => {
    const before = memory();
    expect(() =>
      tidy(() => {
        mul(tensor([1, 2]), 2);
        throw new Error("inside");
      }),
    ).toThrow("inside");
    expectSameMemory(before);
    const p = Promise.resolve();
    expect(() => tidy(() => p as unknown as Tensor)).toThrow(ValueError);
    expectSameMemory(before);
  });

  it("dispose walks arrays and plain objects; disposing twice is harmless", () => {
    const before = memory();
    const a = tensor([1]);
    const b = tensor([2]);
    const c = tensor([3]);
    dispose({ x: [a, { y: b }], z: c, n: 3, s: "text" });
    expect([a, b, c].every((t) => t.isDisposed)).toBe(true);
    a.dispose();
    dispose(a);
    expectSameMemory(before);
  });
});

describe("each op leaves exactly its result alive", () => {
  // Every public op in this area, called without an enclosing tidy, on arguments that make it
  // create temporaries (dtype promotion casts, nested-array conversion, 1-D promotion, padding
  // index tensors, einsum's transposes): afterwards exactly one new handle may exist.
  const x = () => [randomTensor([2, 3, 4], "float64", 1)];
  const cases: [string, () => Tensor[], (...xs: Tensor[]) => Tensor][] = [
    ["reshape", x, (t) => reshape(t, [4, -1])],
    ["transpose", x, (t) => transpose(t, [2, 0, 1])],
    ["slice", x, (t) => slice(t, "::-1, 1, 1:")],
    [
      "concat with a nested array",
      x,
      (t) =>
        concat(
          [
            t,
            [
              [[1], [2], [3]],
              [[4], [5], [6]],
            ],
          ],
          2,
        ),
    ],
    ["stack", x, (t) => stack([t, t], 1)],
    [
      "gather with nested-array indices",
      x,
      (t) =>
        gather(
          t,
          [
            [0, -1],
            [1, 1],
          ],
          2,
        ),
    ],
    ["pad constant", x, (t) => pad(t, [[1, 2]], { value: 3 })],
    [
      "pad reflect",
      x,
      (t) =>
        pad(
          t,
          [
            [1, 2],
            [3, 3],
          ],
          { mode: "reflect" },
        ),
    ],
    ["pad circular", x, (t) => pad(t, [[5, 5]], { mode: "circular" })],
    [
      "matmul of a float32 vector and a float64 batch",
      () => [tensor([1, 2, 3], { dtype: "float32" }), ...x()],
      (v, t) => matmul(v, t),
    ],
    [
      "matmul with a nested array and transposeB",
      x,
      (t) => matmul(t, [[1, 2, 3, 4]], { transposeB: true }),
    ],
    [
      "einsum three operands with casts",
      () => [...x(), tensor([1, 2], { dtype: "float32" })],
      (t, v) =>
        einsum(
          "bij,jk,k->bi",
          t,
          [
            [1, 2],
            [3, 4],
            [5, 6],
            [7, 8],
          ],
          v,
        ),
    ],
    [
      "conv2d with nested-array bias and 'same'",
      () => [randomTensor([1, 2, 3, 4], "float64", 1), randomTensor([3, 2, 2, 2], "float64", 2)],
      (t, w) => conv2d(t, w, { bias: [1, 2, 3], padding: "same" }),
    ],
    [
      "conv1d with float32 input promoted",
      () => [randomTensor([1, 2, 5], "float32", 1), randomTensor([3, 2, 2], "float64", 2)],
      (t, w) => conv1d(t, w, { stride: 2 }),
    ],
  ];
  it.each(cases)("%s", (_name, make, f) => {
    const inputs = make();
    const before = memory();
    const out = f(...inputs);
    expect(memory().numTensors).toBe(before.numTensors + 1);
    out.dispose();
    expectSameMemory(before);
    dispose(inputs);
  });

  it("split leaves only its parts", () => {
    const t = randomTensor([6, 2], "float64", 1);
    const before = memory();
    const parts = split(t, [1, 2, 3]);
    expect(memory().numTensors).toBe(before.numTensors + 3);
    dispose(parts);
    expectSameMemory(before);
    t.dispose();
  });
});

describe("counters return to baseline", () => {
  it("after 200 iterations of shape, linalg and conv ops inside tidy", () => {
    const w = randomTensor([4, 2, 3, 3], "float64", 2);
    const before = memory();
    for (let i = 0; i < 200; i++) {
      tidy(() => {
        const a = randomTensor([2, 2, 6, 5], "float64", i);
        const y = conv2d(a, w, { stride: 2, padding: 1 });
        const z = einsum("bchw,bchw->bc", y, y);
        const m = matmul(z, transpose(z));
        const parts = split(
          pad(
            m,
            [
              [1, 1],
              [2, 2],
            ],
            { mode: "circular" },
          ),
          2,
          0,
        );
        sum(gather(concat(parts, 1), [0, -1], 1));
      });
    }
    expectSameMemory(before);
    w.dispose();
  });

  it("after 50 gradient computations (values and gradients disposed)", () => {
    const a = randomTensor([3, 4], "complex128", 1);
    const b = randomTensor([4, 2], "complex128", 2);
    const w = randomTensor([2, 2, 3, 3], "float64", 3);
    const x = randomTensor([1, 2, 6, 6], "float64", 4);
    const before = memory();
    const f = (p: Tensor, q: Tensor, wt: Tensor, xt: Tensor) => {
      const m = matmul(p, q);
      const e = einsum("ij,kj->ik", m, conj(q));
      const c = conv2d(
        pad(
          xt,
          [
            [1, 1],
            [1, 1],
          ],
          { mode: "reflect" },
        ),
        wt,
        { dilation: 2 },
      );
      return add(sum(mul(c, c)), sum(real(mul(e, e))));
    };
    for (let i = 0; i < 50; i++) {
      const r = valueAndGrads(f)([a, b, w, x]);
      dispose(r);
    }
    expectSameMemory(before);
    dispose([a, b, w, x]);
  });

  it("after failed ops (errors thrown after temporaries were made)", () => {
    const a = tensor([[1, 2, 3]]);
    const before = memory();
    for (const f of [
      () => matmul([[1, 2]], a, { transposeB: false }),
      () => concat([a, [[1, 2]]], 0),
      () =>
        einsum("ij,jk->ik", a, [
          [1, 2],
          [3, 4],
        ]),
      () => gather(a, [[0, 5]], 1),
      () => conv2d([[[[1, 2, 3]]]], [[[[1, 2, 3, 4]]]]),
      () => pad([[1]], [[1, 1]], { mode: "reflect" }),
    ]) {
      expect(f).toThrow();
    }
    expectSameMemory(before);
    a.dispose();
  });
});

describe("views share storage", () => {
  it("reshape, flatten, squeeze, expandDims and stopGradient add a handle but no buffer", () => {
    const x = randomTensor([2, 1, 3], "float64", 1);
    const before = memory();
    const views = [reshape(x, [3, 2]), flatten(x), squeeze(x), expandDims(x, 0), stopGradient(x)];
    const now = memory();
    expect(now.numTensors).toBe(before.numTensors + views.length);
    expect(now.numDataBuffers).toBe(before.numDataBuffers);
    expect(now.numBytes).toBe(before.numBytes);
    // On the CPU the views' ndarrays see the very same array.
    for (const v of views) expect(toNdarray(v).data).toBe(toNdarray(x).data);
    // Disposing the original keeps the storage alive for the views.
    x.dispose();
    expect(memory().numDataBuffers).toBe(before.numDataBuffers);
    expect(views[0].arraySync()).toEqual(tidy(() => reshape(views[1], [3, 2]).arraySync()));
    dispose(views);
    expect(memory().numDataBuffers).toBe(before.numDataBuffers - 1);
    expect(memory().numBytes).toBe(before.numBytes - 6 * 8);
  });

  it("copies (transpose, slice) get their own buffer", () => {
    const x = randomTensor([2, 3], "float64", 1);
    const before = memory();
    const t = transpose(x);
    const s = slice(x, ":, ::-1");
    expect(memory().numDataBuffers).toBe(before.numDataBuffers + 2);
    expect(memory().byBackend.cpu.numBytes).toBe(before.byBackend.cpu.numBytes + 2 * 6 * 8);
    dispose([t, s, x]);
  });
});

describe("use after dispose", () => {
  it("throws DisposedError naming the function and argument", () => {
    const x = tensor([1, 2]);
    const y = tensor([3, 4]);
    x.dispose();
    const cases: [() => unknown, string, string][] = [
      [() => x.dataSync(), "Tensor.dataSync", "this"],
      [() => add(y, x), "add", "b"],
      [() => matmul(x, y), "matmul", "a"],
      [() => reshape(x, [2, 1]), "reshape", "x"],
      [() => concat([y, x]), "concat", "tensors[1]"],
      [() => gather(y, x), "gather", "indices"],
      [() => einsum("i,i->", y, x), "einsum", "operands[1]"],
      [() => toNdarray(x), "toNdarray", "t"],
    ];
    for (const [f, fn, arg] of cases) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err, fn).toBeInstanceOf(DisposedError);
      expect((err as DisposedError).fn).toBe(fn);
      expect((err as DisposedError).argument).toBe(arg);
    }
    expect(x.toString()).toMatch(/disposed/);
    y.dispose();
  });

  it("async readback of a disposed tensor rejects with DisposedError", async () => {
    const x = tensor([1]);
    x.dispose();
    await expect(x.data()).rejects.toBeInstanceOf(DisposedError);
  });
});

describe("CPU buffer pool", () => {
  it("recycles released outputs zeroed, and never recycles arrays handed out as ndarray views", async () => {
    const { add, dispose, pad, tensor, toNdarray, zeros } = await import("@modewise/tensor");
    const n = 8192;
    const a = zeros([n], { dtype: "float64" });
    const b = add(a, 1);
    const view = toNdarray(b);
    dispose(b);
    // b's array was shared with the ndarray view: later outputs must not reuse it.
    const c = add(a, 2);
    expect(view.get(0)).toBe(1);
    dispose(c);
    // c's array was pooled; a constant pad writes zeros only where it must not copy input,
    // so a recycled array must come back zeroed.
    const d = pad(tensor(new Float64Array(n - 2).fill(3)), [[1, 1]]);
    const data = d.dataSync();
    expect(data[0]).toBe(0);
    expect(data[n - 1]).toBe(0);
    expect(data[1]).toBe(3);
    dispose([a, d]);
  });
});
