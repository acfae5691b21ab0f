import { readFileSync } from "node:fs";
import { h1Loss, hMinus1Loss, relativeL2, relativeL2Loss } from "@modewise/operators";
import {
  astype,
  Generator,
  grad,
  memory,
  mul,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad } from "../../tensor/test/helpers.js";

interface LossCase {
  shape: number[];
  nDims: number;
  alpha: number;
  pred: number[];
  target: number[];
  relL2: number[];
  h1: number[];
  hMinus1: number[];
  h1Abs: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/losses.json", import.meta.url), "utf8"),
) as { cases: LossCase[] };

const U64 = 2 ** -53;

function expectRelClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(tol * Math.abs(expected[i]));
}

describe("operator losses vs numpy (fixtures/make_losses.py)", () => {
  for (const c of fixture.cases) {
    const n = c.shape.slice(1).reduce((a, b) => a * b, 1);
    // Norms of N-term sums and FFTs: relative error a few (log2 N + 1) u per norm, two norms per ratio.
    const tol = 16 * (Math.log2(n) + 1) * U64;
    it(`shape [${c.shape.join(", ")}]: relative L2, H1, H^-1 per sample`, () => {
      const base = memory().numTensors;
      tidy(() => {
        const pred = tensor(Float64Array.from(c.pred), { dtype: "float64", shape: c.shape });
        const target = tensor(Float64Array.from(c.target), { dtype: "float64", shape: c.shape });
        const opts = { nDims: c.nDims, reduction: "none" as const };
        expectRelClose(relativeL2(pred, target).dataSync(), c.relL2, tol);
        expectRelClose(h1Loss(pred, target, opts).dataSync(), c.h1, tol);
        expectRelClose(
          hMinus1Loss(pred, target, { ...opts, alpha: c.alpha }).dataSync(),
          c.hMinus1,
          tol,
        );
        expectRelClose(h1Loss(pred, target, { ...opts, relative: false }).dataSync(), c.h1Abs, tol);
        const sum = c.relL2.reduce((a, b) => a + b, 0);
        expect(relativeL2Loss(pred, target).item()).toBeCloseTo(sum, 12);
        expect(relativeL2Loss(pred, target, { reduction: "mean" }).item()).toBeCloseTo(
          sum / c.shape[0],
          12,
        );
      });
      expect(memory().numTensors).toBe(base);
    });
  }
});

describe("stable normalizers", () => {
  const c = fixture.cases[1];
  const make = (scale: number, dtype: "float32" | "float64"): [Tensor, Tensor] => [
    astype(
      mul(tensor(Float64Array.from(c.pred), { dtype: "float64", shape: c.shape }), scale),
      dtype,
    ),
    astype(
      mul(tensor(Float64Array.from(c.target), { dtype: "float64", shape: c.shape }), scale),
      dtype,
    ),
  ];
  const losses = {
    relativeL2: (p: Tensor, t: Tensor) => relativeL2(p, t),
    h1: (p: Tensor, t: Tensor) => h1Loss(p, t, { reduction: "none" }),
    hMinus1: (p: Tensor, t: Tensor) => hMinus1Loss(p, t, { reduction: "none" }),
  };
  const expected = { relativeL2: c.relL2, h1: c.h1, hMinus1: c.hMinus1 };
  // float64 at 1e+-200: squares would overflow / underflow (1e400, 1e-400); float32 at 1e+-30 likewise (1e60, 1e-60).
  const scales: [number, "float32" | "float64", number][] = [
    [1e-200, "float64", 1e-13],
    [1e200, "float64", 1e-13],
    // float32: inputs rounded to 2^-24 relative, sums of ~100 terms: 1e-5 relative.
    [1e-30, "float32", 1e-5],
    [1e30, "float32", 1e-5],
  ];
  for (const [scale, dtype, tol] of scales)
    for (const [name, f] of Object.entries(losses))
      it(`${name} is scale invariant at ${scale} in ${dtype}`, () => {
        tidy(() => {
          const [p, t] = make(scale, dtype);
          const got = f(p, t).dataSync();
          expectRelClose(got, expected[name as keyof typeof expected], tol);
        });
      });

  it("absolute H1 norm of a 1e200-scaled error stays finite and linear", () => {
    tidy(() => {
      const [p, t] = make(1e200, "float64");
      const got = h1Loss(p, t, { relative: false, reduction: "none" }).dataSync();
      expectRelClose(
        got,
        c.h1Abs.map((v) => v * 1e200),
        1e-13,
      );
    });
  });
});

describe("loss gradients and validation", () => {
  it("pass float64 finite-difference checks", () => {
    tidy(() => {
      const g = new Generator(8);
      const p = g.normal([2, 1, 6, 5], { dtype: "float64" });
      const t = g.normal([2, 1, 6, 5], { dtype: "float64" });
      checkGrad((a, b) => relativeL2Loss(a, b), [p, t]);
      checkGrad((a, b) => h1Loss(a, b), [p, t]);
      checkGrad((a, b) => hMinus1Loss(a, b, { reduction: "mean" }), [p, t]);
    });
  });

  it("have zero (not NaN) gradients where pred equals target", () => {
    tidy(() => {
      const t = new Generator(9).normal([2, 1, 8], { dtype: "float64" });
      for (const loss of [relativeL2Loss, h1Loss, hMinus1Loss]) {
        const g = grad((p: Tensor) => loss(p, t))(t);
        expect(Array.from(g.dataSync())).toEqual(new Array(16).fill(0));
      }
    });
  });

  it("reject mismatched shapes and bad options", () => {
    tidy(() => {
      const g = new Generator(0);
      const a = g.normal([2, 1, 8]);
      expect(() => relativeL2Loss(a, g.normal([2, 1, 9]))).toThrow(ShapeError);
      expect(() => relativeL2Loss(a, a, { reduction: "avg" as "sum" })).toThrow(ValueError);
      expect(() => h1Loss(a, a, { nDims: 3 })).toThrow(/nDims/);
      expect(() => hMinus1Loss(a, a, { alpha: 0 })).toThrow(/alpha/);
    });
  });
});
