/** Running a trained model on physical fields: normalize, forward in batches, de-normalize. */
import type { Module } from "@modewise/nn";
import { noGrad, type Tensor, tidy } from "@modewise/tensor";
import { range } from "./batches.js";
import { type Normalization, normalizeTo32 } from "./data.js";

export type Forward = Module & { forward(x: Tensor): Tensor };

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
  let offset = 0;
  for (const c of chunks) {
    for (let i = 0; i < c.length; i++) y[offset + i] = (c[i] as number) * norm.y.std + norm.y.mean;
    offset += c.length;
  }
  return y;
}
