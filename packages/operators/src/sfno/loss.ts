/**
 * Relative L2 error in the Bochner norm L2(0, T; L2(torus)): per sample
 *   sqrt( mean_t ||e(t)||^2 ) / sqrt( mean_t ||y(t)||^2 )
 * (the time average of the squared spatial L2 norms over the frames). On a uniform space-time
 * grid this is the relative L2 error over all of (x, y, t), so it is computed by relativeL2Loss
 * (losses/, scaled norms); the name states the norm the SFNO is trained in. Default reduction:
 * the batch mean.
 */
import type { Tensor } from "@modewise/tensor";
import { type LossOptions, relativeL2Loss } from "../losses/relative-l2.js";

export function bochnerRelativeL2Loss(
  pred: Tensor,
  target: Tensor,
  opts: LossOptions = {},
): Tensor {
  return relativeL2Loss(pred, target, { reduction: opts.reduction ?? "mean" });
}
