/**
 * The plan API: cached by (kind, length, dtype), same results as the functional API, reusable
 * with `out` in loops, strict about length and precision.
 */
import * as F from "@modewise/fft";
import { DTypeError, ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { expectNear, randomValues, readResult } from "./api-helpers.js";

describe("plans", () => {
  it("are cached by (kind, n, dtype) and frozen", () => {
    expect(F.planFFT(12)).toBe(F.planFFT(12, { dtype: "float64" }));
    expect(F.planFFT(12)).not.toBe(F.planFFT(12, { dtype: "float32" }));
    expect(F.planFFT(12)).not.toBe(F.planFFT(13));
    expect(F.planRFFT(12)).toBe(F.planRFFT(12));
    expect(F.planDCT(12, { type: 3 })).toBe(F.planDCT(12, { type: 3 }));
    expect(F.planDCT(12, { type: 3 })).not.toBe(F.planDST(12, { type: 3 }));
    const p = F.planFFT(12);
    expect(Object.isFrozen(p)).toBe(true);
    expect(p.n).toBe(12);
    expect(p.dtype).toBe("float64");
    expect(typeof p.algorithm).toBe("string");
  });

  it("FFTPlan forward / inverse equal fft / ifft (every norm, interleaved, split, along an axis)", () => {
    for (const n of [1, 6, 7, 64]) {
      const p = F.planFFT(n);
      const x = randomValues(2 * n, n);
      for (const norm of ["backward", "ortho", "forward"] as const) {
        expect(Array.from(p.forward(x, { norm }))).toEqual(Array.from(F.fft(x, { norm })));
        expect(Array.from(p.inverse(x, { norm }))).toEqual(Array.from(F.ifft(x, { norm })));
      }
      const s = { re: x.subarray(0, n), im: x.subarray(n) };
      expect(readResult(p.forward(s), true).data).toEqual(readResult(F.fft(s), true).data);
    }
    const v = { data: randomValues(2 * 5 * 3, 1), shape: [5, 3, 2] };
    expect(F.planFFT(5).forward(v, { axis: 0 }).data).toEqual(F.fft(v, { axis: 0 }).data);
  });

  it("reused in a loop with out: no allocation of results, same values", () => {
    const p = F.planFFT(32);
    const out = new Float64Array(64);
    for (let i = 0; i < 20; i++) {
      const x = randomValues(64, i);
      expect(p.forward(x, { out })).toBe(out);
      expectNear(p.inverse(out, { out }), x, 32);
    }
  });

  it("RFFTPlan: n reals <-> n/2 + 1 bins, even and odd n, split layout", () => {
    for (const n of [1, 2, 9, 16]) {
      const p = F.planRFFT(n);
      const x = randomValues(n, n);
      const X = p.forward(x);
      expect(Array.from(X)).toEqual(Array.from(F.rfft(x)));
      expect(Array.from(p.inverse(X))).toEqual(Array.from(F.irfft(X, { n })));
      expectNear(p.inverse(X), x, n);
      const S = p.forward(x, { layout: "split" });
      expect(readResult(S, true).data).toEqual(Array.from(X));
    }
  });

  it("DCT / DST plans equal dct / dst and invert", () => {
    for (const type of [1, 2, 3, 4] as const) {
      const x = randomValues(10, type);
      const p = F.planDCT(10, { type });
      const q = F.planDST(10, { type });
      expect(Array.from(p.forward(x, { norm: "ortho" }))).toEqual(
        Array.from(F.dct(x, { type, norm: "ortho" })),
      );
      expect(Array.from(q.inverse(x))).toEqual(Array.from(F.idst(x, { type })));
      expectNear(p.inverse(p.forward(x)), x, 22);
    }
  });

  it("float32 plans keep float32", () => {
    const p = F.planFFT(8, { dtype: "float32" });
    expect(p.forward(new Float32Array(16))).toBeInstanceOf(Float32Array);
    expect(F.planRFFT(8, { dtype: "float32" }).inverse(new Float32Array(10))).toBeInstanceOf(
      Float32Array,
    );
  });

  it("refuse other lengths, precisions and bad arguments with typed errors", () => {
    expect(() => F.planFFT(8).forward(new Float64Array(18))).toThrow(ShapeError);
    expect(() => F.planFFT(8).forward(new Float32Array(16))).toThrow(DTypeError);
    expect(() => F.planRFFT(8).inverse(new Float64Array(8))).toThrow(ShapeError);
    expect(() => F.planDCT(8).forward(new Float64Array(9))).toThrow(ShapeError);
    expect(() => F.planFFT(0)).toThrow(ValueError);
    expect(() => F.planFFT(8, { dtype: "float16" as never })).toThrow(DTypeError);
    expect(() => F.planDCT(1, { type: 1 })).toThrow(ValueError);
    expect(() => F.planDST(4, { type: 7 as never })).toThrow(ValueError);
  });
});
