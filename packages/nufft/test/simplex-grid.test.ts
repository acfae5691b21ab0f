/**
 * Grid transforms, the fast path and rasters.
 *  - gridFrequencies: layout (k_1 fastest) and both mode orders.
 *  - "exact" grid = simplexTransform at gridFrequencies (same algorithm, so bitwise equal).
 *  - "fast" (quadrature + type-1 NUFFT) vs "exact": the measured max error must be below the
 *    stated errorBound, which must be below tol * M (M = sum |rho| |Omega|), for tolerances
 *    1e-3 .. 1e-10 and every simplex order. A wrong rule degree, weight or scaling would break
 *    the first inequality (errors O(M)).
 *  - raster vs the periodized Gaussian-blurred indicator of the unit square (erf, scipy, in
 *    fixtures/simplex-reference.json): the band limit cuts a spectrum below 4e-18, so the two
 *    agree to rounding: the FFT's ~ u log N relative to the image values (<= 1), plus
 *    the spectrum's errorBound scaled by N^2 / V. Mass: sum(image) * pixel volume = F(0).
 */
import {
  gridFrequencies,
  type SimplexMesh,
  simplexContents,
  simplexRaster,
  simplexTransform,
  simplexTransformGrid,
} from "@modewise/nufft";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  fixtures,
  pointsMesh1D,
  polylineMesh2D,
  trianglesMesh2D,
  U,
  unitCubeMesh,
} from "./simplex-helpers.js";

function massOf(mesh: SimplexMesh): number {
  const contents = simplexContents(mesh);
  let m = 0;
  for (let e = 0; e < contents.length; e++) m += Math.abs((mesh.densities?.[e] ?? 1) * contents[e]);
  return m;
}

function maxDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i += 2)
    worst = Math.max(worst, Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1]));
  return worst;
}

describe("gridFrequencies", () => {
  it("k_1 fastest, centered and fft orders", () => {
    const w = gridFrequencies([2, 4], [3, 2]);
    const step = [Math.PI, Math.PI / 2];
    // cmcl: k1 in (-1, 0, 1), k2 in (-1, 0).
    const expected = [];
    for (const k2 of [-1, 0])
      for (const k1 of [-1, 0, 1]) expected.push(k1 * step[0], k2 * step[1]);
    expect(Array.from(w)).toEqual(expected);
    const f = gridFrequencies([2], [4], "fft");
    expect(Array.from(f)).toEqual([0, Math.PI, -2 * Math.PI, -Math.PI]);
  });
});

describe("simplexTransformGrid", () => {
  const tri = trianglesMesh2D();

  it("exact method equals simplexTransform at the grid frequencies", () => {
    for (const modeOrder of ["cmcl", "fft"] as const) {
      const grid = simplexTransformGrid(tri, { lengths: [3, 2.5], modes: [9, 8], modeOrder });
      const direct = simplexTransform(tri, gridFrequencies([3, 2.5], [9, 8], modeOrder));
      expect(Array.from(grid.values)).toEqual(Array.from(direct));
      expect(grid.errorBound).toBeLessThan(1e-12 * massOf(tri));
    }
  });

  const cases: { name: string; mesh: SimplexMesh; lengths: number[]; modes: number[] }[] = [
    { name: "points in 1-D", mesh: pointsMesh1D(), lengths: [4], modes: [33] },
    { name: "polyline in 2-D", mesh: polylineMesh2D(), lengths: [3, 3], modes: [24, 20] },
    { name: "triangles in 2-D", mesh: tri, lengths: [3, 3], modes: [32, 24] },
    {
      name: "triangles in 3-D",
      mesh: {
        dim: 3,
        order: 2,
        vertices: [0, 0, 0, 1, 0.2, -0.3, 0.1, 0.9, 0.4, 0.7, 0.8, 0.9],
        elements: [0, 1, 2, 1, 3, 2],
        densities: [1.3, 0.6],
      },
      lengths: [3, 3, 3],
      modes: [8, 10, 6],
    },
    { name: "unit cube as tetrahedra", mesh: unitCubeMesh(), lengths: [4, 4, 4], modes: [8, 8, 6] },
  ];

  for (const c of cases) {
    it(`fast method within its stated bound: ${c.name}`, () => {
      const exact = simplexTransformGrid(c.mesh, { lengths: c.lengths, modes: c.modes });
      const M = massOf(c.mesh);
      // 3-D meshes stop at 1e-8 to keep the suite fast (rules of degree ~40 in 3-D).
      const tolerances = c.mesh.dim === 3 ? [1e-3, 1e-8] : [1e-3, 1e-6, 1e-10];
      for (const tol of tolerances) {
        const fast = simplexTransformGrid(c.mesh, {
          lengths: c.lengths,
          modes: c.modes,
          method: "fast",
          tol,
        });
        const err = maxDifference(fast.values, exact.values);
        expect(err, `tol ${tol}`).toBeLessThanOrEqual(fast.errorBound + exact.errorBound);
        expect(fast.errorBound).toBeLessThanOrEqual(tol * M);
      }
    });
  }

  it("fast method with sign +1 and fft order matches exact", () => {
    const exact = simplexTransformGrid(tri, {
      lengths: [3, 3],
      modes: [16, 15],
      sign: 1,
      modeOrder: "fft",
    });
    const fast = simplexTransformGrid(tri, {
      lengths: [3, 3],
      modes: [16, 15],
      sign: 1,
      modeOrder: "fft",
      method: "fast",
      tol: 1e-8,
    });
    expect(maxDifference(fast.values, exact.values)).toBeLessThanOrEqual(
      fast.errorBound + exact.errorBound,
    );
  });

  it("an unreachable tolerance or point budget is a ValueError, not a hang", () => {
    const big: SimplexMesh = {
      dim: 2,
      order: 2,
      vertices: [0, 0, 1000, 0, 0, 1000],
      elements: [0, 1, 2],
    };
    expect(() =>
      simplexTransformGrid(big, { lengths: [1, 1], modes: [64, 64], method: "fast", tol: 1e-6 }),
    ).toThrow(ValueError);
    expect(() =>
      simplexTransformGrid(tri, {
        lengths: [3, 3],
        modes: [16, 16],
        method: "fast",
        tol: 1e-9,
        maxPoints: 10,
      }),
    ).toThrow(ValueError);
    expect(() => simplexTransformGrid(tri, { lengths: [3], modes: [16, 16] })).toThrow();
    expect(() => simplexTransformGrid(tri, { lengths: [3, 3], modes: [16, 0] })).toThrow(
      ValueError,
    );
  });
});

describe("simplexRaster", () => {
  const square: SimplexMesh = {
    dim: 2,
    order: 2,
    vertices: [0, 0, 1, 0, 1, 1, 0, 1],
    elements: [0, 1, 2, 0, 2, 3],
  };
  const r = fixtures.raster;

  for (const method of ["exact", "fast"] as const) {
    it(`Gaussian-filtered unit square vs erf closed form (${method})`, () => {
      const out = simplexRaster(square, {
        box: { origin: r.origin, size: r.size },
        resolution: r.n,
        filter: { kind: "gaussian", sigma: r.sigma },
        method,
        tol: 1e-10,
      });
      expect(out.resolution).toEqual([r.n, r.n]);
      // Layout: x_1 fastest; the reference is symmetric (outer product) so also check a
      // transposed-sensitive mesh below.
      let worst = 0;
      for (let i = 0; i < r.image.length; i++)
        worst = Math.max(worst, Math.abs(out.data[i] - r.image[i]));
      // FFT rounding: <= 8 u log2(N^2) relative to max |X| sum, image values <= 1.
      expect(worst).toBeLessThanOrEqual(out.errorBound + 64 * U * Math.log2(r.n * r.n));
    });
  }

  it("layout is x_1 fastest and the mass is conserved (3-D tetrahedron, no filter)", () => {
    // A tetrahedron near the corner x = 0.8 of the box: the image must be heavy at large i_1.
    const tet: SimplexMesh = {
      dim: 3,
      order: 3,
      vertices: [0.6, 0.1, 0.1, 0.95, 0.1, 0.1, 0.6, 0.3, 0.1, 0.6, 0.1, 0.3],
      elements: [0, 1, 2, 3],
      densities: [3],
    };
    const n = [8, 6, 4];
    const out = simplexRaster(tet, { box: { origin: [0, 0, 0], size: [1, 1, 1] }, resolution: n });
    const pixel = 1 / (n[0] * n[1] * n[2]);
    const mass = 3 * simplexContents(tet)[0];
    let sum = 0;
    let firstMoment = 0;
    for (let i3 = 0; i3 < n[2]; i3++) {
      for (let i2 = 0; i2 < n[1]; i2++) {
        for (let i1 = 0; i1 < n[0]; i1++) {
          const v = out.data[i1 + n[0] * (i2 + n[1] * i3)];
          sum += v;
          firstMoment += v * (i1 / n[0]);
        }
      }
    }
    // sum * pixel = F(0) exactly up to the FFT's rounding (~u log N relative).
    expect(Math.abs(sum * pixel - mass)).toBeLessThan(1e-13);
    // Centroid x = 0.6 + 0.35 / 4 = 0.6875 is far from the y and z centroids (~0.15).
    expect((firstMoment * pixel) / mass).toBeGreaterThan(0.45);
  });

  it("rejects a bad box and filter", () => {
    expect(() =>
      simplexRaster(square, { box: { origin: [0], size: [1, 1] }, resolution: 8 }),
    ).toThrow();
    expect(() =>
      simplexRaster(square, {
        box: { origin: [0, 0], size: [1, 1] },
        resolution: 8,
        filter: { kind: "gaussian", sigma: -1 },
      }),
    ).toThrow(ValueError);
  });
});
