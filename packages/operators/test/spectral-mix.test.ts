/**
 * spectralMix's CPU kernel (WebAssembly SIMD, three variants: the product and its two
 * gradients) against direct float64 sums, and its gradients of gradients by finite differences.
 */
import { lastSpectralMixPath, spectralMix } from "@modewise/operators";
import {
  add,
  complex,
  conj,
  Generator,
  gradientsOf,
  memory,
  mul,
  real,
  sum,
  type Tensor,
  tidy,
} from "@modewise/tensor";
import {
  getNumThreads,
  setNumThreads,
  setResidentFloat32,
  setThreadSchedule,
  threadsReady,
  workerUnitsDone,
} from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";
import { checkGrad } from "../../tensor/test/helpers.js";

const U64 = 2 ** -53;
const U32 = 2 ** -24;
const gamma = (n: number, u: number) => (n * u) / (1 - n * u);

type C = { re: Float64Array; im: Float64Array };

function split(t: Tensor): C {
  const d = t.dataSync();
  const n = d.length / 2;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    re[j] = d[2 * j];
    im[j] = d[2 * j + 1];
  }
  return { re, im };
}

/**
 * out[p, q, k] = sum_r a(p, r, k) b(q, r, k) in float64, with |a||b| summed alongside (the
 * scale of the rounding errors); `a`, `b` index the operands (conjugation folded in).
 */
function directSums(
  P: number,
  Q: number,
  R: number,
  K: number,
  a: (p: number, r: number, k: number) => [number, number],
  b: (q: number, r: number, k: number) => [number, number],
): { re: Float64Array; im: Float64Array; scale: Float64Array } {
  const re = new Float64Array(P * Q * K);
  const im = new Float64Array(P * Q * K);
  const scale = new Float64Array(P * Q * K);
  for (let p = 0; p < P; p++)
    for (let q = 0; q < Q; q++)
      for (let k = 0; k < K; k++) {
        let sr = 0;
        let si = 0;
        let s = 0;
        for (let r = 0; r < R; r++) {
          const [ar, ai] = a(p, r, k);
          const [br, bi] = b(q, r, k);
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
          s += Math.hypot(ar, ai) * Math.hypot(br, bi);
        }
        const o = (p * Q + q) * K + k;
        re[o] = sr;
        im[o] = si;
        scale[o] = s;
      }
  return { re, im, scale };
}

/**
 * |got - want| <= bound * scale per entry: float32 results are float32 sums (bound at the
 * call); float64 sums of R complex products are within
 * sqrt(2) gamma_{R+1} sum |a||b| (Higham, 3.1 and 3.6), bounded here by sqrt(2) (R + 2) u.
 */
function expectWithin(got: Tensor, want: ReturnType<typeof directSums>, bound: number): void {
  const g = split(got);
  for (let j = 0; j < want.re.length; j++) {
    const tol = bound * want.scale[j];
    expect(Math.abs(g.re[j] - want.re[j])).toBeLessThanOrEqual(tol);
    expect(Math.abs(g.im[j] - want.im[j])).toBeLessThanOrEqual(tol);
  }
}

describe("spectralMix kernel", () => {
  // B = 5, I = 7, O = 6: the product has 6 outputs per row (a block of 4 and a tail of 2),
  // grad x 7 (4 + 3), grad W 6 again with 7 rows; the sums run over 7, 6 and 5 terms (the
  // float32 kernel takes two at a time: odd tails). B = 1, I = 1, O = 2: sums of 1 term (no
  // pair at all: gradW's R is the batch, 1 for a single sample) and of 2 (one pair, no tail).
  const box = [3, 2];
  const K = 6;
  for (const [B, I, O] of [
    [5, 7, 6],
    [1, 1, 2],
  ] as const)
    for (const dtype of ["float32", "float64"] as const)
      it(`product and both gradients equal direct float64 sums (${dtype}, B ${B}, I ${I}, O ${O})`, () => {
        const base = memory().numTensors;
        tidy(() => {
          const g = new Generator(11);
          const c = (s: number[]) => complex(g.normal(s, { dtype }), g.normal(s, { dtype }));
          const x = c([B, I, ...box]);
          const w = c([I, O, ...box]);
          const dy = c([B, O, ...box]);
          const { value, grads } = gradientsOf(() => spectralMix(x, w), [x, w], dy);
          const X = split(x);
          const W = split(w);
          const D = split(dy);
          const at = (t: C, d1: number, i0: number, i1: number, k: number, cj = false) => {
            const o = (i0 * d1 + i1) * K + k;
            return [t.re[o], cj ? -t.im[o] : t.im[o]] as [number, number];
          };
          // float32: each part is a float32 sum of the 2 R real products in 4 lanes of ceil(R / 2)
          // terms, then 2 pairwise additions: depth <= R + 2 roundings (products included), over
          // terms whose |.| sum to <= sum |a||b| (Cauchy-Schwarz); plus the reference's own error
          const bound = (R: number) =>
            (dtype === "float32" ? gamma(R + 2, U32) : 0) + Math.SQRT2 * (R + 2) * U64;
          // y[b, o] = sum_i x[b, i] W[i, o]
          const y = directSums(
            B,
            O,
            I,
            K,
            (b, i, k) => at(X, I, b, i, k),
            (o, i, k) => at(W, O, i, o, k),
          );
          expectWithin(value, y, bound(I));
          // grad x[b, i] = sum_o dy[b, o] conj W[i, o]
          const gx = directSums(
            B,
            I,
            O,
            K,
            (b, o, k) => at(D, O, b, o, k),
            (i, o, k) => at(W, O, i, o, k, true),
          );
          expectWithin(grads[0], gx, bound(O));
          // grad W[i, o] = sum_b conj x[b, i] dy[b, o]
          const gw = directSums(
            I,
            O,
            B,
            K,
            (i, b, k) => at(X, I, b, i, k, true),
            (o, b, k) => at(D, O, b, o, k),
          );
          expectWithin(grads[1], gw, bound(B));
        });
        expect(memory().numTensors).toBe(base);
      });

  it("has float64 gradients of gradients (every variant differentiated)", () => {
    const base = memory().numTensors;
    tidy(() => {
      const g = new Generator(12);
      const c = (s: number[]) =>
        complex(g.normal(s, { dtype: "float64" }), g.normal(s, { dtype: "float64" }));
      // L = sum |x W|^2: grad x = 2 gradX(xW, W), grad W = 2 gradW(x, xW); differentiating
      // those runs the gradients of all three variants
      const energy = (a: Tensor, b: Tensor) => {
        const y = spectralMix(a, b);
        return sum(real(mul(y, conj(y))));
      };
      const x = c([2, 5, 2, 1]);
      const w = c([5, 3, 2, 1]);
      checkGrad((a, b) => gradientsOf(() => energy(a, b), [a]).grads[0], [x, w]);
      checkGrad((a, b) => gradientsOf(() => energy(a, b), [b]).grads[0], [x, w]);
    });
    expect(memory().numTensors).toBe(base);
  });

  it("complex64 in the resident memory: the copying path's bits, product and gradients", () => {
    const base = memory().numTensors;
    // [20, 20, 16, 8]: an FNO layer's box, large enough for resident storage
    const run = (resident: boolean): Float32Array[] => {
      const was = setResidentFloat32(resident);
      try {
        return tidy(() => {
          const g = new Generator(21);
          const c = (s: number[]) =>
            add(complex(g.normal(s, { dtype: "float32" }), g.normal(s, { dtype: "float32" })), 0);
          const x = c([20, 20, 16, 8]);
          const w = c([20, 20, 16, 8]);
          const dy = c([20, 20, 16, 8]);
          const y = spectralMix(x, w);
          expect(lastSpectralMixPath()).toBe(resident ? "resident" : "copy");
          const { grads } = gradientsOf(() => sum(real(mul(spectralMix(x, w), dy))), [x, w]);
          return [y, ...grads].map((t) => t.dataSync() as Float32Array);
        });
      } finally {
        setResidentFloat32(was);
      }
    };
    const inPlace = run(true);
    const copied = run(false);
    for (let t = 0; t < 3; t++)
      for (let i = 0; i < copied[t].length; i++)
        if (!Object.is(inPlace[t][i], copied[t][i]))
          throw new Error(`output ${t} element ${i}: ${inPlace[t][i]} vs ${copied[t][i]}`);
    expect(memory().numTensors).toBe(base);
  });

  it("complex64 on the gemm threads (frequencies as module-job units): one thread's bits", async () => {
    const base = memory().numTensors;
    const before = getNumThreads();
    const run = (): Float32Array =>
      tidy(() => {
        const g = new Generator(22);
        const c = (s: number[]) =>
          add(complex(g.normal(s, { dtype: "float32" }), g.normal(s, { dtype: "float32" })), 0);
        const y = spectralMix(c([20, 20, 16, 8]), c([20, 20, 16, 8]));
        expect(lastSpectralMixPath()).toBe("resident");
        return y.dataSync() as Float32Array;
      });
    try {
      setNumThreads(1);
      const one = run();
      setNumThreads(2);
      expect(await threadsReady(10000)).toBe(2);
      setThreadSchedule("static");
      const done0 = workerUnitsDone()[0] ?? 0;
      const two = run();
      // static schedule: the worker takes units 1, 3, ... of the 16
      expect((workerUnitsDone()[0] ?? 0) - done0).toBeGreaterThanOrEqual(8);
      for (let i = 0; i < one.length; i++) expect(Object.is(one[i], two[i])).toBe(true);
    } finally {
      setThreadSchedule("dynamic");
      setNumThreads(before);
    }
    expect(memory().numTensors).toBe(base);
  });
});
