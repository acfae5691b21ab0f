/**
 * Optimizers: trajectories against PyTorch (torch.optim, foreach=False) on a loss with real and
 * complex parameters, in float64 / complex128; complex Adam against Adam on the real view; the
 * memory baseline over many steps; gradient clipping.
 *
 * Tolerance of the trajectories: every step repeats PyTorch's operations in its order; the
 * remaining differences are single roundings (fused multiply-add in ATen's kernels, pow vs
 * Math.pow in the bias corrections, the summation order of the gradient), ~1e-16 relative per
 * step and amplified at most by O(1) per step over 6 steps (Adam's m / sqrt(v) is scale-free;
 * the worst case is a one-ulp difference in beta2^t, which the cancellation in 1 - beta2^t
 * turns into ~5e-14). We require 1e-12 of each parameter's scale (observed: <= 5e-16), which
 * any deviation from PyTorch's update rule exceeds by orders of magnitude.
 */
import {
  Adam,
  AdamW,
  clipGradNorm,
  clipGradValue,
  gradientsOfParameters,
  Linear,
  mseLoss,
  type Optimizer,
  Parameter,
  SGD,
} from "@modewise/nn";
import {
  abs,
  add,
  complex,
  dispose,
  gradientsOf,
  matmul,
  mean,
  memory,
  mul,
  pow,
  real,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
  tidy,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  expectScaledClose,
  fromJson,
  type JsonTensor,
  randomTensor,
  readFixture,
} from "./helpers.js";

interface OptimCase {
  optimizer: "SGD" | "Adam" | "AdamW";
  options: Record<string, unknown>;
  losses: number[];
  trajectory: Record<string, JsonTensor>[];
}
const fx = readFixture<{
  torch: string;
  data: Record<string, JsonTensor>;
  init: Record<string, JsonTensor>;
  steps: number;
  cases: Record<string, OptimCase>;
}>("torch_optim.json");

/** The fixture's loss: mean((tanh(X W^T + b) - Y)^2) + sum(|Z u - v|^2) + 0.1 sum(Re(Z)^3). */
function problemLoss(W: Tensor, b: Tensor, Z: Tensor, d: Record<string, Tensor>): Tensor {
  const h = tanh(add(matmul(d.X, W, { transposeB: true }), b));
  const r = sub(mul(Z, d.u), d.v);
  return add(add(mean(square(sub(h, d.Y))), sum(square(abs(r)))), mul(sum(pow(real(Z), 3)), 0.1));
}

function makeOptimizer(c: OptimCase, params: Parameter[]): Optimizer<{ lr: number }> {
  const opts = c.options as never;
  if (c.optimizer === "SGD") return new SGD(params, opts);
  if (c.optimizer === "Adam") return new Adam(params, opts);
  return new AdamW(params, opts);
}

describe(`optimizer trajectories match PyTorch ${fx.torch} (real + complex parameters)`, () => {
  for (const [name, c] of Object.entries(fx.cases)) {
    it(name, () => {
      const data = Object.fromEntries(Object.entries(fx.data).map(([k, v]) => [k, fromJson(v)]));
      const names = ["W", "b", "Z"];
      const params = names.map((n) => new Parameter(fromJson(fx.init[n])));
      const opt = makeOptimizer(c, params);
      const before = memory().numTensors;
      let stateCount = 0;
      for (let step = 0; step < fx.steps; step++) {
        const loss = tidy(() => {
          const { value, grads } = gradientsOf(
            () => problemLoss(params[0].value, params[1].value, params[2].value, data),
            params.map((p) => p.value),
          );
          opt.step(grads);
          return value.item();
        });
        expect(Math.abs(loss - c.losses[step])).toBeLessThanOrEqual(
          1e-12 * Math.abs(c.losses[step]),
        );
        for (const [i, n] of names.entries()) {
          const what = `${name} step ${step + 1} ${n}`;
          expectScaledClose(params[i].value, c.trajectory[step][n].data, 1e-12, what);
        }
        // State tensors (none for plain SGD) appear at step 1 and are replaced, not accumulated.
        if (step === 0) stateCount = memory().numTensors;
        else expect(memory().numTensors).toBe(stateCount);
      }
      opt.dispose();
      expect(memory().numTensors).toBe(before);
      dispose([data, params.map((p) => p.value)]);
    });
  }
});

describe("complex parameters", () => {
  it("Adam/AdamW on a complex parameter equal Adam on its real view (torch.view_as_real), bit for bit", () => {
    for (const Opt of [Adam, AdamW]) {
      const z0 = randomTensor([3, 2], "complex128", 1);
      const re0 = tidy(() =>
        tensor(z0.dataSync() as Float64Array, { dtype: "float64", shape: [3, 2, 2] }),
      );
      const z = new Parameter(z0);
      const r = new Parameter(re0);
      const opts = { lr: 0.05, weightDecay: 0.1, amsgrad: true };
      const optZ = new Opt([z], opts);
      const optR = new Opt([r], opts);
      for (let k = 0; k < 5; k++) {
        // Gradients that change with k and differ between parts (the per-component second moment matters).
        const gz = tidy(() =>
          mul(randomTensor([3, 2], "complex128", 10 + k), complex(1 + k, -0.5 * k)),
        );
        const gr = tidy(() =>
          tensor(gz.dataSync() as Float64Array, { dtype: "float64", shape: [3, 2, 2] }),
        );
        optZ.step([gz]);
        optR.step([gr]);
        expect(Array.from(z.value.dataSync())).toEqual(Array.from(r.value.dataSync()));
        dispose([gz, gr]);
      }
      optZ.dispose();
      optR.dispose();
      z.dispose();
      r.dispose();
    }
  });

  it("SGD with momentum on complex64 keeps the dtype", () => {
    const p = new Parameter(randomTensor([4], "complex64", 2));
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const g = randomTensor([4], "complex64", 3);
    opt.step([g]);
    opt.step([g]);
    expect(p.dtype).toBe("complex64");
    opt.dispose();
    dispose([g, p.value]);
  });
});

describe("optimizer steps do not leak tensors", () => {
  const configs: [string, (ps: Parameter[]) => Optimizer<{ lr: number }>][] = [
    [
      "SGD nesterov + weight decay",
      (ps) => new SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-4 }),
    ],
    ["Adam amsgrad", (ps) => new Adam(ps, { lr: 1e-3, amsgrad: true })],
    ["AdamW", (ps) => new AdamW(ps, { lr: 1e-3 })],
  ];
  for (const [name, make] of configs) {
    it(`${name}: memory().numTensors returns to its level after step 1, for 25 more steps`, () => {
      const start = memory().numTensors;
      const model = new Linear(4, 3, { dtype: "float64" });
      const spectral = new Parameter(randomTensor([3], "complex128", 5));
      const x = randomTensor([8, 4], "float64", 1);
      const y = randomTensor([8, 3], "float64", 2);
      const params = [...model.parameters(), spectral];
      const opt = make(params);
      const trainStep = () =>
        tidy(() => {
          const { value, grads } = gradientsOf(
            () => add(mseLoss(model.forward(x), y), sum(square(abs(spectral.value)))),
            params.map((p) => p.value),
          );
          opt.step(grads);
          return value.item();
        });
      trainStep();
      const afterFirst = memory();
      for (let i = 0; i < 25; i++) trainStep();
      expect(memory().numTensors).toBe(afterFirst.numTensors);
      expect(memory().numBytes).toBe(afterFirst.numBytes);
      opt.dispose();
      model.dispose();
      spectral.dispose();
      dispose([x, y]);
      expect(memory().numTensors).toBe(start);
    });
  }

  it("gradients passed to step stay owned (and usable) by the caller", () => {
    const p = new Parameter(randomTensor([3], "float64", 1));
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const g = randomTensor([3], "float64", 2);
    opt.step([g]);
    const buf = opt.getState(p)!.tensors.momentumBuffer;
    g.dispose();
    // The momentum buffer was the first gradient; it must survive the caller disposing it.
    expect(Array.from(buf.dataSync())).toHaveLength(3);
    opt.dispose();
    p.dispose();
  });
});

describe("optimizer API", () => {
  it("parameter groups have their own hyperparameters; null gradients skip a parameter", () => {
    const a = new Parameter(tensor(new Float64Array([1, 2])));
    const b = new Parameter(tensor(new Float64Array([3])));
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.5 });
    const ga = tensor(new Float64Array([1, 1]));
    const gb = tensor(new Float64Array([1]));
    opt.step([ga, gb]);
    expect(Array.from(a.value.dataSync())).toEqual([0.5, 1.5]);
    expect(Array.from(b.value.dataSync())).toEqual([2]);
    opt.step([null, gb]);
    expect(Array.from(a.value.dataSync())).toEqual([0.5, 1.5]);
    expect(opt.getState(a)!.step).toBe(1);
    expect(opt.getState(b)!.step).toBe(2);
    opt.lr = 0.1;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.1]);
    dispose([ga, gb, a.value, b.value]);
  });

  it("validates hyperparameters and gradients with typed errors", () => {
    const p = new Parameter(tensor(new Float64Array([1, 2])));
    expect(() => new SGD([p], { nesterov: true })).toThrow(/nesterov/);
    expect(() => new Adam([p], { betas: [0.9, 1] })).toThrow(/betas/);
    expect(() => new Adam([p], { lr: -1 })).toThrow(/lr/);
    expect(() => new SGD([])).toThrow(/at least one parameter/);
    expect(() => new SGD([{ params: [p] }, { params: [p] }])).toThrow(/one group/);
    const opt = new Adam([p]);
    expect(() => opt.step([])).toThrow(/1 gradients/);
    expect(() => opt.step([tensor(new Float64Array([1]))])).toThrow(/shape/);
    expect(() => opt.step([tensor(new Float32Array([1, 2]))])).toThrow(/float64/);
    p.dispose();
  });

  it("gradientsOfParameters + step on a module (README pattern)", () => {
    const model = new Linear(2, 1, { dtype: "float64" });
    const opt = new SGD(model, { lr: 0.1 });
    const x = tensor(new Float64Array([1, 0, 0, 1]), { shape: [2, 2] });
    const y = tensor(new Float64Array([1, 0]), { shape: [2, 1] });
    const losses = [];
    for (let i = 0; i < 50; i++) {
      losses.push(
        tidy(() => {
          const { value, grads } = gradientsOfParameters(() => mseLoss(model.forward(x), y), model);
          opt.step(grads);
          return value.item();
        }),
      );
    }
    expect(losses[49]).toBeLessThan(losses[0] / 10);
    dispose([x, y]);
    model.dispose();
  });
});

describe("gradient clipping (torch.nn.utils semantics)", () => {
  const grads = () => [tensor(new Float64Array([3, 4])), tensor(new Float64Array([12]))];

  it("clipGradNorm scales by maxNorm / (total + 1e-6) and returns the total norm", () => {
    const g = grads();
    const { grads: c, totalNorm } = clipGradNorm(g, 6.5);
    expect(totalNorm.item()).toBe(13);
    const coef = 6.5 / (13 + 1e-6);
    expect(Array.from(c[0].dataSync())).toEqual([3 * coef, 4 * coef]);
    expect(Array.from(c[1].dataSync())).toEqual([12 * coef]);
    // Below the threshold the coefficient clamps to 1: unchanged.
    const { grads: same } = clipGradNorm(g, 100);
    expect(Array.from(same[0].dataSync())).toEqual([3, 4]);
    dispose([g, c, totalNorm, same]);
  });

  it("max norm, complex moduli, and errorIfNonfinite", () => {
    const { totalNorm } = clipGradNorm(grads(), 1, { normType: Number.POSITIVE_INFINITY });
    expect(totalNorm.item()).toBe(12);
    const z = tensor(new Float64Array([3, 4, 0, 12]), { dtype: "complex128" });
    const r = clipGradNorm([z], 1);
    expect(r.totalNorm.item()).toBe(13);
    expect(r.grads[0].dtype).toBe("complex128");
    expect(() =>
      clipGradNorm([tensor(new Float64Array([Number.NaN]))], 1, { errorIfNonfinite: true }),
    ).toThrow(/finite/);
  });

  it("clipGradValue clamps entries (complex parts separately)", () => {
    const [a] = clipGradValue([tensor(new Float64Array([-3, 0.5, 2]))], 1);
    expect(Array.from(a.dataSync())).toEqual([-1, 0.5, 1]);
    const [z] = clipGradValue([tensor(new Float64Array([3, -0.2]), { dtype: "complex128" })], 1);
    expect(Array.from(z.dataSync())).toEqual([1, -0.2]);
  });
});
