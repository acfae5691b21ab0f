/**
 * Loss functions with PyTorch's reductions ("mean" default, "sum", "none"), and the relative
 * Lp loss of neuraloperator (per-sample ||x - y||_p / ||y||_p).
 */
import {
  abs,
  arange,
  astype,
  DTypeError,
  div,
  equal,
  expandDims,
  flatten,
  isComplex,
  isFloat,
  logSoftmax,
  mul,
  neg,
  norm,
  notEqual,
  ShapeError,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
  ValueError,
  where,
} from "@modewise/tensor";
import { moveAxisLast, type Reduction, reduceLoss as reduce, shapeEq, show } from "./util.js";

export type { Reduction };

function sameShape(input: Tensor, target: Tensor, fn: string): void {
  if (!shapeEq(input.shape, target.shape)) {
    throw new ShapeError(fn, "target", `shape [${input.shape}] (the input's)`, show(target.shape));
  }
}

/** Mean squared error |input - target|^2 (torch.nn.functional.mse_loss; complex inputs use |.|^2). */
export function mseLoss(
  input: Tensor,
  target: Tensor,
  opts: { reduction?: Reduction } = {},
): Tensor {
  sameShape(input, target, "mseLoss");
  return tidy(() => {
    const d = sub(input, target);
    return reduce(
      isComplex(d.dtype) ? square(abs(d)) : square(d),
      opts.reduction ?? "mean",
      "mseLoss",
    );
  });
}

/** Mean absolute error |input - target| (torch.nn.functional.l1_loss). */
export function l1Loss(
  input: Tensor,
  target: Tensor,
  opts: { reduction?: Reduction } = {},
): Tensor {
  sameShape(input, target, "l1Loss");
  return tidy(() => reduce(abs(sub(input, target)), opts.reduction ?? "mean", "l1Loss"));
}

export interface RelativeLpOptions {
  /** Order of the norm (default 2). */
  p?: number;
  /**
   * Number of trailing axes forming one sample's function (neuraloperator's `d`); default all
   * axes but the first, so each batch entry is one sample.
   */
  d?: number;
  /** Over the per-sample ratios. Default "sum", as neuraloperator's LpLoss. */
  reduction?: Reduction;
}

/**
 * neuraloperator's LpLoss.rel: ||x - y||_p / ||y||_p per sample (over the trailing `d` axes,
 * flattened), then summed (default) or averaged over the remaining axes. Complex inputs use |.|.
 * A target with zero norm gives Infinity or NaN, as the reference.
 */
export function relativeLpLoss(
  input: Tensor,
  target: Tensor,
  opts: RelativeLpOptions = {},
): Tensor {
  sameShape(input, target, "relativeLpLoss");
  const p = opts.p ?? 2;
  const d = opts.d ?? Math.max(input.rank - 1, 1);
  if (!Number.isInteger(d) || d < 1 || d > input.rank) {
    throw new ValueError("relativeLpLoss", "d", `an integer in [1, ${input.rank}]`, show(opts.d));
  }
  return tidy(() => {
    const start = input.rank - d;
    const x = flatten(input, start);
    const y = flatten(target, start);
    const ratio = div(norm(sub(x, y), p, -1), norm(y, p, -1));
    return reduce(ratio, opts.reduction ?? "sum", "relativeLpLoss");
  });
}

export interface CrossEntropyOptions {
  reduction?: Reduction;
  /** Mix the target with the uniform distribution: (1 - s) * onehot + s / C (default 0). */
  labelSmoothing?: number;
  /** Targets equal to this class index contribute nothing (default -100, as torch). */
  ignoreIndex?: number;
}

/**
 * torch.nn.functional.cross_entropy on logits [N, C] (or [C], or [N, C, d1, ...]) with either
 * int32 class indices [N] ([], [N, d1, ...]) or class probabilities of the logits' shape.
 * Computed as -sum(target * logSoftmax(logits)) over the class axis. With class indices,
 * "mean" divides by the number of non-ignored targets.
 */
export function crossEntropy(
  logits: Tensor,
  target: Tensor,
  opts: CrossEntropyOptions = {},
): Tensor {
  const fn = "crossEntropy";
  const reduction = opts.reduction ?? "mean";
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1))
    throw new ValueError(fn, "labelSmoothing", "a number in [0, 1]", show(eps));
  if (!isFloat(logits.dtype) || isComplex(logits.dtype))
    throw new DTypeError(fn, "logits", "float32 or float64", logits.dtype);
  if (logits.rank < 1)
    throw new ShapeError(fn, "logits", "[C], [N, C] or [N, C, ...]", show(logits.shape));
  const classAxis = logits.rank === 1 ? 0 : 1;
  const c = logits.shape[classAxis];
  return tidy(() => {
    // Classes last: [..., C].
    const logp = moveAxisLast(logSoftmax(logits, classAxis), classAxis);
    if (isFloat(target.dtype)) {
      sameShape(logits, target, fn);
      let probs = moveAxisLast(target, classAxis);
      if (eps > 0) probs = mul(probs, 1 - eps);
      let loss = neg(sum(mul(probs, logp), -1));
      if (eps > 0) loss = sub(loss, mul(sum(logp, -1), eps / c));
      return reduce(loss, reduction, fn);
    }
    if (target.dtype !== "int32")
      throw new DTypeError(
        fn,
        "target",
        "int32 class indices or float probabilities",
        target.dtype,
      );
    const expected = logp.shape.slice(0, -1);
    if (!shapeEq(target.shape, expected))
      throw new ShapeError(fn, "target", `shape [${expected}]`, show(target.shape));
    const ignore = opts.ignoreIndex ?? -100;
    checkTargets(target, c, ignore);
    const onehot = astype(
      equal(expandDims(target, -1), arange(0, c, 1, { dtype: "int32", device: target.device })),
      logp.dtype,
    );
    const valid = notEqual(target, ignore);
    let loss = neg(sum(mul(onehot, logp), -1));
    if (eps > 0) loss = sub(mul(loss, 1 - eps), mul(sum(logp, -1), eps / c));
    loss = where(valid, loss, 0);
    if (reduction === "mean") return div(sum(loss), sum(astype(valid, logp.dtype)));
    return reduce(loss, reduction, fn);
  });
}

/** Class indices must lie in [0, C) or equal ignoreIndex (checked where the data is readable synchronously). */
function checkTargets(target: Tensor, c: number, ignore: number): void {
  if (target.device !== "cpu") return;
  const data = target.dataSync();
  for (let i = 0; i < data.length; i++) {
    const t = data[i];
    if (t !== ignore && (t < 0 || t >= c)) {
      throw new ValueError(
        "crossEntropy",
        "target",
        `class indices in [0, ${c - 1}] (or ignoreIndex ${ignore})`,
        `${t} at flat index ${i}`,
      );
    }
  }
}
