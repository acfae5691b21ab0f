/**
 * The n-D driver. A transform over several axes of a strided array is a sequence of 1-D passes,
 * one per axis; each pass loops over every line along its axis (all index combinations of the
 * other axes, row-major, so consecutive lines are neighbours in memory) and, per line:
 *
 *   - calls the engine directly on the strided data when the line can be addressed as the
 *     engine's contract wants it (interleaved complex at even offsets/strides, same length in
 *     and out), which avoids any copy;
 *   - otherwise gathers the line into the kernel's contiguous buffer, zero-padding or truncating
 *     it to the transform length (numpy's `n` / `s`), runs the kernel, and scatters the result
 *     (truncated or zero-filled to the destination's length along the axis).
 *
 * The first pass reads the input and writes the output; the others work in place on the output.
 * Because padding and truncation along one axis commute with transforms along the others, the
 * first pass also resizes every other axis: it iterates over the OUTPUT's lines and reads zeros
 * where a line lies outside the input.
 *
 * The work-area path (end of file) comes first where it applies (float64 or float32 data, no
 * axis resized, a contiguous interleaved destination, some pass over a strided axis, at most
 * MAX_WORK elements): the array is brought once into a WebAssembly memory owned by a cached
 * transposer (lines.ts), by its first pass where that runs along the last axis (else by one
 * copy), every strided pass transposes BLOCK columns at a time into a contiguous scratch there,
 * runs the engine's contiguous transforms on its rows and transposes back, and one copy (or the
 * irfft of the last pass) writes the destination. The engine's strided execute copies each line
 * element by element in JavaScript (~2.5x a contiguous transform), and so would any gather
 * written in JavaScript; the wasm transposes cost ~1/4 of a contiguous pass. Intermediate
 * results stay float64 there, also for float32 data. 256^2 complex f64 fft2: ~1.3 ms -> ~0.6 ms.
 *
 * Elsewhere (resized axes, split or strided destinations, hfft/ihfft conjugation) every
 * engine-addressable line goes direct and only split, odd-strided, resized or conjugated lines
 * are gathered.
 */
import type { Arr, Plane } from "./layout.js";
import { allocArr } from "./layout.js";
import {
  blockTransposer,
  c2cKernel,
  c2rKernel,
  type LineKernel,
  r2cKernel,
  type Transposer,
} from "./lines.js";

export interface PassOptions {
  /** Negate Im of the input while gathering (hfft). */
  conjIn?: boolean;
  /** Negate Im of the output while scattering (ihfft). */
  conjOut?: boolean;
  /**
   * Run the transform straight on strided data: offsets and strides in complex elements for
   * complex data, in reals for real data. Called only when the line needs no resizing.
   */
  direct?: (
    src: Plane["data"],
    so: number,
    ss: number,
    dst: Plane["data"],
    d0: number,
    ds: number,
  ) => void;
}

/** Is this complex array interleaved with even offsets and strides (engine-addressable)? */
function interleavedEven(a: Arr): boolean {
  if (!a.im || a.im.data !== a.re.data || a.im.offset !== a.re.offset + 1 || a.re.offset % 2 !== 0)
    return false;
  for (let i = 0; i < a.shape.length; i++) {
    if (a.re.stride[i] % 2 !== 0 || a.im.stride[i] !== a.re.stride[i]) return false;
  }
  return true;
}

/** One pass: transform every line of `src` along `axis` with kernel k into `dst`. */
export function alongAxis(
  src: Arr,
  dst: Arr,
  axis: number,
  k: LineKernel,
  step: () => void,
  opts: PassOptions = {},
): void {
  const rank = dst.shape.length;
  const nDst = dst.shape[axis];
  const nSrc = src.shape[axis];
  const dims: number[] = [];
  for (let d = 0; d < rank; d++) if (d !== axis) dims.push(d);
  let total = 1;
  for (const d of dims) total *= dst.shape[d];
  if (total === 0 || nDst === 0) return;

  const nb = dims.length;
  const size = dims.map((d) => dst.shape[d]);
  const srcSize = dims.map((d) => src.shape[d]);
  const sRe = src.re;
  const sIm = src.im;
  const dRe = dst.re;
  const dIm = dst.im;
  const sReSt = dims.map((d) => sRe.stride[d]);
  const sImSt = sIm ? dims.map((d) => sIm.stride[d]) : [];
  const dReSt = dims.map((d) => dRe.stride[d]);
  const dImSt = dIm ? dims.map((d) => dIm.stride[d]) : [];
  const sReA = sRe.stride[axis];
  const sImA = sIm ? sIm.stride[axis] : 0;
  const dReA = dRe.stride[axis];
  const dImA = dIm ? dIm.stride[axis] : 0;

  const conjIn = opts.conjIn === true;
  const conjOut = opts.conjOut === true;
  const direct =
    opts.direct &&
    !conjIn &&
    !conjOut &&
    nSrc === k.inLen &&
    nDst === k.outLen &&
    (k.inComplex ? interleavedEven(src) : src.im === null) &&
    (k.outComplex ? interleavedEven(dst) : dst.im === null)
      ? opts.direct
      : undefined;

  const inp = k.input;
  const out = k.output;
  const m = Math.min(nSrc, k.inLen);
  const w = Math.min(k.outLen, nDst);

  const idx = new Array<number>(nb).fill(0);
  let so = sRe.offset;
  let si = sIm ? sIm.offset : 0;
  let dor = dRe.offset;
  let doi = dIm ? dIm.offset : 0;
  // Number of batch dims whose index lies beyond the source (those lines read as zeros).
  let outside = 0;
  for (let b = 0; b < nb; b++) if (srcSize[b] === 0) outside++;

  for (let line = 0; line < total; line++) {
    const valid = outside === 0;
    if (direct && valid) {
      // offsets and strides in complex elements for complex data, in reals for real data
      const ci = k.inComplex ? 1 : 0;
      const co = k.outComplex ? 1 : 0;
      direct(sRe.data, so >> ci, sReA >> ci, dRe.data, dor >> co, dReA >> co);
    } else {
      // gather
      const mm = valid ? m : 0;
      if (k.inComplex) {
        const rd = sRe.data;
        for (let j = 0, p = so; j < mm; j++, p += sReA) inp[2 * j] = rd[p];
        if (sIm) {
          const id = sIm.data;
          if (conjIn) for (let j = 0, p = si; j < mm; j++, p += sImA) inp[2 * j + 1] = -id[p];
          else for (let j = 0, p = si; j < mm; j++, p += sImA) inp[2 * j + 1] = id[p];
        } else {
          for (let j = 0; j < mm; j++) inp[2 * j + 1] = 0;
        }
        inp.fill(0, 2 * mm, 2 * k.inLen);
      } else {
        const rd = sRe.data;
        for (let j = 0, p = so; j < mm; j++, p += sReA) inp[j] = rd[p];
        inp.fill(0, mm, k.inLen);
      }
      step();
      // scatter
      const rd = dRe.data;
      if (k.outComplex) {
        for (let j = 0, p = dor; j < w; j++, p += dReA) rd[p] = out[2 * j];
        for (let j = w, p = dor + w * dReA; j < nDst; j++, p += dReA) rd[p] = 0;
        if (dIm) {
          const id = dIm.data;
          if (conjOut) for (let j = 0, p = doi; j < w; j++, p += dImA) id[p] = -out[2 * j + 1];
          else for (let j = 0, p = doi; j < w; j++, p += dImA) id[p] = out[2 * j + 1];
          for (let j = w, p = doi + w * dImA; j < nDst; j++, p += dImA) id[p] = 0;
        }
      } else {
        for (let j = 0, p = dor; j < w; j++, p += dReA) rd[p] = out[j];
        for (let j = w, p = dor + w * dReA; j < nDst; j++, p += dReA) rd[p] = 0;
        if (dIm) {
          const id = dIm.data;
          for (let j = 0, p = doi; j < nDst; j++, p += dImA) id[p] = 0;
        }
      }
    }
    // next line (odometer over the batch dims, last fastest)
    for (let b = nb - 1; b >= 0; b--) {
      const i = ++idx[b];
      so += sReSt[b];
      if (sIm) si += sImSt[b];
      dor += dReSt[b];
      if (dIm) doi += dImSt[b];
      if (i === srcSize[b]) outside++;
      if (i < size[b]) break;
      idx[b] = 0;
      so -= i * sReSt[b];
      if (sIm) si -= i * sImSt[b];
      dor -= i * dReSt[b];
      if (dIm) doi -= i * dImSt[b];
      if (i >= srcSize[b] && srcSize[b] > 0) outside--;
    }
  }
}

/**
 * Copy src into dst, zero-padding or truncating every axis to dst's sizes (real src gives Im 0;
 * complex into real keeps Re).
 */
export function copyInto(src: Arr, dst: Arr): void {
  const rank = dst.shape.length;
  if (rank === 0) {
    dst.re.data[dst.re.offset] = src.re.data[src.re.offset];
    if (dst.im) dst.im.data[dst.im.offset] = src.im ? src.im.data[src.im.offset] : 0;
    return;
  }
  const n = dst.shape[rank - 1];
  const complex = dst.im !== null;
  const buf = new Float64Array((complex ? 2 : 1) * n);
  const k: LineKernel = {
    inLen: n,
    outLen: n,
    inComplex: complex,
    outComplex: complex,
    input: buf,
    output: buf,
  };
  alongAxis(src, dst, rank - 1, k, () => {});
}

/**
 * The scale factor of the pass along axes[i] (transform length n). The n-D transforms multiply
 * the factors of all their passes, so numpy's norms are one factor per axis.
 */
export type AxisScale = (n: number, i: number) => number;

/**
 * Complex transform over `axes` (lengths: the sizes of dst along them). Axes are processed last
 * to first, as numpy does.
 */
export function c2cND(
  src: Arr,
  dst: Arr,
  axes: number[],
  direction: -1 | 1,
  scale: AxisScale,
  opts: PassOptions = {},
): void {
  if (axes.length === 0) {
    copyInto(src, dst);
    return;
  }
  const sc = axes.map((a, i) => scale(dst.shape[a], i));
  if (!opts.conjIn && !opts.conjOut && c2cInWork(src, dst, axes, direction, sc)) return;
  let from = src;
  for (let i = axes.length - 1; i >= 0; i--) {
    const n = dst.shape[axes[i]];
    const k = c2cKernel(n, dst.dtype);
    const s = sc[i];
    alongAxis(from, dst, axes[i], k, () => k.run(direction, s), {
      conjIn: from === src ? opts.conjIn : false,
      conjOut: i === 0 ? opts.conjOut : false,
      direct: (a, so, ss, b, d0, ds) => k.plan.execute(a, so, ss, b, d0, ds, direction, s),
    });
    from = dst;
  }
}

/**
 * Real-to-complex transform: rfft of length `lens[last]` along the last of `axes` (dst holds
 * n/2 + 1 there), then complex forward transforms along the others.
 */
export function r2cND(
  src: Arr,
  dst: Arr,
  axes: number[],
  lens: number[],
  scale: AxisScale,
  opts: PassOptions = {},
): void {
  const last = axes.length - 1;
  if (!opts.conjOut && r2cInWork(src, dst, axes, lens, (i) => scale(lens[i], i))) return;
  const n = lens[last];
  const k = r2cKernel(n, dst.dtype);
  const s = scale(n, last);
  alongAxis(src, dst, axes[last], k, () => k.run(s), {
    conjOut: last === 0 ? opts.conjOut : false,
    direct: (a, so, ss, b, d0, ds) => k.plan.forward(a, so, ss, b, d0, ds, s),
  });
  if (last > 0) c2cND(dst, dst, axes.slice(0, last), -1, scale, { conjOut: opts.conjOut });
}

/**
 * Complex-to-real transform (numpy's irfftn): complex inverse transforms along all but the last
 * of `axes` (lengths lens), then irfft to lens[last] real samples along the last.
 */
export function c2rND(
  src: Arr,
  dst: Arr,
  axes: number[],
  lens: number[],
  scale: AxisScale,
  opts: PassOptions = {},
): void {
  const last = axes.length - 1;
  if (!opts.conjIn && c2rInWork(src, dst, axes, lens, (i) => scale(lens[i], i))) return;
  let mid = src;
  if (last > 0) {
    const shape = src.shape.slice();
    for (let i = 0; i < last; i++) shape[axes[i]] = lens[i];
    mid = allocArr(shape, dst.dtype, true, "interleaved");
    c2cND(src, mid, axes.slice(0, last), 1, scale, { conjIn: opts.conjIn });
  }
  const n = lens[last];
  const k = c2rKernel(n, dst.dtype);
  const s = scale(n, last);
  alongAxis(mid, dst, axes[last], k, () => k.run(s), {
    conjIn: last === 0 ? opts.conjIn : false,
    direct: (a, so, ss, b, d0, ds) => k.plan.backward(a, so, ss, b, d0, ds, s),
  });
}

// ---- the work-area path -----------------------------------------------------------------------

/** Columns per block of a strided pass (gathered into a contiguous [BLOCK x n] scratch). */
const BLOCK = 16;
/** Padding (complex elements) of the scratch rows, so they do not alias in the caches. */
const PAD = 4;
/** Largest array (complex elements) the work-area path holds (16 MiB of float64). */
const MAX_WORK = 1 << 20;

/** Complex, interleaved and row-major contiguous (any offset)? */
function contiguousInterleaved(a: Arr): boolean {
  if (!interleavedEven(a)) return false;
  let st = 2;
  for (let d = a.shape.length - 1; d >= 0; d--) {
    if (a.shape[d] !== 1 && a.re.stride[d] !== st) return false;
    st *= a.shape[d];
  }
  return true;
}

/**
 * A work area in the transposer's memory holding a contiguous complex float64 array of `total`
 * elements (from complex offset `at`) after a scratch of BLOCK rows of `maxN + PAD`.
 */
interface Work {
  t: Transposer;
  view: Float64Array;
  /** Complex offset of the array. */
  at: number;
  /** Scratch row stride (complex). */
  sst: number;
}

/** The work area, or null where the transposer's memory cannot grow that far. */
function workArea(total: number, maxN: number): Work | null {
  const t = blockTransposer();
  if (t === null) return null;
  const sst = maxN + PAD;
  const at = (BLOCK * sst + 3) & ~3;
  let view: Float64Array;
  try {
    view = t.f64(2 * (at + total));
  } catch {
    return null; // memory.grow refused: take the strided path
  }
  return { t, view, at, sst };
}

/**
 * Transform the work array (shape `shape`) along `axis` in place with `run` (a contiguous
 * in-place 1-D transform of n complex values of w.view at a complex offset): directly on the
 * lines of the last axis; for other axes, BLOCK columns at a time transposed into the scratch.
 */
function passInWork(
  w: Work,
  shape: readonly number[],
  axis: number,
  run: (off: number) => void,
): void {
  const n = shape[axis];
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  if (inner === 1) {
    for (let l = 0, off = w.at; l < outer; l++, off += n) run(off);
    return;
  }
  const { t, sst } = w;
  const rowBytes = 16 * inner;
  const sBytes = 16 * sst;
  for (let o = 0; o < outer; o++) {
    const base = w.at + o * n * inner;
    for (let c0 = 0; c0 < inner; c0 += BLOCK) {
      const b = Math.min(BLOCK, inner - c0);
      const at = 16 * (base + c0);
      t.copy(at, rowBytes, 16, 0, 16, sBytes, n, b);
      for (let j = 0; j < b; j++) run(j * sst);
      t.copy(0, 16, sBytes, at, rowBytes, 16, n, b);
    }
  }
}

/**
 * Call f(l, so) for every line l (row-major order) along the last axis of `a`'s re plane, so
 * the line's first element offset (in floats).
 */
function forLines(a: Arr, f: (l: number, so: number) => void): void {
  const shape = a.shape;
  const nb = shape.length - 1;
  let lines = 1;
  for (let d = 0; d < nb; d++) lines *= shape[d];
  const st = a.re.stride;
  const idx = new Array<number>(nb).fill(0);
  let so = a.re.offset;
  for (let l = 0; l < lines; l++) {
    f(l, so);
    for (let b = nb - 1; b >= 0; b--) {
      so += st[b];
      if (++idx[b] < shape[b]) break;
      so -= idx[b] * st[b];
      idx[b] = 0;
    }
  }
}

/** Product of shape and whether some axis of `axes` is strided (has a non-trivial inner size). */
function workShape(
  shape: readonly number[],
  axes: readonly number[],
): { total: number; strided: boolean; maxN: number } {
  let total = 1;
  for (const d of shape) total *= d;
  let strided = false;
  let maxN = 1;
  for (const a of axes) {
    let inner = 1;
    for (let d = a + 1; d < shape.length; d++) inner *= shape[d];
    if (inner > 1 && shape[a] > 1) strided = true;
    maxN = Math.max(maxN, shape[a]);
  }
  return { total, strided, maxN };
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, k) => d === b[k]);

/** Complex passes along axes[i], i = from .. 0 (last to first), in the work area. */
function c2cPassesInWork(
  w: Work,
  shape: readonly number[],
  axes: readonly number[],
  from: number,
  direction: -1 | 1,
  sc: readonly number[],
  dtype: Arr["dtype"],
): void {
  const view = w.view;
  for (let i = from; i >= 0; i--) {
    const a = axes[i];
    const plan = c2cKernel(shape[a], dtype).plan;
    const s = sc[i];
    passInWork(w, shape, a, (off) => plan.execute(view, off, 1, view, off, 1, direction, s));
  }
}

/**
 * c2cND through the work area, when it applies: no axis resized, src engine-addressable, dst
 * contiguous interleaved, some transformed axis strided, the array small enough. The first
 * pass (or a plain copy) loads src into the work area, every pass runs on contiguous lines, and
 * one copy writes dst. Returns false (having done nothing) where it does not apply.
 */
function c2cInWork(src: Arr, dst: Arr, axes: number[], direction: -1 | 1, sc: number[]): boolean {
  const shape = dst.shape;
  const rank = shape.length;
  if (!sameShape(src.shape, shape)) return false;
  const { total, strided, maxN } = workShape(shape, axes);
  if (total === 0 || total > MAX_WORK || !strided) return false;
  if (!interleavedEven(src) || !contiguousInterleaved(dst)) return false;
  const first = axes[axes.length - 1];
  if (first !== rank - 1 && !contiguousInterleaved(src)) return false;
  const w = workArea(total, maxN);
  if (w === null) return false;
  const view = w.view;
  let i = axes.length - 1;
  if (first === rank - 1) {
    // first pass: src lines -> work lines (row-major, so line l at l * n)
    const n = shape[first];
    const plan = c2cKernel(n, dst.dtype).plan;
    const s = sc[i];
    const data = src.re.data;
    const sA = src.re.stride[first] >> 1;
    forLines(src, (l, so) => plan.execute(data, so >> 1, sA, view, w.at + l * n, 1, direction, s));
    i--;
  } else {
    const o = src.re.offset;
    view.set(src.re.data.subarray(o, o + 2 * total), 2 * w.at);
  }
  c2cPassesInWork(w, shape, axes, i, direction, sc, dst.dtype);
  dst.re.data.set(view.subarray(2 * w.at, 2 * (w.at + total)), dst.re.offset);
  return true;
}

/**
 * r2cND through the work area (same conditions as c2cInWork, the rfft axis last in memory):
 * the rfft of every line of src lands in the work area, the complex passes run there, one copy
 * writes dst.
 */
function r2cInWork(
  src: Arr,
  dst: Arr,
  axes: number[],
  lens: number[],
  sc: (i: number) => number,
): boolean {
  const shape = dst.shape;
  const rank = shape.length;
  const last = axes.length - 1;
  if (last === 0 || axes[last] !== rank - 1 || src.im !== null) return false;
  if (src.shape.length !== rank || src.shape[rank - 1] !== lens[last]) return false;
  for (let d = 0; d < rank - 1; d++) if (src.shape[d] !== shape[d]) return false;
  const { total, strided, maxN } = workShape(shape, axes.slice(0, last));
  if (total === 0 || total > MAX_WORK || !strided || !contiguousInterleaved(dst)) return false;
  const w = workArea(total, maxN);
  if (w === null) return false;
  const view = w.view;
  const m = shape[rank - 1];
  const plan = r2cKernel(lens[last], dst.dtype).plan;
  const s = sc(last);
  const data = src.re.data;
  const sA = src.re.stride[rank - 1];
  forLines(src, (l, so) => plan.forward(data, so, sA, view, w.at + l * m, 1, s));
  const scs = axes.map((_, i) => (i < last ? sc(i) : 1));
  c2cPassesInWork(w, shape, axes, last - 1, -1, scs, dst.dtype);
  dst.re.data.set(view.subarray(2 * w.at, 2 * (w.at + total)), dst.re.offset);
  return true;
}

/**
 * c2rND through the work area: src (contiguous interleaved, the half-spectrum axis last in
 * memory and not resized, no other transformed axis resized) is copied into the work area, the
 * complex inverse passes run there, and the irfft of every line writes dst directly.
 */
function c2rInWork(
  src: Arr,
  dst: Arr,
  axes: number[],
  lens: number[],
  sc: (i: number) => number,
): boolean {
  const shape = src.shape;
  const rank = shape.length;
  const last = axes.length - 1;
  if (last === 0 || axes[last] !== rank - 1 || dst.shape.length !== rank) return false;
  const n = lens[last];
  if (shape[rank - 1] !== (n >> 1) + 1 || dst.shape[rank - 1] !== n) return false;
  for (let d = 0; d < rank - 1; d++) if (dst.shape[d] !== shape[d]) return false;
  const { total, strided, maxN } = workShape(shape, axes.slice(0, last));
  if (total === 0 || total > MAX_WORK || !strided || !contiguousInterleaved(src)) return false;
  const w = workArea(total, maxN);
  if (w === null) return false;
  const view = w.view;
  const o = src.re.offset;
  view.set(src.re.data.subarray(o, o + 2 * total), 2 * w.at);
  const scs = axes.map((_, i) => (i < last ? sc(i) : 1));
  c2cPassesInWork(w, shape, axes, last - 1, 1, scs, dst.dtype);
  const m = shape[rank - 1];
  const plan = c2rKernel(n, dst.dtype).plan;
  const s = sc(last);
  const data = dst.re.data;
  const dA = dst.re.stride[rank - 1];
  forLines(dst, (l, d0) => plan.backward(view, w.at + l * m, 1, data, d0, dA, s));
  return true;
}
