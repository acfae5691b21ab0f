/**
 * Relative L2 error, neuraloperator's LpLoss(p=2) semantics: per sample ||pred - target|| /
 * ||target|| over every axis but the batch axis (the grid-spacing factors of its absolute norm
 * cancel in the ratio), then summed over the batch ("sum", neuraloperator's default), averaged
 * ("mean") or returned per sample ("none"). Norms are scaled (stable-norm.ts).
 */
import { div, mean, ShapeError, sub, sum, type Tensor, tidy, ValueError } from "@modewise/tensor";
import { sampleNorms } from "./stable-norm.js";

export type LossReduction = "sum" | "mean" | "none";

export interface LossOptions {
  reduction?: LossReduction;
}

export function checkPair(fn: string, pred: Tensor, target: Tensor): void {
  if (pred.shape.length < 2 || pred.shape.join() !== target.shape.join())
    throw new ShapeError(
      fn,
      "target",
      `the shape of 'pred' [${pred.shape.join(", ")}] (rank >= 2, batch first)`,
      `[${target.shape.join(", ")}]`,
    );
}

export function reduce(
  fn: string,
  perSample: Tensor,
  reduction: LossReduction | undefined,
): Tensor {
  const r = reduction ?? "sum";
  if (r === "none") return perSample;
  if (r === "sum") return sum(perSample);
  if (r === "mean") return mean(perSample);
  throw new ValueError(fn, "reduction", '"sum", "mean" or "none"', String(r));
}

export function relativeL2Loss(pred: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  checkPair("relativeL2Loss", pred, target);
  return tidy(() =>
    reduce(
      "relativeL2Loss",
      div(sampleNorms(sub(pred, target)), sampleNorms(target)),
      opts.reduction,
    ),
  );
}

/** Per-sample relative L2 error (a metric): shape [batch]. */
export function relativeL2(pred: Tensor, target: Tensor): Tensor {
  return relativeL2Loss(pred, target, { reduction: "none" });
}
