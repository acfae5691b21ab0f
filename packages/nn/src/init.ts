/**
 * Initializers with torch.nn.init's formulas (fans, gains, bounds). Each returns a new tensor
 * of the given shape drawn from `generator` (default: the tensor package's default generator,
 * reseeded by `manualSeed`). Assign it to a parameter with `param.assign(init.xavierUniform(param.shape))`.
 *
 * The random streams are Philox (see @modewise/tensor), so values differ from PyTorch's for the
 * same seed; the distributions are the same.
 */
import {
  type ComplexDType,
  DTypeError,
  defaultGenerator,
  type FloatDType,
  full,
  type Generator,
  getDefaultFloatDType,
  isComplex,
  isFloat,
  type Tensor,
  ValueError,
} from "@modewise/tensor";
import { show } from "./util.js";

export interface InitOptions {
  /** Default: the tensor package's default float dtype (float32 unless changed). */
  dtype?: FloatDType;
  /** Random stream; default `defaultGenerator()`. */
  generator?: Generator;
  device?: string;
}

export type Nonlinearity =
  | "linear"
  | "conv1d"
  | "conv2d"
  | "conv3d"
  | "sigmoid"
  | "tanh"
  | "relu"
  | "leaky_relu"
  | "selu";

export type FanMode = "fan_in" | "fan_out";

function dtypeOf(opts: InitOptions, fn: string): FloatDType {
  const d = opts.dtype ?? getDefaultFloatDType();
  if (!isFloat(d)) throw new DTypeError(fn, "dtype", "a floating or complex dtype", show(d));
  return d;
}

function gen(opts: InitOptions): Generator {
  return opts.generator ?? defaultGenerator();
}

/**
 * torch.nn.init.calculate_gain: 1 for linear/conv/sigmoid, 5/3 for tanh, sqrt(2) for relu,
 * sqrt(2 / (1 + slope^2)) for leaky_relu (slope `param`, default 0.01), 3/4 for selu.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv1d":
    case "conv2d":
    case "conv3d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || Number.isNaN(slope)) {
        throw new ValueError("calculateGain", "param", "a number (negative slope)", show(param));
      }
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new ValueError(
        "calculateGain",
        "nonlinearity",
        "one of linear, conv1d, conv2d, conv3d, sigmoid, tanh, relu, leaky_relu, selu",
        show(nonlinearity),
      );
  }
}

/**
 * torch's _calculate_fan_in_and_fan_out: for a weight [out, in, ...kernel],
 * fanIn = in * prod(kernel), fanOut = out * prod(kernel). Needs at least 2 dimensions.
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ValueError(
      "computeFans",
      "shape",
      "at least 2 dimensions ([out, in, ...kernel])",
      show(shape),
    );
  }
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

function fanFor(shape: readonly number[], mode: FanMode, fn: string): number {
  if (mode !== "fan_in" && mode !== "fan_out")
    throw new ValueError(fn, "mode", "'fan_in' or 'fan_out'", show(mode));
  const { fanIn, fanOut } = computeFans(shape);
  return mode === "fan_in" ? fanIn : fanOut;
}

/** U[low, high) (both parts for complex dtypes). */
export function uniform(
  shape: readonly number[],
  opts: InitOptions & { low?: number; high?: number } = {},
): Tensor {
  const dtype = dtypeOf(opts, "init.uniform");
  return gen(opts).uniform(shape, {
    dtype,
    device: opts.device,
    low: opts.low ?? 0,
    high: opts.high ?? 1,
  });
}

/** N(mean, std^2). For complex dtypes the complex normal with E|z - mean|^2 = std^2. */
export function normal(
  shape: readonly number[],
  opts: InitOptions & { mean?: number; std?: number } = {},
): Tensor {
  const dtype = dtypeOf(opts, "init.normal");
  return gen(opts).normal(shape, {
    dtype,
    device: opts.device,
    mean: opts.mean ?? 0,
    std: opts.std ?? 1,
  });
}

export function constant(shape: readonly number[], value: number, opts: InitOptions = {}): Tensor {
  return full(shape, value, { dtype: dtypeOf(opts, "init.constant"), device: opts.device });
}

export function zeros(shape: readonly number[], opts: InitOptions = {}): Tensor {
  return constant(shape, 0, opts);
}

export function ones(shape: readonly number[], opts: InitOptions = {}): Tensor {
  return constant(shape, 1, opts);
}

/** Glorot & Bengio (2010): U(-a, a), a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform(
  shape: readonly number[],
  opts: InitOptions & { gain?: number } = {},
): Tensor {
  const { fanIn, fanOut } = computeFans(shape);
  const std = (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return uniform(shape, { ...opts, low: -a, high: a });
}

/** Glorot & Bengio (2010): N(0, std^2), std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal(
  shape: readonly number[],
  opts: InitOptions & { gain?: number } = {},
): Tensor {
  const { fanIn, fanOut } = computeFans(shape);
  return normal(shape, { ...opts, std: (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)) });
}

export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU after this layer (only with leaky_relu; default 0). */
  a?: number;
  mode?: FanMode;
  /** Default "leaky_relu", as torch. */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(shape: readonly number[], opts: KaimingOptions, fn: string): number {
  const fan = fanFor(shape, opts.mode ?? "fan_in", fn);
  const gain = calculateGain(opts.nonlinearity ?? "leaky_relu", opts.a ?? 0);
  return gain / Math.sqrt(fan);
}

/** He et al. (2015): U(-b, b), b = gain * sqrt(3 / fan). torch's Linear/Conv default is a = sqrt(5). */
export function kaimingUniform(shape: readonly number[], opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(shape, opts, "init.kaimingUniform");
  return uniform(shape, { ...opts, low: -bound, high: bound });
}

/** He et al. (2015): N(0, std^2), std = gain / sqrt(fan). */
export function kaimingNormal(shape: readonly number[], opts: KaimingOptions = {}): Tensor {
  return normal(shape, { ...opts, std: kaimingStd(shape, opts, "init.kaimingNormal") });
}

function complexDType(opts: InitOptions, fn: string): ComplexDType {
  const d = opts.dtype ?? (getDefaultFloatDType() === "float64" ? "complex128" : "complex64");
  if (!isComplex(d)) throw new DTypeError(fn, "dtype", "complex64 or complex128", show(d));
  return d;
}

/**
 * scale * (u + i v) with u, v independent U[low, high) (default [0, 1)): the original FNO
 * spectral weights, `scale * torch.rand(in, out, m1, m2, dtype=torch.cfloat)` with
 * scale = 1 / (in * out) (Li et al. 2021).
 */
export function complexUniform(
  shape: readonly number[],
  opts: InitOptions & { scale?: number; low?: number; high?: number } = {},
): Tensor {
  const dtype = complexDType(opts, "init.complexUniform");
  const scale = opts.scale ?? 1;
  const low = opts.low ?? 0;
  const high = opts.high ?? 1;
  const lo = Math.min(scale * low, scale * high);
  const hi = Math.max(scale * low, scale * high);
  return gen(opts).uniform(shape, { dtype, device: opts.device, low: lo, high: hi });
}

/**
 * Complex normal with real and imaginary parts independent N(0, std^2 / 2), so E|z|^2 = std^2:
 * what `weight.normal_(0, std)` does on a complex tensor in PyTorch, the neuraloperator
 * SpectralConv init with std = sqrt(2 / (in + out)).
 */
export function complexNormal(
  shape: readonly number[],
  opts: InitOptions & { std?: number } = {},
): Tensor {
  const dtype = complexDType(opts, "init.complexNormal");
  return gen(opts).normal(shape, { dtype, device: opts.device, std: opts.std ?? 1 });
}
