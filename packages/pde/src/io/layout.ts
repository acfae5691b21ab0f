/**
 * Axis permutation of dense row-major arrays. MATLAB (and NPY with fortran_order) store arrays
 * column-major; a column-major array of shape S has exactly the bytes of a row-major array of
 * shape reverse(S). Reversing the axes therefore converts between the two conventions, which is
 * how FNO .mat files are written and read here.
 */
import { ShapeError } from "@modewise/tensor";

export type DenseArray = Float64Array | Float32Array | Int32Array | Uint8Array | BigInt64Array;

function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** out[i_perm[0], ..., i_perm[r-1]] = data[i_0, ..., i_{r-1}]: numpy's transpose(perm). */
export function permuteAxes<T extends DenseArray>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): T {
  return permuteAxesFor("permuteAxes", data, shape, perm);
}

/** permuteAxes with errors attributed to the public function `fn` that called it. */
function permuteAxesFor<T extends DenseArray>(
  fn: string,
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): T {
  const rank = shape.length;
  // Negative or fractional dimensions can still multiply to data.length ([-2, -3] for 6
  // values) and would give negative strides and a silently scrambled result.
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(fn, "shape", "non-negative integer dimensions", `[${shape.join(", ")}]`);
  }
  if (product(shape) !== data.length) {
    throw new ShapeError(fn, "shape", `${data.length} elements`, `[${shape.join(", ")}]`);
  }
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) {
    throw new ShapeError(fn, "perm", `a permutation of 0..${rank - 1}`, `[${perm.join(", ")}]`);
  }
  const strides = new Array<number>(rank);
  let s = 1;
  for (let a = rank - 1; a >= 0; a--) {
    strides[a] = s;
    s *= shape[a];
  }
  const outShape = perm.map((p) => shape[p]);
  const srcStrides = perm.map((p) => strides[p]);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  if (data.length === 0) return out;
  if (rank === 0) {
    out[0] = data[0];
    return out;
  }
  // When the source's contiguous axis is not the output's, a plain loop reads (or writes) with
  // a large stride and misses the cache on every element; copy in square tiles instead.
  const tiledAxis = perm.indexOf(rank - 1);
  if (tiledAxis !== rank - 1 && outShape[rank - 1] >= TILE && outShape[tiledAxis] >= TILE) {
    tiledCopy(data, out, outShape, srcStrides, tiledAxis);
    return out;
  }
  // Odometer over the output index, the last output axis in a tight inner loop; the source
  // offset moves by the permuted strides.
  const last = rank - 1;
  const innerLength = outShape[last];
  const innerStride = srcStrides[last];
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < data.length; o += innerLength) {
    for (let k = 0, q = src; k < innerLength; k++, q += innerStride) out[o + k] = data[q];
    for (let a = last - 1; a >= 0; a--) {
      index[a]++;
      src += srcStrides[a];
      if (index[a] < outShape[a]) break;
      src -= srcStrides[a] * outShape[a];
      index[a] = 0;
    }
  }
  return out;
}

const TILE = 32;

/**
 * out (row-major in outShape) <- data, where output axis a moves the source offset by
 * srcStrides[a]. Tiles of TILE x TILE over the output's last axis (strided in the source) and
 * output axis `tiled` (contiguous in the source: srcStrides[tiled] = 1), an odometer over the rest.
 */
function tiledCopy(
  data: DenseArray,
  out: DenseArray,
  outShape: readonly number[],
  srcStrides: readonly number[],
  tiled: number,
): void {
  const rank = outShape.length;
  const last = rank - 1;
  const outStrides = new Array<number>(rank);
  let s = 1;
  for (let a = last; a >= 0; a--) {
    outStrides[a] = s;
    s *= outShape[a];
  }
  const nI = outShape[last];
  const nJ = outShape[tiled];
  const sI = srcStrides[last];
  const oJ = outStrides[tiled];
  const others = outShape.map((_, a) => a).filter((a) => a !== last && a !== tiled);
  const index = new Array<number>(others.length).fill(0);
  let outerCount = 1;
  for (const a of others) outerCount *= outShape[a];
  let src = 0;
  let dst = 0;
  for (let outer = 0; outer < outerCount; outer++) {
    for (let j0 = 0; j0 < nJ; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, nJ);
      for (let i0 = 0; i0 < nI; i0 += TILE) {
        const i1 = Math.min(i0 + TILE, nI);
        for (let j = j0; j < j1; j++) {
          const o = dst + j * oJ;
          const q = src + j; // srcStrides[tiled] = 1
          for (let i = i0; i < i1; i++) out[o + i] = data[q + i * sI];
        }
      }
    }
    for (let k = others.length - 1; k >= 0; k--) {
      const a = others[k];
      index[k]++;
      src += srcStrides[a];
      dst += outStrides[a];
      if (index[k] < outShape[a]) break;
      src -= srcStrides[a] * outShape[a];
      dst -= outStrides[a] * outShape[a];
      index[k] = 0;
    }
  }
}

/** Reverse all axes (row-major <-> column-major). Returns the data and the reversed shape. */
export function reverseAxes<T extends DenseArray>(
  data: T,
  shape: readonly number[],
): { data: T; shape: number[] } {
  const perm = shape.map((_, i) => shape.length - 1 - i);
  return { data: permuteAxesFor("reverseAxes", data, shape, perm), shape: [...shape].reverse() };
}
