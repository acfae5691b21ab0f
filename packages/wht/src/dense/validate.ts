/** Argument validation for the dense transforms (typed errors from @modewise/tensor). */
import { DTypeError, show, ValueError } from "@modewise/tensor";
import type { RealArray } from "./butterfly.js";

// The sparse transforms import show from here with the other checks.
export { show };

export type WHTOrder = "natural" | "sequency" | "dyadic";
export type WHTNorm = "backward" | "ortho" | "forward";

export interface FWHTOptions {
  /** Output ordering: "natural" (Hadamard, default), "sequency" (Walsh), "dyadic" (Paley). */
  order?: WHTOrder;
  /**
   * Normalization, numpy's FFT convention: "backward" (default) leaves the forward transform
   * unscaled and scales the inverse by 1/N; "ortho" scales both by 1/sqrt(N); "forward" scales
   * the forward transform by 1/N and leaves the inverse unscaled.
   */
  norm?: WHTNorm;
  /** Number of independent transforms stored back to back (default 1). */
  batch?: number;
}

export interface ResolvedFWHT {
  order: WHTOrder;
  norm: WHTNorm;
  batch: number;
  /** Transform length N = 2^log2n (each batch item). */
  log2n: number;
}

const ORDERS: readonly WHTOrder[] = ["natural", "sequency", "dyadic"];
const NORMS: readonly WHTNorm[] = ["backward", "ortho", "forward"];

/** Largest supported transform length exponent (index arithmetic is 32-bit unsigned). */
export const MAX_LOG2N = 31;

/** log2(n) if n is a power of two >= 1, else -1. */
export function exactLog2(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) return -1;
  const l = Math.round(Math.log2(n));
  return 2 ** l === n ? l : -1;
}

/** An optional options argument must be undefined or an object. */
export function checkOptionsObject(fn: string, name: string, options: unknown): void {
  if (options !== undefined && (options === null || typeof options !== "object"))
    throw new ValueError(fn, name, "an options object or undefined", show(options));
}

/**
 * The order (default "natural") and norm (default "backward") of an options argument named
 * `name`, each checked against its allowed values.
 */
export function resolveOrderAndNorm(
  fn: string,
  name: string,
  options: { order?: WHTOrder; norm?: WHTNorm } | undefined,
): { order: WHTOrder; norm: WHTNorm } {
  const order = options?.order ?? "natural";
  if (!ORDERS.includes(order))
    throw new ValueError(fn, `${name}.order`, `one of ${ORDERS.join(", ")}`, show(order));
  const norm = options?.norm ?? "backward";
  if (!NORMS.includes(norm))
    throw new ValueError(fn, `${name}.norm`, `one of ${NORMS.join(", ")}`, show(norm));
  return { order, norm };
}

export function resolveFWHT(
  fn: string,
  x: unknown,
  options: FWHTOptions | undefined,
): ResolvedFWHT {
  if (!(x instanceof Float64Array || x instanceof Float32Array))
    throw new DTypeError(fn, "x", "a Float64Array or Float32Array", show(x));
  checkOptionsObject(fn, "options", options);
  const { order, norm } = resolveOrderAndNorm(fn, "options", options);
  const batch = options?.batch ?? 1;
  if (!Number.isSafeInteger(batch) || batch < 1)
    throw new ValueError(fn, "options.batch", "a positive integer", show(batch));
  const len = (x as RealArray).length;
  if (len % batch !== 0)
    throw new ValueError(fn, "x", `a length divisible by batch = ${batch}`, `length ${len}`);
  const log2n = exactLog2(len / batch);
  if (log2n < 0 || log2n > MAX_LOG2N)
    throw new ValueError(
      fn,
      "x",
      `a length of batch * 2^n (batch = ${batch}, 0 <= n <= ${MAX_LOG2N})`,
      `length ${len} (${len / batch} per transform)`,
    );
  return { order, norm, batch, log2n };
}
