/**
 * The one-dimensional factor of the shift-invariant kernels (Korobov-space reproducing kernels):
 *
 *   Ktilde_alpha(x) = (-1)^(alpha+1) (2 pi)^(2 alpha) / (2 alpha)! B_{2 alpha}(x mod 1)
 *                   = 2 sum_{h >= 1} cos(2 pi h x) / h^(2 alpha),
 *
 * B_k the Bernoulli polynomials. The Fourier series shows it is positive definite, periodic and
 * has mean 0; smoothness alpha = 1..4 (QMCPy's KernelShiftInvar, Kaarnioja, Kuo & Sloan 2022).
 * Bernoulli polynomials are evaluated in Horner form on x in [0, 1).
 */

/** B_{2 alpha}(x) for alpha = 1..4. */
export function bernoulliEven(alpha: number, x: number): number {
  const x2 = x * x;
  switch (alpha) {
    case 1: // x^2 - x + 1/6
      return x2 - x + 1 / 6;
    case 2: // x^4 - 2x^3 + x^2 - 1/30
      return x2 * (x2 - 2 * x + 1) - 1 / 30;
    case 3: // x^6 - 3x^5 + 5/2 x^4 - 1/2 x^2 + 1/42
      return x2 * (x2 * (x2 - 3 * x + 2.5) - 0.5) + 1 / 42;
    case 4: // x^8 - 4x^7 + 14/3 x^6 - 7/3 x^4 + 2/3 x^2 - 1/30
      return x2 * (x2 * (x2 * (x2 - 4 * x + 14 / 3) - 7 / 3) + 2 / 3) - 1 / 30;
    default:
      throw new RangeError(`bernoulliEven: alpha ${alpha} not in 1..4`);
  }
}

/** (-1)^(alpha+1) (2 pi)^(2 alpha) / (2 alpha)! for alpha = 1..4. */
export function shiftInvariantCoefficient(alpha: number): number {
  let factorial = 1;
  for (let k = 2; k <= 2 * alpha; k++) factorial *= k;
  return ((alpha % 2 === 1 ? 1 : -1) * (2 * Math.PI) ** (2 * alpha)) / factorial;
}

/** Ktilde_alpha(delta) for delta in [0, 1). */
export function shiftInvariantFactor(alpha: number, delta: number): number {
  return shiftInvariantCoefficient(alpha) * bernoulliEven(alpha, delta);
}
