/** Memory management: scoped tidy, keep, dispose, and the live counters. */
import { ENGINE, type MemoryInfo } from "./engine.js";
import { Tensor } from "./tensor.js";

/**
 * Run fn and release every tensor it created except those it returns (also inside arrays and
 * plain objects) and those passed to keep(). fn must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  return ENGINE.tidy(fn);
}

/** Exempt t from all tidy scopes; release it yourself with dispose(). */
export function keep<T extends Tensor>(t: T): T {
  return ENGINE.keep(t);
}

/** Release tensors (also inside arrays and plain objects). Disposing twice is harmless. */
export function dispose(x: unknown): void {
  if (x instanceof Tensor) x.dispose();
  else if (Array.isArray(x)) for (const v of x) dispose(v);
  else if (x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype) {
    for (const v of Object.values(x)) dispose(v);
  }
}

/** Live tensor handles, storage buffers and bytes, per backend too. */
export function memory(): MemoryInfo {
  return ENGINE.memory();
}

export type { MemoryInfo };
