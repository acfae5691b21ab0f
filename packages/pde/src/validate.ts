/** Argument checks shared by the solvers: each failure is a typed error naming the argument. */
import { ShapeError, show, ValueError } from "@modewise/tensor";

// The solvers' modules import show from here with the other checks.
export { show };

export function checkOptionsObject(opts: unknown, fn: string): Record<string, unknown> {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts))
    throw new ValueError(fn, "options", "an options object", show(opts));
  return opts as Record<string, unknown>;
}

export function intArg(
  fn: string,
  name: string,
  v: unknown,
  dflt: number | undefined,
  min: number,
): number {
  const x = v === undefined ? dflt : v;
  if (typeof x !== "number" || !Number.isInteger(x) || x < min)
    throw new ValueError(fn, name, `an integer >= ${min}`, show(v));
  return x;
}

export function numArg(
  fn: string,
  name: string,
  v: unknown,
  dflt: number | undefined,
  positive: boolean,
): number {
  const x = v === undefined ? dflt : v;
  if (typeof x !== "number" || !Number.isFinite(x) || (positive && x <= 0))
    throw new ValueError(fn, name, positive ? "a finite number > 0" : "a finite number", show(v));
  return x;
}

export function choiceArg<T extends string>(
  fn: string,
  name: string,
  v: unknown,
  dflt: T,
  choices: readonly T[],
): T {
  const x = v === undefined ? dflt : v;
  if (typeof x !== "string" || !(choices as readonly string[]).includes(x))
    throw new ValueError(fn, name, `one of ${choices.map((c) => `'${c}'`).join(", ")}`, show(v));
  return x as T;
}

export function floatArray(
  fn: string,
  name: string,
  v: unknown,
  length: number,
  what: string,
): Float64Array {
  if (!(v instanceof Float64Array))
    throw new ValueError(fn, name, `a Float64Array ${what}`, show(v));
  if (v.length !== length)
    throw new ShapeError(fn, name, `${length} values (${what})`, `${v.length} values`);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i] as number))
      throw new ValueError(fn, name, "finite values", `${v[i]} at index ${i}`);
  }
  return v;
}
