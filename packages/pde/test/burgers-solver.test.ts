/**
 * 1-D viscous Burgers. References: the Cole-Hopf closed form on period 2, the Taylor series of
 * the ETDRK4 phi functions, and the observed order of convergence against a small-step run.
 */
import { Burgers1d, etdrk4Coefficients, gaussianRandomField1d } from "@modewise/pde";
import { ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

/** Cole-Hopf: u = 2 nu pi e^{-nu pi^2 t} sin(pi x) / (2 + e^{-nu pi^2 t} cos(pi x)) on [0, 2). */
function coleHopf(s: number, nu: number, t: number): Float64Array {
  const u = new Float64Array(s);
  const e = Math.exp(-nu * Math.PI ** 2 * t);
  for (let i = 0; i < s; i++) {
    const x = (2 * i) / s;
    u[i] = (2 * nu * Math.PI * e * Math.sin(Math.PI * x)) / (2 + e * Math.cos(Math.PI * x));
  }
  return u;
}

describe("Burgers1d", () => {
  for (const scheme of ["ifrk4", "etdrk4"] as const) {
    for (const nu of [0.1, 0.01]) {
      it(`${scheme} matches Cole-Hopf to < 1e-10 at T = 1 (s = 256, nu = ${nu})`, () => {
        const s = 256;
        const solver = new Burgers1d({ s, nu, scheme, length: 2, dt: 1e-3 });
        const r = solver.run(coleHopf(s, nu, 0), { T: 1, recordEvery: 0.5, recordInitial: true });
        expect(Array.from(r.times)).toEqual([0, 0.5, 1]);
        const exact = coleHopf(s, nu, 1);
        let err = 0;
        for (let i = 0; i < s; i++)
          err = Math.max(err, Math.abs((r.u[i * 3 + 2] as number) - (exact[i] as number)));
        // 4th-order time error ~ (dt)^4 * |u''''| ~ 1e-12 * O(1e-2), spatial error ~ 0.27^85: both
        // far below the 1e-10 bound.
        expect(err).toBeLessThan(1e-10);
      });
    }
  }

  const orders = (s: number, nu: number, dts: [number, number]): Record<string, number> => {
    const u0 = gaussianRandomField1d({ s, seed: 1, batch: 2 });
    const out: Record<string, number> = {};
    for (const scheme of ["ifrk4", "etdrk4"] as const) {
      const run = (dt: number) =>
        new Burgers1d({ s, nu, batch: 2, scheme, dt }).run(u0, { T: 0.2 }).u;
      const ref = run(1e-4);
      const err = (a: Float64Array): number => {
        let m = 0;
        for (let i = 0; i < a.length; i++)
          m = Math.max(m, Math.abs((a[i] as number) - (ref[i] as number)));
        return m;
      };
      out[scheme] = Math.log2(err(run(dts[0])) / err(run(dts[1])));
    }
    return out;
  };

  it("both integrators converge at order 4 when the step resolves the viscous scale", () => {
    // nu k_max^2 dt <= 0.002 (2 pi 21)^2 0.005 = 0.17: the non-stiff regime, classical order 4
    for (const order of Object.values(orders(64, 0.002, [0.005, 0.0025]))) {
      expect(order).toBeGreaterThan(3.7);
      expect(order).toBeLessThan(4.3);
    }
  });

  it("keep order >= 2.5 in the stiff regime (nu k_max^2 dt ~ 14, known order reduction)", () => {
    // Lawson and Cox-Matthews RK4 lose up to ~1-2 orders when nu k^2 dt >> 1 (Hochbruck and
    // Ostermann 2005); measured here ~2.8 for both, with errors ~1e-9 at dt = 2e-3.
    for (const order of Object.values(orders(128, 0.05, [0.004, 0.002]))) {
      expect(order).toBeGreaterThan(2.5);
      expect(order).toBeLessThan(4.5);
    }
  });

  it("the ETDRK4 coefficients are accurate for small and large arguments (contour integral)", () => {
    const h = 0.5;
    const zs = [-1e-8, -1e-4, -1e-2, -0.5, -5, -60];
    const c = Float64Array.from(zs, (z) => z / h);
    const co = etdrk4Coefficients(c, h);
    zs.forEach((z, k) => {
      // Taylor series (|z| <= 0.5) or closed forms (|z| >= 5, no cancellation there)
      let q: number;
      let f1: number;
      let f2: number;
      let f3: number;
      if (Math.abs(z) <= 0.5) {
        const series = (coef: (n: number) => number): number => {
          let acc = 0;
          for (let n = 0; n < 30; n++) acc += coef(n) * z ** n;
          return acc;
        };
        const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
        q = series((n) => 1 / (fact(n + 1) * 2 ** (n + 1)));
        // phi_n(z) = sum z^m / (m + n)!; f1 = phi1 - 3 phi2 + 4 phi3, f2 = phi2 - 2 phi3, f3 = -phi2 + 4 phi3
        const phi = (p: number): number => series((m) => 1 / fact(m + p));
        f1 = phi(1) - 3 * phi(2) + 4 * phi(3);
        f2 = phi(2) - 2 * phi(3);
        f3 = -phi(2) + 4 * phi(3);
      } else {
        const e = Math.exp(z);
        q = (Math.exp(z / 2) - 1) / z;
        f1 = (-4 - z + e * (4 - 3 * z + z * z)) / z ** 3;
        f2 = (2 + z + e * (z - 2)) / z ** 3;
        f3 = (-4 - 3 * z - z * z + e * (4 - z)) / z ** 3;
      }
      // the contour mean is exact for analytic integrands up to the trapezoidal error
      // (r^32 with r = 1 / the radius ratio) and round-off of terms of size ~e / |z|^3 ~ 1e1
      expect(Math.abs((co.Q[k] as number) / h - q)).toBeLessThan(1e-14);
      expect(Math.abs((co.f1[k] as number) / h - f1)).toBeLessThan(1e-13);
      expect(Math.abs((co.f2[k] as number) / h - f2)).toBeLessThan(1e-13);
      expect(Math.abs((co.f3[k] as number) / h - f3)).toBeLessThan(1e-13);
      expect(co.E[k]).toBeCloseTo(Math.exp(z), 15);
    });
  });

  it("keeps the [batch, s, nt] layout and rejects bad input", () => {
    const s = 32;
    const u0 = gaussianRandomField1d({ s, batch: 3, seed: 2 });
    const r = new Burgers1d({ s, nu: 0.1, batch: 3 }).run(u0, {
      T: 0.1,
      recordEvery: 0.05,
      recordInitial: true,
    });
    expect(r.u.length).toBe(3 * s * 3);
    // the recorded initial state went through one FFT round trip: ~1e-16 relative
    for (let x = 0; x < 3 * s; x++)
      expect(Math.abs((r.u[x * 3] as number) - (u0[x] as number))).toBeLessThan(1e-14);
    expect(() => new Burgers1d({ s: 31, nu: 0.1 })).toThrow(ValueError);
    expect(() => new Burgers1d({ s: 32, nu: -1 })).toThrow(/nu/);
    expect(() => new Burgers1d({ s: 32, nu: 0.1 }).run(new Float64Array(5), { T: 1 })).toThrow(/u/);
  });
});
