/**
 * The AFNO network (Guibas et al. 2021; FourCastNet's backbone) for fields on a grid:
 *
 *   x [b, in, H, W] -> patches of p x p (p = 1: pointwise) -> Linear embedding to C channels
 *   -> L layers, each   u = x;  x = AFNOBlock(LayerNorm(x)) + u;        (token mixing)
 *                       u = x;  x = MLP(LayerNorm(x)) + u               (channel mixing)
 *   -> Linear head to p * p * out values per token -> un-patch -> [b, out, H, W].
 *
 * Tokens are kept channel-last ([b, h, w, C]) inside, so LayerNorm, the MLP and the head act on
 * the last axis without transposes; only the spectral mixer regroups channels into blocks. No
 * positional embedding: the mixer is a convolution in disguise (translation-equivariant), which
 * suits the periodic problems this package targets, and lets the model run on any grid
 * divisible by the patch size.
 */
import { type ActivationName, LayerNorm, Linear, MLP, Module } from "@modewise/nn";
import { add, permute, reshape, type Tensor, tidy } from "@modewise/tensor";
import {
  checkGridDivisible,
  checkInput4d,
  checkInt,
  checkModelChannels,
  checkModelTail,
  checkNumber,
  type Generator,
  type RealFloatDType,
} from "../t1/validate.js";
import { AFNOBlock } from "./afno-block.js";

export interface AFNOOptions {
  inChannels: number;
  outChannels: number;
  /** Embedding channels C (default 32; divisible by numBlocks). */
  width?: number;
  /** Number of AFNO layers (default 4). */
  nLayers?: number;
  /** Patch size p (default 1: every grid point is a token). */
  patchSize?: number;
  /** Channel blocks of the mixer (default 4). */
  numBlocks?: number;
  /** MLP hidden size as a multiple of C (default 2). */
  mlpRatio?: number;
  /** MLP activation (default "gelu", the paper's; "gelu_tanh" is ~3x cheaper on the CPU here). */
  activation?: ActivationName;
  sparsityThreshold?: number;
  hardThresholdingFraction?: number;
  /** The mixers' token-grid transform (AFNOBlock's `transform`; default "auto"). */
  transform?: "auto" | "fft" | "dft";
  /**
   * Predict the increment: forward returns x + net(x) (scOT's `learn_residual`; inChannels must
   * equal outChannels). Default false.
   */
  learnResidual?: boolean;
  dtype?: RealFloatDType;
  generator?: Generator;
}

/** One AFNO layer: pre-norm spectral token mixing and pre-norm channel MLP, both residual. */
export class AFNOLayer extends Module {
  readonly norm1: LayerNorm;
  readonly filter: AFNOBlock;
  readonly norm2: LayerNorm;
  readonly mlp: MLP;

  constructor(
    filter: AFNOBlock,
    width: number,
    mlpRatio: number,
    dtype: RealFloatDType,
    generator: Generator,
    activation: ActivationName = "gelu",
  ) {
    super();
    this.norm1 = new LayerNorm(width, { dtype });
    this.filter = filter;
    this.norm2 = new LayerNorm(width, { dtype });
    this.mlp = new MLP([width, mlpRatio * width, width], { activation, dtype, generator });
  }

  /** x [b, h, w, C] -> same shape. */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const y = add(this.filter.forward(this.norm1.forward(x)), x);
      return add(this.mlp.forward(this.norm2.forward(y)), y);
    });
  }
}

export class AFNO extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly width: number;
  readonly nLayers: number;
  readonly patchSize: number;
  readonly dtype: RealFloatDType;
  readonly learnResidual: boolean;
  readonly embedding: Linear;
  readonly layers: AFNOLayer[];
  readonly head: Linear;

  constructor(options: AFNOOptions) {
    super();
    const fn = "AFNO";
    const { o, inChannels, outChannels } = checkModelChannels(fn, options);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.width = checkInt(fn, "width", o.width ?? 32, 1);
    this.nLayers = checkInt(fn, "nLayers", o.nLayers ?? 4, 0);
    this.patchSize = checkInt(fn, "patchSize", o.patchSize ?? 1, 1);
    const mlpRatio = checkInt(fn, "mlpRatio", o.mlpRatio ?? 2, 1);
    checkNumber(
      fn,
      "hardThresholdingFraction",
      o.hardThresholdingFraction ?? 1,
      Number.MIN_VALUE,
      1,
    );
    const { dtype, learnResidual, generator } = checkModelTail(fn, o, inChannels, outChannels);
    this.dtype = dtype;
    this.learnResidual = learnResidual;
    const p2 = this.patchSize * this.patchSize;
    this.embedding = new Linear(p2 * this.inChannels, this.width, { dtype, generator });
    this.layers = Array.from(
      { length: this.nLayers },
      () =>
        new AFNOLayer(
          new AFNOBlock({
            channels: this.width,
            numBlocks: o.numBlocks ?? Math.min(4, this.width),
            sparsityThreshold: o.sparsityThreshold,
            hardThresholdingFraction: o.hardThresholdingFraction,
            transform: o.transform,
            dtype,
            generator,
          }),
          this.width,
          mlpRatio,
          dtype,
          generator,
          o.activation ?? "gelu",
        ),
    );
    this.head = new Linear(this.width, p2 * this.outChannels, { dtype, generator });
  }

  /** x [b, in, H, W] (H, W divisible by the patch size) -> [b, out, H, W]. */
  forward(x: Tensor): Tensor {
    const fn = "AFNO.forward";
    checkInput4d(fn, x, this.inChannels, this.dtype);
    const [b, c, hh, ww] = x.shape;
    const p = this.patchSize;
    checkGridDivisible(fn, hh, ww, p, `the patch size ${p}`);
    return tidy(() => {
      const [h, w] = [hh / p, ww / p];
      // [b, c, h, p, w, p] -> [b, h, w, p, p, c] -> tokens [b, h, w, p*p*c]
      const patches = reshape(permute(reshape(x, [b, c, h, p, w, p]), [0, 2, 4, 3, 5, 1]), [
        b,
        h,
        w,
        p * p * c,
      ]);
      let t = this.embedding.forward(patches);
      for (const layer of this.layers) t = layer.forward(t);
      const o = this.outChannels;
      // [b, h, w, p*p*o] -> [b, h, w, p, p, o] -> [b, o, h, p, w, p] -> [b, o, H, W]
      const out = reshape(this.head.forward(t), [b, h, w, p, p, o]);
      const y = reshape(permute(out, [0, 5, 1, 3, 2, 4]), [b, o, hh, ww]);
      return this.learnResidual ? add(x, y) : y;
    });
  }
}
