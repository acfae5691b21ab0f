/**
 * The Fourier Neural Operator (Li et al. 2020) in 1-3 spatial dimensions, structured and named
 * as neuraloperator's FNO so its state dict maps one-to-one (see io/):
 *
 *   x [b, inChannels, ...s]
 *   -> grid embedding (optional: coordinates in [0, 1) appended as channels)
 *   -> lifting ChannelMLP (in (+d) -> liftingChannels -> width)
 *   -> domain padding (optional)
 *   -> nLayers Fourier layers  x <- act(SpectralConv(x) + skip(x))  (no act after the last)
 *   -> crop the padding
 *   -> projection ChannelMLP (width -> projectionChannels -> outChannels).
 *
 * This is the legacy FNO layer of Li et al. (and neuraloperator with use_channel_mlp=False); the
 * newer neuraloperator default adds a channel MLP inside every layer, which we do not.
 */
import { type Activation, activationFn, Module } from "@modewise/nn";
import {
  add,
  type Generator,
  getDefaultFloatDType,
  type RealFloatDType,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { checkModes, minGridSize } from "../spectral-conv/modes.js";
import { type Factorization, SpectralConv } from "../spectral-conv/spectral-conv.js";
import { ChannelMLP } from "./channel-mlp.js";
import { appendGrid } from "./grid.js";
import { cropRight, paddingAmounts, padRight } from "./padding.js";
import {
  type IdentitySkip,
  type LinearSkip,
  makeSkip,
  type SkipType,
  type SoftGating,
} from "./skip.js";

export interface FNOOptions {
  inChannels: number;
  outChannels: number;
  /** Legacy mode counts per spatial axis; its length (1-3) is the number of spatial dims. */
  modes: number[];
  /** Channels of the Fourier layers (neuraloperator's hidden_channels). */
  width: number;
  nLayers?: number;
  /** Hidden size of the lifting MLP (default 2 * width; 0: a single linear layer). */
  liftingChannels?: number;
  /** Hidden size of the projection MLP (default 128, as Li et al.; 0: a single linear layer). */
  projectionChannels?: number;
  positionalEmbedding?: "grid" | "none";
  skip?: SkipType;
  /** Fraction of each spatial size padded with zeros on the right (default 0). */
  domainPadding?: number;
  /** Bias of the spectral convolutions (default true, as neuraloperator). */
  spectralBias?: boolean;
  factorization?: Factorization | null;
  rank?: number | number[];
  activation?: Activation;
  dtype?: RealFloatDType;
  generator?: Generator;
}

/** The stack of Fourier layers (neuraloperator's FNOBlocks: `convs.i`, `fno_skips.i`). */
export class FNOBlocks extends Module {
  readonly convs: SpectralConv[];
  /** neuraloperator's state-dict name, hence the snake case. */
  readonly fno_skips: (LinearSkip | SoftGating | IdentitySkip)[];
  private readonly _act: (x: Tensor) => Tensor;

  constructor(
    opts: Required<Pick<FNOOptions, "modes" | "width" | "nLayers" | "skip">> & FNOOptions,
  ) {
    super();
    const dtype = opts.dtype as RealFloatDType;
    this.convs = [];
    this.fno_skips = [];
    for (let i = 0; i < opts.nLayers; i++) {
      this.convs.push(
        new SpectralConv({
          inChannels: opts.width,
          outChannels: opts.width,
          modes: opts.modes,
          bias: opts.spectralBias ?? true,
          factorization: opts.factorization ?? null,
          rank: opts.rank,
          dtype,
          generator: opts.generator,
        }),
      );
      this.fno_skips.push(
        makeSkip(opts.skip, opts.width, opts.modes.length, { dtype, generator: opts.generator }),
      );
    }
    this._act = activationFn(opts.activation ?? "gelu", "FNO");
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let y = x;
      const n = this.convs.length;
      for (let i = 0; i < n; i++) {
        const z = add(this.convs[i].forward(y), this.fno_skips[i].forward(y));
        y = i < n - 1 ? this._act(z) : z;
      }
      return y;
    });
  }
}

function positiveInt(name: string, v: unknown, min = 1): number {
  if (!Number.isInteger(v) || (v as number) < min)
    throw new ValueError("FNO", name, `an integer >= ${min}`, String(v));
  return v as number;
}

export class FNO extends Module {
  readonly lifting: ChannelMLP;
  /** neuraloperator's state-dict name, hence the snake case. */
  readonly fno_blocks: FNOBlocks;
  readonly projection: ChannelMLP;
  readonly options: Readonly<Required<Omit<FNOOptions, "generator" | "rank" | "factorization">>> & {
    factorization: Factorization | null;
    rank: number | number[] | undefined;
  };

  constructor(opts: FNOOptions) {
    super();
    if (opts === null || typeof opts !== "object")
      throw new ValueError("FNO", "opts", "an options object", String(opts));
    const modes = checkModes("FNO", opts.modes);
    const dtype = opts.dtype ?? (getDefaultFloatDType() as RealFloatDType);
    if (dtype !== "float32" && dtype !== "float64")
      throw new ValueError("FNO", "dtype", '"float32" or "float64"', String(dtype));
    const width = positiveInt("width", opts.width);
    const o = {
      inChannels: positiveInt("inChannels", opts.inChannels),
      outChannels: positiveInt("outChannels", opts.outChannels),
      modes,
      width,
      nLayers: positiveInt("nLayers", opts.nLayers ?? 4),
      liftingChannels: positiveInt("liftingChannels", opts.liftingChannels ?? 2 * width, 0),
      projectionChannels: positiveInt("projectionChannels", opts.projectionChannels ?? 128, 0),
      positionalEmbedding: opts.positionalEmbedding ?? "grid",
      skip: opts.skip ?? "linear",
      domainPadding: opts.domainPadding ?? 0,
      spectralBias: opts.spectralBias ?? true,
      activation: opts.activation ?? "gelu",
      dtype,
      factorization: opts.factorization ?? null,
      rank: opts.rank,
    };
    if (o.positionalEmbedding !== "grid" && o.positionalEmbedding !== "none")
      throw new ValueError(
        "FNO",
        "positionalEmbedding",
        '"grid" or "none"',
        String(o.positionalEmbedding),
      );
    if (!(typeof o.domainPadding === "number" && o.domainPadding >= 0 && o.domainPadding < 10))
      throw new ValueError("FNO", "domainPadding", "a fraction >= 0", String(o.domainPadding));
    this.options = o;
    const g = opts.generator;
    const liftIn = o.inChannels + (o.positionalEmbedding === "grid" ? modes.length : 0);
    // Construction order fixes the random stream: blocks, lifting, projection (as neuraloperator).
    this.fno_blocks = new FNOBlocks({ ...o, generator: g });
    this.lifting = new ChannelMLP(liftIn, o.liftingChannels, width, {
      dtype,
      generator: g,
      activation: o.activation,
    });
    this.projection = new ChannelMLP(width, o.projectionChannels, o.outChannels, {
      dtype,
      generator: g,
      activation: o.activation,
    });
  }

  get nDims(): number {
    return this.options.modes.length;
  }

  /** [batch, inChannels, ...spatial] -> [batch, outChannels, ...spatial]. */
  forward(x: Tensor): Tensor {
    const d = this.nDims;
    const need = minGridSize(this.options.modes);
    if (x.shape.length !== d + 2 || x.shape[1] !== this.options.inChannels)
      throw new ShapeError(
        "FNO.forward",
        "x",
        `[batch, ${this.options.inChannels}, ${d} spatial axes]`,
        `shape [${x.shape.join(", ")}]`,
      );
    for (let i = 0; i < d; i++)
      if (x.shape[i + 2] < need[i])
        throw new ShapeError(
          "FNO.forward",
          "x",
          `spatial axis ${i} of size >= ${need[i]} for modes [${this.options.modes.join(", ")}]`,
          `shape [${x.shape.join(", ")}]`,
        );
    return tidy(() => {
      let h = this.options.positionalEmbedding === "grid" ? appendGrid(x) : x;
      h = this.lifting.forward(h);
      const amounts = paddingAmounts(x.shape.slice(2), this.options.domainPadding);
      const padded = amounts.some((a) => a > 0);
      if (padded) h = padRight(h, amounts);
      h = this.fno_blocks.forward(h);
      if (padded) h = cropRight(h, amounts);
      return this.projection.forward(h);
    });
  }
}
