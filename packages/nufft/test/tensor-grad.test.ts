/**
 * Gradients of nufft1 / nufft2 (@modewise/nufft/tensor) against central finite differences in
 * float64 (checkGrad from packages/tensor/test/helpers.ts: L = Re(sum(conj(W) f)), every input
 * component perturbed by +-1e-6, tolerance 1e-6 relative to max(1, |g|)), w.r.t. the data AND
 * the points, in 1-D, 2-D and 3-D, with a batch axis, both signs and both mode orders.
 *
 * The ops run at eps = 1e-12: finite differences see the NUFFT's approximation error divided by
 * h (1e-12 / 1e-6 = 1e-6 at worst, only where a perturbation moves a point across a kernel
 * panel boundary), so at the default eps = 1e-6 they could not tell a right gradient from a
 * wrong one; at 1e-12 the approximation is a smooth function to well within the tolerance.
 */
import { nufft1, nufft2 } from "@modewise/nufft/tensor";
import { conj, gradientsOf, mul, real, sum, type Tensor, tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "../../tensor/test/helpers.js";
import { uniform } from "./tensor-helpers.js";

const EPS = 1e-12;
const pts = (d: number, m: number, seed: number): Tensor =>
  tensor(
    Float64Array.from(uniform(d * m, seed), (u) => Math.PI * (2 * u - 1)),
    { shape: [d, m] },
  );
const cplx = (shape: number[], seed: number): Tensor => randomTensor(shape, "complex128", seed);

describe("nufft1 gradients (strengths and points)", () => {
  const CASES = [
    { nModes: [7], m: 6, batch: [] as number[] },
    { nModes: [4, 5], m: 5, batch: [2] },
    { nModes: [3, 4, 3], m: 4, batch: [] },
  ];
  for (const { nModes, m, batch } of CASES) {
    it(`${nModes.length}-D ${nModes.join("x")}, M = ${m}, batch [${batch}]`, () => {
      const x = pts(nModes.length, m, nModes.length);
      const c = cplx([...batch, m], 3);
      checkGrad((xx, cc) => nufft1(xx, cc, nModes, { eps: EPS }), [x, c]);
    });
  }

  it("isign -1, fft mode order, real strengths, rank-1 points", () => {
    checkGrad(
      (xx, cc) => nufft1(xx, cc, [4, 3], { eps: EPS, isign: -1, modeOrder: "fft" }),
      [pts(2, 5, 7), cplx([5], 8)],
    );
    checkGrad(
      (xx, cc) => nufft1(xx, cc, 6, { eps: EPS }),
      [
        tensor(Float64Array.from(uniform(5, 9), (u) => 3 * u - 1.5)),
        randomTensor([5], "float64", 10),
      ],
    );
  });
});

describe("nufft2 gradients (coefficients and points)", () => {
  const CASES = [
    { nModes: [6], m: 5, batch: [2] },
    { nModes: [4, 3], m: 5, batch: [] as number[] },
    { nModes: [3, 2, 3], m: 4, batch: [] },
  ];
  for (const { nModes, m, batch } of CASES) {
    it(`${nModes.length}-D ${nModes.join("x")}, M = ${m}, batch [${batch}]`, () => {
      const x = pts(nModes.length, m, 20 + nModes.length);
      const f = cplx([...batch, ...nModes], 4);
      checkGrad((xx, ff) => nufft2(xx, ff, { eps: EPS }), [x, f]);
    });
  }

  it("isign +1 and fft mode order", () => {
    checkGrad(
      (xx, ff) => nufft2(xx, ff, { eps: EPS, isign: 1, modeOrder: "fft" }),
      [pts(2, 4, 30), cplx([3, 4], 31)],
    );
  });
});

describe("gradient details", () => {
  it("second order: the point gradient of nufft1 is itself differentiable", () => {
    // h(x, c) = dL/dx for L = Re sum conj(W) nufft1(x, c): its own gradient goes through the
    // NUFFT2 kernels of NUFFT1's gradient (d/dx of d/dx, and d/dc of d/dx).
    const w = cplx([5], 40);
    const h = (xx: Tensor, cc: Tensor): Tensor =>
      gradientsOf(() => sum(real(mul(conj(w), nufft1(xx, cc, [5], { eps: EPS })))), [xx]).grads[0];
    checkGrad(h, [pts(1, 4, 41), cplx([4], 42)]);
  });

  it("pointsGrad: false skips the point gradient (zero) and keeps the strength gradient", () => {
    const x = pts(2, 5, 50);
    const c = cplx([5], 51);
    const w = cplx([4, 3], 52);
    const loss = (opts: { pointsGrad?: boolean }) => (xx: Tensor, cc: Tensor) =>
      sum(real(mul(conj(w), nufft1(xx, cc, [4, 3], { eps: EPS, ...opts }))));
    const full = gradientsOf(() => loss({})(x, c), [x, c]).grads;
    const cheap = gradientsOf(() => loss({ pointsGrad: false })(x, c), [x, c]).grads;
    expect(Array.from(cheap[0].dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(full[0].dataSync()).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    expect(cheap[1].dataSync()).toEqual(full[1].dataSync());
  });
});
