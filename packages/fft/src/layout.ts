/**
 * Every public input (1-D typed array, split arrays, strided views, split views; interleaved or
 * split complex, or real) is turned into one internal form, `Arr`: a shape and one or two real
 * "planes" (array + offset + strides in array elements). Interleaved complex data is two planes
 * over one array, the imaginary one offset by the (re, im) stride. Results are allocated in the
 * form the input had and converted back with `toPublic`.
 *
 * Argument checks live here too, so every public function reports bad input the same way:
 * ShapeError (wrong lengths, empty transform axes), DTypeError (not float32/float64, mixed
 * precisions), ValueError (bad axes, n, norm, options), naming the public function.
 */
import { DTypeError, ShapeError, show, ValueError } from "@modewise/tensor";
import type { DType, Floats, Norm } from "./types.js";

/** One real plane of an n-D array: element i is data[offset + sum_k i_k stride[k]]. */
export interface Plane {
  data: Floats;
  offset: number;
  stride: number[];
}

/** The internal n-D array: real (im null) or complex (two planes). */
export interface Arr {
  shape: number[];
  re: Plane;
  im: Plane | null;
  dtype: DType;
}

/** How a result is handed back: the form of the input (or of the requested layout). */
export interface Form {
  /** "array": 1-D typed arrays; "view": NdResult objects. */
  kind: "array" | "view";
  /** "interleaved" or "split" complex, or "real". */
  layout: "interleaved" | "split" | "real";
}

// ---- small helpers --------------------------------------------------------------------------

// Error messages render values the tensor core's way; modules here import it with the checks.
export { show };

export function isFloats(x: unknown): x is Floats {
  return x instanceof Float64Array || x instanceof Float32Array;
}

export function dtypeOf(x: Floats): DType {
  return x instanceof Float32Array ? "float32" : "float64";
}

export function allocate(dtype: DType, length: number): Floats {
  return dtype === "float32" ? new Float32Array(length) : new Float64Array(length);
}

export function sizeOf(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

export function rowMajor(shape: readonly number[], inner = 1): number[] {
  const st = new Array<number>(shape.length);
  let s = inner;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

function isViewLike(
  x: unknown,
): x is { data: unknown; shape: unknown; stride?: unknown; offset?: unknown } {
  return typeof x === "object" && x !== null && "data" in x && "shape" in x;
}

function describeData(x: unknown): string {
  if (ArrayBuffer.isView(x)) return (x as object).constructor.name;
  return show(x);
}

function requireFloats(x: unknown, fn: string, arg: string): Floats {
  if (!isFloats(x))
    throw new DTypeError(fn, arg, "a Float64Array or Float32Array", describeData(x));
  return x;
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/** A validated strided view: shape of non-negative integers, integer strides, in-bounds extent. */
function viewPlane(x: unknown, fn: string, arg: string): { shape: number[]; plane: Plane } {
  if (!isViewLike(x))
    throw new ValueError(fn, arg, "a strided view { data, shape, stride?, offset? }", show(x));
  const data = requireFloats(x.data, fn, `${arg}.data`);
  const shape = x.shape;
  if (!Array.isArray(shape) || !shape.every((d) => isInt(d) && d >= 0)) {
    throw new ShapeError(fn, `${arg}.shape`, "an array of non-negative integers", show(shape));
  }
  let stride: number[];
  if (x.stride === undefined) {
    stride = rowMajor(shape);
  } else {
    const s = x.stride;
    if (!Array.isArray(s) || s.length !== shape.length || !s.every(isInt)) {
      throw new ShapeError(fn, `${arg}.stride`, `${shape.length} integer strides`, show(s));
    }
    stride = s.slice();
  }
  const offset = x.offset === undefined ? 0 : x.offset;
  if (!isInt(offset)) throw new ValueError(fn, `${arg}.offset`, "an integer", show(offset));
  if (sizeOf(shape) > 0) {
    let lo = offset;
    let hi = offset;
    shape.forEach((d, i) => {
      const e = (d - 1) * stride[i];
      if (e < 0) lo += e;
      else hi += e;
    });
    if (lo < 0 || hi >= data.length) {
      throw new ShapeError(
        fn,
        arg,
        `a view inside its data (length ${data.length})`,
        `elements ${lo}..${hi}`,
      );
    }
  }
  return { shape: shape.slice(), plane: { data, offset, stride } };
}

function samePrecision(a: Floats, b: Floats, fn: string, arg: string): void {
  if (dtypeOf(a) !== dtypeOf(b))
    throw new DTypeError(fn, arg, `the precision of re (${dtypeOf(a)})`, dtypeOf(b));
}

// ---- inputs ---------------------------------------------------------------------------------

/**
 * Complex input: an interleaved Float64Array/Float32Array (length 2n), `{ re, im? }` arrays, an
 * interleaved view (last axis of length 2), or `{ re, im? }` views.
 */
export function complexInput(x: unknown, fn: string, arg = "x"): { arr: Arr; form: Form } {
  if (isFloats(x)) {
    if (x.length % 2 !== 0) {
      throw new ShapeError(
        fn,
        arg,
        "an interleaved complex array of even length (re, im pairs)",
        `length ${x.length}`,
      );
    }
    const arr: Arr = {
      shape: [x.length / 2],
      re: { data: x, offset: 0, stride: [2] },
      im: { data: x, offset: 1, stride: [2] },
      dtype: dtypeOf(x),
    };
    return { arr, form: { kind: "array", layout: "interleaved" } };
  }
  if (typeof x === "object" && x !== null && "re" in x) {
    const { re, im } = x as { re: unknown; im?: unknown };
    if (isFloats(re) || (!isViewLike(re) && (im === undefined || isFloats(im)))) {
      const r = requireFloats(re, fn, `${arg}.re`);
      let imPlane: Plane | null = null;
      if (im !== undefined) {
        const i = requireFloats(im, fn, `${arg}.im`);
        samePrecision(r, i, fn, `${arg}.im`);
        if (i.length !== r.length)
          throw new ShapeError(
            fn,
            `${arg}.im`,
            `length ${r.length} (the length of re)`,
            `length ${i.length}`,
          );
        imPlane = { data: i, offset: 0, stride: [1] };
      }
      const arr: Arr = {
        shape: [r.length],
        re: { data: r, offset: 0, stride: [1] },
        im: imPlane,
        dtype: dtypeOf(r),
      };
      return { arr, form: { kind: "array", layout: "split" } };
    }
    const rv = viewPlane(re, fn, `${arg}.re`);
    let imPlane: Plane | null = null;
    if (im !== undefined) {
      const iv = viewPlane(im, fn, `${arg}.im`);
      samePrecision(rv.plane.data, iv.plane.data, fn, `${arg}.im`);
      if (iv.shape.length !== rv.shape.length || iv.shape.some((d, k) => d !== rv.shape[k])) {
        throw new ShapeError(
          fn,
          `${arg}.im`,
          `shape ${show(rv.shape)} (the shape of re)`,
          show(iv.shape),
        );
      }
      imPlane = iv.plane;
    }
    const arr: Arr = { shape: rv.shape, re: rv.plane, im: imPlane, dtype: dtypeOf(rv.plane.data) };
    return { arr, form: { kind: "view", layout: "split" } };
  }
  if (isViewLike(x)) {
    const v = viewPlane(x, fn, arg);
    const r = v.shape.length;
    if (r === 0 || v.shape[r - 1] !== 2) {
      throw new ShapeError(
        fn,
        `${arg}.shape`,
        "an interleaved complex view with a last axis of length 2 (re, im)",
        show(v.shape),
      );
    }
    const s2 = v.plane.stride[r - 1];
    const stride = v.plane.stride.slice(0, r - 1);
    const arr: Arr = {
      shape: v.shape.slice(0, r - 1),
      re: { data: v.plane.data, offset: v.plane.offset, stride },
      im: { data: v.plane.data, offset: v.plane.offset + s2, stride: stride.slice() },
      dtype: dtypeOf(v.plane.data),
    };
    return { arr, form: { kind: "view", layout: "interleaved" } };
  }
  if (ArrayBuffer.isView(x))
    throw new DTypeError(fn, arg, "a Float64Array or Float32Array", describeData(x));
  throw new ValueError(
    fn,
    arg,
    "complex data: an interleaved Float64Array/Float32Array, { re, im } arrays, or a strided view",
    show(x),
  );
}

/** Real input: a Float64Array/Float32Array or a strided view of one. */
export function realInput(x: unknown, fn: string, arg = "x"): { arr: Arr; form: Form } {
  if (isFloats(x)) {
    return {
      arr: {
        shape: [x.length],
        re: { data: x, offset: 0, stride: [1] },
        im: null,
        dtype: dtypeOf(x),
      },
      form: { kind: "array", layout: "real" },
    };
  }
  if (isViewLike(x)) {
    const v = viewPlane(x, fn, arg);
    return {
      arr: { shape: v.shape, re: v.plane, im: null, dtype: dtypeOf(v.plane.data) },
      form: { kind: "view", layout: "real" },
    };
  }
  if (ArrayBuffer.isView(x))
    throw new DTypeError(fn, arg, "a Float64Array or Float32Array", describeData(x));
  if (typeof x === "object" && x !== null && "re" in x) {
    throw new DTypeError(
      fn,
      arg,
      "real data (a typed array or view; complex input is not accepted here)",
      "complex { re, im } data",
    );
  }
  throw new ValueError(
    fn,
    arg,
    "real data: a Float64Array/Float32Array or a strided view",
    show(x),
  );
}

// ---- outputs --------------------------------------------------------------------------------

/** A fresh contiguous array of the given shape in the given layout. */
export function allocArr(
  shape: number[],
  dtype: DType,
  complex: boolean,
  layout: Form["layout"],
): Arr {
  const n = sizeOf(shape);
  if (!complex) {
    return {
      shape,
      re: { data: allocate(dtype, n), offset: 0, stride: rowMajor(shape) },
      im: null,
      dtype,
    };
  }
  if (layout === "split") {
    return {
      shape,
      re: { data: allocate(dtype, n), offset: 0, stride: rowMajor(shape) },
      im: { data: allocate(dtype, n), offset: 0, stride: rowMajor(shape) },
      dtype,
    };
  }
  const data = allocate(dtype, 2 * n);
  return {
    shape,
    re: { data, offset: 0, stride: rowMajor(shape, 2) },
    im: { data, offset: 1, stride: rowMajor(shape, 2) },
    dtype,
  };
}

/**
 * The destination of a result: the caller's `out` (checked for form, shape and precision) or a
 * fresh array. `layout` is the layout of a fresh complex result.
 */
export function outputArr(
  out: unknown,
  shape: number[],
  dtype: DType,
  complex: boolean,
  form: Form,
  fn: string,
): Arr {
  if (out === undefined) return allocArr(shape, dtype, complex, form.layout);
  const got = complex ? complexInput(out, fn, "out") : realInput(out, fn, "out");
  const a = got.arr;
  if (complex && a.im === null)
    throw new ValueError(fn, "out", "complex storage with both re and im", "{ re } only");
  if (a.dtype !== dtype)
    throw new DTypeError(fn, "out", `${dtype} storage (the precision of the input)`, a.dtype);
  if (got.form.kind !== form.kind || got.form.layout !== form.layout) {
    throw new ValueError(
      fn,
      "out",
      `${form.layout} ${form.kind === "array" ? "typed arrays" : "views"} (the form of the result)`,
      `${got.form.layout} ${got.form.kind === "array" ? "typed arrays" : "views"}`,
    );
  }
  if (a.shape.length !== shape.length || a.shape.some((d, k) => d !== shape[k])) {
    throw new ShapeError(fn, "out", `shape ${show(shape)}`, show(a.shape));
  }
  return a;
}

/** Convert an internal result back into the public form. */
export function toPublic(a: Arr, form: Form): unknown {
  if (form.kind === "array") {
    if (a.im === null) return a.re.data;
    if (form.layout === "split") return { re: a.re.data, im: a.im.data };
    return a.re.data;
  }
  const view = (p: Plane, shape: number[]) => ({
    data: p.data,
    shape,
    stride: p.stride.slice(),
    offset: p.offset,
  });
  if (a.im === null) return view(a.re, a.shape.slice());
  if (form.layout === "split")
    return { re: view(a.re, a.shape.slice()), im: view(a.im, a.shape.slice()) };
  return {
    data: a.re.data,
    shape: [...a.shape, 2],
    stride: [...a.re.stride, a.im.offset - a.re.offset],
    offset: a.re.offset,
  };
}

// ---- argument checks ------------------------------------------------------------------------

export function checkNorm(norm: unknown, fn: string): Norm {
  if (norm === undefined || norm === null) return "backward";
  if (norm !== "backward" && norm !== "ortho" && norm !== "forward") {
    throw new ValueError(fn, "norm", "'backward', 'ortho' or 'forward'", show(norm));
  }
  return norm;
}

/** The factor a transform of total length n gets under `norm` (forward or inverse direction). */
export function normScale(norm: Norm, n: number, inverse: boolean): number {
  if (norm === "ortho") return 1 / Math.sqrt(n);
  if (norm === "forward") return inverse ? 1 : 1 / n;
  return inverse ? 1 / n : 1;
}

/** numpy swaps "backward" and "forward" for hfft / ihfft. */
export function swapNorm(norm: Norm): Norm {
  return norm === "backward" ? "forward" : norm === "forward" ? "backward" : norm;
}

export function checkAxis(axis: unknown, rank: number, fn: string, arg = "axis"): number {
  if (!isInt(axis)) throw new ValueError(fn, arg, "an integer axis", show(axis));
  if (axis < -rank || axis >= rank)
    throw new ValueError(fn, arg, `an axis in [${-rank}, ${rank - 1}]`, show(axis));
  return axis < 0 ? axis + rank : axis;
}

/** Distinct, in-range integer axes (negative counted from the end). */
export function checkAxes(axes: unknown, rank: number, fn: string, arg = "axes"): number[] {
  if (!Array.isArray(axes)) throw new ValueError(fn, arg, "an array of integer axes", show(axes));
  const out = axes.map((a, i) => checkAxis(a, rank, fn, `${arg}[${i}]`));
  const seen = new Set<number>();
  out.forEach((a, i) => {
    if (seen.has(a))
      throw new ValueError(fn, arg, "distinct axes", `axis ${axes[i]} repeated in ${show(axes)}`);
    seen.add(a);
  });
  return out;
}

/** A transform length: a positive integer. */
export function checkLength(n: unknown, fn: string, arg = "n"): number {
  if (!isInt(n) || n < 1) throw new ValueError(fn, arg, "a positive integer length", show(n));
  return n;
}

/**
 * numpy's (s, axes) rules for the n-D transforms: axes default to the last len(s) axes (or all
 * axes), s defaults to the input sizes, and an entry -1 in s means "the input size".
 */
export function checkSAxes(
  s: unknown,
  axes: unknown,
  shape: readonly number[],
  fn: string,
  defaultAxes?: number[],
): { axes: number[]; s: (number | undefined)[] } {
  const rank = shape.length;
  let ax: number[];
  let sz: unknown[] | undefined;
  if (s !== undefined && s !== null) {
    if (!Array.isArray(s)) throw new ValueError(fn, "s", "an array of lengths", show(s));
    sz = s;
  }
  if (axes !== undefined && axes !== null) {
    ax = checkAxes(axes, rank, fn);
    if (sz && sz.length !== ax.length)
      throw new ValueError(fn, "s", `${ax.length} lengths (one per axis)`, show(sz));
  } else if (sz) {
    if (sz.length > rank)
      throw new ValueError(fn, "s", `at most ${rank} lengths (the rank of x)`, show(sz));
    ax = sz.map((_, i) => rank - sz!.length + i);
  } else {
    ax = defaultAxes
      ? defaultAxes.map((a, i) => checkAxis(a, rank, fn, `axes[${i}]`))
      : shape.map((_, i) => i);
  }
  const out = ax.map((_, i) => {
    if (!sz) return undefined;
    const v = sz[i];
    if (v === -1) return undefined;
    return checkLength(v, fn, `s[${i}]`);
  });
  return { axes: ax, s: out };
}

/** An input whose transform axis is empty cannot be transformed (unless a length n pads it). */
export function requireNonEmpty(
  shape: readonly number[],
  axis: number,
  fn: string,
  arg = "x",
): void {
  if (shape[axis] === 0) {
    throw new ShapeError(
      fn,
      arg,
      `a non-empty axis ${axis} to transform (or a length n to zero-pad to)`,
      `shape ${show(shape)}`,
    );
  }
}

export function checkOptions(opts: unknown, fn: string): Record<string, unknown> {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== "object" || Array.isArray(opts))
    throw new ValueError(fn, "options", "an options object", show(opts));
  return opts as Record<string, unknown>;
}
