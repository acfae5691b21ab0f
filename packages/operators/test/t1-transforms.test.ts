/**
 * T1's contract: a training step transforms the input once and the target once (forward DCTs)
 * and never runs an inverse transform.
 *
 * The model's DCT pair is replaced by a counting pair that computes the orthonormal DCT-II (and
 * its inverse) as explicit matrix products, D_H x D_W^T, with D the orthonormal DCT-II matrix. All
 * transform kernels of @modewise/fft ("R2R" behind dct/dctn, and "FFT", "RFFT", "IRFFT") are then
 * replaced, in this test file's own module graph, by kernels that throw: any transform that does
 * not go through the counted pair, anywhere in the forward or backward pass, fails the test.
 */
import { dctn } from "@modewise/fft/tensor";
import { AdamW, gradientsOfParameters } from "@modewise/nn";
import { T1, type T1Transforms } from "@modewise/operators";
import {
  dispose,
  Generator,
  matmul,
  registerKernel,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { expectClose } from "./t1-helpers.js";

/** Orthonormal DCT-II matrix, D[k, i] = a_k cos(pi k (2 i + 1) / (2 n)). */
function dctMatrix(n: number): Tensor {
  const d = new Float32Array(n * n);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      d[k * n + i] =
        Math.sqrt((k === 0 ? 1 : 2) / n) * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  return tensor(d, { shape: [n, n] });
}

describe("T1 transform count", () => {
  const n = 16;
  const d = dctMatrix(n);
  const calls = { forward: 0, inverse: 0 };
  const counting: T1Transforms = {
    // X = D x D^T over the last two axes; the inverse is D^T X D (D is orthogonal)
    forward: (x) => {
      calls.forward++;
      return tidy(() => matmul(matmul(d, x), d, { transposeB: true }));
    },
    inverse: (xHat) => {
      calls.inverse++;
      return tidy(() => matmul(matmul(d, xHat, { transposeA: true }), d));
    },
  };

  it("the matrix DCT is the library's orthonormal dctn (so the counted pair is the real one)", () => {
    const x = new Generator(3).normal([2, 1, n, n]);
    const [a, b] = [counting.forward(x), dctn(x, { axes: [-2, -1], norm: "ortho" })];
    // float32: 2 x 16-term dot products of O(1) values
    expectClose(a, b.dataSync(), 0, 1e-5);
    dispose([x, a, b]);
    calls.forward = 0;
  });

  it.each([false, true])(
    "one forward DCT of the input, one of the target, no inverse per training step (learnResidual %s)",
    (learnResidual) => {
      for (const name of ["R2R", "FFT", "RFFT", "IRFFT"])
        registerKernel(name, "cpu", () => {
          throw new Error(`T1 ran the ${name} kernel outside its counted transforms`);
        });
      calls.forward = 0;
      calls.inverse = 0;
      const model = new T1({
        inChannels: 1,
        outChannels: 1,
        modes: [4, 4],
        width: 6,
        nLayers: 3,
        gridSize: [n, n],
        generator: new Generator(0),
        transforms: counting,
        learnResidual,
      });
      const g = new Generator(1);
      const x = g.normal([4, 1, n, n]);
      const y = g.normal([4, 1, n, n]);
      const opt = new AdamW(model, { lr: 1e-3 });
      for (let step = 1; step <= 3; step++) {
        tidy(() => {
          const { grads } = gradientsOfParameters(() => model.frequencyLoss(x, y), model);
          opt.step(grads);
        });
        expect(calls).toEqual({ forward: 2 * step, inverse: 0 });
      }
      // inference does use the inverse, exactly once
      const out = model.forward(x);
      expect(calls).toEqual({ forward: 7, inverse: 1 });
      dispose([x, y, out]);
      opt.dispose();
      model.dispose();
    },
  );
});
