/**
 * Importing `@modewise/fft/tensor` is what registers the FFT kernels and their gradients into
 * the tensor core (its documented side effect). Vitest gives each test file a fresh module
 * graph, so here the core starts without them.
 */
import { grad, real, runKernel, sum, tensor, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

describe("registration", () => {
  it("the kernels exist only after the entry is imported, then run and differentiate", async () => {
    const x = tensor(new Float64Array([1, 2, 3, 4]), { dtype: "complex128", shape: [2] });
    expect(() => runKernel("FFT", [x], {})).toThrow(ValueError);
    const FT = await import("@modewise/fft/tensor");
    for (const name of ["FFT", "RFFT", "IRFFT", "R2R"])
      expect(() => runKernel(name, [], {})).not.toThrow(/registerKernel/);
    const y = runKernel("FFT", [x], { axes: [0], n: [2], out: [2], sign: -1, scale: 1 });
    expect(Array.from(y.dataSync())).toEqual([4, 6, -2, -2]);
    const g = grad((t) => sum(real(FT.fft(t))))(x);
    expect(Array.from(g.dataSync())).toEqual([2, 0, 0, 0]);
  });
});
