import { isComplex } from "../dtype.js";
import { conj } from "../ops/complex.js";
import { sum } from "../ops/reduction.js";
import { reshape } from "../ops/shape.js";
import { shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";

/** Sum a broadcast gradient back to the shape of the operand it came from. */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length ? sum(g, axes, true) : g;
  return reshape(s, shape);
}

/** conj(t) for complex t, t itself for real: the factor PyTorch's convention puts in every product rule. */
export function conjIf(t: Tensor): Tensor {
  return isComplex(t.dtype) ? conj(t) : t;
}
