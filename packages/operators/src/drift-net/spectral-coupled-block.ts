/**
 * DRIFT-Net's spectral-coupled block (Li & Salim 2025), on channel-first tokens x [b, C, h, w]:
 *
 *   X       = rfft2(x) (orthonormal), half plane [h, w/2+1]
 *   M_low   = soft box of the lowest frequencies: |k1| < K1, k2 < K2 with K = sigmoid(theta) * n
 *             per axis (n = h/2 + 1 rows of |k1|, w/2 + 1 columns), learnable theta
 *   X_low   = M_low X,    X_high = X - X_low
 *   mapped  = A X_low     one complex C x C matrix shared by every frequency (global coupling of
 *                         the large scales across channels)
 *   alpha   = RadialBandGate( ||X_high| - |X_low|| )   in (0, 1) per sample, channel and band
 *   fused   = alpha mapped + (1 - alpha) X_high
 *   y       = LayerNorm_C( irfft2(fused) + dwconv3x3(x) + W x )   (spectral + image branch)
 *
 * The box. The paper (and its code) cuts a hard box of int(sigmoid(theta) n) modes, whose
 * gradient with respect to theta is zero almost everywhere. Here the box edge is a one-mode linear
 * ramp, M(f) = clip(K - f, 0, 1) along each axis: exactly 1 inside, 0 outside, the boundary mode
 * weighted by the fractional part of K. The mask is then piecewise linear in K, so theta receives
 * a gradient through the boundary modes, and theta -> -inf closes the box exactly (M = 0).
 *
 * The image branch uses circular padding (the problems here are periodic). The LayerNorm
 * normalizes over the channels at every grid point, as the token LayerNorm of the Swin block.
 */
import { irfftn, rfftn } from "@modewise/fft/tensor";
import { Conv2d, Module, Parameter } from "@modewise/nn";
import {
  abs,
  add,
  clip,
  complex,
  defaultGenerator,
  eye,
  full,
  type Generator,
  imag,
  matmul,
  mul,
  ones,
  type RealFloatDType,
  real,
  reshape,
  rsqrt,
  ShapeError,
  sigmoid,
  slice,
  square,
  sub,
  type Tensor,
  tensor,
  tidy,
  zeros,
} from "@modewise/tensor";
import { checkDType, checkInt, checkNumber, checkOptionsObject } from "../t1/validate.js";
import { RadialBandGate } from "./band-gate.js";

export interface SpectralCoupledBlockOptions {
  channels: number;
  /** Radial bands of the gate (default 6). */
  numBands?: number;
  /** Hidden width of the gate MLP (default 128). */
  gateHidden?: number;
  /** Initial theta of the box, per axis (default 0.25, the reference code's value). */
  boxInit?: number;
  /** Std of the complex mixing matrix's real and imaginary parts (default 0.02). */
  initScale?: number;
  eps?: number;
  dtype?: RealFloatDType;
  generator?: Generator;
}

/**
 * LayerNorm over the channel axis of [b, C, h, w], with per-channel weight and bias. Centering
 * and the variance's channel mean are written as matrix products over the channel axis,
 * (I - 1 1^T / C) X and (1^T / C) X^2 on X = x viewed as [b, C, h w]: the same arithmetic as
 * mean / subtract, but the GEMM kernel replaces two full-size broadcasting passes (measured 2.3x
 * faster forward + backward at [20, 16, 16, 16]).
 */
export function channelLayerNorm(x: Tensor, weight: Tensor, bias: Tensor, eps: number): Tensor {
  return tidy(() => {
    const [b, c, h, w] = x.shape;
    const dtype = x.dtype;
    const centering = sub(eye(c, c, 0, { dtype }), full([c, c], 1 / c, { dtype }));
    const centered = matmul(centering, reshape(x, [b, c, h * w]));
    const variance = matmul(full([1, c], 1 / c, { dtype }), square(centered));
    const normalized = mul(centered, rsqrt(add(variance, eps)));
    const y = add(mul(normalized, reshape(weight, [c, 1])), reshape(bias, [c, 1]));
    return reshape(y, [b, c, h, w]);
  });
}

export class SpectralCoupledBlock extends Module {
  readonly channels: number;
  readonly dtype: RealFloatDType;
  readonly eps: number;
  /** The shared complex C x C low-frequency mixing matrix (complex64 / complex128). */
  readonly lowMix: Parameter;
  /** Box logits [theta_rows, theta_cols]; the box is sigmoid(theta) of each axis' extent. */
  readonly boxLogits: Parameter;
  readonly gate: RadialBandGate;
  /** Depthwise 3 x 3 convolution (image branch), circular padding, no bias. */
  readonly localConv: Conv2d;
  /** Pointwise linear map (image branch), as a 1 x 1 convolution. */
  readonly linear: Conv2d;
  readonly normWeight: Parameter;
  readonly normBias: Parameter;

  constructor(options: SpectralCoupledBlockOptions) {
    super();
    const fn = "SpectralCoupledBlock";
    const o = checkOptionsObject(fn, options);
    const c = checkInt(fn, "channels", o.channels, 1);
    this.channels = c;
    const numBands = checkInt(fn, "numBands", o.numBands ?? 6, 1);
    const hidden = checkInt(fn, "gateHidden", o.gateHidden ?? 128, 1);
    const boxInit = checkNumber(fn, "boxInit", o.boxInit ?? 0.25, -1e6, 1e6);
    const scale = checkNumber(fn, "initScale", o.initScale ?? 0.02, 0, Number.MAX_VALUE);
    this.eps = checkNumber(fn, "eps", o.eps ?? 1e-5, 0, 1);
    const dtype = checkDType(fn, o.dtype);
    this.dtype = dtype;
    const generator = o.generator ?? defaultGenerator();
    this.lowMix = new Parameter(
      tidy(() =>
        complex(
          generator.normal([c, c], { dtype, std: scale }),
          generator.normal([c, c], { dtype, std: scale }),
        ),
      ),
    );
    this.boxLogits = new Parameter(tensor([boxInit, boxInit], { dtype }));
    this.gate = new RadialBandGate(numBands, hidden, dtype, generator);
    this.localConv = new Conv2d(c, c, 3, {
      padding: 1,
      paddingMode: "circular",
      groups: c,
      bias: false,
      dtype,
      generator,
    });
    this.linear = new Conv2d(c, c, 1, { dtype, generator });
    this.normWeight = new Parameter(ones([c], { dtype }));
    this.normBias = new Parameter(zeros([c], { dtype }));
  }

  /** The soft low-frequency box on the [h, w/2+1] half plane, [h, wf], differentiable in theta. */
  lowMask(h: number, w: number): Tensor {
    return tidy(() => {
      const wf = Math.floor(w / 2) + 1;
      const extent = tensor([Math.floor(h / 2) + 1, wf], { dtype: this.dtype });
      const k = mul(sigmoid(this.boxLogits.value), extent); // [K1, K2]
      const rowFreq = new Float64Array(h);
      for (let i = 0; i < h; i++) rowFreq[i] = Math.min(i, h - i);
      const colFreq = new Float64Array(wf);
      for (let j = 0; j < wf; j++) colFreq[j] = j;
      const rows = clip(sub(slice(k, "0:1"), tensor(rowFreq, { dtype: this.dtype })), 0, 1);
      const cols = clip(sub(slice(k, "1:2"), tensor(colFreq, { dtype: this.dtype })), 0, 1);
      return mul(reshape(rows, [h, 1]), reshape(cols, [1, wf]));
    });
  }

  /**
   * The spectral path alone: x [b, C, h, w] -> { out: irfft2(fused) [b, C, h, w], alpha
   * [b, C, h, w/2+1] (the gate) }.
   */
  spectralPath(x: Tensor): { out: Tensor; alpha: Tensor } {
    return tidy(() => {
      const [b, c, h, w] = x.shape;
      const spec = rfftn(x, { axes: [2, 3], norm: "ortho" });
      const wf = spec.shape[3];
      const f = h * wf;
      // Work on real and imaginary parts as real tensors: the mask and the gate are real, and
      // real-by-real elementwise products take the CPU backend's fast path (complex-by-real
      // ones promote the real operand and run the generic complex loop).
      const [re, im] = [real(spec), imag(spec)];
      const mask = this.lowMask(h, w); // in [0, 1]
      const [lowRe, lowIm] = [mul(re, mask), mul(im, mask)];
      const [highRe, highIm] = [sub(re, lowRe), sub(im, lowIm)];
      // mapped = A X_low with A = Ar + i Ai, as four real [C, C] @ [b, C, F] products
      const [ar, ai] = [real(this.lowMix.value), imag(this.lowMix.value)];
      const flat = (t: Tensor) => reshape(t, [b, c, f]);
      const grid = (t: Tensor) => reshape(t, [b, c, h, wf]);
      const mappedRe = grid(sub(matmul(ar, flat(lowRe)), matmul(ai, flat(lowIm))));
      const mappedIm = grid(add(matmul(ar, flat(lowIm)), matmul(ai, flat(lowRe))));
      // |X_low| = M |X| and |X_high| = (1 - M) |X| since 0 <= M <= 1, so the gate feature
      // ||X_high| - |X_low|| = |1 - 2 M| |X| needs one complex modulus (whose gradient is 0 at 0)
      const feature = mul(abs(sub(1, mul(mask, 2))), abs(spec));
      const alpha = this.gate.forward(feature, w);
      // alpha mapped + (1 - alpha) high = high + alpha (mapped - high)
      const fusedRe = add(highRe, mul(alpha, sub(mappedRe, highRe)));
      const fusedIm = add(highIm, mul(alpha, sub(mappedIm, highIm)));
      const fused = complex(fusedRe, fusedIm);
      return { out: irfftn(fused, { s: [h, w], axes: [2, 3], norm: "ortho" }), alpha };
    });
  }

  /** x [b, C, h, w] -> [b, C, h, w]. */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.channels)
      throw new ShapeError(
        "SpectralCoupledBlock.forward",
        "x",
        `[batch, ${this.channels}, h, w]`,
        `[${x.shape.join(", ")}]`,
      );
    return tidy(() => {
      const { out } = this.spectralPath(x);
      const y = add(add(out, this.localConv.forward(x)), this.linear.forward(x));
      return channelLayerNorm(y, this.normWeight.value, this.normBias.value, this.eps);
    });
  }
}
