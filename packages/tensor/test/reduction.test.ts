/**
 * Reductions: sum / mean / prod / max / min / argmax / argmin / variance / std / norm /
 * logsumexp over single and multiple axes, keepDims, negative axes, complex inputs, NaN and
 * infinity propagation, and summation accuracy against exact (rational) references.
 *
 * Error bounds (u = 2^-53, first order):
 *  - our sum is pairwise with sequential blocks of <= 16 (src/backend/cpu/reduce.ts), so for n
 *    terms |error| <= g(n) u sum|x| with g(n) = n - 1 for n <= 16 and 15 + ceil(log2(n / 16))
 *    beyond (Higham, Accuracy and Stability of Numerical Algorithms, sec. 4.2). The references
 *    are the exact sums rounded once, so we also allow 1 ulp of the reference.
 *  - prod: n - 1 roundings, relative error <= (n - 1) u.
 *  - two-pass variance: the rounding of the mean enters only to second order (sum of
 *    deviations is ~0), so the relative error is that of the sum of squares of rounded
 *    deviations: (g(n) + 4) u.
 */
import {
  argmax,
  argmin,
  complex,
  DTypeError,
  logsumexp,
  max,
  mean,
  min,
  norm,
  prod,
  std,
  sum,
  type Tensor,
  tensor,
  transpose,
  ValueError,
  variance,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  decAll,
  type Encoded,
  expectEqualValues,
  expectSame,
  fromEncoded,
  loadFixture,
  U,
  ulpOf,
} from "./elementwise-helpers.js";

const fx = loadFixture("elementwise_reduction.json");
const X = fromEncoded(fx.x);
const xData = decAll(fx.x.data);
const MAX_ABS = Math.max(...xData.map(Math.abs));

function g(n: number): number {
  return n <= 16 ? n - 1 : 15 + Math.ceil(Math.log2(n / 16));
}

function keptShape(shape: number[], axes: number | number[] | null): number[] {
  const list =
    axes === null
      ? shape.map((_, i) => i)
      : (Array.isArray(axes) ? axes : [axes]).map((a) => (a + shape.length) % shape.length);
  return shape.map((d, i) => (list.includes(i) ? 1 : d));
}

/** |got - ref| <= tol(i) + ulp(ref) elementwise. */
function within(
  label: string,
  got: ArrayLike<number>,
  ref: number[],
  tol: (i: number) => number,
): void {
  expect(got.length, label).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const err = Math.abs(got[i] - ref[i]);
    const t = tol(i) + ulpOf(ref[i]);
    if (!(err <= t))
      throw new Error(
        `${label} element ${i}: got ${got[i]}, expected ${ref[i]} (|err| ${err} > ${t})`,
      );
  }
}

interface RedCase {
  axes: number | number[] | null;
  count: number;
  [k: string]: Encoded | number | number[] | null;
}

describe("real reductions against exact references", () => {
  for (const c of fx.cases as RedCase[]) {
    const axes = c.axes === null ? undefined : c.axes;
    it(`axes ${JSON.stringify(c.axes)}`, () => {
      const n = c.count;
      const ref = (k: string) => decAll((c[k] as Encoded).data);
      const shape = (c.sum as Encoded).shape;
      const absSum = ref("absSum");

      const s = sum(X, axes);
      expect(s.shape).toEqual(shape);
      within("sum", s.dataSync(), ref("sum"), (i) => g(n) * U * absSum[i]);
      within("mean", mean(X, axes).dataSync(), ref("mean"), (i) => (g(n) * U * absSum[i]) / n);
      within(
        "prod",
        prod(X, axes).dataSync(),
        ref("prod"),
        (i) => (n - 1) * U * Math.abs(ref("prod")[i]),
      );
      expectSame("max", max(X, axes).dataSync(), ref("max"));
      expectSame("min", min(X, axes).dataSync(), ref("min"));

      const varTol = (k: string) => (i: number) => (g(n) + 4) * U * ref(k)[i];
      within("variance", variance(X, axes).dataSync(), ref("var"), varTol("var"));
      within(
        "variance correction 1",
        variance(X, axes, { correction: 1 }).dataSync(),
        ref("var1"),
        varTol("var1"),
      );
      // sqrt halves the relative error and adds one rounding.
      const stdTol = (k: string) => (i: number) => ((g(n) + 4) / 2 + 1) * U * ref(k)[i];
      within("std", std(X, axes).dataSync(), ref("std"), stdTol("std"));
      within(
        "std correction 1",
        std(X, axes, { correction: 1 }).dataSync(),
        ref("std1"),
        stdTol("std1"),
      );

      // norm 2: squares (u) + sum (g u) + sqrt; norm 1: a sum of |x|; norm 3: pow (fdlibm, 2u)
      // on each term, the sum, and pow(S, 1/3) whose 1/3 is itself rounded: |ln S| u / 3 more.
      within(
        "norm 2",
        norm(X, 2, axes).dataSync(),
        ref("norm2"),
        (i) => ((g(n) + 1) / 2 + 1) * U * ref("norm2")[i],
      );
      within(
        "norm fro",
        norm(X, "fro", axes).dataSync(),
        ref("norm2"),
        (i) => ((g(n) + 1) / 2 + 1) * U * ref("norm2")[i],
      );
      within(
        "norm 1",
        norm(X, 1, axes).dataSync(),
        ref("norm1"),
        (i) => g(n) * U * ref("norm1")[i],
      );
      within("norm 3", norm(X, 3, axes).dataSync(), ref("norm3"), (i) => {
        const r = ref("norm3")[i];
        return ((g(n) + 2) / 3 + 2 + Math.abs(3 * Math.log(r)) / 3) * U * r;
      });
      expectSame("norm inf", norm(X, Infinity, axes).dataSync(), ref("normInf"));
      expectSame("norm -inf", norm(X, -Infinity, axes).dataSync(), ref("normNegInf"));

      // logsumexp = log(sum exp(x - m)) + m: |x - m| <= 2 max|x| is rounded (absolute u per unit),
      // exp adds 2u, the sum g(n) u, log 2u |log S| with S <= n, the final add 2u |result|.
      const lse = ref("logsumexp");
      within(
        "logsumexp",
        logsumexp(X, axes).dataSync(),
        lse,
        (i) => (g(n) + 2 + 2 * MAX_ABS + 2 * Math.log(n)) * U + 2 * U * Math.abs(lse[i]),
      );
      within(
        "logsumexp vs scipy",
        logsumexp(X, axes).dataSync(),
        ref("scipyLogsumexp"),
        (i) => (g(n) + 6 + 4 * MAX_ABS + 4 * Math.log(n)) * U + 4 * U * Math.abs(lse[i]),
      );

      // keepDims keeps the reduced axes with size 1 and the same values.
      const kept = keptShape(fx.x.shape, c.axes);
      for (const [name, f] of [
        ["sum", (t: Tensor) => sum(t, axes, true)],
        ["max", (t: Tensor) => max(t, axes, true)],
        ["mean", (t: Tensor) => mean(t, axes, true)],
        ["norm", (t: Tensor) => norm(t, 2, axes, true)],
        ["logsumexp", (t: Tensor) => logsumexp(t, axes, true)],
        ["variance", (t: Tensor) => variance(t, axes, { keepDims: true })],
      ] as const) {
        const k = f(X);
        expect(k.shape, name).toEqual(kept);
      }
      expectSame("sum keepDims", sum(X, axes, true).dataSync(), s.dataSync());
    });
  }
});

describe("argmax / argmin", () => {
  for (const c of fx.arg as {
    axis: number | null;
    argmax: number[];
    argmin: number[];
    shape: number[];
  }[]) {
    it(`axis ${c.axis} against numpy`, () => {
      const axis = c.axis === null ? undefined : c.axis;
      const am = argmax(X, axis);
      expect(am.dtype).toBe("int32");
      expect(am.shape).toEqual(c.shape);
      expect(Array.from(am.dataSync())).toEqual(c.argmax);
      expect(Array.from(argmin(X, axis).dataSync())).toEqual(c.argmin);
      if (c.axis !== null) {
        const k = argmax(X, axis, true);
        expect(k.shape).toEqual(keptShape(fx.x.shape, c.axis));
        expect(Array.from(k.dataSync())).toEqual(c.argmax);
      }
    });
  }

  it("first occurrence wins ties; the first NaN wins over everything (numpy)", () => {
    expect(argmax(tensor([1, 3, 3, 2])).dataSync()[0]).toBe(1);
    expect(argmin(tensor([2, 0, 5, 0])).dataSync()[0]).toBe(1);
    expect(argmax(tensor([1, Number.NaN, 5, Number.NaN])).dataSync()[0]).toBe(1);
    expect(argmin(tensor([Number.NaN, -Infinity])).dataSync()[0]).toBe(0);
    expect(argmin(tensor([-Infinity, 2, Number.NaN])).dataSync()[0]).toBe(2);
    expect(
      Array.from(
        argmax(
          tensor([
            [0, Number.NaN, 1],
            [4, 4, Number.NaN],
          ]),
          1,
        ).dataSync(),
      ),
    ).toEqual([1, 2]);
    expect(
      Array.from(
        argmax(
          tensor([
            [0, Number.NaN, 1],
            [4, 4, Number.NaN],
          ]),
          0,
        ).dataSync(),
      ),
    ).toEqual([1, 0, 1]);
  });

  it("keepDims without an axis keeps every axis with size 1 (numpy)", () => {
    const a = argmax(X, undefined, true);
    expect(a.shape).toEqual([1, 1, 1]);
    expect(a.dataSync()[0]).toBe(fx.arg[0].argmax[0]);
  });

  it("errors: complex input, empty input, bad axis", () => {
    expect(() => argmax(tensor([[1, 2]], { dtype: "complex128" }))).toThrow(DTypeError);
    expect(() => argmin(tensor([]))).toThrow(ValueError);
    expect(() => argmax(X, 3)).toThrow(ValueError);
    expect(() => argmax(X, 0.5)).toThrow(ValueError);
  });
});

describe("complex reductions", () => {
  const Z = fromEncoded(fx.z);
  for (const c of fx.complex as Record<string, Encoded | number | null>[]) {
    const axes = c.axes === null ? undefined : (c.axes as number);
    it(`axes ${c.axes}`, () => {
      const ref = (k: string) => decAll((c[k] as Encoded).data);
      const absSum = ref("absSum");
      const n = fx.z.shape.reduce((p: number, d: number) => p * d, 1) / absSum.length;
      const s = sum(Z, axes);
      expect(s.dtype).toBe("complex128");
      expect(s.shape).toEqual((c.sum as Encoded).shape);
      // each part is a real sum whose sum of |terms| is at most sum |z|
      within("sum", s.dataSync(), ref("sum"), (i) => g(n) * U * absSum[i >> 1]);
      within("mean", mean(Z, axes).dataSync(), ref("mean"), (i) => (g(n) * U * absSum[i >> 1]) / n);
      // n - 1 complex products, each with normwise error <= sqrt(5) u (Brent et al. 2007)
      const p = ref("prod");
      within(
        "prod",
        prod(Z, axes).dataSync(),
        p,
        (i) => (n - 1) * Math.sqrt(5) * U * Math.hypot(p[i & ~1], p[i | 1]),
      );
      // variance of complex x: mean |x - mean|^2, real; |.| by hypot adds 2u, squaring 2u + u
      const v = variance(Z, axes);
      expect(v.dtype).toBe("float64");
      within("variance", v.dataSync(), ref("var"), (i) => (g(n) + 7) * U * ref("var")[i]);
      within(
        "variance correction 1",
        variance(Z, axes, { correction: 1 }).dataSync(),
        ref("var1"),
        (i) => (g(n) + 7) * U * ref("var1")[i],
      );
      const nm = norm(Z, 2, axes);
      expect(nm.dtype).toBe("float64");
      within("norm", nm.dataSync(), ref("norm"), (i) => ((g(n) + 5) / 2 + 1) * U * ref("norm")[i]);
      within(
        "norm 1",
        norm(Z, 1, axes).dataSync(),
        ref("absSum"),
        (i) => (g(n) + 2) * U * absSum[i],
      );
    });
  }

  it("max / min / logsumexp of complex input are DTypeErrors", () => {
    for (const f of [max, min, logsumexp]) expect(() => f(Z)).toThrow(DTypeError);
  });
});

describe("summation accuracy", () => {
  const n = fx.bigSum.n as number;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = 0.1 + ((i * 40503) % 65536) / 65536;
  const bound = (15 + Math.ceil(Math.log2(n / 16))) * U * fx.bigSum.sum; // all terms positive: sum|x| = sum

  it("10^6 float64 values: within the pairwise bound of the exact sum", () => {
    // The fixture's plain left-to-right sum misses by far more than this bound, so the test
    // distinguishes pairwise from naive summation.
    expect(Math.abs(fx.bigSum.naive - fx.bigSum.sum)).toBeGreaterThan(10 * bound);
    const s = sum(tensor(data)).item();
    expect(Math.abs(s - fx.bigSum.sum)).toBeLessThanOrEqual(bound + ulpOf(fx.bigSum.sum));
    const m = mean(tensor(data)).item();
    expect(Math.abs(m - fx.bigSum.sum / n)).toBeLessThanOrEqual(bound / n + 2 * ulpOf(m));
  });

  it("10^6 float32 values: the float32 rounding of the exact sum, to 1 ulp", () => {
    // Accumulated in float64 (error ~1e-9 relative, far below float32's 6e-8), then rounded once.
    const s = sum(tensor(Float32Array.from(data))).item();
    const ref = Math.fround(fx.bigSum.sum32);
    const ulp32 = 2 ** (Math.floor(Math.log2(ref)) - 23);
    expect(Math.abs(s - ref)).toBeLessThanOrEqual(ulp32);
    // float32 accumulation (numpy's naive cumsum) would be off by many float32 ulps
    expect(Math.abs(fx.bigSum.naive32 - ref)).toBeGreaterThan(10 * ulp32);
  });
});

describe("sums over leading axes (whole rows added, the pairwise tree over rows)", () => {
  it("equal the per-column pairwise sum bit for bit and stay within its bound for 10^5 rows", () => {
    // x [R, 3]: summing axis 0 adds rows; the reference sums each column pairwise the same way
    // (<= 16 terms left to right, else halves), in float64, exactly as the offset-table path does.
    const R = 100_000;
    const data = new Float64Array(R * 3);
    for (let i = 0; i < data.length; i++) data[i] = 0.1 + ((i * 40503) % 65536) / 65536;
    const pairwise = (col: number, start: number, len: number): number => {
      if (len <= 16) {
        let t = 0;
        for (let r = start; r < start + len; r++) t += data[r * 3 + col];
        return t;
      }
      const h = len >>> 1;
      return pairwise(col, start, h) + pairwise(col, start + h, len - h);
    };
    const got = sum(tensor(data, { shape: [R, 3] }), [0]).dataSync();
    // the same column through a transposed view reaches the trailing-run path: the same tree
    const viaTrailing = sum(transpose(tensor(data, { shape: [R, 3] }), [1, 0]), [1]).dataSync();
    for (let col = 0; col < 3; col++) {
      expect(got[col]).toBe(pairwise(col, 0, R));
      expect(viaTrailing[col]).toBe(got[col]);
    }
    // leading axes [0, 1] of [4, 25000, 3], and a size-1 axis between them
    const g3 = sum(tensor(data, { shape: [4, 25_000, 3] }), [0, 1]).dataSync();
    const g4 = sum(tensor(data, { shape: [4, 1, 25_000, 3] }), [0, 2]).dataSync();
    for (let col = 0; col < 3; col++) {
      expect(g3[col]).toBe(got[col]);
      expect(g4[col]).toBe(got[col]);
    }
  });

  it("power-of-two runs (the four-leaf loop for subtrees of 64) and complex sums keep the tree", () => {
    // Runs of 64 and 4096 values reach the trailing-run path's unrolled subtree of 64; values
    // of mixed magnitude make the result depend on the order of the additions.
    for (const n of [64, 4096, 4096 + 64]) {
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++)
        v[i] = (i % 7 === 0 ? 1e7 : 0.1) * (1 + ((i * 2654435761) % 97) / 97);
      const pairwise = (start: number, len: number): number => {
        if (len <= 16) {
          let t = 0;
          for (let k = start; k < start + len; k++) t += v[k];
          return t;
        }
        const h = len >>> 1;
        return pairwise(start, h) + pairwise(start + h, len - h);
      };
      const sequential = v.reduce((a, b) => a + b, 0);
      const got = sum(tensor(v, { shape: [2, n / 2] }), [0, 1]).dataSync()[0];
      expect(got).toBe(pairwise(0, n));
      // the check can fail: another order gives other bits for these values
      expect(sequential).not.toBe(got);
    }
    // complex over leading axes: each component summed with the real path's tree
    const R = 40;
    const re = Float64Array.from({ length: R * 6 }, (_, i) => Math.sin(i) * 10 ** (i % 5));
    const im = Float64Array.from({ length: R * 6 }, (_, i) => Math.cos(i) * 10 ** (i % 3));
    const z = complex(tensor(re, { shape: [R, 2, 3] }), tensor(im, { shape: [R, 2, 3] }));
    const zs = sum(z, [0]).dataSync();
    const rs = sum(tensor(re, { shape: [R, 2, 3] }), [0]).dataSync();
    const is = sum(tensor(im, { shape: [R, 2, 3] }), [0]).dataSync();
    for (let j = 0; j < 6; j++) {
      expect(zs[2 * j]).toBe(rs[j]);
      expect(zs[2 * j + 1]).toBe(is[j]);
    }
  });
});

describe("special values, dtypes, shapes and errors", () => {
  it("NaN and infinities propagate as IEEE", () => {
    const x = tensor(
      [
        [1, Number.NaN, 3],
        [Infinity, -Infinity, 2],
        [Infinity, 1, 2],
      ],
      { dtype: "float64" },
    );
    expectEqualValues("sum", sum(x, 1).dataSync(), [Number.NaN, Number.NaN, Infinity]);
    expectEqualValues("prod", prod(x, 1).dataSync(), [Number.NaN, -Infinity, Infinity]);
    expectEqualValues("mean", mean(x, 1).dataSync(), [Number.NaN, Number.NaN, Infinity]);
    expectEqualValues("max", max(x, 1).dataSync(), [Number.NaN, Infinity, Infinity]);
    expectEqualValues("min", min(x, 1).dataSync(), [Number.NaN, -Infinity, 1]);
    expectEqualValues("max axis 0", max(x, 0).dataSync(), [Infinity, Number.NaN, 3]);
    expectEqualValues("norm inf", norm(x, Infinity, 1).dataSync(), [
      Number.NaN,
      Infinity,
      Infinity,
    ]);
  });

  it("logsumexp with infinite inputs: -inf everywhere gives -inf, any +inf gives +inf (float64 and float32)", () => {
    for (const dtype of ["float64", "float32"] as const) {
      const x = tensor(
        [
          [-Infinity, -Infinity],
          [Infinity, 1],
          [Infinity, Infinity],
          [Number.NaN, 1],
          [1e30, 1e30],
        ],
        { dtype },
      );
      const r = logsumexp(x, 1).dataSync();
      expectEqualValues(`logsumexp ${dtype}`, r.slice(0, 4), [
        -Infinity,
        Infinity,
        Infinity,
        Number.NaN,
      ]);
      expect(r[4]).toBe(dtype === "float64" ? 1e30 : Math.fround(Math.fround(1e30) + 0));
    }
    // huge finite values do not overflow: log(2 e^1e308) = 1e308 + log 2 = 1e308 in float64
    expect(logsumexp(tensor([1e308, 1e308], { dtype: "float64" })).item()).toBe(1e308);
    expect(logsumexp(tensor([-1000, -1000], { dtype: "float64" })).item()).toBeCloseTo(
      -1000 + Math.LN2,
      12,
    );
    expect(logsumexp(tensor(new Int32Array([0, 0]))).dtype).toBe("float32");
  });

  it("bool and int32 inputs", () => {
    const b = tensor([
      [true, false, true],
      [true, true, true],
    ]);
    expect(b.dtype).toBe("bool");
    expect(sum(b).dtype).toBe("int32");
    expect(Array.from(sum(b, 1).dataSync())).toEqual([2, 3]);
    const i = tensor(new Int32Array([3, -4, 5]));
    expect(prod(i).dtype).toBe("int32");
    expect(prod(i).item()).toBe(-60);
    expect(mean(i).dtype).toBe("float32");
    expect(mean(i).item()).toBeCloseTo(4 / 3, 6);
    expect(variance(i).dtype).toBe("float32");
  });

  it("empty reductions: sum 0, prod 1, mean NaN, max a ValueError", () => {
    const e = tensor(new Float64Array(0), { shape: [2, 0] });
    expectEqualValues("sum", sum(e, 1).dataSync(), [0, 0]);
    expectEqualValues("prod", prod(e, 1).dataSync(), [1, 1]);
    expectEqualValues("mean", mean(e, 1).dataSync(), [Number.NaN, Number.NaN]);
    expect(sum(e, 0).shape).toEqual([0]);
    expect(() => max(e, 1)).toThrow(ValueError);
    expect(Array.from(max(e, 0).dataSync())).toEqual([]);
  });

  it("axis lists: negative, unordered, empty (no reduction)", () => {
    expectSame("[-1, 0] = [0, 2]", sum(X, [-1, 0]).dataSync(), sum(X, [0, 2]).dataSync());
    expectSame("[2, 0]", sum(X, [2, 0]).dataSync(), sum(X, [0, 2]).dataSync());
    expectSame("[]", sum(X, []).dataSync(), X.dataSync());
    expect(sum(X, []).shape).toEqual([3, 4, 5]);
  });

  it("a scalar reduces over axis 0 to itself (PyTorch); reducing everything gives a scalar", () => {
    const s = tensor(5, { dtype: "float64" });
    expect(sum(s).item()).toBe(5);
    expect(sum(s, 0).item()).toBe(5);
    expect(sum(s, 0).shape).toEqual([]);
    expect(max(s, 0, true).item()).toBe(5);
    expect(mean(s, 0).item()).toBe(5);
    expect(argmax(s, 0).item()).toBe(0);
    expect(logsumexp(s, 0).item()).toBe(5);
    expect(sum(X).shape).toEqual([]);
  });

  it("bad axes and options: ValueError naming the argument", () => {
    for (const f of [
      () => sum(X, 3),
      () => sum(X, -4),
      () => sum(X, [0, 0]),
      () => mean(X, 1.5),
      () => max(X, [1, 5]),
    ]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ValueError);
      expect((err as ValueError).argument).toBe("axis");
    }
    expect(() => norm(X, 0)).toThrow(ValueError);
    expect(() => norm(X, Number.NaN)).toThrow(ValueError);
    expect(() => max(tensor([[1, 2]], { dtype: "complex128" }))).toThrow(DTypeError);
  });

  it("variance with correction >= n is NaN (0 / 0), as numpy with ddof >= n", () => {
    expect(
      Number.isNaN(
        variance(tensor([1], { dtype: "float64" }), undefined, { correction: 1 }).item(),
      ),
    ).toBe(true);
    expect(variance(tensor([2, 2, 2], { dtype: "float64" })).item()).toBe(0);
  });
});
