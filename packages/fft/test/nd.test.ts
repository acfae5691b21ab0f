/**
 * n-D transforms against repeated 1-D transforms and against an independent O(N^2) DFT per line:
 * every axis subset and order, zero-padding and truncation (s), batching along the other axes,
 * non-contiguous scijs ndarray views (transposed, stepped, sliced), float32. Bound: tol(N),
 * api-helpers.ts.
 */
import * as F from "@modewise/fft";
import { tensor, toNdarray } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { expectNear, naiveDft, randomValues, readResult, sizeOf } from "./api-helpers.js";

type View = { data: Float64Array; shape: number[]; stride?: number[]; offset?: number };

/** Apply a 1-D complex transform along each axis in turn with the public 1-D API. */
function repeated1d(x: View, axes: number[], s: number[] | undefined, inverse: boolean): View {
  let cur: View = x;
  for (let i = axes.length - 1; i >= 0; i--) {
    const f = inverse ? F.ifft : F.fft;
    cur = f(cur, { axis: axes[i], n: s ? s[i] : undefined }) as View;
  }
  return cur;
}

function complexView(shape: number[], seed: number): View {
  return { data: randomValues(2 * sizeOf(shape), seed), shape: [...shape, 2] };
}

function realView(shape: number[], seed: number): View {
  return { data: randomValues(sizeOf(shape), seed), shape };
}

const subsets = (rank: number): number[][] => {
  const out: number[][] = [];
  for (let m = 1; m < 1 << rank; m++) {
    const s: number[] = [];
    for (let a = 0; a < rank; a++) if (m & (1 << a)) s.push(a);
    out.push(s, s.slice().reverse());
  }
  return out;
};

describe("fftn / ifftn = repeated 1-D transforms", () => {
  const shape = [3, 4, 5];
  const x = complexView(shape, 1);
  for (const axes of subsets(3)) {
    it(`axes [${axes}]`, () => {
      for (const inverse of [false, true]) {
        const f = inverse ? F.ifftn : F.fftn;
        const got = readResult(f(x, { axes }), true);
        const want = readResult(repeated1d(x, axes, undefined, inverse), true);
        expect(got.shape).toEqual(shape);
        expectNear(got.data, want.data, 60);
        const s = axes.map((a, i) => (i % 2 === 0 ? shape[a] + 2 : Math.max(1, shape[a] - 2)));
        const gotS = readResult(f(x, { axes, s }), true);
        const wantS = readResult(repeated1d(x, axes, s, inverse), true);
        expect(gotS.shape).toEqual(wantS.shape);
        expectNear(gotS.data, wantS.data, 100);
      }
    });
  }

  it("every line of a batched 2-D transform equals an O(N^2) DFT (64 x 48, axis 0 and axis 1)", () => {
    const [m, n] = [64, 48];
    const x = complexView([m, n], 3);
    for (const axis of [0, 1]) {
      const got = readResult(F.fft(x, { axis }), true).data;
      const len = axis === 0 ? m : n;
      const lines = axis === 0 ? n : m;
      for (let l = 0; l < lines; l++) {
        const re: number[] = [];
        const im: number[] = [];
        const pos = (j: number) => (axis === 0 ? j * n + l : l * n + j);
        for (let j = 0; j < len; j++) {
          re.push(x.data[2 * pos(j)]);
          im.push(x.data[2 * pos(j) + 1]);
        }
        const ref = naiveDft(re, im, -1);
        const mine: number[] = [];
        const want: number[] = [];
        for (let k = 0; k < len; k++) {
          mine.push(got[2 * pos(k)], got[2 * pos(k) + 1]);
          want.push(ref.re[k], ref.im[k]);
        }
        expectNear(mine, want, len, "float64", `line ${l} along axis ${axis}`);
      }
    }
  });

  it("fft2 of 128 x 96 equals two passes of 1-D transforms, and ifft2 inverts it", () => {
    const x = complexView([128, 96], 4);
    const y = F.fft2(x);
    const want = repeated1d(x, [0, 1], undefined, false);
    expectNear(readResult(y, true).data, readResult(want, true).data, 128 * 96);
    expectNear(readResult(F.ifft2(y), true).data, Array.from(x.data), 128 * 96);
  });
});

describe("blocked strided passes (columns gathered in blocks, partial last block)", () => {
  it("in place (out = input), 40 x 37", () => {
    const x = complexView([40, 37], 21);
    const want = readResult(repeated1d(x, [0, 1], undefined, false), true).data;
    const r = F.fft2(x, { out: x });
    expect(r.data).toBe(x.data);
    expectNear(Array.from(x.data), want, 40 * 37);
  });

  it("a contiguous view at an offset, 3 x 33 x 18, every axis order; rfftn / irfftn", () => {
    const shape = [3, 33, 18];
    const size = sizeOf(shape);
    const data = new Float64Array(2 * size + 6);
    data.set(randomValues(2 * size, 22), 6);
    const x: View = { data, shape: [...shape, 2], offset: 6 };
    const plain = { data: data.slice(6), shape: [...shape, 2] };
    for (const axes of [[0, 1, 2], [2, 1, 0], [1, 0], [0]]) {
      const got = readResult(F.fftn(x, { axes }), true).data;
      const want = readResult(repeated1d(plain, axes, undefined, false), true).data;
      expectNear(got, want, 240);
    }
    const r: View = { data: data.slice(0, size + 2), shape, offset: 2 };
    const h = F.rfftn(r);
    const back = F.irfftn(h, { s: shape });
    expectNear(readResult(back, false).data, Array.from(data.subarray(2, size + 2)), 240);
  });
});

describe("rfftn / irfftn = real transform on the last axis + complex on the others", () => {
  const shape = [4, 5, 6];
  const x = realView(shape, 5);
  for (const axes of [[0], [2], [1, 2], [2, 0], [0, 1, 2], [2, 1, 0]]) {
    it(`axes [${axes}]`, () => {
      const last = axes[axes.length - 1];
      let want = F.rfft(x, { axis: last }) as View;
      want = repeated1d(want, axes.slice(0, -1), undefined, false);
      const got = F.rfftn(x, { axes });
      expectNear(readResult(got, true).data, readResult(want, true).data, 120);
      // irfftn inverts it for the original (even or odd) length of the last axis
      const back = F.irfftn(got, { axes, s: axes.map((a) => shape[a]) });
      expectNear(readResult(back, false).data, Array.from(x.data), 120);
      // and equals ifft along the others, then irfft along the last
      const mid = repeated1d(got as View, axes.slice(0, -1), undefined, true);
      const want2 = F.irfft(mid, { axis: last, n: shape[last] });
      expectNear(readResult(back, false).data, readResult(want2, false).data, 120);
    });
  }

  it("with padding and truncation of every axis", () => {
    const s = [6, 3, 9];
    const got = readResult(F.rfftn(x, { s }), true);
    expect(got.shape).toEqual([6, 3, 5]);
    let want = F.rfft(x, { axis: 2, n: 9 }) as View;
    want = repeated1d(want, [0, 1], [6, 3], false);
    expectNear(got.data, readResult(want, true).data, 200);
    const inv = readResult(F.irfftn(F.rfftn(x, { s }), { s }), false);
    expect(inv.shape).toEqual(s);
  });
});

describe("strided views (scijs ndarray)", () => {
  const base = tensor(randomValues(2 * 6 * 8 * 5, 9), { shape: [6, 8, 5], dtype: "complex128" });
  const nd = toNdarray(base); // shape [6, 8, 5, 2]

  it("transposed, stepped and sliced views give the transform of the viewed elements", () => {
    const views = [
      nd.transpose(2, 0, 1, 3),
      nd.step(-1, 2, 1, 1),
      nd.hi(5, 7, 4, 2).lo(1, 2, 0, 0),
      nd.pick(null, 3, null, null),
      nd.transpose(1, 0, 2, 3).step(1, -1, 2, 1),
    ];
    for (const v of views) {
      const contiguous = {
        data: Float64Array.from(readResult(v as never, true).data),
        shape: v.shape.slice(),
      };
      for (const axes of [undefined, [0], [v.dimension - 2]]) {
        const got = readResult(F.fftn(v as never, { axes }), true);
        const want = readResult(F.fftn(contiguous, { axes }), true);
        expect(got.shape).toEqual(want.shape);
        expectNear(got.data, want.data, 240);
      }
      const rv = v.pick(...new Array(v.dimension - 1).fill(null), 0);
      const rc = {
        data: Float64Array.from(readResult(rv as never, false).data),
        shape: rv.shape.slice(),
      };
      expectNear(
        readResult(F.rfftn(rv as never), true).data,
        readResult(F.rfftn(rc), true).data,
        240,
      );
      expectNear(
        readResult(F.dctn(rv as never, { type: 3 }), false).data,
        readResult(F.dctn(rc, { type: 3 }), false).data,
        240,
      );
    }
  });

  it("results can be written into a strided view (out), leaving other elements untouched", () => {
    const big = new Float64Array(2 * 10 * 12).fill(7);
    const outView = { data: big, shape: [4, 5, 2], stride: [24, 4, 1], offset: 26 };
    const x = complexView([4, 5], 11);
    const r = F.fft2(x, { out: outView });
    expect(r.data).toBe(big);
    expect(readResult(r, true).data).toEqual(readResult(F.fft2(x), true).data);
    let untouched = 0;
    for (const v of big) if (v === 7) untouched++;
    expect(untouched).toBe(big.length - 40);
  });
});

describe("float32", () => {
  it("n-D transforms keep float32 and agree with float64 to single precision", () => {
    const x64 = complexView([8, 6], 13);
    const x32 = { data: Float32Array.from(x64.data), shape: x64.shape };
    const y32 = F.fftn(x32);
    expect(y32.data).toBeInstanceOf(Float32Array);
    const y64 = F.fftn({ data: Float64Array.from(x32.data), shape: x64.shape });
    expectNear(Array.from(y32.data), Array.from(y64.data), 48, "float32");
    const r32 = { data: Float32Array.from(randomValues(30, 2)), shape: [5, 6] };
    const h = F.rfftn(r32);
    expect(h.data).toBeInstanceOf(Float32Array);
    const back = F.irfftn(h, { s: [5, 6] });
    expect(back.data).toBeInstanceOf(Float32Array);
    expectNear(Array.from(back.data), Array.from(r32.data), 30, "float32");
  });
});
