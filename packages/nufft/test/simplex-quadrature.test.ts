/**
 * simplexQuadrature: the collapsed Gauss-Legendre rules behind the fast path.
 *  - Degree: on the unit right simplex (vertices 0, e_1, .., e_j) every monomial x^alpha of
 *    degree <= p integrates to alpha! / (j + |alpha|)! (Dirichlet integral). The rule's sum has
 *    positive weights summing to 1/j! and values <= 1, so each term carries <= degree + j + 2
 *    roundings: tolerance (degree + j + 2) n u for n points.
 *  - Error bound: for exp(-i omega . x) the rule error is <= 2 |Omega| (|omega| r)^(p+1)/(p+1)!
 *    (Taylor remainder about the centroid), checked against the exact transform.
 *  - Weights: positive, summing to rho |Omega|.
 */
import { simplexContents, simplexQuadrature, simplexTransform } from "@modewise/nufft";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { U } from "./simplex-helpers.js";

const FACTORIAL = [1];
for (let n = 1; n <= 20; n++) FACTORIAL.push(FACTORIAL[n - 1] * n);
const unitSimplex = (j: 1 | 2 | 3) => {
  const vertices: number[] = new Array(j).fill(0);
  for (let t = 0; t < j; t++) for (let a = 0; a < j; a++) vertices.push(a === t ? 1 : 0);
  return { dim: j, order: j, vertices, elements: Array.from({ length: j + 1 }, (_, t) => t) };
};

/** All exponent vectors of length j with total degree <= p. */
function exponents(j: number, p: number): number[][] {
  if (j === 0) return [[]];
  const out: number[][] = [];
  for (let a = 0; a <= p; a++) for (const rest of exponents(j - 1, p - a)) out.push([a, ...rest]);
  return out;
}

describe("simplexQuadrature", () => {
  for (const j of [1, 2, 3] as const) {
    for (const degree of [1, 2, 5, 8, 11]) {
      it(`degree ${degree} on the unit ${j}-simplex integrates every monomial of degree <= ${degree}`, () => {
        const mesh = unitSimplex(j);
        const rule = simplexQuadrature(mesh, degree);
        const n = rule.weights.length;
        let total = 0;
        for (let q = 0; q < n; q++) {
          expect(rule.weights[q]).toBeGreaterThan(0);
          total += rule.weights[q];
        }
        expect(Math.abs(total - 1 / FACTORIAL[j])).toBeLessThan(4 * n * U);
        for (const alpha of exponents(j, degree)) {
          let sum = 0;
          for (let q = 0; q < n; q++) {
            let v = rule.weights[q];
            for (let a = 0; a < j; a++) v *= rule.points[q * j + a] ** alpha[a];
            sum += v;
          }
          const order = alpha.reduce((s, a) => s + a, 0);
          const exact = alpha.reduce((p, a) => p * FACTORIAL[a], 1) / FACTORIAL[j + order];
          // Each term has <= degree + j + 1 roundings, weights sum to 1/j!, values <= 1.
          expect(Math.abs(sum - exact), `alpha ${alpha}`).toBeLessThan((degree + j + 2) * n * U);
        }
      });
    }
  }

  it("error on exp(-i omega . x) is below 2 |Omega| (|omega| r)^(p+1) / (p+1)!", () => {
    const tri = {
      dim: 2 as const,
      order: 2 as const,
      vertices: [0, 0, 1, 0.5, 0.25, 1],
      elements: [0, 1, 2],
    };
    const area = simplexContents(tri)[0];
    // Centroid (5/12, 1/2); r = max distance to a vertex.
    const c = [5 / 12, 0.5];
    const r = Math.max(
      Math.hypot(c[0], c[1]),
      Math.hypot(1 - c[0], 0.5 - c[1]),
      Math.hypot(0.25 - c[0], 1 - c[1]),
    );
    const omega = [7, -5];
    const exact = simplexTransform(tri, omega);
    const norm = Math.hypot(omega[0], omega[1]);
    for (const degree of [2, 4, 8, 16, 24]) {
      const rule = simplexQuadrature(tri, degree);
      let re = 0;
      let im = 0;
      for (let q = 0; q < rule.weights.length; q++) {
        const s = omega[0] * rule.points[2 * q] + omega[1] * rule.points[2 * q + 1];
        re += rule.weights[q] * Math.cos(s);
        im -= rule.weights[q] * Math.sin(s);
      }
      let bound = 2 * area;
      for (let n = 1; n <= degree + 1; n++) bound *= (norm * r) / n;
      const err = Math.hypot(re - exact[0], im - exact[1]);
      // Plus the rounding of both sides (~1e-15 here).
      expect(err, `degree ${degree}`).toBeLessThanOrEqual(bound + 1e-14);
    }
  });

  it("weights are rho |Omega| w, points of order-0 meshes are the points", () => {
    const pts = simplexQuadrature(
      { dim: 2, order: 0, vertices: [1, 2, 3, 4], elements: [1, 0], densities: [2, -1] },
      5,
    );
    expect(Array.from(pts.points)).toEqual([3, 4, 1, 2]);
    expect(Array.from(pts.weights)).toEqual([2, -1]);
    expect(() =>
      simplexQuadrature({ dim: 1, order: 1, vertices: [0, 1], elements: [0, 1] }, 0),
    ).toThrow(ValueError);
  });
});
