/**
 * Periodizing variable transforms for lattice cubature. A lattice rule integrates smooth
 * PERIODIC integrands fast; a non-periodic f is made periodic by x = psi(t), with
 * int f(x) dx = int f(psi(t)) prod_j psi'(t_j) dt:
 *   "baker": psi(t) = 1 - |2t - 1| (tent; psi' = +-2 but |psi'| averages out, Jacobian 1)
 *   "c1sin": psi(t) = t - sin(2 pi t)/(2 pi), psi'(t) = 1 - cos(2 pi t) (C^1-periodic)
 *   "none":  psi(t) = t.
 * QMCPy's CubQMCLatticeG defaults to Baker's transform; so do we.
 */
import { ValueError } from "@modewise/tensor";
import { showValue } from "../discrepancy/show-value.js";
import type { Integrand } from "./integrand.js";

export type Periodization = "baker" | "c1sin" | "none";

/** f composed with the transform, vectorized like f. */
export function periodize(fn: string, f: Integrand, kind: Periodization): Integrand {
  if (kind === "none") return f;
  if (kind === "baker")
    return (t, n, d) => {
      const x = new Float64Array(t.length);
      for (let i = 0; i < t.length; i++) x[i] = 1 - Math.abs(2 * t[i] - 1);
      return f(x, n, d);
    };
  if (kind === "c1sin")
    return (t, n, d) => {
      const x = new Float64Array(t.length);
      const weight = new Float64Array(n).fill(1);
      for (let i = 0; i < n; i++)
        for (let k = 0; k < d; k++) {
          const v = t[i * d + k];
          x[i * d + k] = v - Math.sin(2 * Math.PI * v) / (2 * Math.PI);
          weight[i] *= 1 - Math.cos(2 * Math.PI * v);
        }
      const y = f(x, n, d);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = y[i] * weight[i];
      return out;
    };
  throw new ValueError(fn, "periodization", "one of 'baker', 'c1sin', 'none'", showValue(kind));
}
