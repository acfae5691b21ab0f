/**
 * The AFNO token mixer (Guibas et al. 2021, "Adaptive Fourier Neural Operators"), on a
 * channel-last token grid x [b, h, w, C]:
 *
 *   X = rfft2(x) over (h, w), orthonormal;
 *   channels split into `numBlocks` blocks of C / numBlocks; at every kept frequency the same
 *   complex 2-layer MLP acts on each block (block-diagonal complex weights, shared over
 *   frequencies):  O = W2 relu(W1 X + b1) + b2, with relu applied to the real and imaginary parts
 *   separately (the paper's "complex ReLU");
 *   softshrink(lambda) on the real and imaginary parts: sparsifies the spectrum;
 *   optional hard thresholding: only the lowest `hardThresholdingFraction` of the modes per axis
 *   keep an output (the rest are zero);
 *   y = irfft2(O) + x  (the mixer's own residual).
 *
 * Complex weights are stored as (real, imaginary) pairs along a leading axis of size 2, and the
 * complex products are spelled out with real matrix products: one batched GEMM per block, shared
 * by every frequency. Cost O(h w C log(h w) + h w C^2 / numBlocks): linear in the token count up
 * to the log.
 */
import { irfftn, rfftn } from "@modewise/fft/tensor";
import { Module, Parameter } from "@modewise/nn";
import {
  add,
  complex,
  defaultGenerator,
  type Generator,
  imag,
  matmul,
  mul,
  permute,
  type RealFloatDType,
  real,
  relu,
  reshape,
  ShapeError,
  slice,
  softshrink,
  sub,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { checkDType, checkInt, checkNumber, checkOptionsObject } from "../t1/validate.js";

export interface AFNOBlockOptions {
  /** Channels C (must be divisible by numBlocks). */
  channels: number;
  /** Number of channel blocks (default 8, as AFNO; must divide channels). */
  numBlocks?: number;
  /** Hidden size of the per-block MLP as a multiple of the block size (default 1). */
  hiddenSizeFactor?: number;
  /** Softshrink threshold on the real and imaginary parts (default 0.01). */
  sparsityThreshold?: number;
  /** Fraction of the modes per axis that keep an output (default 1: all). */
  hardThresholdingFraction?: number;
  /** Standard deviation of the initial weights (default 0.02, as AFNO). */
  initScale?: number;
  dtype?: RealFloatDType;
  generator?: Generator;
}

export class AFNOBlock extends Module {
  readonly channels: number;
  readonly numBlocks: number;
  readonly blockSize: number;
  readonly hiddenSize: number;
  readonly sparsityThreshold: number;
  readonly hardThresholdingFraction: number;
  readonly dtype: RealFloatDType;
  /** [2 (re, im), numBlocks, blockSize, hidden]. */
  readonly w1: Parameter;
  /** [2, numBlocks, 1, hidden]. */
  readonly b1: Parameter;
  /** [2, numBlocks, hidden, blockSize]. */
  readonly w2: Parameter;
  /** [2, numBlocks, 1, blockSize]. */
  readonly b2: Parameter;

  constructor(options: AFNOBlockOptions) {
    super();
    const fn = "AFNOBlock";
    const o = checkOptionsObject(fn, options);
    this.channels = checkInt(fn, "channels", o.channels, 1);
    this.numBlocks = checkInt(fn, "numBlocks", o.numBlocks ?? Math.min(8, this.channels), 1);
    if (this.channels % this.numBlocks !== 0)
      throw new ValueError(
        fn,
        "numBlocks",
        `a divisor of channels (${this.channels})`,
        String(this.numBlocks),
      );
    this.blockSize = this.channels / this.numBlocks;
    this.hiddenSize = this.blockSize * checkInt(fn, "hiddenSizeFactor", o.hiddenSizeFactor ?? 1, 1);
    this.sparsityThreshold = checkNumber(
      fn,
      "sparsityThreshold",
      o.sparsityThreshold ?? 0.01,
      0,
      Number.MAX_VALUE,
    );
    this.hardThresholdingFraction = checkNumber(
      fn,
      "hardThresholdingFraction",
      o.hardThresholdingFraction ?? 1,
      Number.MIN_VALUE,
      1,
    );
    const scale = checkNumber(fn, "initScale", o.initScale ?? 0.02, 0, Number.MAX_VALUE);
    this.dtype = checkDType(fn, o.dtype);
    const gen = o.generator ?? defaultGenerator();
    const [nb, bs, hs, dtype] = [this.numBlocks, this.blockSize, this.hiddenSize, this.dtype];
    this.w1 = new Parameter(gen.normal([2, nb, bs, hs], { dtype, std: scale }));
    this.b1 = new Parameter(gen.normal([2, nb, 1, hs], { dtype, std: scale }));
    this.w2 = new Parameter(gen.normal([2, nb, hs, bs], { dtype, std: scale }));
    this.b2 = new Parameter(gen.normal([2, nb, 1, bs], { dtype, std: scale }));
  }

  /** 1 on the kept modes of an [h, w/2+1] half spectrum, 0 elsewhere (null: all kept). */
  private keptModes(h: number, wf: number): Tensor | null {
    if (this.hardThresholdingFraction >= 1) return null;
    const k1 = Math.max(1, Math.ceil(this.hardThresholdingFraction * (Math.floor(h / 2) + 1)));
    const k2 = Math.max(1, Math.ceil(this.hardThresholdingFraction * wf));
    const data = new Float64Array(h * wf);
    for (let i = 0; i < h; i++) {
      const f = i <= h / 2 ? i : h - i; // |signed frequency| along the full axis
      for (let j = 0; j < wf; j++) data[i * wf + j] = f < k1 && j < k2 ? 1 : 0;
    }
    return tensor(data, { dtype: this.dtype, shape: [1, h, wf, 1] });
  }

  /** x [b, h, w, C] (channel-last tokens) -> same shape. */
  forward(x: Tensor): Tensor {
    const fn = "AFNOBlock.forward";
    if (x.rank !== 4 || x.shape[3] !== this.channels)
      throw new ShapeError(fn, "x", `[batch, h, w, ${this.channels}]`, `[${x.shape.join(", ")}]`);
    return tidy(() => {
      const [b, h, w] = x.shape;
      const spec = rfftn(x, { axes: [1, 2], norm: "ortho" });
      const wf = spec.shape[2];
      const p = b * h * wf;
      const [nb, bs] = [this.numBlocks, this.blockSize];
      // [p, nb, bs] -> [nb, p, bs]: one GEMM per block, shared by every frequency
      const blocks = (t: Tensor) => permute(reshape(t, [p, nb, bs]), [1, 0, 2]);
      const xr = blocks(real(spec));
      const xi = blocks(imag(spec));
      const [w1r, w1i] = [slice(this.w1.value, "0"), slice(this.w1.value, "1")];
      const [b1r, b1i] = [slice(this.b1.value, "0"), slice(this.b1.value, "1")];
      const [w2r, w2i] = [slice(this.w2.value, "0"), slice(this.w2.value, "1")];
      const [b2r, b2i] = [slice(this.b2.value, "0"), slice(this.b2.value, "1")];
      const hr = relu(add(sub(matmul(xr, w1r), matmul(xi, w1i)), b1r));
      const hi = relu(add(add(matmul(xi, w1r), matmul(xr, w1i)), b1i));
      const lambda = this.sparsityThreshold;
      const or = softshrink(add(sub(matmul(hr, w2r), matmul(hi, w2i)), b2r), lambda);
      const oi = softshrink(add(add(matmul(hi, w2r), matmul(hr, w2i)), b2i), lambda);
      // back to [b, h, wf, C]; the hard threshold multiplies the real parts (a real-by-real
      // product, the fast path) before they are joined into the complex spectrum
      const mask = this.keptModes(h, wf);
      const back = (t: Tensor) => {
        const grid = reshape(permute(t, [1, 0, 2]), [b, h, wf, this.channels]);
        return mask ? mul(grid, mask) : grid;
      };
      const out = complex(back(or), back(oi));
      return add(irfftn(out, { s: [h, w], axes: [1, 2], norm: "ortho" }), x);
    });
  }
}
