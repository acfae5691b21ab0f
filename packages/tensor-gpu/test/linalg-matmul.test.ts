/**
 * BatchMatMul kernels vs float64 direct sums. Tolerance (deterministic, Higham 3.1): every
 * output of a K-term f32 dot product of exact f32 inputs satisfies
 * |fl(a.b) - a.b| <= gamma_K sum_k |a_k||b_k|, gamma_K = K u / (1 - K u), u = 2^-24.
 * Complex outputs: 2K real terms per part, so gamma_{2K} over the absolute products.
 */
import { describe, expect, it } from "vitest";
import { linalgExecutor } from "../src/kernels/linalg-host.js";
import { matmulKernels } from "../src/kernels/matmul.js";
import { seeded, TestHost } from "./linalg-host.js";

const U = 2 ** -24;
const gamma = (k: number) => (k * U) / (1 - k * U);

interface Ref {
  want: Float64Array;
  bound: Float64Array;
}

/** f64 reference: [...batch, M, N] with numpy batch broadcasting, real or interleaved complex. */
function reference(
  a: Float32Array,
  aShape: number[],
  b: Float32Array,
  bShape: number[],
  tA: boolean,
  tB: boolean,
  complex: boolean,
): Ref & { shape: number[] } {
  const ra = aShape.length;
  const rb = bShape.length;
  const M = tA ? aShape[ra - 1] : aShape[ra - 2];
  const K = tA ? aShape[ra - 2] : aShape[ra - 1];
  const N = tB ? bShape[rb - 2] : bShape[rb - 1];
  const ba = aShape.slice(0, -2);
  const bb = bShape.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const pa = [...new Array(rank - ba.length).fill(1), ...ba];
  const pb = [...new Array(rank - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => Math.max(d, pb[i]));
  const nb = batch.reduce((x, y) => x * y, 1);
  const c = complex ? 2 : 1;
  const want = new Float64Array(nb * M * N * c);
  const bound = new Float64Array(nb * M * N * c);
  const flatIndex = (idx: number[], shape: number[]) =>
    idx.reduce((acc, v, i) => acc * shape[i] + (shape[i] === 1 ? 0 : v), 0);
  for (let t = 0; t < nb; t++) {
    const idx: number[] = [];
    let rest = t;
    for (let i = rank - 1; i >= 0; i--) {
      idx[i] = rest % batch[i];
      rest = Math.floor(rest / batch[i]);
    }
    const oa = flatIndex(idx, pa) * M * K;
    const ob = flatIndex(idx, pb) * K * N;
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let re = 0;
        let im = 0;
        let abs = 0;
        for (let k = 0; k < K; k++) {
          const ia = oa + (tA ? k * M + m : m * K + k);
          const ib = ob + (tB ? n * K + k : k * N + n);
          if (!complex) {
            re += a[ia] * b[ib];
            abs += Math.abs(a[ia] * b[ib]);
          } else {
            const [ar, ai, br, bi] = [a[2 * ia], a[2 * ia + 1], b[2 * ib], b[2 * ib + 1]];
            re += ar * br - ai * bi;
            im += ar * bi + ai * br;
            abs += Math.hypot(ar, ai) * Math.hypot(br, bi);
          }
        }
        const o = (t * M + m) * N + n;
        if (!complex) {
          want[o] = re;
          bound[o] = gamma(K) * abs;
        } else {
          want[2 * o] = re;
          want[2 * o + 1] = im;
          // |ar br| + |ai bi| <= sqrt2 |a||b| per term, two products per part.
          bound[2 * o] = bound[2 * o + 1] = gamma(2 * K) * Math.SQRT2 * abs;
        }
      }
  }
  return { want, bound, shape: [...batch, M, N] };
}

function check(
  host: TestHost,
  aShape: number[],
  bShape: number[],
  tA: boolean,
  tB: boolean,
  complex: boolean,
): void {
  const c = complex ? 2 : 1;
  const sa = aShape.reduce((x, y) => x * y, 1) * c;
  const sb = bShape.reduce((x, y) => x * y, 1) * c;
  const a = seeded(sa, 7 + sa);
  const b = seeded(sb, 11 + sb);
  const dtype = complex ? "complex64" : "float32";
  const out = matmulKernels.BatchMatMul(
    [host.info(a, aShape, dtype), host.info(b, bShape, dtype)],
    { transposeA: tA, transposeB: tB },
    host,
  );
  const ref = reference(a, aShape, b, bShape, tA, tB, complex);
  expect(out.shape).toEqual(ref.shape);
  const got = host.values(out);
  expect(got.length).toBe(ref.want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - ref.want[i]);
    // max(bound, denormal floor): an exact-zero sum has a zero bound.
    worst = Math.max(worst, err / Math.max(ref.bound[i], 1e-30));
  }
  expect(worst).toBeLessThanOrEqual(1);
}

describe("BatchMatMul (gpu.js kernel, run on webasm)", () => {
  const host = new TestHost("linalg-test-gl", "webgl2");

  it("f32, all four transpose layouts", () => {
    for (const tA of [false, true])
      for (const tB of [false, true]) {
        check(host, tA ? [2, 9, 7] : [2, 7, 9], tB ? [2, 5, 9] : [2, 9, 5], tA, tB, false);
        expect(linalgExecutor("BatchMatMul")).toBe("gpu.js:webasm");
      }
  });

  it("f32, batch broadcasting [3,1,4,6] @ [2,6,5] and a shared right operand", () => {
    check(host, [3, 1, 4, 6], [2, 6, 5], false, false, false);
    check(host, [4, 3, 6], [5, 6], false, true, false);
  });

  it("f32, K = 1100 (> gpu.js's 1000-iteration cut for argument-bounded loops)", () => {
    check(host, [3, 1100], [1100, 4], false, false, false);
    // The cut would drop 100 terms: far outside the tolerance, so this test can fail.
  });

  it("complex64 (spectral channel mixing, batched over modes), with transposes", () => {
    check(host, [6, 3, 4], [6, 4, 5], false, false, true);
    check(host, [6, 4, 3], [1, 5, 4], true, true, true);
  });

  it("caches one compiled kernel per (dtype, sizes, layout)", () => {
    const before = host.compiled;
    check(host, [2, 7, 9], [2, 9, 5], false, false, false);
    expect(host.compiled).toBe(before);
  });
});

describe("BatchMatMul on the wasm backend: WASM SIMD sgemm (f32), CPU gemm (complex64)", () => {
  it("f32 runs the tensor core's sgemm (executor wasm-gemm), every layout and broadcast", () => {
    const host = new TestHost("linalg-test-wasm", "webasm");
    check(host, [2, 3, 1100], [1100, 4], false, false, false);
    expect(linalgExecutor("BatchMatMul")).toBe("wasm-gemm");
    check(host, [4, 3, 6], [5, 6], false, true, false); // batch folded into rows
    check(host, [3, 1, 4, 6], [2, 6, 5], false, false, false);
    for (const tA of [false, true])
      for (const tB of [false, true])
        check(host, tA ? [2, 9, 7] : [2, 7, 9], tB ? [2, 5, 9] : [2, 9, 5], tA, tB, false);
    expect(linalgExecutor("BatchMatMul")).toBe("wasm-gemm");
  });

  it("complex64 reports executor cpu-kernel (no complex sgemm in the core yet)", () => {
    const host = new TestHost("linalg-test-wasm", "webasm");
    check(host, [3, 4, 5], [3, 4, 2], true, false, true);
    expect(linalgExecutor("BatchMatMul")).toBe("cpu-kernel");
  });
});
