/**
 * The tensor ops against PyTorch (fixtures/torch_fft.json, written by make_torch_fft.py):
 * forward values and the gradients of L = Re(sum(conj(w) * y)) that torch.autograd gives, in
 * float64 / complex128. Both sides are FFTs of a few dozen points, so agreement to
 * tol(N) (api-helpers.ts) in relative L2 is expected; a wrong weighting of the half spectrum
 * (the rfft / irfft gradient) would be off by O(1).
 */
import { readFileSync } from "node:fs";
import * as FT from "@modewise/fft/tensor";
import {
  conj,
  gradientsOf,
  isComplex,
  mul,
  real,
  sum,
  type Tensor,
  tensor,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { expectNear, sizeOf } from "./api-helpers.js";

interface Enc {
  shape: number[];
  complex: boolean;
  data: number[];
}
interface TorchCase {
  fn: string;
  opts: Record<string, unknown>;
  x: Enc;
  y: Enc;
  w: Enc;
  grad: Enc;
}

const fixtures = JSON.parse(
  readFileSync(new URL("./fixtures/torch_fft.json", import.meta.url), "utf8"),
) as {
  meta: { torch: string };
  cases: TorchCase[];
};

const toTensor = (e: Enc): Tensor =>
  tensor(Float64Array.from(e.data), {
    shape: e.shape,
    dtype: e.complex ? "complex128" : "float64",
  });

type Op = (x: Tensor, opts?: Record<string, unknown>) => Tensor;
const OPS = FT as unknown as Record<string, Op>;

describe(`PyTorch ${fixtures.meta.torch} fixtures`, () => {
  for (const [i, c] of fixtures.cases.entries()) {
    it(`${c.fn} ${JSON.stringify(c.opts)} on [${c.x.shape}] ${c.x.complex ? "complex128" : "float64"} (case ${i})`, () => {
      const op = OPS[c.fn];
      const x = toTensor(c.x);
      const w = toTensor(c.w);
      const { value, grads } = gradientsOf(() => {
        const y = op(x, c.opts);
        expect(y.shape).toEqual(c.y.shape);
        expect(isComplex(y.dtype)).toBe(c.y.complex);
        return isComplex(y.dtype) ? sum(real(mul(conj(w), y))) : sum(mul(w, y));
      }, [x]);
      value.dispose();
      const y = op(x, c.opts);
      const n = 2 * sizeOf(c.x.shape) + 2;
      expectNear(y.dataSync(), c.y.data, n, "float64", "value");
      expect(grads[0].dtype).toBe(x.dtype);
      expectNear(grads[0].dataSync(), c.grad.data, n, "float64", "gradient");
    });
  }
});
