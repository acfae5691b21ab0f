import { functionalCall } from "@modewise/nn";
import { SpectralConv, spectralMix } from "@modewise/operators";
import {
  complex,
  DTypeError,
  einsum,
  Generator,
  memory,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad } from "../../tensor/test/helpers.js";

const U64 = 2 ** -53;
const U32 = 2 ** -24;

/** Identity channel mixing W[i, o, k] = delta_io on every mode. */
function identityWeight(
  channels: number,
  box: number[],
  dtype: "complex64" | "complex128",
): Tensor {
  const k = box.reduce((a, b) => a * b, 1);
  const re = new Float64Array(channels * channels * k);
  for (let i = 0; i < channels; i++) re.fill(1, (i * channels + i) * k, (i * channels + i + 1) * k);
  const real = dtype === "complex64" ? "float32" : "float64";
  return complex(
    tensor(real === "float32" ? Float32Array.from(re) : re, {
      dtype: real,
      shape: [channels, channels, ...box],
    }),
    tensor(new Float64Array(re.length), { dtype: real, shape: [channels, channels, ...box] }),
  );
}

/**
 * Independent reference: direct DFT sums in float64. y(x) = Re[(1/N) sum_{k in kept} c(k)
 * (W X)(k) e^{2 pi i k.x/n}] + bias, with X(k) = sum_x u(x) e^{-2 pi i k.x/n}, the kept set
 * -m..m-1 on the leading axes and 0..m_d-1 on the last, and c(k) = 1 on the DC / Nyquist column
 * of the last axis, 2 elsewhere (the Hermitian half-spectrum multiplicity).
 */
function directReference(
  u: Float64Array,
  shape: number[],
  w: Float64Array,
  outC: number,
  modes: number[],
  bias: Float64Array | null,
): Float64Array {
  const [B, C, ...grid] = shape;
  const d = grid.length;
  const N = grid.reduce((a, b) => a * b, 1);
  const points: number[][] = [];
  for (let p = 0; p < N; p++) {
    const idx: number[] = [];
    let r = p;
    for (let a = d - 1; a >= 0; a--) {
      idx.unshift(r % grid[a]);
      r = Math.floor(r / grid[a]);
    }
    points.push(idx);
  }
  const freqs: number[][] = [];
  const boxShape = modes.map((m, a) => (a === d - 1 ? m : 2 * m));
  const K = boxShape.reduce((a, b) => a * b, 1);
  for (let q = 0; q < K; q++) {
    const f: number[] = [];
    let r = q;
    for (let a = d - 1; a >= 0; a--) {
      const j = r % boxShape[a];
      r = Math.floor(r / boxShape[a]);
      f.unshift(a === d - 1 ? j : j - modes[a]);
    }
    freqs.push(f);
  }
  const phase = (f: number[], x: number[]): number =>
    2 * Math.PI * f.reduce((s, fi, a) => s + (fi * x[a]) / grid[a], 0);
  const out = new Float64Array(B * outC * N);
  for (let b = 0; b < B; b++) {
    const Xr = new Float64Array(C * K);
    const Xi = new Float64Array(C * K);
    for (let c = 0; c < C; c++)
      for (let q = 0; q < K; q++)
        for (let p = 0; p < N; p++) {
          const v = u[(b * C + c) * N + p];
          const t = phase(freqs[q], points[p]);
          Xr[c * K + q] += v * Math.cos(t);
          Xi[c * K + q] -= v * Math.sin(t);
        }
    for (let o = 0; o < outC; o++)
      for (let q = 0; q < K; q++) {
        let yr = 0;
        let yi = 0;
        for (let c = 0; c < C; c++) {
          const wr = w[2 * ((c * outC + o) * K + q)];
          const wi = w[2 * ((c * outC + o) * K + q) + 1];
          yr += Xr[c * K + q] * wr - Xi[c * K + q] * wi;
          yi += Xr[c * K + q] * wi + Xi[c * K + q] * wr;
        }
        const fl = freqs[q][d - 1];
        const nl = grid[d - 1];
        const mult = fl === 0 || (nl % 2 === 0 && fl === nl / 2) ? 1 : 2;
        for (let p = 0; p < N; p++) {
          const t = phase(freqs[q], points[p]);
          out[(b * outC + o) * N + p] += (mult * (yr * Math.cos(t) - yi * Math.sin(t))) / N;
        }
      }
    if (bias)
      for (let o = 0; o < outC; o++)
        for (let p = 0; p < N; p++) out[(b * outC + o) * N + p] += bias[o];
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe("SpectralConv", () => {
  const cases: { grid: number[]; modes: number[] }[] = [
    { grid: [16], modes: [9] },
    { grid: [8, 10], modes: [4, 6] },
    { grid: [4, 6, 8], modes: [2, 3, 5] },
  ];

  for (const { grid, modes } of cases)
    for (const dtype of ["float64", "float32"] as const)
      it(`keeps every mode with identity weights: reproduces the input (${grid.length}-D, ${dtype})`, () => {
        const base = memory().numTensors;
        tidy(() => {
          const conv = new SpectralConv({
            inChannels: 3,
            outChannels: 3,
            modes,
            bias: false,
            dtype,
          });
          const box = modes.map((m, a) => (a === modes.length - 1 ? m : 2 * m));
          const w = identityWeight(3, box, dtype === "float32" ? "complex64" : "complex128");
          const x = new Generator(1).normal([2, 3, ...grid], { dtype });
          const y = functionalCall(conv, { weight: w }, () => conv.forward(x));
          expect(y.shape).toEqual(x.shape);
          // FFT round trip: error ~ c log2(N) u max|x| with c small; we allow c = 4.
          const N = grid.reduce((a, b) => a * b, 1);
          const u = dtype === "float32" ? U32 : U64;
          const tol = 4 * Math.log2(N) * u * maxAbs(x.dataSync()) * 4;
          expect(maxAbsDiff(y.dataSync(), x.dataSync())).toBeLessThan(tol);
          conv.dispose();
        });
        expect(memory().numTensors).toBe(base);
      });

  const refCases: { grid: number[]; modes: number[] }[] = [
    { grid: [9], modes: [3] },
    { grid: [8], modes: [5] }, // reaches the Nyquist bin of the last axis
    { grid: [6, 5], modes: [2, 3] },
    { grid: [4, 6], modes: [2, 4] }, // leading axis n = 2m: -m and +m are one bin
    { grid: [4, 4, 6], modes: [1, 2, 2] },
    { grid: [7, 6], modes: [3, 3] }, // odd leading axis
    { grid: [5, 7, 4], modes: [2, 3, 3] }, // odd leading axes, Nyquist on the last
  ];
  for (const { grid, modes } of refCases)
    it(`matches direct DFT sums in float64 (grid ${grid.join("x")}, modes ${modes.join(",")})`, () => {
      tidy(() => {
        const g = new Generator(7);
        const conv = new SpectralConv({
          inChannels: 2,
          outChannels: 3,
          modes,
          dtype: "float64",
          generator: g,
        });
        const x = g.normal([2, 2, ...grid], { dtype: "float64" });
        const y = conv.forward(x);
        const ref = directReference(
          x.dataSync() as Float64Array,
          x.shape as number[],
          conv.denseWeight().dataSync() as Float64Array,
          3,
          modes,
          conv.bias?.value.dataSync() as Float64Array,
        );
        // Both sides sum N * K * C terms of size ~ max|x| |w|: bound 64 N u max|y|.
        const N = grid.reduce((a, b) => a * b, 1);
        expect(maxAbsDiff(y.dataSync(), ref)).toBeLessThan(64 * N * U64 * Math.max(1, maxAbs(ref)));
      });
    });

  it("is consistent across resolutions for band-limited input (zero-shot super-resolution)", () => {
    tidy(() => {
      const g = new Generator(3);
      const conv = new SpectralConv({
        inChannels: 2,
        outChannels: 2,
        modes: [3, 3],
        dtype: "float64",
        generator: g,
      });
      // A band-limited signal sampled on 8x8 and on 16x16.
      const sample = (n: number): Tensor => {
        const v = new Float64Array(2 * n * n);
        for (let c = 0; c < 2; c++)
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++)
              v[(c * n + i) * n + j] =
                Math.cos((2 * Math.PI * (i + 2 * j)) / n + c) +
                0.5 * Math.sin((2 * Math.PI * (2 * i - j)) / n);
        return tensor(v, { dtype: "float64", shape: [1, 2, n, n] });
      };
      const coarse = conv.forward(sample(8)).dataSync();
      const fine = conv.forward(sample(16)).dataSync();
      let err = 0;
      for (let c = 0; c < 2; c++)
        for (let i = 0; i < 8; i++)
          for (let j = 0; j < 8; j++)
            err = Math.max(
              err,
              Math.abs(coarse[(c * 8 + i) * 8 + j] - fine[(c * 16 + 2 * i) * 16 + 2 * j]),
            );
      expect(err).toBeLessThan(1e-13);
    });
  });

  for (const factorization of [null, "cp", "tucker"] as const)
    it(`passes float64 gradient checks (input, ${factorization ?? "dense"} weights, bias)`, () => {
      const base = memory().numTensors;
      tidy(() => {
        const g = new Generator(11);
        const conv = new SpectralConv({
          inChannels: 2,
          outChannels: 2,
          modes: [2, 2],
          dtype: "float64",
          generator: g,
          factorization,
          rank: 2,
        });
        const x = g.normal([1, 2, 4, 5], { dtype: "float64" });
        for (const [name, p] of conv.namedParameters())
          checkGrad((w) => functionalCall(conv, { [name]: w }, () => conv.forward(x)), [p.value]);
        checkGrad((xi) => conv.forward(xi), [x]);
        conv.dispose();
      });
      expect(memory().numTensors).toBe(base);
    }, 60_000);

  it("spectralMix has float64 gradients (complex inputs and weights)", () => {
    tidy(() => {
      const g = new Generator(5);
      const c = (s: number[]) =>
        complex(g.normal(s, { dtype: "float64" }), g.normal(s, { dtype: "float64" }));
      checkGrad((a, b) => spectralMix(a, b), [c([2, 3, 2, 2]), c([3, 2, 2, 2])]);
    });
  });

  for (const dtype of ["float32", "float64"] as const)
    it(`spectralMix's fused CPU kernel equals the composite einsum (${dtype})`, () => {
      tidy(() => {
        const g = new Generator(6);
        const c = (s: number[]) => complex(g.normal(s, { dtype }), g.normal(s, { dtype }));
        const x = c([3, 4, 5, 6]);
        const w = c([4, 2, 5, 6]);
        const fused = spectralMix(x, w).dataSync();
        const ref = einsum("bixy,ioxy->boxy", x, w).dataSync();
        // 4-term complex dot products: the kernel's float32 (float64) sums err by at most
        // gamma_6(u) sum |x||w| <= gamma_6(u) 4 * 2 max|x| max|w| (|z| <= sqrt(2) max|part|);
        // the einsum reference (float64 sums) by its rounding, u |ref|
        const u = dtype === "float32" ? U32 : U64;
        const terms = 4 * 2 * maxAbs(x.dataSync()) * maxAbs(w.dataSync());
        const tol = ((6 * u) / (1 - 6 * u)) * terms + 2 * u * maxAbs(ref);
        expect(maxAbsDiff(fused, ref)).toBeLessThanOrEqual(tol);
      });
    });

  it("validates options and input shapes with typed errors", () => {
    expect(() => new SpectralConv({ inChannels: 2, outChannels: 2, modes: [] })).toThrow(
      ValueError,
    );
    expect(() => new SpectralConv({ inChannels: 2, outChannels: 2, modes: [1, 2, 3, 4] })).toThrow(
      ValueError,
    );
    expect(() => new SpectralConv({ inChannels: 0, outChannels: 2, modes: [2] })).toThrow(
      ValueError,
    );
    expect(() => new SpectralConv({ inChannels: 2, outChannels: 2, modes: [2.5] })).toThrow(
      ValueError,
    );
    tidy(() => {
      const conv = new SpectralConv({ inChannels: 2, outChannels: 2, modes: [4, 4] });
      const g = new Generator(0);
      // modes 4 need >= 8 points on the leading axis and >= 6 on the last
      expect(() => conv.forward(g.normal([1, 2, 6, 8]))).toThrow(/spatial axis 0 of size >= 8/);
      expect(() => conv.forward(g.normal([1, 2, 8, 5]))).toThrow(ShapeError);
      expect(() => conv.forward(g.normal([1, 2, 8]))).toThrow(/rank-4/);
      expect(() => conv.forward(g.normal([1, 3, 8, 8]))).toThrow(/2 channels/);
      expect(conv.forward(g.normal([1, 2, 8, 6])).shape).toEqual([1, 2, 8, 6]);
      const z = (s: number[], dtype: "float32" | "float64" = "float32") =>
        complex(g.normal(s, { dtype }), g.normal(s, { dtype }));
      expect(() => spectralMix(z([1, 2, 3]), z([3, 2, 3]))).toThrow(ShapeError);
      expect(() => spectralMix(z([1, 2, 3]), z([2, 2, 3], "float64"))).toThrow(DTypeError);
    });
  });
});
