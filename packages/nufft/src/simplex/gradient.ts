/**
 * Reverse-mode gradient (vector-Jacobian product) of the exact simplex-mesh transform with
 * respect to the vertex positions and the element densities.
 *
 * A real loss L(F) is seen through G_k = dL/dRe F_k + i dL/dIm F_k (PyTorch's convention for
 * complex outputs; @modewise/tensor uses the same). Then for any real parameter p
 *   dL/dp = sum_k Re( conj(G_k) dF_k/dp ).
 * Per element, with c = i^j j!, D = f[s_0..s_j] (f(s) = exp(-i s), s_t = omega . x_t):
 *   F_e = rho_e c |Omega_e| D
 *   dF_e/drho_e = c |Omega_e| D
 *   dF_e/dx_t   = rho_e c ( d|Omega_e|/dx_t D + |Omega_e| D'_t omega ),
 * where D'_t = dD/ds_t = f[s_0, .., s_j, s_t] is the divided difference with s_t repeated
 * (the derivative of a divided difference with respect to a node), evaluated by the same
 * stable routine. Hence, with A_e = sum_k Re(conj(G_k) c D_k) and
 * B_{e,t} = sum_k Re(conj(G_k) c D'_{t,k}) omega_k:
 *   dL/drho_e = |Omega_e| A_e,   dL/dx_t += rho_e ( d|Omega_e|/dx_t A_e + |Omega_e| B_{e,t} ).
 * For sign = +1, F = conj(F_-), and dL/dp = sum Re(G dF_-/dp): the sign -1 product with conj(G).
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import { simplexContent, simplexContentGradient } from "./content.js";
import { expDividedDifferenceUnchecked } from "./divided-difference.js";
import {
  checkFrequencies,
  checkMesh,
  checkSign,
  gatherElement,
  type NumberArray,
  type SimplexMesh,
} from "./mesh.js";
import {
  checkFiniteScale,
  type SimplexTransformOptions,
  throwPhaseOverflow,
  timesIPower,
} from "./transform.js";

export interface SimplexTransformGradient {
  /** dL/d(vertex coordinate), row-major nVertices x dim, like mesh.vertices. */
  vertices: Float64Array;
  /** dL/d(rho_e), one per element. */
  densities: Float64Array;
}

const FACTORIAL = [1, 1, 2, 6];

/**
 * Gradient of a real loss L with respect to the mesh's vertices and densities, given
 * gradOutput = dL/dRe F + i dL/dIm F at each frequency (interleaved complex, length
 * 2 * nFrequencies), where F = simplexTransform(mesh, frequencies, options).
 */
export function simplexTransformVJP(
  mesh: SimplexMesh,
  frequencies: NumberArray,
  gradOutput: NumberArray,
  options: SimplexTransformOptions = {},
): SimplexTransformGradient {
  const fn = "simplexTransformVJP";
  const checked = checkMesh(fn, mesh);
  const { dim, order, nElements, densities, elements } = checked;
  const omega = checkFrequencies(fn, "frequencies", frequencies, dim);
  const sign = checkSign(fn, options.sign);
  const nFrequencies = omega.length / dim;
  if (gradOutput === undefined || gradOutput.length !== 2 * nFrequencies) {
    throw new ShapeError(
      fn,
      "gradOutput",
      `interleaved complex of length 2 * nFrequencies = ${2 * nFrequencies}`,
      gradOutput === undefined ? "undefined" : `length ${gradOutput.length}`,
    );
  }
  const g = Float64Array.from(gradOutput);
  for (let i = 0; i < g.length; i++) {
    if (!Number.isFinite(g[i])) {
      throw new ValueError(fn, "gradOutput", "finite values", `${g[i]} at index ${i}`);
    }
  }
  // conj(G) for sign -1; conj(conj(G)) = G for sign +1 (see the header).
  const conjSign = sign === -1 ? -1 : 1;
  const nodes = order + 1;
  const gradVertices = new Float64Array(checked.vertices.length);
  const gradDensities = new Float64Array(nElements);
  const x = new Float64Array(4 * 3);
  const dContent = new Float64Array(4 * 3);
  const s = new Float64Array(5);
  const dd = new Float64Array(2);
  const sumB = new Float64Array(4 * 3);
  const c = FACTORIAL[order];
  for (let e = 0; e < nElements; e++) {
    gatherElement(checked, e, x);
    const content = simplexContent(x, dim, order);
    checkFiniteScale(fn, e, densities[e] * content);
    simplexContentGradient(x, dim, order, dContent);
    let sumA = 0;
    sumB.fill(0);
    for (let k = 0; k < nFrequencies; k++) {
      for (let t = 0; t < nodes; t++) {
        let dot = 0;
        for (let a = 0; a < dim; a++) dot += omega[k * dim + a] * x[t * dim + a];
        s[t] = dot;
      }
      if (!Number.isFinite(s[0] + s[1] + s[2] + s[3])) throwPhaseOverflow(fn, e, k);
      const gRe = g[2 * k];
      const gIm = conjSign * g[2 * k + 1];
      // Re(conj(G) * c * i^j * D), conj(G) = gRe + i gIm here.
      expDividedDifferenceUnchecked(s, nodes, dd);
      timesIPower(order, dd[0], dd[1], dd);
      sumA += c * (gRe * dd[0] - gIm * dd[1]);
      for (let t = 0; t < nodes; t++) {
        s[nodes] = s[t];
        expDividedDifferenceUnchecked(s, nodes + 1, dd);
        timesIPower(order, dd[0], dd[1], dd);
        const weight = c * (gRe * dd[0] - gIm * dd[1]);
        for (let a = 0; a < dim; a++) sumB[t * dim + a] += weight * omega[k * dim + a];
      }
    }
    gradDensities[e] = content * sumA;
    const rho = densities[e];
    for (let t = 0; t < nodes; t++) {
      const v = elements[e * nodes + t];
      for (let a = 0; a < dim; a++) {
        gradVertices[v * dim + a] +=
          rho * (dContent[t * dim + a] * sumA + content * sumB[t * dim + a]);
      }
    }
  }
  return { vertices: gradVertices, densities: gradDensities };
}
