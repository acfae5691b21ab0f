/**
 * Option checks shared by the T1, AFNO and DRIFT-Net constructors and forwards: each throws the
 * tensor package's typed errors naming the function, the argument, what was expected and what
 * came.
 */
import { checkInt } from "@modewise/nn";
import {
  DTypeError,
  defaultGenerator,
  type Generator,
  type RealFloatDType,
  ShapeError,
  show,
  type Tensor,
  ValueError,
} from "@modewise/tensor";

/** show (the tensor core's value rendering) and checkInt (nn's) belong with the checks here. */
export { checkInt, show };

/** A finite number in [lo, hi]. */
export function checkNumber(fn: string, arg: string, v: unknown, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi)
    throw new ValueError(fn, arg, `a number in [${lo}, ${hi}]`, show(v));
  return v;
}

/** A pair of integers >= min. */
export function checkPair(fn: string, arg: string, v: unknown, min: number): [number, number] {
  if (!Array.isArray(v) || v.length !== 2)
    throw new ValueError(fn, arg, `two integers >= ${min}`, show(v));
  return [checkInt(fn, `${arg}[0]`, v[0], min), checkInt(fn, `${arg}[1]`, v[1], min)];
}

/** "float32" (default) or "float64". */
export function checkDType(fn: string, v: unknown): RealFloatDType {
  if (v === undefined) return "float32";
  if (v !== "float32" && v !== "float64")
    throw new DTypeError(fn, "dtype", "'float32' or 'float64'", show(v));
  return v;
}

/** An options object (not null, not an array). */
export function checkOptionsObject<T>(fn: string, v: T): T {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ValueError(fn, "options", "an options object", show(v));
  return v;
}

/** Re-exported for the model files, which take both from here with their option checks. */
export type { Generator, RealFloatDType };

/** x must be a live real tensor [batch, channels, h, w] of the model's dtype. */
export function checkInput4d(
  fn: string,
  x: unknown,
  channels: number | undefined,
  dtype: RealFloatDType,
  arg = "x",
): Tensor {
  const t = x as Tensor;
  if (typeof t !== "object" || t === null || !("shape" in t) || !("dtype" in t))
    throw new ValueError(fn, arg, "a Tensor", show(x));
  t.assertLive(fn, arg);
  if (t.rank !== 4 || (channels !== undefined && t.shape[1] !== channels))
    throw new ShapeError(
      fn,
      arg,
      `[batch, ${channels ?? "channels"}, height, width]`,
      `[${t.shape.join(", ")}]`,
    );
  if (t.dtype !== dtype) throw new DTypeError(fn, arg, `${dtype} (the model's dtype)`, t.dtype);
  return t;
}

/** The learnResidual flag: a boolean, true only when input and output channels agree. */
export function checkResidual(
  fn: string,
  v: unknown,
  inChannels: number,
  outChannels: number,
): boolean {
  const r = v ?? false;
  if (typeof r !== "boolean") throw new ValueError(fn, "learnResidual", "a boolean", show(v));
  if (r && inChannels !== outChannels)
    throw new ValueError(
      fn,
      "learnResidual",
      `false when inChannels (${inChannels}) != outChannels (${outChannels})`,
      "true",
    );
  return r;
}

/** The options object and the channel counts, which every model constructor checks first. */
export function checkModelChannels<T extends { inChannels: number; outChannels: number }>(
  fn: string,
  options: T,
): { o: T; inChannels: number; outChannels: number } {
  const o = checkOptionsObject(fn, options);
  const inChannels = checkInt(fn, "inChannels", o.inChannels, 1);
  const outChannels = checkInt(fn, "outChannels", o.outChannels, 1);
  return { o, inChannels, outChannels };
}

/** dtype, the learnResidual flag and the generator (default: the global one), in that order. */
export function checkModelTail(
  fn: string,
  o: { dtype?: unknown; learnResidual?: unknown; generator?: Generator },
  inChannels: number,
  outChannels: number,
): { dtype: RealFloatDType; learnResidual: boolean; generator: Generator } {
  const dtype = checkDType(fn, o.dtype);
  const learnResidual = checkResidual(fn, o.learnResidual, inChannels, outChannels);
  return { dtype, learnResidual, generator: o.generator ?? defaultGenerator() };
}

/** Grid sides h and w must be multiples of factor (`what` names it in the error). */
export function checkGridDivisible(
  fn: string,
  h: number,
  w: number,
  factor: number,
  what: string,
): void {
  if (h % factor !== 0 || w % factor !== 0)
    throw new ShapeError(fn, "x", `a grid divisible by ${what}`, `${h} x ${w}`);
}
