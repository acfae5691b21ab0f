/**
 * Losses: values against PyTorch (and neuraloperator's LpLoss formula evaluated in torch) in
 * float64, gradients against finite differences.
 *
 * Tolerance: each loss is a sum of <= 60 terms plus a log-sum-exp; the rounding error is a few
 * u x (sum of |terms|), ~1e-14 relative to the loss here, so 1e-12 relative leaves a wide margin
 * while any semantic difference (mean vs sum, smoothing weights, ignore handling) is O(1e-2).
 */
import { crossEntropy, l1Loss, mseLoss, relativeLpLoss } from "@modewise/nn";
import { dispose, memory, type Tensor, tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  checkGrad,
  expectScaledClose,
  fromJson,
  type JsonTensor,
  randomTensor,
  readFixture,
} from "./helpers.js";

type LossCase = {
  input?: JsonTensor;
  /** A tensor, or class indices (nested for the spatial case). */
  target: JsonTensor | number[] | number[][];
  logits?: JsonTensor;
  probs?: JsonTensor;
  targetShape?: number[];
  reduction?: "mean" | "sum" | "none";
  p?: number;
  d?: number;
  kw?: { reduction?: "mean" | "sum" | "none"; label_smoothing?: number };
  value: JsonTensor;
};
const { torch, losses } = readFixture<{ torch: string; losses: Record<string, LossCase> }>(
  "torch_layers.json",
);

function evaluate(name: string, c: LossCase): Tensor {
  if (name.startsWith("ce")) {
    const logits = fromJson(c.logits!);
    const opts = { reduction: c.kw?.reduction, labelSmoothing: c.kw?.label_smoothing };
    const target = c.probs
      ? fromJson(c.probs)
      : tensor(Int32Array.from((c.target as unknown[]).flat() as number[]), {
          shape: c.targetShape ?? [(c.target as number[]).length],
        });
    return crossEntropy(logits, target, opts);
  }
  const input = fromJson(c.input!);
  const target = fromJson(c.target as JsonTensor);
  if (name.startsWith("mse")) return mseLoss(input, target, { reduction: c.reduction });
  if (name.startsWith("l1")) return l1Loss(input, target, { reduction: c.reduction });
  return relativeLpLoss(input, target, { p: c.p, d: c.d, reduction: c.reduction });
}

describe(`losses match PyTorch ${torch} (float64)`, () => {
  for (const [name, c] of Object.entries(losses)) {
    it(name, () => {
      const v = evaluate(name, c);
      expect(v.shape).toEqual(c.value.shape);
      expectScaledClose(v, c.value.data, 1e-12, name);
    });
  }
});

describe("loss gradients (finite differences, float64 and complex128)", () => {
  const a = () => randomTensor([3, 4], "float64", 1);
  const b = () => randomTensor([3, 4], "float64", 2);
  it("mseLoss", () => checkGrad((x, y) => mseLoss(x, y), [a(), b()]));
  it("mseLoss, complex, sum", () =>
    checkGrad(
      (x, y) => mseLoss(x, y, { reduction: "sum" }),
      [randomTensor([5], "complex128", 3), randomTensor([5], "complex128", 4)],
    ));
  it("l1Loss", () => checkGrad((x, y) => l1Loss(x, y), [a(), b()]));
  it("relativeLpLoss p = 2, 3 and complex", () => {
    checkGrad((x, y) => relativeLpLoss(x, y), [a(), b()]);
    checkGrad((x, y) => relativeLpLoss(x, y, { p: 3, reduction: "mean" }), [a(), b()]);
    checkGrad(
      (x, y) => relativeLpLoss(x, y),
      [randomTensor([2, 3], "complex128", 5), randomTensor([2, 3], "complex128", 6)],
    );
  });
  it("crossEntropy with label smoothing and ignored targets", () => {
    const t = tensor(new Int32Array([1, -100, 0, 3]));
    checkGrad(
      (x) => crossEntropy(x, t, { labelSmoothing: 0.15 }),
      [randomTensor([4, 5], "float64", 7)],
    );
  });
  it("crossEntropy with probabilities over a spatial axis", () => {
    const probs = tensor(new Float64Array([0.2, 0.5, 0.3, 1, 0, 0, 0.1, 0.1, 0.8, 0, 0.5, 0.5]), {
      shape: [2, 3, 2],
    });
    checkGrad(
      (x) => crossEntropy(x, probs, { reduction: "sum" }),
      [randomTensor([2, 3, 2], "float64", 8)],
    );
  });
});

describe("loss semantics", () => {
  it("cross entropy: all targets ignored gives NaN with mean (0 / 0, as torch); bad targets throw", () => {
    const logits = randomTensor([2, 3], "float64", 1);
    expect(Number.isNaN(crossEntropy(logits, tensor(new Int32Array([-100, -100]))).item())).toBe(
      true,
    );
    expect(() => crossEntropy(logits, tensor(new Int32Array([0, 3])))).toThrow(/class indices/);
    expect(() => crossEntropy(logits, tensor(new Int32Array([0])))).toThrow(/shape/);
  });

  it("relative Lp of equal tensors is 0; shape mismatch throws", () => {
    const x = randomTensor([2, 3], "float64", 1);
    expect(relativeLpLoss(x, x).item()).toBe(0);
    expect(() => mseLoss(x, randomTensor([3, 2], "float64", 2))).toThrow(/shape/);
  });

  it("losses release their temporaries", () => {
    const x = randomTensor([4, 3], "float64", 1);
    const y = randomTensor([4, 3], "float64", 2);
    const t = tensor(new Int32Array([0, 1, 2, 0]));
    const before = memory().numTensors;
    const out = [
      mseLoss(x, y),
      l1Loss(x, y),
      relativeLpLoss(x, y),
      crossEntropy(x, t, { labelSmoothing: 0.1 }),
    ];
    expect(memory().numTensors).toBe(before + out.length);
    dispose([out, x, y, t]);
  });
});
