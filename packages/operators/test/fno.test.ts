import { Adam, functionalCall, gradientsOfParameters } from "@modewise/nn";
import {
  appendGrid,
  FNO,
  type FNOOptions,
  paddingAmounts,
  relativeL2Loss,
} from "@modewise/operators";
import { Generator, memory, ShapeError, type Tensor, tidy, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad } from "../../tensor/test/helpers.js";

/** Finite-difference check of d FNO(x) / d theta for every parameter, and d FNO(x) / d x. */
function checkAllGradients(model: FNO, x: Tensor): string[] {
  const names: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    checkGrad((w) => functionalCall(model, { [name]: w }, () => model.forward(x)), [p.value]);
    names.push(name);
  }
  checkGrad((xi) => model.forward(xi), [x]);
  return names;
}

const small = {
  width: 3,
  nLayers: 2,
  liftingChannels: 4,
  projectionChannels: 4,
  dtype: "float64",
} as const;

describe("FNO", () => {
  const variants: { what: string; opts: Partial<FNOOptions>; grid: number[] }[] = [
    { what: "1-D, linear skip, grid embedding", opts: { modes: [3] }, grid: [8] },
    {
      what: "2-D, soft-gating skip, domain padding",
      opts: { modes: [2, 2], skip: "soft-gating", domainPadding: 0.25 },
      grid: [4, 4],
    },
    {
      what: "3-D, identity skip, no embedding",
      opts: { modes: [1, 1, 2], skip: "identity", positionalEmbedding: "none" },
      grid: [2, 2, 4],
    },
    {
      what: "2-D, CP-factorized weights",
      opts: { modes: [2, 2], factorization: "cp", rank: 2 },
      grid: [4, 5],
    },
    {
      what: "1-D, Tucker-factorized weights, single-layer MLPs",
      opts: {
        modes: [3],
        factorization: "tucker",
        rank: 2,
        liftingChannels: 0,
        projectionChannels: 0,
      },
      grid: [6],
    },
  ];
  for (const { what, opts, grid } of variants)
    it(`passes float64 gradient checks of every parameter (${what})`, () => {
      const base = memory().numTensors;
      tidy(() => {
        const g = new Generator(21);
        const model = new FNO({
          inChannels: 2,
          outChannels: 1,
          ...small,
          ...opts,
          generator: g,
        } as FNOOptions);
        const x = g.normal([2, 2, ...grid], { dtype: "float64" });
        const names = checkAllGradients(model, x);
        expect(names.length).toBe(model.parameters().length);
        model.dispose();
      });
      expect(memory().numTensors).toBe(base);
    }, 120_000); // hundreds of central differences per parameter: slow on a loaded 2-core machine

  it("names its parameters as neuraloperator's FNO", () => {
    const m = new FNO({ inChannels: 1, outChannels: 1, modes: [4, 4], width: 8, nLayers: 2 });
    const shapes = Object.fromEntries(m.namedParameters().map(([n, p]) => [n, p.value.shape]));
    expect(shapes).toEqual({
      "lifting.fcs.0.weight": [16, 3, 1],
      "lifting.fcs.0.bias": [16],
      "lifting.fcs.1.weight": [8, 16, 1],
      "lifting.fcs.1.bias": [8],
      "fno_blocks.convs.0.weight": [8, 8, 8, 4],
      "fno_blocks.convs.0.bias": [8, 1, 1],
      "fno_blocks.convs.1.weight": [8, 8, 8, 4],
      "fno_blocks.convs.1.bias": [8, 1, 1],
      "fno_blocks.fno_skips.0.conv.weight": [8, 8, 1],
      "fno_blocks.fno_skips.1.conv.weight": [8, 8, 1],
      "projection.fcs.0.weight": [128, 8, 1],
      "projection.fcs.0.bias": [128],
      "projection.fcs.1.weight": [1, 128, 1],
      "projection.fcs.1.bias": [1],
    });
    m.dispose();
  });

  it("evaluates the same weights on a 2x finer grid (zero-shot super-resolution)", () => {
    tidy(() => {
      const g = new Generator(2);
      const m = new FNO({ inChannels: 1, outChannels: 1, modes: [4, 4], width: 6, generator: g });
      expect(m.forward(g.normal([2, 1, 16, 16])).shape).toEqual([2, 1, 16, 16]);
      const y = m.forward(g.normal([2, 1, 32, 32]));
      expect(y.shape).toEqual([2, 1, 32, 32]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      m.dispose();
    });
  });

  it("appends grid coordinates i / n (neuraloperator's GridEmbeddingND)", () => {
    tidy(() => {
      const x = new Generator(0).normal([1, 1, 2, 4], { dtype: "float64" });
      const e = appendGrid(x).arraySync() as number[][][][];
      expect(e[0][1]).toEqual([
        [0, 0, 0, 0],
        [0.5, 0.5, 0.5, 0.5],
      ]);
      expect(e[0][2]).toEqual([
        [0, 0.25, 0.5, 0.75],
        [0, 0.25, 0.5, 0.75],
      ]);
    });
  });

  it("pads by Python's round(fraction * n) (half to even)", () => {
    expect(paddingAmounts([10, 14, 32], 0.25)).toEqual([2, 4, 8]);
  });

  it("trains without leaking tensors", () => {
    const g = new Generator(4);
    const m = new FNO({ inChannels: 1, outChannels: 1, modes: [4], width: 8, generator: g });
    const opt = new Adam(m, { lr: 1e-3 });
    const x = g.normal([4, 1, 16]);
    const y = g.normal([4, 1, 16]);
    const losses: number[] = [];
    let count = 0;
    for (let step = 0; step < 4; step++) {
      losses.push(
        tidy(() => {
          const { value, grads } = gradientsOfParameters(() => relativeL2Loss(m.forward(x), y), m);
          opt.step(grads);
          return value.item();
        }),
      );
      if (step === 1) count = memory().numTensors;
    }
    expect(memory().numTensors).toBe(count);
    expect(losses.every(Number.isFinite)).toBe(true);
    opt.dispose();
    m.dispose();
    x.dispose();
    y.dispose();
  });

  it("validates options and inputs with typed errors", () => {
    const base = { inChannels: 1, outChannels: 1, modes: [4], width: 4 };
    expect(() => new FNO({ ...base, width: 0 })).toThrow(ValueError);
    expect(() => new FNO({ ...base, modes: [0] })).toThrow(ValueError);
    expect(() => new FNO({ ...base, skip: "bogus" as "linear" })).toThrow(/skip/);
    expect(() => new FNO({ ...base, positionalEmbedding: "sin" as "grid" })).toThrow(ValueError);
    expect(() => new FNO({ ...base, domainPadding: -1 })).toThrow(ValueError);
    expect(() => new FNO({ ...base, factorization: "tt" as "cp" })).toThrow(/factorization/);
    const m = new FNO(base);
    tidy(() => {
      const g = new Generator(0);
      expect(() => m.forward(g.normal([1, 2, 16]))).toThrow(ShapeError);
      expect(() => m.forward(g.normal([1, 1, 4, 4]))).toThrow(ShapeError);
      expect(() => m.forward(g.normal([1, 1, 5]))).toThrow(/size >= 6/);
    });
    m.dispose();
  });
});
