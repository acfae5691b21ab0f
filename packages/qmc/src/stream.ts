/**
 * Point-range requests shared by every generator: validation of (n, start, out) and chunked
 * streaming of large point sets without holding them all.
 */
import { ShapeError, ValueError } from "@modewise/tensor";
import type { GenOptions, StreamOptions } from "./types.js";

/** A checked request for points start .. start+n-1 into out (length n * dim). */
export interface PointRange {
  n: number;
  start: number;
  out: Float64Array;
}

/**
 * Validate gen() arguments: n and start non-negative integers with start + n <= maxIndex (the
 * number of distinct indices the construction supports), out of length exactly n * dim.
 */
export function checkRange(
  fn: string,
  dim: number,
  n: number,
  options: GenOptions | undefined,
  maxIndex: number,
): PointRange {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ValueError(fn, "n", "a non-negative integer", String(n));
  const start = options?.start ?? 0;
  if (!Number.isSafeInteger(start) || start < 0)
    throw new ValueError(fn, "start", "a non-negative integer", String(start));
  if (start + n > maxIndex)
    throw new ValueError(
      fn,
      "start + n",
      `at most ${maxIndex} (the number of points this construction supports)`,
      String(start + n),
    );
  const size = n * dim;
  let out = options?.out;
  if (out === undefined) out = new Float64Array(size);
  else if (!(out instanceof Float64Array))
    throw new ValueError(fn, "out", "a Float64Array", String(out));
  else if (out.length !== size)
    throw new ShapeError(fn, "out", `length n * dim = ${size}`, `length ${out.length}`);
  return { n, start, out };
}

/** Validate the dimension argument of a constructor. */
export function checkDim(fn: string, dim: number, maxDim: number): void {
  if (!Number.isSafeInteger(dim) || dim < 1 || dim > maxDim)
    throw new ValueError(fn, "dim", `an integer in [1, ${maxDim}]`, String(dim));
}

/** Validate a string option against its allowed values. */
export function checkChoice<T extends string>(
  fn: string,
  argument: string,
  value: T,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value))
    throw new ValueError(
      fn,
      argument,
      `one of ${allowed.map((a) => `'${a}'`).join(", ")}`,
      typeof value === "string" ? `'${value}'` : String(value),
    );
  return value;
}

/**
 * Chunks of `n` points starting at `start`, each at most `chunkSize` points, produced by
 * `fill(count, first)`; concatenated they equal the one-shot generation (each chunk is a fresh
 * array the caller may keep). Arguments are checked now, not at the first iteration.
 */
export function streamChunks(
  fn: string,
  n: number,
  chunkSize: number,
  options: StreamOptions | undefined,
  fill: (count: number, first: number) => Float64Array,
): Generator<Float64Array, void, undefined> {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ValueError(fn, "n", "a non-negative integer", String(n));
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new ValueError(fn, "chunkSize", "a positive integer", String(chunkSize));
  const start = options?.start ?? 0;
  if (!Number.isSafeInteger(start) || start < 0)
    throw new ValueError(fn, "start", "a non-negative integer", String(start));
  return chunks(n, chunkSize, start, fill);
}

function* chunks(
  n: number,
  chunkSize: number,
  start: number,
  fill: (count: number, first: number) => Float64Array,
): Generator<Float64Array, void, undefined> {
  for (let done = 0; done < n; done += chunkSize) {
    yield fill(Math.min(chunkSize, n - done), start + done);
  }
}

/** Fills out (length n * dim) with points start .. start+n-1 of a generator. */
export type FillPoints = (out: Float64Array, start: number, n: number) => void;

/** gen() of a generator defined by its fill: checked range, then points into out (or a new array). */
export function genPoints(
  fn: string,
  dim: number,
  n: number,
  options: GenOptions | undefined,
  maxIndex: number,
  fill: FillPoints,
): Float64Array {
  const { start, out } = checkRange(fn, dim, n, options, maxIndex);
  fill(out, start, n);
  return out;
}

/**
 * stream() of a generator defined by its fill: the range is checked now, each chunk is a fresh
 * array of count * dim points filled from its first index.
 */
export function streamPoints(
  fn: string,
  dim: number,
  n: number,
  chunkSize: number,
  options: StreamOptions | undefined,
  maxIndex: number,
  fill: FillPoints,
): Generator<Float64Array, void, undefined> {
  checkRange(fn, 0, n, options, maxIndex);
  return streamChunks(fn, n, chunkSize, options, (count, first) => {
    const out = new Float64Array(count * dim);
    fill(out, first, count);
    return out;
  });
}
