/**
 * Test utilities for @modewise/nn: fixture loading and closeness checks. The finite-difference
 * gradient check is the tensor package's (imported, not copied).
 */
import { readFileSync } from "node:fs";
import { type DType, type Tensor, tensor } from "@modewise/tensor";

export {
  checkGrad,
  expectClose,
  onOneAndTwoThreads,
  randomTensor,
} from "../../tensor/test/helpers.js";

/** A tensor as the fixture scripts write it: flat row-major data, complex interleaved. */
export interface JsonTensor {
  shape: number[];
  dtype: string;
  data: number[];
}

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as T;
}

export function readFixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
}

export function fromJson(t: JsonTensor): Tensor {
  const integer = t.dtype === "int32" || t.dtype === "int64";
  const dtype = (integer ? "int32" : t.dtype) as DType;
  const data = integer
    ? Int32Array.from(t.data)
    : dtype === "float32" || dtype === "complex64"
      ? Float32Array.from(t.data)
      : Float64Array.from(t.data);
  return tensor(data, { dtype, shape: t.shape });
}

export function stateFromJson(s: Record<string, JsonTensor>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, fromJson(v)]));
}

/**
 * max |actual - expected| <= tol * max(1, max |expected|): an error bound relative to the
 * tensor's scale, the natural measure for results of sums whose rounding error scales with the
 * magnitude of the summands rather than with each (possibly tiny) output element.
 */
export function expectScaledClose(
  actual: Tensor | ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  what = "",
): void {
  const a = "dataSync" in actual ? (actual as Tensor).dataSync() : actual;
  if (a.length !== expected.length)
    throw new Error(`${what}: length ${a.length}, expected ${expected.length}`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - expected[i]);
    if (!(e <= worst)) {
      worst = e;
      at = i;
    }
  }
  if (!(worst <= tol * scale)) {
    throw new Error(
      `${what}: element ${at}: got ${a[at]}, expected ${expected[at]} (error ${worst.toExponential(2)} > ${tol} x scale ${scale.toPrecision(3)})`,
    );
  }
}
