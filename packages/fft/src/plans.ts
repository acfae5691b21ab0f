/**
 * Reusable plans: `planFFT(n)`, `planRFFT(n)`, `planDCT(n, { type })`, `planDST(n, { type })`.
 * A plan fixes the length, the kind and the precision, holds the engine's plan and the scratch
 * buffers, and is cached by (kind, n, dtype): asking twice returns the same object. Use one in a
 * loop to skip the argument parsing of the functional API and, with `out`, every allocation.
 *
 * A plan's methods take the same forms as the functional API (1-D typed arrays, split arrays,
 * strided views, split views) but never pad or truncate: the transformed axis must have length n.
 */
import { DTypeError, ShapeError, ValueError } from "@modewise/tensor";
import { dctNorm, r2rND } from "./dct.js";
import {
  type Arr,
  checkAxis,
  checkNorm,
  checkOptions,
  complexInput,
  type Form,
  normScale,
  outputArr,
  realInput,
  show,
  toPublic,
} from "./layout.js";
import { c2cND, c2rND, r2cND } from "./nd.js";
import { complexPlan } from "./plan.js";
import type { R2RKind, R2RType } from "./r2r.js";
import type {
  ComplexInput,
  ComplexOut,
  ComplexResult,
  DType,
  HalfResult,
  Norm,
  RealInput,
  RealOut,
  RealResult,
  SameResult,
} from "./types.js";

export interface PlanOptions {
  /** Precision of the data the plan transforms (default "float64"). */
  dtype?: DType;
}

export interface ExecOptions {
  norm?: Norm;
  /** Axis of a view to transform (default -1); its length must be the plan's n. */
  axis?: number;
}

/** A complex FFT of length n. */
export interface FFTPlan {
  readonly kind: "fft";
  readonly n: number;
  readonly dtype: DType;
  /** Which algorithm the engine chose for n ("mixed-radix", "bluestein", ...). */
  readonly algorithm: string;
  forward<X extends ComplexInput>(
    x: X,
    opts?: ExecOptions & { out?: ComplexOut },
  ): ComplexResult<X>;
  inverse<X extends ComplexInput>(
    x: X,
    opts?: ExecOptions & { out?: ComplexOut },
  ): ComplexResult<X>;
}

/** A real FFT of length n: n reals <-> n/2 + 1 complex bins. */
export interface RFFTPlan {
  readonly kind: "rfft";
  readonly n: number;
  readonly dtype: DType;
  forward<X extends RealInput, L extends "interleaved" | "split" = "interleaved">(
    x: X,
    opts?: ExecOptions & { layout?: L; out?: ComplexOut },
  ): HalfResult<X, L>;
  /** n/2 + 1 bins (exactly) -> n reals. */
  inverse<X extends ComplexInput>(x: X, opts?: ExecOptions & { out?: RealOut }): RealResult<X>;
}

/** A DCT or DST of one type and length n. */
export interface R2RPlan {
  readonly kind: R2RKind;
  readonly type: R2RType;
  readonly n: number;
  readonly dtype: DType;
  forward<X extends RealInput>(
    x: X,
    opts?: ExecOptions & { orthogonalize?: boolean; out?: RealOut },
  ): SameResult<X>;
  inverse<X extends RealInput>(
    x: X,
    opts?: ExecOptions & { orthogonalize?: boolean; out?: RealOut },
  ): SameResult<X>;
}

const plans = new Map<string, FFTPlan | RFFTPlan | R2RPlan>();

function checkPlanArgs(
  n: unknown,
  opts: unknown,
  fn: string,
): { n: number; dtype: DType; o: Record<string, unknown> } {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
    throw new ValueError(fn, "n", "a positive integer length", show(n));
  const o = checkOptions(opts, fn);
  const dtype = o.dtype ?? "float64";
  if (dtype !== "float64" && dtype !== "float32")
    throw new DTypeError(fn, "dtype", "'float64' or 'float32'", show(dtype));
  return { n, dtype, o };
}

function axisOf(arr: Arr, o: Record<string, unknown>, len: number, fn: string, what = "x"): number {
  const axis = checkAxis(o.axis ?? -1, arr.shape.length, fn);
  if (arr.shape[axis] !== len) {
    throw new ShapeError(
      fn,
      what,
      `length ${len} along axis ${axis} (the plan's length)`,
      `shape ${show(arr.shape)}`,
    );
  }
  return axis;
}

function checkPrecision(arr: Arr, dtype: DType, fn: string): void {
  if (arr.dtype !== dtype)
    throw new DTypeError(fn, "x", `${dtype} data (the plan's precision)`, arr.dtype);
}

/** A cached complex FFT plan of length n. */
export function planFFT(n: number, opts?: PlanOptions): FFTPlan {
  const a = checkPlanArgs(n, opts, "planFFT");
  const key = `fft:${a.n}:${a.dtype}`;
  let p = plans.get(key) as FFTPlan | undefined;
  if (!p) {
    const len = a.n;
    const dtype = a.dtype;
    const exec = (fn: string, x: unknown, opts: unknown, inverse: boolean): unknown => {
      const o = checkOptions(opts, fn);
      const { arr, form } = complexInput(x, fn);
      checkPrecision(arr, dtype, fn);
      const axis = axisOf(arr, o, len, fn);
      const norm = checkNorm(o.norm, fn);
      const dst = outputArr(o.out, arr.shape.slice(), dtype, true, form, fn);
      c2cND(arr, dst, [axis], inverse ? 1 : -1, (m) => normScale(norm, m, inverse));
      return toPublic(dst, form);
    };
    const plan: FFTPlan = {
      kind: "fft",
      n: len,
      dtype,
      get algorithm() {
        return engineAlgorithm(len, dtype);
      },
      forward: (x, o) => exec("FFTPlan.forward", x, o, false) as never,
      inverse: (x, o) => exec("FFTPlan.inverse", x, o, true) as never,
    };
    p = Object.freeze(plan);
    plans.set(key, p);
  }
  return p;
}

/** A cached real FFT plan of length n. */
export function planRFFT(n: number, opts?: PlanOptions): RFFTPlan {
  const a = checkPlanArgs(n, opts, "planRFFT");
  const key = `rfft:${a.n}:${a.dtype}`;
  let p = plans.get(key) as RFFTPlan | undefined;
  if (!p) {
    const len = a.n;
    const dtype = a.dtype;
    const half = (len >> 1) + 1;
    const forward = (x: unknown, opts: unknown): unknown => {
      const fn = "RFFTPlan.forward";
      const o = checkOptions(opts, fn);
      const { arr, form: inForm } = realInput(x, fn);
      checkPrecision(arr, dtype, fn);
      const axis = axisOf(arr, o, len, fn);
      const norm = checkNorm(o.norm, fn);
      const layout = o.layout ?? "interleaved";
      if (layout !== "interleaved" && layout !== "split")
        throw new ValueError(fn, "layout", "'interleaved' or 'split'", show(layout));
      const form: Form = { kind: inForm.kind, layout };
      const shape = arr.shape.slice();
      shape[axis] = half;
      const dst = outputArr(o.out, shape, dtype, true, form, fn);
      r2cND(arr, dst, [axis], [len], (m) => normScale(norm, m, false));
      return toPublic(dst, form);
    };
    const inverse = (x: unknown, opts: unknown): unknown => {
      const fn = "RFFTPlan.inverse";
      const o = checkOptions(opts, fn);
      const { arr, form: inForm } = complexInput(x, fn);
      checkPrecision(arr, dtype, fn);
      const axis = axisOf(arr, o, half, fn);
      const norm = checkNorm(o.norm, fn);
      const form: Form = { kind: inForm.kind, layout: "real" };
      const shape = arr.shape.slice();
      shape[axis] = len;
      const dst = outputArr(o.out, shape, dtype, false, form, fn);
      c2rND(arr, dst, [axis], [len], (m) => normScale(norm, m, true));
      return toPublic(dst, form);
    };
    p = Object.freeze({
      kind: "rfft" as const,
      n: len,
      dtype,
      forward: forward as never,
      inverse: inverse as never,
    });
    plans.set(key, p);
  }
  return p;
}

function planR2R(
  kind: R2RKind,
  fnName: string,
  n: number,
  opts?: PlanOptions & { type?: R2RType },
): R2RPlan {
  const a = checkPlanArgs(n, opts, fnName);
  const type = (a.o.type ?? 2) as R2RType;
  if (type !== 1 && type !== 2 && type !== 3 && type !== 4)
    throw new ValueError(fnName, "type", "1, 2, 3 or 4", show(type));
  if (kind === "dct" && type === 1 && a.n < 2)
    throw new ValueError(fnName, "n", "a length >= 2 (DCT-I)", String(a.n));
  const key = `${kind}${type}:${a.n}:${a.dtype}`;
  let p = plans.get(key) as R2RPlan | undefined;
  if (!p) {
    const len = a.n;
    const dtype = a.dtype;
    const exec = (fn: string, x: unknown, opts: unknown, inverse: boolean): unknown => {
      const o = checkOptions(opts, fn);
      const { arr, form } = realInput(x, fn);
      checkPrecision(arr, dtype, fn);
      const axis = axisOf(arr, o, len, fn);
      const spec = dctNorm(kind, type, len, o.norm, o.orthogonalize, inverse, fn);
      const dst = outputArr(o.out, arr.shape.slice(), dtype, false, form, fn);
      r2rND(arr, dst, [axis], [spec]);
      return toPublic(dst, form);
    };
    const cap = kind === "dct" ? "DCTPlan" : "DSTPlan";
    p = Object.freeze({
      kind,
      type,
      n: len,
      dtype,
      forward: ((x: unknown, o: unknown) => exec(`${cap}.forward`, x, o, false)) as never,
      inverse: ((x: unknown, o: unknown) => exec(`${cap}.inverse`, x, o, true)) as never,
    });
    plans.set(key, p);
  }
  return p;
}

/** A cached DCT plan (type 1-4, default 2) of length n. */
export function planDCT(n: number, opts?: PlanOptions & { type?: R2RType }): R2RPlan {
  return planR2R("dct", "planDCT", n, opts);
}

/** A cached DST plan (type 1-4, default 2) of length n. */
export function planDST(n: number, opts?: PlanOptions & { type?: R2RType }): R2RPlan {
  return planR2R("dst", "planDST", n, opts);
}

function engineAlgorithm(n: number, dtype: DType): string {
  return complexPlan(n, dtype).algorithm;
}
