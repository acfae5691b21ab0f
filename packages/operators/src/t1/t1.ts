/**
 * T1 ("Transform Once", Poli et al. 2022): a neural operator that transforms its input ONCE
 * with an orthonormal DCT-II, keeps the lowest m1 x m2 modes, and runs every layer in frequency
 * space; only inference/evaluation goes back to the grid (`decode`).
 *
 *   encode:   X = dct(x)[:, :, :m1, :m2]                      (the one forward transform)
 *   lift:     Z = L X + b e_DC                                 (pointwise, in frequency space)
 *   layers:   Z <- Z + A1 act(W(k) Z(k)) A2^T                   (T1FrequencyLayer, nLayers times)
 *   project:  P = Q Z + c e_DC                                 ([b, out, m1, m2])
 *   decode:   idct(zero-pad(P))                                (inference only)
 *
 * Lifting and projection are pointwise affine maps, which commute with the (linear) DCT, so we
 * apply them in frequency space: the DCT of a constant field is nonzero only at the DC mode, where
 * it equals sqrt(H W) times the constant, so a bias b becomes b sqrt(H W) on the DC coefficient.
 * The transform is therefore applied to the raw input (in_channels fields), the cheapest place.
 *
 * Resolution: orthonormal DCT coefficients of a smooth field sampled on N points grow like
 * sqrt(N). Coefficients are rescaled by sqrt(N0 / N) to the training grid N0 = gridSize, so a
 * model trained at 32^2 also evaluates on 64^2 (zero-shot super-resolution on the kept modes).
 *
 * Initialization (the paper's variance-preserving rule): channel-mixing weights ~ N(0, s^2),
 * s = sqrt((1 / fan_in) * N / m) with N = H W grid points and m = m1 m2 kept modes. Truncation to
 * m of N orthonormal coefficients keeps a fraction m / N of a white field's energy; the N / m
 * factor restores the variance a field would have in the spatial domain. The lift uses the same
 * rule with fan_in = in_channels, the projection s = sqrt(1 / width).
 */
import { type ActivationName, activationFn, Module, Parameter } from "@modewise/nn";
import {
  add,
  concat,
  type Generator,
  matmul,
  mul,
  pad,
  permute,
  type RealFloatDType,
  reshape,
  ShapeError,
  slice,
  sub,
  type Tensor,
  tidy,
  ValueError,
  zeros,
} from "@modewise/tensor";
import { T1FrequencyLayer } from "./frequency-layer.js";
import { type T1LossOptions, t1FrequencyRelativeL2 } from "./loss.js";
import { orthonormalDct2, orthonormalRealFourier2, type T1Transforms } from "./transforms.js";
import {
  checkInput4d,
  checkInt,
  checkModelChannels,
  checkModelTail,
  checkNumber,
  checkPair,
  show,
} from "./validate.js";

export interface T1Options {
  inChannels: number;
  outChannels: number;
  /** Kept DCT modes [m1, m2] (the lowest m1 x m2 block). */
  modes: [number, number];
  /** Channels in frequency space. */
  width: number;
  /** Number of frequency-space layers (default 4). */
  nLayers?: number;
  /** The training grid [H, W] (sets the initialization scale and the coefficient scale). */
  gridSize: [number, number];
  /**
   * Multiplier on the variance-preserving standard deviation of the channel-mixing weights
   * (default 1: the paper's rule exactly).
   */
  initScale?: number;
  /** Activation applied to the coefficients (default "gelu"). */
  activation?: ActivationName;
  dtype?: RealFloatDType;
  generator?: Generator;
  /**
   * Predict the increment y - x (inChannels must equal outChannels): `forward` returns
   * x + decode(P) and the loss compares P with dct(y) - dct(x), still one forward DCT of each
   * and no inverse. The truncation floor is then the increment's energy outside the kept modes,
   * not the target's. Default false.
   */
  learnResidual?: boolean;
  /**
   * The one transform's basis: "dct" (default; the paper's orthonormal DCT-II) or "fourier"
   * (the paper's rfft option, as the real orthonormal cos/sin basis, orthonormalRealFourier2):
   * the choice for periodic data, where the DCT's coefficients decay slowly. Kept modes are
   * counted in the basis (m = 2 K + 1 keeps the frequencies |k| <= K in Fourier). With an even
   * training grid keep m < N in Fourier: the last row is then the Nyquist row, whose index means
   * cos(N/2) on a finer grid (resolution changes would be off there). Ignored when `transforms`
   * is given.
   */
  basis?: "dct" | "fourier";
  /** The transform pair itself (overrides `basis`); the tests pass counting wrappers. */
  transforms?: T1Transforms;
}

/** The standard deviation of the variance-preserving initialization. */
export function t1InitStd(fanIn: number, gridPoints: number, keptModes: number): number {
  return Math.sqrt((1 / fanIn) * (gridPoints / keptModes));
}

export class T1 extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modes: [number, number];
  readonly width: number;
  readonly nLayers: number;
  readonly gridSize: [number, number];
  readonly dtype: RealFloatDType;
  readonly learnResidual: boolean;
  readonly basis: "dct" | "fourier";
  /** Lifting [width, in] and its bias [width] (added on the DC mode). */
  readonly liftWeight: Parameter;
  readonly liftBias: Parameter;
  readonly layers: T1FrequencyLayer[];
  /** Projection [out, width] and its bias [out]. */
  readonly projectionWeight: Parameter;
  readonly projectionBias: Parameter;
  private readonly _transforms: T1Transforms;

  constructor(options: T1Options) {
    super();
    const fn = "T1";
    const { o, inChannels, outChannels } = checkModelChannels(fn, options);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.width = checkInt(fn, "width", o.width, 1);
    this.nLayers = checkInt(fn, "nLayers", o.nLayers ?? 4, 0);
    this.modes = checkPair(fn, "modes", o.modes, 1);
    this.gridSize = checkPair(fn, "gridSize", o.gridSize, 1);
    if (this.modes[0] > this.gridSize[0] || this.modes[1] > this.gridSize[1])
      throw new ValueError(
        fn,
        "modes",
        `at most gridSize ${show(this.gridSize)} per axis`,
        show(this.modes),
      );
    const tail = checkModelTail(fn, o, inChannels, outChannels);
    this.dtype = tail.dtype;
    this.learnResidual = tail.learnResidual;
    const initScale = checkNumber(fn, "initScale", o.initScale ?? 1, 0, 1e6);
    const act = activationFn(o.activation ?? "gelu", fn);
    const gen = tail.generator;
    const dtype = this.dtype;
    const n = this.gridSize[0] * this.gridSize[1];
    const m = this.modes[0] * this.modes[1];
    this.liftWeight = new Parameter(
      gen.normal([this.width, this.inChannels], {
        dtype,
        std: t1InitStd(this.inChannels, n, m),
      }),
    );
    this.liftBias = new Parameter(zeros([this.width], { dtype }));
    this.layers = Array.from(
      { length: this.nLayers },
      () =>
        new T1FrequencyLayer({
          width: this.width,
          modes: this.modes,
          std: initScale * t1InitStd(this.width, n, m),
          activation: act,
          dtype,
          generator: gen,
        }),
    );
    this.projectionWeight = new Parameter(
      gen.normal([this.outChannels, this.width], { dtype, std: Math.sqrt(1 / this.width) }),
    );
    this.projectionBias = new Parameter(zeros([this.outChannels], { dtype }));
    const basis = o.basis ?? "dct";
    if (basis !== "dct" && basis !== "fourier")
      throw new ValueError(fn, "basis", "'dct' or 'fourier'", show(basis));
    this.basis = basis;
    this._transforms =
      o.transforms ?? (basis === "fourier" ? orthonormalRealFourier2 : orthonormalDct2);
  }

  /** sqrt(N0 / N): rescales coefficients of an H x W grid to the training grid. */
  private gridScale(h: number, w: number): number {
    return Math.sqrt((this.gridSize[0] * this.gridSize[1]) / (h * w));
  }

  /**
   * The one forward transform: x [b, c, H, W] -> its kept orthonormal DCT-II (or real Fourier)
   * coefficients
   * [b, c, m1, m2], on the training grid's scale. Works for any c (inputs and targets).
   */
  encode(x: Tensor): Tensor {
    const fn = "T1.encode";
    checkInput4d(fn, x, undefined, this.dtype);
    const [, , h, w] = x.shape;
    this.checkGrid(fn, h, w);
    return tidy(() => this.keptModes(this.spectrum(x)));
  }

  /** The full orthonormal transform of x [b, c, H, W], rescaled to the training grid. */
  private spectrum(x: Tensor): Tensor {
    const [, , h, w] = x.shape;
    const full = this._transforms.forward(x);
    const s = this.gridScale(h, w);
    return s === 1 ? full : mul(full, s);
  }

  private keptModes(full: Tensor): Tensor {
    return slice(full, `:, :, :${this.modes[0]}, :${this.modes[1]}`);
  }

  /**
   * The network in frequency space: kept input coefficients [b, in, m1, m2] -> kept output
   * coefficients [b, out, m1, m2]. No transform runs here.
   */
  forwardFrequency(xHat: Tensor): Tensor {
    const fn = "T1.forwardFrequency";
    checkInput4d(fn, xHat, this.inChannels, this.dtype, "xHat");
    const [b, , m1, m2] = xHat.shape;
    if (m1 !== this.modes[0] || m2 !== this.modes[1])
      throw new ShapeError(
        fn,
        "xHat",
        `[batch, ${this.inChannels}, ${this.modes[0]}, ${this.modes[1]}]`,
        `[${xHat.shape.join(", ")}]`,
      );
    return tidy(() => {
      const dc = Math.sqrt(this.gridSize[0] * this.gridSize[1]);
      // [m1, m2, b, in] @ [in, width] -> [m1, m2, b, width]
      let z = matmul(permute(xHat, [2, 3, 0, 1]), this.liftWeight.value, { transposeB: true });
      z = this.addAtDC(z, mul(this.liftBias.value, dc));
      for (const layer of this.layers) z = layer.forward(z);
      let p = matmul(z, this.projectionWeight.value, { transposeB: true });
      p = this.addAtDC(p, mul(this.projectionBias.value, dc));
      return reshape(permute(p, [2, 3, 0, 1]), [b, this.outChannels, m1, m2]);
    });
  }

  /** z [m1, m2, b, c] + bias [c] on the DC mode (0, 0) only. */
  private addAtDC(z: Tensor, bias: Tensor): Tensor {
    const [m1, m2, b, c] = z.shape;
    const flat = reshape(z, [m1 * m2, b, c]);
    const first = add(slice(flat, "0:1"), bias);
    const rest = slice(flat, "1:");
    return reshape(m1 * m2 === 1 ? first : concat([first, rest], 0), [m1, m2, b, c]);
  }

  /**
   * Back to the grid (inference and evaluation only): zero-pad the kept coefficients to
   * [H, W] (default the training grid) and apply the inverse orthonormal DCT.
   */
  decode(yHat: Tensor, size: [number, number] = this.gridSize): Tensor {
    const fn = "T1.decode";
    checkInput4d(fn, yHat, undefined, this.dtype, "yHat");
    const [h, w] = checkPair(fn, "size", size, 1);
    this.checkGrid(fn, h, w);
    return tidy(() => {
      const [, , m1, m2] = yHat.shape;
      if (m1 > h || m2 > w)
        throw new ShapeError(
          fn,
          "yHat",
          `at most [${h}, ${w}] modes`,
          `[${yHat.shape.join(", ")}]`,
        );
      const padded = pad(yHat, [
        [0, 0],
        [0, 0],
        [0, h - m1],
        [0, w - m2],
      ]);
      const s = 1 / this.gridScale(h, w);
      return this._transforms.inverse(s === 1 ? padded : mul(padded, s));
    });
  }

  /** x [b, in, H, W] -> [b, out, H, W]: encode, the frequency-space network, decode. */
  forward(x: Tensor): Tensor {
    checkInput4d("T1.forward", x, this.inChannels, this.dtype);
    return tidy(() => {
      const [, , h, w] = x.shape;
      const out = this.decode(this.forwardFrequency(this.encode(x)), [h, w]);
      return this.learnResidual ? add(x, out) : out;
    });
  }

  /**
   * The training loss: relative L2 between the predicted and the target coefficients, equal by
   * Parseval to the spatial relative L2 of `forward(x)` against y (see loss.ts). Runs one forward
   * DCT of x, one of y, and no inverse transform. `opts.referenceNorm` (per sample) is a norm ON
   * THE GRID of x, like ||y||; it is rescaled here as the coefficients are (to the training
   * grid), so the loss is then ||forward(x) - y|| / referenceNorm on any grid.
   */
  frequencyLoss(x: Tensor, y: Tensor, opts: T1LossOptions = {}): Tensor {
    const fn = "T1.frequencyLoss";
    checkInput4d(fn, x, this.inChannels, this.dtype);
    checkInput4d(fn, y, this.outChannels, this.dtype, "y");
    if (y.shape[0] !== x.shape[0] || y.shape[2] !== x.shape[2] || y.shape[3] !== x.shape[3])
      throw new ShapeError(
        fn,
        "y",
        `[${x.shape[0]}, ${this.outChannels}, ${x.shape[2]}, ${x.shape[3]}]`,
        `[${y.shape.join(", ")}]`,
      );
    this.checkGrid(fn, x.shape[2], x.shape[3]);
    return tidy(() => {
      const xFull = this.spectrum(x);
      const pred = this.forwardFrequency(this.keptModes(xFull));
      const yFull = this.spectrum(y);
      const s = this.gridScale(x.shape[2], x.shape[3]);
      const o =
        opts.referenceNorm && s !== 1
          ? { ...opts, referenceNorm: mul(opts.referenceNorm, s) }
          : opts;
      if (!this.learnResidual) return t1FrequencyRelativeL2(pred, yFull, o);
      return t1FrequencyRelativeL2(pred, sub(yFull, xFull), { ...o, referenceHat: yFull });
    });
  }

  private checkGrid(fn: string, h: number, w: number): void {
    if (h < this.modes[0] || w < this.modes[1])
      throw new ShapeError(
        fn,
        "x",
        `a grid of at least ${this.modes[0]} x ${this.modes[1]} points (the kept modes)`,
        `${h} x ${w}`,
      );
  }
}
