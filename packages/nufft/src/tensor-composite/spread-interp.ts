/**
 * Spreading (type 1) and interpolation (type 2) on the flattened fine grid with the weights of
 * weights.ts. They are transposes of each other, like gather and scatterAdd:
 *   interp:  c[..., j] = sum_e W[j, e] b[..., I[j, e]]          gather, multiply, sum
 *   spread:  b[..., p] = sum_{(j, e): I[j, e] = p} W[j, e] c[..., j]   multiply, scatterAdd
 * with I, W of shape (M, w^d) and the fine grid flattened to P = prod nf_a entries. A batch
 * (...) shares the points. Autograd differentiates both w.r.t. the data (through gather /
 * scatterAdd) and the points (through W).
 */
import { expandDims, gather, mul, scatterAdd, sum, type Tensor } from "@modewise/tensor";
import type { SpreadWeights } from "./weights.js";

/** c (..., M) complex -> fine grid (..., P). */
export function spreadToGrid(c: Tensor, sw: SpreadWeights, gridSize: number): Tensor {
  const batchRank = c.rank - 1;
  const updates = mul(expandDims(c, -1), sw.weights); // (..., M, w^d)
  return scatterAdd(updates, sw.indices, gridSize, batchRank);
}

/** fine grid (..., P) complex -> values at the points (..., M). */
export function interpFromGrid(grid: Tensor, sw: SpreadWeights): Tensor {
  const batchRank = grid.rank - 1;
  const taken = gather(grid, sw.indices, batchRank); // (..., M, w^d)
  return sum(mul(taken, sw.weights), -1);
}
