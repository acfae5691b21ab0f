/**
 * The CPU gemm (packed, blocked, 4x4 register tiles) against a naive float64 triple loop.
 *
 * Tolerance, per element of C = C0 + sum_k a_ik b_kj (C0 = 0 without accumulate): both the
 * gemm and the reference add K + 1 float64 terms, each product rounded once, in different
 * orders. The standard bound for a recursively summed dot product (Higham, Accuracy and
 * Stability, 3.1) is |fl(s) - s| <= gamma_{K+1} S with S = |C0| + sum_k |a_ik||b_kj| and
 * gamma_n = n u / (1 - n u), u = 2^-53; a blocked order obeys the same bound. So the two
 * results differ by at most 2 gamma_{K+1} S. For float32 C the gemm rounds its float64 sum
 * once at the end, which adds u32 |ref| (u32 = 2^-24), inputs being exactly representable.
 * These bounds are tight enough to catch any wrong index (an error is O(|a||b|), not O(u S))
 * and loose enough never to fail on a correct summation order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Floats,
  gemm,
  gemmComplex,
  gemmKernel,
  setGemmKernel,
} from "../src/backend/cpu/gemm.js";
import { rng } from "./helpers.js";

const U = 2 ** -53;
const U32 = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

function randomArray(T: Ctor, n: number, r: () => number): Floats {
  const out = new T(n);
  for (let i = 0; i < n; i++) out[i] = r();
  return out;
}

interface Case {
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
  T: Ctor;
}

/** Run one case with random offsets into larger buffers; check values and that nothing outside C moved. */
function check({ M, N, K, transA, transB, accumulate, T }: Case, seed: number): void {
  const r = rng(seed);
  const aOff = Math.floor((r() + 1) * 5);
  const bOff = Math.floor((r() + 1) * 5);
  const cOff = Math.floor((r() + 1) * 5);
  const A = randomArray(T, aOff + M * K + 3, r);
  const B = randomArray(T, bOff + K * N + 3, r);
  const C: Floats = randomArray(T, cOff + M * N + 3, r);
  const C0 = C.slice();
  // Element (i, k) of op(A), (k, j) of op(B), as stored.
  const a = (i: number, k: number) => A[aOff + (transA ? k * M + i : i * K + k)];
  const b = (k: number, j: number) => B[bOff + (transB ? j * K + k : k * N + j)];
  gemm(M, N, K, A, aOff, B, bOff, C, cOff, accumulate, transA, transB);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const c0 = accumulate ? C0[cOff + i * N + j] : 0;
      let ref = c0;
      let S = Math.abs(c0);
      for (let k = 0; k < K; k++) {
        ref += a(i, k) * b(k, j);
        S += Math.abs(a(i, k) * b(k, j));
      }
      const got = C[cOff + i * N + j];
      const tol = 2 * gamma(K + 1) * S + (T === Float32Array ? U32 * Math.abs(ref) : 0);
      if (!(Math.abs(got - ref) <= tol)) {
        throw new Error(
          `M=${M} N=${N} K=${K} transA=${transA} transB=${transB} acc=${accumulate} ${T.name}: ` +
            `C[${i},${j}] = ${got}, naive ${ref}, |err| ${Math.abs(got - ref)} > ${tol}`,
        );
      }
    }
  }
  for (let t = 0; t < cOff; t++) expect(C[t]).toBe(C0[t]);
  for (let t = cOff + M * N; t < C.length; t++) expect(C[t]).toBe(C0[t]);
}

const SIZES = [1, 3, 17, 65, 130];

// Both kernels run every check: the WebAssembly SIMD one (the default) and the JS fallback.
for (const kind of ["wasm", "js"] as const) {
  describe(`${kind} kernel`, () => {
    beforeAll(() => {
      expect(setGemmKernel(kind)).toBe(true);
      expect(gemmKernel()).toBe(kind);
    });
    afterAll(() => {
      setGemmKernel("wasm");
    });

    describe(`gemm (${kind} kernel) against a naive float64 triple loop`, () => {
      for (const T of [Float64Array, Float32Array] as Ctor[]) {
        for (const [transA, transB] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ]) {
          it(`${T.name} transA=${transA} transB=${transB}, all M, N, K in {${SIZES}}, with and without accumulate`, () => {
            let seed = 1;
            for (const M of SIZES)
              for (const N of SIZES)
                for (const K of SIZES) {
                  seed++;
                  check({ M, N, K, transA, transB, accumulate: seed % 2 === 0, T }, seed);
                }
          });
        }
      }

      it("crosses every block boundary: K > KC (256), M > MC (64), N > NC (256), tall M shrinking the column block", () => {
        const cases: [number, number, number][] = [
          [70, 300, 300],
          [130, 257, 513],
          [1030, 300, 7],
          [4, 4, 1000],
        ];
        let seed = 1000;
        for (const [M, N, K] of cases)
          for (const accumulate of [false, true])
            for (const T of [Float64Array, Float32Array] as Ctor[]) {
              check(
                { M, N, K, transA: seed % 3 === 0, transB: seed % 2 === 0, accumulate, T },
                seed++,
              );
            }
      }, 60_000); // ~2 s idle; the naive reference loops exceed the 5 s default under heavy load

      it("K = 0 gives zeros (or leaves C as is with accumulate); M = 0 or N = 0 touch nothing", () => {
        const C = new Float64Array([1, 2, 3, 4]);
        gemm(2, 2, 0, new Float64Array(0), 0, new Float64Array(0), 0, C, 0, true);
        expect(Array.from(C)).toEqual([1, 2, 3, 4]);
        gemm(2, 2, 0, new Float64Array(0), 0, new Float64Array(0), 0, C, 0);
        expect(Array.from(C)).toEqual([0, 0, 0, 0]);
        const D = new Float32Array([5, 6]);
        gemm(0, 2, 3, new Float32Array(0), 0, new Float32Array(6), 0, D, 0);
        gemm(2, 0, 3, new Float32Array(6), 0, new Float32Array(0), 0, D, 0);
        expect(Array.from(D)).toEqual([5, 6]);
      });

      it("float32 inputs are accumulated in float64: 2^24 + 4096 ones - 2^24 = 4096 exactly", () => {
        const K = 4098;
        const A = new Float32Array(8 * K);
        for (let i = 0; i < 8; i++) {
          A[i * K] = 2 ** 24;
          A.fill(1, i * K + 1, i * K + K - 1);
          A[i * K + K - 1] = -(2 ** 24);
        }
        const B = new Float32Array(K * 5).fill(1);
        const C = new Float32Array(8 * 5);
        gemm(8, 5, K, A, 0, B, 0, C, 0);
        // float32 accumulation would give 0 (2^24 + 1 rounds back to 2^24).
        expect(Array.from(C)).toEqual(new Array(40).fill(4096));
      });

      it("NaN and Inf propagate like the textbook sum, and only to the elements that use them (zero padding leaks nothing)", () => {
        // 5 x 5 @ 5 x 6: row 4 and column 5 fall in zero-padded edge tiles of the 4 x 4 kernel.
        const M = 5;
        const N = 6;
        const K = 5;
        const A = new Float64Array(M * K).fill(1);
        const B = new Float64Array(K * N).fill(1);
        A[4 * K + 2] = Number.NaN; // row 4 of C is NaN
        B[1 * N + 5] = Number.POSITIVE_INFINITY; // column 5 of C is +Inf (NaN in row 4)
        A[0 * K + 1] = 0; // 0 * Inf = NaN in C[0, 5]
        const C = new Float64Array(M * N);
        gemm(M, N, K, A, 0, B, 0, C, 0);
        for (let i = 0; i < M; i++)
          for (let j = 0; j < N; j++) {
            const v = C[i * N + j];
            if (i === 4 || (i === 0 && j === 5)) expect(v).toBeNaN();
            else if (j === 5) expect(v).toBe(Number.POSITIVE_INFINITY);
            else expect(v).toBe(i === 0 ? 4 : 5);
          }
      });
    });

    describe(`gemmComplex (${kind} kernel) against a naive complex triple loop`, () => {
      // Each real and imaginary part is a sum of 2K real products (re = sum ar br - ai bi,
      // im = sum ar bi + ai br), so the bound above applies with 2K terms: 2 gamma_{2K} S_part.
      it("interleaved complex64 / complex128 storage, with and without transposed B, odd sizes and K > KC / 2", () => {
        let seed = 5000;
        for (const T of [Float64Array, Float32Array] as Ctor[])
          for (const transB of [false, true])
            for (const [M, N, K] of [
              [1, 1, 1],
              [3, 5, 7],
              [4, 1, 3],
              [5, 3, 17],
              [17, 65, 3],
              [65, 17, 130],
              [6, 130, 129],
            ] as [number, number, number][]) {
              const r = rng(seed++);
              const aOff = 2;
              const bOff = 1;
              const cOff = 3;
              const A = randomArray(T, 2 * (aOff + M * K), r);
              const B = randomArray(T, 2 * (bOff + K * N), r);
              const C: Floats = randomArray(T, 2 * (cOff + M * N) + 2, r);
              const C0 = C.slice();
              gemmComplex(M, N, K, A, aOff, B, bOff, C, cOff, transB);
              for (let i = 0; i < M; i++)
                for (let j = 0; j < N; j++) {
                  let re = 0;
                  let im = 0;
                  let sRe = 0;
                  let sIm = 0;
                  for (let k = 0; k < K; k++) {
                    const a = 2 * (aOff + i * K + k);
                    const b = 2 * (bOff + (transB ? j * K + k : k * N + j));
                    re += A[a] * B[b] - A[a + 1] * B[b + 1];
                    im += A[a] * B[b + 1] + A[a + 1] * B[b];
                    sRe += Math.abs(A[a] * B[b]) + Math.abs(A[a + 1] * B[b + 1]);
                    sIm += Math.abs(A[a] * B[b + 1]) + Math.abs(A[a + 1] * B[b]);
                  }
                  const c = 2 * (cOff + i * N + j);
                  const f32 = T === Float32Array;
                  const tolRe = 2 * gamma(2 * K) * sRe + (f32 ? U32 * Math.abs(re) : 0);
                  const tolIm = 2 * gamma(2 * K) * sIm + (f32 ? U32 * Math.abs(im) : 0);
                  if (!(Math.abs(C[c] - re) <= tolRe && Math.abs(C[c + 1] - im) <= tolIm)) {
                    throw new Error(
                      `M=${M} N=${N} K=${K} transB=${transB} ${T.name}: C[${i},${j}] = ${C[c]}+${C[c + 1]}i, naive ${re}+${im}i`,
                    );
                  }
                }
              for (let t = 0; t < 2 * cOff; t++) expect(C[t]).toBe(C0[t]);
              for (let t = 2 * (cOff + M * N); t < C.length; t++) expect(C[t]).toBe(C0[t]);
            }
      });
    });
  });
}

describe("kernel selection", () => {
  it("the WebAssembly SIMD kernel is available in Node 20 and is the default", () => {
    expect(gemmKernel()).toBe("wasm");
  });

  it("the wasm and JS kernels give bit-identical results (same float64 operations in the same order)", () => {
    const r = rng(77);
    for (const T of [Float64Array, Float32Array] as Ctor[])
      for (const [M, N, K, transA, transB, accumulate] of [
        [37, 300, 600, false, false, false],
        [130, 65, 17, true, false, true],
        [64, 260, 513, false, true, true],
        [9, 4, 1000, true, true, false],
      ] as [number, number, number, boolean, boolean, boolean][]) {
        const A = randomArray(T, M * K, r);
        const B = randomArray(T, K * N, r);
        const C0 = randomArray(T, M * N, r);
        const out: Floats[] = [];
        for (const kind of ["wasm", "js"] as const) {
          expect(setGemmKernel(kind)).toBe(true);
          const C = C0.slice();
          gemm(M, N, K, A, 0, B, 0, C, 0, accumulate, transA, transB);
          out.push(C);
        }
        setGemmKernel("wasm");
        expect(Array.from(out[0])).toEqual(Array.from(out[1]));
      }
    const Ac = randomArray(Float64Array, 2 * 20 * 300, r);
    const Bc = randomArray(Float64Array, 2 * 300 * 7, r);
    const outc: Floats[] = [];
    for (const kind of ["wasm", "js"] as const) {
      setGemmKernel(kind);
      const C = new Float64Array(2 * 20 * 7);
      gemmComplex(20, 7, 300, Ac, 0, Bc, 0, C, 0);
      outc.push(C);
    }
    setGemmKernel("wasm");
    expect(Array.from(outc[0])).toEqual(Array.from(outc[1]));
  });
});
