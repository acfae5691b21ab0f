/**
 * A mesh as weighted quadrature points: the points of the degree-p collapsed Gauss-Legendre
 * rule (quadrature.ts) on every element, weights rho_e |Omega_e| w_p (positive for rho_e > 0).
 * sum_q w_q g(y_q) integrates every polynomial g of degree <= p exactly over the mesh, and for
 * g = exp(-i omega . x) its error is <= sum_e 2 |rho_e| |Omega_e| (|omega| r_e)^(p+1) / (p+1)!
 * (r_e the largest centroid-to-vertex distance). These are the points the fast path sends to
 * the type-1 NUFFT; use them to feed any other sum.
 */
import { ValueError } from "@modewise/tensor";
import { simplexContent } from "./content.js";
import { checkMesh, gatherElement, type SimplexMesh } from "./mesh.js";
import { placeRule, simplexRule } from "./quadrature.js";

export interface SimplexQuadrature {
  /** Row-major nPoints x dim. */
  points: Float64Array;
  /** rho_e |Omega_e| w_p per point. */
  weights: Float64Array;
  /** The rule's degree (Infinity for points, which are exact). */
  degree: number;
}

export function simplexQuadrature(mesh: SimplexMesh, degree: number): SimplexQuadrature {
  const fn = "simplexQuadrature";
  const checked = checkMesh(fn, mesh);
  if (!(Number.isInteger(degree) && degree >= 1 && degree <= 240)) {
    throw new ValueError(fn, "degree", "an integer in [1, 240]", String(degree));
  }
  const { dim, order, nElements, densities } = checked;
  const rule = simplexRule(order, degree);
  const points = new Float64Array(nElements * rule.count * dim);
  const weights = new Float64Array(nElements * rule.count);
  const x = new Float64Array(4 * 3);
  for (let e = 0; e < nElements; e++) {
    gatherElement(checked, e, x);
    const mass = densities[e] * simplexContent(x, dim, order);
    placeRule(x, dim, rule, mass, points, weights, e * rule.count);
  }
  return { points, weights, degree: rule.degree };
}
