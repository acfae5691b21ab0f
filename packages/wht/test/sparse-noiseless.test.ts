/**
 * Noiseless sparse WHT (peeling decoder) at N = 2^20: exact recovery of random K-sparse spectra
 * (support uniform, values uniform in +-[1, 2]) from C * 2^b * (n + 1) samples.
 *
 * Acceptance: max |error| < 1e-9 over all N coefficients (missing and spurious ones count) in
 * >= 99% of seeded trials. Round-off: a recovered value is (N/B) times a single B-point WHT
 * entry, error ~ b u ||U||; with ||X||_2 <= 2 sqrt(K) <= 64 that is < 1e-12, far below 1e-9.
 * Signals: x[j] = (1/N) sum_k X[k] (-1)^<k, j> evaluated directly per sample (K <= 64); for
 * K = 256 and 1024 the direct sums cost 1e7..1e9 operations per trial, so x = ifwht(X) densely
 * (the dense transform is itself checked against the definition in dense.test.ts).
 */
import { ifwht, sparseWHT, sparseWHTAsync } from "@modewise/wht";
import { describe, expect, it } from "vitest";
import {
  denseSpectrum,
  directOracle,
  randomSpectrum,
  recoveryError,
  TestRng,
} from "./reference/sparse-signals.js";

const n = 20;
const C = 3;

/** Buckets the default eta = 1/3 gives: B = 2^ceil(log2(3K)). */
const expectedBuckets = (K: number): number => 2 ** Math.ceil(Math.log2(3 * K));

function runTrials(K: number, trials: number, dense: boolean): { ok: number; worst: number } {
  let ok = 0;
  let worst = 0;
  for (let t = 0; t < trials; t++) {
    const spec = randomSpectrum(n, K, new TestRng(1000 * K + t));
    let oracle: (j: number) => number;
    if (dense) {
      const x = ifwht(denseSpectrum(spec));
      oracle = (j) => x[j];
    } else oracle = directOracle(spec);
    const r = sparseWHT(oracle, { n, sparsity: K, seed: t });
    // The sample budget is the plan's, exactly: C hashes * B buckets * (n + 1) delays.
    expect(r.method).toBe("sparse");
    expect(r.buckets).toBe(expectedBuckets(K));
    expect(r.samples).toBe(C * expectedBuckets(K) * (n + 1));
    const err = recoveryError(spec, r.indices, r.values);
    if (r.success && err < 1e-9) ok++;
    if (r.success) worst = Math.max(worst, err);
    // A reported success must really be exact (no silent wrong answers).
    if (r.success) expect(err).toBeLessThan(1e-9);
  }
  return { ok, worst };
}

describe("peeling decoder, N = 2^20", () => {
  it.each([
    [16, 100, false],
    [64, 100, false],
    [256, 20, true],
    [1024, 20, true],
  ])(
    "K = %i, %i trials: exact recovery in at least 99 percent",
    (K, trials, dense) => {
      const { ok, worst } = runTrials(K, trials, dense);
      console.log(
        `sparse WHT N=2^20 K=${K}: ${ok}/${trials} exact, worst error ${worst.toExponential(1)}, ` +
          `${C * expectedBuckets(K) * (n + 1)} samples (${((100 * C * expectedBuckets(K) * (n + 1)) / 2 ** n).toFixed(2)}% of N)`,
      );
      // 100 trials: at most 1 failure; 20 trials (K = 256, 1024): all must succeed.
      expect(ok).toBeGreaterThanOrEqual(Math.ceil(0.99 * trials));
    },
    60_000,
  ); // ~1 s each when idle; the timeout only guards against a hang on a loaded machine
});

describe("oracle forms, norms and determinism", () => {
  const spec = randomSpectrum(12, 10, new TestRng(5));

  it("the batched async oracle gives the same result as the sync one, in one batch", async () => {
    const sync = sparseWHT(directOracle(spec), { n: 12, sparsity: 10, seed: 3 });
    const f = directOracle(spec);
    let calls = 0;
    const asyncResult = await sparseWHTAsync(
      async (idx) => {
        calls++;
        return Float64Array.from(idx, f);
      },
      { n: 12, sparsity: 10, seed: 3 },
    );
    expect(calls).toBe(1);
    expect(asyncResult.indices).toEqual(sync.indices);
    expect(asyncResult.values).toEqual(sync.values);
    expect(asyncResult.samples).toBe(sync.samples);
    expect(recoveryError(spec, sync.indices, sync.values)).toBeLessThan(1e-12);
  });

  it("norm scales the recovered values like fwht's norm", () => {
    const N = 2 ** 12;
    const base = sparseWHT(directOracle(spec), { n: 12, sparsity: 10 });
    const ortho = sparseWHT(directOracle(spec), { n: 12, sparsity: 10, norm: "ortho" });
    const fwd = sparseWHT(directOracle(spec), { n: 12, sparsity: 10, norm: "forward" });
    base.values.forEach((v, i) => {
      expect(ortho.values[i]).toBeCloseTo(v / Math.sqrt(N), 14);
      expect(fwd.values[i]).toBeCloseTo(v / N, 14);
    });
  });

  it("the same seed gives the same samples; another seed other hashes", () => {
    const seen: number[][] = [];
    for (const seed of [7, 7, 8]) {
      const idx: number[] = [];
      sparseWHT(
        (j) => {
          idx.push(j);
          return directOracle(spec)(j);
        },
        { n: 12, sparsity: 10, seed },
      );
      seen.push(idx);
    }
    expect(seen[0]).toEqual(seen[1]);
    expect(seen[0]).not.toEqual(seen[2]);
  });
});
