/**
 * The exact simplex-mesh transform against independent references: mpmath at 100 digits
 * (fixtures/simplex-reference.json, written by fixtures/make_simplex_reference.py and
 * cross-checked there by a Duffy/Gauss-Legendre rule), closed forms (points, segment, unit
 * square as two triangles, unit cube as six tetrahedra), DC, near-degenerate frequencies and
 * |omega| up to 2e4. Bound: exactBound (simplex-helpers.ts), derived from the divided-difference
 * error analysis plus the rounding of omega . x.
 */
import { expDividedDifference, simplexContents, simplexTransform } from "@modewise/nufft";
import { describe, expect, it } from "vitest";
import {
  cmul,
  exactBound,
  fixtures,
  meshOf,
  U,
  unitCubeMesh,
  unitInterval,
} from "./simplex-helpers.js";

describe("simplexTransform vs mpmath (100 digits)", () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const mesh = meshOf(c);
      const F = simplexTransform(mesh, c.frequencies);
      const nFreq = c.frequencies.length / c.dim;
      expect(F.length).toBe(2 * nFreq);
      let worst = 0;
      for (let k = 0; k < nFreq; k++) {
        const omega = c.frequencies.slice(k * c.dim, (k + 1) * c.dim);
        const err = Math.hypot(F[2 * k] - c.values[2 * k], F[2 * k + 1] - c.values[2 * k + 1]);
        const bound = exactBound(mesh, omega);
        worst = Math.max(worst, err / c.mass);
        expect(err, `omega = ${omega}`).toBeLessThanOrEqual(bound);
      }
      // The DC term is the total mass sum rho_e |Omega_e|.
      expect(worst).toBeLessThan(1e-12);
    });
  }
});

describe("closed forms", () => {
  it("points: rho exp(-i omega . x)", () => {
    const mesh = {
      dim: 2 as const,
      order: 0 as const,
      vertices: [0.3, -1.2, 2.5, 0.7],
      elements: [0, 1],
      densities: [2, -0.5],
    };
    const omegas = [0, 0, 1.7, -0.4, 1e4, 3e3];
    const F = simplexTransform(mesh, omegas);
    for (let k = 0; k < 3; k++) {
      let re = 0;
      let im = 0;
      for (let p = 0; p < 2; p++) {
        const s =
          omegas[2 * k] * mesh.vertices[2 * p] + omegas[2 * k + 1] * mesh.vertices[2 * p + 1];
        re += mesh.densities[p] * Math.cos(s);
        im -= mesh.densities[p] * Math.sin(s);
      }
      // Same operations up to ordering: a few ulps of |rho| (omega . x is identical).
      expect(Math.abs(F[2 * k] - re)).toBeLessThan(8 * U * 2.5);
      expect(Math.abs(F[2 * k + 1] - im)).toBeLessThan(8 * U * 2.5);
    }
  });

  it("segment in 1-D: (exp(-i w a) - exp(-i w b)) / (i w)", () => {
    const a = -0.75;
    const b = 1.25;
    const mesh = { dim: 1 as const, order: 1 as const, vertices: [a, b], elements: [0, 1] };
    for (const w of [0, 1e-12, 1e-6, 0.3, -2.2, 40, 1e4]) {
      // Stable closed form: exp(-i w (a+b)/2) (b - a) sinc(w (b - a) / 2).
      const h = (w * (b - a)) / 2;
      const sinc = h === 0 ? 1 : Math.sin(h) / h;
      const m = (w * (a + b)) / 2;
      const expected = [(b - a) * sinc * Math.cos(m), -(b - a) * sinc * Math.sin(m)];
      const F = simplexTransform(mesh, [w]);
      // Reference rounding is a few u (relative to b - a) plus the rounding of w x.
      const tol = exactBound(mesh, [w]) + 8 * U * (b - a) * (1 + Math.abs(w));
      expect(Math.hypot(F[0] - expected[0], F[1] - expected[1]), `w = ${w}`).toBeLessThan(tol);
    }
  });

  it("unit square as two triangles: product of two 1-D integrals", () => {
    const mesh = {
      dim: 2 as const,
      order: 2 as const,
      vertices: [0, 0, 1, 0, 1, 1, 0, 1],
      elements: [0, 1, 2, 0, 2, 3],
    };
    const omegas = [0, 0, 1e-9, 3, 0, 5, 2.5, -1.75, 1e-13, 1e-13, 40, -13, 1e4, 2e3, -7e3, 0];
    const F = simplexTransform(mesh, omegas);
    for (let k = 0; k < omegas.length / 2; k++) {
      const expected = cmul(unitInterval(omegas[2 * k]), unitInterval(omegas[2 * k + 1]));
      const omega = omegas.slice(2 * k, 2 * k + 2);
      // The reference is accurate to ~6 u; the bound of the exact path dominates.
      const tol = exactBound(mesh, omega) + 8 * U;
      const err = Math.hypot(F[2 * k] - expected[0], F[2 * k + 1] - expected[1]);
      expect(err, `omega = ${omega}`).toBeLessThan(tol);
    }
  });

  it("unit cube as six tetrahedra: product of three 1-D integrals", () => {
    const mesh = unitCubeMesh();
    expect(Array.from(simplexContents(mesh)).reduce((a, b) => a + b)).toBeCloseTo(1, 15);
    const omegas = [
      0, 0, 0, 1, 1, 1, 0, 0, 6, 2.5, -1.5, 0.5, 1e-9, 2, -3, 30, -20, 10, 1e4, 0, 2e3,
    ];
    const F = simplexTransform(mesh, omegas);
    for (let k = 0; k < omegas.length / 3; k++) {
      const expected = cmul(
        cmul(unitInterval(omegas[3 * k]), unitInterval(omegas[3 * k + 1])),
        unitInterval(omegas[3 * k + 2]),
      );
      const omega = omegas.slice(3 * k, 3 * k + 3);
      const tol = exactBound(mesh, omega) + 12 * U;
      const err = Math.hypot(F[2 * k] - expected[0], F[2 * k + 1] - expected[1]);
      expect(err, `omega = ${omega}`).toBeLessThan(tol);
    }
  });
});

describe("conventions and invariances", () => {
  const tri = {
    dim: 2 as const,
    order: 2 as const,
    vertices: [0, 0, 1, 0.5, 0.25, 1],
    elements: [0, 1, 2],
  };

  it("DC term is rho |Omega| with zero imaginary part, for every order", () => {
    const cases = [
      { dim: 3 as const, order: 0 as const, vertices: [1, 2, 3], elements: [0], densities: [1.5] },
      {
        dim: 3 as const,
        order: 1 as const,
        vertices: [0, 0, 0, 1, 2, 2],
        elements: [0, 1],
        densities: [2],
      },
      { ...tri, densities: [-3] },
      {
        dim: 3 as const,
        order: 3 as const,
        vertices: [0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4],
        elements: [0, 1, 2, 3],
        densities: [0.5],
      },
    ];
    const expectedMass = [1.5, 6, -3 * 0.4375, 0.5 * 4];
    cases.forEach((mesh, i) => {
      const F = simplexTransform(mesh, new Array(mesh.dim).fill(0));
      expect(Math.abs(F[0] - expectedMass[i])).toBeLessThanOrEqual(
        4 * U * Math.abs(expectedMass[i]),
      );
      expect(F[1]).toBe(0);
    });
  });

  it("sign +1 is the complex conjugate", () => {
    const omegas = [1.5, -2, 0, 3, 1e3, 7];
    const minus = simplexTransform(tri, omegas);
    const plus = simplexTransform(tri, omegas, { sign: 1 });
    for (let i = 0; i < minus.length; i += 2) {
      expect(plus[i]).toBe(minus[i]);
      expect(plus[i + 1]).toBe(-minus[i + 1]);
    }
  });

  it("translation by a multiplies by exp(-i omega . a)", () => {
    const shift = [0.375, -1.25];
    const moved = { ...tri, vertices: tri.vertices.map((v, i) => v + shift[i % 2]) };
    const omegas = [1.5, -2, 0, 3, 17, 7];
    const F0 = simplexTransform(tri, omegas);
    const F1 = simplexTransform(moved, omegas);
    for (let k = 0; k < 3; k++) {
      const s = omegas[2 * k] * shift[0] + omegas[2 * k + 1] * shift[1];
      const expected = cmul([F0[2 * k], F0[2 * k + 1]], [Math.cos(s), -Math.sin(s)]);
      const tol = 2 * exactBound(moved, omegas.slice(2 * k, 2 * k + 2)) + 8 * U;
      expect(Math.hypot(F1[2 * k] - expected[0], F1[2 * k + 1] - expected[1])).toBeLessThan(tol);
    }
  });

  it("continuous across an edge-orthogonal frequency: no blow-up at any distance", () => {
    // Edge x1 - x0 = (1, 0.5); omega0 = 3 (-0.5, 1) is exactly orthogonal to it.
    const omega0 = [-1.5, 3];
    const F0 = simplexTransform(tri, omega0);
    const mass = 0.4375;
    // |dF/domega| <= sum |rho| |Omega| max|x| <= mass * 1.1 (max |x| = 1.03 here).
    for (let p = 16; p >= 1; p--) {
      const delta = 10 ** -p;
      const F = simplexTransform(tri, [omega0[0] + delta, omega0[1]]);
      const change = Math.hypot(F[0] - F0[0], F[1] - F0[1]);
      expect(change, `delta = ${delta}`).toBeLessThanOrEqual(
        mass * 1.1 * delta + 2 * exactBound(tri, omega0),
      );
    }
  });
});

describe("expDividedDifference", () => {
  const out = new Float64Array(2);
  it("all nodes equal: (-i)^k exp(-i s) / k!", () => {
    const factorial = [1, 1, 2, 6, 24];
    for (const s of [0, 0.7, -3, 1e4]) {
      for (let k = 0; k < 5; k++) {
        expDividedDifference(new Array(k + 1).fill(s), k + 1, out);
        // (-i)^k (cos s - i sin s)
        const base: [number, number] = [Math.cos(s), -Math.sin(s)];
        let z: [number, number] = base;
        for (let q = 0; q < k; q++) z = cmul(z, [0, -1]);
        expect(Math.abs(out[0] - z[0] / factorial[k])).toBeLessThan(70 * U);
        expect(Math.abs(out[1] - z[1] / factorial[k])).toBeLessThan(70 * U);
      }
    }
  });

  it("is symmetric in its nodes and equals the Newton form for well-separated nodes", () => {
    const nodes = [3.1, -4.7, 12.5, 0.2];
    expDividedDifference(nodes, 4, out);
    const ref = [out[0], out[1]];
    expDividedDifference([12.5, 0.2, 3.1, -4.7], 4, out);
    expect(out[0]).toBe(ref[0]);
    expect(out[1]).toBe(ref[1]);
    // Explicit form sum_t exp(-i s_t) / prod (s_t - s_l): the gaps are >= 2.9, so it is
    // accurate to ~10 u / min gap^3.
    let re = 0;
    let im = 0;
    for (let t = 0; t < 4; t++) {
      let denominator = 1;
      for (let l = 0; l < 4; l++) if (l !== t) denominator *= nodes[t] - nodes[l];
      re += Math.cos(nodes[t]) / denominator;
      im -= Math.sin(nodes[t]) / denominator;
    }
    expect(Math.abs(ref[0] - re)).toBeLessThan(70 * U);
    expect(Math.abs(ref[1] - im)).toBeLessThan(70 * U);
  });
});
