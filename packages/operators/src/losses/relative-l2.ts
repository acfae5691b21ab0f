/**
 * Relative L2 error, neuraloperator's LpLoss(p=2) semantics: per sample ||pred - target|| /
 * ||target|| over every axis but the batch axis (the grid-spacing factors of its absolute norm
 * cancel in the ratio), then summed over the batch ("sum", neuraloperator's default), averaged
 * ("mean") or returned per sample ("none"). Norms are scaled (stable-norm.ts).
 */
import { type Reduction, reduceLoss } from "@modewise/nn";
import { div, ShapeError, sub, type Tensor, tidy } from "@modewise/tensor";
import { sampleNorms } from "./stable-norm.js";

/** "sum" (the default here, neuraloperator's), "mean" or "none": nn's Reduction. */
export type LossReduction = Reduction;

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

/** The per-sample values reduced as `reduction` asks (default "sum", neuraloperator's). */
export function reduceSamples(
  fn: string,
  perSample: Tensor,
  reduction: LossReduction | undefined,
): Tensor {
  return reduceLoss(perSample, reduction ?? "sum", fn);
}

export function relativeL2Loss(pred: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  checkPair("relativeL2Loss", pred, target);
  return tidy(() =>
    reduceSamples(
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
