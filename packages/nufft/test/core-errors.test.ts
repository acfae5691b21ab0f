/** Bad input gets a typed error (from @modewise/tensor) naming the argument. */
import { inverseNufft, makePlan, nufft1d1 } from "@modewise/nufft";
import { DTypeError, NotImplementedError, ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

const x = new Float64Array([0, 1, 2]);
const c = new Float64Array(6);

function expectError(f: () => unknown, cls: new (...a: never[]) => Error, argument: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(cls);
    expect((e as { argument?: string }).argument).toBe(argument);
    return;
  }
  throw new Error(`expected ${cls.name} for '${argument}'`);
}

describe("typed errors", () => {
  it("plan options", () => {
    expectError(() => makePlan(4 as 1, [10]), ValueError, "type");
    expectError(() => makePlan(1, [10], { eps: 0 }), ValueError, "eps");
    expectError(() => makePlan(1, [10], { eps: -1e-6 }), ValueError, "eps");
    expectError(() => makePlan(1, [10], { eps: Number.NaN }), ValueError, "eps");
    expectError(() => makePlan(1, [10], { upsampfac: 1.5 as 2 }), ValueError, "upsampfac");
    expectError(() => makePlan(1, [10], { isign: 0 as 1 }), ValueError, "isign");
    expectError(() => makePlan(1, [10], { modeOrder: "c" as "fft" }), ValueError, "modeOrder");
    expectError(() => makePlan(1, [10], { precision: "f16" as "f32" }), ValueError, "precision");
    expectError(() => makePlan(1, [10], { nTransforms: 0 }), ValueError, "nTransforms");
    expectError(() => makePlan(1, [10, 0]), ValueError, "nModes[1]");
    expectError(() => makePlan(1, [10, 2.5]), ValueError, "nModes[1]");
    expectError(() => makePlan(1, [1, 2, 3, 4]), ShapeError, "nModes");
    expectError(() => makePlan(1, 10), ShapeError, "nModes");
    expectError(() => makePlan(3, 4), ValueError, "dim");
    expectError(() => makePlan(1, [4096, 4096, 64]), ValueError, "nModes"); // 2^31 fine cells
  });

  it("points", () => {
    const plan = makePlan(1, [10, 10]);
    expectError(
      () => plan.setPoints(new Float64Array([0, Number.NaN]), new Float64Array(2)),
      ValueError,
      "x",
    );
    expectError(
      () => plan.setPoints(new Float64Array(2), new Float64Array([0, Number.POSITIVE_INFINITY])),
      ValueError,
      "y",
    );
    expectError(() => plan.setPoints(new Float64Array(2), new Float64Array(3)), ShapeError, "y");
    expectError(() => plan.setPoints(new Float64Array(2)), ShapeError, "y");
    expectError(
      () => plan.setPoints(new Float64Array(2), new Float64Array(2), new Float64Array(2)),
      ShapeError,
      "z",
    );
    expectError(
      () => plan.setPoints("abc" as unknown as Float64Array, new Float64Array(2)),
      DTypeError,
      "x",
    );
    expectError(() => plan.execute(c), ValueError, "plan");
    const p3 = makePlan(3, 1);
    expectError(() => p3.setPoints(x), ShapeError, "s");
    expectError(() => p3.setPoints(x, undefined, undefined, [1, Number.NaN]), ValueError, "s");
    // X S = 1e6 * 1e6: a fine grid of ~1e12 points is refused, not allocated.
    expectError(
      () => p3.setPoints([-1e6, 1e6], undefined, undefined, [-1e6, 1e6]),
      ValueError,
      "s",
    );
  });

  it("data", () => {
    const plan = makePlan(1, [10]);
    plan.setPoints(x);
    expectError(() => plan.execute(new Float64Array(4)), ShapeError, "input");
    expectError(() => plan.execute(new Float32Array(6)), DTypeError, "input");
    expectError(() => plan.execute(c, new Float64Array(3)), ShapeError, "out");
    expectError(() => plan.adjoint(c), ShapeError, "input");
    expectError(() => plan.spread(c), ValueError, "nModes[0]"); // 10 < 2w = 14
    expectError(() => nufft1d1(x, c, 1, 1e-6, 0), ValueError, "nModes[0]");
    const p3 = makePlan(3, 1);
    p3.setPoints(x, undefined, undefined, x);
    expect(() => p3.spread(c)).toThrow(NotImplementedError);
    plan.dispose();
    expectError(() => plan.execute(c), ValueError, "plan");
  });

  it("inverse", () => {
    expectError(() => inverseNufft([8], [x], c, { tol: 0 }), ValueError, "tol");
    expectError(() => inverseNufft([8], [x], c, { damping: -1 }), ValueError, "damping");
    expectError(() => inverseNufft([8], [x], new Float64Array(4)), ShapeError, "values");
    expectError(
      () => inverseNufft([8], [x], c, { weights: new Float64Array([1, 0, 1]) }),
      ValueError,
      "weights",
    );
  });
});
