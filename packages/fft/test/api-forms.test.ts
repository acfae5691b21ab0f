/**
 * Data forms and conventions of the standalone API: result forms mirror input forms, precision
 * is kept, inputs are never modified, `out` (including in place), empty batch axes, and IEEE
 * propagation of NaN / Inf.
 */
import * as F from "@modewise/fft";
import { describe, expect, it } from "vitest";
import { expectNear, randomValues, readResult } from "./api-helpers.js";

const c8 = (): Float64Array => randomValues(16, 3);

describe("forms", () => {
  it("interleaved in, interleaved out; split in, split out; same values", () => {
    const x = c8();
    const re = x.filter((_, i) => i % 2 === 0);
    const im = x.filter((_, i) => i % 2 === 1);
    const a = F.fft(x);
    const b = F.fft({ re, im });
    expect(a).toBeInstanceOf(Float64Array);
    expect(b.re).toBeInstanceOf(Float64Array);
    expect(readResult(b, true).data).toEqual(Array.from(a));
  });

  it("split input may omit im (real data into the complex transforms)", () => {
    const r = randomValues(7, 1);
    const y = F.fft({ re: r });
    expect(readResult(y, true).data).toEqual(
      readResult(F.fft({ re: r, im: new Float64Array(7) }), true).data,
    );
    const h = F.rfft(r);
    for (let k = 0; k < 4; k++) {
      expect(h[2 * k]).toBeCloseTo(y.re[k], 14);
      expect(h[2 * k + 1]).toBeCloseTo(y.im[k], 14);
    }
  });

  it("rfft layout 'split' and views in, views out", () => {
    const r = randomValues(12, 2);
    const s = F.rfft(r, { layout: "split" });
    expect(s.re.length).toBe(7);
    expect(readResult(s, true).data).toEqual(Array.from(F.rfft(r)));
    const v = F.rfft({ data: r, shape: [3, 4] });
    expect(v.shape).toEqual([3, 3, 2]);
    expect(v.stride).toEqual([6, 2, 1]);
    expect(v.offset).toBe(0);
    const sv = F.rfft({ data: r, shape: [3, 4] }, { layout: "split" });
    expect(sv.re.shape).toEqual([3, 3]);
    expect(readResult(sv, true).data).toEqual(readResult(v, true).data);
  });

  it("float32 in, float32 out, for every transform", () => {
    const x = Float32Array.from(randomValues(16, 4));
    const r = Float32Array.from(randomValues(8, 5));
    const v = { data: r, shape: [2, 4] };
    const results: unknown[] = [
      F.fft(x),
      F.ifft(x),
      F.fftn(x),
      F.ifftn(x),
      F.rfft(r),
      F.irfft(x),
      F.hfft(x),
      F.ihfft(r),
      F.rfftn(v).data,
      F.irfftn({ data: x, shape: [2, 4, 2] }).data,
      F.fft2({ data: x, shape: [2, 4, 2] }).data,
      F.dct(r),
      F.idct(r),
      F.dst(r),
      F.idst(r),
      F.dctn(v).data,
      F.fftbr(x),
      F.ifftbr(x),
      F.fftshift(r),
      F.fft({ re: r }).re,
      F.irfft({ re: r.subarray(0, 5), im: r.subarray(3, 8) }),
    ];
    for (const y of results) expect(y).toBeInstanceOf(Float32Array);
    expect(F.fft(Float64Array.from(x))).toBeInstanceOf(Float64Array);
  });

  it("never modifies the input", () => {
    const x = c8();
    const r = randomValues(8, 7);
    const x0 = x.slice();
    const r0 = r.slice();
    F.fft(x);
    F.ifft(x, { n: 5 });
    F.irfft(x);
    F.hfft(x);
    F.fftn({ data: x, shape: [2, 4, 2] });
    F.irfftn({ data: x, shape: [2, 4, 2] });
    F.fftbr(x);
    F.rfft(r);
    F.dct(r, { type: 1 });
    F.dst(r, { type: 4 });
    F.dctn({ data: r, shape: [2, 4] });
    F.fftshift(r);
    expect(x).toEqual(x0);
    expect(r).toEqual(r0);
  });
});

describe("out", () => {
  it("writes into the given array and returns it", () => {
    const x = c8();
    const out = new Float64Array(16);
    const y = F.fft(x, { out });
    expect(y).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(F.fft(x)));
    const rout = new Float64Array(8);
    expect(F.irfft(F.rfft(randomValues(8, 1)), { n: 8, out: rout })).toBe(rout);
    const split = { re: new Float64Array(5), im: new Float64Array(5) };
    const s = F.rfft(randomValues(8, 1), { layout: "split", out: split });
    expect(s.re).toBe(split.re);
    expect(s.im).toBe(split.im);
  });

  it("in place: out may be the input for same-size complex transforms, 1-D and n-D", () => {
    const x = c8();
    const want = F.fft(x);
    const y = F.fft(x, { out: x });
    expect(y).toBe(x);
    expect(Array.from(x)).toEqual(Array.from(want));
    const v = { data: randomValues(2 * 12, 2), shape: [3, 4, 2] };
    const want2 = F.fftn(v).data;
    F.fftn(v, { out: v });
    expectNear(v.data, want2, 12);
    const split = { re: randomValues(6, 1), im: randomValues(6, 2) };
    const want3 = readResult(F.ifft(split), true).data;
    F.ifft(split, { out: split });
    expect(readResult(split, true).data).toEqual(want3);
  });
});

describe("edge cases", () => {
  it("length 1 and empty batch axes", () => {
    expect(Array.from(F.fft(new Float64Array([3, -2])))).toEqual([3, -2]);
    expect(Array.from(F.rfft(new Float64Array([5])))).toEqual([5, 0]);
    expect(Array.from(F.irfft(new Float64Array([5, 9]), { n: 1 }))).toEqual([5]);
    const e = F.fft({ data: new Float64Array(0), shape: [0, 4, 2] });
    expect(e.shape).toEqual([0, 4, 2]);
    const r = F.rfftn({ data: new Float64Array(0), shape: [0, 6] }, { axes: [1] });
    expect(r.shape).toEqual([0, 4, 2]);
    expect(F.fft(new Float64Array(0), { n: 3 }).length).toBe(6); // zero-padding an empty line
  });

  it("axes = [] copies (as numpy), and the 0-d view", () => {
    const v = { data: new Float64Array([1, 2, 3, 4]), shape: [2, 2] };
    expect(Array.from(F.fftn(v, { axes: [] }).data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(F.fftn({ data: new Float64Array([7, 8]), shape: [2] }).data)).toEqual([7, 8]);
    expect(Array.from(F.dctn({ data: new Float64Array([2]), shape: [] }).data)).toEqual([2]);
  });

  it("NaN and Inf propagate as IEEE arithmetic does (not special-cased)", () => {
    // Every bin depends on every input, so each output bin gets a NaN (in the components the
    // algorithm's arithmetic touches: multiplications by +-1, +-i are exact swaps, not products).
    const x = new Float64Array(16);
    x[6] = Number.NaN;
    const X = F.fft(x);
    for (let k = 0; k < 8; k++)
      expect(Number.isNaN(X[2 * k]) || Number.isNaN(X[2 * k + 1])).toBe(true);
    const y = new Float64Array(8);
    y[0] = Number.POSITIVE_INFINITY;
    const Y = F.rfft(y);
    const finite = (v: number) => Number.isFinite(v);
    for (let k = 0; k < 5; k++) expect(finite(Y[2 * k]) && finite(Y[2 * k + 1])).toBe(false);
    // other lines of a batch are unaffected
    const batch = new Float64Array(2 * 8 * 2);
    batch[0] = Number.NaN;
    batch[16] = 1;
    const b = F.fft({ data: batch, shape: [2, 8, 2] });
    expect(Array.from(b.data.subarray(16, 32)).every((v) => Number.isFinite(v))).toBe(true);
    expect(Number.isNaN(b.data[0])).toBe(true);
  });
});
