/**
 * Finite-difference gradient checks (helpers.checkGrad: float64 central differences of
 * L = Re(sum(conj(W) f(x)))) for every differentiable elementwise, complex, activation and
 * reduction op, real and complex inputs, broadcasting operands (the gradient must be
 * unbroadcast), keepDims on and off, prod with zeros, max / min with ties; and a comparison of
 * complex gradients with PyTorch's autograd to pin the convention grad = dL/dRe + i dL/dIm.
 *
 * Inputs are kept away from kinks and singularities (|x| > 0.1 for abs / relu / sign, positive
 * bases for log / sqrt / pow, |x| < 0.9 for asin / acos, no ties unless a test is about ties),
 * where checkGrad's truncation error ~h^2 |f'''| is far below its 1e-6 tolerance.
 */
import {
  abs,
  acos,
  add,
  angle,
  asin,
  astype,
  atan,
  atan2,
  ceil,
  clip,
  complex,
  conj,
  cos,
  cosh,
  div,
  erf,
  exp,
  expm1,
  floor,
  Generator,
  gelu,
  gradientsOf,
  greater,
  imag,
  leakyRelu,
  log,
  log1p,
  logSoftmax,
  logsumexp,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  neg,
  norm,
  polar,
  pow,
  prod,
  real,
  reciprocal,
  relu,
  round,
  rsqrt,
  sigmoid,
  sign,
  silu,
  sin,
  sinh,
  softmax,
  softplus,
  softshrink,
  sqrt,
  square,
  std,
  sub,
  sum,
  type Tensor,
  tan,
  tanh,
  tensor,
  toComplex,
  variance,
  where,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { decAll, type Encoded, fromEncoded, loadFixture, U } from "./elementwise-helpers.js";
import { checkGrad, randomTensor } from "./helpers.js";

/** Uniform float64 values in [lo, hi) with random signs when `signed`. */
function uni(shape: number[], lo: number, hi: number, seed: number, signed = false): Tensor {
  const u = new Generator(seed).uniform(shape, { dtype: "float64", low: lo, high: hi }).dataSync();
  const s = new Generator(seed + 1000).uniform(shape, { dtype: "float64" }).dataSync();
  return tensor(
    Float64Array.from(u, (v, i) => (signed && s[i] < 0.5 ? -v : v)),
    { shape },
  );
}

/** complex128 values with modulus in [lo, hi) and a uniform phase. */
function cuni(shape: number[], lo: number, hi: number, seed: number): Tensor {
  const r = new Generator(seed).uniform(shape, { dtype: "float64", low: lo, high: hi }).dataSync();
  const t = new Generator(seed + 1)
    .uniform(shape, { dtype: "float64", low: -Math.PI, high: Math.PI })
    .dataSync();
  const d = new Float64Array(2 * r.length);
  for (let i = 0; i < r.length; i++) {
    d[2 * i] = r[i] * Math.cos(t[i]);
    d[2 * i + 1] = r[i] * Math.sin(t[i]);
  }
  return tensor(d, { dtype: "complex128", shape });
}

const S = [2, 3];

describe("real unary ops", () => {
  const cases: [string, (x: Tensor) => Tensor, Tensor][] = [
    ["neg", neg, randomTensor(S, "float64", 1)],
    ["abs", abs, uni(S, 0.2, 2, 2, true)],
    ["sign", sign, uni(S, 0.2, 2, 3, true)],
    ["square", square, randomTensor(S, "float64", 4)],
    ["sqrt", sqrt, uni(S, 0.3, 3, 5)],
    ["rsqrt", rsqrt, uni(S, 0.3, 3, 6)],
    ["reciprocal", reciprocal, uni(S, 0.3, 3, 7, true)],
    ["exp", exp, randomTensor(S, "float64", 8)],
    ["expm1", expm1, randomTensor(S, "float64", 9)],
    ["log", log, uni(S, 0.3, 3, 10)],
    ["log1p", log1p, uni(S, -0.5, 3, 11)],
    ["sin", sin, randomTensor(S, "float64", 12, 2)],
    ["cos", cos, randomTensor(S, "float64", 13, 2)],
    ["tan", tan, uni(S, -1.2, 1.2, 14)],
    ["asin", asin, uni(S, -0.85, 0.85, 15)],
    ["acos", acos, uni(S, -0.85, 0.85, 16)],
    ["atan", atan, randomTensor(S, "float64", 17, 2)],
    ["sinh", sinh, randomTensor(S, "float64", 18)],
    ["cosh", cosh, randomTensor(S, "float64", 19)],
    ["tanh", tanh, randomTensor(S, "float64", 20)],
    ["erf", erf, randomTensor(S, "float64", 21, 1.5)],
    ["floor", floor, uni(S, 0.1, 0.4, 22, true)],
    ["ceil", ceil, uni(S, 0.1, 0.4, 23, true)],
    ["round", round, uni(S, 0.1, 0.4, 24, true)],
    ["sigmoid", sigmoid, randomTensor(S, "float64", 25, 3)],
    ["relu", relu, uni(S, 0.2, 2, 26, true)],
    ["silu", silu, randomTensor(S, "float64", 27, 3)],
    ["gelu", (x) => gelu(x), randomTensor(S, "float64", 28, 3)],
    ["gelu tanh", (x) => gelu(x, { approximate: "tanh" }), randomTensor(S, "float64", 29, 3)],
    ["softplus", softplus, randomTensor(S, "float64", 31, 5)],
    ["conj", conj, randomTensor(S, "float64", 32)],
    ["real", real, randomTensor(S, "float64", 33)],
    ["imag", imag, randomTensor(S, "float64", 34)],
    ["angle", angle, uni(S, 0.2, 2, 35, true)],
    ["leakyRelu", (x) => leakyRelu(x, 0.1), uni(S, 0.2, 2, 36, true)],
    ["softshrink", (x) => softshrink(x, 0.5), uni(S, 0.6, 2, 37, true)],
    ["softshrink dead zone", (x) => softshrink(x, 0.5), uni(S, 0, 0.4, 38, true)],
    ["clip", (x) => clip(x, -1, 1), uni(S, 0.2, 2, 39, true)],
  ];
  for (const [name, f, x] of cases) it(name, () => checkGrad(f, [x]));

  it("gelu in the far left tail (x in [-9, -3])", () =>
    checkGrad((x) => gelu(neg(x)), [uni(S, 3, 9, 40)], { rtol: 1e-6 }));
});

describe("complex unary ops (PyTorch convention, checked by finite differences of Re and Im)", () => {
  const z = cuni(S, 0.4, 2, 50);
  const cases: [string, (x: Tensor) => Tensor][] = [
    ["neg", neg],
    ["abs", abs],
    ["sign", sign],
    ["square", square],
    ["sqrt", sqrt],
    ["rsqrt", rsqrt],
    ["reciprocal", reciprocal],
    ["exp", exp],
    ["log", log],
    ["sin", sin],
    ["cos", cos],
    ["tan", tan],
    ["sinh", sinh],
    ["cosh", cosh],
    ["tanh", tanh],
    ["conj", conj],
    ["real", real],
    ["imag", imag],
    ["angle", angle],
  ];
  for (const [name, f] of cases) it(name, () => checkGrad(f, [z]));

  it("sqrt and log just above and below the negative real axis", () => {
    const w = tensor(
      [
        [-2, 0.3],
        [-2, -0.3],
        [-0.5, 1e-2],
      ],
      { dtype: "complex128" },
    );
    checkGrad(sqrt, [w]);
    checkGrad(log, [w]);
  });
});

describe("binary ops with broadcasting (gradients summed back to each operand's shape)", () => {
  const shapes: [number[], number[]][] = [
    [
      [3, 1, 4],
      [2, 1],
    ],
    [[2, 3], [3]],
    [
      [4, 1],
      [1, 5],
    ],
    [[], [2, 2]],
  ];
  for (const [sa, sb] of shapes) {
    it(`[${sa}] with [${sb}]`, () => {
      const a = randomTensor(sa, "float64", 60);
      const b = randomTensor(sb, "float64", 61);
      const bPos = uni(sb, 0.4, 2, 62, true);
      checkGrad(add, [a, b]);
      checkGrad(sub, [a, b]);
      checkGrad(mul, [a, b]);
      checkGrad(div, [a, bPos]);
      checkGrad(pow, [uni(sa, 0.4, 2, 63), b]);
      checkGrad(maximum, [a, b]);
      checkGrad(minimum, [a, b]);
      checkGrad(atan2, [a, bPos]);
      checkGrad((x, y) => where(greater(x, 0), x, y), [a, b]);
    });
  }

  it("complex operands, and a real operand promoted to complex", () => {
    const a = cuni([3, 1, 2], 0.4, 2, 64);
    const b = cuni([2, 1], 0.5, 2, 65);
    checkGrad(add, [a, b]);
    checkGrad(sub, [a, b]);
    checkGrad(mul, [a, b]);
    checkGrad(div, [a, b]);
    checkGrad(pow, [a, b]);
    const r = randomTensor([2, 1], "float64", 66);
    checkGrad(mul, [a, r]);
    checkGrad(div, [r, b]);
    checkGrad((x, y) => add(y, x), [a, r]);
    checkGrad((x, y) => where(tensor([true, false]), x, y), [a, b]);
    checkGrad((x, y) => where(tensor([[true], [false]]), x, y), [r, b]);
  });

  it("pow with integer and fractional exponents, and a zero base", () => {
    checkGrad((x) => pow(x, 3), [randomTensor(S, "float64", 67)]);
    checkGrad((x) => pow(x, 0.5), [uni(S, 0.3, 2, 68)]);
    checkGrad((x) => pow(2, x), [randomTensor(S, "float64", 69)]);
    // d/db 0^b is taken as 0 (PyTorch), d/da a^2 at 0 is 0
    const [ga, gb] = gradsOf(
      (a, b) => sum(pow(a, b)),
      [tensor([0, 0], { dtype: "float64" }), tensor([2, 3], { dtype: "float64" })],
    );
    expect(Array.from(ga)).toEqual([0, 0]);
    expect(Array.from(gb)).toEqual([0, 0]);
  });

  it("maximum / minimum ties split the gradient evenly (PyTorch)", () => {
    // also what central differences give at a two-way tie: (max(x + h, x) - max(x - h, x)) / 2h = 1/2
    const a = tensor([1, 2, 3], { dtype: "float64" });
    const b = tensor([1, 5, 3], { dtype: "float64" });
    checkGrad(maximum, [a, b]);
    checkGrad(minimum, [a, b]);
    const [ga, gb] = gradsOf((x, y) => sum(maximum(x, y)), [a, b]);
    expect(Array.from(ga)).toEqual([0.5, 0, 0.5]);
    expect(Array.from(gb)).toEqual([0.5, 1, 0.5]);
  });
});

describe("complex construction and dtype casts", () => {
  it("complex(re, im) and polar(r, theta) with broadcasting", () => {
    checkGrad(complex, [randomTensor([2, 3], "float64", 70), randomTensor([3], "float64", 71)]);
    checkGrad(polar, [uni([3], 0.3, 2, 72), randomTensor([2, 1], "float64", 73, 2)]);
  });

  it("astype between real and complex, toComplex", () => {
    checkGrad((x) => astype(x, "complex128"), [randomTensor(S, "float64", 74)]);
    checkGrad((x) => astype(x, "float64"), [cuni(S, 0.3, 2, 75)]);
    checkGrad((x) => mul(toComplex(x), cuni(S, 0.5, 1, 76)), [randomTensor(S, "float64", 77)]);
    checkGrad(
      (x) => sin(astype(astype(x, "complex128"), "float64")),
      [randomTensor(S, "float64", 78)],
    );
  });

  it("float32 inputs get float32 gradients close to the float64 ones", () => {
    const x64 = randomTensor(S, "float64", 79);
    const x32 = astype(x64, "float32");
    const f = (x: Tensor) => sum(mul(tanh(x), gelu(x)));
    const g64 = gradientsOf(() => f(x64), [x64]).grads[0].dataSync();
    const g32 = gradientsOf(() => f(x32), [x32]).grads[0];
    expect(g32.dtype).toBe("float32");
    // a handful of float32 roundings (2^-24 each) on O(1) quantities
    const d = g32.dataSync();
    for (let i = 0; i < d.length; i++)
      expect(Math.abs(d[i] - g64[i])).toBeLessThanOrEqual(
        16 * 2 ** -24 * Math.max(1, Math.abs(g64[i])),
      );
  });
});

describe("reductions", () => {
  const x = randomTensor([2, 3, 4], "float64", 80);
  const axesList: (number | number[] | undefined)[] = [undefined, 0, -1, [0, 2], [1, 2]];
  for (const axes of axesList) {
    for (const keep of [false, true]) {
      it(`axes ${JSON.stringify(axes)} keepDims ${keep}`, () => {
        checkGrad((t) => sum(t, axes, keep), [x]);
        checkGrad((t) => mean(t, axes, keep), [x]);
        checkGrad((t) => prod(t, axes, keep), [x]);
        checkGrad((t) => max(t, axes, keep), [x]);
        checkGrad((t) => min(t, axes, keep), [x]);
        checkGrad((t) => logsumexp(t, axes, keep), [x]);
        checkGrad((t) => norm(t, 2, axes, keep), [x]);
        checkGrad((t) => variance(t, axes, { keepDims: keep }), [x]);
      });
    }
  }

  it("variance / std with correction, norms of other orders", () => {
    checkGrad((t) => variance(t, 1, { correction: 1 }), [x]);
    checkGrad((t) => std(t, [0, 2]), [x]);
    checkGrad((t) => std(t, undefined, { correction: 1 }), [x]);
    checkGrad((t) => norm(t, 1, 2), [x]);
    checkGrad((t) => norm(t, 3, [0, 1]), [x]);
    checkGrad((t) => norm(t, Infinity, 1), [x]);
    checkGrad((t) => norm(t, -Infinity, 1), [x]);
    checkGrad((t) => norm(t, "fro"), [x]);
  });

  it("complex sum, mean, prod, variance and norm", () => {
    const z = cuni([3, 4], 0.5, 1.5, 81);
    checkGrad((t) => sum(t, 1), [z]);
    checkGrad((t) => mean(t, 0, true), [z]);
    checkGrad((t) => prod(t, 1), [z]);
    checkGrad((t) => prod(t), [z]);
    checkGrad((t) => variance(t, 1), [z]);
    checkGrad((t) => std(t, 0), [z]);
    checkGrad((t) => norm(t), [z]);
    checkGrad((t) => norm(t, 1, 1), [z]);
  });

  it("prod with one zero and with two zeros per row (no division by zero)", () => {
    const p = tensor(
      [
        [2, 0, 3, -1.5],
        [0, 4, 0, 2],
        [1.5, -2, 0.5, 3],
      ],
      { dtype: "float64" },
    );
    checkGrad((t) => prod(t, 1), [p]);
    checkGrad((t) => prod(t, 0), [p]);
    const [g] = gradsOf((t) => sum(prod(t, 1)), [p]);
    // row 0: only the zero gets the product of the others; row 1: two zeros, all 0
    expect(Array.from(g)).toEqual([0, -9, 0, 0, 0, 0, 0, 0, -3, 2.25, -9, -1.5]);
    const zc = tensor(
      [
        [
          [1, 1],
          [0, 0],
          [2, -1],
        ],
      ],
      { dtype: "complex128" },
    );
    checkGrad((t) => prod(t, 1), [zc]);
  });

  it("max / min ties share the gradient evenly (two-way ties agree with central differences)", () => {
    const t2 = tensor(
      [
        [1, 3, 3, 0],
        [2, 2, -1, 2],
      ],
      { dtype: "float64" },
    );
    checkGrad(
      (t) => max(t, 1),
      [
        tensor(
          [
            [1, 3, 3, 0],
            [5, 2, -1, 2],
          ],
          { dtype: "float64" },
        ),
      ],
    );
    checkGrad(
      (t) => min(t, 1),
      [
        tensor(
          [
            [1, -3, -3, 0],
            [5, 2, -1, 2],
          ],
          { dtype: "float64" },
        ),
      ],
    );
    const [g] = gradsOf((t) => sum(max(t, 1)), [t2]);
    expect(Array.from(g)).toEqual([0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 0, 1 / 3]);
    const [gm] = gradsOf((t) => min(t), [tensor([4, -1, -1, -1], { dtype: "float64" })]);
    expect(Array.from(gm)).toEqual([0, 1 / 3, 1 / 3, 1 / 3]);
  });
});

describe("softmax family", () => {
  const x = randomTensor([3, 4], "float64", 90, 2);
  it("softmax and logSoftmax along each axis", () => {
    checkGrad((t) => softmax(t), [x]);
    checkGrad((t) => softmax(t, 0), [x]);
    checkGrad((t) => logSoftmax(t), [x]);
    checkGrad((t) => logSoftmax(t, 0), [x]);
  });
  it("at huge inputs the gradient stays finite and correct", () => {
    const big = tensor(
      [
        [1000, 1001, 999],
        [-1000, -1000.5, -999],
      ],
      { dtype: "float64" },
    );
    checkGrad((t) => softmax(t), [big]);
    checkGrad((t) => logSoftmax(t), [big]);
    checkGrad((t) => logsumexp(t, 1), [big]);
  });
});

describe("complex gradients agree with PyTorch autograd", () => {
  const fx = loadFixture("elementwise_grads.json") as Record<
    string,
    { inputs: Encoded[]; w: Encoded; out: Encoded; grads: Encoded[] }
  >;
  const fns: Record<string, (...xs: Tensor[]) => Tensor> = {
    sin,
    exp,
    log,
    sqrt,
    rsqrt,
    tanh,
    tan,
    reciprocal,
    square,
    abs,
    angle,
    sign,
    real,
    imag,
    conj,
    mul,
    div,
    pow,
    prod: (z) => prod(z, 1),
    mean: (z) => mean(z, 0),
    var: (z) => variance(z, 1),
    norm: (z) => norm(z),
    complex,
    polar,
    mulRealComplex: mul,
  };
  for (const [name, c] of Object.entries(fx)) {
    it(name, () => {
      const xs = c.inputs.map((e) => fromEncoded(e));
      const w = fromEncoded(c.w);
      const f = fns[name];
      const { value, grads } = gradientsOf(() => {
        const out = f(...xs);
        return out.dtype === "complex128" ? sum(real(mul(conj(w), out))) : sum(mul(w, out));
      }, xs);
      value.dispose();
      // Each gradient entry is a product of a few factors, each computed with a normwise error of
      // at most ~8u on either side (see the complex unary bounds), and reductions add sums of
      // <= 6 terms: 128 u relative to the largest entry of the gradient covers both sides.
      grads.forEach((g, k) => {
        const ref = decAll(c.grads[k].data);
        expect(g.dtype).toBe(c.grads[k].dtype);
        expect(g.shape).toEqual(c.grads[k].shape);
        const got = g.dataSync();
        const scale = Math.max(...ref.map(Math.abs));
        for (let i = 0; i < ref.length; i++) {
          expect(
            Math.abs(got[i] - ref[i]),
            `${name} grad ${k} component ${i}: ${got[i]} vs ${ref[i]}`,
          ).toBeLessThanOrEqual(128 * U * scale);
        }
      });
    });
  }
});

function gradsOf(f: (...xs: Tensor[]) => Tensor, xs: Tensor[]): Float64Array[] {
  const { value, grads } = gradientsOf(() => f(...xs), xs);
  value.dispose();
  return grads.map((g) => g.dataSync() as Float64Array);
}
