/**
 * The float32 sgemm (WebAssembly SIMD, float32 accumulation) against a float64 triple loop.
 *
 * Tolerance, per element of C = C0 + sum_k a_ik b_kj (C0 = 0 without accumulate): sgemm adds
 * K + 1 float32 terms (each product rounded once to float32, each addition rounded once), in
 * K chunks; any such recursive or blocked summation obeys |fl(s) - s| <= gamma_{K+1}(u32) S,
 * S = |C0| + sum_k |a_ik b_kj|, u32 = 2^-24 (Higham, Accuracy and Stability, 3.1). The float64
 * reference adds its own gamma_{K+1}(2^-53) S. Inputs are float32 values, so products of the
 * reference are exact in float64. A wrong index or a dropped term errs by O(|a||b|), far above
 * the bound; random data in [-1, 1) keeps S ~ K / 4, so the bound is ~K^2 2^-26, not vacuous
 * (checked by the "detects" case below).
 */
import { sgemm } from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";
import { gamma, randomF32, rng } from "./helpers.js";

interface Case {
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
}

/** Worst |err| / bound over C; throws on any element beyond its bound or any write outside C. */
function check({ M, N, K, transA, transB, accumulate }: Case, seed: number): number {
  const r = rng(seed);
  const aOff = Math.floor((r() + 1) * 5);
  const bOff = Math.floor((r() + 1) * 5);
  const cOff = Math.floor((r() + 1) * 5);
  const A = randomF32(aOff + M * K + 3, r);
  const B = randomF32(bOff + K * N + 3, r);
  const C = randomF32(cOff + M * N + 3, r);
  const C0 = C.slice();
  sgemm(M, N, K, A, aOff, B, bOff, C, cOff, accumulate, transA, transB);
  let worst = 0;
  const row = new Float64Array(K);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) row[k] = A[aOff + (transA ? k * M + i : i * K + k)];
    for (let j = 0; j < N; j++) {
      const c0 = accumulate ? C0[cOff + i * N + j] : 0;
      let ref = c0;
      let S = Math.abs(c0);
      for (let k = 0; k < K; k++) {
        const p = row[k] * B[bOff + (transB ? j * K + k : k * N + j)];
        ref += p;
        S += Math.abs(p);
      }
      const tol = (gamma(K + 1, 2 ** -24) + gamma(K + 1, 2 ** -53)) * S;
      const err = Math.abs(C[cOff + i * N + j] - ref);
      if (!(err <= tol))
        throw new Error(
          `M=${M} N=${N} K=${K} transA=${transA} transB=${transB} acc=${accumulate}: C[${i},${j}] = ${C[cOff + i * N + j]}, reference ${ref}, |err| ${err} > ${tol}`,
        );
      worst = Math.max(worst, tol > 0 ? err / tol : 0);
    }
  }
  for (let t = 0; t < cOff; t++) expect(C[t]).toBe(C0[t]);
  for (let t = cOff + M * N; t < C.length; t++) expect(C[t]).toBe(C0[t]);
  return worst;
}

const SIZES = [1, 3, 17, 65];

describe("sgemm (float32 accumulation) against a float64 triple loop", () => {
  for (const [transA, transB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ]) {
    it(`transA=${transA} transB=${transB}, all M, N, K in {${SIZES}} with and without accumulate`, () => {
      let seed = 1;
      for (const M of SIZES)
        for (const N of SIZES)
          for (const K of SIZES) {
            seed++;
            check({ M, N, K, transA, transB, accumulate: seed % 2 === 0 }, seed);
          }
    });
  }

  it("odd sizes across every block boundary and K > 1000: M, N in {1, 3, 17, 1031}-like shapes, K = 1031", () => {
    const cases: [number, number, number][] = [
      [1031, 17, 3],
      [3, 1031, 17],
      [17, 3, 1031],
      [101, 97, 1031],
      [130, 600, 257],
      [259, 37, 513],
    ];
    let seed = 500;
    for (const [M, N, K] of cases)
      for (const accumulate of [false, true])
        check({ M, N, K, transA: seed % 3 === 0, transB: seed % 2 === 0, accumulate }, seed++);
  });

  it("the tolerance is not vacuous: one changed input term is detected", () => {
    const M = 20;
    const N = 24;
    const K = 300;
    const r = rng(7);
    const A = randomF32(M * K, r);
    const B = randomF32(K * N, r);
    const C = new Float32Array(M * N);
    sgemm(M, N, K, A, 0, B, 0, C, 0);
    // Recompute C[5, 7] with one term dropped: the bound must flag it.
    let ref = 0;
    let S = 0;
    for (let k = 1; k < K; k++) {
      ref += A[5 * K + k] * B[k * N + 7];
      S += Math.abs(A[5 * K + k] * B[k * N + 7]);
    }
    const tol = (gamma(K + 1, 2 ** -24) + gamma(K + 1, 2 ** -53)) * S;
    expect(Math.abs(C[5 * N + 7] - ref)).toBeGreaterThan(tol);
  });

  it("K = 0 gives zeros (or leaves C with accumulate); M = 0 or N = 0 touch nothing", () => {
    const C = new Float32Array([1, 2, 3, 4]);
    sgemm(2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, C, 0, true);
    expect(Array.from(C)).toEqual([1, 2, 3, 4]);
    sgemm(0, 2, 5, new Float32Array(0), 0, new Float32Array(10), 0, C, 0);
    expect(Array.from(C)).toEqual([1, 2, 3, 4]);
    sgemm(2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, C, 0);
    expect(Array.from(C)).toEqual([0, 0, 0, 0]);
  });

  it("propagates NaN and Inf like a dot product", () => {
    const M = 8;
    const N = 16;
    const K = 64;
    const A = new Float32Array(M * K).fill(1);
    const B = new Float32Array(K * N).fill(1);
    A[3 * K + 10] = Number.NaN;
    B[20 * N + 5] = Number.POSITIVE_INFINITY;
    const C = new Float32Array(M * N);
    sgemm(M, N, K, A, 0, B, 0, C, 0);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        const want = i === 3 ? Number.NaN : j === 5 ? Number.POSITIVE_INFINITY : K;
        expect(C[i * N + j]).toBe(want);
      }
  });
});
