/**
 * 2-D Darcy flow -div(a grad u) = f on the unit square, u = 0 on the boundary, batched, float64:
 * 5-point finite differences on the s x s vertex grid (h = 1/(s-1), the FNO data layout) with
 * face coefficients from the two adjacent nodes ("arithmetic" mean as in the FNO data, or
 * "harmonic"), solved by conjugate gradients preconditioned by a geometric multigrid V-cycle
 * ("mgcg", iteration count nearly independent of s) or by plain CG ("cg", ~ s iterations).
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import { FaceOperator } from "./darcy-operator.js";
import { MultigridPreconditioner } from "./multigrid.js";
import type { DarcyOptions, DarcyResult } from "./types.js";
import { checkOptionsObject, choiceArg, intArg, numArg, show } from "./validate.js";

export function darcy2d(options: DarcyOptions): DarcyResult {
  const fn = "darcy2d";
  const o = checkOptionsObject(options, fn);
  const a = o.a;
  if (!(a instanceof Float64Array))
    throw new ValueError(fn, "a", "a Float64Array [batch, s, s]", show(a));
  const batch = intArg(fn, "batch", o.batch, 1, 1);
  if (a.length % batch !== 0)
    throw new ShapeError(fn, "a", `a length divisible by batch=${batch}`, `${a.length}`);
  const inferred = Math.round(Math.sqrt(a.length / batch));
  const s = intArg(fn, "s", o.s, inferred, 3);
  if (a.length !== batch * s * s)
    throw new ShapeError(
      fn,
      "a",
      `[batch=${batch}, s=${s}, s] = ${batch * s * s} values`,
      `${a.length} values`,
    );
  for (let k = 0; k < a.length; k++) {
    const v = a[k] as number;
    if (!(v > 0) || !Number.isFinite(v))
      throw new ValueError(fn, "a", "finite values > 0", `${v} at index ${k}`);
  }
  const tol = numArg(fn, "tol", o.tol, 1e-10, true);
  const maxIt = intArg(fn, "maxIterations", o.maxIterations, 1000, 1);
  const solver = choiceArg(fn, "solver", o.solver, "mgcg", ["mgcg", "cg"]);
  const average = choiceArg(fn, "faceAverage", o.faceAverage, "arithmetic", [
    "arithmetic",
    "harmonic",
  ]);
  const f = o.f === undefined ? 1 : o.f;
  if (typeof f === "number") {
    if (!Number.isFinite(f))
      throw new ValueError(fn, "f", "a finite number or a Float64Array", show(f));
  } else if (!(f instanceof Float64Array) || (f.length !== s * s && f.length !== batch * s * s)) {
    throw new ShapeError(
      fn,
      "f",
      `a number or a Float64Array of ${s * s} or ${batch * s * s} values`,
      show(f),
    );
  }
  const n = s - 2;
  const N = n * n;
  const u = new Float64Array(batch * s * s);
  const iterations = new Int32Array(batch);
  const residual = new Float64Array(batch);
  const b = new Float64Array(N);
  const x = new Float64Array(N);
  const r = new Float64Array(N);
  const z = new Float64Array(N);
  const p = new Float64Array(N);
  const q = new Float64Array(N);
  for (let smp = 0; smp < batch; smp++) {
    const op = FaceOperator.fromNodes(a, smp * s * s, s, average);
    const mg = solver === "mgcg" && n >= 1 ? new MultigridPreconditioner(op) : undefined;
    const fOff = typeof f === "number" ? 0 : f.length === s * s ? 0 : smp * s * s;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++)
        b[i * n + j] = typeof f === "number" ? f : (f[fOff + (i + 1) * s + j + 1] as number);
    let bnorm = 0;
    for (let k = 0; k < N; k++) bnorm += (b[k] as number) ** 2;
    bnorm = Math.sqrt(bnorm);
    x.fill(0);
    let it = 0;
    let rel = 0;
    if (bnorm > 0 && N > 0) {
      r.set(b);
      const precondition = (): void => {
        if (mg) mg.apply(r, z);
        else z.set(r);
      };
      precondition();
      p.set(z);
      let rz = dot(r, z);
      rel = Math.sqrt(dot(r, r)) / bnorm;
      while (rel > tol) {
        if (it >= maxIt)
          throw new ValueError(
            fn,
            "maxIterations",
            `enough iterations to reach tol=${tol}`,
            `${maxIt} (residual ${rel.toExponential(2)}, sample ${smp})`,
          );
        op.apply(p, q);
        const alpha = rz / dot(p, q);
        for (let k = 0; k < N; k++) {
          x[k] = (x[k] as number) + alpha * (p[k] as number);
          r[k] = (r[k] as number) - alpha * (q[k] as number);
        }
        it++;
        rel = Math.sqrt(dot(r, r)) / bnorm;
        if (rel <= tol) break;
        precondition();
        const rzNew = dot(r, z);
        const beta = rzNew / rz;
        rz = rzNew;
        for (let k = 0; k < N; k++) p[k] = (z[k] as number) + beta * (p[k] as number);
      }
      // Report the true residual ||b - A x|| / ||b||, not the recursively updated one.
      op.apply(x, q);
      let tr = 0;
      for (let k = 0; k < N; k++) tr += ((b[k] as number) - (q[k] as number)) ** 2;
      rel = Math.sqrt(tr) / bnorm;
    }
    iterations[smp] = it;
    residual[smp] = rel;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) u[smp * s * s + (i + 1) * s + j + 1] = x[i * n + j] as number;
  }
  return { u, iterations, residual };
}

function dot(x: Float64Array, y: Float64Array): number {
  let acc = 0;
  for (let k = 0; k < x.length; k++) acc += (x[k] as number) * (y[k] as number);
  return acc;
}
