/**
 * The O(n^2 d) pair sums of the discrepancy formulas (formulas.ts), one hand-specialized loop
 * per method: the inner loop runs n^2 d / 2 times, so each method gets its own monomorphic
 * function with the pair term inlined (no closure call per term), and per-point |x - 1/2| is
 * precomputed once.
 *
 * Each returns sum_i sum_j prod_k pair(x_ik, x_jk) over ALL ordered pairs, computed as the
 * diagonal plus twice the strict upper triangle (pair is symmetric). Accumulation: each row's sum
 * and the sum over rows use Neumaier's compensated summation, written inline for speed; the
 * result has a relative error of a few eps independently of n (see compensated-sum.ts).
 */
import type { DiscrepancyMethod } from "./formulas.js";

/** Neumaier step on (sum, compensation) held in a 2-element scratch array. */
function addTo(acc: Float64Array, v: number): void {
  const s = acc[0];
  const t = s + v;
  acc[1] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
  acc[0] = t;
}

function centeredDistances(x: Float64Array): Float64Array {
  const c = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) c[i] = Math.abs(x[i] - 0.5);
  return c;
}

function centered(x: Float64Array, n: number, d: number): number {
  const c = centeredDistances(x);
  const acc = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const a = i * d;
    let pd = 1;
    for (let k = 0; k < d; k++) pd *= 1 + c[a + k];
    addTo(acc, pd);
    let s = 0;
    let comp = 0;
    for (let j = i + 1; j < n; j++) {
      const b = j * d;
      let p = 1;
      for (let k = 0; k < d; k++)
        p *= 1 + 0.5 * (c[a + k] + c[b + k] - Math.abs(x[a + k] - x[b + k]));
      const t = s + p;
      comp += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
      s = t;
    }
    addTo(acc, 2 * (s + comp));
  }
  return acc[0] + acc[1];
}

function wrapAround(x: Float64Array, n: number, d: number): number {
  const acc = new Float64Array(2);
  const diagonal = 1.5 ** d;
  for (let i = 0; i < n; i++) {
    const a = i * d;
    addTo(acc, diagonal);
    let s = 0;
    let comp = 0;
    for (let j = i + 1; j < n; j++) {
      const b = j * d;
      let p = 1;
      for (let k = 0; k < d; k++) {
        const diff = Math.abs(x[a + k] - x[b + k]);
        p *= 1.5 - diff * (1 - diff);
      }
      const t = s + p;
      comp += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
      s = t;
    }
    addTo(acc, 2 * (s + comp));
  }
  return acc[0] + acc[1];
}

function mixture(x: Float64Array, n: number, d: number): number {
  const c = centeredDistances(x);
  const acc = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const a = i * d;
    let pd = 1;
    for (let k = 0; k < d; k++) pd *= 1.875 - 0.5 * c[a + k];
    addTo(acc, pd);
    let s = 0;
    let comp = 0;
    for (let j = i + 1; j < n; j++) {
      const b = j * d;
      let p = 1;
      for (let k = 0; k < d; k++) {
        const diff = Math.abs(x[a + k] - x[b + k]);
        p *= 1.875 - 0.25 * (c[a + k] + c[b + k]) - 0.75 * diff + 0.5 * diff * diff;
      }
      const t = s + p;
      comp += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
      s = t;
    }
    addTo(acc, 2 * (s + comp));
  }
  return acc[0] + acc[1];
}

function l2Star(x: Float64Array, n: number, d: number): number {
  const acc = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const a = i * d;
    let pd = 1;
    for (let k = 0; k < d; k++) pd *= 1 - x[a + k];
    addTo(acc, pd);
    let s = 0;
    let comp = 0;
    for (let j = i + 1; j < n; j++) {
      const b = j * d;
      let p = 1;
      for (let k = 0; k < d; k++) p *= 1 - Math.max(x[a + k], x[b + k]);
      const t = s + p;
      comp += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
      s = t;
    }
    addTo(acc, 2 * (s + comp));
  }
  return acc[0] + acc[1];
}

export function pairSum(method: DiscrepancyMethod, x: Float64Array, n: number, d: number): number {
  if (method === "CD") return centered(x, n, d);
  if (method === "WD") return wrapAround(x, n, d);
  if (method === "MD") return mixture(x, n, d);
  return l2Star(x, n, d);
}
