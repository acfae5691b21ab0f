/**
 * Spectral convolution over (x, y, t) with temporal resampling (Spectral-Refiner's SFNO layer):
 *
 *   y = (T_out / T_in) irfftn_{(X, Y, T_out)}( P_H( W . box( rfftn_{(X, Y, T_in)}(x) ) ) ) + bias
 *
 * Time is the LAST (rfft) axis, so the kept box is +/-m_x, +/-m_y and the first m_t temporal
 * bins (the mode convention of SpectralConv, spectral-conv/modes.ts). The inverse transform uses
 * a different length T_out along time than the forward one: the kept temporal frequencies are
 * re-synthesised on T_out equispaced frames over the same period, i.e. band-limited (Fourier)
 * interpolation. The factor T_out / T_in undoes the 1/n of the unnormalized inverse so that a
 * signal constant in time keeps its amplitude (with T_out = T_in this is exactly SpectralConv).
 * Works for any grid with X >= 2 m_x, Y >= 2 m_y, T_in, T_out >= 2 (m_t - 1).
 */
import { fftn, ifftn, irfft, rfft } from "@modewise/fft/tensor";
import { init, Module, Parameter } from "@modewise/nn";
import {
  add,
  type ComplexDType,
  type Generator,
  mul,
  type RealFloatDType,
  ShapeError,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { embedBox, extractBox, hermitianProject, sliceAxis } from "../spectral-conv/box.js";
import { spectralMix } from "../spectral-conv/spectral-mix.js";

export interface SpaceTimeSpectralConvOptions {
  inChannels: number;
  outChannels: number;
  /** [m_x, m_y, m_t]: +/-m_x, +/-m_y and m_t temporal rfft bins. */
  modes: readonly number[];
  /** Default number of output frames (per call overridable); default: the input's. */
  outSteps?: number;
  bias?: boolean;
  dtype?: RealFloatDType;
  generator?: Generator;
}

/** An integer >= 1, or a ValueError naming fn and the argument. */
export function positiveInt(fn: string, name: string, v: unknown): number {
  if (!Number.isInteger(v) || (v as number) < 1)
    throw new ValueError(fn, name, "a positive integer", String(v));
  return v as number;
}

export class SpaceTimeSpectralConv extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly modes: readonly [number, number, number];
  readonly outSteps: number | undefined;
  readonly dtype: RealFloatDType;

  constructor(opts: SpaceTimeSpectralConvOptions) {
    super();
    const fn = "SpaceTimeSpectralConv";
    if (opts === null || typeof opts !== "object")
      throw new ValueError(fn, "opts", "an options object", String(opts));
    this.inChannels = positiveInt(fn, "inChannels", opts.inChannels);
    this.outChannels = positiveInt(fn, "outChannels", opts.outChannels);
    if (!Array.isArray(opts.modes) || opts.modes.length !== 3)
      throw new ValueError(fn, "modes", "three mode counts [m_x, m_y, m_t]", String(opts.modes));
    const m = opts.modes.map((v, i) => positiveInt(fn, `modes[${i}]`, v));
    this.modes = [m[0], m[1], m[2]];
    this.outSteps =
      opts.outSteps === undefined ? undefined : positiveInt(fn, "outSteps", opts.outSteps);
    const dtype = opts.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64")
      throw new ValueError(fn, "dtype", '"float32" or "float64"', String(dtype));
    this.dtype = dtype;
    const cdtype: ComplexDType = dtype === "float32" ? "complex64" : "complex128";
    // neuraloperator's default: complex normal with total std sqrt(2 / (in + out))
    const std = Math.sqrt(2 / (this.inChannels + this.outChannels));
    this.weight = new Parameter(
      init.complexNormal([this.inChannels, this.outChannels, 2 * m[0], 2 * m[1], m[2]], {
        std,
        dtype: cdtype,
        generator: opts.generator,
      }),
    );
    this.bias =
      (opts.bias ?? true)
        ? new Parameter(
            init.normal([this.outChannels, 1, 1, 1], { std, dtype, generator: opts.generator }),
          )
        : undefined;
  }

  /** Validates x [b, in, X, Y, T_in] and the output length; returns T_out. */
  checkInput(fn: string, x: Tensor, outSteps: number | undefined): number {
    const s = x.shape;
    if (s.length !== 5 || s[1] !== this.inChannels)
      throw new ShapeError(fn, "x", `[batch, ${this.inChannels}, X, Y, T]`, `[${s.join(", ")}]`);
    if (x.dtype !== this.dtype)
      throw new ValueError(fn, "x", `dtype ${this.dtype} (the layer's)`, x.dtype);
    const [mx, my, mt] = this.modes;
    const tOut = outSteps ?? this.outSteps ?? s[4];
    positiveInt(fn, "outSteps", tOut);
    if (s[2] < 2 * mx || s[3] < 2 * my || Math.floor(s[4] / 2) + 1 < mt)
      throw new ShapeError(
        fn,
        "x",
        `X >= ${2 * mx}, Y >= ${2 * my}, T >= ${2 * (mt - 1)} for modes [${this.modes.join(", ")}]`,
        `[${s.join(", ")}]`,
      );
    if (Math.floor(tOut / 2) + 1 < mt)
      throw new ValueError(fn, "outSteps", `>= ${2 * (mt - 1)} for m_t = ${mt}`, String(tOut));
    return tOut;
  }

  /** [b, in, X, Y, T_in] -> [b, out, X, Y, T_out]. */
  forward(x: Tensor, outSteps?: number): Tensor {
    const tOut = this.checkInput("SpaceTimeSpectralConv.forward", x, outSteps);
    return tidy(() => {
      const [, , nx, ny, tIn] = x.shape;
      const outGrid = [nx, ny, tOut];
      // pruned rfftn: real FFT in time, then FFTs over x, y of the m_t kept bins only
      let xHat = sliceAxis(rfft(x, { axis: 4 }), 4, 0, this.modes[2]);
      xHat = fftn(xHat, { axes: [2, 3] });
      let mixed = spectralMix(extractBox(xHat, this.modes), this.weight.value);
      if (tOut !== tIn) mixed = mul(mixed, tOut / tIn);
      mixed = hermitianProject(mixed, this.modes, outGrid);
      const yHat = ifftn(embedBox(mixed, this.modes, outGrid), { axes: [2, 3] });
      const y = irfft(yHat, { axis: 4, n: tOut });
      return this.bias === undefined ? y : add(y, this.bias.value);
    });
  }
}
