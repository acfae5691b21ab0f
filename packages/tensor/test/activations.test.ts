/**
 * Activations against PyTorch float64 values and exact references: relu, sigmoid, tanh, silu,
 * gelu (exact and tanh), softplus, softshrink, leakyRelu, softmax and logSoftmax (stable at
 * huge inputs). The scalar activations are also checked against correctly rounded mpmath values
 * in elementwise-unary.test.ts; here the point is PyTorch's conventions and the composite ops.
 */
import {
  DTypeError,
  gelu,
  leakyRelu,
  logSoftmax,
  relu,
  sigmoid,
  silu,
  softmax,
  softplus,
  softshrink,
  sum,
  type Tensor,
  tanh,
  tensor,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  decAll,
  type Encoded,
  expectEqualValues,
  expectSame,
  expectUlps,
  fromEncoded,
  loadFixture,
  U,
  ulpOf,
} from "./elementwise-helpers.js";

const fx = loadFixture("elementwise_activations.json");
const xs = decAll(fx.x);
const X = tensor(Float64Array.from(xs));

describe("scalar activations against PyTorch (float64)", () => {
  // Both sides carry their own rounding error, so the allowance is the sum of two bounds of the
  // form derived in elementwise-unary.test.ts: sigmoid 4 + 4, silu 5 + 5, tanh 1 + 1 ulps.
  // gelu: PyTorch evaluates x/2 (1 + erf(x/sqrt2)), which for x << 0 cancels and has an absolute
  // error ~|x| 2^-53 (erf's rounding); ours uses erfc and is relatively accurate: allow
  // 12 ulps + |x| 2^-51. geluTanh: the same formula on both sides, cancelling for x << 0:
  // 12 ulps + |x| 2^-51.
  const cases: [string, (t: Tensor) => Tensor, number, (x: number) => number][] = [
    ["sigmoid", sigmoid, 8, () => 0],
    ["tanh", tanh, 2, () => 0],
    ["silu", silu, 10, () => 0],
    ["gelu", (t) => gelu(t), 12, (x) => Math.abs(x) * 2 ** -51],
    ["geluTanh", (t) => gelu(t, { approximate: "tanh" }), 12, (x) => Math.abs(x) * 2 ** -51],
  ];
  for (const [name, f, ulps, absTol] of cases) {
    it(name, () => {
      const out = f(X);
      expect(out.dtype).toBe("float64");
      expectUlps(name, xs, out.dataSync(), decAll(fx.torch[name]), {
        ulps,
        abs: (x) => absTol(x) + 8 * 2 ** -1074,
      });
    });
  }

  it("relu, softshrink and leakyRelu are exact (one rounding at most)", () => {
    expectEqualValues("relu", relu(X).dataSync(), decAll(fx.torch.relu));
    // x - lambda, x + lambda and slope * x are single IEEE operations: equal to the rounded exact values
    expectSame(
      "softshrink",
      softshrink(X, fx.lambda).dataSync(),
      decAll(fx.mp.softshrink).map((v) => v + 0),
    );
    expectEqualValues(
      "softshrink torch",
      softshrink(X, fx.lambda).dataSync(),
      decAll(fx.torch.softshrink),
    );
    expectEqualValues("leakyRelu", leakyRelu(X, fx.slope).dataSync(), decAll(fx.mp.leakyRelu));
    expectEqualValues("leakyRelu torch", leakyRelu(X).dataSync(), decAll(fx.torch.leakyRelu));
  });

  it("softplus is overflow-free at +-1000 and accurate in both tails", () => {
    const v = softplus(tensor([1000, -1000, -700, 700, 0], { dtype: "float64" })).dataSync();
    expect(v[0]).toBe(1000); // 1000 + e^-1000 rounds to 1000
    expect(v[1]).toBe(0); // e^-1000 underflows
    // softplus(-700) = log1p(e^-700) = e^-700 (1 - e^-700 / 2) = e^-700 to double precision;
    // exp and log1p are < 1 ulp each (fdlibm): 4 ulps as in elementwise-unary.
    expect(Math.abs(v[2] - 9.859676543759771e-305)).toBeLessThanOrEqual(
      4 * ulpOf(9.859676543759771e-305),
    );
    expect(v[3]).toBe(700);
    expect(v[4]).toBe(Math.LN2);
    const f32 = softplus(tensor([100, -100, 88.8], { dtype: "float32" })).dataSync();
    expect(Array.from(f32)).toEqual([100, Math.fround(3.720075976020836e-44), Math.fround(88.8)]);
  });

  it("gelu rejects an unknown approximation; activations keep float32 and reject complex", () => {
    expect(() => gelu(X, { approximate: "erf" as "none" })).toThrow(ValueError);
    const x32 = tensor([-1, 0.5], { dtype: "float32" });
    for (const f of [
      relu,
      sigmoid,
      silu,
      softplus,
      (t: Tensor) => gelu(t),
      (t: Tensor) => leakyRelu(t),
      (t: Tensor) => softshrink(t),
    ]) {
      expect(f(x32).dtype).toBe("float32");
    }
    const z = tensor([[1, 2]], { dtype: "complex128" });
    for (const f of [
      relu,
      sigmoid,
      silu,
      softplus,
      (t: Tensor) => gelu(t),
      (t: Tensor) => softshrink(t),
      (t: Tensor) => leakyRelu(t),
    ]) {
      expect(() => f(z)).toThrow(DTypeError);
    }
  });

  it("softshrink and leakyRelu details", () => {
    const x = tensor([-2, -0.5, -0.25, 0, 0.25, 0.5, 3, Number.NaN, Infinity], {
      dtype: "float64",
    });
    expectEqualValues("softshrink", softshrink(x).dataSync(), [
      -1.5,
      0,
      0,
      0,
      0,
      0,
      2.5,
      Number.NaN,
      Infinity,
    ]);
    expectEqualValues("softshrink 0", softshrink(x, 0).dataSync(), [
      -2,
      -0.5,
      -0.25,
      0,
      0.25,
      0.5,
      3,
      Number.NaN,
      Infinity,
    ]);
    expect(() => softshrink(x, -1)).toThrow(ValueError);
    expect(softshrink(tensor(new Int32Array([3, -1]))).dtype).toBe("float32");
    expectEqualValues("leakyRelu", leakyRelu(x, 0.5).dataSync(), [
      -1,
      -0.25,
      -0.125,
      0,
      0.25,
      0.5,
      3,
      Number.NaN,
      Infinity,
    ]);
    const li = leakyRelu(tensor(new Int32Array([3, -100])));
    expect(li.dtype).toBe("float32");
    expect(Array.from(li.dataSync())).toEqual([3, Math.fround(-100 * Math.fround(0.01))]);
    expect(relu(tensor(new Int32Array([3, -1]))).dtype).toBe("int32");
  });
});

describe("softmax and logSoftmax", () => {
  const sm = fx.softmax;
  const rows = fromEncoded(sm.x as Encoded);
  const [R, C] = sm.x.shape as [number, number];
  const x = decAll(sm.x.data);
  const P = decAll(sm.softmax.data);
  const L = decAll(sm.logSoftmax.data);
  const g = C <= 16 ? C - 1 : 15 + Math.ceil(Math.log2(C / 16));

  /**
   * softmax_i = exp(x_i - m) / S: the shift x_i - m is rounded (absolute u |x_i - m|, i.e. a
   * relative u |x_i - m| after exp), exp adds 2u, the sum of positive terms g u, the division u.
   */
  const smTol = (r: number, i: number): number => {
    const m = Math.max(...x.slice(r * C, r * C + C));
    return (Math.abs(x[r * C + i] - m) + g + 4) * U * P[r * C + i];
  };

  it("softmax matches mpmath row by row; rows sum to 1", () => {
    const out = softmax(rows);
    expect(out.dtype).toBe("float64");
    const v = out.dataSync();
    for (let r = 0; r < R; r++) {
      let tolSum = g * U;
      for (let i = 0; i < C; i++) {
        const k = r * C + i;
        const t = smTol(r, i);
        tolSum += t;
        expect(Math.abs(v[k] - P[k]), `row ${r} col ${i}: ${v[k]} vs ${P[k]}`).toBeLessThanOrEqual(
          t + ulpOf(P[k]),
        );
        expect(Number.isFinite(v[k])).toBe(true);
      }
      const s = sum(tensor(Float64Array.from(v.slice(r * C, r * C + C)))).item();
      expect(Math.abs(s - 1), `row ${r} sum`).toBeLessThanOrEqual(tolSum + C * U);
    }
    // PyTorch's softmax carries its own error of the same kind: twice the bound.
    const T = decAll(sm.torchSoftmax.data);
    for (let k = 0; k < v.length; k++)
      expect(Math.abs(v[k] - T[k])).toBeLessThanOrEqual(
        2 * smTol(Math.floor(k / C), k % C) + 2 * ulpOf(T[k]),
      );
  });

  it("logSoftmax matches mpmath; exp(logSoftmax) = softmax", () => {
    // logSoftmax_i = (x_i - m) - log S: rounding of the shift u |x_i - m|, of the final subtraction
    // u |result|, and log S's absolute error: S's relative error (the softmax-weighted mean of
    // |x_j - m| plus 2 + g, in u) plus log's 2u |log S| (S <= n).
    const v = logSoftmax(rows).dataSync();
    for (let r = 0; r < R; r++) {
      const row = x.slice(r * C, r * C + C);
      const m = Math.max(...row);
      const w = row.reduce((acc, xj, j) => acc + P[r * C + j] * Math.abs(xj - m), 0);
      for (let i = 0; i < C; i++) {
        const k = r * C + i;
        const tol = (Math.abs(x[k] - m) + Math.abs(L[k]) + w + 4 + g + 2 * Math.log(C)) * U;
        expect(Math.abs(v[k] - L[k]), `row ${r} col ${i}: ${v[k]} vs ${L[k]}`).toBeLessThanOrEqual(
          tol + ulpOf(L[k]),
        );
      }
    }
    const T = decAll(sm.torchLogSoftmax.data);
    for (let k = 0; k < v.length; k++) {
      const m = Math.max(...x.slice(Math.floor(k / C) * C, Math.floor(k / C) * C + C));
      expect(Math.abs(v[k] - T[k])).toBeLessThanOrEqual(
        2 * (Math.abs(x[k] - m) + Math.abs(T[k]) + 2 * C + 8) * U + 2 * ulpOf(T[k]),
      );
    }
  });

  it("along other axes, against PyTorch", () => {
    const x3 = fromEncoded(sm.x3 as Encoded);
    // entries of x3 are O(1) normals: |x - m| <= 8, n <= 4 -> (8 + 3 + 4) u relative, twice for two implementations
    const s0 = softmax(x3, 0).dataSync();
    const t0 = decAll(sm.softmax0.data);
    for (let k = 0; k < t0.length; k++)
      expect(Math.abs(s0[k] - t0[k])).toBeLessThanOrEqual(30 * U * t0[k] + 2 * ulpOf(t0[k]));
    const l1 = logSoftmax(x3, 1).dataSync();
    const t1 = decAll(sm.logSoftmax1.data);
    for (let k = 0; k < t1.length; k++)
      expect(Math.abs(l1[k] - t1[k])).toBeLessThanOrEqual(
        2 * (8 + Math.abs(t1[k]) + 16) * U + 2 * ulpOf(t1[k]),
      );
  });

  it("stays finite at huge float32 inputs", () => {
    const v = softmax(
      tensor(
        [
          [3e38, 1e38, -3e38],
          [80, 90, 100],
        ],
        { dtype: "float32" },
      ),
    ).dataSync();
    expect(Array.from(v.slice(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(v).every(Number.isFinite)).toBe(true);
    const l = logSoftmax(tensor([3e38, 3e38], { dtype: "float32" })).dataSync();
    expect(Array.from(l)).toEqual([Math.fround(-Math.LN2), Math.fround(-Math.LN2)]);
  });
});
