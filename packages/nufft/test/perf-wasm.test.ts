/**
 * The WebAssembly SIMD spreader / interpolator (src/wasm/) against the JS loops of
 * spread/spread.ts and interp/interp.ts (the reference implementation of the same sums,
 * selected with setWasmSpreading(false)), in 1-D, 2-D and 3-D, odd and even kernel widths
 * (w = 4, 7, 10, 13, 16: the SIMD code evaluates the kernel in lane pairs, padding odd w), points
 * on the grid's edges (footprints that wrap), clustered points, more points than one chunk,
 * subproblems (non-periodic subgrids), partial interpolation ranges, f32 data and the
 * group-splitting path for boxes over the memory cap.
 *
 * Round-off argument for the tolerances (u = 2^-53):
 * - Spreading: both paths form bit-identical products c_j psi_x psi_y psi_z (the same float64
 *   operations in the same order, kernel values by the same Horner steps) and add them into
 *   each cell in different orders (wasm: per-group box then one fold). Recursive summation of
 *   n terms has error <= (n - 1) u sum|terms| in any order, so the two results differ by at most
 *   2 (n - 1) u S_l with S_l = sum |terms| at cell l = the JS spread of |c_j| (the kernel is
 *   positive). We allow 2 M u S_l (n <= M).
 * - Interpolation: both evaluate sum_{l} g_l kx_a ky_b kz_c over the w^d footprint (wasm sums
 *   over y, z first, then x; JS x first), each with error <= gamma_{w^d + d} sum |g_l| k_l
 *   (gamma_n = n u / (1 - n u), the dot-product bound; + d for the products), so they differ
 *   by at most 2 gamma_{w^d + 3} B_j with B_j = the JS interpolation of |g| at point j.
 * A wrong index, a lost chunk or a wrong kernel value changes results by O(|c| psi) ~ 1e-3..1,
 * far above these bounds; and every case asserts that the wasm path really ran.
 */
import { afterEach, describe, expect, it } from "vitest";
import { interpRange } from "../dist/interp/interp.js";
import { kernelParams } from "../dist/kernel/es-kernel.js";
import { piecewisePoly } from "../dist/kernel/piecewise-poly.js";
import { buildGeometry, type SpreadGeometry, torusToGrid } from "../dist/spread/geometry.js";
import {
  addSubgrid,
  spreadAll,
  spreadSubproblem,
  subproblemBounds,
} from "../dist/spread/spread.js";
import {
  CHUNK_POINTS,
  interpRangeWasm,
  setMaxBoxCells,
  setWasmSpreading,
  spreadRangeWasm,
} from "../dist/wasm/driver.js";
import { spreadInterpModule } from "../dist/wasm/module.js";

const U = 2 ** -53;

afterEach(() => {
  setWasmSpreading(true);
  setMaxBoxCells(undefined);
});

/** Deterministic uniform [0, 1) stream (LCG, top 53 bits). */
function rng(seed: number): () => number {
  let s = BigInt(seed);
  return () => {
    s = (s * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    return Number(s >> 11n) / 2 ** 53;
  };
}

type Layout = "uniform" | "edges" | "cluster";

/** Torus points: uniform, a third on the grid's edges (x = -pi, just below pi), or clustered. */
function geometry(grid: number[], m: number, eps: number, layout: Layout, seed: number) {
  const r = rng(seed);
  const { width, beta } = kernelParams(eps, 2);
  const kernel = piecewisePoly(width, beta, eps);
  const coords = grid.map((n) =>
    torusToGrid(
      Float64Array.from({ length: m }, (_, j) => {
        if (layout === "edges" && j % 3 === 0) return j % 2 ? -Math.PI : Math.PI * (1 - 1e-15);
        if (layout === "cluster") return 0.3 + 0.05 * r();
        return Math.PI * (2 * r() - 1);
      }),
      n,
    ),
  );
  return buildGeometry(coords, grid, kernel);
}

function complexData(n: number, seed: number, f32 = false): Float64Array | Float32Array {
  const r = rng(seed);
  const a = Float64Array.from({ length: 2 * n }, () => 2 * r() - 1);
  return f32 ? Float32Array.from(a) : a;
}

function cells(geom: SpreadGeometry): number {
  return geom.grid.reduce((a, b) => a * b, 1);
}

function abs(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, Math.abs);
}

/** JS reference spread of strengths over the whole periodic grid. */
function jsSpread(geom: SpreadGeometry, c: Float64Array | Float32Array): Float64Array {
  setWasmSpreading(false);
  const g = new Float64Array(2 * cells(geom));
  spreadAll(geom, c, 0, g);
  setWasmSpreading(true);
  return g;
}

function jsInterp(geom: SpreadGeometry, grid: Float64Array): Float64Array {
  setWasmSpreading(false);
  const out = new Float64Array(2 * geom.nPoints);
  interpRange(geom, 0, geom.nPoints, grid, out, 0);
  setWasmSpreading(true);
  return out;
}

function expectSpreadClose(got: Float64Array, ref: Float64Array, bound: Float64Array, m: number) {
  let worst = 0;
  for (let l = 0; l < ref.length; l++) {
    const tol = 2 * m * U * bound[l];
    const err = Math.abs(got[l] - ref[l]);
    if (err > tol) throw new Error(`cell ${l}: |${got[l]} - ${ref[l]}| = ${err} > ${tol}`);
    worst = Math.max(worst, err);
  }
  return worst;
}

const CASES: { grid: number[]; m: number; eps: number; layout: Layout }[] = [
  { grid: [200], m: 3 * CHUNK_POINTS + 17, eps: 1e-6, layout: "uniform" },
  { grid: [64], m: 500, eps: 1e-12, layout: "edges" },
  { grid: [40], m: 300, eps: 1e-14, layout: "cluster" },
  { grid: [48, 36], m: 2 * CHUNK_POINTS + 5, eps: 1e-6, layout: "uniform" },
  { grid: [32, 40], m: 700, eps: 1e-3, layout: "edges" },
  { grid: [40, 32], m: 400, eps: 1e-9, layout: "cluster" },
  { grid: [34, 36], m: 300, eps: 1e-14, layout: "edges" },
  { grid: [20, 16, 24], m: CHUNK_POINTS + 3, eps: 1e-6, layout: "uniform" },
  { grid: [24, 28, 26], m: 300, eps: 1e-12, layout: "edges" },
  { grid: [16, 20, 16], m: 200, eps: 1e-3, layout: "cluster" },
];

function label(c: (typeof CASES)[number]): string {
  return `${c.grid.join("x")} M=${c.m} eps=${c.eps} ${c.layout}`;
}

describe("wasm module", () => {
  it("compiles for every width and a range of degrees", () => {
    for (let w = 2; w <= 16; w++) {
      for (const degree of [w + 2, 24]) expect(spreadInterpModule(w, degree)).not.toBeNull();
    }
  });
});

describe("wasm spreading vs the JS loops", () => {
  for (const c of CASES) {
    it(`whole periodic grid, ${label(c)}`, () => {
      const geom = geometry(c.grid, c.m, c.eps, c.layout, c.m);
      const str = complexData(c.m, 7);
      const ref = jsSpread(geom, str);
      const bound = jsSpread(geom, abs(str));
      const got = new Float64Array(ref.length);
      const box = { offset: [0, 0, 0], shape: geom.grid, periodic: true };
      expect(spreadRangeWasm(geom, 0, c.m, str, 0, got, box)).toBe(true);
      expectSpreadClose(got, ref, bound, c.m);
      // The plan-level entry point (wasm, overwriting the grid's old contents: central cells
      // copied, halo added after, so another order of the same sums than the line above).
      const viaSpreadAll = new Float64Array(ref.length).fill(1);
      spreadAll(geom, str, 0, viaSpreadAll);
      expectSpreadClose(viaSpreadAll, ref, bound, c.m);
    });
  }

  it("subproblems of a range into a non-periodic subgrid, then addSubgrid", () => {
    for (const c of [CASES[0], CASES[4], CASES[8]]) {
      const geom = geometry(c.grid, c.m, c.eps, c.layout, 11);
      const str = complexData(c.m, 3);
      const ref = jsSpread(geom, str);
      const bound = jsSpread(geom, abs(str));
      const got = new Float64Array(ref.length);
      // Three uneven ranges, the middle one a quarter of the points or less (JS gather path).
      const cuts = [0, Math.floor(c.m / 2), Math.floor((4 * c.m) / 5), c.m];
      for (let k = 0; k < 3; k++) {
        const { offset, shape } = subproblemBounds(geom, cuts[k], cuts[k + 1]);
        const sub = new Float64Array(2 * shape.reduce((a, b) => a * b, 1));
        spreadSubproblem(geom, cuts[k], cuts[k + 1], str, 0, sub, offset, shape);
        addSubgrid(sub, offset, shape, got, geom.grid);
      }
      expectSpreadClose(got, ref, bound, c.m);
    }
  });

  it("f32 strengths and a block offset (batched transforms)", () => {
    const c = CASES[3];
    const geom = geometry(c.grid, c.m, c.eps, c.layout, 5);
    const both = complexData(2 * c.m, 9, true);
    const second = both.subarray(2 * c.m);
    const ref = jsSpread(geom, Float64Array.from(second));
    const bound = jsSpread(geom, abs(second));
    const got = new Float64Array(ref.length);
    spreadAll(geom, both, c.m, got);
    expectSpreadClose(got, ref, bound, c.m);
  });

  it("splits the points into groups when a box exceeds the memory cap", () => {
    for (const c of [CASES[0], CASES[3], CASES[7]]) {
      const geom = geometry(c.grid, c.m, c.eps, c.layout, 13);
      const str = complexData(c.m, 1);
      const ref = jsSpread(geom, str);
      const bound = jsSpread(geom, abs(str));
      setMaxBoxCells(64);
      const got = new Float64Array(ref.length);
      spreadAll(geom, str, 0, got);
      expectSpreadClose(got, ref, bound, c.m);
    }
  });
});

describe("wasm interpolation vs the JS loops", () => {
  for (const c of CASES) {
    it(`all points, ${label(c)}`, () => {
      const geom = geometry(c.grid, c.m, c.eps, c.layout, c.m + 1);
      const grid = complexData(cells(geom), 17) as Float64Array;
      const ref = jsInterp(geom, grid);
      const bound = jsInterp(geom, abs(grid));
      const terms = geom.kernel.width ** geom.dim + 3;
      const gamma = (terms * U) / (1 - terms * U);
      const got = new Float64Array(2 * c.m);
      expect(interpRangeWasm(geom, 0, c.m, grid, got, 0)).toBe(true);
      for (let j = 0; j < 2 * c.m; j++) {
        const tol = 2 * gamma * bound[j];
        const err = Math.abs(got[j] - ref[j]);
        if (err > tol) throw new Error(`entry ${j}: |${got[j]} - ${ref[j]}| = ${err} > ${tol}`);
      }
    });
  }

  it("partial ranges write exactly their own entries, equal to the full run's", () => {
    const c = CASES[3];
    const geom = geometry(c.grid, c.m, c.eps, c.layout, 21);
    const grid = complexData(cells(geom), 4) as Float64Array;
    const full = new Float64Array(2 * c.m);
    interpRange(geom, 0, c.m, grid, full, 0);
    const parts = new Float64Array(2 * c.m).fill(Number.NaN);
    const cut = 1000;
    interpRange(geom, 0, cut, grid, parts, 0);
    for (let i = cut; i < c.m; i++) {
      const j = geom.perm[i];
      expect(Number.isNaN(parts[2 * j]) && Number.isNaN(parts[2 * j + 1])).toBe(true);
    }
    interpRange(geom, cut, c.m, grid, parts, 0);
    expect(Array.from(parts)).toEqual(Array.from(full));
  });

  it("groups split by the memory cap give the same outputs, bit for bit", () => {
    // Each point's value is computed from the same grid values by the same operations, whatever
    // box holds them; the outputs of all groups accumulate in one block.
    for (const c of [CASES[0], CASES[3], CASES[7]]) {
      const geom = geometry(c.grid, c.m, c.eps, c.layout, 29);
      const grid = complexData(cells(geom), 6) as Float64Array;
      const whole = new Float64Array(2 * c.m);
      interpRange(geom, 0, c.m, grid, whole, 0);
      setMaxBoxCells(64);
      const split = new Float64Array(2 * c.m);
      expect(interpRangeWasm(geom, 0, c.m, grid, split, 0)).toBe(true);
      expect(Array.from(split)).toEqual(Array.from(whole));
    }
  });

  it("f32 output at an offset", () => {
    const c = CASES[7];
    const geom = geometry(c.grid, c.m, c.eps, c.layout, 23);
    const grid = complexData(cells(geom), 8) as Float64Array;
    const full = new Float64Array(2 * c.m);
    interpRange(geom, 0, c.m, grid, full, 0);
    const out = new Float32Array(4 * c.m).fill(7);
    interpRange(geom, 0, c.m, grid, out, c.m);
    expect(Array.from(out.subarray(0, 2 * c.m)).every((v) => v === 7)).toBe(true);
    expect(Array.from(out.subarray(2 * c.m))).toEqual(Array.from(Float32Array.from(full)));
  });
});
