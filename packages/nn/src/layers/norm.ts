/**
 * Normalization layers with PyTorch semantics: statistics over the normalized axes with the
 * biased variance (divisor N), eps added to the variance inside the square root, then an
 * optional elementwise affine map.
 */
import {
  add,
  DTypeError,
  getDefaultFloatDType,
  isComplex,
  mean,
  mul,
  reshape,
  rsqrt,
  ShapeError,
  square,
  sub,
  type Tensor,
  tidy,
} from "@modewise/tensor";
import { ones, zeros } from "../init.js";
import { Module, Parameter } from "../module.js";
import { checkInt, checkRange, realDTypeOf, show } from "../util.js";
import type { LayerOptions } from "./linear.js";

function trailingAxes(x: Tensor, shape: readonly number[], fn: string): number[] {
  const k = shape.length;
  const tail = x.shape.slice(x.rank - k);
  if (x.rank < k || tail.some((d, i) => d !== shape[i])) {
    throw new ShapeError(fn, "x", `a shape ending in [${shape}]`, show(x.shape));
  }
  if (isComplex(x.dtype)) throw new DTypeError(fn, "x", "a real dtype", x.dtype);
  return shape.map((_, i) => x.rank - k + i);
}

/** (x - mean) / sqrt(var + eps) over `axes` (biased variance, two-pass). */
function standardize(x: Tensor, axes: number[], eps: number): Tensor {
  const d = sub(x, mean(x, axes, true));
  return mul(d, rsqrt(add(mean(square(d), axes, true), eps)));
}

/** torch.nn.functional.layer_norm. */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor,
  bias?: Tensor,
  eps = 1e-5,
): Tensor {
  const axes = trailingAxes(x, normalizedShape, "layerNorm");
  return tidy(() => {
    let y = standardize(x, axes, eps);
    if (weight) y = mul(y, weight);
    if (bias) y = add(y, bias);
    return y;
  });
}

/** torch.nn.functional.rms_norm: x / sqrt(mean(x^2) + eps) * weight. eps default: machine epsilon of x's dtype. */
export function rmsNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight?: Tensor,
  eps?: number,
): Tensor {
  const axes = trailingAxes(x, normalizedShape, "rmsNorm");
  const e = eps ?? (realDTypeOf(x.dtype) === "float64" ? Number.EPSILON : 2 ** -23);
  return tidy(() => {
    const y = mul(x, rsqrt(add(mean(square(x), axes, true), e)));
    return weight ? mul(y, weight) : y;
  });
}

/** torch.nn.functional.group_norm: x [N, C, ...] normalized per sample over groups of C / G channels. */
export function groupNorm(
  x: Tensor,
  numGroups: number,
  weight?: Tensor,
  bias?: Tensor,
  eps = 1e-5,
): Tensor {
  if (x.rank < 2) throw new ShapeError("groupNorm", "x", "[N, C, ...]", show(x.shape));
  if (isComplex(x.dtype)) throw new DTypeError("groupNorm", "x", "a real dtype", x.dtype);
  const [n, c] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new ShapeError(
      "groupNorm",
      "x",
      `a channel count divisible by numGroups (${numGroups})`,
      show(x.shape),
    );
  }
  return tidy(() => {
    const grouped = reshape(x, [n, numGroups, -1]);
    let y = reshape(standardize(grouped, [2], eps), x.shape);
    const affineShape = [c, ...new Array(x.rank - 2).fill(1)];
    if (weight) y = mul(y, reshape(weight, affineShape));
    if (bias) y = add(y, reshape(bias, affineShape));
    return y;
  });
}

function normShape(s: number | readonly number[], fn: string): number[] {
  const list = typeof s === "number" ? [s] : s.slice();
  for (const [i, d] of list.entries()) checkInt(fn, `normalizedShape[${i}]`, d, 1);
  return list;
}

export interface LayerNormOptions extends Omit<LayerOptions, "generator"> {
  eps?: number;
  /** Learnable weight (ones) and bias (zeros); default true. */
  elementwiseAffine?: boolean;
  /** Learnable bias when elementwiseAffine (default true). */
  bias?: boolean;
}

/** torch.nn.LayerNorm over the trailing `normalizedShape` axes. */
export class LayerNorm extends Module {
  readonly weight: Parameter | undefined;
  readonly bias: Parameter | undefined;
  readonly normalizedShape: number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = normShape(normalizedShape, "LayerNorm");
    this.eps = checkRange("LayerNorm", "eps", opts.eps ?? 1e-5, 0, Number.POSITIVE_INFINITY);
    const init = { dtype: opts.dtype ?? getDefaultFloatDType(), device: opts.device };
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine ? new Parameter(ones(this.normalizedShape, init)) : undefined;
    this.bias =
      affine && (opts.bias ?? true) ? new Parameter(zeros(this.normalizedShape, init)) : undefined;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight?.value, this.bias?.value, this.eps);
  }
}

export interface RMSNormOptions extends Omit<LayerOptions, "generator"> {
  /** Default undefined: the machine epsilon of the input's dtype, as torch. */
  eps?: number;
  elementwiseAffine?: boolean;
}

/** torch.nn.RMSNorm (Zhang & Sennrich 2019) over the trailing `normalizedShape` axes. */
export class RMSNorm extends Module {
  readonly weight: Parameter | undefined;
  readonly normalizedShape: number[];
  readonly eps: number | undefined;

  constructor(normalizedShape: number | readonly number[], opts: RMSNormOptions = {}) {
    super();
    this.normalizedShape = normShape(normalizedShape, "RMSNorm");
    this.eps =
      opts.eps === undefined
        ? undefined
        : checkRange("RMSNorm", "eps", opts.eps, 0, Number.POSITIVE_INFINITY);
    const affine = opts.elementwiseAffine ?? true;
    this.weight = affine
      ? new Parameter(
          ones(this.normalizedShape, {
            dtype: opts.dtype ?? getDefaultFloatDType(),
            device: opts.device,
          }),
        )
      : undefined;
  }

  forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight?.value, this.eps);
  }
}

export interface GroupNormOptions extends Omit<LayerOptions, "generator"> {
  eps?: number;
  /** Per-channel weight (ones) and bias (zeros); default true. */
  affine?: boolean;
}

/** torch.nn.GroupNorm (Wu & He 2018): x [N, C, ...], C divisible by numGroups. */
export class GroupNorm extends Module {
  readonly weight: Parameter | undefined;
  readonly bias: Parameter | undefined;
  readonly eps: number;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    opts: GroupNormOptions = {},
  ) {
    super();
    checkInt("GroupNorm", "numGroups", numGroups, 1);
    checkInt("GroupNorm", "numChannels", numChannels, 1);
    if (numChannels % numGroups !== 0) {
      throw new ShapeError(
        "GroupNorm",
        "numChannels",
        `a multiple of numGroups (${numGroups})`,
        show(numChannels),
      );
    }
    this.eps = checkRange("GroupNorm", "eps", opts.eps ?? 1e-5, 0, Number.POSITIVE_INFINITY);
    const init = { dtype: opts.dtype ?? getDefaultFloatDType(), device: opts.device };
    const affine = opts.affine ?? true;
    this.weight = affine ? new Parameter(ones([numChannels], init)) : undefined;
    this.bias = affine ? new Parameter(zeros([numChannels], init)) : undefined;
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(
        "GroupNorm.forward",
        "x",
        `[N, ${this.numChannels}, ...]`,
        show(x.shape),
      );
    }
    return groupNorm(x, this.numGroups, this.weight?.value, this.bias?.value, this.eps);
  }
}
