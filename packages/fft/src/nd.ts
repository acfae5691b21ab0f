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
 * Measured here (256^2 and 512^2 complex): the engine's strided execute on a column is faster
 * than gathering it (even in blocks of 16 neighbouring columns, which cost more in copies than
 * they saved in cache misses), so every engine-addressable line goes direct and only split,
 * odd-strided, resized or conjugated lines are gathered.
 */
import type { Arr, Plane } from "./layout.js";
import { allocArr } from "./layout.js";
import { c2cKernel, c2rKernel, type LineKernel, r2cKernel } from "./lines.js";

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
