import { allocate, isComplex } from "../../dtype.js";
import type { KernelAttrs } from "../../kernels.js";
import { broadcastShapes, sizeOf } from "../../shape.js";
import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { type Floats, gemm, gemmComplex, transposeMatrix } from "./gemm.js";
import { broadcastOffsets } from "./indexing.js";

/** [..., M, K] @ [..., K, N] with broadcast batch axes; transposes are packed first. */
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
  const complex = isComplex(a.dtype);
  const c = complex ? 2 : 1;
  const packA = transposeA ? (allocate(a.dtype, M * K) as Floats) : undefined;
  const packB = transposeB ? (allocate(b.dtype, K * N) as Floats) : undefined;
  for (let i = 0; i < nb; i++) {
    const ia = oa ? oa[i] : i;
    const ib = ob ? ob[i] : i;
    let srcA = A;
    let offA = ia * M * K;
    let srcB = B;
    let offB = ib * K * N;
    if (packA) {
      transposeMatrix(A, offA, K, M, packA, c);
      srcA = packA;
      offA = 0;
    }
    if (packB) {
      transposeMatrix(B, offB, N, K, packB, c);
      srcB = packB;
      offB = 0;
    }
    if (complex) gemmComplex(M, N, K, srcA, offA, srcB, offB, out, i * M * N);
    else gemm(M, N, K, srcA, offA, srcB, offB, out, i * M * N);
  }
  return info;
}
