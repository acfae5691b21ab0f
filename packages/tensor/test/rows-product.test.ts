/**
 * The row-streaming product (simd-rows-module.ts): W @ x[b] with fewer rows than the sgemm
 * register tile (M < 4) or few terms (K <= 4), float32. It promises the packed sgemm's bits:
 * per K chunk (kChunk(K) = ceil(K / ceil(K / 256)) terms) acc = 0, acc = acc + w x for k in
 * order, C = acc for the first chunk and C + acc after. References: that recurrence in
 * JavaScript with Math.fround (exact float32 emulation), and the packed product itself (a
 * 4-row W whose first row is the 1-row W). Also: operands that are not resident (copied in),
 * K chunks (K > 256, the per-unit scratch), column tails (N mod 16, mod 4), a transposed W, and
 * the same bits on 1 and 2 threads.
 */
import { Generator, matmul, memory, mul, slice, type Tensor, tidy } from "@modewise/tensor";
import {
  cpuKernelInfo,
  getNumThreads,
  residentStats,
  setNumThreads,
  setResidentFloat32,
} from "@modewise/tensor/cpu-kernels";
import { afterAll, describe, expect, it } from "vitest";
import { onOneAndTwoThreads } from "./helpers.js";

/** The packed sgemm's arithmetic for C_b = op(W) @ x_b, emulated exactly in float32. */
function emulate(
  W: Float32Array,
  X: Float32Array,
  M: number,
  K: number,
  N: number,
  nb: number,
  transposeW: boolean,
): Float32Array {
  const f = Math.fround;
  const kc = Math.ceil(K / Math.ceil(K / 256));
  const out = new Float32Array(nb * M * N);
  for (let b = 0; b < nb; b++)
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let c = 0;
        for (let k0 = 0; k0 < K; k0 += kc) {
          let acc = 0;
          for (let k = k0; k < Math.min(K, k0 + kc); k++)
            acc = f(acc + f((transposeW ? W[k * M + i] : W[i * K + k]) * X[b * K * N + k * N + j]));
          c = k0 === 0 ? acc : f(c + acc);
        }
        out[b * M * N + i * N + j] = c;
      }
  return out;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** x as a kernel output (resident where resident storage is on), not a generator's array. */
function operand(shape: number[], seed: number): Tensor {
  return tidy(() => mul(new Generator(seed).normal(shape, { dtype: "float32" }), 1));
}

function product(
  M: number,
  K: number,
  N: number,
  nb: number,
  transposeW: boolean,
  seed: number,
): { got: Float32Array; want: Float32Array; path: string | null } {
  return tidy(() => {
    const w = operand(transposeW ? [K, M] : [M, K], seed);
    const x = operand([nb, K, N], seed + 1);
    const got = matmul(w, x, { transposeA: transposeW }).dataSync() as Float32Array;
    const path = cpuKernelInfo().lastSharedAPath;
    const want = emulate(
      w.dataSync() as Float32Array,
      x.dataSync() as Float32Array,
      M,
      K,
      N,
      nb,
      transposeW,
    );
    return { got, want, path };
  });
}

const SHAPES: [number, number, number, number, boolean][] = [
  // M, K, N, batch, W transposed
  [1, 128, 1024, 20, false], // an FNO projection to one channel
  [128, 1, 1024, 20, true], // its input gradient (K = 1)
  [40, 3, 1030, 6, false], // a lifting from 3 channels; N mod 16 = 6 (a vector and 2 scalars)
  [3, 600, 37, 5, false], // three K chunks of 200: the scratch; N = 37 = 2 x 16 + 4 + 1
  [2, 1100, 1500, 2, true], // K > 1000 (gpu.js-style loop cut would show), W transposed
  [1, 513, 20, 3, false], // two chunks of 257
  [20, 4, 1024, 20, false],
];

describe("row-streaming product (M < 4 or K <= 4)", () => {
  afterAll(() => setResidentFloat32(true));

  it("equals the packed product's float32 arithmetic bit for bit, resident operands read in place", () => {
    const before = memory();
    const inPlace0 = residentStats().inPlace.rows;
    for (const [M, K, N, nb, tW] of SHAPES) {
      const { got, want, path } = product(M, K, N, nb, tW, M + K + N);
      expect(path, `${M} x ${K} @ [${nb}, ${K}, ${N}]`).toBe("rows");
      expect(sameBits(got, want), `${M} x ${K} @ [${nb}, ${K}, ${N}]`).toBe(true);
    }
    expect(residentStats().inPlace.rows).toBeGreaterThan(inPlace0);
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
  });

  it("the same bits with operands that are not resident (copied into the sgemm memory)", () => {
    const was = setResidentFloat32(false);
    try {
      for (const [M, K, N, nb, tW] of SHAPES.slice(0, 4)) {
        const { got, want, path } = product(M, K, N, nb, tW, 7 * M + K);
        expect(path).toBe("rows");
        expect(sameBits(got, want)).toBe(true);
      }
    } finally {
      setResidentFloat32(was);
    }
  });

  it("row 0 of a 1-row product equals row 0 of the packed 4-row product with that first row", () => {
    for (const K of [20, 128, 700]) {
      tidy(() => {
        const w4 = operand([4, K], K);
        const x = operand([5, K, 300], K + 1);
        const packed = matmul(w4, x).dataSync() as Float32Array;
        expect(cpuKernelInfo().lastSharedAPath).toBe("sgemm");
        const w1 = slice(w4, "0:1, :");
        const rows = matmul(w1, x).dataSync() as Float32Array;
        expect(cpuKernelInfo().lastSharedAPath).toBe("rows");
        for (let b = 0; b < 5; b++)
          expect(
            sameBits(
              rows.subarray(b * 300, (b + 1) * 300),
              packed.subarray(b * 1200, b * 1200 + 300),
            ),
          ).toBe(true);
      });
    }
  });

  it("the check can fail: one product rounded differently (a fused multiply-add) is caught", () => {
    // fl(fl(a b) + c) differs from the exact a b + c rounded once for these float32 values
    const a = Math.fround(1 + 2 ** -12);
    const c = Math.fround(-1);
    const separate = Math.fround(Math.fround(a * a) + c);
    const fused = Math.fround(a * a + c);
    expect(separate).not.toBe(fused);
    const w = new Float32Array([a]);
    const x = new Float32Array([a]);
    expect(emulate(w, x, 1, 1, 1, 1, false)[0]).toBe(Math.fround(a * a));
  });

  it("the same bits on 1 and 2 threads (batch elements and column ranges as units)", {
    timeout: 60_000,
  }, async () => {
    const threads = getNumThreads();
    try {
      // static schedule: the worker takes units 1, 3, ... of every threaded rows job
      const { one, two, dynamic } = await onOneAndTwoThreads(() =>
        SHAPES.map(([M, K, N, nb, tW]) => product(M, K, N, nb, tW, 3).got),
      );
      one.forEach((o, i) => {
        expect(sameBits(o, two[i])).toBe(true);
        expect(sameBits(o, dynamic[i])).toBe(true);
      });
    } finally {
      setNumThreads(threads);
    }
  });
});
