/**
 * float32 broadcast products W @ x[b] (one [M, K] matrix against a batch [nb, K, N]: pointwise
 * convolutions, channel MLPs) and their input gradient W^T @ dy[b]. Small M run as ONE sgemm
 * product with the batch folded into the columns (sgemmSharedA); larger M, and products with
 * fewer than 4 rows or columns, run per batch element on the SIMD kernel (tiny ones on gemm.ts). Checked against a
 * float64 triple loop with the bound of any float32 dot product, gamma_{K+1}(2^-24) S +
 * gamma_{K+1}(2^-53) S, S = sum_k |w_ik x_kj| (see gemm-sgemm.test.ts), and bit for bit against
 * the same product run batch element by batch element (the folded product gives each element
 * the same float32 operations: K's chunks depend on K alone).
 */
import {
  gradientsOf,
  matmul,
  memory,
  mul,
  slice,
  sum,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { gamma, randomF32 } from "./helpers.js";

/** y[b, i, j] = sum_k w(i, k) x[b, k, j] in float64 with S = sum |terms|; throws past the bound. */
function checkProduct(
  got: ArrayLike<number>,
  w: (i: number, k: number) => number,
  x: Float32Array,
  [nb, M, K, N]: number[],
  what: string,
): void {
  for (let b = 0; b < nb; b++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let ref = 0;
        let S = 0;
        for (let k = 0; k < K; k++) {
          const p = w(i, k) * x[(b * K + k) * N + j];
          ref += p;
          S += Math.abs(p);
        }
        const tol = (gamma(K + 1, 2 ** -24) + gamma(K + 1, 2 ** -53)) * S;
        const v = got[(b * M + i) * N + j];
        if (!(Math.abs(v - ref) <= tol))
          throw new Error(`${what}: [${b}, ${i}, ${j}] = ${v}, reference ${ref}, bound ${tol}`);
      }
}

// [M, K, N]: folded (M <= 64), per batch element (M > 64), thin (M or N < 4), tiny (gemm.ts)
const SHAPES = [
  [20, 20, 96],
  [40, 3, 64],
  [64, 20, 33],
  [65, 7, 40],
  [128, 20, 24],
  [1, 128, 64],
  [3, 20, 50],
  [20, 40, 1],
  [2, 3, 4],
];
const NB = 5;

describe("float32 W @ x[b] with one W for the whole batch", () => {
  for (const [M, K, N] of SHAPES)
    it(`[${M}, ${K}] @ [${NB}, ${K}, ${N}] and the gradient W^T @ dy[b]`, () => {
      const base = memory().numTensors;
      tidy(() => {
        const wv = randomF32(M * K, M * 1000 + K);
        const xv = randomF32(NB * K * N, K * 1000 + N);
        const rv = randomF32(NB * M * N, N * 1000 + M);
        const w = tensor(wv, { shape: [M, K], dtype: "float32" });
        const x = tensor(xv, { shape: [NB, K, N], dtype: "float32" });
        const r = tensor(rv, { shape: [NB, M, N], dtype: "float32" });
        const y = matmul(w, x);
        expect(y.shape).toEqual([NB, M, N]);
        const yv = y.dataSync();
        checkProduct(yv, (i, k) => wv[i * K + k], xv, [NB, M, K, N], "W @ x");
        // bit for bit the products of one batch element at a time, where those run on the SIMD
        // kernel too (below 4096 multiply-adds they take gemm.ts's float64 accumulation)
        for (let b = 0; M * K * N >= 4096 && b < NB; b++) {
          const one = matmul(w, slice(x, `${b}`) as Tensor).dataSync();
          for (let t = 0; t < M * N; t++)
            if (one[t] !== yv[b * M * N + t]) throw new Error(`batch ${b}: element ${t} differs`);
        }
        // d/dx sum(r * (W @ x)) = W^T @ r[b] (BatchMatMul with transposeA, shared A)
        const { grads } = gradientsOf(() => sum(mul(matmul(w, x), r)), [x]);
        checkProduct(grads[0].dataSync(), (k, i) => wv[i * K + k], rv, [NB, K, M, N], "W^T @ dy");
      });
      expect(memory().numTensors).toBe(base);
    });

  it("the bound is not vacuous: one changed weight is detected", () => {
    const [M, K, N] = [20, 20, 96];
    const wv = randomF32(M * K, 7);
    const xv = randomF32(NB * K * N, 8);
    const yv = tidy(() =>
      matmul(
        tensor(wv, { shape: [M, K], dtype: "float32" }),
        tensor(xv, { shape: [NB, K, N], dtype: "float32" }),
      ).dataSync(),
    );
    const changed = (i: number, k: number) => wv[i * K + k] + (i === 3 && k === 5 ? 1e-3 : 0);
    expect(() => checkProduct(yv, changed, xv, [NB, M, K, N], "changed")).toThrow();
  });
});
