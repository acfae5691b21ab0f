/**
 * SFNO: the spatiotemporal FNO of Spectral-Refiner (Cao et al. 2024), trajectory to trajectory.
 *
 *   v [b, 1, X, Y, T_in]                               (vorticity frames, time last)
 *   h0 = lift( LayerNorm_c( [v, sinusoidal x,y,t encoding] ) )        1x1 conv -> width
 *   h1 = gelu( FFN_0( K_0(h0; T_lat) ) + h0[..., T_in - 1] )          K_0 resamples time
 *   h_{l+1} = act( FFN_l( K_l(h_l) ) + W_l h_l ),  l = 1..L-1          (no act after the last)
 *   p   = P(h_L)                                          pointwise MLP to ONE channel
 *   out = K_out(p; T_out) + v[..., T_in - 1]              K_out: 1 -> 1 channel spectral conv
 *
 * K_l are SpaceTimeSpectralConv layers (3-D FFT over x, y, t); the first re-synthesises its kept
 * temporal modes on T_lat latent frames, so the input and output windows may differ. The
 * residual of the first block is the lifted last input frame (broadcast over the latent frames):
 * the natural "persistence" predictor, which the layers correct. P is a pointwise MLP to one
 * channel; K_out (the paper's "OutConv") is a space-time spectral convolution of that channel
 * which also resamples time from T_lat to T_out frames (T_lat = the call's T_out by default).
 * The output adds the last input frame, so a zero network predicts persistence.
 *
 * Why the network ends in a spectral layer: the refinement stage (refine.ts) rebuilds K_out
 * with more modes and minimises the PDE residual over its weights with everything before it
 * frozen. Nothing nonlinear follows K_out, so the prediction is AFFINE in the refined weights
 * (per Fourier mode: out_hat_k = W_k p_hat_k), the only nonlinearity left is the quadratic
 * advection of the residual, and the optimisation is a nearly quadratic, well-posed least
 * squares problem (Cao et al.). An earlier version refined the last hidden spectral layer,
 * behind which the FFN, the skip and the GELU projection MLP made the problem non-convex and
 * badly scaled (Adam: 4-6x residual drop in 100 iterations).
 *
 * `latentBeforeOutput` / `outputFromLatent` split the forward pass before K_out.
 */
import { irfft, rfft } from "@modewise/fft/tensor";
import { type Activation, activationFn, Module } from "@modewise/nn";
import {
  add,
  broadcastTo,
  concat,
  type Generator,
  mul,
  type RealFloatDType,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { ChannelMLP, PointwiseConv } from "../fno/channel-mlp.js";
import { sliceAxis } from "../spectral-conv/box.js";
import { appendSpaceTimeEncoding, ChannelLayerNorm, ENCODING_CHANNELS } from "./encoding.js";
import { positiveInt, SpaceTimeSpectralConv } from "./space-time-spectral-conv.js";

export interface SFNOOptions {
  /** Default number of output frames (overridable per call). */
  outSteps: number;
  /** [m_x, m_y, m_t], default [12, 12, 5] (the paper's at 64^2; use fewer at 32^2, e.g. [8, 8, 5]). */
  modes?: readonly number[];
  /** Channels of the latent field (default 20). */
  width?: number;
  /** Spectral layers (default 4, at least 2). */
  nLayers?: number;
  /** Latent frames; default: the call's output frames. */
  latentSteps?: number;
  /** Hidden channels of each layer's FFN (default 2 * width). */
  ffnChannels?: number;
  /** Hidden channels of the output MLP (default 4 * width). */
  projectionChannels?: number;
  /** Modes of the output spectral layer K_out (default: `modes`). */
  outModes?: readonly number[];
  activation?: Activation;
  dtype?: RealFloatDType;
  generator?: Generator;
}

/** What `latentBeforeOutput` captures: the input of the output spectral layer K_out. */
export interface SFNOLatent {
  /** The projected latent p = P(h_L) [b, 1, X, Y, T_lat]. */
  latent: Tensor;
  /** The last input frame [b, 1, X, Y, 1]. */
  lastFrame: Tensor;
}

/** Fourier interpolation of x [..., T] to n frames (band-limited; identity when n = T). */
export function resampleTime(x: Tensor, n: number): Tensor {
  const t = x.shape[x.shape.length - 1];
  if (n === t) return x;
  return tidy(() => {
    const keep = Math.min(Math.floor(t / 2), Math.floor(n / 2)) + 1;
    let xHat = sliceAxis(rfft(x, { axis: -1 }), x.shape.length - 1, 0, keep);
    // a Nyquist bin kept on the shorter side stands for a cosine shared by +/- n/2: halve it
    // when it becomes an interior bin of the longer grid
    if (t % 2 === 0 && keep === t / 2 + 1 && n > t) {
      const last = x.shape.length - 1;
      xHat = concat(
        [sliceAxis(xHat, last, 0, keep - 1), mul(sliceAxis(xHat, last, keep - 1, keep), 0.5)],
        last,
      );
    }
    return mul(irfft(xHat, { axis: -1, n }), n / t);
  });
}

export class SFNO extends Module {
  readonly norm: ChannelLayerNorm;
  readonly lifting: PointwiseConv;
  readonly spectral: SpaceTimeSpectralConv[];
  readonly ffn: ChannelMLP[];
  /** 1x1 skips of layers 1..L-1 (skips[l - 1] belongs to layer l). */
  readonly skips: PointwiseConv[];
  readonly projection: ChannelMLP;
  /** K_out: 1 -> 1 channel spectral conv after the projection (the refined layer). */
  readonly outConv: SpaceTimeSpectralConv;
  readonly outSteps: number;
  readonly latentSteps: number | undefined;
  readonly modes: readonly number[];
  readonly width: number;
  readonly nLayers: number;
  readonly dtype: RealFloatDType;
  private readonly act: (x: Tensor) => Tensor;

  constructor(opts: SFNOOptions) {
    super();
    const fn = "SFNO";
    if (opts === null || typeof opts !== "object")
      throw new ValueError(fn, "opts", "an options object { outSteps, ... }", String(opts));
    this.outSteps = positiveInt(fn, "outSteps", opts.outSteps);
    this.latentSteps =
      opts.latentSteps === undefined ? undefined : positiveInt(fn, "latentSteps", opts.latentSteps);
    const modes = opts.modes ?? [12, 12, 5];
    if (!Array.isArray(modes) || modes.length !== 3)
      throw new ValueError(fn, "modes", "three mode counts [m_x, m_y, m_t]", String(modes));
    for (const [i, m] of modes.entries()) positiveInt(fn, `modes[${i}]`, m);
    this.modes = modes.slice();
    const outModes = opts.outModes ?? modes;
    if (!Array.isArray(outModes) || outModes.length !== 3)
      throw new ValueError(fn, "outModes", "three mode counts [m_x, m_y, m_t]", String(outModes));
    for (const [i, m] of outModes.entries()) positiveInt(fn, `outModes[${i}]`, m);
    this.width = positiveInt(fn, "width", opts.width ?? 20);
    this.nLayers = positiveInt(fn, "nLayers", opts.nLayers ?? 4);
    // the first block (time resampling, persistence residual) and at least one more
    if (this.nLayers < 2)
      throw new ValueError(fn, "nLayers", "an integer >= 2", String(opts.nLayers));
    const ffnChannels = positiveInt(fn, "ffnChannels", opts.ffnChannels ?? 2 * this.width);
    const projection = positiveInt(
      fn,
      "projectionChannels",
      opts.projectionChannels ?? 4 * this.width,
    );
    const dtype = opts.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64")
      throw new ValueError(fn, "dtype", '"float32" or "float64"', String(dtype));
    this.dtype = dtype;
    const activation = opts.activation ?? "gelu";
    this.act = activationFn(activation, fn);
    const g = opts.generator;
    const inChannels = 1 + ENCODING_CHANNELS;
    this.norm = new ChannelLayerNorm(inChannels, { dtype });
    this.lifting = new PointwiseConv(inChannels, this.width, { dtype, generator: g });
    this.spectral = [];
    this.ffn = [];
    this.skips = [];
    for (let l = 0; l < this.nLayers; l++) {
      this.spectral.push(
        new SpaceTimeSpectralConv({
          inChannels: this.width,
          outChannels: this.width,
          modes: this.modes.slice(),
          dtype,
          generator: g,
        }),
      );
      this.ffn.push(
        new ChannelMLP(this.width, ffnChannels, this.width, { dtype, generator: g, activation }),
      );
      if (l > 0)
        this.skips.push(new PointwiseConv(this.width, this.width, { dtype, generator: g }));
    }
    this.projection = new ChannelMLP(this.width, projection, 1, {
      dtype,
      generator: g,
      activation,
    });
    this.outConv = new SpaceTimeSpectralConv({
      inChannels: 1,
      outChannels: 1,
      modes: outModes.slice(),
      dtype,
      generator: g,
    });
  }

  private checkInput(fn: string, v: Tensor, outSteps: number | undefined): number {
    const s = v.shape;
    if (s.length !== 5 || s[1] !== 1)
      throw new ShapeError(fn, "v", "[batch, 1, X, Y, T_in]", `[${s.join(", ")}]`);
    if (v.dtype !== this.dtype)
      throw new ValueError(fn, "v", `dtype ${this.dtype} (the model's)`, v.dtype);
    return positiveInt(fn, "outSteps", outSteps ?? this.outSteps);
  }

  /** Latent frames used for a call producing `outSteps` frames. */
  latentStepsFor(outSteps: number): number {
    return this.latentSteps ?? outSteps;
  }

  /** Runs everything before K_out: the projected latent P(h_L) (and the last input frame). */
  latentBeforeOutput(v: Tensor, outSteps?: number): SFNOLatent {
    const tOut = this.checkInput("SFNO.latentBeforeOutput", v, outSteps);
    const tLat = this.latentStepsFor(tOut);
    const tIn = v.shape[4];
    return tidy(() => {
      const lastFrame = sliceAxis(v, 4, tIn - 1, tIn);
      const h0 = this.lifting.forward(this.norm.forward(appendSpaceTimeEncoding(v)));
      const lastLatent = sliceAxis(h0, 4, tIn - 1, tIn);
      const z = this.ffn[0].forward(this.spectral[0].forward(h0, tLat));
      let h = this.act(add(z, broadcastTo(lastLatent, z.shape)));
      for (let l = 1; l < this.nLayers; l++) h = this.layer(l, h, l < this.nLayers - 1);
      return { latent: this.projection.forward(h), lastFrame };
    });
  }

  private layer(l: number, h: Tensor, activate: boolean): Tensor {
    const z = add(this.ffn[l].forward(this.spectral[l].forward(h)), this.skips[l - 1].forward(h));
    return activate ? this.act(z) : z;
  }

  /**
   * The rest of the forward pass from the captured latent: the output spectral layer (this
   * model's K_out, or a replacement such as the refined one) with the temporal resampling to
   * `outSteps`, plus the last input frame. Affine in the layer's weights.
   */
  outputFromLatent(
    captured: SFNOLatent,
    outSteps?: number,
    outConv?: SpaceTimeSpectralConv,
  ): Tensor {
    const tOut = positiveInt("SFNO.outputFromLatent", "outSteps", outSteps ?? this.outSteps);
    return tidy(() =>
      add((outConv ?? this.outConv).forward(captured.latent, tOut), captured.lastFrame),
    );
  }

  /** v [b, 1, X, Y, T_in] -> [b, 1, X, Y, T_out] (T_out = outSteps ?? the constructor's). */
  forward(v: Tensor, outSteps?: number): Tensor {
    return tidy(() => {
      const captured = this.latentBeforeOutput(v, outSteps);
      return this.outputFromLatent(captured, outSteps);
    });
  }
}
