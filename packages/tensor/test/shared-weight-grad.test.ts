/**
 * Gradients of a weight shared by a batch of products (W @ x[b], a channel MLP or 1x1
 * convolution on [b, C, L]): dW = sum_b dy_b op(x_b)^T, computed on the CPU as ONE product with
 * the batch folded into the contraction (kernel BatchMatMulBatchSum): the SIMD dot kernel for
 * small M and N, the folded sgemm product otherwise, gemm's float64 sums for float64.
 * References: the same sums in float64 by direct loops; finite differences for the gradient and
 * for a Hessian-vector product through it. Bounds: float32 dot products of n = batch x L terms,
 * |err| <= gamma_n 2^-24 sum |a||b| (gamma_n ~ n u; we use n u + 2 u); float64 likewise with
 * 2^-53.
 */
import { gradientsOf, matmul, memory, mul, sum, type Tensor, tidy } from "@modewise/tensor";
import { cpuKernelInfo } from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "./helpers.js";

/**
 * dW[i, k] = sum_{b, n} dy[b, i, n] X_b[k, n] in float64, with |terms| summed, for
 * y = matmul(W, x, { transposeA, transposeB }) (op(x_b) = x_b or x_b^T).
 */
function reference(
  dy: Float64Array | Float32Array,
  x: Float64Array | Float32Array,
  S: number,
  M: number,
  K: number,
  N: number,
  transposeB: boolean,
): { value: Float64Array; magnitude: Float64Array } {
  const value = new Float64Array(M * K);
  const magnitude = new Float64Array(M * K);
  for (let b = 0; b < S; b++)
    for (let i = 0; i < M; i++)
      for (let k = 0; k < K; k++) {
        let s = 0;
        let m = 0;
        for (let n = 0; n < N; n++) {
          // op(x_b)[k, n]: x_b stored [K, N], or [N, K] when transposeB
          const xv = transposeB ? x[b * N * K + n * K + k] : x[b * K * N + k * N + n];
          const p = dy[b * M * N + i * N + n] * xv;
          s += p;
          m += Math.abs(p);
        }
        value[i * K + k] += s;
        magnitude[i * K + k] += m;
      }
  return { value, magnitude };
}

function check(
  dtype: "float32" | "float64",
  S: number,
  M: number,
  K: number,
  N: number,
  transposeA: boolean,
  transposeB: boolean,
): void {
  tidy(() => {
    const W = randomTensor(transposeA ? [K, M] : [M, K], dtype, 1);
    const x = randomTensor(transposeB ? [S, N, K] : [S, K, N], dtype, 2);
    const dy = randomTensor([S, M, N], dtype, 3);
    const { grads } = gradientsOf(
      () => sum(mul(matmul(W, x, { transposeA, transposeB }), dy)),
      [W],
    );
    const got = grads[0].dataSync();
    const { value, magnitude } = reference(
      dy.dataSync() as Float64Array,
      x.dataSync() as Float64Array,
      S,
      M,
      K,
      N,
      transposeB,
    );
    const u = dtype === "float32" ? 2 ** -24 : 2 ** -53;
    const n = S * N;
    for (let i = 0; i < M; i++)
      for (let k = 0; k < K; k++) {
        const g = transposeA ? got[k * M + i] : got[i * K + k];
        const tol =
          (n + 2) * u * magnitude[i * K + k] +
          (dtype === "float32" ? u * Math.abs(value[i * K + k]) : 0);
        if (!(Math.abs(g - value[i * K + k]) <= tol))
          throw new Error(`dW[${i}, ${k}]: got ${g}, expected ${value[i * K + k]} (tol ${tol})`);
      }
  });
}

describe("gradient of a weight shared by a batch (one batch-folded product)", () => {
  it("float32 on the dot kernel: padding of M, N and K, many batches", () => {
    const before = memory();
    for (const [S, M, K, N] of [
      [20, 20, 20, 1024],
      [7, 3, 5, 1030],
      [3, 1, 128, 333],
      [5, 40, 3, 64],
    ] as const) {
      check("float32", S, M, K, N, false, false);
      expect(cpuKernelInfo().lastBatchSumPath).toBe("dot");
    }
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
  });

  it("float32, M < 4: the dot kernel runs swapped (128 x 1 tiles, not 4 x 128), same bits", () => {
    check("float32", 5, 1, 40, 700, false, false);
    expect(cpuKernelInfo().lastBatchSumPath).toBe("dot");
    // sum_b a_b x_b^T (1 x 40, swapped) against sum_b x_b a_b^T (40 x 1, not swapped): every
    // entry is the same sum of the same products in the same order, so the bits agree
    tidy(() => {
      const a = randomTensor([6, 1, 1100], "float32", 4);
      const x = randomTensor([6, 40, 1100], "float32", 5);
      const weightGrad = (w: Tensor, input: Tensor, dy: Tensor): Float32Array =>
        gradientsOf(() => sum(mul(matmul(w, input), dy)), [w]).grads[0].dataSync() as Float32Array;
      const one = weightGrad(randomTensor([1, 40], "float32", 6), x, a);
      expect(cpuKernelInfo().lastBatchSumPath).toBe("dot");
      const other = weightGrad(randomTensor([40, 1], "float32", 7), a, x);
      expect(cpuKernelInfo().lastBatchSumPath).toBe("dot");
      expect(Array.from(one)).toEqual(Array.from(other));
    });
  });

  it("float32 on the folded sgemm product: many rows, or x stored transposed", () => {
    check("float32", 6, 100, 20, 300, false, false); // M > 64: the threaded product
    expect(cpuKernelInfo().lastBatchSumPath).toBe("sgemm");
    check("float32", 6, 20, 24, 300, false, true); // op(x_b) = x_b^T: not both along n
    expect(cpuKernelInfo().lastBatchSumPath).toBe("sgemm");
    check("float32", 4, 16, 12, 500, true, false); // W stored transposed: dW^T
    expect(cpuKernelInfo().lastBatchSumPath).toBe("dot");
  });

  it("the check can fail: a 1e-4 relative error in one entry exceeds the bound", () => {
    const r = reference(
      Float64Array.from([1, 2, 3, 4]),
      Float64Array.from([0.5, -1, 0.25, 2]),
      1,
      2,
      1,
      2,
      false,
    );
    // dW = [[1 0.5 + 2 (-1)], [3 0.5 + 4 (-1)]] = [[-1.5], [-2.5]]
    expect(Array.from(r.value)).toEqual([-1.5, -2.5]);
    const u = 2 ** -24;
    expect(Math.abs(-1.5 * (1 + 1e-4) - r.value[0])).toBeGreaterThan(4 * u * r.magnitude[0]);
  });

  it("float64: within its bound, finite differences, and a Hessian-vector product through it", () => {
    check("float64", 9, 5, 4, 37, false, false);
    check("float64", 3, 2, 6, 11, true, true);
    tidy(() => {
      const x = randomTensor([4, 3, 6], "float64", 7);
      const dy = randomTensor([4, 2, 6], "float64", 8);
      const f = (w: Tensor) => sum(mul(matmul(w, x), dy));
      checkGrad(f, [randomTensor([2, 3], "float64", 9)]);
      // second order: the gradient of sum(dW(w)^2) w.r.t. w, where dW depends on w through
      // dy = tanh-free quadratic y = (w x)^2: d/dw sum((w x)^2) = 2 sum_b (w x_b) x_b^T
      const quad = (w: Tensor) => sum(mul(matmul(w, x), matmul(w, x)));
      checkGrad(
        (w: Tensor) => {
          const { grads } = gradientsOf(() => quad(w), [w]);
          return grads[0];
        },
        [randomTensor([2, 3], "float64", 10)],
      );
    });
  });
});
