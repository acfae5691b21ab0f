/**
 * The tensor ops' forward values (against the standalone API, which api-numpy.test.ts checks
 * against numpy/scipy), dtype rules, typed errors and memory accounting.
 */
import { readFileSync } from "node:fs";
import * as F from "@modewise/fft";
import * as FT from "@modewise/fft/tensor";
import {
  DTypeError,
  grad,
  memory,
  real,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { expectNear, randomValues } from "./api-helpers.js";

const cplx = (
  shape: number[],
  seed = 1,
  dtype: "complex128" | "complex64" = "complex128",
): Tensor => tensor(randomValues(2 * shape.reduce((a, b) => a * b, 1), seed), { shape, dtype });
const realT = (shape: number[], seed = 1, dtype: "float64" | "float32" = "float64"): Tensor =>
  tensor(
    randomValues(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    { shape, dtype },
  );
const view = (t: Tensor) => ({
  data: t.dataSync() as Float64Array,
  shape: [...t.shape, ...(t.dtype.startsWith("complex") ? [2] : [])],
});

describe("forward values equal the standalone transforms", () => {
  it("complex and real transforms, 1-D and n-D, with n / s / axes / norm", () => {
    const z = cplx([3, 4, 5]);
    const x = realT([4, 5, 6]);
    const h = cplx([4, 5, 4]);
    const cases: [Tensor, unknown][] = [
      [
        FT.fft(z, { n: 7, axis: 1, norm: "ortho" }),
        F.fft(view(z), { n: 7, axis: 1, norm: "ortho" }),
      ],
      [FT.ifft(z), F.ifft(view(z))],
      [FT.fftn(z, { s: [4, 6], axes: [0, 2] }), F.fftn(view(z), { s: [4, 6], axes: [0, 2] })],
      [FT.ifftn(z, { norm: "forward" }), F.ifftn(view(z), { norm: "forward" })],
      [FT.fft2(z), F.fft2(view(z))],
      [FT.ifft2(z, { s: [3, 3] }), F.ifft2(view(z), { s: [3, 3] })],
      [FT.rfft(x, { n: 9 }), F.rfft(view(x), { n: 9 })],
      [FT.irfft(h, { n: 7, axis: 0 }), F.irfft(view(h), { n: 7, axis: 0 })],
      [FT.rfftn(x, { axes: [2, 0] }), F.rfftn(view(x), { axes: [2, 0] })],
      [FT.irfftn(h), F.irfftn(view(h))],
      [FT.rfft2(x, { s: [3, 8] }), F.rfft2(view(x), { s: [3, 8] })],
      [FT.irfft2(h, { s: [5, 5] }), F.irfft2(view(h), { s: [5, 5] })],
      [FT.hfft(h, { norm: "ortho" }), F.hfft(view(h), { norm: "ortho" })],
      [FT.ihfft(x), F.ihfft(view(x))],
      [FT.dct(x, { type: 1, axis: 0 }), F.dct(view(x), { type: 1, axis: 0 })],
      [
        FT.idct(x, { type: 2, n: 4, norm: "ortho" }),
        F.idct(view(x), { type: 2, n: 4, norm: "ortho" }),
      ],
      [FT.dst(x, { type: 3, norm: "forward" }), F.dst(view(x), { type: 3, norm: "forward" })],
      [FT.idst(x, { type: 4 }), F.idst(view(x), { type: 4 })],
      [
        FT.dctn(x, { type: 3, s: [3, 7], axes: [1, 2] }),
        F.dctn(view(x), { type: 3, s: [3, 7], axes: [1, 2] }),
      ],
      [FT.idctn(x), F.idctn(view(x))],
      [FT.dstn(x, { type: 1, norm: "ortho" }), F.dstn(view(x), { type: 1, norm: "ortho" })],
      [FT.idstn(x, { axes: [0] }), F.idstn(view(x), { axes: [0] })],
      [FT.fftshift(z, { axes: [0, 2] }), F.fftshift(view(z), { axes: [0, 2], complex: true })],
      [FT.ifftshift(x), F.ifftshift(view(x))],
      [FT.fftbr(cplx([2, 8]), { axis: 1 }), F.fftbr(view(cplx([2, 8])), { axis: 1 })],
      [FT.ifftbr(cplx([4, 3]), { axis: 0 }), F.ifftbr(view(cplx([4, 3])), { axis: 0 })],
    ];
    cases.forEach(([t, ref], i) => {
      const r = ref as { data: Float64Array; shape: number[] };
      const complex = t.dtype.startsWith("complex");
      expect([...t.shape, ...(complex ? [2] : [])], `case ${i}`).toEqual(r.shape);
      expectNear(t.dataSync(), r.data, 2 * r.data.length + 2, "float64", `case ${i}`);
    });
  });

  it("real input to the complex transforms is promoted; frequencies as tensors", () => {
    const x = realT([6]);
    const interleaved = new Float64Array(Array.from(x.dataSync()).flatMap((v) => [v, 0]));
    expectNear(FT.fft(x).dataSync(), F.fft(interleaved), 8);
    expect(Array.from(FT.fftfreq(5, 0.1).dataSync())).toEqual(Array.from(F.fftfreq(5, 0.1)));
    expect(Array.from(FT.rfftfreq(6).dataSync())).toEqual(Array.from(F.rfftfreq(6)));
    expect(FT.fftfreq(4, 1, { dtype: "float32" }).dtype).toBe("float32");
  });
});

describe("dtypes", () => {
  it("float64 <-> complex128 and float32 <-> complex64, as numpy 2 / PyTorch", () => {
    expect(FT.fft(realT([4])).dtype).toBe("complex128");
    expect(FT.fft(realT([4], 1, "float32")).dtype).toBe("complex64");
    expect(FT.fft(cplx([4], 1, "complex64")).dtype).toBe("complex64");
    expect(FT.rfft(realT([4], 1, "float32")).dtype).toBe("complex64");
    expect(FT.irfft(cplx([3], 1, "complex64")).dtype).toBe("float32");
    expect(FT.irfft(realT([3])).dtype).toBe("float64");
    expect(FT.hfft(cplx([3])).dtype).toBe("float64");
    expect(FT.ihfft(realT([4], 1, "float32")).dtype).toBe("complex64");
    expect(FT.dct(realT([4], 1, "float32")).dtype).toBe("float32");
    const x32 = cplx([16], 3, "complex64");
    expectNear(FT.ifft(FT.fft(x32)).dataSync(), x32.dataSync(), 16, "float32");
  });
});

describe("typed errors", () => {
  it("name the op and the argument", () => {
    const i32 = tensor(new Int32Array([1, 2, 3]), { dtype: "int32" });
    expect(() => FT.fft(i32)).toThrow(DTypeError);
    expect(() => FT.rfft(cplx([4]))).toThrow(DTypeError);
    expect(() => FT.dct(cplx([4]))).toThrow(DTypeError);
    expect(() => FT.fft([1, 2] as never)).toThrow(ValueError);
    expect(() => FT.fft(realT([4]), { axis: 1 })).toThrow(ValueError);
    expect(() => FT.fftn(realT([4, 2]), { axes: [0, -2] })).toThrow(ValueError);
    expect(() => FT.fft(realT([4]), { n: 0 })).toThrow(ValueError);
    expect(() => FT.irfft(cplx([1]))).toThrow(ValueError);
    expect(() => FT.fft(tensor(new Float64Array(0), { shape: [0] }))).toThrow(ShapeError);
    expect(() => FT.fft(realT([4]), { norm: "none" as never })).toThrow(ValueError);
    expect(() => FT.dct(realT([4]), { type: 0 as never })).toThrow(ValueError);
    expect(() => FT.fftbr(cplx([6]))).toThrow(ValueError);
    try {
      FT.rfftn(realT([3, 3]), { axes: [1, 1] });
    } catch (e) {
      expect((e as ValueError).fn).toBe("rfftn");
      expect((e as ValueError).argument).toBe("axes");
    }
  });
});

describe("memory", () => {
  it("ops and their gradients release every temporary", () => {
    const x = realT([6, 5]);
    const z = cplx([4, 3]);
    const z8 = cplx([8]);
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) {
      FT.fft(x).dispose();
      FT.irfftn(z, { s: [5, 7] }).dispose();
      FT.fftshift(x).dispose();
      FT.dctn(x, { type: 2 }).dispose();
      FT.fftbr(z8).dispose();
      grad((t) => sum(real(FT.rfftn(t, { s: [7, 4] }))))(x).dispose();
      grad((t) => sum(FT.hfft(t, { n: 6 })))(z).dispose();
      grad((t) => sum(FT.idct(t, { type: 1 })))(x).dispose();
    }
    tidy(() => FT.ifft2(FT.fft2(z))).dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe("packaging", () => {
  it("package.json keeps the registering entry as a side effect and exports it", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.sideEffects).toContain("./dist/tensor-ops.js");
    expect(pkg.exports["./tensor"].default).toBe("./dist/tensor-ops.js");
  });
});
