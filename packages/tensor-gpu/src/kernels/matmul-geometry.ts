/** Sizes and batch offsets of a BatchMatMul, shared by the gpu.js and WGSL kernels. */
import { broadcastShapes, ShapeError, sizeOf } from "@modewise/tensor";

/** Sizes of one batched product, resolved from the operands' shapes and the transposes. */
export interface MatMulGeometry {
  M: number;
  N: number;
  K: number;
  batch: number[];
  /** Element offsets (in elements, not floats) of each batch matrix of A and B. */
  offsetsA: Int32Array;
  offsetsB: Int32Array;
}

/** Batch offsets of an operand broadcast to `batch` (numpy rules: size-1 axes repeat). */
function batchOffsets(
  operandBatch: readonly number[],
  batch: readonly number[],
  matrixSize: number,
): Int32Array {
  const total = sizeOf(batch);
  const out = new Int32Array(total);
  const rank = batch.length;
  const lead = rank - operandBatch.length;
  // Stride (in matrices) of each output batch axis in the operand; 0 where broadcast.
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = operandBatch.length - 1; i >= 0; i--) {
    strides[i + lead] = operandBatch[i] === 1 ? 0 : s;
    s *= operandBatch[i];
  }
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let off = 0;
    for (let ax = rank - 1; ax >= 0; ax--) {
      off += (rest % batch[ax]) * strides[ax];
      rest = Math.floor(rest / batch[ax]);
    }
    out[flat] = off * matrixSize;
  }
  return out;
}

export function matMulGeometry(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulGeometry {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2)
    throw new ShapeError(
      "BatchMatMul",
      "inputs",
      "operands of rank >= 2",
      `shapes [${aShape}] and [${bShape}]`,
    );
  const M = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const K = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const Kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const N = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (K !== Kb)
    throw new ShapeError(
      "BatchMatMul",
      "b",
      `an inner size ${K} matching a [${aShape}]`,
      `shape [${bShape}]`,
    );
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  return {
    M,
    N,
    K,
    batch,
    offsetsA: batchOffsets(batchA, batch, M * K),
    offsetsB: batchOffsets(batchB, batch, K * N),
  };
}
