/**
 * The tensor ops against PyTorch autograd through a DENSE nonuniform DFT
 * (fixtures/tensor-torch.json, written by fixtures/make_tensor_torch.py; torch has no NUFFT):
 * forward values and the gradients of L = Re(sum(conj(W) * out)) w.r.t. the points and the
 * data, float64 / complex128, 1-D to 3-D, both signs, both mode orders, with and without batch.
 *
 * Tolerance: the ops run at eps = 1e-12. Values and data gradients are (adjoint) NUFFTs:
 * relative L2 error <= 4 eps (the NUFFT contract). A point gradient is Re(conj(c) t) summed over
 * the batch, t a NUFFT accurate to 4 eps relative to ||t||; forming the product can raise the
 * relative error by ||c||_inf ||t|| / ||grad|| (a few for random data), so 1e-9 leaves a wide
 * margin while a wrong convention (missing conjugate, sign of k, transposed axes) is O(1).
 */
import { readFileSync } from "node:fs";
import type { Sign } from "@modewise/nufft";
import { nufft1, nufft2 } from "@modewise/nufft/tensor";
import { conj, gradientsOf, mul, real, sum, type Tensor, tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { relL2 } from "./tensor-helpers.js";

interface Enc {
  shape: number[];
  complex: boolean;
  data: number[];
}
interface TorchCase {
  fn: "nufft1" | "nufft2";
  nModes: number[];
  isign: 1 | -1;
  modeOrder: "cmcl" | "fft";
  points: Enc;
  data: Enc;
  w: Enc;
  out: Enc;
  gradPoints: Enc;
  gradData: Enc;
}

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/tensor-torch.json", import.meta.url), "utf8"),
) as { torch: string; cases: TorchCase[] };

const decode = (e: Enc): Tensor =>
  tensor(Float64Array.from(e.data), {
    dtype: e.complex ? "complex128" : "float64",
    shape: e.shape,
  });

describe(`gradient conventions vs torch ${fixture.torch} (dense DFT)`, () => {
  for (const c of fixture.cases) {
    it(`${c.fn} ${c.nModes.join("x")} isign ${c.isign} ${c.modeOrder}, data [${c.data.shape}]`, () => {
      const x = decode(c.points);
      const data = decode(c.data);
      const w = decode(c.w);
      const opts = { eps: 1e-12, isign: c.isign as Sign, modeOrder: c.modeOrder };
      const op = (xx: Tensor, dd: Tensor): Tensor =>
        c.fn === "nufft1" ? nufft1(xx, dd, c.nModes, opts) : nufft2(xx, dd, opts);
      const { value, grads } = gradientsOf(() => sum(real(mul(conj(w), op(x, data)))), [x, data]);
      const out = op(x, data);
      expect(out.shape).toEqual(c.out.shape);
      expect(relL2(out.dataSync(), c.out.data)).toBeLessThan(4e-12);
      expect(grads[1].shape).toEqual(c.gradData.shape);
      expect(relL2(grads[1].dataSync(), c.gradData.data)).toBeLessThan(4e-12);
      expect(grads[0].shape).toEqual(c.gradPoints.shape);
      expect(relL2(grads[0].dataSync(), c.gradPoints.data)).toBeLessThan(1e-9);
      expect(Number.isFinite(value.item())).toBe(true);
    });
  }
});
