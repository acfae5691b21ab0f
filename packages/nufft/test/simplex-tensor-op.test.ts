/**
 * simplexTransformTensor: forward values equal simplexTransform (same kernel code, so exactly),
 * autograd gradients pass the f64 finite-difference check of checkGrad (L = Re sum conj(W) F,
 * central differences h = 1e-6, rtol 1e-6: see tensor/test/helpers.ts for the argument), and
 * argument errors are typed.
 */
import { simplexTransform, simplexTransformTensor } from "@modewise/nufft";
import {
  DTypeError,
  gradientsOf,
  NotImplementedError,
  real,
  ShapeError,
  sum,
  tensor,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad } from "../../tensor/test/helpers.js";

const topology = { dim: 2 as const, order: 2 as const, elements: [0, 1, 2, 1, 3, 2] };
const vertexData = [0, 0, 1, 0.5, 0.25, 1, 1.2, 1.1];
const densityData = [1, -0.7];
const omegas = [1.5, -2, 0, 0, -1.5, 3, 2.5, 0.5];

describe("simplexTransformTensor", () => {
  it("forward equals simplexTransform", () => {
    const v = tensor(vertexData, { dtype: "float64", shape: [4, 2] });
    const rho = tensor(densityData, { dtype: "float64" });
    const F = simplexTransformTensor(v, rho, topology, omegas);
    expect(F.dtype).toBe("complex128");
    expect(F.shape).toEqual([4]);
    const expected = simplexTransform(
      { ...topology, vertices: vertexData, densities: densityData },
      omegas,
    );
    expect(Array.from(F.dataSync() as Float64Array)).toEqual(Array.from(expected));
  });

  it("gradients w.r.t. vertices and densities pass finite differences (triangles, tetrahedra)", () => {
    checkGrad(
      (v, rho) => simplexTransformTensor(v, rho, topology, omegas),
      [
        tensor(vertexData, { dtype: "float64", shape: [4, 2] }),
        tensor(densityData, { dtype: "float64" }),
      ],
    );
    const tet = { dim: 3 as const, order: 3 as const, elements: [0, 1, 2, 3] };
    checkGrad(
      (v, rho) =>
        simplexTransformTensor(v, rho, tet, [1, -1.5, 2, 0, 0, 4, 0.3, 0.2, 0.1], { sign: 1 }),
      [
        tensor([0, 0, 0, 1, 0.1, 0, 0.2, 1, 0.1, 0.1, 0.3, 1], { dtype: "float64", shape: [4, 3] }),
        tensor([2], { dtype: "float64" }),
      ],
    );
  });

  it("second derivatives throw a typed error instead of returning wrong values", () => {
    const v = tensor(vertexData, { dtype: "float64", shape: [4, 2] });
    const rho = tensor(densityData, { dtype: "float64" });
    const loss = () => sum(real(simplexTransformTensor(v, rho, topology, omegas)));
    expect(gradientsOf(loss, [v]).grads[0].shape).toEqual([4, 2]);
    expect(() => gradientsOf(() => sum(gradientsOf(loss, [v]).grads[0]), [v])).toThrow(
      NotImplementedError,
    );
  });

  it("typed errors for dtype and shape", () => {
    const rho = tensor(densityData, { dtype: "float64" });
    expect(() =>
      simplexTransformTensor(
        tensor(vertexData, { dtype: "float32", shape: [4, 2] }),
        rho,
        topology,
        omegas,
      ),
    ).toThrow(DTypeError);
    expect(() =>
      simplexTransformTensor(
        tensor(vertexData, { dtype: "float64", shape: [2, 4] }),
        rho,
        topology,
        omegas,
      ),
    ).toThrow(ShapeError);
    expect(() =>
      simplexTransformTensor(
        tensor(vertexData, { dtype: "float64", shape: [4, 2] }),
        tensor([1], { dtype: "float64" }),
        topology,
        omegas,
      ),
    ).toThrow(ShapeError);
  });
});
