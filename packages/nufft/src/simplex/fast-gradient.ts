/**
 * The fast vector-Jacobian product on a frequency grid: the gradient of a real loss L with
 * respect to vertices and densities given G_k = dL/dRe F_k + i dL/dIm F_k on the grid of
 * simplexTransformGrid, through the quadrature points and type-2 NUFFTs.
 *
 * The fast transform is F_Q(omega_k) = sum_q c_q exp(sign i omega_k . y_q) with
 * c_q = rho_e |Omega_e| w_p and y_q = sum_t lambda_{p,t} x_t (quadrature.ts). Its exact VJP is
 *   dL/dc_q = Re A_q,           A_q = sum_k G_k exp(-sign i omega_k . y_q)
 *   dL/dy_q = c_q Re B_q,       B_q = sum_k (-sign i omega_k) G_k exp(-sign i omega_k . y_q)
 * (A, B: one type-2 NUFFT with 1 + d transforms), then the chain rule through c_q (densities,
 * |Omega_e|(x)) and y_q (lambda_{p,t}).
 *
 * ERROR BOUND against the exact gradient (simplexTransformVJP), per component. Write
 * F = rho j! |Omega| I[exp], F_Q = rho j! |Omega| Q[exp] with I, Q the integral and the rule on
 * the reference simplex (weights > 0 summing to 1/j!). Then
 *   d(F_Q - F)/dx_t = rho j! (d|Omega|/dx_t) (Q - I)[exp] + rho j! |Omega| (-sign i omega) (Q - I)[lambda_t exp],
 * and with x = Omega_max r_e (quadrature.ts) the Taylor remainder gives
 * j! |(Q - I)[exp]| <= 2 x^(p+1)/(p+1)!, and, since lambda_t T_{p-1} has degree p and
 * |lambda_t| <= 1, j! |(Q - I)[lambda_t exp]| <= 2 x^p / p!. With g1 = sum_k |G_k|:
 *   |error dL/drho_e|      <= g1 |Omega_e| (2 x^(p+1)/(p+1)! + 4 eps)
 *   |error dL/dx_{t,a}|    <= sum over elements e at vertex v: |rho_e| g1 ( |d|Omega_e|/dx_t| (2 x^(p+1)/(p+1)! + 4 eps)
 *                               + |Omega_e| Omega_max (2 x^p / p! + 4 eps) )
 * where 4 eps counts the type-2 NUFFT's per-point error (eps times the l1 norm of its input,
 * counted with FINUFFT's test factor 4, as in fast.ts). The degree is chosen so that
 * 2 x^p / p! <= tol / 2, one more than the forward transform needs.
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import { makePlan } from "../plan.js";
import { simplexContent, simplexContentGradient } from "./content.js";
import { centroidRadius, largestFrequency } from "./fast.js";
import type { SimplexTransformGradient } from "./gradient.js";
import {
  checkGridShape,
  checkModeOrder,
  gridFrequencies,
  type SimplexGridOptions,
} from "./grid.js";
import { checkMesh, checkSign, gatherElement, type NumberArray, type SimplexMesh } from "./mesh.js";
import {
  degreeFor,
  placeRule,
  quadratureBoundFactor,
  ruleSize,
  simplexRule,
} from "./quadrature.js";
import { checkFiniteScale } from "./transform.js";

const MAX_DEGREE = 240;

export interface SimplexGridGradient extends SimplexTransformGradient {
  /** Bounds on |dL/dvertex coordinate| errors, one per vertex (all its coordinates). */
  vertexErrorBound: Float64Array;
  /** Bounds on |dL/drho_e| errors, one per element. */
  densityErrorBound: Float64Array;
  quadraturePoints: number;
  nufftEps: number;
}

/**
 * Fast gradient of a real loss with respect to the vertices and densities, given gradOutput =
 * dL/dRe F + i dL/dIm F on the grid that simplexTransformGrid(mesh, options) returns (same
 * lengths, modes, sign and modeOrder; options.method is ignored, tol applies as documented in
 * the header).
 */
export function simplexTransformGridVJP(
  mesh: SimplexMesh,
  options: SimplexGridOptions,
  gradOutput: NumberArray,
): SimplexGridGradient {
  const fn = "simplexTransformGridVJP";
  const checked = checkMesh(fn, mesh);
  if (options === undefined || options === null) {
    throw new ValueError(fn, "options", "{ lengths, modes, ... }", String(options));
  }
  const { dim, order, nElements, densities, elements } = checked;
  const lengths = checkGridShape(fn, "options.lengths", options.lengths, dim, false);
  const modes = checkGridShape(fn, "options.modes", options.modes, dim, true);
  const sign = checkSign(fn, options.sign);
  const modeOrder = checkModeOrder(fn, options.modeOrder);
  const tol = options.tol ?? 1e-6;
  if (!(Number.isFinite(tol) && tol > 0 && tol < 1)) {
    throw new ValueError(fn, "options.tol", "a number in (0, 1)", String(tol));
  }
  const maxPoints = options.maxPoints ?? 2e7;
  const nModes = modes.reduce((p, n) => p * n, 1);
  if (gradOutput === undefined || gradOutput.length !== 2 * nModes) {
    throw new ShapeError(
      fn,
      "gradOutput",
      `interleaved complex of length 2 * prod(modes) = ${2 * nModes}`,
      gradOutput === undefined ? "undefined" : `length ${gradOutput.length}`,
    );
  }
  let g1 = 0;
  for (let k = 0; k < nModes; k++) {
    const re = gradOutput[2 * k];
    const im = gradOutput[2 * k + 1];
    if (!Number.isFinite(re) || !Number.isFinite(im)) {
      throw new ValueError(fn, "gradOutput", "finite values", `non-finite at mode ${k}`);
    }
    g1 += Math.hypot(re, im);
  }
  const omegaMax = largestFrequency(lengths, modes);
  const nodes = order + 1;
  const x = new Float64Array(4 * 3);
  const degrees = new Int32Array(nElements);
  const reach = new Float64Array(nElements);
  let total = 0;
  for (let e = 0; e < nElements; e++) {
    gatherElement(checked, e, x);
    const content = simplexContent(x, dim, order);
    checkFiniteScale(fn, e, densities[e] * content);
    const radius = centroidRadius(x, dim, nodes);
    reach[e] = omegaMax * radius;
    // 2 x^p / p! <= tol / 2 is the forward criterion one degree up.
    const forward = order === 0 ? 0 : degreeFor(reach[e], tol / 2, MAX_DEGREE - 1);
    if (forward < 0) {
      throw new ValueError(
        fn,
        "options.tol",
        `a tolerance reachable by a rule of degree <= ${MAX_DEGREE} (element ${e})`,
        String(tol),
      );
    }
    degrees[e] = order === 0 ? 0 : forward + 1;
    total += ruleSize(order, degrees[e]);
    if (total > maxPoints) {
      throw new ValueError(
        fn,
        "options.maxPoints",
        `room for the ${total}+ quadrature points that tol = ${tol} needs`,
        String(maxPoints),
      );
    }
  }
  const positions = new Float64Array(total * dim);
  const unitWeights = new Float64Array(total);
  let q = 0;
  for (let e = 0; e < nElements; e++) {
    gatherElement(checked, e, x);
    const rule = simplexRule(order, degrees[e]);
    placeRule(x, dim, rule, 1, positions, unitWeights, q);
    q += rule.count;
  }
  // Type-2 inputs: G, then (-sign i omega_a) G for each axis, in the grid's mode order.
  const omega = gridFrequencies(lengths, modes, modeOrder);
  const input = new Float64Array(2 * nModes * (1 + dim));
  for (let k = 0; k < nModes; k++) {
    const gr = gradOutput[2 * k];
    const gi = gradOutput[2 * k + 1];
    input[2 * k] = gr;
    input[2 * k + 1] = gi;
    for (let a = 0; a < dim; a++) {
      // (-sign i w)(gr + i gi) = sign w gi - i sign w gr
      const w = omega[k * dim + a];
      const at = 2 * ((a + 1) * nModes + k);
      input[at] = sign * w * gi;
      input[at + 1] = -sign * w * gr;
    }
  }
  const gradVertices = new Float64Array(checked.vertices.length);
  const gradDensities = new Float64Array(nElements);
  const vertexErrorBound = new Float64Array(checked.nVertices);
  const densityErrorBound = new Float64Array(nElements);
  let eps = tol / 8;
  let values: Float64Array = new Float64Array(0);
  if (total > 0) {
    const plan = makePlan(2, modes, {
      eps,
      isign: sign === 1 ? -1 : 1,
      modeOrder,
      nTransforms: 1 + dim,
    });
    try {
      const torus = [0, 1, 2].slice(0, dim).map((a) => {
        const axis = new Float64Array(total);
        for (let p = 0; p < total; p++)
          axis[p] = (positions[p * dim + a] * 2 * Math.PI) / lengths[a];
        return axis;
      });
      plan.setPoints(torus[0], torus[1], torus[2]);
      values = Float64Array.from(plan.execute(input));
      eps = plan.info.eps;
    } finally {
      plan.dispose();
    }
  }
  const dContent = new Float64Array(4 * 3);
  q = 0;
  for (let e = 0; e < nElements; e++) {
    gatherElement(checked, e, x);
    const content = simplexContent(x, dim, order);
    simplexContentGradient(x, dim, order, dContent);
    const rho = densities[e];
    const rule = simplexRule(order, degrees[e]);
    let sumA = 0;
    for (let p = 0; p < rule.count; p++) {
      const at = q + p;
      const reA = values[2 * at];
      sumA += unitWeights[at] * reA;
      // dL/dx_t += lambda_{p,t} c_q Re B_q, with lambda_0 = 1 - sum of the others.
      const c = rho * content * unitWeights[at];
      let rest = 1;
      for (let t = 0; t <= order; t++) {
        let lambda: number;
        if (t < order) {
          lambda = rule.lambda[p * order + t];
          rest -= lambda;
        } else {
          lambda = rest;
        }
        // Barycentric lambda_{t+1} goes to vertex t + 1; the remainder to vertex 0.
        const v = elements[e * nodes + (t < order ? t + 1 : 0)];
        for (let a = 0; a < dim; a++) {
          gradVertices[v * dim + a] += c * lambda * values[2 * ((a + 1) * total + at)];
        }
      }
    }
    gradDensities[e] = content * sumA;
    const remainder = order === 0 ? 0 : quadratureBoundFactor(reach[e], degrees[e]);
    const remainderDerivative = order === 0 ? 0 : quadratureBoundFactor(reach[e], degrees[e] - 1);
    densityErrorBound[e] = g1 * content * (remainder + 4 * eps);
    for (let t = 0; t < nodes; t++) {
      let dNorm = 0;
      for (let a = 0; a < dim; a++) dNorm += dContent[t * dim + a] ** 2;
      dNorm = Math.sqrt(dNorm);
      const v = elements[e * nodes + t];
      for (let a = 0; a < dim; a++) {
        gradVertices[v * dim + a] += rho * dContent[t * dim + a] * sumA;
      }
      vertexErrorBound[v] +=
        Math.abs(rho) *
        g1 *
        (dNorm * (remainder + 4 * eps) + content * omegaMax * (remainderDerivative + 4 * eps));
    }
    q += rule.count;
  }
  return {
    vertices: gradVertices,
    densities: gradDensities,
    vertexErrorBound,
    densityErrorBound,
    quadraturePoints: total,
    nufftEps: eps,
  };
}
