/**
 * The WebAssembly float64 sums (src/backend/cpu/reduce-wasm.ts) against the summation trees of
 * reduce.ts written out here in JavaScript: float64 results compared bit for bit (a float32
 * comparison would miss a reordering, which changes the float64 sum by an ulp and its float32
 * rounding only rarely).
 */
import { describe, expect, it } from "vitest";
import { leadingRowsF32, pairwiseRunsF32 } from "../src/backend/cpu/reduce-wasm.js";
import { residentAlloc, residentFree } from "../src/backend/cpu/resident.js";

/** reduce.ts's pairwise tree over x[start .. start + len). */
function pairwise(x: Float32Array, start: number, len: number): number {
  if (len === 64) {
    const s = [0, 0, 0, 0];
    for (let k = 0; k < 16; k++) for (let q = 0; q < 4; q++) s[q] += x[start + 16 * q + k];
    return s[0] + s[1] + (s[2] + s[3]);
  }
  if (len <= 16) {
    let s = 0;
    for (let k = start; k < start + len; k++) s += x[k];
    return s;
  }
  const half = len >>> 1;
  return pairwise(x, start, half) + pairwise(x, start + half, len - half);
}

/** reduce.ts's row tree over rows [start, start + len) of x [rows, inner]. */
function rowSums(x: Float32Array, start: number, len: number, inner: number): Float64Array {
  const acc = new Float64Array(inner);
  if (len <= 16) {
    for (let r = start; r < start + len; r++)
      for (let j = 0; j < inner; j++) acc[j] += x[r * inner + j];
    return acc;
  }
  const half = len >>> 1;
  const left = rowSums(x, start, half, inner);
  const right = rowSums(x, start + half, len - half, inner);
  for (let j = 0; j < inner; j++) left[j] += right[j];
  return left;
}

/** A resident array of n values spanning many magnitudes (so that order matters). */
function residentValues(n: number, seed: number): Float32Array {
  const a = residentAlloc(n);
  if (a === null) throw new Error("no resident memory");
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) | 0;
    a[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 10 ** ((i % 11) - 5);
  }
  return a;
}

function expectSameF64(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) throw new Error(`element ${i}: ${a[i]} vs ${b[i]}`);
}

describe("WebAssembly float64 sums", () => {
  it("pairwise runs: the same float64 bits as the JavaScript tree", () => {
    for (const [count, run] of [
      [3, 1024],
      [5, 1000],
      [2, 64],
      [4, 17],
      [7, 5],
      [1, 4099],
    ] as const) {
      const x = residentValues(count * run, count + run);
      const got = pairwiseRunsF32(x, count, run);
      expect(got).not.toBeNull();
      const want = new Float64Array(count);
      for (let o = 0; o < count; o++) want[o] = pairwise(x, o * run, run);
      expectSameF64(got as Float64Array, want);
      residentFree(x);
    }
  });

  it("leading rows: the same float64 bits as the JavaScript tree", () => {
    for (const [rows, inner] of [
      [16, 300],
      [17, 300],
      [100, 64],
      [300, 33],
    ] as const) {
      const x = residentValues(rows * inner, rows);
      const got = leadingRowsF32(x, rows, inner);
      expect(got).not.toBeNull();
      expectSameF64(got as Float64Array, rowSums(x, 0, rows, inner));
      residentFree(x);
    }
  });

  it("plain arrays are left to the JavaScript loops", () => {
    const x = new Float32Array(5000);
    expect(pairwiseRunsF32(x, 5, 1000)).toBeNull();
    expect(leadingRowsF32(x, 50, 100)).toBeNull();
  });
});
