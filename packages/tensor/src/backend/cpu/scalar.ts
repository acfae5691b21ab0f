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
 * Coefficients of erf(x) = 2/sqrt(pi) * x * (1 + sum_n (-x^2)^n / (n! (2n+1))), n = 1..18: for
 * |x| < 1 the first omitted term is below 1 / (19! 39) < 2^-61 of the sum.
 */
const ERF_TAYLOR = (() => {
  const c = new Float64Array(19);
  let factorial = 1;
  for (let n = 1; n < c.length; n++) {
    factorial *= n;
    c[n] = (n % 2 === 1 ? -1 : 1) / (factorial * (2 * n + 1));
  }
  return c;
})();

/**
 * erf for |x| < 1: the Taylor series (terms alternate but |sum| > |terms| / 1.7, so there is no
 * real cancellation), with the leading x added last so that the small tail's rounding errors do
 * not accumulate in the result: within about 1 ulp. The tail polynomial in y = x^2 is evaluated
 * by Estrin's scheme (pairs, then pairs of pairs with y^2, y^4, y^8): a Horner chain of 17
 * dependent multiply-adds made this latency-bound, and GELU evaluates it per element.
 */
function erfSmall(x: number): number {
  if (x === 0) return x; // keeps the sign of zero
  const c = ERF_TAYLOR;
  const y = x * x;
  const y2 = y * y;
  const y4 = y2 * y2;
  const y8 = y4 * y4;
  const q0 = c[1] + c[2] * y + (c[3] + c[4] * y) * y2;
  const q1 = c[5] + c[6] * y + (c[7] + c[8] * y) * y2;
  const q2 = c[9] + c[10] * y + (c[11] + c[12] * y) * y2;
  const q3 = c[13] + c[14] * y + (c[15] + c[16] * y) * y2;
  const t = q0 + q1 * y4 + (q2 + q3 * y4) * y8 + (c[17] + c[18] * y) * (y8 * y8);
  return TWO_OVER_SQRT_PI * (x + x * (y * t));
}

const SPLIT = 134217729; // 2^27 + 1 (Dekker's splitter)

// exp(-y) for 0 <= y <= 36 as exp(-k / 128) (a table of Math.exp values, < 1 ulp each) times
// exp(-r), 0 <= r = y - k / 128 < 1/128 (exact: k / 128 is a multiple of y's own ulp), from its
// Taylor series to r^6 (the first omitted term r^7 / 7! < 2^-61): within ~1.5 ulp in all. Math.exp
// costs twice GELU's whole erf series; GELU and its derivative need exp(-x^2) per element.
const EXP_STEPS = 128;
const EXP_NEG_MAX = 36;
const EXP_NEG_TABLE = (() => {
  const t = new Float64Array(EXP_NEG_MAX * EXP_STEPS + 2);
  for (let k = 0; k < t.length; k++) t[k] = Math.exp(-k / EXP_STEPS);
  return t;
})();

/** exp(-y) for 0 <= y <= 36 (EXP_NEG_MAX): table and a short series; Math.exp elsewhere. */
function expNeg(y: number): number {
  if (!(y >= 0 && y <= EXP_NEG_MAX)) return Math.exp(-y);
  const k = Math.floor(y * EXP_STEPS);
  const r = y - k * (1 / EXP_STEPS);
  const p = 1 - r * (1 - r * (1 / 2 - r * (1 / 6 - r * (1 / 24 - r * (1 / 120 - r * (1 / 720))))));
  return EXP_NEG_TABLE[k] * p;
}

/** exp(-x^2) with x^2 carried as an exact hi + lo pair, so the rounding of x^2 costs nothing. */
function expNegSquare(x: number): number {
  const hi = x * x;
  const s = SPLIT * x;
  const xh = s - (s - x);
  const xl = x - xh;
  const lo = xh * xh - hi + 2 * xh * xl + xl * xl;
  return expNeg(hi) * (1 - lo);
}

/**
 * erfc(x) exp(x^2) for x >= 1 from the even contraction of Laplace's continued fraction,
 * erfc(x) = 2x exp(-x^2) / sqrt(pi) / (2x^2 + 1 - 1*2 / (2x^2 + 5 - 3*4 / (2x^2 + 9 - ...))),
 * evaluated backwards (stable) to a depth that reaches 2^-60 relative truncation error
 * (depth 140 / x^2 + 8, checked against mpmath for x in [1, 27]). Accurate (no exp, no
 * cancellation) but up to ~150 divisions: it builds the table below and serves x >= 6.
 */
function scaledErfcFraction(x: number): number {
  const depth = Math.ceil(140 / (x * x)) + 8;
  const s = 2 * x * x;
  let v = s + 4 * depth + 1;
  for (let k = depth - 1; k >= 0; k--) v = s + 4 * k + 1 - ((2 * k + 1) * (2 * k + 2)) / v;
  return (TWO_OVER_SQRT_PI * x) / v;
}

// erfc(x) exp(x^2) is smooth and slowly varying on [1, 6]: on each of 20 pieces of width 1/4 its
// Chebyshev interpolant of 11 terms is exact to round-off (the last coefficients are < 2^-60 of
// the first). The table is built once from the continued fraction above, so erfc costs a short
// Clenshaw recurrence and one exp instead of a deep continued fraction (GELU calls it per element).
const ERFC_TABLE_LO = 1;
const ERFC_TABLE_HI = 6;
const ERFC_PIECE = 0.25;
const ERFC_TERMS = 11;
const ERFC_TABLE = (() => {
  const pieces = Math.round((ERFC_TABLE_HI - ERFC_TABLE_LO) / ERFC_PIECE);
  const table = new Float64Array(pieces * ERFC_TERMS);
  const n = ERFC_TERMS;
  const values = new Float64Array(n);
  for (let p = 0; p < pieces; p++) {
    const mid = ERFC_TABLE_LO + (p + 0.5) * ERFC_PIECE;
    for (let k = 0; k < n; k++) {
      values[k] = scaledErfcFraction(mid + 0.5 * ERFC_PIECE * Math.cos((Math.PI * (k + 0.5)) / n));
    }
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += values[k] * Math.cos((Math.PI * j * (k + 0.5)) / n);
      table[p * n + j] = ((j === 0 ? 1 : 2) * sum) / n;
    }
  }
  return table;
})();

/** erfc(x) exp(x^2) for 1 <= x < 6 from the table: one short Clenshaw recurrence. */
function scaledErfcTable(x: number): number {
  const piece = Math.floor((x - ERFC_TABLE_LO) * (1 / ERFC_PIECE));
  const u = (x - ERFC_TABLE_LO - (piece + 0.5) * ERFC_PIECE) * (2 / ERFC_PIECE);
  const c = ERFC_TABLE;
  const o = piece * ERFC_TERMS;
  let b1 = 0;
  let b2 = 0;
  for (let k = ERFC_TERMS - 1; k >= 1; k--) {
    const b = c[o + k] + 2 * u * b1 - b2;
    b2 = b1;
    b1 = b;
  }
  return c[o] + u * b1 - b2;
}

/** erfc(x) for x >= 1 (relative error a few ulps): table below 6, the fraction above. */
function erfcLarge(x: number): number {
  const h = x >= ERFC_TABLE_HI ? scaledErfcFraction(x) : scaledErfcTable(x);
  return h * expNegSquare(x);
}

/**
 * erf to within a few ulps in float64: the Taylor series below 1, 1 - erfc(|x|) above (erfc <=
 * 0.16 there, so its few-ulp relative error shrinks in the difference). |x| >= 6 rounds to +-1.
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
  if (x >= 27.3) return 0;
  if (x >= 1) return erfcLarge(x);
  if (x > -1) return 1 - erfSmall(x);
  if (x > -6) return 2 - erfcLarge(-x);
  return Number.isNaN(x) ? x : 2;
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

/** Exact GELU x Phi(x), Phi(x) = erfc(-x / sqrt 2) / 2: no cancellation for x << 0 (1 + erf would lose it all). */
export function gelu(x: number): number {
  return 0.5 * x * erfc(-x * SQRT1_2);
}

/**
 * GELU'(x) = Phi(x) + x phi(x). Where Phi comes from the table (1 <= |x| / sqrt 2 < 6), both terms
 * share one exponential: erfc(t) = h(t) exp(-t^2) and phi(x) = exp(-t^2) / sqrt(2 pi), t = x / sqrt 2.
 */
export function geluDerivative(x: number): number {
  const t = -x * SQRT1_2;
  const at = Math.abs(t);
  if (at >= 1 && at < ERFC_TABLE_HI) {
    const e = expNegSquare(at);
    const tail = 0.5 * scaledErfcTable(at) * e; // Phi(-|x|)
    return (t > 0 ? tail : 1 - tail) + x * INV_SQRT_2PI * e;
  }
  return 0.5 * erfc(t) + x * INV_SQRT_2PI * expNeg(0.5 * x * x);
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
  gelu,
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
  gelu: geluDerivative,
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
