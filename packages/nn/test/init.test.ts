/**
 * Initializers: torch.nn.init's fans, gains and bounds exactly, and the distributions
 * statistically. Statistical tolerances: for n samples the sample variance has relative standard
 * deviation sqrt(2 / n) (normal) or sqrt(4 / 5n) (uniform); with n = 40000 that is <= 0.7%, and
 * we allow 4% (> 5 sigma). Seeds are fixed, so the tests are deterministic.
 */
import { calculateGain, computeFans, init } from "@modewise/nn";
import { dispose, Generator, type Tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

function stats(t: Tensor): { mean: number; variance: number; maxAbs: number } {
  const d = t.dataSync();
  let s = 0;
  let maxAbs = 0;
  for (const v of d) {
    s += v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = s / d.length;
  let v2 = 0;
  for (const v of d) v2 += (v - mean) ** 2;
  return { mean, variance: v2 / d.length, maxAbs };
}

const shape = [200, 50, 2, 2]; // fanIn 200, fanOut 800, 40000 samples
const g = () => new Generator(11);
const f64 = { dtype: "float64" as const };

describe("fans and gains (torch.nn.init)", () => {
  it("computeFans", () => {
    expect(computeFans([5, 3])).toEqual({ fanIn: 3, fanOut: 5 });
    expect(computeFans([8, 2, 3, 3])).toEqual({ fanIn: 18, fanOut: 72 });
    expect(() => computeFans([4])).toThrow(/at least 2/);
  });

  it("calculateGain", () => {
    expect(calculateGain("linear")).toBe(1);
    expect(calculateGain("conv2d")).toBe(1);
    expect(calculateGain("sigmoid")).toBe(1);
    expect(calculateGain("tanh")).toBe(5 / 3);
    expect(calculateGain("relu")).toBe(Math.SQRT2);
    expect(calculateGain("leaky_relu")).toBe(Math.sqrt(2 / (1 + 0.01 ** 2)));
    expect(calculateGain("leaky_relu", Math.sqrt(5))).toBe(Math.sqrt(1 / 3));
    expect(calculateGain("selu")).toBe(0.75);
    expect(() => calculateGain("swish" as never)).toThrow(/one of/);
  });
});

describe("distributions", () => {
  const uniformCase = (t: Tensor, bound: number) => {
    const s = stats(t);
    expect(s.maxAbs).toBeLessThanOrEqual(bound);
    expect(s.maxAbs).toBeGreaterThan(0.999 * bound);
    expect(Math.abs(s.variance / ((bound * bound) / 3) - 1)).toBeLessThan(0.04);
    t.dispose();
  };
  const normalCase = (t: Tensor, std: number) => {
    const s = stats(t);
    expect(Math.abs(s.mean)).toBeLessThan(0.03 * std);
    expect(Math.abs(s.variance / (std * std) - 1)).toBeLessThan(0.04);
    t.dispose();
  };

  it("xavierUniform / xavierNormal", () => {
    const std = 1.5 * Math.sqrt(2 / (200 + 800));
    uniformCase(
      init.xavierUniform(shape, { ...f64, gain: 1.5, generator: g() }),
      Math.sqrt(3) * std,
    );
    normalCase(init.xavierNormal(shape, { ...f64, gain: 1.5, generator: g() }), std);
  });

  it("kaimingUniform / kaimingNormal with fan_in / fan_out and nonlinearity", () => {
    uniformCase(
      init.kaimingUniform(shape, { ...f64, generator: g() }),
      (Math.sqrt(3) * calculateGain("leaky_relu", 0)) / Math.sqrt(200),
    );
    uniformCase(
      init.kaimingUniform(shape, { ...f64, a: Math.sqrt(5), generator: g() }),
      1 / Math.sqrt(200),
    );
    normalCase(
      init.kaimingNormal(shape, { ...f64, mode: "fan_out", nonlinearity: "relu", generator: g() }),
      Math.SQRT2 / Math.sqrt(800),
    );
    expect(() => init.kaimingNormal(shape, { mode: "fan" as never })).toThrow(/fan_in/);
  });

  it("uniform, normal, constant, zeros, ones", () => {
    uniformCase(init.uniform([40000], { ...f64, low: -2, high: 2, generator: g() }), 2);
    normalCase(init.normal([40000], { ...f64, std: 0.3, generator: g() }), 0.3);
    expect(Array.from(init.constant([3], 2.5, f64).dataSync())).toEqual([2.5, 2.5, 2.5]);
    expect(Array.from(init.zeros([2]).dataSync())).toEqual([0, 0]);
    expect(init.ones([2], { dtype: "complex64" }).dataSync()).toEqual(
      new Float32Array([1, 0, 1, 0]),
    );
  });

  it("complexUniform: scale * (U[0,1) + i U[0,1)) as the original FNO; complexNormal: E|z|^2 = std^2 as neuraloperator", () => {
    const scale = 1 / (4 * 5);
    const u = init.complexUniform([20000], { scale, dtype: "complex128", generator: g() });
    const d = u.dataSync();
    let sumRe = 0;
    let sumIm = 0;
    for (let i = 0; i < d.length; i += 2) {
      expect(d[i] >= 0 && d[i] < scale && d[i + 1] >= 0 && d[i + 1] < scale).toBe(true);
      sumRe += d[i];
      sumIm += d[i + 1];
    }
    // Means scale/2 with standard error scale/sqrt(12 n) ~ 1e-5; allow 2%.
    expect(Math.abs(sumRe / 20000 / (scale / 2) - 1)).toBeLessThan(0.02);
    expect(Math.abs(sumIm / 20000 / (scale / 2) - 1)).toBeLessThan(0.02);
    const std = Math.sqrt(2 / (4 + 5));
    const z = init.complexNormal([20000], { std, dtype: "complex128", generator: g() });
    const zd = z.dataSync();
    let m2 = 0;
    let re2 = 0;
    for (let i = 0; i < zd.length; i += 2) {
      m2 += zd[i] ** 2 + zd[i + 1] ** 2;
      re2 += zd[i] ** 2;
    }
    expect(Math.abs(m2 / 20000 / (std * std) - 1)).toBeLessThan(0.04);
    expect(Math.abs(re2 / m2 - 0.5)).toBeLessThan(0.02);
    expect(() => init.complexNormal([2], { dtype: "float64" })).toThrow(/complex/);
    dispose([u, z]);
  });
});
