/**
 * sgemmIndexed: products whose operands are read in place through index maps, against a
 * float64 triple loop over the same maps. Tolerance per element (as in gemm-sgemm.test.ts):
 * |err| <= (gamma_K(2^-24) + gamma_K(2^-53)) S, S = sum_k |a_ik b_kj|: the bound of any float32
 * (or float64-accumulated) dot product of float32 values. A wrong map errs by O(|a||b|).
 */
import { type IndexedOperand, sgemmIndexed } from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";
import { gamma, randomF32, rng } from "./helpers.js";

/** An offset map's value at i (a function, or floor(i / len) outer + (i mod len) inner). */
const offset = (m: IndexedOperand["kOff"], i: number): number =>
  typeof m === "function"
    ? m(i)
    : Math.floor(i / (m.len ?? Infinity)) * (m.outer ?? 0) + (i % (m.len ?? Infinity)) * m.inner;
const at = (o: IndexedOperand, k: number, t: number) =>
  o.data[(o.offset ?? 0) + offset(o.kOff, k) + offset(o.wOff, t)] as number;

/** Checks C (from cOff) against the float64 product; untouched floats around it stay. */
function check(M: number, N: number, K: number, A: IndexedOperand, B: IndexedOperand): void {
  const cOff = 3;
  const C = new Float32Array(cOff + M * N + 2).fill(7);
  sgemmIndexed(M, N, K, A, B, C, cOff);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let ref = 0;
      let S = 0;
      for (let k = 0; k < K; k++) {
        const p = at(A, k, i) * at(B, k, j);
        ref += p;
        S += Math.abs(p);
      }
      const tol = (gamma(K, 2 ** -24) + gamma(K, 2 ** -53)) * S;
      const err = Math.abs((C[cOff + i * N + j] as number) - ref);
      if (!(err <= tol)) throw new Error(`C[${i},${j}] = ${C[cOff + i * N + j]}, ref ${ref}`);
    }
  for (const t of [0, 1, 2, cOff + M * N, cOff + M * N + 1]) expect(C[t]).toBe(7);
}

describe("sgemmIndexed", () => {
  // complex interleaved data [b, j, q, re|im] read as rows (q, b) and contraction (re|im, j):
  // the layout of the box inverse DFT
  const complexCase = (nb: number, R: number, m2: number, n: number) => {
    const r = rng(nb * 1000 + R);
    const zBatch = 2 * R * m2;
    const A: IndexedOperand = {
      data: randomF32(5 + nb * zBatch, r),
      offset: 5,
      floats: nb * zBatch,
      kOff: (k) => (k < R ? 2 * m2 * k : 2 * m2 * (k - R) + 1),
      wOff: (t) => {
        const q = Math.floor(t / nb);
        return (t - q * nb) * zBatch + 2 * q;
      },
    };
    const B: IndexedOperand = { data: randomF32(2 * R * n, r), kOff: (k) => k * n, wOff: (t) => t };
    check(m2 * nb, n, 2 * R, A, B);
  };
  it("permuted, interleaved operands on the SIMD kernel (M > 1000 rows)", () =>
    complexCase(130, 6, 9, 20));
  it("the same below 4096 multiply-adds (float64-accumulating loop)", () =>
    complexCase(3, 2, 2, 5));
  it("transposed and gathered columns of B, K above the 256-term chunk", () => {
    const r = rng(9);
    const [M, N, K] = [37, 45, 300];
    const perm = Array.from({ length: N }, (_, j) => (j * 7) % N); // a permutation of columns
    const A: IndexedOperand = { data: randomF32(M * K, r), kOff: (k) => k, wOff: (i) => i * K };
    // B stored [N, K] (transposed), columns visited in `perm` order
    const B: IndexedOperand = {
      data: randomF32(N * K, r),
      kOff: (k) => k,
      wOff: (j) => (perm[j] as number) * K,
    };
    check(M, N, K, A, B);
  });
  it("maps with negative parts (a reversed contraction) and rows not a multiple of the tile", () => {
    // kOff(k) = -k: only the sums are offsets; the padded rows of the last tile must still
    // load inside the operand (M = 5, N = 9, K = 600 > 256: two K chunks)
    const r = rng(4);
    const [M, N, K] = [5, 9, 600];
    const A: IndexedOperand = {
      data: randomF32(M * K, r),
      kOff: (k) => -k,
      wOff: (t) => t * K + K - 1,
    };
    const B: IndexedOperand = { data: randomF32(K * N, r), kOff: (k) => k * N, wOff: (t) => t };
    check(M, N, K, A, B);
  });
  it("rejects maps that leave the operand, non-integer offsets and a short C", () => {
    const data = new Float32Array(16);
    const ok = { data, kOff: (k: number) => k * 4, wOff: (t: number) => t };
    const C = new Float32Array(16);
    expect(() => sgemmIndexed(4, 4, 4, { ...ok, wOff: (t) => t + 1 }, ok, C)).toThrow(
      /operand A's offsets reach \[1, 16\]/,
    );
    expect(() => sgemmIndexed(4, 4, 4, ok, { ...ok, floats: 12 }, C)).toThrow(/operand B/);
    expect(() => sgemmIndexed(4, 4, 4, ok, { ...ok, kOff: (k) => k / 2 }, C)).toThrow(
      /not an offset/,
    );
    expect(() => sgemmIndexed(4, 4, 4, ok, ok, new Float32Array(15))).toThrow(/C must hold/);
    expect(() => sgemmIndexed(4, 4, 4, { ...ok, offset: 1, floats: 16 }, ok, C)).toThrow(
      /exceeds its data/,
    );
  });

  it("strided maps (the box inverse DFT's) give the function maps' bits, and are validated", () => {
    const nb = 37;
    const R = 6;
    const m2 = 5;
    const zBatch = 2 * R * m2;
    const z = randomF32(nb * zBatch, 11);
    const L = randomF32(2 * R * 40, 12);
    const run = (strided: boolean): Float32Array => {
      const C = new Float32Array(m2 * nb * 40);
      sgemmIndexed(
        m2 * nb,
        40,
        2 * R,
        strided
          ? {
              data: z,
              kOff: { inner: 2 * m2, len: R, outer: 1 },
              wOff: { inner: zBatch, len: nb, outer: 2 },
            }
          : {
              data: z,
              kOff: (k) => (k < R ? 2 * m2 * k : 2 * m2 * (k - R) + 1),
              wOff: (t) => (t % nb) * zBatch + 2 * Math.floor(t / nb),
            },
        strided
          ? { data: L, kOff: { inner: 40 }, wOff: { inner: 1 } }
          : { data: L, kOff: (k) => k * 40, wOff: (t) => t },
        C,
      );
      return C;
    };
    const a = run(true);
    const b = run(false);
    for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i])).toBe(true);
    check(
      m2 * nb,
      40,
      2 * R,
      {
        data: z,
        kOff: { inner: 2 * m2, len: R, outer: 1 },
        wOff: { inner: zBatch, len: nb, outer: 2 },
      },
      { data: L, kOff: { inner: 40 }, wOff: { inner: 1 } },
    );
    const C = new Float32Array(64);
    const B = { data: L, kOff: { inner: 40 }, wOff: { inner: 1 } };
    expect(() =>
      sgemmIndexed(8, 8, 4, { data: z, kOff: { inner: 1.5 }, wOff: { inner: 1 } }, B, C),
    ).toThrow(RangeError);
    expect(() =>
      sgemmIndexed(8, 8, 4, { data: z, kOff: { inner: 1, len: 0 }, wOff: { inner: 1 } }, B, C),
    ).toThrow(RangeError);
    expect(() =>
      sgemmIndexed(8, 8, 4, { data: z, kOff: { inner: 2 ** 29 }, wOff: { inner: 1 } }, B, C),
    ).toThrow(RangeError);
    // reaching past the data is refused as for function maps
    expect(() =>
      sgemmIndexed(8, 8, 4, { data: z, kOff: { inner: zBatch * nb }, wOff: { inner: 1 } }, B, C),
    ).toThrow(RangeError);
  });
});
