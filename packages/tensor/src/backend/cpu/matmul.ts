import { allocate, isComplex } from "../../dtype.js";
import type { KernelAttrs } from "../../kernels.js";
import { broadcastShapes, sizeOf } from "../../shape.js";
import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { type Floats, gemm, gemmComplex, transposeMatrix } from "./gemm.js";
import { broadcastOffsets } from "./indexing.js";
import { sgemm } from "./sgemm.js";

/**
 * [..., M, K] @ [..., K, N] with broadcast batch axes. Real products hand the transposes to
 * gemm, whose packing reads either layout (no transposed copy is made); complex products
 * too for B, while a transposed complex A is copied once per batch element.
 */
export function batchMatMul(
  inputs: readonly TensorInfo[],
  { transposeA, transposeB }: KernelAttrs["BatchMatMul"],
  be: CpuBackend,
): TensorInfo {
  const [a, b] = inputs;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShapes(batchA, batchB);
  const nb = sizeOf(batch);
  const oa = broadcastOffsets(batchA, batch);
  const ob = broadcastOffsets(batchB, batch);
  const { info, values } = be.alloc([...batch, M, N], a.dtype);
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
    if (nb > 1 && oa === null && sizeOf(batchB) === 1 && !transposeA) {
      // One B for the whole batch (x @ W): the batch folds into M, one product packs B once.
      product(nb * M, 0, 0, 0, false, transposeB);
      return info;
    }
    for (let i = 0; i < nb; i++) {
      const ia = oa ? oa[i] : i;
      const ib = ob ? ob[i] : i;
      product(M, ia * M * K, ib * K * N, i * M * N, transposeA, transposeB);
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
