/**
 * Factorized spectral weights (the "TFNO" of neuraloperator / tensorly-torch): the dense
 * complex weight [in, out, ...box] is stored as a CP or Tucker decomposition and rebuilt from
 * its factors on every forward, so gradients reach the factors through the reconstruction.
 * Parameter names follow tensorly-torch: CP `weights` [rank] and `factors.j` [size_j, rank];
 * Tucker `core` [r_0, ..., r_{N-1}] and `factors.j` [size_j, r_j].
 */

import { init, Module, Parameter } from "@modewise/nn";
import {
  type ComplexDType,
  einsum,
  type Generator,
  ones,
  type Tensor,
  ValueError,
} from "@modewise/tensor";

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

export interface FactorizedWeightOptions {
  dtype: ComplexDType;
  generator?: Generator;
  /** Total standard deviation the reconstructed entries should have. */
  std: number;
}

/** CP: W = sum_r weights_r * factors_0[:, r] (x) factors_1[:, r] (x) ... */
export class CPWeight extends Module<[], Tensor> {
  readonly weights: Parameter;
  readonly factors: Parameter[];

  constructor(
    readonly shape: readonly number[],
    readonly rank: number,
    opts: FactorizedWeightOptions,
  ) {
    super();
    if (!Number.isInteger(rank) || rank < 1)
      throw new ValueError("CPWeight", "rank", "a positive integer", String(rank));
    // tensorly-torch's init: unit weights, factors N(0, (std / sqrt(rank))^(1 / order)).
    const factorStd = (opts.std / Math.sqrt(rank)) ** (1 / shape.length);
    this.weights = new Parameter(ones([rank], { dtype: opts.dtype }));
    this.factors = shape.map(
      (s) =>
        new Parameter(
          init.complexNormal([s, rank], {
            std: factorStd,
            dtype: opts.dtype,
            generator: opts.generator,
          }),
        ),
    );
  }

  /** The dense weight. */
  forward(): Tensor {
    const n = this.shape.length;
    const idx = LETTERS.slice(0, n);
    const eq = `z,${idx
      .split("")
      .map((c) => `${c}z`)
      .join(",")}->${idx}`;
    return einsum(eq, this.weights.value, ...this.factors.map((f) => f.value));
  }
}

/** Tucker: W = core x_0 factors_0 x_1 factors_1 ... */
export class TuckerWeight extends Module<[], Tensor> {
  readonly core: Parameter;
  readonly factors: Parameter[];
  readonly ranks: number[];

  constructor(
    readonly shape: readonly number[],
    rank: number | readonly number[],
    opts: FactorizedWeightOptions,
  ) {
    super();
    const ranks = typeof rank === "number" ? shape.map((s) => Math.min(s, rank)) : rank.slice();
    if (ranks.length !== shape.length || !ranks.every((r) => Number.isInteger(r) && r >= 1))
      throw new ValueError(
        "TuckerWeight",
        "rank",
        `a positive integer or ${shape.length} positive integers`,
        JSON.stringify(rank),
      );
    this.ranks = ranks;
    // tensorly-torch's init: core and factors N(0, (std / prod sqrt(r))^(1 / (order + 1))).
    const r = ranks.reduce((a, b) => a * Math.sqrt(b), 1);
    const s = (opts.std / r) ** (1 / (shape.length + 1));
    const g = { std: s, dtype: opts.dtype, generator: opts.generator };
    this.core = new Parameter(init.complexNormal(ranks, g));
    this.factors = shape.map((n, i) => new Parameter(init.complexNormal([n, ranks[i]], g)));
  }

  forward(): Tensor {
    const n = this.shape.length;
    const out = LETTERS.slice(0, n);
    const core = LETTERS.slice(n, 2 * n);
    const eq = `${core},${out
      .split("")
      .map((c, i) => c + core[i])
      .join(",")}->${out}`;
    return einsum(eq, this.core.value, ...this.factors.map((f) => f.value));
  }
}
