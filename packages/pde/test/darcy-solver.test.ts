/**
 * 2-D Darcy flow. References: a manufactured solution with a smooth variable coefficient
 * (observed order of the 5-point scheme), scipy.sparse spsolve of the same 5-point systems
 * (fixtures/make_pde_solvers_reference.py), and the true residual of the returned solution.
 */
import { readFileSync } from "node:fs";
import { darcy2d, darcyCoefficient } from "@modewise/pde";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

const ref = JSON.parse(
  readFileSync(new URL("./fixtures/pde_solvers_reference.json", import.meta.url), "utf8"),
) as {
  darcy: Record<string, number[]> & { s: number };
};

// u = sin(pi x) sin(2 pi y) x, a = 1 + 0.5 sin(2 pi x) cos(pi y) + x y; f = -div(a grad u)
const PI = Math.PI;
const exactU = (x: number, y: number): number => x * Math.sin(PI * x) * Math.sin(2 * PI * y);
const coefA = (x: number, y: number): number =>
  1 + 0.5 * Math.sin(2 * PI * x) * Math.cos(PI * y) + x * y;
function rhs(x: number, y: number): number {
  const ux = (Math.sin(PI * x) + PI * x * Math.cos(PI * x)) * Math.sin(2 * PI * y);
  const uy = 2 * PI * x * Math.sin(PI * x) * Math.cos(2 * PI * y);
  const uxx = (2 * PI * Math.cos(PI * x) - PI * PI * x * Math.sin(PI * x)) * Math.sin(2 * PI * y);
  const uyy = -4 * PI * PI * x * Math.sin(PI * x) * Math.sin(2 * PI * y);
  const ax = PI * Math.cos(2 * PI * x) * Math.cos(PI * y) + y;
  const ay = -0.5 * PI * Math.sin(2 * PI * x) * Math.sin(PI * y) + x;
  return -(coefA(x, y) * (uxx + uyy) + ax * ux + ay * uy);
}

function grid(s: number, fn: (x: number, y: number) => number): Float64Array {
  const g = new Float64Array(s * s);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++) g[i * s + j] = fn(i / (s - 1), j / (s - 1));
  return g;
}

describe("darcy2d", () => {
  it("converges at second order on a manufactured solution (order 2 +- 0.1 over 3 refinements)", () => {
    const errors: number[] = [];
    for (const s of [17, 33, 65, 129]) {
      const r = darcy2d({ a: grid(s, coefA), f: grid(s, rhs), tol: 1e-12 });
      const exact = grid(s, exactU);
      let e = 0;
      for (let k = 0; k < s * s; k++)
        e = Math.max(e, Math.abs((r.u[k] as number) - (exact[k] as number)));
      errors.push(e);
    }
    for (let k = 1; k < errors.length; k++) {
      // h halves each time (h = 1/16 ... 1/128): truncation error O(h^2) for smooth a (both averages)
      const order = Math.log2((errors[k - 1] as number) / (errors[k] as number));
      expect(order).toBeGreaterThan(1.9);
      expect(order).toBeLessThan(2.1);
    }
  });

  it("solves the same 5-point systems as scipy.sparse spsolve (smooth, 12/4 jumps, both averages)", () => {
    const s = ref.darcy.s;
    const cases: [string, string, "arithmetic" | "harmonic"][] = [
      ["a_smooth", "u_smooth_arithmetic", "arithmetic"],
      ["a_jump", "u_jump_arithmetic", "arithmetic"],
      ["a_jump", "u_jump_harmonic", "harmonic"],
    ];
    for (const solver of ["mgcg", "cg"] as const) {
      for (const [a, u, faceAverage] of cases) {
        const r = darcy2d({
          a: Float64Array.from(ref.darcy[a] as number[]),
          tol: 1e-13,
          solver,
          faceAverage,
        });
        const want = ref.darcy[u] as number[];
        let num = 0;
        let den = 0;
        for (let k = 0; k < s * s; k++) {
          num += ((r.u[k] as number) - (want[k] as number)) ** 2;
          den += (want[k] as number) ** 2;
        }
        // residual 1e-13 times the condition number (~ 12/4 * (s/pi)^2 ~ 1e2) bounds the error
        expect(Math.sqrt(num / den)).toBeLessThan(1e-10);
      }
    }
  });

  it("MG-CG needs about the same number of iterations at every size (12/4 coefficients)", () => {
    const its: number[] = [];
    for (const s of [33, 65, 129, 257]) {
      const r = darcy2d({ a: darcyCoefficient({ s, seed: 1 }), tol: 1e-10 });
      expect(r.residual[0]).toBeLessThan(1e-10);
      its.push(r.iterations[0] as number);
    }
    expect(Math.max(...its)).toBeLessThanOrEqual(20);
    expect(Math.max(...its) - Math.min(...its)).toBeLessThanOrEqual(3);
    // plain CG grows like s (condition number ~ s^2): 4x the size -> > 3x the iterations
    const cg = [33, 129].map(
      (s) =>
        darcy2d({ a: darcyCoefficient({ s, seed: 1 }), tol: 1e-10, solver: "cg" })
          .iterations[0] as number,
    );
    expect((cg[1] as number) / (cg[0] as number)).toBeGreaterThan(3);
  });

  it("handles batches, grids that do not coarsen evenly and a per-sample right-hand side", () => {
    const s = 30; // 28 interior points: no vertex coarsening, the coarsest level is the fine one
    const a = darcyCoefficient({ s, batch: 2, seed: 3 });
    const f = new Float64Array(2 * s * s).fill(1);
    f.fill(2, s * s);
    const r = darcy2d({ a, f, batch: 2, tol: 1e-11 });
    const single = darcy2d({ a: a.slice(s * s), tol: 1e-11 });
    // linearity: f = 2 doubles the solution
    for (let k = 0; k < s * s; k++)
      expect(r.u[s * s + k]).toBeCloseTo(2 * (single.u[k] as number), 9);
    expect(r.residual.every((x) => x < 1e-11)).toBe(true);
    for (let k = 0; k < s; k++) expect(r.u[k]).toBe(0); // boundary row stays zero
  });

  it("throws typed errors", () => {
    expect(() => darcy2d({ a: new Float64Array(10) })).toThrow(ShapeError);
    expect(() => darcy2d({ a: new Float64Array(16).fill(-1) })).toThrow(ValueError);
    expect(() => darcy2d({ a: new Float64Array(16).fill(1), solver: "lu" as "cg" })).toThrow(
      /solver/,
    );
    expect(() =>
      darcy2d({ a: new Float64Array(64 * 64).fill(1), solver: "cg", maxIterations: 3 }),
    ).toThrow(/maxIterations/);
  });
});
