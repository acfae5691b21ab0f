/**
 * Scalar math shared by the CPU kernels: functions JS lacks (erf, round-half-even), the real
 * activations and their derivatives, and careful complex arithmetic (Smith's division,
 * principal square root, overflow-safe tanh).
 */
import type { UnaryOp } from "../../kernels.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_2_OVER_PI = 0.7978845608028654;
const GELU_C = 0.044715;

/**
 * erf to full double precision. For |x| < 2.5 the series
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))
 * has only positive terms (no cancellation); beyond, erfc by its continued fraction (modified
 * Lentz), which converges quickly for x >= 2.5. |x| >= 6 rounds to +-1 in double.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) <= Math.abs(sum) * 1e-17) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  const c = erfcContinuedFraction(ax);
  return x > 0 ? 1 - c : c - 1;
}

/** erfc(x) for x >= 2.5: exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))). */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  // f = x + K(a_n / x) with a_n = n/2.
  let f = x;
  let C = f;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    D = x + a * D;
    if (D === 0) D = tiny;
    C = x + a / C;
    if (C === 0) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** numpy's rounding: half to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r === 0 ? 0 * x : r;
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + exp(x)) without overflow. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
}

/** Real unary functions. */
export const REAL_UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  square: (x) => x * x,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  exp: Math.exp,
  expm1: Math.expm1,
  log: Math.log,
  log1p: Math.log1p,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  sigmoid,
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  silu: (x) => x * sigmoid(x),
  gelu: (x) => 0.5 * x * (1 + erf(x * SQRT1_2)),
  geluTanh,
  softplus,
  conj: (x) => x,
  real: (x) => x,
  imag: () => 0,
  angle: (x) => Math.atan2(0, x),
};

/** f'(x) of each real unary function (0 where the function is piecewise constant). */
export const REAL_DERIVATIVE: Record<UnaryOp, (x: number) => number> = {
  neg: () => -1,
  abs: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  sign: () => 0,
  square: (x) => 2 * x,
  sqrt: (x) => 0.5 / Math.sqrt(x),
  rsqrt: (x) => -0.5 / (x * Math.sqrt(x)),
  reciprocal: (x) => -1 / (x * x),
  exp: Math.exp,
  expm1: Math.exp,
  log: (x) => 1 / x,
  log1p: (x) => 1 / (1 + x),
  sin: Math.cos,
  cos: (x) => -Math.sin(x),
  tan: (x) => {
    const c = Math.cos(x);
    return 1 / (c * c);
  },
  asin: (x) => 1 / Math.sqrt(1 - x * x),
  acos: (x) => -1 / Math.sqrt(1 - x * x),
  atan: (x) => 1 / (1 + x * x),
  sinh: Math.cosh,
  cosh: Math.sinh,
  tanh: (x) => {
    const t = Math.tanh(x);
    return 1 - t * t;
  },
  erf: (x) => TWO_OVER_SQRT_PI * Math.exp(-x * x),
  floor: () => 0,
  ceil: () => 0,
  round: () => 0,
  sigmoid: (x) => {
    const s = sigmoid(x);
    return s * (1 - s);
  },
  relu: (x) => (x > 0 ? 1 : 0),
  silu: (x) => {
    const s = sigmoid(x);
    return s * (1 + x * (1 - s));
  },
  gelu: (x) => 0.5 * (1 + erf(x * SQRT1_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
  geluTanh: (x) => {
    const u = SQRT_2_OVER_PI * (x + GELU_C * x * x * x);
    const t = Math.tanh(u);
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_C * x * x);
  },
  softplus: sigmoid,
  conj: () => 1,
  real: () => 1,
  imag: () => 0,
  angle: () => 0,
};

// ---- complex scalars: results written to out[o], out[o + 1] ------------------------------------

export type ComplexUnaryFn = (re: number, im: number, out: Float32Array | Float64Array, o: number) => void;

/** Smith's algorithm: (a + ib) / (c + id) without needless overflow or underflow. */
export function complexDivide(
  a: number,
  b: number,
  c: number,
  d: number,
  out: Float32Array | Float64Array,
  o: number,
): void {
  if (Math.abs(c) >= Math.abs(d)) {
    if (c === 0 && d === 0) {
      out[o] = a / 0;
      out[o + 1] = b / 0;
      return;
    }
    const r = d / c;
    const den = c + d * r;
    out[o] = (a + b * r) / den;
    out[o + 1] = (b - a * r) / den;
  } else {
    const r = c / d;
    const den = c * r + d;
    out[o] = (a * r + b) / den;
    out[o + 1] = (b * r - a) / den;
  }
}

function complexSqrt(re: number, im: number, out: Float32Array | Float64Array, o: number): void {
  if (re === 0 && im === 0) {
    out[o] = 0;
    out[o + 1] = im;
    return;
  }
  const r = Math.hypot(re, im);
  if (re >= 0) {
    const t = Math.sqrt((r + re) / 2);
    out[o] = t;
    out[o + 1] = im / (2 * t);
  } else {
    const t = Math.sqrt((r - re) / 2);
    out[o] = Math.abs(im) / (2 * t);
    out[o + 1] = im < 0 || Object.is(im, -0) ? -t : t;
  }
}

function complexTanh(re: number, im: number, out: Float32Array | Float64Array, o: number): void {
  if (Math.abs(re) > 22) {
    // tanh(z) -> sign(re) with an exponentially small imaginary part.
    out[o] = Math.sign(re);
    out[o + 1] = 4 * Math.sin(im) * Math.cos(im) * Math.exp(-2 * Math.abs(re));
    return;
  }
  const den = Math.cosh(2 * re) + Math.cos(2 * im);
  out[o] = Math.sinh(2 * re) / den;
  out[o + 1] = Math.sin(2 * im) / den;
}

const scratch = new Float64Array(2);

export const COMPLEX_UNARY: Partial<Record<UnaryOp, ComplexUnaryFn>> = {
  neg: (a, b, out, o) => {
    out[o] = -a;
    out[o + 1] = -b;
  },
  conj: (a, b, out, o) => {
    out[o] = a;
    out[o + 1] = -b;
  },
  square: (a, b, out, o) => {
    out[o] = a * a - b * b;
    out[o + 1] = 2 * a * b;
  },
  sign: (a, b, out, o) => {
    const r = Math.hypot(a, b);
    out[o] = r === 0 ? 0 : a / r;
    out[o + 1] = r === 0 ? 0 : b / r;
  },
  sqrt: complexSqrt,
  rsqrt: (a, b, out, o) => {
    complexSqrt(a, b, scratch, 0);
    complexDivide(1, 0, scratch[0], scratch[1], out, o);
  },
  reciprocal: (a, b, out, o) => complexDivide(1, 0, a, b, out, o),
  exp: (a, b, out, o) => {
    const e = Math.exp(a);
    out[o] = b === 0 ? e : e * Math.cos(b);
    out[o + 1] = b === 0 ? b : e * Math.sin(b);
  },
  log: (a, b, out, o) => {
    out[o] = Math.log(Math.hypot(a, b));
    out[o + 1] = Math.atan2(b, a);
  },
  sin: (a, b, out, o) => {
    out[o] = Math.sin(a) * Math.cosh(b);
    out[o + 1] = Math.cos(a) * Math.sinh(b);
  },
  cos: (a, b, out, o) => {
    out[o] = Math.cos(a) * Math.cosh(b);
    out[o + 1] = -Math.sin(a) * Math.sinh(b);
  },
  tan: (a, b, out, o) => {
    // tan(z) = -i tanh(iz), iz = -b + ia.
    complexTanh(-b, a, scratch, 0);
    out[o] = scratch[1];
    out[o + 1] = -scratch[0];
  },
  sinh: (a, b, out, o) => {
    out[o] = Math.sinh(a) * Math.cos(b);
    out[o + 1] = Math.cosh(a) * Math.sin(b);
  },
  cosh: (a, b, out, o) => {
    out[o] = Math.cosh(a) * Math.cos(b);
    out[o + 1] = Math.sinh(a) * Math.sin(b);
  },
  tanh: complexTanh,
};

/** Unary ops that map a complex input to a real output. */
export const COMPLEX_TO_REAL: Partial<Record<UnaryOp, (re: number, im: number) => number>> = {
  abs: Math.hypot,
  real: (a) => a,
  imag: (_a, b) => b,
  angle: (a, b) => Math.atan2(b, a),
};
