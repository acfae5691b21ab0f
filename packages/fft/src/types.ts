/**
 * The data types at the package border. Users bring their own data: typed arrays, or strided
 * views of them (the fields of a scijs `ndarray`). Complex data comes interleaved (re, im, re,
 * im, ...) or split (separate re and im arrays); every function states which it takes, and the
 * form of a result mirrors the form of the input.
 */

/** float64 or float32 storage. Every transform keeps the precision: float32 in, float32 out. */
export type Floats = Float64Array | Float32Array;

/** The precision of a typed array: the 1-D engine's `Precision`, exported under that name. */
export type DType = "float64" | "float32";

/** The same precision as T: float32 stays float32, float64 stays float64. */
export type Like<T> = T extends Float32Array ? Float32Array : Float64Array;

/**
 * numpy's normalization modes. "backward" (default): forward transforms unscaled, inverses
 * scaled by 1/n. "ortho": both scaled by 1/sqrt(n) (unitary). "forward": forward scaled by 1/n,
 * inverses unscaled. For n-D transforms n is the product of the transformed lengths.
 */
export type Norm = "backward" | "ortho" | "forward";

/** Split complex 1-D data: `re[k] + i im[k]`, two arrays of equal length and type. */
export interface SplitComplex<T extends Floats = Floats> {
  re: T;
  im: T;
}

/**
 * Split complex input. `im` may be omitted for real input (treated as zeros), so real data can
 * go into the complex transforms: `fft({ re: x })`.
 */
export interface SplitInput<T extends Floats = Floats> {
  re: T;
  im?: T;
}

/**
 * A strided n-D view: element (i0, i1, ...) is `data[offset + i0 * stride[0] + i1 * stride[1] + ...]`.
 * A scijs `ndarray` is one (its fields are exactly these); `stride` defaults to row-major
 * contiguous and `offset` to 0, so `{ data, shape }` describes a plain row-major array.
 * Strides may be negative or zero (broadcast) for inputs; outputs must not alias themselves.
 *
 * Interleaved complex views carry a LAST axis of length 2 holding (re, im), the layout
 * @modewise/tensor's `toNdarray` gives complex tensors; `axis`/`axes` arguments count the
 * complex axes only (that trailing axis is not an axis of the complex array).
 */
export interface NdView<T extends Floats = Floats> {
  data: T;
  shape: readonly number[];
  stride?: readonly number[];
  offset?: number;
}

/** A freshly allocated (or the caller's `out`) view: row-major contiguous unless it is `out`. */
export interface NdResult<T extends Floats = Floats> {
  data: T;
  shape: number[];
  stride: number[];
  offset: number;
}

/** Split complex n-D views (`re` and `im` of equal shape and precision). */
export interface SplitNd<T extends Floats = Floats> {
  re: NdResult<T>;
  im: NdResult<T>;
}

/** Split complex n-D input; `im` may be omitted for real input. */
export interface SplitNdInput<T extends Floats = Floats> {
  re: NdView<T>;
  im?: NdView<T>;
}

/** Anything the complex-input transforms accept. */
export type ComplexInput = Floats | SplitInput | NdView | SplitNdInput;

/** Anything the real-input transforms accept. */
export type RealInput = Floats | NdView;

/** The complex result for complex input X: same form (interleaved / split, 1-D / view), same precision. */
export type ComplexResult<X> = X extends Floats
  ? Like<X>
  : X extends { re: infer R }
    ? R extends Floats
      ? SplitComplex<Like<R>>
      : R extends NdView<infer T>
        ? SplitNd<Like<T>>
        : never
    : X extends NdView<infer T>
      ? NdResult<Like<T>>
      : never;

/** The real result for complex input X (irfft, hfft): a typed array or a view, same precision. */
export type RealResult<X> = X extends Floats
  ? Like<X>
  : X extends { re: infer R }
    ? R extends Floats
      ? Like<R>
      : R extends NdView<infer T>
        ? NdResult<Like<T>>
        : never
    : X extends NdView<infer T>
      ? NdResult<Like<T>>
      : never;

/** The same-form real result for real input X (DCT/DST, fftshift). */
export type SameResult<X> = X extends Floats
  ? Like<X>
  : X extends NdView<infer T>
    ? NdResult<Like<T>>
    : never;

/** The complex result of a real-input transform (rfft, ihfft), interleaved or split per `layout`. */
export type HalfResult<X, L> = L extends "split"
  ? X extends Floats
    ? SplitComplex<Like<X>>
    : X extends NdView<infer T>
      ? SplitNd<Like<T>>
      : never
  : X extends Floats
    ? Like<X>
    : X extends NdView<infer T>
      ? NdResult<Like<T>>
      : never;

/** Where a complex result is written instead of a fresh array: the same form as the result. */
export type ComplexOut = Floats | SplitComplex | NdView | { re: NdView; im: NdView };
/** Where a real result is written instead of a fresh array. */
export type RealOut = Floats | NdView;
