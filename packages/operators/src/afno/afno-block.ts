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
  eye,
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
  zeros,
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
  /**
   * Multiplier of the fan-in standard deviations of the initial weights, 1 / sqrt(2 blockSize)
   * for w1 and 1 / sqrt(2 hidden) for w2 (default 1; biases start at zero). Not AFNO's fixed 0.02: with its 768 channels in 8
   * blocks of 96, 0.02 leaves the mixer's output near the softshrink threshold 0.01; with the
   * blocks of 4-8 channels used at the sizes here, every output is ~2e-3 at initialization, the
   * softshrink zeroes all of them, its gradient is zero there and the mixer never trains (NS
   * one-step: 7.5e-2 relative L2, barely below the identity's 8.3e-2).
   */
  initScale?: number;
  /**
   * How the token grid is transformed: "fft" (rfft2 / irfft2), "dft" (dense DFT matrices and
   * block-diagonal weights, see forwardDense) or "auto" (default): "dft" for grids of at most
   * 144 tokens (12 x 12; 8 x 8 is a 32^2 field in 4 x 4 patches), where the products are small
   * and the FFT's plans, strided lines and layout copies cost more than the arithmetic.
   */
  transform?: "auto" | "fft" | "dft";
  dtype?: RealFloatDType;
  generator?: Generator;
}

/** Token grids up to this size take the dense-DFT path under transform "auto". */
const DENSE_MAX_TOKENS = 144;

export class AFNOBlock extends Module {
  readonly channels: number;
  readonly numBlocks: number;
  readonly blockSize: number;
  readonly hiddenSize: number;
  readonly sparsityThreshold: number;
  readonly hardThresholdingFraction: number;
  readonly transform: "auto" | "fft" | "dft";
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
    const scale = checkNumber(fn, "initScale", o.initScale ?? 1, 0, Number.MAX_VALUE);
    const transform = o.transform ?? "auto";
    if (transform !== "auto" && transform !== "fft" && transform !== "dft")
      throw new ValueError(fn, "transform", "'auto', 'fft' or 'dft'", String(transform));
    this.transform = transform;
    this.dtype = checkDType(fn, o.dtype);
    const gen = o.generator ?? defaultGenerator();
    const [nb, bs, hs, dtype] = [this.numBlocks, this.blockSize, this.hiddenSize, this.dtype];
    // Re and Im of W X each sum 2 * bs products of unit-variance parts (the input is
    // layer-normalized), so std 1 / sqrt(2 bs) per part keeps |W X| ~ |X|.
    const std1 = scale / Math.sqrt(2 * bs);
    const std2 = scale / Math.sqrt(2 * hs);
    this.w1 = new Parameter(gen.normal([2, nb, bs, hs], { dtype, std: std1 }));
    this.b1 = new Parameter(zeros([2, nb, 1, hs], { dtype }));
    this.w2 = new Parameter(gen.normal([2, nb, hs, bs], { dtype, std: std2 }));
    this.b2 = new Parameter(zeros([2, nb, 1, bs], { dtype }));
  }

  /**
   * The mixer's complex 2-layer MLP on (Re, Im) pairs, both paths: relu on the real and
   * imaginary parts of W1 X + b1, then softshrink(lambda) of W2 H + b2 on each part.
   */
  private complexMlp(
    [xr, xi]: [Tensor, Tensor],
    [w1r, w1i]: [Tensor, Tensor],
    [b1r, b1i]: [Tensor, Tensor],
    [w2r, w2i]: [Tensor, Tensor],
    [b2r, b2i]: [Tensor, Tensor],
  ): [Tensor, Tensor] {
    const hr = relu(add(sub(matmul(xr, w1r), matmul(xi, w1i)), b1r));
    const hi = relu(add(add(matmul(xi, w1r), matmul(xr, w1i)), b1i));
    const lambda = this.sparsityThreshold;
    return [
      softshrink(add(sub(matmul(hr, w2r), matmul(hi, w2i)), b2r), lambda),
      softshrink(add(add(matmul(hi, w2r), matmul(hr, w2i)), b2i), lambda),
    ];
  }

  /** (k1, k2) -> does mode (row k1, column k2) of an [h, wf] half spectrum keep its output? */
  private keptModeTest(h: number, wf: number): (k1: number, k2: number) => boolean {
    if (this.hardThresholdingFraction >= 1) return () => true;
    const m1 = Math.max(1, Math.ceil(this.hardThresholdingFraction * (Math.floor(h / 2) + 1)));
    const m2 = Math.max(1, Math.ceil(this.hardThresholdingFraction * wf));
    // |signed frequency| along the full first axis
    return (k1, k2) => (k1 <= h / 2 ? k1 : h - k1) < m1 && k2 < m2;
  }

  /** 1 on the kept modes of an [h, w/2+1] half spectrum, 0 elsewhere (null: all kept). */
  private keptModes(h: number, wf: number): Tensor | null {
    if (this.hardThresholdingFraction >= 1) return null;
    const keep = this.keptModeTest(h, wf);
    const data = new Float64Array(h * wf);
    for (let i = 0; i < h; i++) for (let j = 0; j < wf; j++) data[i * wf + j] = keep(i, j) ? 1 : 0;
    return tensor(data, { dtype: this.dtype, shape: [1, h, wf, 1] });
  }

  /**
   * The mixer on a small token grid with dense DFT matrices: rfft2 and irfft2 become two real
   * products each with constant [h wf, h w] / [h w, h wf] matrices (the hard threshold folded
   * into the inverse's columns), and the per-block MLP one product with block-diagonal weights
   * over all channels at once, everything channel-last: no FFT plans, no permutes, no
   * real/imaginary splits. The same function as the FFT path (the f64 reference test runs
   * both).
   */
  private forwardDense(x: Tensor): Tensor {
    return tidy(() => {
      const [b, h, w, c] = x.shape;
      const wf = Math.floor(w / 2) + 1;
      const [n, f] = [h * w, h * wf];
      const keep = this.keptModeTest(h, wf);
      const [fr, fi, ir, ii] = [
        new Float64Array(f * n),
        new Float64Array(f * n),
        new Float64Array(n * f),
        new Float64Array(n * f),
      ];
      const scale = 1 / Math.sqrt(n);
      for (let k1 = 0; k1 < h; k1++)
        for (let k2 = 0; k2 < wf; k2++) {
          const q = k1 * wf + k2;
          // irfft2 weights: the DC and Nyquist columns once, the others with their conjugates
          const cw = k2 === 0 || 2 * k2 === w ? 1 : 2;
          const kept = keep(k1, k2);
          for (let n1 = 0; n1 < h; n1++)
            for (let n2 = 0; n2 < w; n2++) {
              // angle 2 pi (k1 n1 / h + k2 n2 / w), the integer part reduced exactly
              const r = (((k1 * n1) % h) * w + ((k2 * n2) % w) * h) % n;
              const t = (2 * Math.PI * r) / n;
              const [cs, sn] = [Math.cos(t) * scale, Math.sin(t) * scale];
              const p = n1 * w + n2;
              fr[q * n + p] = cs;
              fi[q * n + p] = -sn;
              if (kept) {
                ir[p * f + q] = cw * cs;
                ii[p * f + q] = -cw * sn;
              }
            }
        }
      const dtype = this.dtype;
      const mat = (v: Float64Array, rows: number, cols: number) =>
        tensor(v, { dtype, shape: [rows, cols] });
      const tokens = reshape(x, [b, n, c]);
      const xr = matmul(mat(fr, f, n), tokens); // [b, f, C]
      const xi = matmul(mat(fi, f, n), tokens);
      const [nb, bs, hs] = [this.numBlocks, this.blockSize, this.hiddenSize];
      // block-diagonal [nb r, nb c] from [nb, r, c]: w[g, i, j] at (g r + i, g c + j)
      const diag = nb === 1 ? null : reshape(eye(nb, nb, 0, { dtype }), [nb, 1, nb, 1]);
      const blockDiag = (t: Tensor, rows: number, cols: number) =>
        diag
          ? reshape(mul(reshape(t, [nb, rows, 1, cols]), diag), [nb * rows, nb * cols])
          : reshape(t, [rows, cols]);
      const part = (t: Tensor, k: string, rows: number, cols: number) =>
        blockDiag(slice(t, k), rows, cols);
      const [w1r, w1i] = [part(this.w1.value, "0", bs, hs), part(this.w1.value, "1", bs, hs)];
      const [w2r, w2i] = [part(this.w2.value, "0", hs, bs), part(this.w2.value, "1", hs, bs)];
      const bias = (t: Tensor, k: string) => reshape(slice(t, k), [-1]);
      const [b1r, b1i] = [bias(this.b1.value, "0"), bias(this.b1.value, "1")];
      const [b2r, b2i] = [bias(this.b2.value, "0"), bias(this.b2.value, "1")];
      const [or, oi] = this.complexMlp([xr, xi], [w1r, w1i], [b1r, b1i], [w2r, w2i], [b2r, b2i]);
      const y = add(matmul(mat(ir, n, f), or), matmul(mat(ii, n, f), oi)); // [b, n, C]
      return add(reshape(y, [b, h, w, c]), x);
    });
  }

  /** x [b, h, w, C] (channel-last tokens) -> same shape. */
  forward(x: Tensor): Tensor {
    const fn = "AFNOBlock.forward";
    if (x.rank !== 4 || x.shape[3] !== this.channels)
      throw new ShapeError(fn, "x", `[batch, h, w, ${this.channels}]`, `[${x.shape.join(", ")}]`);
    const dense =
      this.transform === "dft" ||
      (this.transform === "auto" && x.shape[1] * x.shape[2] <= DENSE_MAX_TOKENS);
    if (dense) return this.forwardDense(x);
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
      const [or, oi] = this.complexMlp([xr, xi], [w1r, w1i], [b1r, b1i], [w2r, w2i], [b2r, b2i]);
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
