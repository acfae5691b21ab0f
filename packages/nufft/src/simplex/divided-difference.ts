/**
 * Divided differences of f(s) = exp(-i s) at up to MAX_NODES real nodes, confluent (repeated)
 * nodes included, accurate for EVERY configuration of the nodes.
 *
 * WHY: the Fourier integral of a j-simplex is i^j j! |Omega| f[s_0, ..., s_j] with
 * s_t = omega . x_t (Hermite-Genocchi: f[s_0..s_j] = int over the standard j-simplex of
 * f^(j)(sum lambda_t s_t) d lambda, and f^(j) = (-i)^j exp(-i s)). The textbook form
 * sum_t f(s_t) / prod_{l != t} (s_t - s_l) divides by zero when omega is orthogonal to an edge
 * (s_t = s_l) and loses all digits when s_t ~ s_l. Its derivatives with respect to the nodes are
 * divided differences with a repeated node, which the same routine evaluates.
 *
 * METHOD. Sort the nodes u_0 <= ... <= u_n. Every entry T[a, b] = f[u_a..u_b] of the Newton
 * table is computed by one of:
 *   (T) spread u_b - u_a < SPREAD_LIMIT (= 2): the Taylor series around the midpoint m,
 *       w_t = u_t - m, |w_t| <= r <= 1:
 *         f[u_a..u_b] = exp(-i m) * sum_{n >= k} (-i)^n / n! * h_{n-k}(w_a..w_b),   k = b - a,
 *       h_p the complete homogeneous symmetric polynomial (the divided difference of s^n is
 *       h_{n-k}). h_p(w_0..w_q) is built by h_p(w_0..w_q) = h_p(w_0..w_{q-1}) + w_q h_{p-1}(w_0..w_q).
 *   (R) spread >= SPREAD_LIMIT: the recurrence T[a, b] = (T[a+1, b] - T[a, b-1]) / (u_b - u_a).
 *   Entries of one node are exp(-i u_a) = cos u_a - i sin u_a.
 * Only the entries the top entry needs are computed (memoized; at most 15 for 5 nodes).
 *
 * ACCURACY (u = 2^-53, k = number of nodes - 1 <= 4). Since |f^(k)| = 1 on the real line,
 * |f[any k + 1 real nodes]| <= 1 / k! (mean value form).
 *   (T) |h_p(w)| <= C(p + k, k) r^p, so term p is at most r^p / (k! p!). We stop when
 *       r^p / p! < 2^-56: the neglected tail is below 3e-17 / k!. The value is bounded BELOW:
 *       |f[w]| = |int_simplex exp(-i lambda.w)| >= int cos(lambda.w) >= cos(1) / k! > 0.54 / k!.
 *       Each h_p is a sum of products of at most p + k factors of size <= r, computed with
 *       p + k roundings, so its error is <= 2 (p + k) u C(p + k, k) r^p; summed over p with the
 *       1/n! weights this is <= 2 (k + 1) e u / k! <= 27 u / k!, plus ~2 u for the final
 *       rotation by exp(-i m): relative error <= (27 + 2) u / 0.54 < 60 u.
 *   (R) the division is by u_b - u_a >= 2, so the absolute errors E of the two parents are at
 *       most averaged: E_k <= (E'_{k-1} + E''_{k-1}) / 2 + 2 u / (k - 1)! + u / k!. Leaves have
 *       E_0 <= u (correctly rounded cos/sin of the given double to within 1 ulp), and (T)
 *       entries E_k <= 60 u / k!. Hence every entry has ABSOLUTE error <= ~70 u, against values
 *       of size <= 1 / k!: the integral i^j j! |Omega| f[...] is accurate to <= 70 j! u |Omega|
 *       (<= 1e-13 |Omega| for j <= 3) for every frequency, near-degenerate ones included.
 * Inputs s_t = omega . x_t themselves carry the rounding of the dot product (~ d u |omega||x|);
 * that is the conditioning of the problem, not of this routine (|d f[..] / d s_t| <= 1/(k+1)!).
 */
import { DTypeError, ShapeError, ValueError } from "@modewise/tensor";

/** Largest number of nodes (j + 2 for the gradient of a tetrahedron's transform). */
export const MAX_NODES = 5;
/** Node spread below which a table entry is summed as a Taylor series (see ACCURACY). */
const SPREAD_LIMIT = 2;
/** Stop the Taylor series when r^p / p! falls below this (2^-56). */
const TAIL = 2 ** -56;

const INV_FACTORIAL = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120];
/** 1 / n for the series (n <= p + k < 64: with r <= 1 the loop stops by p = 20). */
const INV_INTEGER = Float64Array.from({ length: 64 }, (_, n) => (n === 0 ? 0 : 1 / n));
const PHASE_RE = new Float64Array([1, 0, -1, 0]);
const PHASE_IM = new Float64Array([0, -1, 0, 1]);

// Scratch state (JavaScript is single-threaded; no call re-enters these).
const sorted = new Float64Array(MAX_NODES);
const tableRe = new Float64Array(MAX_NODES * MAX_NODES);
const tableIm = new Float64Array(MAX_NODES * MAX_NODES);
const stamp = new Int32Array(MAX_NODES * MAX_NODES);
const centered = new Float64Array(MAX_NODES);
const homogeneous = new Float64Array(MAX_NODES);
let generation = 0;

/** Sum of the Taylor series of entry [a, b] into tableRe/tableIm (spread < SPREAD_LIMIT). */
function taylorEntry(a: number, b: number): void {
  const k = b - a;
  const mid = 0.5 * (sorted[a] + sorted[b]);
  let r = 0;
  for (let t = 0; t <= k; t++) {
    const w = sorted[a + t] - mid;
    centered[t] = w;
    homogeneous[t] = 1;
    const aw = Math.abs(w);
    if (aw > r) r = aw;
  }
  // Term n = k: h_0 = 1. (-i)^n = PHASE_RE[n & 3] + i PHASE_IM[n & 3].
  let coefficient = INV_FACTORIAL[k];
  let re = PHASE_RE[k & 3] * coefficient;
  let im = PHASE_IM[k & 3] * coefficient;
  let bound = 1;
  // (The length guard never binds: r < 1 ends the loop by p = 19.)
  for (let p = 1; k + p < INV_INTEGER.length; p++) {
    bound *= r * INV_INTEGER[p];
    if (bound < TAIL) break;
    // h_p(w_0..w_q) = h_p(w_0..w_{q-1}) + w_q * h_{p-1}(w_0..w_q), updated in place over q.
    let h = homogeneous[0] * centered[0];
    homogeneous[0] = h;
    for (let q = 1; q <= k; q++) {
      h += centered[q] * homogeneous[q];
      homogeneous[q] = h;
    }
    coefficient *= INV_INTEGER[k + p];
    const value = coefficient * h;
    const phase = (k + p) & 3;
    re += PHASE_RE[phase] * value;
    im += PHASE_IM[phase] * value;
  }
  // Multiply by exp(-i mid).
  const c = Math.cos(mid);
  const s = Math.sin(mid);
  const at = a * MAX_NODES + b;
  tableRe[at] = c * re + s * im;
  tableIm[at] = c * im - s * re;
}

function computeEntry(a: number, b: number): void {
  const at = a * MAX_NODES + b;
  if (stamp[at] === generation) return;
  if (a === b) {
    tableRe[at] = Math.cos(sorted[a]);
    tableIm[at] = -Math.sin(sorted[a]);
  } else {
    const spread = sorted[b] - sorted[a];
    if (spread < SPREAD_LIMIT) {
      taylorEntry(a, b);
    } else {
      computeEntry(a + 1, b);
      computeEntry(a, b - 1);
      const hi = (a + 1) * MAX_NODES + b;
      const lo = a * MAX_NODES + b - 1;
      tableRe[at] = (tableRe[hi] - tableRe[lo]) / spread;
      tableIm[at] = (tableIm[hi] - tableIm[lo]) / spread;
    }
  }
  stamp[at] = generation;
}

/**
 * f[nodes[0..count-1]] for f(s) = exp(-i s); writes (re, im) to out[offset], out[offset + 1].
 * Nodes may repeat (confluent divided differences). The public helper: checks its arguments
 * (count 0 used to overflow the stack, a count above nodes.length read undefined nodes, a
 * non-finite node gave NaN), then runs the unchecked kernel the transforms call per element.
 */
export function expDividedDifference(
  nodes: ArrayLike<number>,
  count: number,
  out: Float64Array,
  offset = 0,
): void {
  const fn = "expDividedDifference";
  if (!Number.isInteger(count) || count < 1 || count > MAX_NODES)
    throw new ValueError(fn, "count", `an integer in [1, ${MAX_NODES}]`, String(count));
  if (nodes === null || typeof nodes !== "object" || !(nodes.length >= count))
    throw new ShapeError(
      fn,
      "nodes",
      `at least count = ${count} nodes`,
      nodes === null || typeof nodes !== "object" ? String(nodes) : `length ${nodes.length}`,
    );
  for (let t = 0; t < count; t++) {
    const v = nodes[t];
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new ValueError(fn, "nodes", "finite numbers", `${String(v)} at index ${t}`);
  }
  if (!(out instanceof Float64Array))
    throw new DTypeError(fn, "out", "a Float64Array", String(out));
  if (!Number.isInteger(offset) || offset < 0 || offset + 2 > out.length)
    throw new ShapeError(
      fn,
      "offset",
      `an integer with offset + 2 <= out.length = ${out.length}`,
      String(offset),
    );
  expDividedDifferenceUnchecked(nodes, count, out, offset);
}

/**
 * expDividedDifference without argument checks, for the per-element loops of the transforms:
 * count in 1..MAX_NODES, finite nodes (the callers validate meshes and frequencies).
 */
export function expDividedDifferenceUnchecked(
  nodes: ArrayLike<number>,
  count: number,
  out: Float64Array,
  offset = 0,
): void {
  // Insertion sort (count <= 5).
  for (let t = 0; t < count; t++) {
    const v = nodes[t];
    let q = t - 1;
    while (q >= 0 && sorted[q] > v) {
      sorted[q + 1] = sorted[q];
      q--;
    }
    sorted[q + 1] = v;
  }
  generation = (generation + 1) | 0;
  if (generation === 0) {
    stamp.fill(-1);
    generation = 1;
  }
  computeEntry(0, count - 1);
  const top = count - 1;
  out[offset] = tableRe[top];
  out[offset + 1] = tableIm[top];
}
