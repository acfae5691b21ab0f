/**
 * Spreading and interpolation through the WebAssembly kernels of module.ts.
 *
 * Spreading a range of bin-sorted points: the points' footprints are spread into a zeroed,
 * NON-periodic box in wasm memory (for all the points: the fine grid plus a w-wide halo), so
 * the kernels need no modulo and no index arrays (every footprint row is contiguous); the box
 * is then folded into the target with periodic wrap (or shifted into a caller's subgrid), in
 * whole rows. The points stream through in chunks of CHUNK_POINTS: their coordinates are
 * copied in, their strengths gathered through the permutation by a wasm loop (the caller's
 * strength block copied in once; the random reads of the permutation are the costly part and
 * a tight wasm loop overlaps them far better than JS). Bin sorting keeps consecutive points'
 * footprints together, so the box rows they touch stay in cache. A box over MAX_BOX_CELLS
 * (huge grids) splits the points into groups with smaller boxes (FINUFFT's subproblems).
 *
 * Interpolation runs the same way backwards: gather the box from the periodic grid, interpolate
 * each chunk in wasm, scatter the outputs through the permutation (in wasm, copied out in one
 * block, when the range is all the points).
 *
 * Each thread (worker) has its own module instances and memory (module-level cache); a
 * module's memory grows to its largest problem and is kept for reuse.
 */
import type { PiecewisePoly } from "../kernel/piecewise-poly.js";
import type { SpreadGeometry } from "../spread/geometry.js";
import type { ComplexArray } from "../types.js";
import {
  COEF_ADDRESS,
  DATA_ADDRESS,
  type KernelFunction,
  type SpreadInterpModule,
  spreadInterpModule,
} from "./module.js";

/** Points per chunk: coordinates + gathered strengths of a chunk (56 KiB x 4 in 3-D) stay in L2. */
export const CHUNK_POINTS = 4096;

/**
 * Most cells of the subgrid held in wasm memory (2^22 cells = 64 MiB): the box of the whole
 * fine grid plus halo in the benchmarked sizes (1030^2, 135^3, 2^21 + 7); larger problems are
 * split into groups of points with smaller boxes.
 */
const MAX_BOX_CELLS = 1 << 22;
let maxBoxCells = MAX_BOX_CELLS;

/** Override the subgrid cap (undefined: back to MAX_BOX_CELLS); for tests of the split path. */
export function setMaxBoxCells(cells: number | undefined): void {
  maxBoxCells = cells ?? MAX_BOX_CELLS;
}

let enabled = true;

/** Turn the wasm path off (true: on, the default) to run the JS reference loops; for tests. */
export function setWasmSpreading(on: boolean): void {
  enabled = on;
}

/** The module for this kernel, null when disabled or unavailable. */
function moduleFor(kernel: PiecewisePoly): SpreadInterpModule | null {
  if (!enabled) return null;
  return spreadInterpModule(kernel.width, kernel.degree);
}

/** Box (offset, shape per dimension) of the grid the target array is laid out on. */
export interface TargetBox {
  readonly offset: readonly number[];
  readonly shape: readonly number[];
  readonly periodic: boolean;
}

interface Layout {
  readonly f64: Float64Array;
  readonly u32: Uint32Array;
  /** Byte addresses: chunk coordinates (dimension d at x + 8 d CHUNK_POINTS), chunk values. */
  readonly x: number;
  readonly c: number;
  /** Permutation entries, all complex values of one transform, the subgrid. */
  readonly perm: number;
  readonly values: number;
  readonly sub: number;
}

/** Grow the module's memory to at least `bytes`; false when the engine refuses. */
function reserve(mod: SpreadInterpModule, bytes: number): boolean {
  const have = mod.memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    mod.memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/** Bytes `layout` needs for these counts. */
function layoutBytes(nPerm: number, nValues: number, cells: number): number {
  return DATA_ADDRESS + 40 * CHUNK_POINTS + 16 * Math.ceil(nPerm / 4) + 16 * nValues + 16 * cells;
}

/**
 * Write the coefficient table and make room for nPerm permutation entries, nValues complex
 * values and a subgrid of `cells` cells (memory grows, never shrinks: a module keeps its largest
 * problem's memory).
 */
function layout(
  mod: SpreadInterpModule,
  kernel: PiecewisePoly,
  nPerm: number,
  nValues: number,
  cells: number,
): Layout {
  const x = DATA_ADDRESS;
  const c = x + 24 * CHUNK_POINTS;
  const perm = c + 16 * CHUNK_POINTS;
  const values = perm + 16 * Math.ceil(nPerm / 4);
  const sub = values + 16 * nValues;
  reserve(mod, sub + 16 * cells);
  const f64 = new Float64Array(mod.memory.buffer);
  const u32 = new Uint32Array(mod.memory.buffer);
  const { width, degree, coeffs } = kernel;
  const pairs = Math.ceil(width / 2);
  const t = COEF_ADDRESS / 8;
  for (let d = 0; d <= degree; d++) {
    for (let j = 0; j < 2 * pairs; j++) {
      f64[t + 2 * (d * pairs) + j] = j < width ? coeffs[j * (degree + 1) + d] : 0;
    }
  }
  return { f64, u32, x, c, perm, values, sub };
}

/** Smallest box holding the footprints of sorted points [lo, hi) (as subproblemBounds). */
function chunkBox(geom: SpreadGeometry, lo: number, hi: number, offset: number[], shape: number[]) {
  const w = geom.kernel.width;
  let cells = 1;
  for (let d = 0; d < geom.dim; d++) {
    const c = geom.coords[d];
    let min = c[lo];
    let max = c[lo];
    for (let i = lo + 1; i < hi; i++) {
      const v = c[i];
      if (v < min) min = v;
      else if (v > max) max = v;
    }
    offset[d] = Math.ceil(min - w / 2);
    shape[d] = Math.ceil(max - w / 2) + w - offset[d];
    cells *= shape[d];
  }
  for (let d = geom.dim; d < 3; d++) {
    offset[d] = 0;
    shape[d] = 1;
  }
  return cells;
}

/**
 * A box holding every footprint of points in [0, n_d) per dimension (chunkBox's formula with
 * min 0 and max n_d): used for all the points, instead of scanning their coordinates.
 */
function wholeGridBox(geom: SpreadGeometry, offset: number[], shape: number[]): number {
  const w = geom.kernel.width;
  let cells = 1;
  for (let d = 0; d < 3; d++) {
    if (d < geom.dim) {
      offset[d] = Math.ceil(-w / 2);
      shape[d] = Math.ceil(geom.grid[d] - w / 2) + w - offset[d];
    } else {
      offset[d] = 0;
      shape[d] = 1;
    }
    cells *= shape[d];
  }
  return cells;
}

/**
 * Runs of one dimension: box index a (0..len) maps to target index (off + a - targetOff),
 * wrapped into [0, n) when periodic. Writes [boxStart, targetStart, count] triples, returns
 * how many.
 */
function runs(
  off: number,
  len: number,
  target: number,
  n: number,
  periodic: boolean,
  out: number[],
): number {
  if (!periodic) {
    out[0] = 0;
    out[1] = off - target;
    out[2] = len;
    return 1;
  }
  let k = 0;
  let a = 0;
  while (a < len) {
    const g = (((off + a) % n) + n) % n;
    const count = Math.min(len - a, n - g);
    out[3 * k] = a;
    out[3 * k + 1] = g;
    out[3 * k + 2] = count;
    k++;
    a += count;
  }
  return k;
}

/** Wrapped (or shifted) index of box index a in one dimension. */
function mapIndex(off: number, a: number, target: number, n: number, periodic: boolean): number {
  if (!periodic) return off + a - target;
  return (((off + a) % n) + n) % n;
}

/** What transferBox does with the target's cells. */
enum Transfer {
  /** target += box (wrapped or shifted). */
  Add,
  /** box = target (wrapped): the gather before interpolation. */
  Gather,
  /**
   * target = box folded: `box` is the whole-grid box (wholeGridBox), whose central cells
   * cover every target cell exactly once: those are copied (memcpy), the halo added after.
   */
  Overwrite,
  /** target = box, the target a non-periodic subgrid with exactly the box's offset and shape. */
  Copy,
}

/** Move the box at f64[subStart..] (offset, shape) to or from `target` laid out as `box`. */
function transferBox(
  f64: Float64Array,
  subStart: number,
  offset: readonly number[],
  shape: readonly number[],
  target: Float64Array,
  box: TargetBox,
  dim: number,
  mode: Transfer,
): void {
  if (mode === Transfer.Copy) {
    const cells = shape[0] * shape[1] * shape[2];
    target.set(f64.subarray(subStart, subStart + 2 * cells));
    return;
  }
  const xRuns: number[] = [];
  const nRuns = runs(offset[0], shape[0], box.offset[0], box.shape[0], box.periodic, xRuns);
  const n0 = box.shape[0];
  const n1 = dim > 1 ? box.shape[1] : 1;
  const n2 = dim > 2 ? box.shape[2] : 1;
  // Box index of target cell 0 per dimension (Overwrite only: offsets are <= 0 there).
  const o0 = -offset[0];
  const o1 = dim > 1 ? -offset[1] : 0;
  const o2 = dim > 2 ? -offset[2] : 0;
  if (mode === Transfer.Overwrite) {
    for (let c = 0; c < n2; c++) {
      for (let b = 0; b < n1; b++) {
        const q = subStart + 2 * (((c + o2) * shape[1] + b + o1) * shape[0] + o0);
        target.set(f64.subarray(q, q + 2 * n0), 2 * (c * n1 + b) * n0);
      }
    }
  }
  for (let c = 0; c < shape[2]; c++) {
    const tz = dim > 2 ? mapIndex(offset[2], c, box.offset[2], n2, box.periodic) : 0;
    const zCentral = c >= o2 && c < o2 + n2;
    for (let b = 0; b < shape[1]; b++) {
      const ty = dim > 1 ? mapIndex(offset[1], b, box.offset[1], n1, box.periodic) : 0;
      const central = zCentral && b >= o1 && b < o1 + n1;
      const targetRow = (tz * n1 + ty) * n0;
      const subRow = subStart + 2 * (c * shape[1] + b) * shape[0];
      for (let r = 0; r < nRuns; r++) {
        const start = xRuns[3 * r];
        const count = xRuns[3 * r + 2];
        let q = subRow + 2 * start;
        let p = 2 * (targetRow + xRuns[3 * r + 1]);
        const stop = q + 2 * count;
        if (mode === Transfer.Gather) {
          f64.set(target.subarray(p, p + 2 * count), q);
        } else if (mode === Transfer.Add || !central || start !== o0 || count !== n0) {
          for (; q < stop; q++, p++) target[p] += f64[q];
        }
      }
    }
  }
}

interface Group {
  readonly lo: number;
  readonly hi: number;
  readonly offset: number[];
  readonly shape: number[];
  readonly cells: number;
}

/**
 * Split sorted points [start, end) into groups whose footprint boxes have at most
 * maxBoxCells cells, by halving (one group in the common case: all the points with the whole
 * fine grid plus halo as box, wholeGridBox, which needs no scan of the coordinates).
 */
function groups(geom: SpreadGeometry, start: number, end: number, out: Group[] = []): Group[] {
  if (start >= end) return out;
  const offset = [0, 0, 0];
  const shape = [1, 1, 1];
  const cells =
    start === 0 && end === geom.nPoints
      ? wholeGridBox(geom, offset, shape)
      : chunkBox(geom, start, end, offset, shape);
  if (cells <= maxBoxCells || end - start === 1) {
    out.push({ lo: start, hi: end, offset, shape, cells });
    return out;
  }
  const mid = start + ((end - start) >> 1);
  groups(geom, start, mid, out);
  return groups(geom, mid, end, out);
}

/** Largest box of the groups. */
function maxCells(list: readonly Group[]): number {
  let c = 0;
  for (const g of list) c = Math.max(c, g.cells);
  return c;
}

/**
 * Most points whose whole strength / output block is copied into wasm memory for the wasm
 * gather / scatter (2^24 points = 256 MiB); above it the permuted copies run in JS.
 */
const MAX_VALUES = 1 << 24;

/** Copy the chunk's coordinates into wasm memory. */
function copyCoords(geom: SpreadGeometry, L: Layout, lo: number, hi: number): void {
  for (let d = 0; d < geom.dim; d++) {
    L.f64.set(geom.coords[d].subarray(lo, hi), L.x / 8 + d * CHUNK_POINTS);
  }
}

/** Run one kernel function on the chunk [lo, hi) against the box offset / shape at L.sub. */
function runKernel(
  fn: KernelFunction,
  L: Layout,
  n: number,
  offset: readonly number[],
  shape: readonly number[],
): void {
  const px = L.x;
  fn(
    n,
    px,
    px + 8 * CHUNK_POINTS,
    px + 16 * CHUNK_POINTS,
    L.c,
    L.sub,
    offset[0],
    offset[1],
    offset[2],
    shape[0],
    shape[1],
  );
}

/**
 * Spread sorted points [start, end) (strengths through geom.perm from complex index
 * strengthOffset) into `target` laid out as `box`. False when the wasm path is unavailable.
 * Strengths are gathered in wasm (the transform's whole block copied in once) when the range
 * covers at least a quarter of the points, else by a JS loop straight from the caller's array.
 */
export function spreadRangeWasm(
  geom: SpreadGeometry,
  start: number,
  end: number,
  strengths: ComplexArray,
  strengthOffset: number,
  target: Float64Array,
  box: TargetBox,
): boolean {
  return spreadWasm(geom, start, end, strengths, strengthOffset, target, box, false);
}

/**
 * grid = the spread of every point onto the whole periodic fine grid (its old contents
 * replaced, no separate zeroing pass when the points form one group). False when the wasm path
 * is unavailable.
 */
export function spreadWholeGridWasm(
  geom: SpreadGeometry,
  strengths: ComplexArray,
  strengthOffset: number,
  grid: Float64Array,
): boolean {
  const box: TargetBox = { offset: [0, 0, 0], shape: geom.grid, periodic: true };
  return spreadWasm(geom, 0, geom.nPoints, strengths, strengthOffset, grid, box, true);
}

/**
 * sub = the spread of sorted points [start, end) onto the NON-periodic subgrid with cell 0 at
 * grid index `offset` and the given shape (its old contents replaced). When the points' box
 * (chunkBox, the same formula as spread.ts's subproblemBounds) is exactly that subgrid, the
 * wasm box is copied out in one block, with no zeroing or adding pass over `sub`: the unit of
 * work of the parallel spreader (parallel/spread-interp.ts). False when the wasm path is
 * unavailable.
 */
export function spreadIntoSubgridWasm(
  geom: SpreadGeometry,
  start: number,
  end: number,
  strengths: ComplexArray,
  strengthOffset: number,
  sub: Float64Array,
  offset: readonly number[],
  shape: readonly number[],
): boolean {
  const box: TargetBox = { offset, shape, periodic: false };
  return spreadWasm(geom, start, end, strengths, strengthOffset, sub, box, true);
}

/** True when the group's box is exactly the target box (per dimension of the geometry). */
function sameBox(g: Group, box: TargetBox, dim: number): boolean {
  for (let d = 0; d < dim; d++) {
    if (g.offset[d] !== box.offset[d] || g.shape[d] !== box.shape[d]) return false;
  }
  return true;
}

function spreadWasm(
  geom: SpreadGeometry,
  start: number,
  end: number,
  strengths: ComplexArray,
  strengthOffset: number,
  target: Float64Array,
  box: TargetBox,
  overwrite: boolean,
): boolean {
  const mod = moduleFor(geom.kernel);
  if (!mod) return false;
  const { dim, perm } = geom;
  const m = geom.nPoints;
  const c0 = 2 * strengthOffset;
  const kernelFn = mod.spread[dim - 1];
  const wasmGather = 4 * (end - start) >= m && m <= MAX_VALUES;
  const list = groups(geom, start, end);
  // Make room first: if the engine refuses the memory, nothing has been touched yet and the
  // JS loops take over.
  if (!reserve(mod, layoutBytes(end - start, wasmGather ? m : 0, maxCells(list)))) return false;
  // Overwrite needs the single whole-grid group (groups()'s box for all the points).
  let mode = Transfer.Add;
  if (overwrite && !box.periodic) {
    if (list.length === 1 && sameBox(list[0], box, dim)) mode = Transfer.Copy;
    else target.fill(0, 0, 2 * box.shape.slice(0, dim).reduce((a, b) => a * b, 1));
  } else if (overwrite) {
    const o = [0, 0, 0];
    const sh = [1, 1, 1];
    if (m > 0 && wholeGridBox(geom, o, sh) <= maxBoxCells) mode = Transfer.Overwrite;
    else target.fill(0);
  }
  for (const { lo: gLo, hi: gHi, offset, shape, cells } of list) {
    const L = layout(mod, geom.kernel, wasmGather ? end - start : 0, wasmGather ? m : 0, cells);
    const { f64 } = L;
    if (wasmGather) {
      L.u32.set(perm.subarray(gLo, gHi), L.perm / 4 + (gLo - start));
      f64.set(strengths.subarray(c0, c0 + 2 * m), L.values / 8);
    }
    const s = L.sub / 8;
    f64.fill(0, s, s + 2 * cells);
    for (let lo = gLo; lo < gHi; lo += CHUNK_POINTS) {
      const hi = Math.min(gHi, lo + CHUNK_POINTS);
      copyCoords(geom, L, lo, hi);
      if (wasmGather) {
        mod.gather(hi - lo, L.perm + 4 * (lo - start), L.values, L.c, 0, 0, 0, 0, 0, 0, 0);
      } else {
        let q = L.c / 8;
        for (let i = lo; i < hi; i++, q += 2) {
          const j = c0 + 2 * perm[i];
          f64[q] = strengths[j];
          f64[q + 1] = strengths[j + 1];
        }
      }
      runKernel(kernelFn, L, hi - lo, offset, shape);
    }
    transferBox(f64, s, offset, shape, target, box, dim, mode);
  }
  return true;
}

/**
 * Interpolate sorted points [start, end) from the periodic fine grid into
 * out[outOffset + perm[i]] (complex). False when the wasm path is unavailable. The outputs are
 * scattered in wasm and copied out in one block when the range is all the points, else
 * written by a JS loop (a partial range must leave the other entries of `out` alone).
 */
export function interpRangeWasm(
  geom: SpreadGeometry,
  start: number,
  end: number,
  grid: Float64Array,
  out: ComplexArray,
  outOffset: number,
): boolean {
  const mod = moduleFor(geom.kernel);
  if (!mod) return false;
  const { dim, perm } = geom;
  const m = geom.nPoints;
  const o = 2 * outOffset;
  const kernelFn = mod.interp[dim - 1];
  const box: TargetBox = { offset: [0, 0, 0], shape: geom.grid, periodic: true };
  const wasmScatter = start === 0 && end === m && m <= MAX_VALUES;
  const list = groups(geom, start, end);
  if (!reserve(mod, layoutBytes(end - start, wasmScatter ? m : 0, maxCells(list)))) return false;
  let values = 0;
  for (const { lo: gLo, hi: gHi, offset, shape, cells } of list) {
    // The same layout for every group (the outputs accumulate in one block of m values).
    const L = layout(mod, geom.kernel, wasmScatter ? end - start : 0, wasmScatter ? m : 0, cells);
    const { f64 } = L;
    values = L.values;
    if (wasmScatter) L.u32.set(perm.subarray(gLo, gHi), L.perm / 4 + (gLo - start));
    transferBox(f64, L.sub / 8, offset, shape, grid, box, dim, Transfer.Gather);
    for (let lo = gLo; lo < gHi; lo += CHUNK_POINTS) {
      const hi = Math.min(gHi, lo + CHUNK_POINTS);
      copyCoords(geom, L, lo, hi);
      runKernel(kernelFn, L, hi - lo, offset, shape);
      if (wasmScatter) {
        mod.scatter(hi - lo, L.perm + 4 * (lo - start), L.c, L.values, 0, 0, 0, 0, 0, 0, 0);
      } else {
        let q = L.c / 8;
        for (let i = lo; i < hi; i++, q += 2) {
          const j = o + 2 * perm[i];
          out[j] = f64[q];
          out[j + 1] = f64[q + 1];
        }
      }
    }
  }
  if (wasmScatter && m > 0) {
    const f64 = new Float64Array(mod.memory.buffer, values, 2 * m);
    out.set(f64, o);
  }
  return true;
}
