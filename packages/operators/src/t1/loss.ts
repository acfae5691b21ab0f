/**
 * T1's training loss, computed in frequency space.
 *
 * The orthonormal DCT-II is an orthogonal map, so by Parseval ||y||_2 = ||Y||_2 with
 * Y = dct(y), and for a prediction whose spectrum is zero outside the kept block K
 * (what `decode` produces):
 *
 *   ||decode(P) - y||^2 = sum_{k in K} |P_k - Y_k|^2  +  sum_{k not in K} |Y_k|^2.
 *
 * The second term (the target's energy in the truncated modes) does not depend on the model:
 * it is a floor no T1 with these modes can go below, and it contributes nothing to the
 * gradient. Keeping it makes the loss below EXACTLY the spatial relative L2 error of the decoded
 * prediction, per sample,
 *
 *   sqrt( ||P - Y_K||^2 + ||Y_{not K}||^2 ) / ||Y||,
 *
 * so numbers compare one-to-one with the other models' relative L2, while no inverse
 * transform is ever run. (`includeTruncated: false` drops the floor, giving the relative L2
 * of the kept modes only, sqrt(||P - Y_K||^2) / ||Y||.)
 */
import { type Reduction, reduceLoss } from "@modewise/nn";
import {
  add,
  div,
  ShapeError,
  slice,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tidy,
} from "@modewise/tensor";

export interface T1LossOptions {
  /** "mean" (default) or "sum" over the batch, or "none" for per-sample values. */
  reduction?: Reduction;
  /** Add the target's energy in the truncated modes (default true: the exact spatial error). */
  includeTruncated?: boolean;
  /**
   * The spectrum whose norm is the denominator (default targetHat). A model that predicts an
   * increment y - x compares with targetHat = dct(y) - dct(x) but is normalized by ||dct(y)||.
   */
  referenceHat?: Tensor;
  /**
   * Per-sample denominators [batch], in the units of the coefficients (T1.frequencyLoss takes
   * them on x's grid and rescales), replacing ||referenceHat||: the loss is then the error's
   * norm over referenceNorm, not a relative L2 of the target. For a network that works on
   * normalized data, this makes the loss the relative error of the physical field: the app
   * passes ||physical target|| / std, computed on the grid (Parseval: the grid norm equals the
   * coefficient norm, so no transform is needed).
   */
  referenceNorm?: Tensor;
}

/**
 * Relative L2 error in frequency space. `predHat` [b, c, m1, m2] holds the kept orthonormal DCT
 * coefficients of a prediction; `targetHat` [b, c, H, W] the full orthonormal DCT of the target
 * (H >= m1, W >= m2), on the same scale.
 */
export function t1FrequencyRelativeL2(
  predHat: Tensor,
  targetHat: Tensor,
  opts: T1LossOptions = {},
): Tensor {
  const fn = "t1FrequencyRelativeL2";
  if (predHat.rank !== 4 || targetHat.rank !== 4)
    throw new ShapeError(
      fn,
      predHat.rank !== 4 ? "predHat" : "targetHat",
      "a 4-D tensor [batch, channels, modes1, modes2]",
      `[${(predHat.rank !== 4 ? predHat : targetHat).shape.join(", ")}]`,
    );
  const [b, c, m1, m2] = predHat.shape;
  const [tb, tc, h, w] = targetHat.shape;
  if (tb !== b || tc !== c || h < m1 || w < m2)
    throw new ShapeError(
      fn,
      "targetHat",
      `[${b}, ${c}, >= ${m1}, >= ${m2}] (predHat is [${predHat.shape.join(", ")}])`,
      `[${targetHat.shape.join(", ")}]`,
    );
  const ref = opts.referenceHat ?? targetHat;
  if (ref.shape.join() !== targetHat.shape.join())
    throw new ShapeError(
      fn,
      "referenceHat",
      `[${targetHat.shape.join(", ")}] (targetHat's shape)`,
      `[${ref.shape.join(", ")}]`,
    );
  const refNorm = opts.referenceNorm;
  if (refNorm !== undefined && (refNorm.rank !== 1 || refNorm.shape[0] !== b))
    throw new ShapeError(
      fn,
      "referenceNorm",
      `[${b}] (one norm per sample)`,
      `[${refNorm.shape.join(", ")}]`,
    );
  return tidy(() => {
    const kept = slice(targetHat, `:, :, :${m1}, :${m2}`);
    let errSq = sum(square(sub(predHat, kept)), [1, 2, 3]);
    if (opts.includeTruncated ?? true) {
      // the two disjoint pieces of the complement of the kept block, summed exactly (no
      // total-minus-kept cancellation)
      const below = sum(square(slice(targetHat, `:, :, ${m1}:, :`)), [1, 2, 3]);
      const right = sum(square(slice(targetHat, `:, :, :${m1}, ${m2}:`)), [1, 2, 3]);
      errSq = add(errSq, add(below, right));
    }
    const denominator = refNorm ?? sqrt(sum(square(ref), [1, 2, 3]));
    const perSample = div(sqrt(errSq), denominator);
    return reduceLoss(perSample, opts.reduction ?? "mean", fn);
  });
}
