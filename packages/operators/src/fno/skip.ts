/**
 * The local (skip) path of a Fourier layer, named as neuraloperator's skip_connections:
 *   "linear": a kernel-1 convolution without bias, `conv.weight` [out, in, 1] (Li et al.'s W);
 *   "soft-gating": a per-channel scale, `weight` [1, in, 1, ...] initialized to ones;
 *   "identity": x itself.
 */
import { Module, Parameter } from "@modewise/nn";
import {
  type Generator,
  mul,
  ones,
  type RealFloatDType,
  type Tensor,
  ValueError,
} from "@modewise/tensor";
import { PointwiseConv } from "./channel-mlp.js";

export type SkipType = "linear" | "soft-gating" | "identity";

export class LinearSkip extends Module {
  readonly conv: PointwiseConv;
  constructor(
    inChannels: number,
    outChannels: number,
    opts: { dtype: RealFloatDType; generator?: Generator },
  ) {
    super();
    this.conv = new PointwiseConv(inChannels, outChannels, { ...opts, bias: false });
  }
  forward(x: Tensor): Tensor {
    return this.conv.forward(x);
  }
}

export class SoftGating extends Module {
  readonly weight: Parameter;
  constructor(channels: number, nDims: number, opts: { dtype: RealFloatDType }) {
    super();
    this.weight = new Parameter(
      ones([1, channels, ...new Array(nDims).fill(1)], { dtype: opts.dtype }),
    );
  }
  forward(x: Tensor): Tensor {
    return mul(x, this.weight.value);
  }
}

export class IdentitySkip extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

export function makeSkip(
  type: SkipType,
  channels: number,
  nDims: number,
  opts: { dtype: RealFloatDType; generator?: Generator },
): LinearSkip | SoftGating | IdentitySkip {
  if (type === "linear") return new LinearSkip(channels, channels, opts);
  if (type === "soft-gating") return new SoftGating(channels, nDims, opts);
  if (type === "identity") return new IdentitySkip();
  throw new ValueError("FNO", "skip", '"linear", "soft-gating" or "identity"', String(type));
}
