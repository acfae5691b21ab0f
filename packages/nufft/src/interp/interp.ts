/**
 * Interpolation, the transpose of spreading: c_j = sum_l grid[l] psi(l_1 - G_j1) psi(l_2 - G_j2)
 * psi(l_3 - G_j3) over the w^d periodic footprint of point j. Points visited in bin-sorted order
 * (cache locality), results written to the caller's order through geometry.perm.
 */
import { evalKernel } from "../kernel/piecewise-poly.js";
import type { SpreadGeometry } from "../spread/geometry.js";
import type { ComplexArray } from "../types.js";
import { interpRangeWasm } from "../wasm/driver.js";

function footprint(
  width: number,
  geom: SpreadGeometry,
  g: number,
  n: number,
  ker: Float64Array,
  idx: Int32Array,
): void {
  const half = width / 2;
  const i1 = Math.ceil(g - half);
  evalKernel(geom.kernel, 2 * (i1 - g + half) - 1, ker);
  let base = i1;
  if (base < 0) base += n;
  for (let t = 0; t < width; t++) {
    let k = base + t;
    if (k >= n) k -= n;
    idx[t] = k;
  }
}

/** out[outOffset + j] (complex) = interpolated grid value at point j, for every point. */
export function interpAll(
  geom: SpreadGeometry,
  grid: Float64Array,
  out: ComplexArray,
  outOffset: number,
): void {
  interpRange(geom, 0, geom.nPoints, grid, out, outOffset);
}

/**
 * Interpolate the sorted points [start, end) (geometry order) from the periodic fine grid; the
 * unit of work for a parallel interpolator (disjoint ranges write disjoint outputs).
 */
export function interpRange(
  geom: SpreadGeometry,
  start: number,
  end: number,
  grid: Float64Array,
  out: ComplexArray,
  outOffset: number,
): void {
  // The WebAssembly SIMD path (wasm/driver.ts, bit-identical); the JS loops below are the
  // reference and the fallback where WebAssembly is unavailable.
  if (interpRangeWasm(geom, start, end, grid, out, outOffset)) return;
  const w = geom.kernel.width;
  const { dim, coords, perm } = geom;
  const kx = new Float64Array(w);
  const ky = new Float64Array(w);
  const kz = new Float64Array(w);
  const ix = new Int32Array(w);
  const iy = new Int32Array(w);
  const iz = new Int32Array(w);
  const n0 = geom.grid[0];
  const n1 = dim > 1 ? geom.grid[1] : 1;
  const o = 2 * outOffset;
  for (let i = start; i < end; i++) {
    footprint(w, geom, coords[0][i], n0, kx, ix);
    let re = 0;
    let im = 0;
    if (dim === 1) {
      for (let a = 0; a < w; a++) {
        const p = 2 * ix[a];
        re += grid[p] * kx[a];
        im += grid[p + 1] * kx[a];
      }
    } else if (dim === 2) {
      footprint(w, geom, coords[1][i], n1, ky, iy);
      for (let b = 0; b < w; b++) {
        const row = iy[b] * n0;
        let rr = 0;
        let ri = 0;
        for (let a = 0; a < w; a++) {
          const p = 2 * (row + ix[a]);
          rr += grid[p] * kx[a];
          ri += grid[p + 1] * kx[a];
        }
        re += rr * ky[b];
        im += ri * ky[b];
      }
    } else {
      footprint(w, geom, coords[1][i], n1, ky, iy);
      footprint(w, geom, coords[2][i], geom.grid[2], kz, iz);
      for (let c = 0; c < w; c++) {
        const plane = iz[c] * n1;
        let pr = 0;
        let pi = 0;
        for (let b = 0; b < w; b++) {
          const row = (plane + iy[b]) * n0;
          let rr = 0;
          let ri = 0;
          for (let a = 0; a < w; a++) {
            const p = 2 * (row + ix[a]);
            rr += grid[p] * kx[a];
            ri += grid[p + 1] * kx[a];
          }
          pr += rr * ky[b];
          pi += ri * ky[b];
        }
        re += pr * kz[c];
        im += pi * kz[c];
      }
    }
    const j = perm[i];
    out[o + 2 * j] = re;
    out[o + 2 * j + 1] = im;
  }
}
