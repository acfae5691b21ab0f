/**
 * hasKernel (is a registered kernel available on a backend?) and scatterAdd (gather's
 * transpose, public for composite ops), against hand-computed values and finite differences.
 */
import {
  DTypeError,
  gather,
  hasKernel,
  readSync,
  registerKernel,
  ShapeError,
  scatterAdd,
  tensor,
  ValueError,
  writeOutput,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "./helpers.js";

registerKernel("TestHasKernelCpuOnly", "cpu", ([x], _attrs, backend) =>
  writeOutput(readSync(x, backend), x.shape, x.dtype, backend),
);

describe("hasKernel", () => {
  it("is true only for a registered kernel on the backend it was registered for", () => {
    expect(hasKernel("TestHasKernelCpuOnly", "cpu")).toBe(true);
    expect(hasKernel("TestHasKernelCpuOnly", "webgpu")).toBe(false);
    expect(hasKernel("NoSuchKernelAnywhere", "cpu")).toBe(false);
  });
});

describe("scatterAdd", () => {
  it("adds repeated indices and leaves untouched entries zero (hand-computed)", () => {
    const u = tensor([1, 2, 3, 4], { dtype: "float64" });
    const idx = tensor([2, 0, 2, 4], { dtype: "int32" });
    expect(Array.from(scatterAdd(u, idx, 5).dataSync())).toEqual([2, 0, 4, 0, 4]);
    // Along axis 1 of a (2, 3) updates tensor.
    const u2 = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { dtype: "float64" },
    );
    const y = scatterAdd(u2, tensor([1, 1, 0], { dtype: "int32" }), 2, 1);
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.dataSync())).toEqual([3, 3, 6, 9]);
  });

  it("is the adjoint of gather: <scatterAdd(u), x> = <u, gather(x)>", () => {
    const x = randomTensor([7], "float64", 3);
    const u = randomTensor([5], "float64", 4);
    const idx = tensor([6, 0, 6, 3, 1], { dtype: "int32" });
    const s = scatterAdd(u, idx, 7).dataSync();
    const g = gather(x, idx).dataSync();
    const xv = x.dataSync();
    const uv = u.dataSync();
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < 7; i++) lhs += s[i] * xv[i];
    for (let j = 0; j < 5; j++) rhs += uv[j] * g[j];
    // Two sums of 5-7 O(1) products: round-off ~1e-15; 1e-12 leaves margin.
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12);
  });

  it("is differentiable w.r.t. updates (real and complex)", () => {
    const idx = tensor([2, 0, 2], { dtype: "int32" });
    checkGrad((u) => scatterAdd(u, idx, 4), [randomTensor([3, 2], "float64", 5)]);
    checkGrad((u) => scatterAdd(u, idx, 4, 1), [randomTensor([2, 3], "complex128", 6)]);
  });

  it("refuses bad arguments with typed errors", () => {
    const u = tensor([1, 2], { dtype: "float64" });
    expect(() => scatterAdd(u, tensor([0, 1], { dtype: "float64" }), 3)).toThrow(DTypeError);
    expect(() => scatterAdd(u, tensor([0, 1, 2], { dtype: "int32" }), 3)).toThrow(ShapeError);
    expect(() => scatterAdd(u, tensor([0, 1], { dtype: "int32" }), 0)).toThrow(ValueError);
    expect(() => scatterAdd(u, tensor([0, 1], { dtype: "int32" }), 3, 1)).toThrow(ValueError);
    expect(() => scatterAdd(u, tensor([0, 5], { dtype: "int32" }), 3)).toThrow(ValueError);
  });
});
