/** Kernels registered from outside the core: dispatch, autograd, typed errors. */
import {
  grad,
  memory,
  mul,
  NotImplementedError,
  readSync,
  registerGradient,
  registerKernel,
  runKernel,
  square,
  sum,
  type Tensor,
  tensor,
  ValueError,
  writeOutput,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "./helpers.js";

// x^3 + scale, elementwise, real: an independent closed form to check against.
registerKernel<{ scale: number }>("TestCube", "cpu", ([x], { scale }, backend) => {
  const v = readSync(x, backend);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] ** 3 + scale;
  return writeOutput(out, x.shape, "float64", backend);
});
registerGradient<{ scale: number }>("TestCube", (dy, [x]) => [mul(dy, mul(square(x), 3))]);
const cube = (x: Tensor, scale = 0): Tensor => runKernel("TestCube", [x], { scale }, "cube");

registerKernel("TestNoGrad", "cpu", ([x], _attrs, backend) =>
  writeOutput(readSync(x, backend), x.shape, x.dtype, backend),
);

describe("custom kernels", () => {
  it("dispatch to the registered implementation", () => {
    const y = cube(tensor([1, 2, -3], { dtype: "float64" }), 0.5);
    expect(Array.from(y.dataSync())).toEqual([1.5, 8.5, -26.5]);
  });

  it("take part in autograd through their registered gradient", () => {
    const g = grad((x) => sum(cube(x)))(tensor([1, 2, -3], { dtype: "float64" }));
    expect(Array.from(g.dataSync())).toEqual([3, 12, 27]);
    checkGrad((x) => cube(x, 1), [randomTensor([4, 3], "float64", 5)]);
  });

  it("release their outputs like core ops", () => {
    const x = tensor([1, 2], { dtype: "float64" });
    const before = memory().numTensors;
    for (let i = 0; i < 10; i++) grad((t) => sum(cube(t)))(x).dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("refuse unknown names, core names, and missing gradients with typed errors", () => {
    expect(() => runKernel("NoSuchKernel", [tensor([1])], {})).toThrow(ValueError);
    expect(() => registerKernel("Binary", "cpu", ([x]) => x)).toThrow(ValueError);
    expect(() => registerGradient("Conv", () => [])).toThrow(ValueError);
    const x = tensor([1, 2], { dtype: "float64" });
    expect(() => grad((t) => sum(runKernel("TestNoGrad", [t], {})))(x)).toThrow(
      NotImplementedError,
    );
  });
});
