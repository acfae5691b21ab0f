/** Kernels registered from outside the core: dispatch, autograd, typed errors. */
import {
  allocOutput,
  borrowSync,
  DTypeError,
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
  tidy,
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

// The same closed form, reading through borrowSync and writing into allocOutput's array.
let lastBorrowed: unknown = null;
registerKernel<{ scale: number }>("TestCubePooled", "cpu", ([x], { scale }, backend) => {
  const v = borrowSync(x, backend);
  lastBorrowed = v;
  const out = allocOutput(x.shape, x.dtype, backend, false);
  for (let i = 0; i < v.length; i++) out.values[i] = v[i] ** 3 + scale;
  return out.finish();
});
registerGradient<{ scale: number }>("TestCubePooled", (dy, [x]) => [mul(dy, mul(square(x), 3))]);
// Writes only the first element: the rest must read as zeros (allocOutput's default).
registerKernel("TestFirstOnly", "cpu", ([x], _attrs, backend) => {
  const out = allocOutput(x.shape, x.dtype, backend);
  out.values[0] = 7;
  return out.finish();
});

// a * b elementwise; its gradient records which inputs autograd said need one.
const seenNeeds: boolean[][] = [];
registerKernel("TestProduct", "cpu", ([a, b], _attrs, backend) => {
  const [u, v] = [readSync(a, backend), readSync(b, backend)];
  return writeOutput(
    Float64Array.from(u, (x, i) => x * v[i]),
    a.shape,
    "float64",
    backend,
  );
});
registerGradient("TestProduct", (dy, [a, b], _y, _attrs, needs) => {
  seenNeeds.push([...needs]);
  return [needs[0] ? mul(dy, b) : null, needs[1] ? mul(dy, a) : null];
});

describe("custom kernels", () => {
  it("gradients are told which inputs need one (a constant operand gets none)", () => {
    const c = tensor([2, 3], { dtype: "float64" });
    const x = tensor([5, 7], { dtype: "float64" });
    seenNeeds.length = 0;
    const gx = grad((t) => sum(runKernel("TestProduct", [t, c], {})))(x);
    expect(Array.from(gx.dataSync())).toEqual([2, 3]);
    // both sides watched: both needed; the constant first: only the second
    const both = grad((t) => sum(runKernel("TestProduct", [t, t], {})))(x);
    expect(Array.from(both.dataSync())).toEqual([10, 14]);
    grad((t) => sum(runKernel("TestProduct", [c, t], {})))(x);
    expect(seenNeeds).toEqual([
      [true, false],
      [true, true],
      [false, true],
    ]);
  });

  it("borrowSync hands a kernel the input's own storage (no copy); readSync a copy", () => {
    tidy(() => {
      const x = tensor([1, 2, -3, 0.5], { dtype: "float64" });
      const y = runKernel("TestCubePooled", [x], { scale: 0.5 }, "cube");
      expect(Array.from(y.dataSync())).toEqual([1.5, 8.5, -26.5, 0.625]);
      const again = runKernel("TestCubePooled", [x], { scale: 0 }, "cube");
      const first = lastBorrowed;
      runKernel("TestCubePooled", [x], { scale: 0 }, "cube");
      expect(lastBorrowed).toBe(first); // the same array both times: the storage itself
      expect(x.dataSync()).not.toBe(x.dataSync()); // users keep getting copies
      expect(Array.from(again.dataSync())).toEqual([1, 8, -27, 0.125]);
      checkGrad(
        (t) => runKernel("TestCubePooled", [t], { scale: 1 }, "cube"),
        [randomTensor([4, 3], "float64", 6)],
      );
    });
  });

  it("allocOutput recycles released outputs, zeroed unless told otherwise, and frees them", () => {
    const before = memory().numTensors;
    const n = 5000; // above the pool's minimum size
    for (let round = 0; round < 3; round++)
      tidy(() => {
        const x = tensor(new Float32Array(n).fill(2), { dtype: "float32" });
        const cubed = runKernel("TestCubePooled", [x], { scale: 0 }, "cube");
        expect(cubed.dataSync().every((v) => v === 8)).toBe(true);
        // released arrays full of 8s come back: the zeroed request must clear them
        cubed.dispose();
        const z = runKernel("TestFirstOnly", [x], {}, "firstOnly").dataSync();
        expect(z[0]).toBe(7);
        expect(z.subarray(1).every((v) => v === 0)).toBe(true);
        const c = runKernel(
          "TestFirstOnly",
          [tensor(new Float32Array([1, 2, 3, 4]), { dtype: "complex64" })],
          {},
          "f",
        );
        expect(Array.from(c.dataSync())).toEqual([7, 0, 0, 0]);
      });
    expect(memory().numTensors).toBe(before);
    expect(() => allocOutput([2], "float16" as "float32", undefined as never)).toThrow(DTypeError);
  });

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
