/**
 * Running a trained model on physical fields: normalize, forward in batches, de-normalize. The
 * one place that turns the network's output into a field, for training (`fieldOf`, tensors) and
 * for eval / predict / rollout / report (`predict`, float64): a field model's output is the
 * normalized field; an increment model's (Normalization.increment set) is the normalized
 * increment, added to the input.
 */
import { type Module, relativeLpLoss } from "@modewise/nn";
import {
  add,
  div,
  mul,
  noGrad,
  sqrt,
  square,
  sum,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { range } from "./batches.js";
import { type Normalization, normalizeTo32 } from "./data.js";
import type { BuiltModel } from "./models.js";

export type Forward = Module & { forward(x: Tensor): Tensor };

/**
 * The physical field from a normalized input `x` and a network output `out` (both tensors of
 * the training layout). Applied to a normalized target it gives the physical target.
 */
export function fieldOf(x: Tensor, out: Tensor, norm: Normalization): Tensor {
  const inc = norm.increment;
  if (!inc) return add(mul(out, norm.y.std), norm.y.mean);
  return add(add(mul(x, norm.x.std), norm.x.mean), add(mul(out, inc.std), inc.mean));
}

/**
 * The training loss of every model: the mean over the batch of the relative L2 error of the
 * PHYSICAL field (not of the normalized output, and for an increment model not of the increment:
 * that would weight samples by 1 / ||increment|| instead of 1 / ||field||), from normalized
 * inputs and targets. It is also what eval reports.
 *
 * T1 computes it in frequency space with no inverse transform: its error is in normalized
 * units (the scalar normalization's mean only moves the DC coefficient, and cancels in the
 * difference), so the denominator is the physical field's norm divided by the normalization's
 * std, computed on the grid (Parseval).
 */
export function trainingLoss(
  built: BuiltModel,
  norm: Normalization,
): (x: Tensor, y: Tensor) => Tensor {
  const { module, frequencyLoss } = built;
  if (frequencyLoss) {
    const scale = (norm.increment ?? norm.y).std;
    return (x, y) =>
      tidy(() => {
        const axes = Array.from({ length: y.rank - 1 }, (_, i) => i + 1);
        const referenceNorm = div(sqrt(sum(square(fieldOf(x, y, norm)), axes)), scale);
        return frequencyLoss(x, y, { referenceNorm });
      });
  }
  return (x, y) =>
    tidy(() =>
      relativeLpLoss(fieldOf(x, module.forward(x), norm), fieldOf(x, y, norm), {
        reduction: "mean",
      }),
    );
}

/** Predictions [n, ...yShape] in float64 for inputs x [n, ...xShape] (physical units). */
export function predict(
  model: Forward,
  x: Float64Array,
  n: number,
  xShape: number[],
  norm: Normalization,
  batchSize = 20,
): Float64Array {
  const xs = normalizeTo32(x, norm.x);
  const chunks: Float32Array[] = [];
  let total = 0;
  for (let from = 0; from < n; from += batchSize) {
    const to = Math.min(n, from + batchSize);
    const out = tidy(() =>
      noGrad(() => model.forward(range(xs, xShape, from, to)).dataSync() as Float32Array),
    );
    chunks.push(out);
    total += out.length;
  }
  const y = new Float64Array(total);
  // The increment is added to the float64 input, so the f32 rounding of the network touches
  // only the (small) increment, not the field.
  const scale = norm.increment ?? norm.y;
  let offset = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) y[offset + i] = (c[i] as number) * scale.std + scale.mean;
    offset += c.length;
  }
  if (norm.increment) {
    if (x.length !== total)
      throw new ValueError(
        "predict",
        "x",
        `${total} values (an increment model maps a field to a field of the same shape)`,
        `${x.length} values`,
      );
    for (let i = 0; i < total; i++) y[i] = (y[i] as number) + (x[i] as number);
  }
  return y;
}
