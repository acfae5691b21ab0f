/**
 * Student's t quantile for the confidence intervals of the replicated cubature.
 *
 * CDF: for t >= 0, P(T <= t) = 1 - I_x(nu/2, 1/2) / 2 with x = nu / (nu + t^2), I the
 * regularized incomplete beta function, evaluated by its continued fraction (modified Lentz),
 * which converges fast for x < (a+1)/(a+b+2) and otherwise through the symmetry
 * I_x(a,b) = 1 - I_{1-x}(b,a). ln Gamma by the Lanczos approximation (g = 7, 9 terms,
 * relative error < 1e-15 for positive arguments). The quantile inverts the monotone CDF by
 * bisection to full double precision (only called once per cubature, so speed is irrelevant).
 */
import { ValueError } from "@modewise/tensor";
import { showValue } from "../discrepancy/show-value.js";

/** nu must be a finite positive number (the CDF is undefined otherwise). */
function checkDegreesOfFreedom(fn: string, nu: number): void {
  if (typeof nu !== "number" || !(nu > 0 && Number.isFinite(nu)))
    throw new ValueError(fn, "nu", "a finite number of degrees of freedom > 0", showValue(nu));
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Gamma(z) for z > 0. */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), 0 <= x <= 1, a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x),
  );
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T <= t) for Student's t with nu degrees of freedom. */
export function studentTCdf(t: number, nu: number): number {
  checkDegreesOfFreedom("studentTCdf", nu);
  if (typeof t !== "number" || Number.isNaN(t))
    throw new ValueError("studentTCdf", "t", "a number (+-Infinity allowed)", showValue(t));
  const tail = 0.5 * incompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/**
 * The p-quantile (0 < p < 1) of Student's t with nu > 0 degrees of freedom. The bisection
 * below needs p >= 1/2; lower quantiles follow from the symmetry q(p) = -q(1 - p). p outside
 * (0, 1) has no finite quantile (and p > 1 would make the bracketing loop run forever), so it
 * is a ValueError, as are NaN and nu <= 0.
 */
export function studentTQuantile(p: number, nu: number): number {
  checkDegreesOfFreedom("studentTQuantile", nu);
  if (typeof p !== "number" || !(p > 0 && p < 1))
    throw new ValueError("studentTQuantile", "p", "a probability in (0, 1)", showValue(p));
  if (p < 0.5) return -studentTQuantile(1 - p, nu);
  // The median: bisection's relative stopping rule would only creep towards 0 (1e-61).
  if (p === 0.5) return 0;
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, nu) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
