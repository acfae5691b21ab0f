/**
 * DRIFT-Net (Li & Salim 2025) as a small convolutional U-Net whose blocks are
 * SpectralCoupledBlocks:
 *
 *   lift (p x p stride-p conv, in -> C0; p = patchSize, default 1: pointwise)
 *   encoder level i = 0..L-1 (grid n / 2^i, channels C_i = C0 2^i):
 *       x <- x + SCB(x)  (blocksPerLevel times; SCB ends with a LayerNorm: Swin-V2's
 *                        residual post-norm);  skip_i = x;  x <- conv 2x2 stride 2 (C_i -> C_{i+1})
 *   bottleneck at level L: x <- x + SCB(x)
 *   decoder level i = L-1..0: x <- conv3x3(upsample2(x)) (C_{i+1} -> C_i) + skip_i;  x <- x + SCB(x)
 *   head (1x1 conv, C0 -> p*p*out, then depth-to-space)
 *
 * What is kept from the paper's backbone (Poseidon's scOT, a Swin-V2 U-Net) and what is
 * simplified, and why (also in the README):
 *   - kept: the U-Net of stages with skip connections added (not concatenated) at each level,
 *     channel doubling per level, residual blocks with post-norm, and DRIFT-Net's change itself:
 *     every windowed-attention block is a SpectralCoupledBlock (global low-frequency coupling plus
 *     the local image branch replaces the attention by design of the paper);
 *   - patch merging (2x2 neighbourhood concat + linear) -> a 2x2 stride-2 convolution, which is
 *     the same linear map of the same 4 tokens; patch expansion -> nearest upsampling + 3x3 conv;
 *   - patch embedding kept as an option (default p = 1 at the small grids here), no time
 *     conditioning (the tasks here are fixed-step maps), no ConvNeXt blocks on the skips, no
 *     drop-path, and Swin's MLP after each block is left out (the image branch's pointwise linear
 *     map is the channel mixer): fewer, cheaper layers for the CPU budgets of this repository.
 */
import { Conv2d, Module } from "@modewise/nn";
import { add, broadcastTo, permute, reshape, type Tensor, tidy } from "@modewise/tensor";
import {
  checkGridDivisible,
  checkInput4d,
  checkInt,
  checkModelChannels,
  checkModelTail,
  type Generator,
  type RealFloatDType,
} from "../t1/validate.js";
import { SpectralCoupledBlock } from "./spectral-coupled-block.js";

export interface DriftNetOptions {
  inChannels: number;
  outChannels: number;
  /** Channels at the finest level (default 16; doubled at each level down). */
  width?: number;
  /** Number of down-sampling steps (default 2: grids n, n/2, n/4). */
  levels?: number;
  /**
   * Patch size p of the embedding (a p x p stride-p convolution, scOT's patch embedding) and of
   * the patch recovery (1x1 conv to p*p*out values per token, then depth-to-space). Default 1:
   * every grid point is a token; 2 quarters the cost at 32^2.
   */
  patchSize?: number;
  /** SpectralCoupledBlocks per level on each side (default 1). */
  blocksPerLevel?: number;
  /** Radial bands of the gates (default 6). */
  numBands?: number;
  /** Hidden width of the gate MLPs (default 128). */
  gateHidden?: number;
  /**
   * Predict the increment: forward returns x + net(x) (scOT's `learn_residual`; inChannels must
   * equal outChannels). Default false.
   */
  learnResidual?: boolean;
  dtype?: RealFloatDType;
  generator?: Generator;
}

/** Residual stack of SpectralCoupledBlocks: x <- x + SCB(x). */
class SpectralStage extends Module {
  readonly blocks: SpectralCoupledBlock[];
  constructor(blocks: SpectralCoupledBlock[]) {
    super();
    this.blocks = blocks;
  }
  forward(x: Tensor): Tensor {
    return tidy(() => {
      let y = x;
      for (const b of this.blocks) y = add(y, b.forward(y));
      return y;
    });
  }
}

/** Nearest-neighbour upsampling by 2 along the last two axes. */
function upsample2(x: Tensor): Tensor {
  return tidy(() => {
    const [b, c, h, w] = x.shape;
    const wide = broadcastTo(reshape(x, [b, c, h, 1, w, 1]), [b, c, h, 2, w, 2]);
    return reshape(wide, [b, c, 2 * h, 2 * w]);
  });
}

export class DriftNet extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly width: number;
  readonly levels: number;
  readonly patchSize: number;
  readonly dtype: RealFloatDType;
  readonly learnResidual: boolean;
  readonly lift: Conv2d;
  readonly encoder: SpectralStage[];
  readonly down: Conv2d[];
  readonly bottleneck: SpectralStage;
  readonly up: Conv2d[];
  readonly decoder: SpectralStage[];
  readonly head: Conv2d;

  constructor(options: DriftNetOptions) {
    super();
    const fn = "DriftNet";
    const { o, inChannels, outChannels } = checkModelChannels(fn, options);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.width = checkInt(fn, "width", o.width ?? 16, 1);
    this.levels = checkInt(fn, "levels", o.levels ?? 2, 0);
    this.patchSize = checkInt(fn, "patchSize", o.patchSize ?? 1, 1);
    const p = this.patchSize;
    const perLevel = checkInt(fn, "blocksPerLevel", o.blocksPerLevel ?? 1, 1);
    const { dtype, learnResidual, generator } = checkModelTail(fn, o, inChannels, outChannels);
    this.dtype = dtype;
    this.learnResidual = learnResidual;
    const blockOpts = { numBands: o.numBands, gateHidden: o.gateHidden, dtype, generator };
    const ch = (i: number) => this.width * 2 ** i;
    const stage = (i: number) =>
      new SpectralStage(
        Array.from(
          { length: perLevel },
          () => new SpectralCoupledBlock({ channels: ch(i), ...blockOpts }),
        ),
      );
    this.lift = new Conv2d(this.inChannels, this.width, p, { stride: p, dtype, generator });
    this.encoder = [];
    this.down = [];
    for (let i = 0; i < this.levels; i++) {
      this.encoder.push(stage(i));
      this.down.push(new Conv2d(ch(i), ch(i + 1), 2, { stride: 2, dtype, generator }));
    }
    this.bottleneck = stage(this.levels);
    this.up = [];
    this.decoder = [];
    for (let i = this.levels - 1; i >= 0; i--) {
      this.up.push(
        new Conv2d(ch(i + 1), ch(i), 3, { padding: 1, paddingMode: "circular", dtype, generator }),
      );
      this.decoder.push(stage(i));
    }
    this.head = new Conv2d(this.width, p * p * this.outChannels, 1, { dtype, generator });
  }

  /** x [b, in, H, W] (H, W divisible by 2^levels) -> [b, out, H, W]. */
  forward(x: Tensor): Tensor {
    const fn = "DriftNet.forward";
    checkInput4d(fn, x, this.inChannels, this.dtype);
    const p = this.patchSize;
    const f = p * 2 ** this.levels;
    checkGridDivisible(fn, x.shape[2], x.shape[3], f, `patchSize * 2^levels = ${f}`);
    return tidy(() => {
      let y = this.lift.forward(x);
      const skips: Tensor[] = [];
      for (let i = 0; i < this.levels; i++) {
        y = this.encoder[i].forward(y);
        skips.push(y);
        y = this.down[i].forward(y);
      }
      y = this.bottleneck.forward(y);
      for (let k = 0; k < this.levels; k++) {
        const skip = skips[this.levels - 1 - k];
        y = add(this.up[k].forward(upsample2(y)), skip);
        y = this.decoder[k].forward(y);
      }
      y = this.head.forward(y);
      if (p > 1) {
        // depth-to-space: channel (o p + i) p + j of token (h, w) -> pixel (h p + i, w p + j)
        const [b, , h, w] = y.shape;
        const o = this.outChannels;
        y = reshape(permute(reshape(y, [b, o, p, p, h, w]), [0, 1, 4, 2, 5, 3]), [
          b,
          o,
          h * p,
          w * p,
        ]);
      }
      return this.learnResidual ? add(x, y) : y;
    });
  }
}
