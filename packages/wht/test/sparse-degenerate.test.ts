/**
 * Degenerate inputs of the sparse WHT: K = 0, K near N, a wrong (too small) K, tiny n, and
 * typed errors for bad arguments and bad oracle output. None may hang or return silently wrong
 * data: a failed decode says success = false.
 */
import { DTypeError, ShapeError, ValueError } from "@modewise/tensor";
import { fwht, ifwht, sparseWHT, sparseWHTAsync } from "@modewise/wht";
import { describe, expect, it } from "vitest";
import { directWHT } from "./reference/direct.js";
import {
  denseSpectrum,
  directOracle,
  randomSpectrum,
  recoveryError,
  TestRng,
} from "./reference/sparse-signals.js";

describe("degenerate sparsity", () => {
  it("K = 0 and an all-zero signal: empty result, success, 1 bucket per hash", () => {
    const r = sparseWHT(() => 0, { n: 20, sparsity: 0 });
    expect(r.success).toBe(true);
    expect(r.indices.length).toBe(0);
    expect(r.values.length).toBe(0);
    expect(r.buckets).toBe(1);
    expect(r.samples).toBe(3 * 1 * 21);
  });

  it("K = 0 declared but the signal is not zero: reported failure, not an empty success", () => {
    const spec = randomSpectrum(16, 5, new TestRng(2));
    const r = sparseWHT(directOracle(spec), { n: 16, sparsity: 0 });
    expect(r.success).toBe(false);
    expect(r.unresolved).toBeGreaterThan(0);
  });

  it("K near N: the dense transform is used (fewer samples than the sparse plan)", () => {
    const n = 10;
    const spec = randomSpectrum(n, 1000, new TestRng(3));
    const r = sparseWHT(directOracle(spec), { n, sparsity: 1000 });
    expect(r.method).toBe("dense");
    expect(r.samples).toBe(1024);
    expect(recoveryError(spec, r.indices, r.values)).toBeLessThan(1e-12);
  });

  it("K under-declared (K = 16 for a 3000-sparse spectrum): failure, bounded work; fallback exact", () => {
    const n = 16;
    const spec = randomSpectrum(n, 3000, new TestRng(4));
    const x = ifwht(denseSpectrum(spec));
    const t0 = performance.now();
    const r = sparseWHT((j) => x[j], { n, sparsity: 16 });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.success).toBe(false);
    expect(r.method).toBe("sparse");
    expect(r.iterations).toBeLessThanOrEqual(64);
    const fb = sparseWHT((j) => x[j], { n, sparsity: 16, denseFallback: true });
    expect(fb.success).toBe(true);
    expect(fb.method).toBe("dense");
    expect(fb.samples).toBe(r.samples + 2 ** n);
    expect(recoveryError(spec, fb.indices, fb.values)).toBeLessThan(1e-12);
  });

  it("n = 0, 1, 2: exact for every K (dense path: the sparse plan is never cheaper)", () => {
    for (const n of [0, 1, 2]) {
      const N = 2 ** n;
      const x = Float64Array.from({ length: N }, (_, j) => ((j * 7 + 3) % 5) - 2);
      const ref = directWHT(x, "natural");
      for (let K = 0; K <= N; K++) {
        const r = sparseWHT((j) => x[j], { n, sparsity: K });
        const got = new Float64Array(N);
        r.indices.forEach((k, i) => {
          got[k] = r.values[i];
        });
        expect(Array.from(got)).toEqual(Array.from(ref));
      }
    }
  });

  it("n = 31 (the largest): indices with the top bit (2^30) set are recovered", () => {
    const spec = {
      n: 31,
      support: [1, 2 ** 30 + 5, 2 ** 30 + 2 ** 29 + 12345, 2 ** 31 - 1],
      values: [1, -1.5, 2, -1.25],
    };
    const r = sparseWHT(directOracle(spec), { n: 31, sparsity: 4, seed: 9 });
    expect(r.success).toBe(true);
    expect(r.method).toBe("sparse");
    expect(Array.from(r.indices)).toEqual(spec.support);
    expect(recoveryError(spec, r.indices, r.values)).toBeLessThan(1e-9);
  });

  it("spright on a small dense case keeps the K largest coefficients", () => {
    const x = Float64Array.from([4, 0, 0, 0, 0, 0, 0, 0]); // X = 4 everywhere
    const r = sparseWHT((j) => x[j], { n: 3, sparsity: 8, decoder: "spright" });
    expect(r.method).toBe("dense");
    expect(Array.from(r.values)).toEqual(Array.from(fwht(x.slice())));
  });
});

describe("typed errors", () => {
  it("bad options name the argument", () => {
    const f = (): number => 0;
    expect(() => sparseWHT(f, { n: 32, sparsity: 1 })).toThrow(ValueError);
    expect(() => sparseWHT(f, { n: 4, sparsity: 17 })).toThrow(/options.sparsity/);
    expect(() => sparseWHT(f, { n: 4, sparsity: -1 })).toThrow(ValueError);
    expect(() => sparseWHT(f, { n: 4.5, sparsity: 1 })).toThrow(/options.n/);
    expect(() => sparseWHT(f, { n: 8, sparsity: 2, decoder: "magic" as never })).toThrow(
      /options.decoder/,
    );
    expect(() => sparseWHT(f, { n: 8, sparsity: 2, hashes: 0 })).toThrow(/options.hashes/);
    expect(() => sparseWHT(f, { n: 8, sparsity: 2, bucketsLog2: 9 })).toThrow(/bucketsLog2/);
    expect(() => sparseWHT(f, { n: 8, sparsity: 2, repetitions: 3 })).toThrow(/repetitions/);
    expect(() => sparseWHT(f, { n: 8, sparsity: 2, tolerance: 0 })).toThrow(/tolerance/);
    expect(() => sparseWHT(f, { n: 8, sparsity: 2, norm: "x" as never })).toThrow(/options.norm/);
    expect(() => sparseWHT(f, undefined as never)).toThrow(/options/);
    expect(() => sparseWHT(42 as never, { n: 8, sparsity: 2 })).toThrow(/oracle/);
  });

  it("a non-finite oracle value is an error naming the index, never a silent NaN", () => {
    expect(() => sparseWHT((j) => (j === 0 ? Number.NaN : 0), { n: 12, sparsity: 2 })).toThrow(
      /index 0/,
    );
  });

  it("async oracle: wrong length is a ShapeError, wrong type a ValueError", async () => {
    await expect(
      sparseWHTAsync(async () => new Float64Array(3), { n: 12, sparsity: 2 }),
    ).rejects.toThrow(ShapeError);
    await expect(
      sparseWHTAsync(async (idx) => Array.from(idx) as never, { n: 12, sparsity: 2 }),
    ).rejects.toThrow(ValueError);
  });

  it("dense API: wrong type, length and options", () => {
    expect(() => fwht([1, 2] as never)).toThrow(DTypeError);
    expect(() => fwht(new Float64Array(6))).toThrow(/2\^n/);
    expect(() => fwht(new Float64Array(0))).toThrow(ValueError);
    expect(() => fwht(new Float64Array(8), { batch: 3 })).toThrow(/divisible/);
    expect(() => fwht(new Float64Array(8), { batch: 0 })).toThrow(/options.batch/);
    expect(() => fwht(new Float64Array(8), { order: "gray" as never })).toThrow(/options.order/);
    expect(() => ifwht(new Float32Array(8), { norm: "none" as never })).toThrow(/options.norm/);
  });
});
