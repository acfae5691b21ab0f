import { allocate, isComplex } from "../../dtype.js";
import { DTypeError, ShapeError } from "../../errors.js";
import type { KernelAttrs } from "../../kernels.js";
import { broadcastShapes, sizeOf } from "../../shape.js";
import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { type Floats, gemm, gemmComplex, transposeMatrix } from "./gemm.js";
import { broadcastOffsets } from "./indexing.js";
import { residentAddress } from "./resident.js";
import { sgemm, sgemmBatchSum, sgemmSharedA } from "./sgemm.js";
import { SGEMM_MR, SGEMM_NR } from "./sgemm-module.js";

/** M, K, N of op(A) @ op(B) for operands [..., M, K] / [..., K, N] (or transposed), and B's K. */
function productDims(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): { M: number; K: number; N: number; kB: number } {
  const ra = aShape.length;
  const rb = bShape.length;
  return {
    M: transposeA ? aShape[ra - 1] : aShape[ra - 2],
    K: transposeA ? aShape[ra - 2] : aShape[ra - 1],
    N: transposeB ? bShape[rb - 2] : bShape[rb - 1],
    kB: transposeB ? bShape[rb - 1] : bShape[rb - 2],
  };
}

/**
 * Broadcast products W @ x[b] with at most this many rows run as one product with the batch
 * folded into the columns (sgemmSharedA). Its unfolding copies M nb rows of C one by one, which
 * past ~64 rows costs more than the nb - 1 product setups it saves (measured on [20, K, 1024]
 * batches: 20 x 20 and 20 x 128 gain 7-20%, 128 x 20 loses 10%). Where C is resident and the
 * blocks are whole tiles the product writes each C_b in place (no unfolding): then any M folds.
 */
const FOLD_MAX_ROWS = 64;

function foldsInPlace(M: number, N: number, C: Float32Array): boolean {
  return residentAddress(C) >= 0 && M % SGEMM_MR === 0 && N % SGEMM_NR === 0;
}

/**
 * [..., M, K] @ [..., K, N] with broadcast batch axes. Real products hand the transposes to
 * gemm, whose packing reads either layout (no transposed copy is made); complex products
 * too for B, while a transposed complex A is copied once per batch element.
 */
export function batchMatMul(
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs["BatchMatMul"],
  be: CpuBackend,
): TensorInfo {
  return batchProduct(inputs, attrs, be, undefined);
}

/**
 * "BatchMatMulBias" (real dtypes): [..., M, K] @ [..., K, N] + bias[i] on every row i of each
 * product (inputs a, b, bias [M]): a channel MLP's layer y = W x + b in one pass. float32 W @ x[b]
 * products add the bias in the kernel's last pass over C (simd: sgemm-module.ts's epilogue,
 * the row-streaming kernel's last pass), other products in a loop after; either way each entry
 * is fl(y + b), the bits of a separate add.
 */
export function batchMatMulBias(
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs["BatchMatMul"],
  be: CpuBackend,
): TensorInfo {
  if (isComplex(inputs[0].dtype))
    throw new DTypeError("BatchMatMulBias", "a", "a real dtype", inputs[0].dtype);
  return batchProduct(inputs, attrs, be, be.values(inputs[2]) as Floats);
}

function batchProduct(
  inputs: readonly TensorInfo[],
  { transposeA, transposeB }: KernelAttrs["BatchMatMul"],
  be: CpuBackend,
  bias: Floats | undefined,
): TensorInfo {
  const [a, b] = inputs;
  const { M, K, N } = productDims(a.shape, b.shape, transposeA, transposeB);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  const nb = sizeOf(batch);
  const oa = broadcastOffsets(batchA, batch);
  const ob = broadcastOffsets(batchB, batch);
  // Real products write every element of C (sgemm and gemm, K = 0 included: C = 0), so a
  // recycled output need not be zeroed first: for [20, 128, 1024] that fill was a 10 MB pass,
  // a quarter of the product's time. Complex products keep the zeroed array.
  const { info, values } = be.alloc([...batch, M, N], a.dtype, isComplex(a.dtype));
  const out = values as Floats;
  const A = be.values(a) as Floats;
  const B = be.values(b) as Floats;
  if (!isComplex(a.dtype)) {
    // float32: the threaded WebAssembly SIMD sgemm (float32 accumulation, as tfjs and
    // PyTorch); float64: gemm.ts (float64 accumulation).
    const product = (
      m: number,
      aOff: number,
      bOff: number,
      cOff: number,
      tA: boolean,
      tB: boolean,
    ): void => {
      if (out instanceof Float32Array)
        sgemm(m, N, K, A as Float32Array, aOff, B as Float32Array, bOff, out, cOff, false, tA, tB);
      else gemm(m, N, K, A, aOff, B, bOff, out, cOff, false, tA, tB);
    };
    if (
      nb > 1 &&
      sizeOf(batchA) === 1 &&
      ob === null &&
      out instanceof Float32Array &&
      (M <= FOLD_MAX_ROWS || foldsInPlace(M, N, out)) &&
      (bias === undefined || bias instanceof Float32Array) &&
      sgemmSharedA(
        M,
        N,
        K,
        nb,
        A as Float32Array,
        0,
        B as Float32Array,
        0,
        out,
        0,
        transposeA,
        transposeB,
        bias,
      )
    )
      return info; // one A for the whole batch (W @ x): one product, the batch in its columns
    if (nb > 1 && oa === null && sizeOf(batchB) === 1 && !transposeA) {
      // One B for the whole batch (x @ W): the batch folds into M, one product packs B once.
      product(nb * M, 0, 0, 0, false, transposeB);
    } else
      for (let i = 0; i < nb; i++) {
        const ia = oa ? oa[i] : i;
        const ib = ob ? ob[i] : i;
        product(M, ia * M * K, ib * K * N, i * M * N, transposeA, transposeB);
      }
    // the bias after the products: out[i, j] + bias[i], rounded to out's dtype on store
    // (float32: the float64 sum of two float32 rounded once is their correctly rounded sum)
    if (bias !== undefined)
      for (let o = 0, at = 0; o < nb; o++)
        for (let i = 0; i < M; i++) {
          const v = bias[i];
          for (let j = 0; j < N; j++, at++) out[at] += v;
        }
    return info;
  }
  // Complex: B is read transposed in place by the packing; a transposed A is copied once per batch.
  const packA = transposeA ? (allocate(a.dtype, M * K) as Floats) : undefined;
  for (let i = 0; i < nb; i++) {
    const ia = oa ? oa[i] : i;
    const ib = ob ? ob[i] : i;
    let srcA = A;
    let offA = ia * M * K;
    if (packA) {
      transposeMatrix(A, offA, K, M, packA, 2);
      srcA = packA;
      offA = 0;
    }
    gemmComplex(M, N, K, srcA, offA, B, ib * K * N, out, i * M * N, transposeB);
  }
  return info;
}

/**
 * sum_b op(A_b) @ op(B_b) over the batch axes (both operands [..., M, K] / [..., K, N] with the
 * same batch shape; real dtypes): the gradient of a weight that multiplies every batch
 * matrix (W @ x[b]). float32 runs as one product with the batch folded into the contraction
 * (sgemmBatchSum); otherwise (float64, small products) the batch products are added to C one
 * after the other (gemm with accumulate: float64 sums within each product, C rounded to its
 * dtype after each).
 */
export function batchMatMulSum(
  inputs: readonly TensorInfo[],
  { transposeA, transposeB }: KernelAttrs["BatchMatMul"],
  be: CpuBackend,
): TensorInfo {
  const [a, b] = inputs;
  const { M, K, N, kB } = productDims(a.shape, b.shape, transposeA, transposeB);
  const nb = sizeOf(a.shape.slice(0, -2));
  if (kB !== K || sizeOf(b.shape.slice(0, -2)) !== nb || isComplex(a.dtype))
    throw new ShapeError(
      "BatchMatMulBatchSum",
      "b",
      `a real [${a.shape.slice(0, -2)}, ${transposeB ? `N, ${K}` : `${K}, N`}] operand`,
      `[${b.shape}] ${b.dtype}`,
    );
  const A = be.values(a) as Floats;
  const B = be.values(b) as Floats;
  // zeroed: the fallback accumulates into it
  const { info, values } = be.alloc([M, N], a.dtype, true);
  const out = values as Floats;
  if (
    out instanceof Float32Array &&
    sgemmBatchSum(
      M,
      N,
      K,
      nb,
      A as Float32Array,
      0,
      B as Float32Array,
      0,
      out,
      0,
      transposeA,
      transposeB,
    )
  )
    return info;
  for (let i = 0; i < nb; i++)
    gemm(M, N, K, A, i * M * K, B, i * K * N, out, 0, true, transposeA, transposeB);
  return info;
}
