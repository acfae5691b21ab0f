/**
 * Multi-threaded spreading (type 1, and type 3's outer step) and interpolation (type 2), drop-in
 * replacements of spread/spread.ts's spreadAll and interp/interp.ts's interpAll:
 *
 *   spreadAllThreaded(geom, strengths, offset, grid, threads)   same result as spreadAll up to
 *                                                               the order of the additions
 *   interpAllThreaded(geom, grid, out, outOffset, threads)      bit-identical to interpAll
 *
 * Spreading: the bin-sorted points are cut into T contiguous chunks (equal point counts). Each
 * thread spreads its chunk with the WebAssembly kernels into a private, non-periodic SUBGRID
 * covering the chunk's footprints (subproblemBounds: with the bin sort, x fastest, a chunk is a
 * band of rows (2-D) or planes (3-D), so a subgrid is ~1/T of the grid plus a w-wide halo),
 * written out in one block copy. Then, in a second parallel phase, every thread folds the
 * subgrids into its own band of fine-grid rows with periodic wrap (fold.ts), subgrids in chunk
 * order, so the result is the same for every run and depends only on T: it differs from the
 * single-threaded spreadAll only in the order in which the same products are added (round-off,
 * ~w^d eps relative per cell). The chunk cuts and subgrid boxes are computed once per
 * (geometry, T) and cached.
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
 * Memory: jobs carry SharedArrayBuffer-backed arrays. The sorted coordinates and permutation
 * are copied into shared memory once per geometry (WeakMap cache), and each worker copies its
 * chunk of them once more into ordinary memory it keeps (geometryOf); strengths, grid and
 * output are used in place when they already live in a SharedArrayBuffer and copied into
 * reusable shared scratch arrays otherwise (pool.ts).
 */

import { interpAll, interpRange } from "../interp/interp.js";
import type { PiecewisePoly } from "../kernel/piecewise-poly.js";
import type { SpreadGeometry } from "../spread/geometry.js";
import { spreadAll, spreadSubproblem, subproblemBounds } from "../spread/spread.js";
import type { ComplexArray } from "../types.js";
import { spreadIntoSubgridWasm } from "../wasm/driver.js";
import { foldRows, foldUnits, type SubgridBox } from "./fold.js";
import { type PoolJob, sharedPool, sharedScratch, threadsAvailable } from "./pool.js";

/** Fewer points than this: always single-threaded. */
export const PARALLEL_MIN_POINTS = 1 << 14;
/** Each thread gets at least this many points. */
export const MIN_POINTS_PER_THREAD = 1 << 13;

/** The geometry's arrays in shared memory, as the worker jobs receive them. */
export interface SharedGeometry {
  /** Unique per shared geometry in this process: the key of the workers' local copies. */
  id: number;
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

let nextGeometryId = 1;

function shareGeometry(geom: SpreadGeometry): SharedGeometry {
  let s = sharedGeometries.get(geom);
  if (!s) {
    const k: PiecewisePoly = geom.kernel;
    s = {
      id: nextGeometryId++,
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

/**
 * A worker's own (non-shared) copy of the sorted points [start, end) of a shared geometry,
 * made on its first job and kept for the next calls (arrays of full length, filled on the
 * range only, so indices stay those of the sorted order).
 *
 * Why copies: on the 2-core test machine two threads streaming through memory at once each ran
 * at about half speed (measured under other load, so only roughly: two threads summing 16 MB
 * arrays, 18-19 ms alone, 33-37 ms together), and the worker re-read the shared coordinates
 * and permutation (10 MB per 1e6 2-D points) on every call. The chunk is copied once per
 * geometry instead (20 B per point of the chunk, freed with the oldest of the kept copies).
 */
const localGeometries = new Map<string, SpreadGeometry>();
const LOCAL_GEOMETRIES_KEPT = 2;

export function geometryOf(s: SharedGeometry, start = 0, end = s.nPoints): SpreadGeometry {
  const key = `${s.id}:${start}:${end}`;
  let g = localGeometries.get(key);
  if (!g) {
    const coords = s.coords.map((c) => {
      const local = new Float64Array(s.nPoints);
      local.set(c.subarray(start, end), start);
      return local;
    });
    const perm = new Uint32Array(s.nPoints);
    perm.set(s.perm.subarray(start, end), start);
    g = { dim: s.dim, grid: s.grid, kernel: s.kernel, coords, perm, nPoints: s.nPoints };
    if (localGeometries.size >= LOCAL_GEOMETRIES_KEPT) {
      // drop the oldest (Map iterates in insertion order)
      localGeometries.delete(localGeometries.keys().next().value as string);
    }
    localGeometries.set(key, g);
  }
  return g;
}

/**
 * The per-(geometry, thread count) split of the spreading work: the point cuts and each chunk's
 * subgrid box (subproblemBounds scans the chunk's coordinates, so it runs once per geometry and
 * thread count, not on every call), and the fine-grid row cuts of the parallel fold.
 */
interface SpreadSplit {
  cut: number[];
  boxes: SubgridBox[];
  rowCut: number[];
}

const splits = new WeakMap<SpreadGeometry, Map<number, SpreadSplit>>();

function spreadSplit(geom: SpreadGeometry, t: number): SpreadSplit {
  let byThreads = splits.get(geom);
  if (!byThreads) {
    byThreads = new Map();
    splits.set(geom, byThreads);
  }
  let split = byThreads.get(t);
  if (!split) {
    const cut = cuts(geom.nPoints, t);
    const boxes = Array.from({ length: t }, (_, i) => subproblemBounds(geom, cut[i], cut[i + 1]));
    split = { cut, boxes, rowCut: cuts(foldUnits(geom.grid), t) };
    byThreads.set(t, split);
  }
  return split;
}

const cellsOf = (box: SubgridBox): number => box.shape.reduce((a, b) => a * b, 1);

/**
 * One thread's share of the spreading: sub = the spread of sorted points [start, end) on the
 * subgrid `box` (old contents replaced). The WebAssembly kernels write the subgrid in one block
 * copy (wasm/driver.ts); without WebAssembly the JS loops spread into the zeroed subgrid.
 */
export function spreadChunk(
  geom: SpreadGeometry,
  start: number,
  end: number,
  strengths: ComplexArray,
  strengthOffset: number,
  sub: Float64Array,
  box: SubgridBox,
): void {
  if (
    spreadIntoSubgridWasm(geom, start, end, strengths, strengthOffset, sub, box.offset, box.shape)
  )
    return;
  sub.fill(0, 0, 2 * cellsOf(box));
  spreadSubproblem(geom, start, end, strengths, strengthOffset, sub, box.offset, box.shape);
}

/**
 * spreadAll with `threads` threads (see the module comment); grid's old contents are replaced.
 * Two parallel phases: every thread spreads its chunk into its own shared subgrid
 * (spreadChunk), then every thread folds the subgrids into its own band of fine-grid rows
 * (fold.ts). Nothing large is copied on the calling thread except the strengths, when they do
 * not already live in shared memory.
 */
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
  const { cut, boxes, rowCut } = spreadSplit(geom, t);
  const subs = boxes.map(
    (b, i) => sharedScratch(`subgrid${i}`, 2 * cellsOf(b), false, false) as Float64Array,
  );
  const spreadJobs: PoolJob[] = [];
  for (let i = 1; i < t; i++) {
    spreadJobs.push({
      kind: "spreadChunk",
      args: {
        geom: shared,
        start: cut[i],
        end: cut[i + 1],
        strengths: sharedStrengths,
        strengthOffset,
        sub: subs[i],
        box: boxes[i],
      },
    });
  }
  const pool = sharedPool(t);
  pool.run(spreadJobs, () =>
    spreadChunk(geom, cut[0], cut[1], strengths, strengthOffset, subs[0], boxes[0]),
  );
  // The fold writes the fine grid from the workers: it must be shared (else a scratch copy).
  const target = isShared(grid)
    ? grid
    : (sharedScratch("foldGrid", grid.length, false, false) as Float64Array);
  const foldJobs: PoolJob[] = [];
  for (let i = 1; i < t; i++) {
    foldJobs.push({
      kind: "foldRows",
      args: { grid: target, gridShape: geom.grid, subs, boxes, r0: rowCut[i], r1: rowCut[i + 1] },
    });
  }
  pool.run(foldJobs, () => foldRows(target, geom.grid, subs, boxes, rowCut[0], rowCut[1]));
  if (target !== grid) grid.set(target.subarray(0, grid.length));
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
