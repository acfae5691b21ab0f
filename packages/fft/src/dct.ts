/**
 * Public DCT / DST functions with scipy.fft's signatures and semantics: dct, idct, dst, idst
 * along one axis, dctn, idctn, dstn, idstn over several. Real input and output (a typed array or
 * a strided view), float64 or float32. The transforms and their normalizations are defined in
 * r2r.ts; all are computed through FFTs in O(n log n).
 */
import { ValueError } from "@modewise/tensor";
import {
  type Arr,
  checkAxis,
  checkLength,
  checkNorm,
  checkOptions,
  checkSAxes,
  outputArr,
  realInput,
  requireNonEmpty,
  show,
  toPublic,
} from "./layout.js";
import { alongAxis, copyInto } from "./nd.js";
import {
  forwardSpec,
  inverseSpec,
  type R2RKind,
  type R2RSpec,
  type R2RType,
  r2rKernel,
} from "./r2r.js";
import type { Norm, RealInput, RealOut, SameResult } from "./types.js";

export interface DCTOptions {
  /** 1, 2 (default), 3 or 4. */
  type?: 1 | 2 | 3 | 4;
  /** Transform length: the input is zero-padded or truncated to n along `axis`. */
  n?: number;
  /** Axis of a view (default -1). */
  axis?: number;
  /** "backward" (default, scipy's None), "ortho" or "forward". */
  norm?: Norm;
  /**
   * scipy's `orthogonalize`: apply the endpoint scalings that make the "ortho" transform an
   * orthogonal matrix (types I-III; e.g. DCT-II divides y_0 by sqrt 2). Default: norm === "ortho".
   */
  orthogonalize?: boolean;
  out?: RealOut;
}

export interface DCTNOptions {
  type?: 1 | 2 | 3 | 4;
  /** Lengths along `axes` (-1 keeps the input's). */
  s?: readonly number[];
  /** Default: all axes (or the last s.length). */
  axes?: readonly number[];
  norm?: Norm;
  orthogonalize?: boolean;
  out?: RealOut;
}

function checkType(t: unknown, fn: string): R2RType {
  if (t === undefined || t === null) return 2;
  if (t !== 1 && t !== 2 && t !== 3 && t !== 4)
    throw new ValueError(fn, "type", "1, 2, 3 or 4", show(t));
  return t;
}

function checkOrth(v: unknown, norm: Norm, fn: string): boolean {
  if (v === undefined || v === null) return norm === "ortho";
  if (typeof v !== "boolean") throw new ValueError(fn, "orthogonalize", "a boolean", show(v));
  return v;
}

/** The spec of dct/dst (or its inverse) at length n. */
export function r2rSpec(
  kind: R2RKind,
  type: R2RType,
  n: number,
  norm: Norm,
  orth: boolean,
  inverse: boolean,
  fn: string,
): R2RSpec {
  if (kind === "dct" && type === 1 && n < 2) {
    throw new ValueError(
      fn,
      "n",
      "a length >= 2 (DCT-I is not defined for fewer than 2 points)",
      String(n),
    );
  }
  const f = forwardSpec(kind, type, n, norm, orth);
  return inverse ? inverseSpec(f, n) : f;
}

/** Validate norm / orthogonalize and build the spec (used by the plans). */
export function dctNorm(
  kind: R2RKind,
  type: R2RType,
  n: number,
  norm: unknown,
  orth: unknown,
  inverse: boolean,
  fn: string,
): R2RSpec {
  const nm = checkNorm(norm, fn);
  return r2rSpec(kind, type, n, nm, checkOrth(orth, nm, fn), inverse, fn);
}

/** Real-to-real transforms along `axes` with per-axis specs: first pass src -> dst, then in place. */
export function r2rND(src: Arr, dst: Arr, axes: number[], specs: R2RSpec[]): void {
  let from = src;
  axes.forEach((axis, i) => {
    const sp = specs[i];
    const k = r2rKernel(sp.kind, sp.type, dst.shape[axis], dst.dtype);
    alongAxis(from, dst, axis, k, () => k.run(sp));
    from = dst;
  });
}

function r2r1(fn: string, kind: R2RKind, inverse: boolean, x: unknown, opts: unknown): unknown {
  const o = checkOptions(opts, fn);
  const { arr, form } = realInput(x, fn);
  const type = checkType(o.type, fn);
  const norm = checkNorm(o.norm, fn);
  const orth = checkOrth(o.orthogonalize, norm, fn);
  const axis = checkAxis(o.axis ?? -1, arr.shape.length, fn);
  let n: number;
  if (o.n === undefined || o.n === null) {
    requireNonEmpty(arr.shape, axis, fn);
    n = arr.shape[axis];
  } else {
    n = checkLength(o.n, fn);
  }
  const spec = r2rSpec(kind, type, n, norm, orth, inverse, fn);
  const shape = arr.shape.slice();
  shape[axis] = n;
  const dst = outputArr(o.out, shape, arr.dtype, false, form, fn);
  r2rND(arr, dst, [axis], [spec]);
  return toPublic(dst, form);
}

function r2rN(fn: string, kind: R2RKind, inverse: boolean, x: unknown, opts: unknown): unknown {
  const o = checkOptions(opts, fn);
  const { arr, form } = realInput(x, fn);
  const type = checkType(o.type, fn);
  const norm = checkNorm(o.norm, fn);
  const orth = checkOrth(o.orthogonalize, norm, fn);
  const r = checkSAxes(o.s, o.axes, arr.shape, fn);
  const lens = r.axes.map((a, i) => {
    if (r.s[i] !== undefined) return r.s[i]!;
    requireNonEmpty(arr.shape, a, fn);
    return arr.shape[a];
  });
  const specs = lens.map((n) => r2rSpec(kind, type, n, norm, orth, inverse, fn));
  const shape = arr.shape.slice();
  r.axes.forEach((a, i) => {
    shape[a] = lens[i];
  });
  const dst = outputArr(o.out, shape, arr.dtype, false, form, fn);
  if (r.axes.length === 0)
    copyInto(arr, dst); // an empty axes list copies, as scipy does
  else r2rND(arr, dst, r.axes, specs);
  return toPublic(dst, form);
}

/**
 * Discrete cosine transform of real data along an axis (scipy.fft.dct): types 1-4, norm
 * "backward" | "ortho" | "forward", scipy's orthogonalize. See r2r.ts for the definitions.
 */
export function dct<X extends RealInput>(x: X, opts?: DCTOptions): SameResult<X> {
  return r2r1("dct", "dct", false, x, opts) as SameResult<X>;
}

/** Inverse DCT (scipy.fft.idct): idct(dct(x, o), o) = x for the same type, norm, orthogonalize. */
export function idct<X extends RealInput>(x: X, opts?: DCTOptions): SameResult<X> {
  return r2r1("idct", "dct", true, x, opts) as SameResult<X>;
}

/** Discrete sine transform along an axis (scipy.fft.dst), types 1-4. */
export function dst<X extends RealInput>(x: X, opts?: DCTOptions): SameResult<X> {
  return r2r1("dst", "dst", false, x, opts) as SameResult<X>;
}

/** Inverse DST (scipy.fft.idst). */
export function idst<X extends RealInput>(x: X, opts?: DCTOptions): SameResult<X> {
  return r2r1("idst", "dst", true, x, opts) as SameResult<X>;
}

/** n-D DCT over `axes` (scipy.fft.dctn). */
export function dctn<X extends RealInput>(x: X, opts?: DCTNOptions): SameResult<X> {
  return r2rN("dctn", "dct", false, x, opts) as SameResult<X>;
}

/** n-D inverse DCT (scipy.fft.idctn). */
export function idctn<X extends RealInput>(x: X, opts?: DCTNOptions): SameResult<X> {
  return r2rN("idctn", "dct", true, x, opts) as SameResult<X>;
}

/** n-D DST (scipy.fft.dstn). */
export function dstn<X extends RealInput>(x: X, opts?: DCTNOptions): SameResult<X> {
  return r2rN("dstn", "dst", false, x, opts) as SameResult<X>;
}

/** n-D inverse DST (scipy.fft.idstn). */
export function idstn<X extends RealInput>(x: X, opts?: DCTNOptions): SameResult<X> {
  return r2rN("idstn", "dst", true, x, opts) as SameResult<X>;
}
