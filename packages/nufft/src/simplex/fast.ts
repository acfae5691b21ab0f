/**
 * The fast approximate path for a mesh's transform on an integer frequency grid: every simplex
 * becomes weighted quadrature points (quadrature.ts), and one type-1 NUFFT (plan.ts) sums them
 * onto the modes.
 *
 * GRID. omega_k = (2 pi k_1 / L_1, ..., 2 pi k_d / L_d), k_a in [-floor(N_a/2), ceil(N_a/2) - 1].
 * With y_a = 2 pi x_a / L_a, exp(sign i omega_k . x) = exp(sign i k . y), the type-1 sum with
 * points y (folded onto the torus by the plan, which the integer k allows).
 *
 * ERROR BOUND (max over the grid, stated to the caller as errorBound). Let
 * M = sum_e |rho_e| |Omega_e| (>= max |F|), Omega_max = max_k |omega_k|, r_e the largest distance
 * from the centroid of element e to its vertices. Element e gets the rule of the smallest degree
 * p_e with 2 (Omega_max r_e)^(p_e+1) / (p_e+1)! <= tol / 2 (quadrature.ts), so the quadrature
 * error is at most  Q = sum_e |rho_e| |Omega_e| 2 (Omega_max r_e)^(p_e+1)/(p_e+1)! <= (tol/2) M.
 * The NUFFT runs at eps = tol / 8. Its error per mode is bounded by the kernel's approximation
 * error of each exponential times the strength (Barnett, Magland, af Klinteberg 2019): at most
 * ~eps sum_q |c_q| = eps M (the weights are positive); we count it as 4 eps M, FINUFFT's own
 * test factor. errorBound = Q + 4 eps M <= tol M.
 * Points (j = 0) are exact: they go to the NUFFT unchanged.
 */
import { ValueError } from "@modewise/tensor";
import { makePlan } from "../plan.js";
import type { ModeOrder } from "../types.js";
import { simplexContent } from "./content.js";
import { type CheckedMesh, gatherElement } from "./mesh.js";
import {
  degreeFor,
  placeRule,
  quadratureBoundFactor,
  ruleSize,
  simplexRule,
} from "./quadrature.js";
import { checkFiniteScale } from "./transform.js";

/** Highest rule degree the fast path uses before asking for the exact path or a looser tol. */
const MAX_DEGREE = 240;

export interface FastGridResult {
  values: Float64Array;
  errorBound: number;
  quadratureBound: number;
  nufftEps: number;
  quadraturePoints: number;
  maxDegree: number;
}

/** Largest |omega_k| over the grid (the corner with the largest |k_a| in every axis). */
export function largestFrequency(lengths: readonly number[], modes: readonly number[]): number {
  let sum = 0;
  for (let a = 0; a < lengths.length; a++) {
    const w = (2 * Math.PI * Math.floor(modes[a] / 2)) / lengths[a];
    sum += w * w;
  }
  return Math.sqrt(sum);
}

/**
 * Largest distance r_e from the centroid of a simplex to its vertices: x holds its `nodes`
 * vertices of `dim` coordinates, vertex-major. Omega_max r_e sets the quadrature degree.
 */
export function centroidRadius(x: Float64Array, dim: number, nodes: number): number {
  let radius = 0;
  for (let t = 0; t < nodes; t++) {
    let d2 = 0;
    for (let a = 0; a < dim; a++) {
      let centroid = 0;
      for (let u = 0; u < nodes; u++) centroid += x[u * dim + a];
      const diff = x[t * dim + a] - centroid / nodes;
      d2 += diff * diff;
    }
    radius = Math.max(radius, Math.sqrt(d2));
  }
  return radius;
}

export function fastGridTransform(
  fn: string,
  mesh: CheckedMesh,
  lengths: readonly number[],
  modes: readonly number[],
  tol: number,
  sign: 1 | -1,
  modeOrder: ModeOrder,
  maxPoints: number,
): FastGridResult {
  const { dim, order, nElements, densities } = mesh;
  const nodes = order + 1;
  const omegaMax = largestFrequency(lengths, modes);
  const quadratureTol = tol / 2;
  const nufftEps = tol / 8;
  const x = new Float64Array(4 * 3);
  const degrees = new Int32Array(nElements);
  const masses = new Float64Array(nElements);
  let total = 0;
  let quadratureBound = 0;
  let maxDegree = 0;
  // Pass 1: rule degree per element and the point count.
  for (let e = 0; e < nElements; e++) {
    gatherElement(mesh, e, x);
    const mass = densities[e] * simplexContent(x, dim, order);
    checkFiniteScale(fn, e, mass);
    masses[e] = mass;
    if (mass === 0) {
      degrees[e] = -1;
      continue;
    }
    if (order === 0) {
      degrees[e] = 0;
      total += 1;
      continue;
    }
    const radius = centroidRadius(x, dim, nodes);
    const reach = omegaMax * radius;
    const degree = degreeFor(reach, quadratureTol, MAX_DEGREE);
    if (degree < 0) {
      throw new ValueError(
        fn,
        "options.tol",
        `a tolerance reachable by a rule of degree <= ${MAX_DEGREE} (element ${e} spans |omega| r = ${reach.toPrecision(3)} radians; use method "exact" or split the element)`,
        String(tol),
      );
    }
    degrees[e] = degree;
    maxDegree = Math.max(maxDegree, degree);
    quadratureBound += Math.abs(mass) * quadratureBoundFactor(reach, degree);
    total += ruleSize(order, degree);
    if (total > maxPoints) {
      throw new ValueError(
        fn,
        "options.maxPoints",
        `room for the ${total}+ quadrature points that tol = ${tol} needs (or use method "exact")`,
        String(maxPoints),
      );
    }
  }
  // Pass 2: the weighted points, then scaled to the torus, one array per axis.
  const positions = new Float64Array(total * dim);
  const weights = new Float64Array(total);
  let q = 0;
  for (let e = 0; e < nElements; e++) {
    if (degrees[e] < 0) continue;
    gatherElement(mesh, e, x);
    const rule = simplexRule(order, degrees[e]);
    placeRule(x, dim, rule, masses[e], positions, weights, q);
    q += rule.count;
  }
  const coords = [0, 1, 2].slice(0, dim).map((a) => {
    const axis = new Float64Array(total);
    const toTorus = (2 * Math.PI) / lengths[a];
    for (let p = 0; p < total; p++) axis[p] = positions[p * dim + a] * toTorus;
    return axis;
  });
  const strengths = new Float64Array(2 * total);
  for (let p = 0; p < total; p++) strengths[2 * p] = weights[p];
  const nModes = modes.reduce((n, m) => n * m, 1);
  let mass = 0;
  for (let e = 0; e < nElements; e++) mass += Math.abs(masses[e]);
  if (total === 0) {
    return {
      values: new Float64Array(2 * nModes),
      errorBound: 0,
      quadratureBound: 0,
      nufftEps,
      quadraturePoints: 0,
      maxDegree,
    };
  }
  const plan = makePlan(1, modes, { eps: nufftEps, isign: sign, modeOrder });
  try {
    plan.setPoints(coords[0], coords[1], coords[2]);
    const values = Float64Array.from(plan.execute(strengths));
    const eps = plan.info.eps;
    return {
      values,
      errorBound: quadratureBound + 4 * eps * mass,
      quadratureBound,
      nufftEps: eps,
      quadraturePoints: total,
      maxDegree,
    };
  } finally {
    plan.dispose();
  }
}
