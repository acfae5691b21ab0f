/**
 * erf, exact GELU and GELU's derivative against mpmath (200 bits, rounded once) on a dense grid,
 * random points, the boundaries of the CPU kernel's erfc table and the far tails
 * (fixtures/generate_erf_gelu.py). The kernels evaluate erfc(t), t >= 1, as a Chebyshev table of
 * erfc(t) exp(t^2) times exp(-t^2), and erf below 1 as a Taylor series (Estrin's scheme).
 */
import { erf, gelu, gradientsOf, memory, sum, tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { expectUlps, loadFixture, TINY, U } from "./elementwise-helpers.js";

interface ErfGeluFixture {
  x: number[];
  erf: number[];
  gelu: number[];
  geluGrad: number[];
}

const fx = loadFixture("erf_gelu.json") as ErfGeluFixture;
const INV_SQRT_2PI = 0.3989422804014327;

/** phi(x), the standard normal density (only scales tolerances). */
const phi = (x: number) => INV_SQRT_2PI * Math.exp(-0.5 * x * x);

/**
 * Upper bound of Phi(x) for x < 0 (only scales tolerances): 1/2, and the Mills-ratio bound
 * phi(x) / |x| in the tail.
 */
const phiUpper = (x: number) => Math.min(0.5, phi(x) / Math.abs(x));

/**
 * Relative error budget of Phi(x) = erfc(t) / 2, t = -x / sqrt 2 > 0, in units of 2^-53: the
 * rounding of t (1u) amplified by erfc's condition number 2t^2 + 1 = x^2 + 1 (with a factor 3 for
 * the product x * SQRT1_2 and exp's own argument rounding), plus erfc's own error: for t < 1,
 * 1 - erf(t) loses a factor 1/erfc(1) = 6.4 on erf's 2 ulps (13u); for t >= 1, the table's
 * truncation (< 2^-60) and Clenshaw rounding (11 terms of decreasing size, a few u) times exp(-t^2)
 * (1u, with x^2 carried exactly) -> 19 in all, as in elementwise-unary.test.ts.
 */
const phiBudget = (x: number) => 19 + 3 * (x * x + 1);

describe("erf against mpmath, dense", () => {
  it("float64 within 2 ulps everywhere, exactly +-1 in the tails", () => {
    const out = erf(tensor(Float64Array.from(fx.x)));
    // 2 ulps: see the erf entry of the tolerance table in elementwise-unary.test.ts.
    expectUlps("erf dense", fx.x, out.dataSync(), fx.erf, { ulps: 2, signedZero: true });
    out.dispose();
  });
});

describe("exact GELU against mpmath, dense", () => {
  it("float64 gelu: 6 ulps, plus erfc's budget times |gelu| for x < 0", () => {
    const out = gelu(tensor(Float64Array.from(fx.x)));
    expectUlps("gelu dense", fx.x, out.dataSync(), fx.gelu, {
      ulps: 6,
      // Plus a few 2^-1074 where the result is subnormal (x < -37.5): each rounding there is absolute.
      abs: (x) =>
        (x < 0 ? phiBudget(x) * U * Math.abs(0.5 * x) * 2 * phiUpper(x) : 0) +
        4 * (1 + Math.abs(x)) * TINY,
    });
    out.dispose();
  });

  it("float64 gelu' = Phi + x phi: absolute error within the budgets of its two terms", () => {
    // gelu' crosses zero near x = -0.75 (Phi and x phi cancel), so the bound is absolute: Phi's
    // relative budget times Phi, plus x phi's (exp of a rounded -x^2 / 2: (x^2 + 4) u).
    const before = memory().numTensors;
    const x = tensor(Float64Array.from(fx.x));
    const { value, grads } = gradientsOf(() => sum(gelu(x)), [x]);
    value.dispose();
    const got = grads[0].dataSync();
    const bad: string[] = [];
    for (let i = 0; i < fx.x.length; i++) {
      const v = fx.x[i];
      const ref = fx.geluGrad[i];
      const p = v < 0 ? phiUpper(v) : 1;
      const tol = (phiBudget(Math.min(v, 0)) * p + (v * v + 4) * Math.abs(v) * phi(v) + 2) * U;
      if (!(Math.abs(got[i] - ref) <= tol)) bad.push(`x=${v}: got ${got[i]}, expected ${ref}`);
    }
    expect(bad.slice(0, 8)).toEqual([]);
    x.dispose();
    grads[0].dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("the derivative's table path and its generic path agree at the switch |x| = sqrt 2", () => {
    // Just inside and outside t = 1 the derivative takes different routes (one shared exp vs
    // erfc + a second exp): both must match mpmath's value to the same budget.
    const xs = [-Math.SQRT2 * (1 - 2 ** -40), -Math.SQRT2 * (1 + 2 ** -40)];
    const x = tensor(Float64Array.from(xs));
    const { value, grads } = gradientsOf(() => sum(gelu(x)), [x]);
    value.dispose();
    const [a, b] = grads[0].dataSync();
    // gelu'' = phi(x) (2 - x^2) = 0 at x = -sqrt 2, so the two values agree to far below 1e-12.
    expect(Math.abs(a - b)).toBeLessThan(1e-13);
    x.dispose();
    grads[0].dispose();
  });
});
