/**
 * Argument checks shared by the plan, the simple interface and the inverse. Every failure is a
 * typed error of @modewise/tensor naming the function, the argument, what was expected and what
 * came: never a silent NaN, truncation or hang.
 */
import { DTypeError, ShapeError, ValueError } from "@modewise/tensor";
import { epsFloor } from "./kernel/es-kernel.js";
import type {
  ComplexArray,
  Coords,
  ModeOrder,
  NufftPrecision,
  NufftType,
  Sign,
  Upsampfac,
} from "./types.js";

export function describeValue(v: unknown): string {
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return String(v);
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (Array.isArray(v)) return `array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `${v.constructor.name}`;
  return typeof v;
}

export function checkType(fn: string, type: unknown): NufftType {
  if (type !== 1 && type !== 2 && type !== 3) {
    throw new ValueError(fn, "type", "1, 2 or 3", describeValue(type));
  }
  return type;
}

/** eps > 0 finite; returns the effective eps (clamped to the floor) and whether it was clamped. */
export function checkEps(
  fn: string,
  eps: unknown,
  precision: NufftPrecision,
  upsampfac: Upsampfac,
  type: NufftType = 1,
): { eps: number; clamped: boolean } {
  if (typeof eps !== "number" || !Number.isFinite(eps) || eps <= 0) {
    throw new ValueError(fn, "eps", "a finite number > 0", describeValue(eps));
  }
  const floor = epsFloor(type, precision, upsampfac);
  if (eps < floor) return { eps: floor, clamped: true };
  // A tolerance >= 1 asks for nothing; the widest error we model is 1e-1 (w = 2).
  return { eps: Math.min(eps, 0.1), clamped: false };
}

export function checkSign(fn: string, isign: unknown): Sign {
  if (isign !== 1 && isign !== -1)
    throw new ValueError(fn, "isign", "+1 or -1", describeValue(isign));
  return isign;
}

export function checkUpsampfac(fn: string, s: unknown): Upsampfac {
  if (s !== 2 && s !== 1.25) throw new ValueError(fn, "upsampfac", "2 or 1.25", describeValue(s));
  return s;
}

export function checkModeOrder(fn: string, m: unknown): ModeOrder {
  if (m !== "cmcl" && m !== "fft") {
    throw new ValueError(fn, "modeOrder", "'cmcl' or 'fft'", describeValue(m));
  }
  return m;
}

export function checkPrecision(fn: string, p: unknown): NufftPrecision {
  if (p !== "f64" && p !== "f32")
    throw new ValueError(fn, "precision", "'f64' or 'f32'", describeValue(p));
  return p;
}

export function checkCount(fn: string, name: string, n: unknown, min = 1): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min) {
    throw new ValueError(fn, name, `an integer >= ${min}`, describeValue(n));
  }
  return n;
}

export function checkModes(fn: string, nModes: unknown): number[] {
  if (!Array.isArray(nModes) || nModes.length < 1 || nModes.length > 3) {
    throw new ShapeError(fn, "nModes", "an array of 1, 2 or 3 mode counts", describeValue(nModes));
  }
  return nModes.map((n, i) => checkCount(fn, `nModes[${i}]`, n));
}

export function checkDim(fn: string, dim: unknown): 1 | 2 | 3 {
  if (dim !== 1 && dim !== 2 && dim !== 3) {
    throw new ValueError(fn, "dim", "1, 2 or 3 (type 3 takes the dimension)", describeValue(dim));
  }
  return dim;
}

/** A coordinate array of length m (or any length when m < 0), all finite; returned as float64. */
export function checkCoords(fn: string, name: string, c: unknown, m: number): Float64Array {
  if (!(c instanceof Float64Array || c instanceof Float32Array || Array.isArray(c))) {
    throw new DTypeError(fn, name, "Float64Array, Float32Array or number[]", describeValue(c));
  }
  const arr = c as Coords;
  if (m >= 0 && arr.length !== m) {
    throw new ShapeError(
      fn,
      name,
      `length ${m} (same as the first coordinate array)`,
      `length ${arr.length}`,
    );
  }
  const out = new Float64Array(arr.length);
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ValueError(fn, name, "finite coordinates", `${String(v)} at index ${i}`);
    }
    out[i] = v;
  }
  return out;
}

/** A complex array of the plan's precision with exactly `length` complex entries. */
export function checkComplex(
  fn: string,
  name: string,
  a: unknown,
  precision: NufftPrecision,
  length: number,
  what: string,
): ComplexArray {
  const want = precision === "f64" ? Float64Array : Float32Array;
  if (!(a instanceof want)) {
    throw new DTypeError(
      fn,
      name,
      `${want.name} (plan precision '${precision}')`,
      describeValue(a),
    );
  }
  if (a.length !== 2 * length) {
    throw new ShapeError(
      fn,
      name,
      `${2 * length} numbers (${what}, interleaved complex)`,
      `${a.length}`,
    );
  }
  return a;
}

export function checkOut(
  fn: string,
  out: unknown,
  precision: NufftPrecision,
  length: number,
  what: string,
): ComplexArray {
  if (out === undefined)
    return precision === "f64" ? new Float64Array(2 * length) : new Float32Array(2 * length);
  return checkComplex(fn, "out", out, precision, length, what);
}

/**
 * Largest fine grid a plan may allocate: 2^27 complex cells (2 GiB of float64). Beyond it (huge
 * mode counts, or type-3 extents with a huge X * S product) we refuse instead of running out of
 * memory halfway (FINUFFT refuses above its MAX_NF for the same reason).
 */
export const MAX_FINE_CELLS = 2 ** 27;

export function checkFineGrid(fn: string, argument: string, fine: readonly number[]): void {
  const cells = fine.reduce((a, b) => a * b, 1);
  if (cells > MAX_FINE_CELLS) {
    throw new ValueError(
      fn,
      argument,
      `a problem whose fine grid has at most 2^27 cells`,
      `a fine grid of ${fine.join(" x ")} = ${cells} cells`,
    );
  }
}
