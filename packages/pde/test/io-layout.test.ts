/**
 * Axis permutation: the digit-encoded field (value = digits of its own index) makes the check
 * exact and independent: after numpy-style transpose(perm), the value at output index j must
 * spell the source index i with i[perm[k]] = j[k].
 */
import { permuteAxes, reverseAxes } from "@modewise/pde/io";
import { ShapeError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { field } from "./io-helpers.js";

function digitsValue(index: readonly number[]): number {
  return index.reduce((v, i, k) => v + (i + 1) * 10 ** (index.length - 1 - k), 0.25);
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = flat % shape[a];
    flat = Math.floor(flat / shape[a]);
  }
  return idx;
}

describe("permuteAxes", () => {
  it("matches the definition for every permutation of a rank-4 array and for reversals", () => {
    const shape = [2, 3, 4, 5];
    const data = field(shape);
    const perms = [
      [0, 1, 2, 3],
      [3, 2, 1, 0],
      [1, 0, 3, 2],
      [2, 3, 0, 1],
      [0, 3, 1, 2],
    ];
    for (const perm of perms) {
      const outShape = perm.map((p) => shape[p]);
      const out = permuteAxes(data, shape, perm);
      for (let o = 0; o < out.length; o++) {
        const j = unravel(o, outShape);
        const i = new Array<number>(4);
        perm.forEach((p, k) => {
          i[p] = j[k];
        });
        expect(out[o]).toBe(digitsValue(i));
      }
    }
    const r = reverseAxes(Float32Array.from(field([3, 1, 2])), [3, 1, 2]);
    expect(r.shape).toEqual([2, 1, 3]);
    expect(r.data).toBeInstanceOf(Float32Array);
    expect(Array.from(reverseAxes(r.data, r.shape).data)).toEqual(Array.from(field([3, 1, 2])));
  });

  it("the cache-tiled path (axes of 32 and more) agrees with the definition, partial tiles included", () => {
    const shape = [37, 3, 2, 45];
    const n = shape.reduce((a, b) => a * b, 1);
    const data = Float64Array.from({ length: n }, (_, i) => i); // value = own flat index
    for (const perm of [
      [3, 2, 1, 0],
      [3, 1, 2, 0],
      [1, 3, 0, 2],
    ]) {
      const outShape = perm.map((p) => shape[p]);
      const out = permuteAxes(data, shape, perm);
      for (let o = 0; o < n; o++) {
        const j = unravel(o, outShape);
        const i = new Array<number>(4);
        perm.forEach((p, k) => {
          i[p] = j[k];
        });
        expect(out[o]).toBe(((i[0] * 3 + i[1]) * 2 + i[2]) * 45 + i[3]);
      }
    }
  });

  it("rejects a bad permutation or a shape that does not fit", () => {
    expect(() => permuteAxes(new Float64Array(6), [2, 3], [0, 0])).toThrow(ShapeError);
    expect(() => permuteAxes(new Float64Array(5), [2, 3], [1, 0])).toThrow(/elements/);
    // [-2, -3] multiplies to 6 but is not a shape: it used to give a scrambled array.
    expect(() => permuteAxes(new Float64Array(6), [-2, -3], [1, 0])).toThrow(
      /argument 'shape' expected non-negative integer dimensions, received \[-2, -3\]/,
    );
    expect(() => permuteAxes(new Float64Array(6), [1.5, 4], [1, 0])).toThrow(ShapeError);
    // errors name the function the caller used
    expect(() => reverseAxes(new Float64Array(6), [2, 2])).toThrow(
      /^reverseAxes: argument 'shape'/,
    );
  });
});
