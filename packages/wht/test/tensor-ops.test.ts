/**
 * The "FWHT" tensor op (@modewise/wht/tensor): forward values against the direct definition
 * along any axis, f32 and f64, typed errors, and the gradient against central finite
 * differences in f64 (checkGrad from the tensor core's test helpers).
 */

import { DTypeError, mul, sum, tensor, ValueError } from "@modewise/tensor";
import { fwht as fwhtArray } from "@modewise/wht";
import * as WT from "@modewise/wht/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "../../tensor/test/helpers.js";
import { directWHT, l1, maxAbsDiff, uniform } from "./reference/direct.js";

const ORDERS = ["natural", "sequency", "dyadic"] as const;
const NORMS = ["backward", "ortho", "forward"] as const;

describe("FWHT tensor op: forward values", () => {
  it("along the last axis equals the direct definition (f64), every order and norm", () => {
    const x = uniform(3 * 16, 1);
    for (const order of ORDERS) {
      for (const norm of NORMS) {
        const y = WT.fwht(tensor(x, { shape: [3, 16] }), { order, norm });
        expect(y.shape).toEqual([3, 16]);
        const data = y.dataSync() as Float64Array;
        const scale = norm === "backward" ? 1 : norm === "ortho" ? 0.25 : 1 / 16;
        for (let r = 0; r < 3; r++) {
          const ref = directWHT(x.subarray(16 * r, 16 * r + 16), order, scale);
          expect(maxAbsDiff(data.subarray(16 * r, 16 * r + 16), ref)).toBeLessThanOrEqual(
            6 * 2 ** -53 * l1(x),
          );
        }
      }
    }
  });

  it("along a middle axis equals the array transform of each strided line", () => {
    const shape = [2, 8, 3];
    const x = uniform(48, 2);
    const y = WT.fwht(tensor(x, { shape }), { axis: 1, order: "sequency" }).dataSync();
    for (let o = 0; o < 2; o++) {
      for (let i = 0; i < 3; i++) {
        const line = new Float64Array(8);
        for (let k = 0; k < 8; k++) line[k] = x[o * 24 + k * 3 + i];
        const ref = directWHT(line, "sequency");
        for (let k = 0; k < 8; k++) expect(y[o * 24 + k * 3 + i]).toBeCloseTo(ref[k], 12);
      }
    }
  });

  it("f32 tensors stay f32 and match the array API bit for bit", () => {
    const x32 = Float32Array.from(uniform(64, 3));
    const y = WT.fwht(tensor(x32, { shape: [64], dtype: "float32" }), { norm: "ortho" });
    expect(y.dtype).toBe("float32");
    expect(Array.from(y.dataSync())).toEqual(Array.from(fwhtArray(x32.slice(), { norm: "ortho" })));
  });

  it("ifwht inverts fwht", () => {
    const t = randomTensor([4, 32], "float64", 5);
    const back = WT.ifwht(WT.fwht(t, { order: "dyadic" }), { order: "dyadic" });
    expect(maxAbsDiff(back.dataSync(), t.dataSync())).toBeLessThan(1e-14);
  });

  it("typed errors", () => {
    expect(() => WT.fwht(tensor([1, 2, 3]))).toThrow(ValueError);
    expect(() => WT.fwht(tensor([1, 2], { dtype: "int32" }))).toThrow(DTypeError);
    expect(() => WT.fwht(tensor([1, 2]), { axis: 1 })).toThrow(ValueError);
    expect(() => WT.fwht(tensor([1, 2]), { norm: "none" as never })).toThrow(ValueError);
    expect(() => WT.fwht([1, 2] as never)).toThrow(ValueError);
  });
});

describe("FWHT tensor op: gradients (f64 finite differences)", () => {
  it("every order and norm, along any axis, and the gradient of the inverse", () => {
    for (const order of ORDERS) {
      for (const norm of NORMS) {
        checkGrad((x) => WT.fwht(x, { order, norm }), [randomTensor([8], "float64", 1)]);
        checkGrad((x) => WT.ifwht(x, { order, norm }), [randomTensor([2, 4], "float64", 2)]);
      }
    }
    checkGrad(
      (x) => WT.fwht(x, { axis: 0, order: "sequency" }),
      [randomTensor([4, 3], "float64", 3)],
    );
    checkGrad((x) => WT.fwht(x, { axis: 1 }), [randomTensor([2, 1, 3], "float64", 4)]);
  });

  it("through a nonlinear composition (y * y), and the Parseval identity", () => {
    // L(x) = sum(fwht(x)^2) = N ||x||^2 for the unnormalized natural transform; a gradient
    // check of x -> fwht(x) * fwht(x) exercises the gradient kernel inside a product.
    checkGrad(
      (x) => {
        const y = WT.fwht(x);
        return mul(y, y);
      },
      [randomTensor([16], "float64", 6)],
    );
    expect(
      sum(mul(WT.fwht(tensor([1, 2, 3, 4])), WT.fwht(tensor([1, 2, 3, 4])))).item(),
    ).toBeCloseTo(4 * 30, 12);
  });
});
