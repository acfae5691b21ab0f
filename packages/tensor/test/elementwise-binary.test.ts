/**
 * Binary elementwise ops: numpy broadcasting, IEEE results, pow / atan2 accuracy and special
 * values, NaN-propagating maximum / minimum, comparisons, where, complex arithmetic (Smith
 * division on extreme values, pow), and typed errors.
 */
import {
  add,
  atan2,
  broadcastShapes,
  clip,
  complex,
  DTypeError,
  div,
  equal,
  grad,
  greater,
  greaterEqual,
  less,
  lessEqual,
  maximum,
  minimum,
  mul,
  notEqual,
  polar,
  pow,
  ShapeError,
  sub,
  sum,
  type Tensor,
  tensor,
  toComplex,
  where,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  decAll,
  type Encoded,
  expectComplexNormwise,
  expectEqualValues,
  expectSame,
  expectUlps,
  fromEncoded,
  loadFixture,
} from "./elementwise-helpers.js";

const fx = loadFixture("elementwise_math.json");

const REAL_OPS: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  add,
  sub,
  mul,
  div,
  maximum,
  minimum,
  pow,
  atan2,
};

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("expected an error");
}

describe("real binary ops with broadcasting against numpy", () => {
  for (const [k, c] of (
    fx.binary_real as { a: Encoded; b: Encoded; absA: Encoded; out: Record<string, Encoded> }[]
  ).entries()) {
    it(`[${c.a.shape}] with [${c.b.shape}]`, () => {
      const a = fromEncoded(c.a);
      const b = fromEncoded(c.b);
      const expectedShape = broadcastShapes(c.a.shape, c.b.shape);
      for (const [op, f] of Object.entries(REAL_OPS)) {
        const out = op === "pow" ? f(fromEncoded(c.absA), b) : f(a, b);
        const ref = c.out[op];
        expect(out.shape, `${op} case ${k}`).toEqual(ref.shape);
        expect(out.shape).toEqual(expectedShape);
        if (op === "pow" || op === "atan2") {
          // V8's Math.pow / Math.atan2 are fdlibm ports (< 1 ulp); references are correctly rounded.
          expectUlps(`${op} case ${k}`, decAll(ref.data), out.dataSync(), decAll(ref.data), {
            ulps: 1,
          });
        } else {
          // One correctly rounded IEEE operation per element, as numpy: bitwise equal.
          expectSame(`${op} case ${k}`, out.dataSync(), decAll(ref.data));
        }
      }
      // Comparisons broadcast the same way and return bool.
      const g = greater(a, b);
      expect(g.dtype).toBe("bool");
      expect(g.shape).toEqual(expectedShape);
      expectSame("greater", Array.from(g.dataSync()), decAll(c.out.greater.data));
      expectSame("equal", Array.from(equal(a, b).dataSync()), decAll(c.out.equal.data));
    });
  }

  it("row and column broadcasts of [rows, n] (the two-axis loops) match per-element IEEE results", () => {
    // [R, n] against [R, 1] (a per-row statistic), [n] (a bias row) and [R, 1] against [R, n]:
    // every output is one IEEE operation, so float64 is bitwise and float32 is Math.fround of it.
    const [R, n] = [1200, 7];
    const gen = (len: number, seed: number) =>
      Float64Array.from({ length: len }, (_, i) => Math.sin(seed * 1000 + i * 0.37) * 3 + 0.5);
    const ops = { add, sub, mul, div } as const;
    const js = {
      add: (x: number, y: number) => x + y,
      sub: (x: number, y: number) => x - y,
      mul: (x: number, y: number) => x * y,
      div: (x: number, y: number) => x / y,
    };
    for (const dtype of ["float64", "float32"] as const) {
      const round = dtype === "float32" ? Math.fround : (v: number) => v;
      const full = gen(R * n, 1).map(round);
      const col = gen(R, 2).map(round);
      const row = gen(n, 3).map(round);
      const cases: [
        number[],
        Float64Array,
        number[],
        Float64Array,
        (r: number, j: number) => [number, number],
      ][] = [
        [[R, n], full, [R, 1], col, (r, j) => [full[r * n + j], col[r]]],
        [[R, n], full, [n], row, (r, j) => [full[r * n + j], row[j]]],
        [[R, 1], col, [R, n], full, (r, j) => [col[r], full[r * n + j]]],
        [[n], row, [R, n], full, (r, j) => [row[j], full[r * n + j]]],
      ];
      for (const [as, ad, bs, bd, pick] of cases)
        for (const [name, f] of Object.entries(ops)) {
          const got = f(
            tensor(ad, { dtype, shape: as }),
            tensor(bd, { dtype, shape: bs }),
          ).dataSync();
          for (let r = 0; r < R; r++)
            for (let j = 0; j < n; j++) {
              const [x, y] = pick(r, j);
              const want = round(js[name as keyof typeof js](x, y));
              if (got[r * n + j] !== want)
                throw new Error(
                  `${dtype} ${name} [${as}] with [${bs}] at (${r}, ${j}): ${got[r * n + j]} != ${want}`,
                );
            }
        }
    }
  });

  it("float32 arithmetic is the correctly rounded float32 result", () => {
    // The kernel computes in float64 and rounds to float32. For + - * / of float32 operands that
    // double rounding is innocuous (53 >= 2 * 24 + 2), so the result equals fround(a op b).
    const a = Float32Array.from([1.1, -2.3, 3.5e38, 1e-45, 0.1, 7]);
    const b = Float32Array.from([3.3, 0.7, 3.5e38, 3, 0.2, -0]);
    for (const [name, f, g] of [
      ["add", add, (x: number, y: number) => x + y],
      ["sub", sub, (x: number, y: number) => x - y],
      ["mul", mul, (x: number, y: number) => x * y],
      ["div", div, (x: number, y: number) => x / y],
    ] as const) {
      const out = f(tensor(a), tensor(b));
      expect(out.dtype).toBe("float32");
      expectSame(
        name,
        out.dataSync(),
        Array.from(a, (x, i) => Math.fround(g(x, b[i]))),
      );
    }
  });

  it("IEEE special values propagate", () => {
    const a = tensor([Infinity, 1, -1, 0, Number.NaN, Infinity, -0], { dtype: "float64" });
    const b = tensor([Infinity, 0, 0, 0, 1, -Infinity, 5], { dtype: "float64" });
    expectSame("sub", sub(a, b).dataSync(), [Number.NaN, 1, -1, 0, Number.NaN, Infinity, -5]);
    expectSame("div", div(a, b).dataSync(), [
      Number.NaN,
      Infinity,
      -Infinity,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      -0,
    ]);
    expectSame("mul", mul(a, b).dataSync(), [Infinity, 0, -0, 0, Number.NaN, -Infinity, -0]);
  });
});

describe("pow and atan2 at special points (C99 Annex F, as numpy)", () => {
  it("pow", () => {
    const pts = fx.pow_special as [number, number, number][];
    const a = decAll(pts.map((p) => p[0]));
    const b = decAll(pts.map((p) => p[1]));
    const r = decAll(pts.map((p) => p[2]));
    const out = pow(tensor(Float64Array.from(a)), tensor(Float64Array.from(b)));
    // Special cases are exact; finite ones correctly rounded references vs fdlibm pow (< 1 ulp).
    expectUlps("pow special", a, out.dataSync(), r, { ulps: 1, signedZero: true });
  });

  it("atan2", () => {
    const pts = fx.atan2_special as [number, number, number][];
    const a = decAll(pts.map((p) => p[0]));
    const b = decAll(pts.map((p) => p[1]));
    const r = decAll(pts.map((p) => p[2]));
    const out = atan2(tensor(Float64Array.from(a)), tensor(Float64Array.from(b)));
    expectUlps("atan2 special", a, out.dataSync(), r, { ulps: 1, signedZero: true });
  });

  it("integer operands of pow, div and atan2 give floats", () => {
    const i = tensor(new Int32Array([2, 3]));
    expect(pow(i, 2).dtype).toBe("float32");
    expect(Array.from(pow(i, 2).dataSync())).toEqual([4, 9]);
    expect(Array.from(div(i, tensor(new Int32Array([4, 2]))).dataSync())).toEqual([0.5, 1.5]);
    expect(atan2(i, i).dtype).toBe("float32");
  });
});

describe("maximum / minimum", () => {
  it("propagate NaN from either side (numpy.maximum, not fmax)", () => {
    const m = fx.maxmin;
    const a = tensor(Float64Array.from(decAll(m.a)));
    const b = tensor(Float64Array.from(decAll(m.b)));
    expectEqualValues("maximum", maximum(a, b).dataSync(), decAll(m.maximum));
    expectEqualValues("minimum", minimum(a, b).dataSync(), decAll(m.minimum));
    expectEqualValues("maximum swapped", maximum(b, a).dataSync(), decAll(m.maximum));
  });

  it("clip clamps into [lo, hi] and keeps NaN", () => {
    const x = tensor([-5, 0.5, 7, Number.NaN, -Infinity], { dtype: "float64" });
    expectEqualValues("clip", clip(x, -1, 2).dataSync(), [-1, 0.5, 2, Number.NaN, -1]);
    expectEqualValues("clip lo", clip(x, 0).dataSync(), [0, 0.5, 7, Number.NaN, 0]);
    expect(thrown(() => clip(x, 3, 1))).toBeInstanceOf(Error);
  });

  it("clip passes the whole gradient on the closed interval [lo, hi] (torch.clamp)", () => {
    const x = tensor([-2, -1, 0.5, 2, 3], { dtype: "float64" });
    const g = grad((t) => sum(clip(t, -1, 2)))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 1, 0]);
  });

  it("reject complex operands with a DTypeError", () => {
    const z = tensor([[1, 2]], { dtype: "complex128" });
    for (const f of [maximum, minimum, atan2]) {
      const e = thrown(() => f(z, 1)) as DTypeError;
      expect(e).toBeInstanceOf(DTypeError);
      expect(e.received).toBe("complex128");
    }
  });
});

describe("comparisons", () => {
  it("return bool tensors; NaN compares unequal to everything", () => {
    const a = tensor([1, Number.NaN, 3, -0], { dtype: "float64" });
    const b = tensor([1, Number.NaN, 2, 0], { dtype: "float64" });
    const cases: [(x: Tensor, y: Tensor) => Tensor, number[]][] = [
      [equal, [1, 0, 0, 1]],
      [notEqual, [0, 1, 1, 0]],
      [less, [0, 0, 0, 0]],
      [lessEqual, [1, 0, 0, 1]],
      [greater, [0, 0, 1, 0]],
      [greaterEqual, [1, 0, 1, 1]],
    ];
    for (const [f, r] of cases) {
      const out = f(a, b);
      expect(out.dtype).toBe("bool");
      expect(Array.from(out.dataSync())).toEqual(r);
    }
  });

  it("broadcast and weak-type plain numbers", () => {
    const x = tensor([[1, 2, 3]], { dtype: "float32" });
    const out = greater(x, tensor([[2], [0]], { dtype: "float64" }));
    expect(out.shape).toEqual([2, 3]);
    expect(Array.from(out.dataSync())).toEqual([0, 0, 1, 1, 1, 1]);
    // 0.1 adopts float32: fround(0.1) == fround(0.1) exactly.
    expect(Array.from(equal(tensor([0.1], { dtype: "float32" }), 0.1).dataSync())).toEqual([1]);
    expect(Array.from(equal(tensor([0.1], { dtype: "float64" }), 0.1).dataSync())).toEqual([1]);
  });

  it("complex: equal / notEqual compare both parts, ordering is a DTypeError", () => {
    const z = tensor(
      [
        [1, 2],
        [1, -2],
        [Number.NaN, 0],
      ],
      { dtype: "complex128" },
    );
    const w = tensor(
      [
        [1, 2],
        [1, 2],
        [Number.NaN, 0],
      ],
      { dtype: "complex128" },
    );
    expect(Array.from(equal(z, w).dataSync())).toEqual([1, 0, 0]);
    expect(Array.from(notEqual(z, w).dataSync())).toEqual([0, 1, 1]);
    expect(Array.from(equal(z, 1).dataSync())).toEqual([0, 0, 0]);
    expect(Array.from(equal(tensor([[1, 0]], { dtype: "complex64" }), 1).dataSync())).toEqual([1]);
    for (const f of [less, lessEqual, greater, greaterEqual])
      expect(thrown(() => f(z, w))).toBeInstanceOf(DTypeError);
  });
});

describe("where", () => {
  it("broadcasts cond, a and b together", () => {
    const cond = tensor([[1], [0], [1]], { dtype: "bool" }); // [3, 1]
    const a = tensor([[10, 20, 30, 40]], { dtype: "float64" }); // [1, 4]
    const out = where(cond, a, -1);
    expect(out.shape).toEqual([3, 4]);
    expect(Array.from(out.dataSync())).toEqual([10, 20, 30, 40, -1, -1, -1, -1, 10, 20, 30, 40]);
    const out2 = where(
      tensor([true, false, true, false]),
      tensor([[1], [2]], { dtype: "float32" }),
      tensor([5, 6, 7, 8], { dtype: "float64" }),
    );
    expect(out2.dtype).toBe("float64");
    expect(out2.shape).toEqual([2, 4]);
    expect(Array.from(out2.dataSync())).toEqual([1, 6, 1, 8, 2, 6, 2, 8]);
  });

  it("non-bool conditions are truthiness (complex: either part nonzero)", () => {
    const c = tensor([0, 2.5, Number.NaN, -0], { dtype: "float64" });
    expect(Array.from(where(c, 1, 0).dataSync())).toEqual([0, 1, 1, 0]);
    const z = tensor(
      [
        [0, 1],
        [0, 0],
        [2, 0],
      ],
      { dtype: "complex128" },
    );
    expect(Array.from(where(z, 1, 0).dataSync())).toEqual([1, 0, 1]);
  });

  it("selects complex values and rejects shapes that do not broadcast", () => {
    const z = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "complex128" },
    );
    expect(Array.from(where(tensor([true, false]), z, 0).dataSync())).toEqual([1, 2, 0, 0]);
    const e = thrown(() =>
      where(tensor([true, false, true]), tensor([1, 2], { dtype: "float64" }), 0),
    ) as ShapeError;
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain("where");
  });
});

describe("complex binary ops", () => {
  for (const [k, c] of (
    fx.binary_complex as { a: Encoded; b: Encoded; out: Record<string, Encoded> }[]
  ).entries()) {
    it(`[${c.a.shape}] with [${c.b.shape}] against mpmath`, () => {
      const a = fromEncoded(c.a);
      const b = fromEncoded(c.b);
      const za = decAll(c.a.data);
      const zb = decAll(c.b.data);
      const ops = { add, sub, mul, div, pow };
      for (const [op, f] of Object.entries(ops)) {
        const out = f(a, b);
        expect(out.dtype).toBe("complex128");
        expect(out.shape).toEqual(c.out[op].shape);
        const ref = decAll(c.out[op].data);
        if (op === "add" || op === "sub") {
          // componentwise one IEEE addition each: equal to the rounded exact result
          expectSame(`${op} ${k}`, out.dataSync(), ref);
          continue;
        }
        // mul: (ac - bd, ad + bc) has normwise error <= sqrt(5) u |ab| (Brent, Percival,
        // Zimmermann 2007) -> 3 with the reference's rounding; div (Smith): each part a few
        // roundings on quantities bounded by |q| -> 8; pow = exp(w log z): log z carries an
        // absolute error (2 + 2 |log z|) u, multiplied by |w| and amplified into a relative
        // error of the exponential, plus ~8u for the products, exp, cos and sin.
        const idx = broadcastIndex(c.a.shape, c.b.shape);
        const k2 = (i: number): number => {
          if (op === "mul") return 3;
          if (op === "div") return 8;
          const [ia, ib] = idx[i];
          const lz = Math.hypot(
            Math.log(Math.hypot(za[2 * ia], za[2 * ia + 1])),
            Math.atan2(za[2 * ia + 1], za[2 * ia]),
          );
          const w = Math.hypot(zb[2 * ib], zb[2 * ib + 1]);
          return 8 + 2 * w * (1 + lz) + 3 * w * lz;
        };
        expectComplexNormwise(`${op} ${k}`, out.dataSync(), ref, k2);
      }
    });
  }

  it("division is accurate on extreme values where the textbook formula and plain Smith fail", () => {
    // Baudin & Smith (2012) table 1 and more: exact quotients from mpmath. Normwise 8u as above,
    // and never a spurious overflow (2^1023 (1 + i) / (1 + i) = 2^1023) or underflow.
    for (const c of fx.complex_div) {
      const q = div(
        tensor([decAll(c.a)], { dtype: "complex128" }),
        tensor([decAll(c.b)], { dtype: "complex128" }),
      ).dataSync();
      expect(Number.isFinite(q[0]) && Number.isFinite(q[1]), `(${c.a}) / (${c.b})`).toBe(true);
      expectComplexNormwise(`(${c.a}) / (${c.b})`, q, decAll(c.q), 8);
    }
  });

  it("division by zero and of zero follow IEEE componentwise", () => {
    const q = div(
      tensor(
        [
          [1, 1],
          [0, 0],
          [1, 0],
        ],
        { dtype: "complex128" },
      ),
      tensor(
        [
          [0, 0],
          [0, 0],
          [Infinity, 0],
        ],
        { dtype: "complex128" },
      ),
    ).dataSync();
    expectEqualValues("div zero", q, [Infinity, Infinity, Number.NaN, Number.NaN, 0, 0]);
  });

  it("pow at special points", () => {
    // 0^0 = 1, 0^w = 0 for real w > 0 (and for Re w > 0, as numpy 2), z^0 = 1; others mpmath.
    for (const c of fx.complex_pow) {
      const out = pow(
        tensor([decAll(c.a)], { dtype: "complex128" }),
        tensor([decAll(c.b)], { dtype: "complex128" }),
      ).dataSync();
      const r = decAll(c.r);
      if (r[0] === 0 && r[1] === 0) expectEqualValues("pow 0", out, r);
      else expectComplexNormwise(`pow (${c.a}) ^ (${c.b})`, out, r, 16);
    }
  });

  it("a real operand is promoted and a number adopts the complex dtype", () => {
    const z = tensor(
      [
        [1, 2],
        [-3, 0.5],
      ],
      { dtype: "complex128" },
    );
    const r = tensor([2, 4], { dtype: "float64" });
    expect(Array.from(mul(z, r).dataSync())).toEqual([2, 4, -12, 2]);
    expect(Array.from(add(0.1, z).dataSync())).toEqual([1.1, 2, -2.9, 0.5]);
    expect(Array.from(div(z, 2).dataSync())).toEqual([0.5, 1, -1.5, 0.25]);
    const z64 = tensor([[1, 2]], { dtype: "complex64" });
    expect(add(z64, 0.1).dtype).toBe("complex64");
    expect(Array.from(add(z64, 0.1).dataSync())).toEqual([Math.fround(1 + Math.fround(0.1)), 2]);
    expect(add(z64, r).dtype).toBe("complex128");
  });
});

describe("complex() and polar()", () => {
  it("build complex tensors from real parts with broadcasting and precision rules", () => {
    const z = complex(
      tensor([[1, 2, 3]], { dtype: "float64" }),
      tensor([[-1], [0.5]], { dtype: "float64" }),
    );
    expect(z.dtype).toBe("complex128");
    expect(z.shape).toEqual([2, 3]);
    expectSame("complex", z.dataSync(), [1, -1, 2, -1, 3, -1, 1, 0.5, 2, 0.5, 3, 0.5]);
    expect(
      complex(tensor([1], { dtype: "float32" }), tensor([2], { dtype: "float32" })).dtype,
    ).toBe("complex64");
    expect(
      complex(tensor([1], { dtype: "float32" }), tensor([2], { dtype: "float64" })).dtype,
    ).toBe("complex128");
    expect(complex(tensor(new Int32Array([1])), 2).dtype).toBe("complex64");
    expect(complex(tensor([0.1], { dtype: "float64" }), 0.1).dataSync()[1]).toBe(0.1);
    const e = thrown(() => complex(tensor([[1, 2]], { dtype: "complex128" }), 1)) as DTypeError;
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.argument).toBe("re");
  });

  it("polar(r, theta) = r cos(theta) + i r sin(theta), one rounding after the libm value", () => {
    const r = [2, 0.5, 3, 1];
    const t = [0, Math.PI / 3, -2.5, Math.PI];
    const z = polar(tensor(r, { dtype: "float64" }), tensor(t, { dtype: "float64" }));
    expectSame(
      "polar",
      z.dataSync(),
      r.flatMap((v, i) => [v * Math.cos(t[i]), v * Math.sin(t[i])]),
    );
    expect(() => polar(tensor([[1, 0]], { dtype: "complex64" }), 1)).toThrow(DTypeError);
    expect(() => toComplex(tensor(new Int32Array([1])))).toThrow(DTypeError);
    expect(toComplex(tensor([1], { dtype: "float64" })).dtype).toBe("complex128");
  });
});

describe("shape errors", () => {
  it("non-broadcastable operands: a ShapeError naming the function, argument, expected and received", () => {
    const e = thrown(() =>
      add(
        tensor([
          [1, 2],
          [3, 4],
          [5, 6],
        ]),
        tensor([1, 2, 3]),
      ),
    ) as ShapeError;
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.fn).toBe("add");
    expect(e.argument).toBe("b");
    expect(e.expected).toContain("[3, 2]");
    expect(e.received).toBe("[3]");
    expect(e.message).toBe(
      "add: argument 'b' expected a shape broadcastable with [3, 2] (argument 'a'), received [3]",
    );
    for (const f of [sub, mul, div, pow, maximum, minimum, atan2, equal, less]) {
      expect(thrown(() => f(tensor([[1, 2, 3]]), tensor([[1, 2]])))).toBeInstanceOf(ShapeError);
    }
  });

  it("ragged nested arrays and unsupported argument types", () => {
    expect(thrown(() => add([[1, 2], [3]], 1))).toBeInstanceOf(ShapeError);
    expect(thrown(() => add("x" as unknown as number, 1))).toBeInstanceOf(Error);
  });
});

/** For each output element of broadcast(a, b), the flat indices into a and b. */
function broadcastIndex(sa: number[], sb: number[]): [number, number][] {
  const shape = broadcastShapes(sa, sb);
  const n = shape.reduce((p, d) => p * d, 1);
  const out: [number, number][] = [];
  const idxOf = (s: number[], coord: number[]): number => {
    const off = coord.length - s.length;
    let i = 0;
    for (let k = 0; k < s.length; k++) i = i * s[k] + (s[k] === 1 ? 0 : coord[k + off]);
    return i;
  };
  for (let f = 0; f < n; f++) {
    const coord: number[] = [];
    let r = f;
    for (let k = shape.length - 1; k >= 0; k--) {
      coord[k] = r % shape[k];
      r = Math.floor(r / shape[k]);
    }
    out.push([idxOf(sa, coord), idxOf(sb, coord)]);
  }
  return out;
}
