import { memory, mul, philox4x32, sin, sum, tensor, valueAndGrads } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "./helpers.js";

describe("tensor core smoke", () => {
  it("Philox4x32-10 matches the Random123 known-answer vectors", () => {
    const hex = (a: Uint32Array) => [...a].map((x) => x.toString(16).padStart(8, "0"));
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual([
      "6627e8d5",
      "e169c58d",
      "bc57ac4c",
      "9b00dbd8",
    ]);
    expect(
      hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])),
    ).toEqual(["408f276d", "41c83b0e", "a20bc7c6", "6d5451fd"]);
    expect(
      hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ).toEqual(["d16cfe09", "94fdcceb", "5001e420", "24126ea1"]);
  });

  it("gradient of sum(sin(x) * y) and memory returns to baseline", () => {
    const before = memory().numTensors;
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: "float64" },
    );
    const y = tensor(
      [
        [0.5, -1],
        [2, 0],
      ],
      { dtype: "float64" },
    );
    const { value, grads } = valueAndGrads((a, b) => sum(mul(sin(a), b)))([x, y]);
    expect(value.item()).toBeCloseTo(0.5 * Math.sin(1) - Math.sin(2) + 2 * Math.sin(3), 14);
    expect(Array.from(grads[1].dataSync())).toEqual([1, 2, 3, 4].map(Math.sin));
    for (const t of [x, y, value, ...grads]) t.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("finite-difference check helper agrees on a composite", () => {
    checkGrad(
      (a, b) => mul(sin(a), b),
      [randomTensor([3, 4], "float64", 1), randomTensor([4], "float64", 2)],
    );
  });
});
