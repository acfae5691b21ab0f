/**
 * Type 3 (nonuniform x_j -> nonuniform frequencies s_k), FINUFFT's algorithm (Barnett et al.
 * 2019, sec. 3.3), per dimension:
 * - centres and half-widths: x_j = C + xt_j with |xt| <= X, s_k = D + st_k with |st| <= S;
 *   exp(i s_k x_j) = exp(i s_k C) exp(i D xt_j) exp(i st_k xt_j), so with the PRE-PHASE
 *   c'_j = c_j exp(isign i D.xt_j) and the POST-PHASE exp(isign i s_k.C) only the centred sum
 *   sum_j c'_j exp(isign i st_k . xt_j) remains;
 * - fine grid n = next235even(max(2 sigma S X / pi + w + 1, 2w)), spacing h = 2 pi / n, scale
 *   gamma = n / (2 sigma S): the rescaled points x' = xt / gamma satisfy |x'| / h <= sigma S X / pi,
 *   so their w-wide footprints fit in the grid without wrapping;
 * - spread c' at x' onto the fine grid (same spreader as type 1, grid origin at x' = -pi);
 * - the centred sum is then psihat(xi_k)^{-1} sum_l b_l exp(isign i xi_k l) with
 *   xi_k = st_k gamma h, |xi_k| <= pi / sigma: a TYPE-2 NUFFT of the grid (n modes, "cmcl",
 *   grid index l + n/2) at the points xi_k, then the deconvolution 1 / prod_d psihat(xi_kd) and
 *   the post-phase.
 * Degenerate extents (X = 0 or S = 0) use FINUFFT's safe values (X S >= 1).
 */

import { next235Even } from "../fine-grid.js";
import type { KernelTransform } from "../kernel/fourier.js";
import type { PiecewisePoly } from "../kernel/piecewise-poly.js";
import { buildGeometry, type SpreadGeometry, torusToGrid } from "../spread/geometry.js";
import { spreadAll } from "../spread/spread.js";
import type { Sign } from "../types.js";

/** The inner type-2 transform (a NufftPlan in plan.ts, passed in to avoid an import cycle). */
export interface InnerType2 {
  /** out (f64, complex, nTargets) = type 2 of the fine grid `modes` (cmcl order). */
  type2Into(modes: Float64Array, out: Float64Array): void;
}

export interface Type3Geometry {
  readonly fine: number[];
  readonly centerX: number[];
  readonly centerS: number[];
  readonly gamma: number[];
}

export function type3Geometry(
  x: readonly Float64Array[],
  s: readonly Float64Array[],
  upsampfac: number,
  width: number,
): Type3Geometry {
  const fine: number[] = [];
  const centerX: number[] = [];
  const centerS: number[] = [];
  const gamma: number[] = [];
  for (let d = 0; d < x.length; d++) {
    const [cx, hx] = centreAndHalfWidth(x[d]);
    const [cs, hs] = centreAndHalfWidth(s[d]);
    let X = hx;
    let S = hs;
    if (X === 0) {
      if (S === 0) {
        X = 1;
        S = 1;
      } else X = Math.max(X, 1 / S);
    } else S = Math.max(S, 1 / X);
    const nfd = (2 * upsampfac * S * X) / Math.PI + width + 1;
    const n = next235Even(Math.max(Math.ceil(nfd), 2 * width));
    fine.push(n);
    centerX.push(cx);
    centerS.push(cs);
    gamma.push(n / (2 * upsampfac * S));
  }
  return { fine, centerX, centerS, gamma };
}

function centreAndHalfWidth(a: Float64Array): [number, number] {
  if (a.length === 0) return [0, 0];
  let lo = a[0];
  let hi = a[0];
  for (let i = 1; i < a.length; i++) {
    if (a[i] < lo) lo = a[i];
    if (a[i] > hi) hi = a[i];
  }
  return [(lo + hi) / 2, (hi - lo) / 2];
}

export class Type3Stage {
  readonly geometry: SpreadGeometry;
  /** Inner type-2 points xi_k per dimension. */
  readonly innerPoints: Float64Array[];
  private readonly prephase: Float64Array;
  private readonly postfactor: Float64Array;
  private readonly grid: Float64Array;
  private readonly primed: Float64Array;
  private readonly innerOut: Float64Array;
  private inner: InnerType2 | undefined;

  constructor(
    readonly geo: Type3Geometry,
    x: readonly Float64Array[],
    s: readonly Float64Array[],
    isign: Sign,
    kernel: PiecewisePoly,
    transform: KernelTransform,
  ) {
    const dim = x.length;
    const m = x[0].length;
    const nt = s[0].length;
    const { fine, centerX, centerS, gamma } = geo;
    // Spread coordinates: x' = (x - C) / gamma in radians of the fine grid, mapped to [0, n).
    const gridCoords = x.map((xd, d) => {
      const xp = new Float64Array(m);
      for (let j = 0; j < m; j++) xp[j] = (xd[j] - centerX[d]) / gamma[d];
      return torusToGrid(xp, fine[d]);
    });
    this.geometry = buildGeometry(gridCoords, fine, kernel);
    this.prephase = new Float64Array(2 * m);
    for (let j = 0; j < m; j++) {
      let phase = 0;
      for (let d = 0; d < dim; d++) phase += centerS[d] * (x[d][j] - centerX[d]);
      this.prephase[2 * j] = Math.cos(isign * phase);
      this.prephase[2 * j + 1] = Math.sin(isign * phase);
    }
    this.innerPoints = s.map((sd, d) => {
      const h = (2 * Math.PI) / fine[d];
      const xi = new Float64Array(nt);
      for (let k = 0; k < nt; k++) xi[k] = (sd[k] - centerS[d]) * gamma[d] * h;
      return xi;
    });
    this.postfactor = new Float64Array(2 * nt);
    for (let k = 0; k < nt; k++) {
      let phase = 0;
      let psihat = 1;
      for (let d = 0; d < dim; d++) {
        phase += s[d][k] * centerX[d];
        psihat *= transform.at(this.innerPoints[d][k]);
      }
      this.postfactor[2 * k] = Math.cos(isign * phase) / psihat;
      this.postfactor[2 * k + 1] = Math.sin(isign * phase) / psihat;
    }
    let cells = 1;
    for (const n of fine) cells *= n;
    this.grid = new Float64Array(2 * cells);
    this.primed = new Float64Array(2 * m);
    this.innerOut = new Float64Array(2 * nt);
  }

  setInner(inner: InnerType2): void {
    this.inner = inner;
  }

  /** out[outOffset + k] = type 3 of strengths[inOffset + j] (complex offsets). */
  run(
    strengths: Float64Array | Float32Array,
    inOffset: number,
    out: Float64Array | Float32Array,
    outOffset: number,
  ): void {
    const m = this.prephase.length / 2;
    const c = this.primed;
    const p = this.prephase;
    for (let j = 0; j < m; j++) {
      const ar = strengths[2 * (inOffset + j)];
      const ai = strengths[2 * (inOffset + j) + 1];
      c[2 * j] = ar * p[2 * j] - ai * p[2 * j + 1];
      c[2 * j + 1] = ar * p[2 * j + 1] + ai * p[2 * j];
    }
    spreadAll(this.geometry, c, 0, this.grid);
    (this.inner as InnerType2).type2Into(this.grid, this.innerOut);
    const f = this.innerOut;
    const q = this.postfactor;
    const o = 2 * outOffset;
    for (let k = 0; k < q.length / 2; k++) {
      const br = f[2 * k];
      const bi = f[2 * k + 1];
      out[o + 2 * k] = br * q[2 * k] - bi * q[2 * k + 1];
      out[o + 2 * k + 1] = br * q[2 * k + 1] + bi * q[2 * k];
    }
  }
}
