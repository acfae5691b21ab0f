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

/** Coefficients of erf(x) = 2/sqrt(pi) * x * (1 + sum_n (-x^2)^n / (n! (2n+1))), n = 1..24. */
const ERF_TAYLOR = (() => {
  const c = new Float64Array(25);
  let factorial = 1;
  for (let n = 1; n < c.length; n++) {
    factorial *= n;
    c[n] = (n % 2 === 1 ? -1 : 1) / (factorial * (2 * n + 1));
  }
  return c;
})();

/**
 * erf for |x| < 1: the Taylor series in Horner form (terms alternate but |sum| > |terms| / 1.7,
 * so there is no real cancellation), with the leading x added last so that the small tail's
 * rounding errors do not accumulate in the result: within about 1 ulp.
 */
function erfSmall(x: number): number {
  if (x === 0) return x; // keeps the sign of zero
  const y = x * x;
  let t = ERF_TAYLOR[ERF_TAYLOR.length - 1];
  for (let n = ERF_TAYLOR.length - 2; n >= 1; n--) t = ERF_TAYLOR[n] + y * t;
  return TWO_OVER_SQRT_PI * (x + x * (y * t));
}

const SPLIT = 134217729; // 2^27 + 1 (Dekker's splitter)

/** exp(-x^2) with x^2 carried as an exact hi + lo pair, so the rounding of x^2 costs nothing. */
function expNegSquare(x: number): number {
  const hi = x * x;
  const s = SPLIT * x;
  const xh = s - (s - x);
  const xl = x - xh;
  const lo = xh * xh - hi + 2 * xh * xl + xl * xl;
  return Math.exp(-hi) * (1 - lo);
}

/**
 * erfc(x) for x >= 1 from the even contraction of Laplace's continued fraction,
 * erfc(x) = 2x exp(-x^2) / sqrt(pi) / (2x^2 + 1 - 1*2 / (2x^2 + 5 - 3*4 / (2x^2 + 9 - ...))),
 * evaluated backwards (stable) to a depth that reaches 2^-60 relative truncation error
 * (depth 140 / x^2 + 8, checked against mpmath for x in [1, 27]).
 */
function erfcLarge(x: number): number {
  const depth = Math.ceil(140 / (x * x)) + 8;
  const s = 2 * x * x;
  let v = s + 4 * depth + 1;
  for (let k = depth - 1; k >= 0; k--) v = s + 4 * k + 1 - ((2 * k + 1) * (2 * k + 2)) / v;
  return (TWO_OVER_SQRT_PI * x * expNegSquare(x)) / v;
}

/**
 * erf to within 2 ulps in float64: the Taylor series below 1, 1 - erfc(|x|) above (erfc <= 0.16
 * there, so its few-ulp relative error shrinks in the difference). |x| >= 6 rounds to +-1.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 1) return erfSmall(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const c = erfcLarge(ax);
  return x > 0 ? 1 - c : c - 1;
}

/** erfc(x) = 1 - erf(x) with relative accuracy in the right tail (0 past 27.3, 2 below -6 in float64). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x >= 27.3) return 0;
  if (x >= 1) return erfcLarge(x);
  if (x > -1) return 1 - erfSmall(x);
  return x > -6 ? 2 - erfcLarge(-x) : 2;
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
  // x Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2: no cancellation for x << 0 (1 + erf would lose it all).
  gelu: (x) => 0.5 * x * erfc(-x * SQRT1_2),
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
  gelu: (x) => 0.5 * erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
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

export type ComplexUnaryFn = (
  re: number,
  im: number,
  out: Float32Array | Float64Array,
  o: number,
) => void;

/** x * 2^k, in steps so that 2^k itself never overflows (rounds at most once, at the end). */
function scaleBy2(x: number, k: number): number {
  for (; k > 1000; k -= 1000) x *= 2 ** 1000;
  for (; k < -1000; k += 1000) x *= 2 ** -1000;
  return x * 2 ** k;
}

const SCALE_HI = 2 ** 500;
const SCALE_LO = 2 ** -500;

/**
 * (a + ib) / (c + id) without needless overflow or underflow: Smith's algorithm, after scaling
 * dividend and divisor by powers of two (exact) when either is outside [2^-500, 2^500], where
 * Smith's intermediates (a + b r, c + d r) could overflow or lose bits to underflow (for example
 * 2^1023 (1 + i) / (1 + i), or subnormal divisors).
 */
export function complexDivide(
  a: number,
  b: number,
  c: number,
  d: number,
  out: Float32Array | Float64Array,
  o: number,
): void {
  const ab = Math.max(Math.abs(a), Math.abs(b));
  const cd = Math.max(Math.abs(c), Math.abs(d));
  if (
    ab > 0 &&
    cd > 0 &&
    ab < Infinity &&
    cd < Infinity &&
    (ab > SCALE_HI || ab < SCALE_LO || cd > SCALE_HI || cd < SCALE_LO)
  ) {
    const ea = Math.floor(Math.log2(ab));
    const ec = Math.floor(Math.log2(cd));
    smithDivide(scaleBy2(a, -ea), scaleBy2(b, -ea), scaleBy2(c, -ec), scaleBy2(d, -ec), out, o);
    out[o] = scaleBy2(out[o], ea - ec);
    out[o + 1] = scaleBy2(out[o + 1], ea - ec);
    return;
  }
  smithDivide(a, b, c, d, out, o);
}

/** Smith's algorithm (1962): divide through by the larger of |c|, |d|. */
function smithDivide(
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
  const m = Math.max(Math.abs(re), Math.abs(im));
  if (m > 1e307 && m < Infinity) {
    // |z| + |re| would overflow: sqrt(z) = 2 sqrt(z / 4), both scalings exact.
    complexSqrt(re / 4, im / 4, out, o);
    out[o] *= 2;
    out[o + 1] *= 2;
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
