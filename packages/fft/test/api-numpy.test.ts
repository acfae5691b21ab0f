/**
 * Every public transform against numpy.fft / scipy.fft (fixtures/numpy_fft.json, written by
 * fixtures/make_numpy_fft.py), with each case run in every input form the API accepts
 * (interleaved and split 1-D arrays, contiguous views, split views, non-contiguous views with
 * negative strides and offsets). Bound: relative L2 <= tol(N) (see api-helpers.ts).
 */
import * as F from "@modewise/fft";
import { describe, expect, it } from "vitest";
import {
  type Case,
  expectNear,
  formsFor,
  makeInput,
  numpyFixtures,
  readResult,
  sizeOf,
} from "./api-helpers.js";

type Fn = (x: unknown, opts?: Record<string, unknown>) => unknown;
const FNS: Record<string, Fn> = {
  fft: F.fft as Fn,
  ifft: F.ifft as Fn,
  fftn: F.fftn as Fn,
  ifftn: F.ifftn as Fn,
  fft2: F.fft2 as Fn,
  ifft2: F.ifft2 as Fn,
  rfft: F.rfft as Fn,
  irfft: F.irfft as Fn,
  rfftn: F.rfftn as Fn,
  irfftn: F.irfftn as Fn,
  rfft2: F.rfft2 as Fn,
  irfft2: F.irfft2 as Fn,
  hfft: F.hfft as Fn,
  ihfft: F.ihfft as Fn,
  dct: F.dct as Fn,
  idct: F.idct as Fn,
  dst: F.dst as Fn,
  idst: F.idst as Fn,
  dctn: F.dctn as Fn,
  idctn: F.idctn as Fn,
  dstn: F.dstn as Fn,
  idstn: F.idstn as Fn,
  fftbr: F.fftbr as Fn,
  ifftbr: F.ifftbr as Fn,
  fftshift: F.fftshift as Fn,
  ifftshift: F.ifftshift as Fn,
};

const { cases, meta } = numpyFixtures();
const byFn = new Map<string, Case[]>();
for (const c of cases) {
  if (!byFn.has(c.fn)) byFn.set(c.fn, []);
  byFn.get(c.fn)!.push(c);
}

function runCase(c: Case, index: number): number {
  let runs = 0;
  const fn = FNS[c.fn];
  const exact = c.fn === "fftshift" || c.fn === "ifftshift";
  const n = 2 * Math.max(sizeOf(c.x.shape), sizeOf(c.y.shape)) + 2;
  const layouts: (string | undefined)[] =
    c.fn === "rfft" || c.fn === "rfftn" || c.fn === "rfft2" || c.fn === "ihfft"
      ? [undefined, "split"]
      : [undefined];
  for (const form of formsFor(c.x)) {
    for (const layout of layouts) {
      const opts: Record<string, unknown> = { ...c.opts };
      if (layout) opts.layout = layout;
      if (exact && c.x.complex) opts.complex = true;
      const what = `${c.fn} case ${index} (shape [${c.x.shape}], ${JSON.stringify(c.opts)}, ${c.x.dtype}, form ${form}${layout ? `, layout ${layout}` : ""})`;
      const r = readResult(fn(makeInput(c.x, form), opts), c.y.complex);
      expect(r.shape, what).toEqual(c.y.shape);
      expect(r.dtype, what).toBe(c.y.dtype);
      if (exact) expect(r.data, what).toEqual(c.y.data);
      else expectNear(r.data, c.y.data, n, c.y.dtype, what);
      runs++;
    }
  }
  return runs;
}

describe(`numpy ${meta.numpy} / scipy ${meta.scipy} fixtures`, () => {
  it("cover every public transform", () => {
    expect([...byFn.keys()].sort()).toEqual(Object.keys(FNS).sort());
  });
  for (const [name, list] of byFn) {
    it(`${name}: ${list.length} cases, every input form`, () => {
      let runs = 0;
      list.forEach((c) => {
        runs += runCase(c, cases.indexOf(c));
      });
      expect(runs).toBeGreaterThanOrEqual(list.length);
    });
  }
});

describe("frequency grids", () => {
  const { freq } = numpyFixtures();
  it("fftfreq and rfftfreq equal numpy bit for bit", () => {
    for (const f of freq) {
      expect(Array.from(F.fftfreq(f.n, f.d)), `fftfreq(${f.n}, ${f.d})`).toEqual(f.fftfreq);
      expect(Array.from(F.rfftfreq(f.n, f.d)), `rfftfreq(${f.n}, ${f.d})`).toEqual(f.rfftfreq);
    }
  });
  it("default spacing 1 and float32 output", () => {
    expect(Array.from(F.fftfreq(4))).toEqual([0, 0.25, -0.5, -0.25]);
    const f32 = F.fftfreq(5, 0.1, { dtype: "float32" });
    expect(f32).toBeInstanceOf(Float32Array);
    expect(Array.from(f32)).toEqual(Array.from(Float32Array.from(F.fftfreq(5, 0.1))));
  });
});
