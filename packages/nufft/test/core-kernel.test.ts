/**
 * The kernel stage against independent references:
 * - psihat by our Gauss-Legendre rule vs mpmath's tanh-sinh quadrature at 30 digits
 *   (fixtures/core_kernel_ft.py). Our rule sums n = 3w/2 + 12 <= 36 terms whose absolute
 *   values add up to psihat(0) (positive weights, |cos| <= 1), so its round-off is at most
 *   n u psihat(0) = 36 * 1.1e-16 psihat(0) = 4e-15 psihat(0); bar 1e-14 psihat(0), absolute,
 *   because at xi = pi psihat is ~200x smaller than psihat(0) and the sum cancels.
 * - the piecewise polynomial (seen through spread-only of ONE unit point: grid[l] = psi(l - G))
 *   vs phi evaluated directly: max error <= eps / 10, the fit's own acceptance bar.
 */
import { readFileSync } from "node:fs";
import { esKernel, esKernelTransform, kernelParams, makePlan } from "@modewise/nufft";
import { describe, expect, it } from "vitest";
import { KernelTransform } from "../dist/kernel/fourier.js";
import { rng } from "./core-helpers.js";

interface Row {
  width: number;
  beta: number;
  xi: number;
  value: number;
}
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/core-kernel-ft.json", import.meta.url), "utf8"),
) as {
  rows: Row[];
};

describe("kernel Fourier transform", () => {
  it(`matches mpmath on ${fixture.rows.length} (w, beta, xi)`, () => {
    for (const r of fixture.rows) {
      const got = esKernelTransform(r.width, r.beta, r.xi);
      const peak = fixture.rows.find(
        (q) => q.width === r.width && q.beta === r.beta && q.xi === 0,
      ) as Row;
      expect(Math.abs(got - r.value) / peak.value, JSON.stringify(r)).toBeLessThan(1e-14);
    }
  });
});

describe("kernel Fourier transform tables (phase winding)", () => {
  // table(dxi, count) winds each node's phase by complex multiplication, restarting every 16
  // steps: <= 16 more roundings of size u psihat(0) per node-weighted term than `at` (itself
  // checked against mpmath above), so |table - at| <= ~(16 + 36) u psihat(0) < 1e-14 psihat(0).
  for (const eps of [1e-3, 1e-6, 1e-9, 1e-12]) {
    it(`equals at() to 1e-14 psihat(0) over the deconvolution range, eps ${eps}`, () => {
      const { width, beta } = kernelParams(eps, 2);
      const kt = new KernelTransform(width, beta);
      const nf = 2 ** 17;
      const count = nf / 4 + 1; // modes |k| <= N/2 = nf/4 at sigma = 2
      const table = kt.table((2 * Math.PI) / nf, count);
      const peak = kt.at(0);
      let worst = 0;
      for (let k = 0; k < count; k += 7) {
        worst = Math.max(worst, Math.abs(table[k] - kt.at((2 * Math.PI * k) / nf)) / peak);
      }
      expect(worst).toBeLessThan(1e-14);
    });
  }
});

describe("kernel parameters", () => {
  it("sigma = 2 uses beta = 2.30 w; sigma = 1.25 uses 0.97 pi (1 - 1/2.5) w", () => {
    expect(kernelParams(1e-6, 2)).toMatchObject({ width: 7, beta: 2.3 * 7 });
    const p = kernelParams(1e-6, 1.25);
    expect(p.beta).toBeCloseTo(0.97 * Math.PI * 0.6 * p.width, 12);
  });
});

describe("piecewise-polynomial kernel", () => {
  for (const [eps, upsampfac] of [
    [1e-2, 2],
    [1e-6, 2],
    [1e-12, 2],
    [1e-4, 1.25],
    [1e-9, 1.25],
  ] as const) {
    it(`eps ${eps}, sigma ${upsampfac}: within eps / 10 of phi`, () => {
      const rand = rng(Math.round(-Math.log10(eps)));
      const n = 64;
      const plan = makePlan(1, [n], { eps, upsampfac });
      const { width, beta } = plan.info;
      let maxErr = 0;
      for (let trial = 0; trial < 20; trial++) {
        const x = -Math.PI + 2 * Math.PI * rand();
        plan.setPoints([x]);
        const grid = plan.spread(new Float64Array([1, 0]));
        const g = ((x + Math.PI) * n) / (2 * Math.PI);
        for (let l = 0; l < n; l++) {
          let t = l - g;
          t -= n * Math.round(t / n);
          const want = esKernel((2 * t) / width, beta);
          maxErr = Math.max(maxErr, Math.abs(grid[2 * l] - want), Math.abs(grid[2 * l + 1]));
        }
      }
      expect(maxErr).toBeLessThanOrEqual(Math.max(eps / 10, 1e-15));
      expect(maxErr).toBeGreaterThan(0); // a fit, not the direct kernel: the test can see its error
    });
  }
});
