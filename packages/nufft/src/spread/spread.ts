/**
 * Spreading: grid[l] += sum_j c_j psi(l_1 - G_j1) psi(l_2 - G_j2) psi(l_3 - G_j3), the kernel a
 * tensor product, so each point evaluates w values per dimension (piecewise polynomial)
 * and then adds a w^d block of c_j kx ky kz into the grid.
 *
 * Two targets:
 * - the whole fine grid, periodic (spreadAll): the w grid indices of a point in each dimension
 *   are built once per point with a conditional +-n (no modulo in the inner loop); most points
 *   do not straddle the edge, but the index array makes both cases the same loop;
 * - a caller-provided SUBGRID (spreadSubproblem), not periodic: it covers the footprints of a
 *   range of sorted points (subproblemBounds) and is folded into the fine grid afterwards with
 *   addSubgrid (periodic). This is the unit of work for a parallel spreader: nufft-B's worker
 *   pool gives each worker a range of sorted points (geometry.perm order) and a private subgrid,
 *   then adds the subgrids into the fine grid in any order (addition commutes; float rounding
 *   then differs from spreadAll only in the order of the sums).
 *
 * Strength arrays are interleaved complex (f64 or f32) read through geometry.perm, starting at
 * complex index `strengthOffset` (the block of one transform when nTransforms > 1).
 */
import { evalKernel } from "../kernel/piecewise-poly.js";
import type { ComplexArray } from "../types.js";
import { spreadRangeWasm, spreadWholeGridWasm } from "../wasm/driver.js";
import type { SpreadGeometry } from "./geometry.js";

export interface GridBox {
  /** Grid index (per dimension) of the box's first cell; may be negative for a subgrid. */
  readonly offset: readonly number[];
  /** Box size per dimension. */
  readonly shape: readonly number[];
  /** True for the whole fine grid (indices wrap), false for a subgrid (no wrap). */
  readonly periodic: boolean;
}

/** Per-call scratch: w kernel values and w grid indices per dimension. */
class Scratch {
  readonly ker: Float64Array[];
  readonly idx: Int32Array[];
  constructor(width: number) {
    this.ker = [new Float64Array(width), new Float64Array(width), new Float64Array(width)];
    this.idx = [new Int32Array(width), new Int32Array(width), new Int32Array(width)];
  }
}

/**
 * Kernel values and box-relative indices of one coordinate. Returns nothing; fills ker and idx.
 * u = 2 (i1 - G + w/2) - 1 in [-1, 1] is the panel variable of piecewise-poly.ts.
 */
function footprint(
  geom: SpreadGeometry,
  g: number,
  offset: number,
  n: number,
  periodic: boolean,
  ker: Float64Array,
  idx: Int32Array,
): void {
  const w = geom.kernel.width;
  const half = w / 2;
  const i1 = Math.ceil(g - half);
  evalKernel(geom.kernel, 2 * (i1 - g + half) - 1, ker);
  let base = i1 - offset;
  if (periodic) {
    // i1 >= -w/2 - 1 and i1 + w <= n + w/2 + 1 because 0 <= G < n and n >= 2w: one wrap at most.
    if (base < 0) base += n;
    for (let t = 0; t < w; t++) {
      let k = base + t;
      if (k >= n) k -= n;
      idx[t] = k;
    }
  } else {
    for (let t = 0; t < w; t++) idx[t] = base + t;
  }
}

/**
 * Points per gather chunk: strengths are first copied into sorted order (a loop of independent
 * random reads the CPU overlaps, measured ~30% faster in 2-D than taking each cache miss inside
 * the spreading loop), 2048 at a time so the buffer stays in L1/L2.
 */
const GATHER_CHUNK = 2048;

/** The core loop: points [start, end) of the sorted order into `target` laid out as `box`. */
export function spreadRange(
  geom: SpreadGeometry,
  start: number,
  end: number,
  strengths: ComplexArray,
  strengthOffset: number,
  target: Float64Array,
  box: GridBox,
): void {
  // The WebAssembly SIMD path (wasm/driver.ts); the JS loops below are the reference and the
  // fallback where WebAssembly is unavailable.
  if (spreadRangeWasm(geom, start, end, strengths, strengthOffset, target, box)) return;
  const { perm } = geom;
  const gathered = new Float64Array(2 * GATHER_CHUNK);
  const c0 = 2 * strengthOffset;
  for (let lo = start; lo < end; lo += GATHER_CHUNK) {
    const hi = Math.min(end, lo + GATHER_CHUNK);
    for (let i = lo; i < hi; i++) {
      const j = perm[i];
      gathered[2 * (i - lo)] = strengths[c0 + 2 * j];
      gathered[2 * (i - lo) + 1] = strengths[c0 + 2 * j + 1];
    }
    spreadSorted(geom, lo, hi, gathered, target, box);
  }
}

/** Spread sorted points [start, end) whose strengths are gathered[2 (i - start)], in order. */
function spreadSorted(
  geom: SpreadGeometry,
  start: number,
  end: number,
  gathered: Float64Array,
  target: Float64Array,
  box: GridBox,
): void {
  const w = geom.kernel.width;
  const { dim, coords } = geom;
  const s = new Scratch(w);
  const [kx, ky, kz] = s.ker;
  const [ix, iy, iz] = s.idx;
  const n0 = box.shape[0];
  const n1 = dim > 1 ? box.shape[1] : 1;
  for (let i = start; i < end; i++) {
    const cr = gathered[2 * (i - start)];
    const ci = gathered[2 * (i - start) + 1];
    footprint(geom, coords[0][i], box.offset[0], n0, box.periodic, kx, ix);
    if (dim === 1) {
      for (let a = 0; a < w; a++) {
        const p = 2 * ix[a];
        target[p] += cr * kx[a];
        target[p + 1] += ci * kx[a];
      }
      continue;
    }
    footprint(geom, coords[1][i], box.offset[1], n1, box.periodic, ky, iy);
    if (dim === 2) {
      const xContiguous = ix[w - 1] === ix[0] + w - 1;
      for (let b = 0; b < w; b++) {
        const row = iy[b] * n0;
        const vr = cr * ky[b];
        const vi = ci * ky[b];
        if (xContiguous) {
          // Common case (footprint does not wrap in x): one base index, unit stride.
          let p = 2 * (row + ix[0]);
          for (let a = 0; a < w; a++, p += 2) {
            target[p] += vr * kx[a];
            target[p + 1] += vi * kx[a];
          }
        } else {
          for (let a = 0; a < w; a++) {
            const p = 2 * (row + ix[a]);
            target[p] += vr * kx[a];
            target[p + 1] += vi * kx[a];
          }
        }
      }
      continue;
    }
    footprint(geom, coords[2][i], box.offset[2], box.shape[2], box.periodic, kz, iz);
    const xContiguous = ix[w - 1] === ix[0] + w - 1;
    for (let c = 0; c < w; c++) {
      const plane = iz[c] * n1;
      const zr = cr * kz[c];
      const zi = ci * kz[c];
      for (let b = 0; b < w; b++) {
        const row = (plane + iy[b]) * n0;
        const vr = zr * ky[b];
        const vi = zi * ky[b];
        if (xContiguous) {
          let p = 2 * (row + ix[0]);
          for (let a = 0; a < w; a++, p += 2) {
            target[p] += vr * kx[a];
            target[p + 1] += vi * kx[a];
          }
        } else {
          for (let a = 0; a < w; a++) {
            const p = 2 * (row + ix[a]);
            target[p] += vr * kx[a];
            target[p + 1] += vi * kx[a];
          }
        }
      }
    }
  }
}

/** Spread every point onto the whole (zeroed here) periodic fine grid. */
export function spreadAll(
  geom: SpreadGeometry,
  strengths: ComplexArray,
  strengthOffset: number,
  grid: Float64Array,
): void {
  if (spreadWholeGridWasm(geom, strengths, strengthOffset, grid)) return;
  grid.fill(0);
  const box: GridBox = { offset: [0, 0, 0], shape: geom.grid, periodic: true };
  spreadRange(geom, 0, geom.nPoints, strengths, strengthOffset, grid, box);
}

/** Smallest box holding the footprints of sorted points [start, end): offset and shape per dim. */
export function subproblemBounds(
  geom: SpreadGeometry,
  start: number,
  end: number,
): { offset: number[]; shape: number[] } {
  const w = geom.kernel.width;
  const offset: number[] = [];
  const shape: number[] = [];
  for (let d = 0; d < geom.dim; d++) {
    const c = geom.coords[d];
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) {
      if (c[i] < lo) lo = c[i];
      if (c[i] > hi) hi = c[i];
    }
    if (start >= end) {
      lo = 0;
      hi = 0;
    }
    const first = Math.ceil(lo - w / 2);
    offset.push(first);
    shape.push(Math.ceil(hi - w / 2) + w - first);
  }
  return { offset, shape };
}

/**
 * Spread sorted points [start, end) into a caller-provided, zeroed subgrid `sub`
 * (2 * prod(subShape) doubles, x fastest) whose cell 0 is fine-grid index subOffset. Use
 * subproblemBounds for the box and addSubgrid to fold the result into the fine grid.
 */
export function spreadSubproblem(
  geom: SpreadGeometry,
  start: number,
  end: number,
  strengths: ComplexArray,
  strengthOffset: number,
  sub: Float64Array,
  subOffset: readonly number[],
  subShape: readonly number[],
): void {
  spreadRange(geom, start, end, strengths, strengthOffset, sub, {
    offset: subOffset,
    shape: subShape,
    periodic: false,
  });
}

/** grid += sub, the subgrid placed at subOffset with periodic wrapping into the fine grid. */
export function addSubgrid(
  sub: Float64Array,
  subOffset: readonly number[],
  subShape: readonly number[],
  grid: Float64Array,
  gridShape: readonly number[],
): void {
  const dim = gridShape.length;
  const s0 = subShape[0];
  const s1 = dim > 1 ? subShape[1] : 1;
  const s2 = dim > 2 ? subShape[2] : 1;
  const n0 = gridShape[0];
  const n1 = dim > 1 ? gridShape[1] : 1;
  const n2 = dim > 2 ? gridShape[2] : 1;
  const wrap = (k: number, n: number): number => ((k % n) + n) % n;
  const xIndex = new Int32Array(s0);
  for (let a = 0; a < s0; a++) xIndex[a] = wrap(subOffset[0] + a, n0);
  for (let c = 0; c < s2; c++) {
    const gz = dim > 2 ? wrap(subOffset[2] + c, n2) : 0;
    for (let b = 0; b < s1; b++) {
      const gy = dim > 1 ? wrap(subOffset[1] + b, n1) : 0;
      const row = (gz * n1 + gy) * n0;
      const subRow = (c * s1 + b) * s0;
      for (let a = 0; a < s0; a++) {
        const p = 2 * (row + xIndex[a]);
        const q = 2 * (subRow + a);
        grid[p] += sub[q];
        grid[p + 1] += sub[q + 1];
      }
    }
  }
}
