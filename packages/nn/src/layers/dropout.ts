/** Dropout with a reproducible random stream. */
import {
  astype,
  defaultGenerator,
  type Generator,
  less,
  mul,
  type Tensor,
  tidy,
} from "@modewise/tensor";
import { Module } from "../module.js";
import { checkRange, realDTypeOf } from "../util.js";

/**
 * torch.nn.functional.dropout: in training, zero each element with probability p and scale the
 * survivors by 1 / (1 - p) (so the expectation is unchanged); p = 1 gives zeros. The mask is
 * drawn from `generator` (uniforms u, kept where u < 1 - p).
 */
export function dropout(
  x: Tensor,
  p: number,
  generator: Generator = defaultGenerator(),
  training = true,
): Tensor {
  checkRange("dropout", "p", p, 0, 1);
  if (!training || p === 0) return x;
  return tidy(() => {
    const dtype = realDTypeOf(x.dtype);
    if (p === 1) return mul(x, 0);
    const u = generator.uniform(x.shape as number[], { dtype, device: x.device });
    const mask = mul(astype(less(u, 1 - p), dtype), 1 / (1 - p));
    return mul(x, mask);
  });
}

/** torch.nn.Dropout. Identity in eval mode. */
export class Dropout extends Module {
  /** The random stream; when not given, the default generator at call time (see `manualSeed`). */
  private readonly _generator: Generator | undefined;

  constructor(
    readonly p = 0.5,
    opts: { generator?: Generator } = {},
  ) {
    super();
    checkRange("Dropout", "p", p, 0, 1);
    this._generator = opts.generator;
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this._generator ?? defaultGenerator(), this.training);
  }
}
