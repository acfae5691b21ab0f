/**
 * Product kernels for fast kernel methods with QMC points (Sorokin 2025, "Fast Gaussian process
 * regression / kernel interpolation with QMC"):
 *
 *   K(x, z) = S prod_j (1 + gamma_j Ktilde_{alpha_j}(delta_j))
 *
 * ShiftInvariantKernel: delta_j = (x_j - z_j) mod 1, Bernoulli factors (bernoulli.ts); its Gram
 *   matrix on a rank-1 lattice in natural order is diagonalized by fftbr.
 * DigitalShiftInvariantKernel: delta_j = x_j XOR z_j, Walsh factors (walsh-factors.ts); its Gram
 *   matrix on a base-2 digital net in natural order is diagonalized by the FWHT.
 * S > 0 is the scale, gamma_j > 0 the product weights (QMCPy's "lengthscales").
 */
import { ValueError } from "@modewise/tensor";
import { showValue } from "../discrepancy/show-value.js";
import { shiftInvariantFactor } from "./bernoulli.js";
import { xorDigits } from "./binary-digits.js";
import { walshFactor } from "./walsh-factors.js";

export interface ProductKernelOptions {
  /** Smoothness per dimension or for all: 1..4 (shift-invariant), 1..3 (digital). Default 2. */
  alpha?: number | readonly number[];
  /** Product weights gamma_j > 0 (default 1). */
  weights?: number | readonly number[];
  /** Scale S > 0 (default 1). */
  scale?: number;
}

export type KernelKind = "shift-invariant" | "digital-shift-invariant";

function perDimension(
  fn: string,
  name: string,
  v: number | readonly number[],
  dim: number,
  ok: (x: number) => boolean,
  expected: string,
): Float64Array {
  const out = new Float64Array(dim);
  if (typeof v === "number") out.fill(v);
  else if (Array.isArray(v) && v.length === dim) out.set(v);
  else throw new ValueError(fn, name, `a number or ${dim} numbers`, showValue(v));
  for (const x of out) if (!ok(x)) throw new ValueError(fn, name, expected, showValue(x));
  return out;
}

abstract class ProductKernel {
  readonly alpha: Float64Array;
  readonly weights: Float64Array;
  readonly scale: number;
  abstract readonly kind: KernelKind;

  constructor(
    fn: string,
    readonly dim: number,
    options: ProductKernelOptions,
    maxAlpha: number,
  ) {
    if (!Number.isInteger(dim) || dim < 1)
      throw new ValueError(fn, "dim", "a positive integer", showValue(dim));
    this.alpha = perDimension(
      fn,
      "alpha",
      options.alpha ?? 2,
      dim,
      (a) => Number.isInteger(a) && a >= 1 && a <= maxAlpha,
      `integers in 1..${maxAlpha}`,
    );
    this.weights = perDimension(
      fn,
      "weights",
      options.weights ?? 1,
      dim,
      (g) => g > 0 && Number.isFinite(g),
      "finite numbers > 0",
    );
    this.scale = options.scale ?? 1;
    if (!(this.scale > 0 && Number.isFinite(this.scale)))
      throw new ValueError(fn, "scale", "a finite number > 0", showValue(this.scale));
  }

  /** The 1-D factor Ktilde_{alpha_j}(delta) of dimension j. */
  protected abstract factor(j: number, delta: number): number;
  /** delta_j of two coordinates. */
  abstract difference(xj: number, zj: number): number;

  /** K(x, z) for rows x[xOffset..xOffset+dim) and z[zOffset..). */
  at(x: ArrayLike<number>, z: ArrayLike<number>, xOffset = 0, zOffset = 0): number {
    let k = this.scale;
    for (let j = 0; j < this.dim; j++)
      k *= 1 + this.weights[j] * this.factor(j, this.difference(x[xOffset + j], z[zOffset + j]));
    return k;
  }
}

export class ShiftInvariantKernel extends ProductKernel {
  readonly kind = "shift-invariant" as const;
  constructor(dim: number, options: ProductKernelOptions = {}) {
    super("ShiftInvariantKernel", dim, options, 4);
  }
  protected factor(j: number, delta: number): number {
    return shiftInvariantFactor(this.alpha[j], delta);
  }
  difference(xj: number, zj: number): number {
    const d = xj - zj;
    return d - Math.floor(d);
  }
}

export class DigitalShiftInvariantKernel extends ProductKernel {
  readonly kind = "digital-shift-invariant" as const;
  constructor(dim: number, options: ProductKernelOptions = {}) {
    super("DigitalShiftInvariantKernel", dim, options, 3);
  }
  protected factor(j: number, delta: number): number {
    return walshFactor(this.alpha[j], delta);
  }
  difference(xj: number, zj: number): number {
    return xorDigits(xj, zj);
  }
}

export type QMCKernel = ShiftInvariantKernel | DigitalShiftInvariantKernel;
