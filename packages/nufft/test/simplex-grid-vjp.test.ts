/**
 * simplexTransformGridVJP (quadrature + type-2 NUFFT) against the exact simplexTransformVJP at
 * the grid frequencies: every component must differ by at most the stated bound
 * (vertexErrorBound / densityErrorBound, derived in src/simplex/fast-gradient.ts) plus the exact
 * path's own rounding, ~100 u per term times the same scale (taken as 1e-13 g1 sum |rho|
 * (1 + |Omega| Omega_max), g1 = sum |G_k|). At tol = 1e-8 the bounds are ~1e-5 of the gradient
 * scale, so a wrong chain-rule term (an O(1) relative error) fails.
 */
import {
  gridFrequencies,
  type SimplexGridGradient,
  type SimplexMesh,
  simplexContents,
  simplexRasterVJP,
  simplexTransformGridVJP,
  simplexTransformVJP,
} from "@modewise/nufft";
import { ShapeError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  pointsMesh1D,
  polylineMesh2D,
  randomValues,
  trianglesMesh2D,
  unitCubeMesh,
} from "./simplex-helpers.js";

const cases: { name: string; mesh: SimplexMesh; lengths: number[]; modes: number[] }[] = [
  { name: "points in 1-D", mesh: pointsMesh1D(), lengths: [4], modes: [17] },
  { name: "polyline in 2-D", mesh: polylineMesh2D(), lengths: [3, 3], modes: [12, 10] },
  { name: "triangles in 2-D", mesh: trianglesMesh2D(), lengths: [3, 3], modes: [16, 12] },
  { name: "unit cube as tetrahedra", mesh: unitCubeMesh(), lengths: [4, 4, 4], modes: [6, 6, 4] },
];

describe("simplexTransformGridVJP vs the exact VJP", () => {
  for (const c of cases) {
    for (const sign of [-1, 1] as const) {
      it(`${c.name}, sign ${sign}`, () => {
        const nModes = c.modes.reduce((p, n) => p * n, 1);
        const G = randomValues(2 * nModes, 5);
        let g1 = 0;
        for (let k = 0; k < nModes; k++) g1 += Math.hypot(G[2 * k], G[2 * k + 1]);
        const exact = simplexTransformVJP(c.mesh, gridFrequencies(c.lengths, c.modes), G, { sign });
        const contents = simplexContents(c.mesh);
        let omegaMax2 = 0;
        c.modes.forEach((n, a) => {
          omegaMax2 += ((2 * Math.PI * Math.floor(n / 2)) / c.lengths[a]) ** 2;
        });
        let scale = 0;
        contents.forEach((area, e) => {
          scale += Math.abs(c.mesh.densities?.[e] ?? 1) * (1 + area * Math.sqrt(omegaMax2));
        });
        const rounding = 1e-13 * g1 * scale;
        for (const tol of [1e-4, 1e-8]) {
          const fast = simplexTransformGridVJP(
            c.mesh,
            { lengths: c.lengths, modes: c.modes, sign, tol },
            G,
          );
          for (let i = 0; i < exact.vertices.length; i++) {
            const bound = fast.vertexErrorBound[Math.floor(i / c.mesh.dim)] + rounding;
            expect(
              Math.abs(fast.vertices[i] - exact.vertices[i]),
              `tol ${tol} coordinate ${i}`,
            ).toBeLessThanOrEqual(bound);
          }
          for (let e = 0; e < exact.densities.length; e++) {
            expect(
              Math.abs(fast.densities[e] - exact.densities[e]),
              `tol ${tol} density ${e}`,
            ).toBeLessThanOrEqual(fast.densityErrorBound[e] + rounding);
          }
        }
      });
    }
  }

  it("simplexRasterVJP with method 'fast' stays within the bounds of the exact raster VJP", () => {
    const mesh = cases[2].mesh;
    const options = {
      box: { origin: [-0.2, -0.1], size: [1.5, 1.4] },
      resolution: [10, 8],
      filter: { kind: "gaussian" as const, sigma: 0.05 },
    };
    const w = randomValues(80, 3);
    const exact = simplexRasterVJP(mesh, options, w);
    const fast = simplexRasterVJP(
      mesh,
      { ...options, method: "fast", tol: 1e-8 },
      w,
    ) as SimplexGridGradient;
    expect(fast.vertexErrorBound.length).toBe(4);
    // The exact path's rounding (~1e-13 of the bound's own scale g1 M Omega_max) is covered by a
    // relative slack of 1e-6 on the bound.
    for (let i = 0; i < exact.vertices.length; i++) {
      expect(Math.abs(fast.vertices[i] - exact.vertices[i])).toBeLessThanOrEqual(
        fast.vertexErrorBound[Math.floor(i / 2)] * (1 + 1e-6),
      );
    }
    for (let e = 0; e < exact.densities.length; e++) {
      expect(Math.abs(fast.densities[e] - exact.densities[e])).toBeLessThanOrEqual(
        fast.densityErrorBound[e] * (1 + 1e-6),
      );
    }
  });

  it("checks gradOutput's length", () => {
    const c = cases[2];
    expect(() =>
      simplexTransformGridVJP(c.mesh, { lengths: c.lengths, modes: c.modes }, new Float64Array(4)),
    ).toThrow(ShapeError);
  });
});
