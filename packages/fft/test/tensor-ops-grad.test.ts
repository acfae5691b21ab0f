/**
 * Gradients of every @modewise/fft/tensor op against central finite differences in float64
 * (checkGrad: L = Re(sum(conj(W) * f(x))) with a fixed random W, every input component
 * perturbed by +-1e-6, tolerance 1e-6 relative; see packages/tensor/test/helpers.ts for why).
 * Even and odd lengths, zero-padding and truncation (n, s), every norm, float64 and complex128
 * inputs, n-D over chosen axes, DCT/DST of every type with and without orthogonalization.
 */
import * as FT from "@modewise/fft/tensor";
import { conj, grad, isComplex, mul, real, sum, type Tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "../../tensor/test/helpers.js";

const NORMS = ["backward", "ortho", "forward"] as const;
const c = (shape: number[], seed = 1): Tensor => randomTensor(shape, "complex128", seed);
const r = (shape: number[], seed = 1): Tensor => randomTensor(shape, "float64", seed);

describe("complex transforms", () => {
  it("fft / ifft: even and odd lengths, every norm, complex and real input", () => {
    for (const norm of NORMS) {
      for (const n of [1, 2, 5, 8]) {
        checkGrad((x) => FT.fft(x, { norm }), [c([n], n)]);
        checkGrad((x) => FT.ifft(x, { norm }), [c([n], n + 10)]);
        checkGrad((x) => FT.fft(x, { norm }), [r([n], n + 20)]);
      }
    }
  });

  it("fft / ifft with zero-padding and truncation (n), along any axis", () => {
    checkGrad((x) => FT.fft(x, { n: 9 }), [c([6])]);
    checkGrad((x) => FT.fft(x, { n: 4 }), [c([7])]);
    checkGrad((x) => FT.ifft(x, { n: 3, norm: "ortho" }), [c([6])]);
    checkGrad((x) => FT.fft(x, { n: 7, axis: 0, norm: "forward" }), [c([4, 3])]);
    checkGrad((x) => FT.ifft(x, { n: 2, axis: 1 }), [r([3, 5])]);
  });

  it("fftn / ifftn / fft2 / ifft2 with s and axes", () => {
    checkGrad((x) => FT.fftn(x), [c([2, 3, 4])]);
    checkGrad((x) => FT.fftn(x, { s: [4, 2], axes: [0, 2], norm: "ortho" }), [c([3, 2, 3])]);
    checkGrad((x) => FT.ifftn(x, { s: [5, 2], axes: [2, 1], norm: "forward" }), [c([2, 3, 4])]);
    checkGrad((x) => FT.fft2(x), [r([2, 3, 5])]);
    checkGrad((x) => FT.ifft2(x, { s: [3, 3] }), [c([2, 4])]);
    checkGrad((x) => FT.fftn(x, { axes: [] }), [c([3])]);
  });
});

describe("real transforms (the rfft / irfft weighting)", () => {
  it("rfft: even and odd lengths, every norm", () => {
    for (const norm of NORMS) {
      for (const n of [1, 2, 3, 4, 7, 8]) checkGrad((x) => FT.rfft(x, { norm }), [r([n], n)]);
    }
  });

  it("rfft with padding and truncation to even and odd n, along axis 0", () => {
    for (const n of [3, 4, 9, 10]) checkGrad((x) => FT.rfft(x, { n }), [r([6], n)]);
    checkGrad((x) => FT.rfft(x, { n: 5, axis: 0, norm: "ortho" }), [r([4, 3])]);
  });

  it("irfft: default length 2(m - 1), explicit even and odd n, padding and truncation, every norm", () => {
    for (const norm of NORMS) {
      checkGrad((x) => FT.irfft(x, { norm }), [c([5])]);
      for (const n of [1, 2, 3, 6, 7, 8, 9, 12])
        checkGrad((x) => FT.irfft(x, { n, norm }), [c([4], n)]);
    }
    checkGrad((x) => FT.irfft(x, { axis: 0 }), [c([4, 3])]);
    checkGrad((x) => FT.irfft(x, { n: 5 }), [r([3])]); // real input is promoted
  });

  it("rfftn / irfftn / rfft2 / irfft2 with s and axes", () => {
    checkGrad((x) => FT.rfftn(x), [r([3, 4, 5])]);
    checkGrad((x) => FT.rfftn(x, { s: [4, 5], axes: [0, 2], norm: "ortho" }), [r([3, 2, 4])]);
    checkGrad((x) => FT.rfftn(x, { s: [2, 3], axes: [2, 1] }), [r([2, 3, 4])]);
    checkGrad((x) => FT.irfftn(x), [c([3, 2, 3])]);
    checkGrad((x) => FT.irfftn(x, { s: [4, 5], axes: [0, 2], norm: "forward" }), [c([3, 2, 4])]);
    checkGrad((x) => FT.irfftn(x, { s: [2, 4], axes: [1, 2] }), [c([2, 3, 4])]);
    checkGrad((x) => FT.rfft2(x), [r([3, 4])]);
    checkGrad((x) => FT.irfft2(x, { s: [3, 5] }), [c([4, 3])]);
  });

  it("hfft / ihfft", () => {
    for (const norm of NORMS) {
      checkGrad((x) => FT.hfft(x, { norm }), [c([4])]);
      checkGrad((x) => FT.hfft(x, { n: 7, norm }), [c([4])]);
      checkGrad((x) => FT.ihfft(x, { norm }), [r([7])]);
      checkGrad((x) => FT.ihfft(x, { n: 6, norm }), [r([5])]);
    }
  });

  it("round trips irfft(rfft(x)) = x have identity gradients", () => {
    for (const n of [5, 6]) {
      const x = r([n]);
      const w = r([n], 42);
      const g = grad((t) => sum(mul(w, FT.irfft(FT.rfft(t), { n }))))(x);
      const gv = g.dataSync();
      const wv = w.dataSync();
      for (let i = 0; i < n; i++) expect(gv[i]).toBeCloseTo(wv[i], 13);
    }
  });
});

describe("DCT / DST", () => {
  const kinds = [
    ["dct", FT.dct],
    ["idct", FT.idct],
    ["dst", FT.dst],
    ["idst", FT.idst],
  ] as const;
  for (const [name, f] of kinds) {
    it(`${name}: types 1-4, every norm, orthogonalize on and off, even and odd lengths`, () => {
      for (const type of [1, 2, 3, 4] as const) {
        for (const norm of NORMS) {
          for (const orthogonalize of [true, false]) {
            for (const n of [2, 5, 6])
              checkGrad((x) => f(x, { type, norm, orthogonalize }), [r([n], n + type)]);
          }
        }
        if (!(name.endsWith("dct") && type === 1)) checkGrad((x) => f(x, { type }), [r([1])]);
      }
    });
  }

  it("with padding, truncation and an axis", () => {
    for (const type of [1, 2, 3, 4] as const) {
      checkGrad((x) => FT.dct(x, { type, n: 7, axis: 0, norm: "ortho" }), [r([4, 3])]);
      checkGrad((x) => FT.idst(x, { type, n: 3, axis: 1 }), [r([2, 5])]);
    }
  });

  it("n-D: dctn / idctn / dstn / idstn", () => {
    for (const type of [1, 2, 3, 4] as const) {
      checkGrad((x) => FT.dctn(x, { type, norm: "ortho" }), [r([3, 4])]);
      checkGrad((x) => FT.idctn(x, { type, s: [5, 3], axes: [1, 0] }), [r([3, 4])]);
      checkGrad((x) => FT.dstn(x, { type, axes: [0] }), [r([3, 4])]);
      checkGrad((x) => FT.idstn(x, { type, norm: "forward" }), [r([2, 3])]);
    }
  });
});

describe("composites", () => {
  it("fftshift / ifftshift", () => {
    checkGrad((x) => FT.fftshift(x), [c([4, 5])]);
    checkGrad((x) => FT.ifftshift(x, { axes: [1] }), [r([3, 5])]);
  });

  it("fftbr / ifftbr", () => {
    checkGrad((x) => FT.fftbr(x), [c([8])]);
    checkGrad((x) => FT.ifftbr(x, { axis: 0 }), [c([4, 3])]);
    checkGrad((x) => FT.fftbr(x), [r([2, 4])]);
  });

  it("gradients of gradients (every gradient is itself a registered kernel)", () => {
    const energy = (y: Tensor): Tensor =>
      isComplex(y.dtype) ? sum(real(mul(conj(y), y))) : sum(mul(y, y));
    checkGrad((x) => grad((t) => energy(FT.rfft(t, { n: 6 })))(x), [r([5])]);
    checkGrad((x) => grad((t) => energy(FT.irfft(t, { n: 7, norm: "ortho" })))(x), [c([4])]);
    checkGrad((x) => grad((t) => energy(FT.fftn(t, { s: [3, 5] })))(x), [c([2, 4])]);
    checkGrad((x) => grad((t) => energy(FT.dct(t, { type: 3, n: 6 })))(x), [r([5])]);
  });
});
