/**
 * BatchMatMul on the wasm backend. float32: the tensor core's hand-written WebAssembly SIMD sgemm
 * ("@modewise/tensor/cpu-kernels", threaded, float32 accumulation) straight on the backend's
 * Float32Arrays, executor "wasm-gemm". complex64 (no complex sgemm there): the CPU backend's
 * complex gemm through the reported fallback of cpu-fallback.ts (executor "cpu-kernel").
 */
import { matmul, reshape, sizeOf, swapAxes, type TensorInfo } from "@modewise/tensor";
import { sgemm, sgemmAvailable } from "@modewise/tensor/cpu-kernels";
import { type LinalgHost, recordExecutor } from "../kernels/linalg-host.js";
import { matMulGeometry } from "../kernels/matmul-geometry.js";
import { hostValues, onCpu } from "./cpu-fallback.js";

/** The executor name of the tensor core's WebAssembly SIMD kernels. */
export const WASM_GEMM_EXECUTOR = "wasm-gemm";

/** Returns undefined for dtypes this path does not take (the caller uses gpu.js then). */
export function wasmBatchMatMul(
  host: LinalgHost,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  outShape?: number[],
  op = "BatchMatMul",
): TensorInfo | undefined {
  if (a.dtype === "float32" && sgemmAvailable()) {
    const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
    const { M, N, K } = g;
    const nb = sizeOf(g.batch);
    const A = hostValues(host, a);
    const B = hostValues(host, b);
    const C = new Float32Array(nb * M * N);
    const sharedB = g.offsetsB.every((o) => o === 0);
    const stackedA = g.offsetsA.every((o, i) => o === i * M * K);
    if (nb > 1 && sharedB && stackedA && !transposeA) {
      // x @ W with one W: the batch folds into the rows of a single product.
      sgemm(nb * M, N, K, A, 0, B, 0, C, 0, false, false, transposeB);
    } else {
      for (let i = 0; i < nb; i++)
        sgemm(
          M,
          N,
          K,
          A,
          g.offsetsA[i],
          B,
          g.offsetsB[i],
          C,
          i * M * N,
          false,
          transposeA,
          transposeB,
        );
    }
    recordExecutor(op, WASM_GEMM_EXECUTOR);
    return host.adopt(C, outShape ?? [...g.batch, M, N], "float32");
  }
  if (a.dtype !== "float32" && a.dtype !== "complex64") return undefined;
  return onCpu(op, host, [a, b], ([x, y]) => {
    const c = matmul(transposeA ? swapAxes(x, -1, -2) : x, transposeB ? swapAxes(y, -1, -2) : y);
    return outShape ? reshape(c, outShape) : c;
  });
}
