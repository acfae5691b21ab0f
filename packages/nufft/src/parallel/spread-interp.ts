/**
 * Multi-threaded spreading (type 1, and type 3's outer step) and interpolation (type 2), drop-in
 * replacements of spread/spread.ts's spreadAll and interp/interp.ts's interpAll:
 *
 *   spreadAllThreaded(geom, strengths, offset, grid, threads)   same result as spreadAll up to
 *                                                               the order of the additions
 *   interpAllThreaded(geom, grid, out, outOffset, threads)      bit-identical to interpAll
 *
 * Spreading: the bin-sorted points are cut into T contiguous chunks (equal point counts). Each
 * thread spreads its chunk into a private, non-periodic SUBGRID covering the chunk's footprints
 * (subproblemBounds: with the bin sort, x fastest, a chunk is a band of rows (2-D) or planes
 * (3-D), so a subgrid is ~1/T of the grid plus a w-wide halo). The caller then folds the
 * subgrids into the periodic fine grid (addSubgrid) in chunk order, so the result is the same
 * for every run and depends only on T: it differs from the single-threaded spreadAll only in
 * the order in which the same products are added (round-off, ~w^d eps relative per cell).
 * Interpolation: each thread interpolates a chunk of points from the shared grid into its own
 * disjoint entries of the output; every entry is computed by exactly the same operations as in
 * interpAll, so the result is bit-identical.
 *
 * When threads run: threads > 1, worker_threads available (Node) and at least
 * PARALLEL_MIN_POINTS points; the chunk count is capped so each thread gets at least
 * MIN_POINTS_PER_THREAD points. Below that the single-threaded functions run: a worker round
 * trip (post, wake, shared-memory copies of the inputs) costs ~0.1-1 ms, while spreading 2^14
 * points at w = 7 costs ~2-10 ms here (1-D to 3-D), so from there on the threads pay off.
 *
 * Memory: workers read SharedArrayBuffer-backed arrays. The sorted coordinates and permutation
 * are copied once per geometry (cached in a WeakMap, so setPoints pays it once and every
 * execute reuses it); strengths, grid and output are used in place when they already live in a
 * SharedArrayBuffer and copied into reusable shared scratch arrays otherwise (pool.ts).
 */

import { interpAll, interpRange } from "../interp/interp.js";
import type { PiecewisePoly } from "../kernel/piecewise-poly.js";
import type { SpreadGeometry } from "../spread/geometry.js";
import { addSubgrid, spreadAll, spreadSubproblem, subproblemBounds } from "../spread/spread.js";
import type { ComplexArray } from "../types.js";
import { type PoolJob, sharedPool, sharedScratch, threadsAvailable } from "./pool.js";

/** Fewer points than this: always single-threaded. */
export const PARALLEL_MIN_POINTS = 1 << 14;
/** Each thread gets at least this many points. */
export const MIN_POINTS_PER_THREAD = 1 << 13;

/** The geometry's arrays in shared memory, as the worker jobs receive them. */
export interface SharedGeometry {
  dim: 1 | 2 | 3;
  grid: number[];
  kernel: { width: number; degree: number; coeffs: Float64Array; maxError: number };
  coords: Float64Array[];
  perm: Uint32Array;
  nPoints: number;
}

const sharedGeometries = new WeakMap<SpreadGeometry, SharedGeometry>();

function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === "function" && a.buffer instanceof SharedArrayBuffer;
}

/** A copy in fresh shared memory (kept: the geometry cache holds it). */
function toShared<T extends Float64Array | Uint32Array>(a: T): T {
  if (isShared(a)) return a;
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const s = new Ctor(new SharedArrayBuffer(a.byteLength));
  s.set(a as ArrayLike<number>);
  return s;
}

/** `a` itself when shared, else a copy in the reusable scratch `key` (valid for this call). */
export function sharedView(a: ComplexArray, key: string): ComplexArray {
  if (isShared(a)) return a;
  const s = sharedScratch(key, a.length, a instanceof Float32Array, false);
  s.set(a);
  return s;
}

function shareGeometry(geom: SpreadGeometry): SharedGeometry {
  let s = sharedGeometries.get(geom);
  if (!s) {
    const k: PiecewisePoly = geom.kernel;
    s = {
      dim: geom.dim,
      grid: [...geom.grid],
      kernel: { width: k.width, degree: k.degree, coeffs: k.coeffs, maxError: k.maxError },
      coords: geom.coords.map((c) => toShared(c)),
      perm: toShared(geom.perm),
      nPoints: geom.nPoints,
    };
    sharedGeometries.set(geom, s);
  }
  return s;
}

/** The number of threads that will actually work on `nPoints` points. */
export function effectiveThreads(nPoints: number, threads: number): number {
  if (!threadsAvailable || threads <= 1 || nPoints < PARALLEL_MIN_POINTS) return 1;
  return Math.max(1, Math.min(threads, Math.floor(nPoints / MIN_POINTS_PER_THREAD)));
}

/** Chunk t of T over n items: [cut(t), cut(t + 1)). */
function cuts(n: number, parts: number): number[] {
  return Array.from({ length: parts + 1 }, (_, t) => Math.floor((t * n) / parts));
}

/** A SpreadGeometry view of a SharedGeometry (workers rebuild one from the job arguments). */
export function geometryOf(s: SharedGeometry): SpreadGeometry {
  return {
    dim: s.dim,
    grid: s.grid,
    kernel: s.kernel,
    coords: s.coords,
    perm: s.perm,
    nPoints: s.nPoints,
  };
}

/** spreadAll with `threads` threads (see the module comment); grid is zeroed first. */
export function spreadAllThreaded(
  geom: SpreadGeometry,
  strengths: ComplexArray,
  strengthOffset: number,
  grid: Float64Array,
  threads: number,
): void {
  const t = effectiveThreads(geom.nPoints, threads);
  if (t === 1) {
    spreadAll(geom, strengths, strengthOffset, grid);
    return;
  }
  const shared = shareGeometry(geom);
  const sharedStrengths = sharedView(strengths, "strengths");
  const cut = cuts(geom.nPoints, t);
  const boxes = Array.from({ length: t }, (_, i) => subproblemBounds(geom, cut[i], cut[i + 1]));
  const subs = boxes.map(
    (b, i) => sharedScratch(`subgrid${i}`, 2 * b.shape.reduce((x, y) => x * y, 1)) as Float64Array,
  );
  const jobs: PoolJob[] = [];
  for (let i = 1; i < t; i++) {
    jobs.push({
      kind: "spreadRange",
      args: {
        geom: shared,
        start: cut[i],
        end: cut[i + 1],
        strengths: sharedStrengths,
        strengthOffset,
        sub: subs[i],
        subOffset: boxes[i].offset,
        subShape: boxes[i].shape,
      },
    });
  }
  sharedPool(t).run(jobs, () =>
    spreadSubproblem(
      geom,
      cut[0],
      cut[1],
      strengths,
      strengthOffset,
      subs[0],
      boxes[0].offset,
      boxes[0].shape,
    ),
  );
  grid.fill(0);
  for (let i = 0; i < t; i++) addSubgrid(subs[i], boxes[i].offset, boxes[i].shape, grid, geom.grid);
}

/** interpAll with `threads` threads: out[outOffset + j] for every point j (bit-identical). */
export function interpAllThreaded(
  geom: SpreadGeometry,
  grid: Float64Array,
  out: ComplexArray,
  outOffset: number,
  threads: number,
): void {
  const t = effectiveThreads(geom.nPoints, threads);
  if (t === 1) {
    interpAll(geom, grid, out, outOffset);
    return;
  }
  const shared = shareGeometry(geom);
  const sharedGrid = sharedView(grid, "grid") as Float64Array;
  const direct = isShared(out);
  const target = direct
    ? out
    : sharedScratch("interp", 2 * geom.nPoints, out instanceof Float32Array, false);
  const targetOffset = direct ? outOffset : 0;
  const cut = cuts(geom.nPoints, t);
  const jobs: PoolJob[] = [];
  for (let i = 1; i < t; i++) {
    jobs.push({
      kind: "interpRange",
      args: {
        geom: shared,
        start: cut[i],
        end: cut[i + 1],
        grid: sharedGrid,
        out: target,
        outOffset: targetOffset,
      },
    });
  }
  sharedPool(t).run(jobs, () => interpRange(geom, cut[0], cut[1], grid, target, targetOffset));
  if (!direct) out.set(target.subarray(0, 2 * geom.nPoints), 2 * outOffset);
}
