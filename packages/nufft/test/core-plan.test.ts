/**
 * Plan behaviour: adjointness, reuse with new points, batched = one-by-one, periodic folding,
 * mode orders, spread/interp-only against a direct kernel sum, the subproblem spreader, the
 * simple interface and the inverse type 1.
 *
 * Tolerances: identities that hold EXACTLY for the computed operators (adjoint pairs, batching,
 * reuse, subproblems) get bars of a few hundred ulps of the data's scale: the two sides sum the
 * same products in a different order, whose difference is bounded by ~(number of terms) * 2^-53
 * relative to sum |terms|; identities that hold only for the exact transforms get the
 * accuracy contract (4 eps).
 */
import {
  addSubgrid,
  interpRange,
  inverseNufft,
  makePlan,
  nufft1d1,
  nufft1d2,
  nufft2d1,
  nufft2d3,
  nufft3d1,
  nufft3d2,
  spreadSubproblem,
  subproblemBounds,
} from "@modewise/nufft";
import { describe, expect, it } from "vitest";
import {
  complexData,
  direct1,
  direct2,
  direct3,
  innerProduct,
  modeList,
  relL2,
  rng,
  uniform,
} from "./core-helpers.js";

const TAU = 2 * Math.PI;

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

describe("adjoint", () => {
  // <A a, b> = <a, A^H b> holds exactly for our operators only up to the asymmetry of the
  // computed kernels (the spread and interp of one plan use the same polynomial values, the FFT
  // with +-isign are exact adjoints up to round-off), so the bar is round-off: 1e-12 relative
  // to ||A a|| ||b|| (M, N <= 500 terms of size 1).
  for (const [type, dims] of [
    [1, [40]],
    [2, [12, 10]],
    [1, [6, 7, 5]],
    [2, [7, 6, 6]],
  ] as const) {
    it(`type ${type} ${dims.length}-D plan`, () => {
      const rand = rng(11 + dims.length);
      const m = 90;
      const pts = dims.map(() => uniform(m, -Math.PI, Math.PI, rand));
      const plan = makePlan(type, [...dims], { eps: 1e-10 });
      plan.setPoints(pts[0], pts[1], pts[2]);
      const a = complexData(plan.inputSize, rand);
      const b = complexData(plan.outputSize, rand);
      const Aa = plan.execute(a);
      const AHb = plan.adjoint(b);
      const [l1, l2] = innerProduct(Aa, b);
      const [r1, r2] = innerProduct(a, AHb);
      const scale = norm(Aa) * norm(b);
      expect(Math.abs(l1 - r1)).toBeLessThan(1e-12 * scale);
      expect(Math.abs(l2 - r2)).toBeLessThan(1e-12 * scale);
    });
  }
  it("type 3 (adjoint = type 3 from the frequencies back, opposite sign): matches the direct adjoint", () => {
    const rand = rng(5);
    const x = uniform(60, -4, 4, rand);
    const y = uniform(60, 0, 3, rand);
    const s = uniform(45, -9, 9, rand);
    const t = uniform(45, -2, 6, rand);
    const plan = makePlan(3, 2, { eps: 1e-9, isign: 1 });
    plan.setPoints(x, y, undefined, s, t);
    const d = complexData(45, rand);
    const got = plan.adjoint(d);
    expect(relL2(got, direct3([s, t], d, -1, [x, y]))).toBeLessThan(5e-9);
    const c = complexData(60, rand);
    const [l1] = innerProduct(plan.execute(c), d);
    const [r1] = innerProduct(c, got);
    expect(Math.abs(l1 - r1)).toBeLessThan(1e-8 * norm(plan.execute(c)) * norm(d));
  });
});

describe("plan reuse, batching, folding, mode orders", () => {
  it("setPoints with new points gives the same as a fresh plan (bit for bit)", () => {
    const rand = rng(21);
    const p1 = makePlan(1, [20, 16], { eps: 1e-8 });
    p1.setPoints(uniform(50, -3, 3, rand), uniform(50, -3, 3, rand));
    p1.execute(complexData(50, rand));
    const x = uniform(70, -3, 3, rand);
    const y = uniform(70, -3, 3, rand);
    const c = complexData(70, rand);
    p1.setPoints(x, y);
    const fresh = makePlan(1, [20, 16], { eps: 1e-8 });
    fresh.setPoints(x, y);
    expect(Array.from(p1.execute(c))).toEqual(Array.from(fresh.execute(c)));
  });

  it("type 3 plan reuse with new points and frequencies", () => {
    const rand = rng(22);
    const plan = makePlan(3, 1, { eps: 1e-7 });
    plan.setPoints(uniform(30, -1, 1, rand), undefined, undefined, uniform(30, -50, 50, rand));
    const x = uniform(40, 2, 9, rand);
    const s = uniform(25, -6, 1, rand);
    const c = complexData(40, rand);
    plan.setPoints(x, undefined, undefined, s);
    expect(relL2(plan.execute(c), direct3([x], c, 1, [s]))).toBeLessThan(5e-7);
  });

  it("nTransforms = 3 equals three single transforms (types 1, 2, 3; exact)", () => {
    const rand = rng(23);
    const x = uniform(40, -3, 3, rand);
    const y = uniform(40, -3, 3, rand);
    for (const type of [1, 2, 3] as const) {
      const many =
        type === 3
          ? makePlan(3, 2, { nTransforms: 3 })
          : makePlan(type, [9, 8], { nTransforms: 3 });
      const one = type === 3 ? makePlan(3, 2) : makePlan(type, [9, 8]);
      const extra = type === 3 ? [uniform(30, -5, 5, rand), uniform(30, -5, 5, rand)] : [];
      many.setPoints(x, y, undefined, extra[0], extra[1]);
      one.setPoints(x, y, undefined, extra[0], extra[1]);
      const input = complexData(3 * one.inputSize, rand);
      const batched = many.execute(input);
      for (let k = 0; k < 3; k++) {
        const single = one.execute(input.slice(2 * k * one.inputSize, 2 * (k + 1) * one.inputSize));
        expect(
          Array.from(batched.subarray(2 * k * one.outputSize, 2 * (k + 1) * one.outputSize)),
        ).toEqual(Array.from(single));
      }
    }
  });

  it("points outside [-pi, pi) fold periodically (x + 2 pi m gives the same transform)", () => {
    const rand = rng(24);
    const x = uniform(50, -Math.PI, Math.PI, rand);
    const shifted = x.map((v, i) => v + TAU * ((i % 7) - 3));
    const c = complexData(50, rand);
    const a = nufft1d1(x, c, 1, 1e-10, 30);
    const b = nufft1d1(shifted, c, 1, 1e-10, 30);
    // Folding x + 2 pi m back loses |2 pi m| * 2^-53 in x (<= 2e-15), times |k| <= 15: 3e-14.
    expect(relL2(b, a)).toBeLessThan(1e-12);
    expect(relL2(b, direct1([x], c, 1, [30], "cmcl"))).toBeLessThan(4e-10);
  });

  it("'fft' mode order is the 'cmcl' result permuted (odd and even N)", () => {
    const rand = rng(25);
    for (const n of [16, 15]) {
      const x = uniform(40, -3, 3, rand);
      const c = complexData(40, rand);
      const a = nufft1d1(x, c, -1, 1e-9, n, { modeOrder: "cmcl" });
      const b = nufft1d1(x, c, -1, 1e-9, n, { modeOrder: "fft" });
      const cm = modeList(n, "cmcl");
      const ff = modeList(n, "fft");
      ff.forEach((k, i) => {
        const j = cm.indexOf(k);
        expect(b[2 * i]).toBe(a[2 * j]);
        expect(b[2 * i + 1]).toBe(a[2 * j + 1]);
      });
    }
  });

  it("f32 plans take and return Float32Array and meet 1e-5", () => {
    const rand = rng(26);
    const x = uniform(60, -3, 3, rand);
    const y = uniform(60, -3, 3, rand);
    const z = uniform(60, -3, 3, rand);
    const c = Float32Array.from(complexData(60, rand));
    const f = nufft3d1(x, y, z, c, 1, 1e-5, 8, 6, 5);
    expect(f).toBeInstanceOf(Float32Array);
    expect(relL2(f, direct1([x, y, z], c, 1, [8, 6, 5], "cmcl"))).toBeLessThan(4e-5);
    const g = nufft3d2(x, y, z, f, -1, 1e-5, 8, 6, 5);
    expect(g).toBeInstanceOf(Float32Array);
    expect(relL2(g, direct2([x, y, z], f, -1, [8, 6, 5], "cmcl"))).toBeLessThan(4e-5);
  });

  it("simple interface agrees with direct sums (1d2, 2d1, 2d3)", () => {
    const rand = rng(27);
    const x = uniform(50, -3, 3, rand);
    const y = uniform(50, -3, 3, rand);
    const f = complexData(21, rand);
    expect(relL2(nufft1d2(x, f, 1, 1e-6, 21), direct2([x], f, 1, [21], "cmcl"))).toBeLessThan(4e-6);
    const c = complexData(50, rand);
    expect(
      relL2(nufft2d1(x, y, c, -1, 1e-6, 10, 7), direct1([x, y], c, -1, [10, 7], "cmcl")),
    ).toBeLessThan(4e-6);
    const s = uniform(30, -20, 20, rand);
    const t = uniform(30, -20, 20, rand);
    expect(relL2(nufft2d3(x, y, c, -1, 1e-6, s, t), direct3([x, y], c, -1, [s, t]))).toBeLessThan(
      5e-6,
    );
  });

  it("default signs: +1 for types 1 and 3, -1 for type 2 (the adjoint of the default type 1)", () => {
    expect(makePlan(1, [8]).info.isign).toBe(1);
    expect(makePlan(2, [8]).info.isign).toBe(-1);
    expect(makePlan(3, 2).info.isign).toBe(1);
  });

  it("no points: type 1 gives zeros, type 2 an empty output", () => {
    const p1 = makePlan(1, [6, 5]);
    p1.setPoints(new Float64Array(0), new Float64Array(0));
    const f = p1.execute(new Float64Array(0));
    expect(f.length).toBe(60);
    expect(f.every((v) => v === 0)).toBe(true);
    const p2 = makePlan(2, [6]);
    p2.setPoints([]);
    expect(p2.execute(new Float64Array(12)).length).toBe(0);
  });

  it("clamps eps below the floor and reports it", () => {
    const plan = makePlan(1, [10], { eps: 1e-16 });
    expect(plan.info.epsClamped).toBe(true);
    expect(plan.info.eps).toBe(1e-14);
    // w = ceil(log10(1 / 1e-14)) + 1 = 15: the clamped eps, not the requested one, sets the width.
    expect(plan.info.width).toBe(15);
    const p32 = makePlan(2, [10], { eps: 1e-9, precision: "f32" });
    expect(p32.info).toMatchObject({ epsClamped: true, eps: 1e-6 });
    expect(makePlan(3, 1, { eps: 1e-9, upsampfac: 1.25 }).info.eps).toBe(1e-8);
  });

  it("kernel widths follow the documented rules", () => {
    // Notes / FINUFFT at sigma = 2: 1e-3 -> 4, 1e-6 -> 7, 1e-9 -> 10, 1e-12 -> 13.
    const w = (eps: number, upsampfac: 2 | 1.25 = 2) =>
      makePlan(1, [10], { eps, upsampfac }).info.width;
    expect([w(1e-3), w(1e-6), w(1e-9), w(1e-12)]).toEqual([4, 7, 10, 13]);
    // sigma = 1.25: ceil(ln(1/eps) / (pi sqrt 0.2)) + 1 -> 1e-3: ceil(4.92) + 1, 1e-6: ceil(9.83) + 1.
    expect([w(1e-3, 1.25), w(1e-6, 1.25), w(1e-9, 1.25)]).toEqual([6, 11, 16]);
  });
});

describe("spread / interp only", () => {
  /** Direct periodic kernel sum: grid[l] = sum_j c_j prod_d psi(l_d - G_jd), G = (x + pi) N / 2pi. */
  function directSpread(
    pts: Float64Array[],
    c: Float64Array,
    n: number[],
    w: number,
    beta: number,
  ): Float64Array {
    const cells = n.reduce((a, b) => a * b, 1);
    const out = new Float64Array(2 * cells);
    const phi = (t: number) => {
      const z = (2 * t) / w;
      return Math.abs(z) <= 1 ? Math.exp(beta * (Math.sqrt(1 - z * z) - 1)) : 0;
    };
    for (let cell = 0; cell < cells; cell++) {
      const l = [
        cell % n[0],
        Math.floor(cell / n[0]) % (n[1] ?? 1),
        Math.floor(cell / (n[0] * (n[1] ?? 1))),
      ];
      for (let j = 0; j < c.length / 2; j++) {
        let k = 1;
        for (let d = 0; d < n.length; d++) {
          const g = ((pts[d][j] + Math.PI) * n[d]) / TAU;
          // nearest periodic image of the grid point to g
          let t = l[d] - g;
          t -= n[d] * Math.round(t / n[d]);
          k *= phi(t);
        }
        out[2 * cell] += c[2 * j] * k;
        out[2 * cell + 1] += c[2 * j + 1] * k;
      }
    }
    return out;
  }

  it("spread matches the direct kernel sum (2-D, points near the edges wrap)", () => {
    const rand = rng(31);
    const x = uniform(40, -Math.PI, Math.PI, rand);
    const y = uniform(40, -Math.PI, Math.PI, rand);
    x[0] = -Math.PI;
    x[1] = Math.PI - 1e-9;
    const plan = makePlan(1, [24, 20], { eps: 1e-6 });
    plan.setPoints(x, y);
    const c = complexData(40, rand);
    const grid = plan.spread(c);
    // The polynomial kernel is within eps/10 = 1e-7 of phi (piecewise-poly.ts), so each product
    // of two kernel values is within 2e-7 (values <= 1) and each cell within 2e-7 sum |c_j| over
    // the <= ~5 points touching it, the same sum that sets the cell's size: 1e-6 relative L2
    // leaves a factor ~5 for cancellation between those points, and a wrong wrap, scale or
    // offset costs O(1).
    expect(
      relL2(grid, directSpread([x, y], c, [24, 20], plan.info.width, plan.info.beta)),
    ).toBeLessThan(1e-6);
  });

  it("interp is the transpose of spread", () => {
    const rand = rng(32);
    const pts = [uniform(30, -3, 3, rand), uniform(30, -3, 3, rand), uniform(30, -3, 3, rand)];
    const plan = makePlan(2, [16, 16, 18], { eps: 1e-5 });
    plan.setPoints(pts[0], pts[1], pts[2]);
    const c = complexData(30, rand);
    const g = complexData(16 * 16 * 18, rand);
    const [l] = innerProduct(plan.spread(c), g);
    const [r] = innerProduct(c, plan.interp(g));
    expect(Math.abs(l - r)).toBeLessThan(1e-12 * norm(c) * norm(g));
  });

  it("spreadSubproblem over a partition + addSubgrid = spreading everything", () => {
    const rand = rng(33);
    const x = uniform(200, -Math.PI, Math.PI, rand);
    const y = uniform(200, -Math.PI, Math.PI, rand);
    const plan = makePlan(1, [30, 24], { eps: 1e-7 });
    plan.setPoints(x, y);
    const c = complexData(200, rand);
    const geom = plan.geometry();
    const fine = new Float64Array(2 * geom.grid[0] * geom.grid[1]);
    for (const [start, end] of [
      [0, 37],
      [37, 150],
      [150, 200],
    ]) {
      const { offset, shape } = subproblemBounds(geom, start, end);
      const sub = new Float64Array(2 * shape[0] * shape[1]);
      spreadSubproblem(geom, start, end, c, 0, sub, offset, shape);
      addSubgrid(sub, offset, shape, fine, geom.grid);
    }
    const out = new Float64Array(2 * 30 * 24);
    plan.finishType1(fine, out, 0);
    const ref = plan.execute(c);
    expect(relL2(out, ref)).toBeLessThan(1e-14);
  });
});

describe("type 2 in stages (prepareType2 + interpRange over a partition) = execute", () => {
  it("3-D, bit for bit", () => {
    const rand = rng(34);
    const pts = [uniform(120, -3, 3, rand), uniform(120, -3, 3, rand), uniform(120, -3, 3, rand)];
    const plan = makePlan(2, [8, 7, 6], { eps: 1e-8 });
    plan.setPoints(pts[0], pts[1], pts[2]);
    const f = complexData(8 * 7 * 6, rand);
    const geom = plan.geometry();
    const fine = new Float64Array(2 * geom.grid.reduce((a, b) => a * b, 1));
    plan.prepareType2(f, 0, fine);
    const out = new Float64Array(240);
    interpRange(geom, 0, 50, fine, out, 0);
    interpRange(geom, 50, 120, fine, out, 0);
    expect(Array.from(out)).toEqual(Array.from(plan.execute(f)));
  });
});

describe("inverse type 1 (CG on the normal equations)", () => {
  it("recovers the coefficients from exact samples (1-D and 2-D)", () => {
    const rand = rng(41);
    for (const dims of [[24], [10, 8]]) {
      const m = 3 * dims.reduce((a, b) => a * b, 1);
      const pts = dims.map(() => uniform(m, -Math.PI, Math.PI, rand));
      const fTrue = complexData(
        dims.reduce((a, b) => a * b, 1),
        rand,
      );
      const values = direct2(pts, fTrue, -1, dims, "cmcl");
      const res = inverseNufft(dims, pts, values, { eps: 1e-12, tol: 1e-11, maxIterations: 300 });
      expect(res.converged).toBe(true);
      // Well-posed (M = 3N random points): the error in f is the normal residual times the
      // condition number of A^H A (small for 3x oversampling) plus the transform error.
      expect(relL2(res.coefficients, fTrue)).toBeLessThan(1e-8);
      expect(res.residual).toBeLessThan(1e-9);
      expect(res.iterations).toBeGreaterThan(1);
    }
  });

  it("density weights: same solution for clustered points, fewer iterations", () => {
    const rand = rng(43);
    // 3/4 of the points crowd into [-0.5, 0.5], the rest cover the circle: A^H A is badly
    // conditioned without weights.
    const m = 160;
    const x = Float64Array.from({ length: m }, (_, j) =>
      j % 4 === 0 ? -Math.PI + 2 * Math.PI * rand() : -0.5 + rand(),
    );
    const fTrue = complexData(20, rand);
    const values = direct2([x], fTrue, -1, [20], "cmcl");
    const opts = { eps: 1e-12, tol: 1e-10, maxIterations: 500 };
    const plain = inverseNufft([20], [x], values, opts);
    const dens = inverseNufft([20], [x], values, { ...opts, weights: "density" });
    expect(dens.converged).toBe(true);
    expect(relL2(dens.coefficients, fTrue)).toBeLessThan(1e-7);
    expect(dens.iterations).toBeLessThan(plain.iterations);
  });

  it("Tikhonov damping and weights: solves the damped weighted normal equations", () => {
    const rand = rng(42);
    const x = uniform(40, -Math.PI, Math.PI, rand);
    const values = complexData(40, rand);
    const weights = uniform(40, 0.5, 2, rand);
    const res = inverseNufft([16], [x], values, {
      eps: 1e-12,
      tol: 1e-12,
      damping: 0.3,
      weights,
      maxIterations: 200,
    });
    expect(res.converged).toBe(true);
    // Check the optimality condition independently with direct sums:
    // A^H W (A f - c) + lambda f = 0.
    const af = direct2([x], res.coefficients, -1, [16], "cmcl");
    const wr = new Float64Array(80);
    for (let j = 0; j < 40; j++) {
      wr[2 * j] = weights[j] * (af[2 * j] - values[2 * j]);
      wr[2 * j + 1] = weights[j] * (af[2 * j + 1] - values[2 * j + 1]);
    }
    const grad = direct1([x], wr, 1, [16], "cmcl");
    for (let i = 0; i < grad.length; i++) grad[i] += 0.3 * res.coefficients[i];
    expect(norm(grad) / norm(direct1([x], values, 1, [16], "cmcl"))).toBeLessThan(1e-9);
  });
});
