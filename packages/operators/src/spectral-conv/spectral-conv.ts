/**
 * SpectralConv (Li et al. 2020; neuraloperator's SpectralConv): the global convolution of a
 * Fourier layer. x -> irfftn( P_H( W . box(rfftn(x)) ) ) + bias, with
 *   - rfftn over the d spatial axes (differentiable, @modewise/fft/tensor),
 *   - box(.): the kept low frequencies (modes.ts documents the convention),
 *   - W .: per-mode complex channel mixing (spectralMix), W dense or CP/Tucker factorized,
 *   - P_H: Hermitian projection of the DC and Nyquist columns of the last axis (box.ts),
 *   - irfftn back to the input's grid (every bin outside the box is zero).
 * Any grid that holds the box works, so weights trained at one resolution evaluate at another.
 */
import { fft, ifft, irfft, rfft } from "@modewise/fft/tensor";
import { init, Module, Parameter } from "@modewise/nn";
import {
  type ComplexDType,
  type Generator,
  getDefaultFloatDType,
  pad,
  type RealFloatDType,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { embedAxis, extractAxis, hermitianProject, sliceAxis } from "./box.js";
import { boxDFT, boxDFTApplies, boxIDFT } from "./box-dft.js";
import { CPWeight, TuckerWeight } from "./factorized.js";
import { boxShape, checkModes, checkSpectralInput } from "./modes.js";
import { addSpectralBias } from "./spectral-bias.js";
import { spectralMix } from "./spectral-mix.js";

export type Factorization = "cp" | "tucker";

export interface SpectralConvOptions {
  inChannels: number;
  outChannels: number;
  /** Legacy mode counts per spatial axis (1 to 3 axes); see modes.ts. */
  modes: number[];
  /** Learnable bias [out, 1, ..., 1] added after the inverse transform (default true, as neuraloperator). */
  bias?: boolean;
  /** null (dense, default), "cp" or "tucker". */
  factorization?: Factorization | null;
  /** CP rank, or Tucker rank (per mode, or one number capped at each mode's size). */
  rank?: number | number[];
  /** "float32" (default: the tensor package's default float dtype) or "float64". */
  dtype?: RealFloatDType;
  generator?: Generator;
}

function checkPositiveInt(fn: string, name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1)
    throw new ValueError(fn, name, "a positive integer", String(v));
  return v as number;
}

let lastPath: "box-dft" | "fft" | null = null;

/**
 * The transforms the last SpectralConv.forward ran: "box-dft" (float32 1-D / 2-D on a backend
 * with the box kernels: DFT matrix products to and from the kept box, box-dft.ts) or "fft" (the
 * pruned FFTs of @modewise/fft; every other case). null before the first call. Lets tests and
 * benchmarks assert the path they measure.
 */
export function lastSpectralConvPath(): "box-dft" | "fft" | null {
  return lastPath;
}

/**
 * Initialization (neuraloperator's current default, `init_std="auto"`): complex normal weights
 * with total standard deviation sqrt(2 / (in + out)) (real and imaginary parts each
 * sqrt(1 / (in + out))), bias N(0, 2 / (in + out)).
 */
export class SpectralConv extends Module {
  readonly weight: Parameter | CPWeight | TuckerWeight;
  readonly bias: Parameter | undefined;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modes: readonly number[];
  readonly dtype: RealFloatDType;

  constructor(opts: SpectralConvOptions) {
    super();
    const fn = "SpectralConv";
    if (opts === null || typeof opts !== "object")
      throw new ValueError(fn, "opts", "an options object", String(opts));
    this.inChannels = checkPositiveInt(fn, "inChannels", opts.inChannels);
    this.outChannels = checkPositiveInt(fn, "outChannels", opts.outChannels);
    this.modes = checkModes(fn, opts.modes);
    const dtype = opts.dtype ?? (getDefaultFloatDType() as RealFloatDType);
    if (dtype !== "float32" && dtype !== "float64")
      throw new ValueError(fn, "dtype", '"float32" or "float64"', String(dtype));
    this.dtype = dtype;
    const cdtype: ComplexDType = dtype === "float32" ? "complex64" : "complex128";
    const std = Math.sqrt(2 / (this.inChannels + this.outChannels));
    const shape = [this.inChannels, this.outChannels, ...boxShape(this.modes)];
    const factorization = opts.factorization ?? null;
    if (factorization === null)
      this.weight = new Parameter(
        init.complexNormal(shape, { std, dtype: cdtype, generator: opts.generator }),
      );
    else if (factorization === "cp")
      this.weight = new CPWeight(shape, checkPositiveInt(fn, "rank", opts.rank ?? 8), {
        std,
        dtype: cdtype,
        generator: opts.generator,
      });
    else if (factorization === "tucker") {
      const rank = opts.rank ?? 8;
      this.weight = new TuckerWeight(shape, rank, {
        std,
        dtype: cdtype,
        generator: opts.generator,
      });
    } else
      throw new ValueError(fn, "factorization", 'null, "cp" or "tucker"', String(factorization));
    this.bias =
      (opts.bias ?? true)
        ? new Parameter(
            init.normal([this.outChannels, ...this.modes.map(() => 1)], {
              std,
              dtype,
              generator: opts.generator,
            }),
          )
        : undefined;
  }

  /** The dense complex weight [in, out, ...box] (rebuilt from the factors when factorized). */
  denseWeight(): Tensor {
    return this.weight instanceof Parameter ? this.weight.value : this.weight.forward();
  }

  /** [batch, in, ...spatial] -> [batch, out, ...spatial]. */
  forward(x: Tensor): Tensor {
    checkSpectralInput("SpectralConv.forward", x.shape, this.inChannels, this.modes);
    return tidy(() => {
      const grid = x.shape.slice(2);
      const d = grid.length;
      const last = d + 1;
      const dense = boxDFTApplies(x, this.modes);
      lastPath = dense ? "box-dft" : "fft";
      if (dense) {
        // 1-D / 2-D float32 on the CPU: the transforms to and from the box as DFT matrix products
        // (box-dft.ts), one kernel each way, forward and backward.
        let box = hermitianProject(
          spectralMix(boxDFT(x, this.modes), this.denseWeight()),
          this.modes,
          grid,
        );
        if (this.bias !== undefined) box = addSpectralBias(box, this.bias.value, this.modes, grid);
        return boxIDFT(box, this.modes, grid);
      }
      // rfftn, pruned: the real FFT along the last axis, keep its m_d columns; then, axis by
      // axis from the innermost leading one, the complex FFT and the kept 2 m_i bins, so each
      // FFT runs only on what the previous axes kept.
      let t = sliceAxis(rfft(x, { axis: last }), last, 0, this.modes[d - 1]);
      for (let a = d - 2; a >= 0; a--)
        t = extractAxis(fft(t, { axis: a + 2 }), a + 2, this.modes[a]);
      let mixed = hermitianProject(spectralMix(t, this.denseWeight()), this.modes, grid);
      // The bias is constant in space: added to the zero-frequency bin as b * N (the inverse
      // transform divides by N), which costs a box-sized add instead of a grid-sized one.
      if (this.bias !== undefined)
        mixed = addSpectralBias(mixed, this.bias.value, this.modes, grid);
      // irfftn, pruned likewise in reverse: zero-embed and inverse FFT one leading axis at a
      // time, then the inverse real FFT along the last axis.
      let yHat = mixed;
      for (let a = 0; a < d - 1; a++)
        yHat = ifft(embedAxis(yHat, a + 2, this.modes[a], grid[a]), { axis: a + 2 });
      // Zero-extend the m_d columns to n_d / 2 + 1 explicitly: measured faster than letting
      // irfft resize its input (its R_in path), forward and backward.
      const half = (grid[d - 1] >> 1) + 1;
      const widths: [number, number][] = yHat.shape.map((_, i) => [
        0,
        i === last ? half - this.modes[d - 1] : 0,
      ]);
      return irfft(pad(yHat, widths), { axis: last, n: grid[d - 1] });
    });
  }
}
