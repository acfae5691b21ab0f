/** Mini-batches: shuffled sample order per epoch and gathering samples into tensors. */
import { Generator, type Tensor, tensor } from "@modewise/tensor";

/**
 * The sample order of `epoch`: a Fisher-Yates shuffle driven by stream epoch + 1 of
 * Generator(seed). It depends only on (seed, epoch), so a resumed run sees the same order.
 */
export function epochOrder(n: number, seed: number, epoch: number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const u = new Generator(seed, epoch + 1).uniforms(n, "float64");
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((u[i] as number) * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

/** Samples `indices` of a [N, ...sampleShape] float32 array, copied into one array. */
export function gatherRows(
  data: Float32Array,
  sampleShape: number[],
  indices: ArrayLike<number>,
): Float32Array {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(indices.length * size);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    out.set(data.subarray(i * size, (i + 1) * size), k * size);
  }
  return out;
}

/** Samples `indices` of a [N, ...sampleShape] float32 array as a tensor [b, ...sampleShape]. */
export function gather(
  data: Float32Array,
  sampleShape: number[],
  indices: ArrayLike<number>,
): Tensor {
  return tensor(gatherRows(data, sampleShape, indices), {
    shape: [indices.length, ...sampleShape],
    dtype: "float32",
  });
}

/** A contiguous range [from, to) as a tensor. */
export function range(data: Float32Array, sampleShape: number[], from: number, to: number): Tensor {
  const size = sampleShape.reduce((a, b) => a * b, 1);
  return tensor(data.slice(from * size, to * size), {
    shape: [to - from, ...sampleShape],
    dtype: "float32",
  });
}
