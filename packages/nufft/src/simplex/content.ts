/**
 * The j-dimensional content |Omega| of a j-simplex in R^d (length, area, volume; 1 for a point)
 * and its gradient with respect to the vertices.
 *
 * With edge vectors e_k = x_k - x_0 (k = 1..j), |Omega| = sqrt(det(E^T E)) / j! (the Gram
 * determinant, equal to the Cayley-Menger form). We evaluate it in the form that does not
 * square the edges, to keep full relative accuracy for thin elements:
 *   j = 1: |e_1|;  j = 2: |e_1 x e_2| / 2 (2-D: the z-component);  j = 3: |det(e_1, e_2, e_3)| / 6.
 * Gradients (d|Omega|/de_k; d/dx_0 = -sum_k d/de_k):
 *   j = 1: e_1 / |e_1|
 *   j = 2: with n = (e_1 x e_2) / |e_1 x e_2|:  d/de_1 = (e_2 x n) / 2,  d/de_2 = (n x e_1) / 2
 *   j = 3: with sg = sign(det):  d/de_1 = sg (e_2 x e_3) / 6, d/de_2 = sg (e_3 x e_1) / 6,
 *          d/de_3 = sg (e_1 x e_2) / 6
 * At a degenerate simplex (|Omega| = 0) the content is not differentiable (|.| has a kink);
 * we return the zero subgradient there.
 */
import type { SimplexOrder, SpaceDim } from "./mesh.js";

/** Content of the simplex whose j + 1 vertices are the rows of x (row-major, dim columns). */
export function simplexContent(x: Float64Array, dim: SpaceDim, order: SimplexOrder): number {
  switch (order) {
    case 0:
      return 1;
    case 1: {
      let s = 0;
      for (let a = 0; a < dim; a++) {
        const e = x[dim + a] - x[a];
        s += e * e;
      }
      return Math.sqrt(s);
    }
    case 2: {
      const [cx, cy, cz] = triangleCross(x, dim);
      return 0.5 * Math.sqrt(cx * cx + cy * cy + cz * cz);
    }
    case 3:
      return Math.abs(tetDeterminant(x)) / 6;
  }
}

/** Edge component e_k[a] = x_k[a] - x_0[a] (0 for a >= dim: lower dimensions embed in R^3). */
function edge(x: Float64Array, dim: number, k: number, a: number): number {
  return a < dim ? x[k * dim + a] - x[a] : 0;
}

function triangleCross(x: Float64Array, dim: number): [number, number, number] {
  const ax = edge(x, dim, 1, 0);
  const ay = edge(x, dim, 1, 1);
  const az = edge(x, dim, 1, 2);
  const bx = edge(x, dim, 2, 0);
  const by = edge(x, dim, 2, 1);
  const bz = edge(x, dim, 2, 2);
  return [ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx];
}

function tetDeterminant(x: Float64Array): number {
  const e = (k: number, a: number): number => x[k * 3 + a] - x[a];
  return (
    e(1, 0) * (e(2, 1) * e(3, 2) - e(2, 2) * e(3, 1)) -
    e(1, 1) * (e(2, 0) * e(3, 2) - e(2, 2) * e(3, 0)) +
    e(1, 2) * (e(2, 0) * e(3, 1) - e(2, 1) * e(3, 0))
  );
}

function cross(a: readonly number[], b: readonly number[]): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/**
 * Gradient of the content with respect to the vertices: writes d|Omega|/dx_t[a] into
 * out[t * dim + a] for t = 0..order.
 */
export function simplexContentGradient(
  x: Float64Array,
  dim: SpaceDim,
  order: SimplexOrder,
  out: Float64Array,
): void {
  out.fill(0, 0, (order + 1) * dim);
  if (order === 0) return;
  // Edge vectors embedded in R^3.
  const edges: number[][] = [];
  for (let k = 1; k <= order; k++) {
    edges.push([edge(x, dim, k, 0), edge(x, dim, k, 1), edge(x, dim, k, 2)]);
  }
  const dEdge: number[][] = [];
  if (order === 1) {
    const length = Math.hypot(edges[0][0], edges[0][1], edges[0][2]);
    if (length === 0) return;
    dEdge.push(edges[0].map((c) => c / length));
  } else if (order === 2) {
    const c = cross(edges[0], edges[1]);
    const norm = Math.hypot(c[0], c[1], c[2]);
    if (norm === 0) return;
    const n = [c[0] / norm, c[1] / norm, c[2] / norm];
    dEdge.push(cross(edges[1], n).map((v) => v / 2));
    dEdge.push(cross(n, edges[0]).map((v) => v / 2));
  } else {
    const det = tetDeterminant(x);
    if (det === 0) return;
    const sg = Math.sign(det) / 6;
    dEdge.push(cross(edges[1], edges[2]).map((v) => v * sg));
    dEdge.push(cross(edges[2], edges[0]).map((v) => v * sg));
    dEdge.push(cross(edges[0], edges[1]).map((v) => v * sg));
  }
  for (let k = 1; k <= order; k++) {
    for (let a = 0; a < dim; a++) {
      out[k * dim + a] = dEdge[k - 1][a];
      out[a] -= dEdge[k - 1][a];
    }
  }
}
