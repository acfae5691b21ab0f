/** Conv1d / Conv2d / Conv3d modules over the tensor package's convolutions (PyTorch layout). */
import {
  conv1d,
  conv2d,
  conv3d,
  getDefaultFloatDType,
  pad,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { computeFans, kaimingUniform, uniform } from "../init.js";
import { Module, Parameter } from "../module.js";
import { checkInt, show } from "../util.js";
import type { LayerOptions } from "./linear.js";

export type PaddingMode = "zeros" | "reflect" | "circular";

export interface ConvLayerOptions extends LayerOptions {
  stride?: number | number[];
  /** Symmetric padding per axis (a number for all), or "valid" / "same" (stride 1 only, as torch). */
  padding?: number | number[] | "valid" | "same";
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
  /** How padded values are made (torch's padding_mode); default "zeros". */
  paddingMode?: PaddingMode;
}

const CONV = { 1: conv1d, 2: conv2d, 3: conv3d } as const;

function tuple(
  v: number | number[] | undefined,
  n: number,
  dflt: number,
  fn: string,
  arg: string,
): number[] {
  const list =
    v === undefined
      ? new Array(n).fill(dflt)
      : typeof v === "number"
        ? new Array(n).fill(v)
        : v.slice();
  if (list.length !== n || list.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new ValueError(fn, arg, `a non-negative integer or ${n} of them`, show(v));
  }
  return list;
}

/**
 * Shared implementation. Initialization as torch's _ConvNd.reset_parameters: weight
 * kaiming_uniform(a = sqrt(5)) and bias U(-1/sqrt(fanIn), 1/sqrt(fanIn)), with
 * fanIn = in / groups * prod(kernel).
 */
export abstract class ConvNd extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly padding: number[] | "valid" | "same";
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  protected constructor(
    private readonly spatial: 1 | 2 | 3,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | number[],
    opts: ConvLayerOptions,
  ) {
    super();
    const fn = `Conv${spatial}d`;
    checkInt(fn, "inChannels", inChannels, 1);
    checkInt(fn, "outChannels", outChannels, 1);
    this.kernelSize = tuple(kernelSize, spatial, 1, fn, "kernelSize");
    if (this.kernelSize.some((k) => k < 1))
      throw new ValueError(fn, "kernelSize", "positive sizes", show(kernelSize));
    this.stride = tuple(opts.stride, spatial, 1, fn, "stride");
    this.dilation = tuple(opts.dilation, spatial, 1, fn, "dilation");
    const p = opts.padding ?? 0;
    this.padding = p === "valid" || p === "same" ? p : tuple(p, spatial, 0, fn, "padding");
    this.groups = opts.groups ?? 1;
    if (
      !Number.isInteger(this.groups) ||
      this.groups < 1 ||
      inChannels % this.groups ||
      outChannels % this.groups
    ) {
      throw new ValueError(
        fn,
        "groups",
        `a positive divisor of inChannels (${inChannels}) and outChannels (${outChannels})`,
        show(opts.groups),
      );
    }
    if (p === "same" && this.stride.some((s) => s !== 1)) {
      throw new ValueError(fn, "padding", "'same' only with stride 1 (as torch)", show(p));
    }
    this.paddingMode = opts.paddingMode ?? "zeros";
    if (!["zeros", "reflect", "circular"].includes(this.paddingMode)) {
      throw new ValueError(
        fn,
        "paddingMode",
        "'zeros', 'reflect' or 'circular'",
        show(opts.paddingMode),
      );
    }
    const shape = [outChannels, inChannels / this.groups, ...this.kernelSize];
    const init = {
      dtype: opts.dtype ?? getDefaultFloatDType(),
      generator: opts.generator,
      device: opts.device,
    };
    this.weight = new Parameter(kaimingUniform(shape, { ...init, a: Math.sqrt(5) }));
    const { fanIn } = computeFans(shape);
    const bound = 1 / Math.sqrt(fanIn);
    this.bias =
      (opts.bias ?? true)
        ? new Parameter(uniform([outChannels], { ...init, low: -bound, high: bound }))
        : undefined;
  }

  /** [before, after] per spatial axis. */
  private pairs(): [number, number][] {
    if (this.padding === "valid") return this.kernelSize.map(() => [0, 0]);
    if (this.padding === "same") {
      return this.kernelSize.map((k, i) => {
        const total = this.dilation[i] * (k - 1);
        return [Math.floor(total / 2), total - Math.floor(total / 2)];
      });
    }
    return this.padding.map((q) => [q, q]);
  }

  forward(x: Tensor): Tensor {
    const conv = CONV[this.spatial];
    const common = {
      stride: this.stride,
      dilation: this.dilation,
      groups: this.groups,
      bias: this.bias?.value,
    };
    if (this.paddingMode === "zeros") {
      return conv(x, this.weight.value, { ...common, padding: this.pairs() });
    }
    const mode = this.paddingMode;
    return tidy(() =>
      conv(pad(x, this.pairs(), { mode }), this.weight.value, { ...common, padding: 0 }),
    );
  }
}

/** torch.nn.Conv1d: x [B, Cin, L] -> [B, Cout, Lout]. */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | number[],
    opts: ConvLayerOptions = {},
  ) {
    super(1, inChannels, outChannels, kernelSize, opts);
  }
}

/** torch.nn.Conv2d: x [B, Cin, H, W] -> [B, Cout, Hout, Wout]. */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | number[],
    opts: ConvLayerOptions = {},
  ) {
    super(2, inChannels, outChannels, kernelSize, opts);
  }
}

/** torch.nn.Conv3d: x [B, Cin, D, H, W] -> [B, Cout, Dout, Hout, Wout]. */
export class Conv3d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | number[],
    opts: ConvLayerOptions = {},
  ) {
    super(3, inChannels, outChannels, kernelSize, opts);
  }
}
