/**
 * simplexTransformVJP against central finite differences of simplexTransform in float64.
 * Loss L = sum_k Re(conj(W_k) F_k) with fixed pseudo-random W, so gradOutput = W.
 * Central differences with step h: truncation <= h^2 |L'''| / 6 and round-off ~ u |L| / h.
 * Here |L| <= sum |W| mass ~ 10 and each omega-derivative brings |omega| |x| <= ~10, so with
 * h = 1e-6 both errors are below ~1e-8; a tolerance of 1e-6 * max(1, |g|) leaves two orders of
 * margin yet catches any wrong term (a wrong factor or a dropped term changes g by O(|g|)).
 */
import {
  type SimplexMesh,
  type SimplexRasterOptions,
  simplexRaster,
  simplexRasterVJP,
  simplexTransform,
  simplexTransformVJP,
} from "@modewise/nufft";
import { describe, expect, it } from "vitest";
import { randomValues, trianglesMesh2D } from "./simplex-helpers.js";

function loss(mesh: SimplexMesh, omegas: number[], w: Float64Array, sign: 1 | -1): number {
  const F = simplexTransform(mesh, omegas, { sign });
  let total = 0;
  for (let i = 0; i < F.length; i += 2) total += w[i] * F[i] + w[i + 1] * F[i + 1];
  return total;
}

function checkMeshGradient(mesh: SimplexMesh, omegas: number[], sign: 1 | -1 = -1): void {
  const nFreq = omegas.length / mesh.dim;
  const w = randomValues(2 * nFreq, 7);
  const grad = simplexTransformVJP(mesh, omegas, w, { sign });
  expect(grad.vertices.length).toBe(mesh.vertices.length);
  expectFiniteDifferenceGradient(mesh, grad, (m) => loss(m, omegas, w, sign));
}

/**
 * The analytic gradient of meshLoss against central differences (step h = 1e-6, see the header)
 * in every vertex coordinate and every density.
 */
function expectFiniteDifferenceGradient(
  mesh: SimplexMesh,
  grad: { vertices: ArrayLike<number>; densities: ArrayLike<number> },
  meshLoss: (m: SimplexMesh) => number,
): void {
  const h = 1e-6;
  const vertices = Array.from(mesh.vertices);
  for (let i = 0; i < vertices.length; i++) {
    const plus = vertices.slice();
    const minus = vertices.slice();
    plus[i] += h;
    minus[i] -= h;
    const numeric =
      (meshLoss({ ...mesh, vertices: plus }) - meshLoss({ ...mesh, vertices: minus })) / (2 * h);
    expect(
      Math.abs(grad.vertices[i] - numeric),
      `vertex coordinate ${i}: analytic ${grad.vertices[i]}, numeric ${numeric}`,
    ).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(numeric)));
  }
  const densities = Array.from(mesh.densities ?? []);
  for (let e = 0; e < densities.length; e++) {
    const plus = densities.slice();
    const minus = densities.slice();
    plus[e] += h;
    minus[e] -= h;
    const numeric =
      (meshLoss({ ...mesh, densities: plus }) - meshLoss({ ...mesh, densities: minus })) / (2 * h);
    expect(Math.abs(grad.densities[e] - numeric), `density ${e}`).toBeLessThanOrEqual(
      1e-6 * Math.max(1, Math.abs(numeric)),
    );
  }
}

describe("simplexTransformVJP vs finite differences (f64)", () => {
  it("points in 3-D", () => {
    checkMeshGradient(
      {
        dim: 3,
        order: 0,
        vertices: [0.1, 0.2, -0.3, 0.9, -0.4, 0.5],
        elements: [0, 1],
        densities: [1.5, -0.5],
      },
      [1, 2, -0.5, 3, -1, 2, 0, 0, 0],
    );
  });

  it("segments in 1-D and 2-D (polyline sharing a vertex)", () => {
    checkMeshGradient(
      { dim: 1, order: 1, vertices: [-0.3, 0.8], elements: [0, 1], densities: [2] },
      [0, 1.5, -4, 1e-9],
    );
    checkMeshGradient(
      {
        dim: 2,
        order: 1,
        vertices: [0, 0, 1, 0.5, 1.5, -0.25],
        elements: [0, 1, 1, 2],
        densities: [1, 2.5],
      },
      [1.2, -0.7, 0, 0, 3, 1, -1, 2], // (-1, 2) is exactly orthogonal to the first edge
    );
  });

  it("triangles in 2-D and 3-D, frequencies orthogonal to edges included", () => {
    checkMeshGradient(trianglesMesh2D(), [1.5, -2, 0, 0, -1.5, 3, 2.5, 0.5, 1e-9, 4]);
    checkMeshGradient(
      {
        dim: 3,
        order: 2,
        vertices: [0, 0, 0, 1, 0.2, -0.3, 0.1, 0.9, 0.4, 0.7, 0.8, 0.9],
        elements: [0, 1, 2, 1, 3, 2],
        densities: [1.3, 0.6],
      },
      [1, -2, 0.5, 0, 0, 0, 0, 0, 3, 2, 1, -1],
      1,
    );
  });

  it("tetrahedra in 3-D, sign -1 and +1", () => {
    const mesh: SimplexMesh = {
      dim: 3,
      order: 3,
      vertices: [0, 0, 0, 1, 0.1, 0, 0.2, 1, 0.1, 0.1, 0.3, 1, 0.8, 0.9, 0.7],
      elements: [0, 1, 2, 3, 1, 2, 3, 4],
      densities: [1, 2],
    };
    const omegas = [1, -1.5, 2, 0, 0, 0, 0, 0, 4, 2.5, 2.5, -1];
    checkMeshGradient(mesh, omegas, -1);
    checkMeshGradient(mesh, omegas, 1);
  });

  it("simplexRasterVJP: gradient of sum_n W_n image_n (2-D triangles and 3-D tetrahedron)", () => {
    const cases: { mesh: SimplexMesh; options: SimplexRasterOptions }[] = [
      {
        mesh: {
          dim: 2,
          order: 2,
          vertices: [0.1, 0.1, 0.9, 0.3, 0.3, 0.8, 0.95, 0.9],
          elements: [0, 1, 2, 1, 3, 2],
          densities: [1, -0.5],
        },
        options: {
          box: { origin: [-0.2, -0.1], size: [1.5, 1.4] },
          resolution: [8, 6],
          filter: { kind: "gaussian", sigma: 0.1 },
        },
      },
      {
        mesh: {
          dim: 3,
          order: 3,
          vertices: [0, 0, 0, 1, 0.1, 0, 0.2, 1, 0.1, 0.1, 0.3, 1],
          elements: [0, 1, 2, 3],
          densities: [2],
        },
        options: { box: { origin: [-0.5, -0.5, -0.5], size: [2, 2, 2] }, resolution: [4, 5, 4] },
      },
    ];
    for (const { mesh, options } of cases) {
      const first = simplexRaster(mesh, options);
      const w = randomValues(first.data.length, 11);
      const imageLoss = (m: SimplexMesh): number => {
        const img = simplexRaster(m, options).data;
        let total = 0;
        for (let i = 0; i < img.length; i++) total += w[i] * img[i];
        return total;
      };
      expectFiniteDifferenceGradient(mesh, simplexRasterVJP(mesh, options, w), imageLoss);
    }
  });

  it("gradient is finite at a frequency orthogonal to an edge and continuous next to it", () => {
    const mesh: SimplexMesh = {
      dim: 2,
      order: 2,
      vertices: [0, 0, 1, 0.5, 0.25, 1],
      elements: [0, 1, 2],
    };
    const w = [0.3, -0.8];
    const g0 = simplexTransformVJP(mesh, [-1.5, 3], w);
    const g1 = simplexTransformVJP(mesh, [-1.5 + 1e-8, 3], w);
    // The gradient is smooth in omega (second derivatives ~ |x|^2 mass ~ 1), so a 1e-8 move
    // changes it by ~1e-8.
    for (let i = 0; i < g0.vertices.length; i++) {
      expect(Number.isFinite(g0.vertices[i])).toBe(true);
      expect(Math.abs(g0.vertices[i] - g1.vertices[i])).toBeLessThan(1e-7);
    }
  });
});
