/**
 * Simplex meshes at the package border: the user's description, and its validation into the
 * checked form every stage reads (float64 coordinates, integer indices, densities).
 *
 * A mesh holds ONE topology: points (order 0), polylines (1), triangle meshes (2) or
 * tetrahedral meshes (3) in R^d, d = dim = 1..3, order <= dim. The transform is linear in the
 * mesh, so a signal of mixed topologies is the sum of the transforms of its meshes.
 */
import { ShapeError, ValueError } from "@modewise/tensor";

/** Numbers in a typed array or a plain array (read as float64). */
export type NumberArray = Float64Array | Float32Array | readonly number[];
/** Vertex indices. */
export type IndexArray = Int32Array | Uint32Array | Uint16Array | readonly number[];

export type SimplexOrder = 0 | 1 | 2 | 3;
export type SpaceDim = 1 | 2 | 3;

export interface SimplexMesh {
  /** Spatial dimension d of the vertices (1, 2 or 3). */
  dim: SpaceDim;
  /** Simplex order j: 0 points, 1 segments, 2 triangles, 3 tetrahedra (j <= dim). */
  order: SimplexOrder;
  /** Vertex coordinates, row-major: vertex v is vertices[v * dim .. v * dim + dim - 1]. */
  vertices: NumberArray;
  /** Vertex indices, row-major: element e is elements[e * (order + 1) .. + order]. */
  elements: IndexArray;
  /** Density rho_e of each element (a real weight, "texture"); default 1 for every element. */
  densities?: NumberArray;
}

/** A validated mesh: what the numerical stages read. */
export interface CheckedMesh {
  readonly dim: SpaceDim;
  readonly order: SimplexOrder;
  readonly nVertices: number;
  readonly nElements: number;
  readonly vertices: Float64Array;
  readonly elements: Int32Array;
  readonly densities: Float64Array;
}

function describeLength(a: { length: number }): string {
  return `length ${a.length}`;
}

/** First non-finite entry of an array, or -1. */
function firstNonFinite(a: NumberArray): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return i;
  return -1;
}

/**
 * Validate a mesh for the public function `fn`. Throws a ValueError / ShapeError naming the
 * argument, what was expected and what came: bad dim or order, order > dim, a vertex array
 * whose length is not a multiple of dim, an element array whose length is not a multiple of
 * order + 1, an index out of range or not an integer, a non-finite coordinate or density.
 */
export function checkMesh(fn: string, mesh: SimplexMesh): CheckedMesh {
  if (mesh === null || typeof mesh !== "object") {
    throw new ValueError(fn, "mesh", "an object { dim, order, vertices, elements }", String(mesh));
  }
  const { dim, order } = mesh;
  if (dim !== 1 && dim !== 2 && dim !== 3) {
    throw new ValueError(fn, "mesh.dim", "1, 2 or 3", String(dim));
  }
  if (order !== 0 && order !== 1 && order !== 2 && order !== 3) {
    throw new ValueError(fn, "mesh.order", "0, 1, 2 or 3", String(order));
  }
  if (order > dim) {
    throw new ValueError(
      fn,
      "mesh.order",
      `a simplex order j <= dim = ${dim} (a ${order}-simplex does not fit in R^${dim})`,
      String(order),
    );
  }
  const { vertices, elements } = mesh;
  if (vertices === undefined || typeof vertices.length !== "number") {
    throw new ValueError(fn, "mesh.vertices", "an array of coordinates", String(vertices));
  }
  if (elements === undefined || typeof elements.length !== "number") {
    throw new ValueError(fn, "mesh.elements", "an array of vertex indices", String(elements));
  }
  if (vertices.length % dim !== 0) {
    throw new ShapeError(
      fn,
      "mesh.vertices",
      `a length divisible by dim = ${dim} (row-major nVertices x ${dim})`,
      describeLength(vertices),
    );
  }
  const perElement = order + 1;
  if (elements.length % perElement !== 0) {
    throw new ShapeError(
      fn,
      "mesh.elements",
      `a length divisible by order + 1 = ${perElement} (row-major nElements x ${perElement})`,
      describeLength(elements),
    );
  }
  const bad = firstNonFinite(vertices);
  if (bad >= 0) {
    throw new ValueError(
      fn,
      "mesh.vertices",
      "finite coordinates",
      `${vertices[bad]} at index ${bad} (vertex ${Math.floor(bad / dim)})`,
    );
  }
  const nVertices = vertices.length / dim;
  const nElements = elements.length / perElement;
  const checkedElements = new Int32Array(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const v = elements[i];
    if (!Number.isInteger(v) || v < 0 || v >= nVertices) {
      throw new ValueError(
        fn,
        "mesh.elements",
        `integer vertex indices in [0, ${nVertices})`,
        `${v} at index ${i} (element ${Math.floor(i / perElement)})`,
      );
    }
    checkedElements[i] = v;
  }
  let densities: Float64Array;
  if (mesh.densities === undefined) {
    densities = new Float64Array(nElements).fill(1);
  } else {
    if (mesh.densities.length !== nElements) {
      throw new ShapeError(
        fn,
        "mesh.densities",
        `one density per element (length ${nElements})`,
        describeLength(mesh.densities),
      );
    }
    const badDensity = firstNonFinite(mesh.densities);
    if (badDensity >= 0) {
      throw new ValueError(
        fn,
        "mesh.densities",
        "finite densities",
        `${mesh.densities[badDensity]} at index ${badDensity}`,
      );
    }
    densities = Float64Array.from(mesh.densities);
  }
  return {
    dim,
    order,
    nVertices,
    nElements,
    vertices: Float64Array.from(vertices),
    elements: checkedElements,
    densities,
  };
}

/** Validate frequencies: row-major nFrequencies x dim, finite. Returns them as float64. */
export function checkFrequencies(
  fn: string,
  argument: string,
  frequencies: NumberArray,
  dim: SpaceDim,
): Float64Array {
  if (frequencies === undefined || typeof frequencies.length !== "number") {
    throw new ValueError(fn, argument, "an array of frequencies", String(frequencies));
  }
  if (frequencies.length % dim !== 0) {
    throw new ShapeError(
      fn,
      argument,
      `a length divisible by mesh.dim = ${dim} (row-major nFrequencies x ${dim})`,
      describeLength(frequencies),
    );
  }
  const bad = firstNonFinite(frequencies);
  if (bad >= 0) {
    throw new ValueError(fn, argument, "finite frequencies", `${frequencies[bad]} at index ${bad}`);
  }
  return Float64Array.from(frequencies);
}

/** Validate the sign option (default -1: exp(-i omega . x)). */
export function checkSign(fn: string, sign: unknown): 1 | -1 {
  if (sign === undefined) return -1;
  if (sign !== 1 && sign !== -1) throw new ValueError(fn, "options.sign", "1 or -1", String(sign));
  return sign;
}

/** Copy the coordinates of element e's vertices into out (row t = vertex t of the simplex). */
export function gatherElement(mesh: CheckedMesh, e: number, out: Float64Array): void {
  const { dim, order, vertices, elements } = mesh;
  const perElement = order + 1;
  for (let t = 0; t < perElement; t++) {
    const v = elements[e * perElement + t];
    for (let a = 0; a < dim; a++) out[t * dim + a] = vertices[v * dim + a];
  }
}
