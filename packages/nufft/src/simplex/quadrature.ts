/**
 * Quadrature on a j-simplex with positive weights and a chosen polynomial degree, and the
 * degree needed for a tolerance on the integral of exp(-i omega . x).
 *
 * RULE. Collapsed (Duffy) coordinates u in [0,1]^j map onto barycentric coordinates
 *   lambda_1 = u_1, lambda_2 = u_2 (1 - u_1), lambda_3 = u_3 (1 - u_1)(1 - u_2),
 * with Jacobian prod_a (1 - u_a)^(j-1-a) (a = 0-based direction, times j! |Omega| for the
 * element). A polynomial of total degree p in x has degree <= p + (j-1-a) in u_a after
 * multiplication by the Jacobian, so a q_a-point Gauss-Legendre rule with 2 q_a - 1 >= p + j-1-a,
 * q_a = ceil((p + j - a) / 2), integrates it exactly: the tensor rule has degree p, q_0 ... q_{j-1}
 * points, and positive weights that sum to 1 (we return weights of the MEAN over the simplex).
 * Degree <= 1 uses the centroid (one point, weight 1, exact for degree 1).
 *
 * ERROR BOUND. Expand g(x) = exp(-i omega . x) about the centroid c:
 * g = exp(-i omega . c) (T_p + R_p) with T_p the Taylor polynomial of degree p in omega.(x - c)
 * and |R_p| <= (|omega| r)^(p+1) / (p+1)! where r = max_t |x_t - c| (the remainder of exp(i theta)
 * for real theta, |theta| <= |omega| r on the simplex). The rule integrates T_p exactly and has
 * positive weights summing to |Omega|, so
 *   |Q(g) - int g| <= int |R_p| + Q(|R_p|) <= 2 |Omega| (|omega| r)^(p+1) / (p+1)!.
 */

/** Gauss-Legendre nodes and weights on [0, 1], cached by size. */
const gaussCache = new Map<number, { nodes: Float64Array; weights: Float64Array }>();

/** P_q(x) by the three-term recurrence, and P_q'(x) from (x^2 - 1) P_q' = q (x P_q - P_{q-1}). */
function legendre(q: number, x: number): { value: number; derivative: number } {
  let p0 = 1;
  let p1 = x;
  for (let n = 2; n <= q; n++) {
    const p2 = ((2 * n - 1) * x * p1 - (n - 1) * p0) / n;
    p0 = p1;
    p1 = p2;
  }
  return { value: p1, derivative: (q * (x * p1 - p0)) / (x * x - 1) };
}

export function gaussLegendre01(q: number): { nodes: Float64Array; weights: Float64Array } {
  const cached = gaussCache.get(q);
  if (cached) return cached;
  const nodes = new Float64Array(q);
  const weights = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    // Newton on P_q from the Tricomi-type initial guess; converges in a few steps.
    let x = Math.cos((Math.PI * (i + 0.75)) / (q + 0.5));
    for (let iter = 0; iter < 100; iter++) {
      const { value, derivative } = legendre(q, x);
      const step = value / derivative;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    // Recompute the derivative at the converged node for the weight.
    const { derivative } = legendre(q, x);
    nodes[i] = 0.5 * (1 - x);
    weights[i] = 1 / ((1 - x * x) * derivative * derivative);
  }
  const rule = { nodes, weights };
  gaussCache.set(q, rule);
  return rule;
}

/** A rule on the standard j-simplex: barycentric lambda_1..lambda_j per point, mean weights. */
export interface SimplexRule {
  readonly order: number;
  readonly degree: number;
  readonly count: number;
  /** count x order barycentric coordinates (lambda_0 = 1 - sum). */
  readonly lambda: Float64Array;
  /** count weights, positive, summing to 1. */
  readonly weights: Float64Array;
}

const ruleCache = new Map<string, SimplexRule>();

/** Number of points of the degree-p rule on a j-simplex (without building it). */
export function ruleSize(order: number, degree: number): number {
  if (order === 0 || degree <= 1) return 1;
  let count = 1;
  for (let a = 0; a < order; a++) count *= Math.ceil((degree + order - a) / 2);
  return count;
}

/** The collapsed Gauss-Legendre rule of degree p on the j-simplex (see the header). */
export function simplexRule(order: number, degree: number): SimplexRule {
  const key = `${order}:${degree}`;
  const cached = ruleCache.get(key);
  if (cached) return cached;
  let rule: SimplexRule;
  if (order === 0 || degree <= 1) {
    rule = {
      order,
      degree: order === 0 ? Number.POSITIVE_INFINITY : 1,
      count: 1,
      lambda: new Float64Array(order).fill(1 / (order + 1)),
      weights: new Float64Array([1]),
    };
  } else {
    const lines = [];
    for (let a = 0; a < order; a++)
      lines.push(gaussLegendre01(Math.ceil((degree + order - a) / 2)));
    const count = lines.reduce((n, l) => n * l.nodes.length, 1);
    const lambda = new Float64Array(count * order);
    const weights = new Float64Array(count);
    const index = new Array(order).fill(0);
    const factorial = [1, 1, 2, 6][order];
    for (let point = 0; point < count; point++) {
      let rest = 1;
      let weight = factorial;
      for (let a = 0; a < order; a++) {
        const u = lines[a].nodes[index[a]];
        lambda[point * order + a] = u * rest;
        weight *= lines[a].weights[index[a]] * (1 - u) ** (order - 1 - a);
        rest *= 1 - u;
      }
      weights[point] = weight;
      // Odometer over the tensor grid, last direction fastest.
      for (let a = order - 1; a >= 0; a--) {
        index[a]++;
        if (index[a] < lines[a].nodes.length) break;
        index[a] = 0;
      }
    }
    rule = { order, degree, count, lambda, weights };
  }
  ruleCache.set(key, rule);
  return rule;
}

/** 2 x^(p+1) / (p+1)!: the relative error bound of a degree-p rule, x = |omega|_max r. */
export function quadratureBoundFactor(x: number, degree: number): number {
  if (x === 0) return 0;
  let logTerm = Math.LN2;
  for (let n = 1; n <= degree + 1; n++) logTerm += Math.log(x / n);
  return Math.exp(logTerm);
}

/**
 * Smallest degree p >= 1 with 2 x^(p+1) / (p+1)! <= tol (x >= 0, 0 < tol), or -1 when it
 * exceeds maxDegree. Summed in logarithms: the factor first grows like e^x (while x > p + 1)
 * and would overflow for large x before it decays.
 */
export function degreeFor(x: number, tol: number, maxDegree: number): number {
  if (x === 0) return 1;
  const logTol = Math.log(tol);
  let logTerm = Math.LN2 + Math.log(x) + Math.log(x / 2); // p = 1: 2 x^2 / 2!
  for (let degree = 1; degree <= maxDegree; degree++) {
    if (logTerm <= logTol) return degree;
    logTerm += Math.log(x / (degree + 2));
  }
  return -1;
}

/**
 * Write the points of `rule` mapped onto the element with vertex rows x (row-major, dim
 * columns) into positions[(start + p) * dim + a], and mass * weight_p into weights[start + p].
 */
export function placeRule(
  x: Float64Array,
  dim: number,
  rule: SimplexRule,
  mass: number,
  positions: Float64Array,
  weights: Float64Array,
  start: number,
): void {
  const { order } = rule;
  for (let p = 0; p < rule.count; p++) {
    for (let a = 0; a < dim; a++) {
      let position = x[a];
      for (let t = 1; t <= order; t++) {
        position += rule.lambda[p * order + t - 1] * (x[t * dim + a] - x[a]);
      }
      positions[(start + p) * dim + a] = position;
    }
    weights[start + p] = mass * rule.weights[p];
  }
}
