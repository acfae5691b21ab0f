/**
 * Shared tools of the simplex-*.test.ts files: the mpmath fixtures, the theoretical error bound
 * of the exact transform, and closed forms.
 */
import { readFileSync } from "node:fs";
import { type SimplexMesh, simplexContents } from "@modewise/nufft";

export interface SimplexCase {
  name: string;
  dim: 1 | 2 | 3;
  order: 0 | 1 | 2 | 3;
  vertices: number[];
  elements: number[];
  densities: number[];
  frequencies: number[];
  values: number[];
  mass: number;
}

export interface RasterFixture {
  origin: number[];
  size: number[];
  n: number;
  sigma: number;
  image: number[];
}

export const fixtures = JSON.parse(
  readFileSync(new URL("./fixtures/simplex-reference.json", import.meta.url), "utf8"),
) as { cases: SimplexCase[]; raster: RasterFixture };

export function meshOf(c: SimplexCase): SimplexMesh {
  return {
    dim: c.dim,
    order: c.order,
    vertices: c.vertices,
    elements: c.elements,
    densities: c.densities,
  };
}

export const U = 2 ** -53;
const FACTORIAL = [1, 1, 2, 6];

/**
 * Bound on |F_computed(omega) - F(omega)| for the exact path (see divided-difference.ts):
 *   sum_e |rho_e| j! |Omega_e| u (80 + d sum_t sum_a |omega_a x_{t,a}|).
 * 80 u covers the divided difference (<= 70 u absolute, values <= 1/j!), the content and the
 * accumulation (a few u relative each). The second term is the rounding of s_t = omega . x_t
 * (<= d u sum_a |omega_a x_{t,a}| each), propagated with |d f[..]/d s_t| <= 1/(j+1)! <= 1 (a
 * generous bound), so large |omega| widens the bound only in proportion to |omega| |x|.
 */
export function exactBound(mesh: SimplexMesh, omega: ArrayLike<number>): number {
  const contents = simplexContents(mesh);
  const d = mesh.dim;
  const nodes = mesh.order + 1;
  const densities = mesh.densities ?? new Array(contents.length).fill(1);
  let total = 0;
  for (let e = 0; e < contents.length; e++) {
    let dotAbs = 0;
    for (let t = 0; t < nodes; t++) {
      const v = mesh.elements[e * nodes + t];
      for (let a = 0; a < d; a++) dotAbs += Math.abs(omega[a] * mesh.vertices[v * d + a]);
    }
    total += Math.abs(densities[e]) * FACTORIAL[mesh.order] * contents[e] * U * (80 + d * dotAbs);
  }
  return total;
}

/** int_0^1 exp(-i w x) dx = exp(-i w/2) sin(w/2)/(w/2), computed without cancellation. */
export function unitInterval(w: number): [number, number] {
  const h = w / 2;
  const sinc = h === 0 ? 1 : Math.sin(h) / h;
  return [Math.cos(h) * sinc, -Math.sin(h) * sinc];
}

export function cmul(a: [number, number], b: [number, number]): [number, number] {
  return [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
}

/** Three weighted points on a line (order 0, 1-D), one with a negative weight. */
export function pointsMesh1D(): SimplexMesh {
  return {
    dim: 1,
    order: 0,
    vertices: [0.1, -0.7, 1.3],
    elements: [0, 1, 2],
    densities: [1, 2, -1],
  };
}

/** A three-segment polyline in the plane (order 1, 2-D), consecutive segments sharing a vertex. */
export function polylineMesh2D(): SimplexMesh {
  return {
    dim: 2,
    order: 1,
    vertices: [0, 0, 1, 0.5, 1.5, -0.25, 2, 1],
    elements: [0, 1, 1, 2, 2, 3],
    densities: [1, 2.5, -0.75],
  };
}

/** Two triangles sharing an edge (order 2, 2-D), densities of both signs. */
export function trianglesMesh2D(): SimplexMesh {
  return {
    dim: 2,
    order: 2,
    vertices: [0, 0, 1, 0.5, 0.25, 1, 1.2, 1.1],
    elements: [0, 1, 2, 1, 3, 2],
    densities: [1, -0.7],
  };
}

/** Unit cube [0,1]^3 split into the 6 Kuhn tetrahedra (all share the main diagonal). */
export function unitCubeMesh(): SimplexMesh {
  const vertices: number[] = [];
  for (let i = 0; i < 8; i++) vertices.push(i & 1, (i >> 1) & 1, (i >> 2) & 1);
  const elements: number[] = [];
  const perms = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (const p of perms) {
    let v = 0;
    const tet = [v];
    for (const axis of p) {
      v |= 1 << axis;
      tet.push(v);
    }
    elements.push(...tet);
  }
  return { dim: 3, order: 3, vertices, elements };
}

/** Deterministic pseudo-random numbers in [-1, 1) (a small LCG; tests need reproducibility only). */
export function randomValues(count: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}
