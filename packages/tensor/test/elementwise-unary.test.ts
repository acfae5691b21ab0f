/**
 * Every UnaryOp on real float64 / float32 inputs against correctly rounded mpmath references
 * (numpy / scipy for 0, -0, +-inf, nan and domain errors), and the complex-capable ones on
 * complex128 / complex64 against mpmath and numpy (axes and branch cuts).
 */
import {
  abs,
  acos,
  angle,
  asin,
  atan,
  ceil,
  conj,
  cos,
  cosh,
  DTypeError,
  erf,
  exp,
  expm1,
  floor,
  gelu,
  imag,
  log,
  log1p,
  neg,
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
  softplus,
  sqrt,
  square,
  type Tensor,
  tan,
  tanh,
  tensor,
  type UnaryOp,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  decAll,
  expectComplexNormwise,
  expectUlps,
  loadFixture,
  TINY,
  U,
  type UlpSpec,
  ulpDiff,
} from "./elementwise-helpers.js";

const fx = loadFixture("elementwise_math.json");

const OPS: Record<UnaryOp, (x: Tensor) => Tensor> = {
  neg,
  abs,
  sign,
  square,
  sqrt,
  rsqrt,
  reciprocal,
  exp,
  expm1,
  log,
  log1p,
  sin,
  cos,
  tan,
  asin,
  acos,
  atan,
  sinh,
  cosh,
  tanh,
  erf,
  floor,
  ceil,
  round,
  sigmoid,
  relu,
  silu,
  gelu: (x) => gelu(x),
  geluTanh: (x) => gelu(x, { approximate: "tanh" }),
  softplus,
  conj,
  real,
  imag,
  angle,
};

/** Subnormal intermediates (exp underflow) carry an absolute error of ~2^-1074, scaled by at most |x|. */
const subnormalFloor = (x: number) => 4 * (1 + Math.abs(x)) * TINY;

/**
 * float64 tolerances, in ulps of the correctly rounded reference (see elementwise-helpers for the
 * ulp arithmetic):
 *  - 0: one correctly rounded IEEE operation or exact (neg, abs, square = x*x, sqrt, 1/x,
 *    floor / ceil / round, relu, real / conj / imag, angle = 0 or fl(pi)).
 *  - 1: V8's Math.exp/log/sin/... are fdlibm ports, documented < 1 ulp from exact, so within
 *    1 ulp of the rounded reference.
 *  - rsqrt = 1/sqrt(x): two correctly rounded operations, <= 1.5 ulp from exact -> 2.
 *  - erf: our implementation is within ~1.5 ulp of exact (Taylor series summed tail first; or
 *    1 - erfc with erfc <= 0.16 and a few-u relative error) -> 2.
 *  - sigmoid 1/(1 + e^-x) or e^x/(1 + e^x): exp (< 2u) + add + divide, condition <= 1 -> 4u -> 4.
 *  - silu = x * sigmoid: one more rounding -> 5. softplus = max(x, 0) + log1p(exp(-|x|)):
 *    exp 2u, log1p 2u (condition <= 1), a sum of same-sign terms -> 4.
 *  - gelu = x/2 erfc(-x/sqrt2): rounding of t = x/sqrt2 (<= 1.5u) is amplified by erfc's
 *    condition number 2t^2 + 1 = x^2 + 1 for x < 0, and for -sqrt2 < x < 0 erfc(t) = 1 - erf(t)
 *    loses up to a factor 1/erfc(1) = 6.4 on erf's 2 ulps -> 6 + 13 + 3 (x^2 + 1) for x < 0.
 *  - geluTanh = x/2 (1 + tanh(u)) (PyTorch's formula): for x << 0, 1 + tanh(u) cancels, so its
 *    absolute error is that of tanh (<= 2^-53) plus the rounding of u amplified by
 *    1 - tanh^2 <= 2 (1 + tanh): absolute error <= |x| 2^-52, besides 6 ulps of relative error.
 */
const F64: Record<UnaryOp, UlpSpec> = {
  neg: { ulps: 0, signedZero: true },
  abs: { ulps: 0, signedZero: true },
  sign: { ulps: 0 },
  square: { ulps: 0, signedZero: true },
  sqrt: { ulps: 0, signedZero: true },
  rsqrt: { ulps: 2 },
  reciprocal: { ulps: 0, signedZero: true },
  exp: { ulps: 1 },
  expm1: { ulps: 1, signedZero: true },
  log: { ulps: 1 },
  log1p: { ulps: 1, signedZero: true },
  sin: { ulps: 1, signedZero: true },
  cos: { ulps: 1 },
  tan: { ulps: 1, signedZero: true },
  asin: { ulps: 1, signedZero: true },
  acos: { ulps: 1 },
  atan: { ulps: 1, signedZero: true },
  sinh: { ulps: 1, signedZero: true },
  cosh: { ulps: 1 },
  tanh: { ulps: 1, signedZero: true },
  erf: { ulps: 2, signedZero: true },
  floor: { ulps: 0, signedZero: true },
  ceil: { ulps: 0, signedZero: true },
  round: { ulps: 0, signedZero: true },
  sigmoid: { ulps: 4, abs: subnormalFloor },
  relu: { ulps: 0 },
  silu: { ulps: 5, abs: subnormalFloor },
  gelu: {
    ulps: 6,
    abs: (x) =>
      (x < 0 ? (19 + 3 * (x * x + 1)) * U * Math.abs(0.5 * x * erfcApprox(-x / Math.SQRT2)) : 0) +
      subnormalFloor(x),
  },
  geluTanh: { ulps: 6, abs: (x) => Math.abs(x) * 2 ** -52 + subnormalFloor(x) },
  softplus: { ulps: 4, abs: subnormalFloor },
  conj: { ulps: 0, signedZero: true },
  real: { ulps: 0, signedZero: true },
  imag: { ulps: 0 },
  angle: { ulps: 0 },
};

/**
 * Magnitude of erfc(t) to ~10% for t > 0 (only scales gelu's tolerance): the continued fraction's
 * first convergent 2/sqrt(pi) e^-t^2 / (t + sqrt(t^2 + 2)) lies within 10% of erfc for t >= 0.
 */
function erfcApprox(t: number): number {
  if (t <= 0) return 2;
  return (1.1283791670955126 * Math.exp(-t * t)) / (t + Math.sqrt(t * t + 2)) / 0.9;
}

describe("real unary ops, float64, against correctly rounded references", () => {
  for (const op of Object.keys(OPS) as UnaryOp[]) {
    it(op, () => {
      const c = fx.unary_real[op];
      const x = decAll(c.x);
      const y = decAll(c.y);
      const out = OPS[op](tensor(Float64Array.from(x)));
      expect(out.dtype).toBe("float64");
      expectUlps(`${op} f64`, x, out.dataSync(), y, F64[op]);
    });
  }
});

describe("real unary ops, float32", () => {
  // The kernel computes in float64 and rounds once to float32. The float64 value is within a few
  // float64 ulps of exact, so its float32 rounding equals the correctly rounded float32 result
  // except when exact lies within those few float64 ulps of a float32 rounding boundary: then
  // the two differ by one float32 ulp. Hence 1 float32 ulp (plus geluTanh's cancellation term).
  for (const op of Object.keys(OPS) as UnaryOp[]) {
    it(op, () => {
      const c = fx.unary_real[op];
      const x = decAll(c.x32);
      const y = decAll(c.y32);
      const out = OPS[op](tensor(Float32Array.from(x)));
      expect(out.dtype).toBe("float32");
      const spec: UlpSpec = {
        ulps: 1,
        f32: true,
        abs: op === "geluTanh" ? (v) => Math.abs(v) * 2 ** -52 : undefined,
      };
      expectUlps(`${op} f32`, x, out.dataSync(), y, spec);
    });
  }
});

describe("erf accuracy sweep", () => {
  it("is odd and monotone on a fine grid across its switch points", () => {
    const pos: number[] = [];
    for (let i = 0; i <= 2000; i++) pos.push((7 * i) / 2000);
    const xs = [
      ...pos
        .slice(1)
        .reverse()
        .map((p) => -p),
      ...pos,
    ];
    const v = erf(tensor(Float64Array.from(xs))).dataSync();
    for (let i = 0; i < xs.length; i++) {
      expect(v[xs.length - 1 - i] + 0).toBe(-v[i] + 0); // erf(-x) = -erf(x) exactly (+0 and -0 alike)
      if (i > 0) expect(v[i]).toBeGreaterThanOrEqual(v[i - 1]);
    }
    // Continuity at the switch from the series to 1 - erfc (x = 1): neighbours differ by the
    // derivative times the step only.
    const near = erf(
      tensor(Float64Array.from([0.9999999999999999, 1, 1.0000000000000002])),
    ).dataSync();
    expect(ulpDiff(near[0], near[1])).toBeLessThanOrEqual(3);
    expect(ulpDiff(near[1], near[2])).toBeLessThanOrEqual(3);
  });
});

// ------------------------------------------------------------------------------------------------
// Complex unary ops
// ------------------------------------------------------------------------------------------------

type CUnary =
  | "neg"
  | "abs"
  | "sign"
  | "square"
  | "sqrt"
  | "rsqrt"
  | "reciprocal"
  | "exp"
  | "log"
  | "sin"
  | "cos"
  | "tan"
  | "sinh"
  | "cosh"
  | "tanh"
  | "conj"
  | "real"
  | "imag"
  | "angle";

/**
 * Conditioning of the tanh formula sinh(2a) / D, sin(2b) / D with D = cosh(2a) + cos(2b): the
 * libm errors of cosh and cos (<= 2u each, relative to their own size) perturb D by
 * 2u (cosh 2a + |cos 2b|), i.e. relatively by 2u kappa.
 */
function tanhKappa(a: number, b: number): number {
  if (Math.abs(a) > 22) return 1;
  return (
    (Math.cosh(2 * a) + Math.abs(Math.cos(2 * b))) / Math.abs(Math.cosh(2 * a) + Math.cos(2 * b))
  );
}

/**
 * Normwise tolerances |got - ref| <= k u |ref| (+ floor), from the formulas (libm results < 2u
 * relative, each further operation u):
 *  neg / conj / real / imag exact; abs = hypot and angle = atan2: 2; sign = z / hypot: 4;
 *  square (a^2 - b^2, 2ab): 2u (a^2 + b^2) + u |z^2| -> 4; sqrt (hypot, add, sqrt, divide) and
 *  reciprocal (Smith): 4; rsqrt = Smith(1 / sqrt): 8; exp, sin, cos, sinh, cosh: products of two
 *  libm values -> componentwise 5u -> 6; log: Re = log(hypot) has an absolute error 2u from
 *  hypot's relative one plus 2u |log|z||, Im = atan2 -> 4 with an absolute floor 3u;
 *  tan / tanh: numerator 2u, division u, D relatively 2u kappa + u -> 2 kappa + 6.
 */
function complexK(op: CUnary, z: number[], i: number): number {
  const a = z[2 * i];
  const b = z[2 * i + 1];
  switch (op) {
    case "neg":
    case "conj":
    case "real":
    case "imag":
      return 0;
    case "abs":
    case "angle":
      return 2;
    case "sign":
    case "square":
    case "sqrt":
    case "reciprocal":
    case "log":
      return 4;
    case "rsqrt":
      return 8;
    case "exp":
    case "sin":
    case "cos":
    case "sinh":
    case "cosh":
      return 6;
    case "tanh":
      return 2 * tanhKappa(a, b) + 6;
    case "tan":
      return 2 * tanhKappa(-b, a) + 6;
  }
}

const COPS: Record<CUnary, (x: Tensor) => Tensor> = {
  neg,
  abs,
  sign,
  square,
  sqrt,
  rsqrt,
  reciprocal,
  exp,
  log,
  sin,
  cos,
  tan,
  sinh,
  cosh,
  tanh,
  conj,
  real,
  imag,
  angle,
};

function interleavedOut(t: Tensor, realResult: boolean): number[] {
  const d = Array.from(t.dataSync());
  return realResult ? d.flatMap((v) => [v, 0]) : d;
}

describe("complex unary ops against mpmath (complex128 and complex64)", () => {
  for (const op of Object.keys(COPS) as CUnary[]) {
    it(op, () => {
      const c = fx.unary_complex[op];
      const z = decAll(c.z);
      const w = decAll(c.w);
      const out = COPS[op](tensor(Float64Array.from(z), { dtype: "complex128" }));
      expect(out.dtype).toBe(c.real_result ? "float64" : "complex128");
      const floor = op === "log" ? () => 3 * U : () => 0;
      expectComplexNormwise(
        `${op} c128`,
        interleavedOut(out, c.real_result),
        w,
        (i) => complexK(op, z, i),
        floor,
      );

      // complex64: computed in float64, each component rounded to float32 once:
      // |error| <= 2^-24 |w| (componentwise rounding) + the float64 error above.
      const z32 = decAll(c.z32);
      const w32 = decAll(c.w32);
      const out32 = COPS[op](tensor(Float32Array.from(z32), { dtype: "complex64" }));
      expect(out32.dtype).toBe(c.real_result ? "float32" : "complex64");
      expectComplexNormwise(
        `${op} c64`,
        interleavedOut(out32, c.real_result),
        w32,
        (i) => complexK(op, z32, i) + 2 ** 29,
        floor,
      );
    });
  }
});

describe("complex unary ops on the axes and branch cuts (numpy semantics)", () => {
  // Points with a zero component: numpy references. Components that numpy makes exactly zero must
  // be zero here too; the rest within the op's normwise tolerance.
  for (const op of Object.keys(COPS) as CUnary[]) {
    it(op, () => {
      const c = fx.unary_complex[op];
      const z = decAll(c.axis_z);
      const w = decAll(c.axis_w);
      const got = interleavedOut(
        COPS[op](tensor(Float64Array.from(z), { dtype: "complex128" })),
        c.real_result,
      );
      for (let i = 0; i < w.length; i++) {
        if (Number.isNaN(w[i])) expect(Number.isNaN(got[i]), `${op} element ${i >> 1}`).toBe(true);
        else if (!Number.isFinite(w[i]) || w[i] === 0) {
          // numpy computes sign as z / |z| through a complex division, which turns -0 into +0;
          // ours divides each part by |z| (C99 semantics), so only there the zero's sign differs.
          const label = `${op}(${Object.is(z[i & ~1], -0) ? "-0" : z[i & ~1]}, ${Object.is(z[i | 1], -0) ? "-0" : z[i | 1]}) component ${i & 1}`;
          if (op === "sign") expect(got[i] === w[i], label).toBe(true);
          else expect(got[i], label).toBe(w[i]);
        }
      }
      const finite = (i: number) => Number.isFinite(w[2 * i]) && Number.isFinite(w[2 * i + 1]);
      const keep = (a: number[]) => a.filter((_, j) => finite(j >> 1));
      expectComplexNormwise(`${op} axes`, keep(got), keep(w), (i) => complexK(op, keep(z), i));
    });
  }

  it("sqrt and log follow the sign of a zero imaginary part on the negative real axis", () => {
    const z = tensor(
      [
        [-4, 0],
        [-4, -0],
        [-1, 0],
        [-1, -0],
      ],
      { dtype: "complex128" },
    );
    const s = sqrt(z).dataSync();
    expect(Array.from(s.slice(0, 4))).toEqual([0, 2, 0, -2]);
    expect(Object.is(s[1], 2) && Object.is(s[3], -2)).toBe(true);
    const l = log(z).dataSync();
    expect(Array.from(l.slice(4))).toEqual([0, Math.PI, 0, -Math.PI]);
    // sqrt of -0 - 0i keeps the zero imaginary part's sign (C99 csqrt(conj z) = conj csqrt(z)).
    const s0 = sqrt(
      tensor(
        [
          [0, -0],
          [-0, 0],
        ],
        { dtype: "complex128" },
      ),
    ).dataSync();
    expect(Object.is(s0[1], -0) && Object.is(s0[3], 0)).toBe(true);
  });

  it("abs of complex values equals Math.hypot to 1 ulp, overflow and underflow ranges included", () => {
    const pairs = [
      [3, 4],
      [1e200, 1e200],
      [-1.7e308, 1e308],
      [1e-200, -3e-200],
      [5e-324, 5e-324],
      [0, -0],
      [Number.POSITIVE_INFINITY, Number.NaN],
      [Number.NaN, 1],
      [0.1, 0.7],
      [1e-160, 1e-140],
    ];
    const got = Array.from(abs(tensor(pairs, { dtype: "complex128" })).dataSync());
    pairs.forEach(([a, b], i) => {
      const want = Math.hypot(a, b);
      if (!Number.isFinite(want)) expect(got[i]).toBe(want);
      else expect(Math.abs(got[i] - want)).toBeLessThanOrEqual(2 ** -52 * want);
    });
  });

  it("sqrt does not overflow near the top of the float64 range", () => {
    // |z| + |Re z| exceeds the largest double although sqrt(z) is ~1e154.
    const z = tensor(
      [
        [1e308, 1e308],
        [-1.7e308, 1.7e308],
        [1.7e308, -1e-300],
      ],
      { dtype: "complex128" },
    );
    const got = Array.from(sqrt(z).dataSync());
    // mpmath: sqrt(1e308 + 1e308 i), sqrt(-1.7e308 + 1.7e308 i), sqrt(1.7e308)
    const ref = [
      1.09868411346781e154, 4.5508986056222734e153, 5.933645827121221e153, 1.4325088230154573e154,
      1.3038404810405297e154, -0,
    ];
    expectComplexNormwise("sqrt huge", got, ref, 4);
  });
});

describe("unary dtype rules and errors", () => {
  it("real-only ops reject complex input with a DTypeError naming the argument", () => {
    const z = tensor([[1, 2]], { dtype: "complex128" });
    for (const f of [
      erf,
      floor,
      ceil,
      round,
      expm1,
      log1p,
      asin,
      acos,
      atan,
      sigmoid,
      relu,
      silu,
      softplus,
      (t: Tensor) => gelu(t),
    ]) {
      let err: unknown;
      try {
        f(z);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DTypeError);
      expect((err as DTypeError).argument).toBe("x");
      expect((err as DTypeError).received).toBe("complex128");
    }
  });

  it("integer and bool inputs: float functions give the default float, exact ops keep int32", () => {
    const i = tensor(new Int32Array([-3, 0, 4]));
    expect(sqrt(i).dtype).toBe("float32");
    expect(Array.from(sqrt(i).dataSync()).slice(1)).toEqual([0, 2]);
    expect(neg(i).dtype).toBe("int32");
    expect(Array.from(abs(i).dataSync())).toEqual([3, 0, 4]);
    expect(Array.from(square(i).dataSync())).toEqual([9, 0, 16]);
    expect(exp(tensor([true, false])).dtype).toBe("float32");
    expect(Array.from(exp(tensor([true, false])).dataSync())).toEqual([Math.fround(Math.E), 1]);
  });

  it("complex to real ops give the matching real precision", () => {
    const z = tensor([[3, -4]], { dtype: "complex64" });
    for (const f of [abs, real, imag, angle]) expect(f(z).dtype).toBe("float32");
    expect(Array.from(abs(z).dataSync())).toEqual([5]);
    expect(Array.from(angle(z).dataSync())).toEqual([Math.fround(Math.atan2(-4, 3))]);
    expect(Array.from(conj(z).dataSync())).toEqual([3, 4]);
    expect(
      Array.from(
        sign(
          tensor(
            [
              [3, -4],
              [0, 0],
            ],
            { dtype: "complex128" },
          ),
        ).dataSync(),
      ),
    ).toEqual([0.6, -0.8, 0, 0]);
  });
});
