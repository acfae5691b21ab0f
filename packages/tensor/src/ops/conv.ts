/** Convolutions in PyTorch's layout and semantics (cross-correlation, channels first). */
import { isComplex, isFloat, promoteTypes } from "../dtype.js";
import { DTypeError, ShapeError, show, ValueError } from "../errors.js";
import type { ConvAttrs } from "../kernels.js";
import type { Tensor } from "../tensor.js";
import { add } from "./elementwise.js";
import { cast, op, run, type TensorLike, toTensor } from "./op.js";
import { reshape } from "./shape.js";

export interface ConvOptions {
  /** Per spatial axis or one number for all (default 1). */
  stride?: number | readonly number[];
  /**
   * Zero padding: a number or one per axis (symmetric), [before, after] pairs per axis,
   * "valid" (none) or "same" (output size = ceil(input / stride), extra on the after side).
   */
  padding?: number | readonly number[] | readonly (readonly [number, number])[] | "valid" | "same";
  dilation?: number | readonly number[];
  /** Channel groups; groups = in channels gives a depthwise convolution. */
  groups?: number;
  /** Optional [outChannels] bias. */
  bias?: TensorLike;
}

function perAxis(
  v: number | readonly number[] | undefined,
  n: number,
  fn: string,
  arg: string,
  min: number,
): number[] {
  const list =
    v === undefined
      ? new Array(n).fill(1)
      : typeof v === "number"
        ? new Array(n).fill(v)
        : v.slice();
  if (list.length !== n || list.some((s) => !Number.isInteger(s) || s < min)) {
    throw new ValueError(fn, arg, `${n} integer(s) >= ${min}`, show(v));
  }
  return list;
}

export function resolveConvAttrs(
  xShape: readonly number[],
  wShape: readonly number[],
  opts: ConvOptions,
  fn: string,
): ConvAttrs {
  const s = xShape.length - 2;
  const strides = perAxis(opts.stride, s, fn, "stride", 1);
  const dilations = perAxis(opts.dilation, s, fn, "dilation", 1);
  const groups = opts.groups ?? 1;
  let padding: [number, number][];
  const p = opts.padding ?? 0;
  if (p === "valid") padding = new Array(s).fill([0, 0]);
  else if (p === "same") {
    padding = xShape.slice(2).map((n, i) => {
      const k = (wShape[i + 2] - 1) * dilations[i] + 1;
      const out = Math.ceil(n / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + k - n);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  } else if (typeof p === "number") padding = perAxis(p, s, fn, "padding", 0).map((v) => [v, v]);
  else if (p.length === s && p.every((q) => typeof q === "number"))
    padding = perAxis(p as number[], s, fn, "padding", 0).map((v) => [v, v]);
  else {
    padding = (p as readonly (readonly [number, number])[]).map((q) => [q[0], q[1]]);
    if (padding.length !== s || padding.flat().some((v) => !Number.isInteger(v) || v < 0)) {
      throw new ValueError(fn, "padding", `${s} non-negative [before, after] pairs`, show(p));
    }
  }
  if (
    !Number.isInteger(groups) ||
    groups < 1 ||
    xShape[1] % groups !== 0 ||
    wShape[0] % groups !== 0
  ) {
    throw new ValueError(
      fn,
      "groups",
      `a positive divisor of in (${xShape[1]}) and out (${wShape[0]}) channels`,
      show(groups),
    );
  }
  if (wShape[1] * groups !== xShape[1]) {
    throw new ShapeError(
      fn,
      "weight",
      `[out, ${xShape[1] / groups}, ...kernel] for ${xShape[1]} input channels and groups=${groups}`,
      show(wShape),
    );
  }
  xShape.slice(2).forEach((n, i) => {
    const eff = n + padding[i][0] + padding[i][1] - dilations[i] * (wShape[i + 2] - 1);
    if (eff < 1)
      throw new ShapeError(
        fn,
        "x",
        `spatial size >= the dilated kernel (${dilations[i] * (wShape[i + 2] - 1) + 1}) after padding`,
        show(xShape),
      );
  });
  return { strides, padding, dilations, groups };
}

function convN(spatial: 1 | 2 | 3, x: TensorLike, weight: TensorLike, opts: ConvOptions): Tensor {
  const fn = `conv${spatial}d`;
  return op(() => {
    let X = toTensor(x, fn, "x");
    let W = toTensor(weight, fn, "weight", X.dtype);
    if (X.rank !== spatial + 2)
      throw new ShapeError(
        fn,
        "x",
        `rank ${spatial + 2} [batch, channels, ...${spatial} spatial]`,
        show(X.shape),
      );
    if (W.rank !== spatial + 2)
      throw new ShapeError(
        fn,
        "weight",
        `rank ${spatial + 2} [out, in/groups, ...kernel]`,
        show(W.shape),
      );
    const dtype = promoteTypes(X.dtype, W.dtype);
    if (!isFloat(dtype) || isComplex(dtype))
      throw new DTypeError(fn, "x", "float32 or float64", dtype);
    X = cast(X, dtype, fn);
    W = cast(W, dtype, fn);
    const attrs = resolveConvAttrs(X.shape, W.shape, opts, fn);
    let out = run("Conv", [X, W], attrs, fn);
    if (opts.bias !== undefined) {
      const b = cast(toTensor(opts.bias, fn, "bias", dtype), dtype, fn);
      if (b.rank !== 1 || b.shape[0] !== W.shape[0])
        throw new ShapeError(fn, "bias", `shape [${W.shape[0]}]`, show(b.shape));
      out = add(out, reshape(b, [W.shape[0], ...new Array(spatial).fill(1)]));
    }
    return out;
  })();
}

/** x [B, Cin, L], weight [Cout, Cin/groups, K] -> [B, Cout, Lout]. */
export const conv1d = (x: TensorLike, weight: TensorLike, opts: ConvOptions = {}): Tensor =>
  convN(1, x, weight, opts);
/** x [B, Cin, H, W], weight [Cout, Cin/groups, kH, kW] -> [B, Cout, Hout, Wout]. */
export const conv2d = (x: TensorLike, weight: TensorLike, opts: ConvOptions = {}): Tensor =>
  convN(2, x, weight, opts);
/** x [B, Cin, D, H, W], weight [Cout, Cin/groups, kD, kH, kW] -> [B, Cout, Dout, Hout, Wout]. */
export const conv3d = (x: TensorLike, weight: TensorLike, opts: ConvOptions = {}): Tensor =>
  convN(3, x, weight, opts);
