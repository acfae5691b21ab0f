/**
 * Layers: forward outputs against PyTorch (fixtures from make_torch_fixtures.py, float64) and
 * gradients against central finite differences.
 *
 * Tolerance of the PyTorch comparisons: both sides evaluate the same formulas in float64 with
 * different summation orders. A length-K dot product has rounding error <= K u sum|w x|
 * (u = 1.1e-16; K <= 54 here), normalizations lose at most a few u |x| / sigma, so errors are
 * below ~1e-14 of the output scale (observed: <= 4e-16); we allow 1e-12 x scale. A formula slip (biased vs unbiased
 * variance, eps outside the root, a wrong padding) changes outputs by > 1e-6.
 */
import {
  Conv1d,
  Conv2d,
  Conv3d,
  Dropout,
  functionalCall,
  GroupNorm,
  gradientsOfParameters,
  LayerNorm,
  Linear,
  MLP,
  type Module,
  mseLoss,
  RMSNorm,
  Sequential,
  Tanh,
} from "@modewise/nn";
import {
  dispose,
  Generator,
  gradientsOf,
  memory,
  sum,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  checkGrad,
  expectScaledClose,
  fromJson,
  type JsonTensor,
  randomTensor,
  readFixture,
  stateFromJson,
} from "./helpers.js";

interface LayerCase {
  state: Record<string, JsonTensor>;
  x: JsonTensor;
  y: JsonTensor;
  args?: Record<string, unknown>;
  [k: string]: unknown;
}
const fixtures = readFixture<{ torch: string; layers: Record<string, LayerCase> }>(
  "torch_layers.json",
);
const cases = fixtures.layers;
const F64 = { dtype: "float64" as const, generator: new Generator(3) };

/** Build each fixture's module in float64 (the fixture's parameters are loaded afterwards). */
const builders: Record<string, (c: LayerCase) => Module> = {
  linear: () => new Linear(5, 3, F64),
  linear_batched: () => new Linear(5, 3, F64),
  linear_nobias: () => new Linear(4, 2, { ...F64, bias: false }),
  conv1d: (c) => new Conv1d(3, 4, 3, { ...F64, ...c.args }),
  conv1d_groups_dilation_same: (c) => new Conv1d(4, 6, 3, { ...F64, ...c.args }),
  conv1d_circular: (c) => new Conv1d(2, 3, 3, { ...F64, ...c.args }),
  conv2d: (c) => new Conv2d(2, 3, [3, 2], { ...F64, ...c.args }),
  conv2d_reflect: (c) => new Conv2d(2, 2, 3, { ...F64, ...c.args }),
  conv3d: (c) => new Conv3d(2, 2, 3, { ...F64, ...c.args }),
  layernorm: () => new LayerNorm([4, 5], F64),
  layernorm_noaffine: () => new LayerNorm(5, { ...F64, eps: 1e-3, elementwiseAffine: false }),
  rmsnorm: () => new RMSNorm(6, F64),
  rmsnorm_eps: () => new RMSNorm([2, 3], { ...F64, eps: 1e-6 }),
  groupnorm: () => new GroupNorm(2, 6, F64),
  groupnorm_2d_eps: () => new GroupNorm(3, 6, { ...F64, eps: 1e-3 }),
  mlp_gelu: () => new MLP([3, 8, 8, 2], { ...F64, activation: "gelu" }),
  mlp_tanh: () => new MLP([3, 8, 8, 2], { ...F64, activation: "tanh" }),
};

describe(`layers match PyTorch ${fixtures.torch} (float64)`, () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const before = memory().numTensors;
      const m = builders[name](c);
      // Same parameter names as torch's state_dict, in the same order.
      expect(m.namedParameters().map((e) => e[0])).toEqual(Object.keys(c.state));
      const dict = stateFromJson(c.state);
      m.loadStateDict(dict);
      const x = fromJson(c.x);
      const y = m.forward(x);
      expect(y.shape).toEqual(c.y.shape);
      expectScaledClose(y, c.y.data, 1e-12, name);
      dispose([dict, x, y]);
      m.dispose();
      expect(memory().numTensors).toBe(before);
    });
  }

  it("MLP loss and parameter gradients match torch.autograd", () => {
    for (const name of ["mlp_gelu", "mlp_tanh"]) {
      const c = cases[name] as LayerCase & {
        target: JsonTensor;
        loss: number;
        grads: Record<string, JsonTensor>;
      };
      const m = builders[name](c);
      m.loadStateDict(stateFromJson(c.state));
      const x = fromJson(c.x);
      const t = fromJson(c.target);
      const { value, grads } = gradientsOfParameters(() => mseLoss(m.forward(x), t), m);
      expect(Math.abs(value.item() - c.loss)).toBeLessThanOrEqual(1e-12 * c.loss);
      for (const [i, [pname]] of m.namedParameters().entries()) {
        expectScaledClose(grads[i], c.grads[pname].data, 1e-12, `${name} grad ${pname}`);
      }
      dispose([x, t, value, grads]);
      m.dispose();
    }
  });
});

/**
 * Gradients of every layer with respect to its input and all its parameters, by central
 * differences (the tensor package's checkGrad: h = 1e-6, error <= 1e-6 relative; see its notes).
 */
function checkModuleGrad(m: Module, x: Tensor): void {
  const names = m.namedParameters().map((e) => e[0]);
  const params = m.parameterValues();
  checkGrad(
    (input, ...ps) =>
      functionalCall(m, Object.fromEntries(names.map((n, i) => [n, ps[i]])), () =>
        m.forward(input),
      ),
    [x, ...params],
  );
}

describe("layer gradients (finite differences, float64)", () => {
  const rand = (shape: number[], seed: number) => randomTensor(shape, "float64", seed);
  /** Non-default affine parameters, so their gradients are not at a special point. */
  const perturb = (m: Module, seed: number) => {
    const g = new Generator(seed);
    for (const p of m.parameters())
      p.assign(
        tidy(() => g.normal(p.shape as number[], { dtype: "float64", mean: 0.5, std: 0.5 })),
      );
    return m;
  };
  it("Linear", () => checkModuleGrad(new Linear(4, 3, F64), rand([2, 4], 1)));
  it("Linear with batch axes, no bias", () =>
    checkModuleGrad(new Linear(3, 2, { ...F64, bias: false }), rand([2, 2, 3], 2)));
  it("Conv1d (stride, padding, groups)", () =>
    checkModuleGrad(
      new Conv1d(4, 2, 3, { ...F64, stride: 2, padding: 1, groups: 2 }),
      rand([2, 4, 7], 3),
    ));
  it("Conv1d circular padding", () =>
    checkModuleGrad(
      new Conv1d(2, 2, 3, { ...F64, padding: 1, paddingMode: "circular" }),
      rand([1, 2, 5], 4),
    ));
  it("Conv2d (dilation, reflect padding)", () =>
    checkModuleGrad(
      new Conv2d(2, 2, [2, 3], { ...F64, dilation: [1, 2], padding: 1, paddingMode: "reflect" }),
      rand([1, 2, 4, 6], 5),
    ));
  it("Conv3d", () =>
    checkModuleGrad(new Conv3d(1, 2, 2, { ...F64, padding: 1 }), rand([1, 1, 3, 3, 2], 6)));
  it("LayerNorm", () =>
    checkModuleGrad(perturb(new LayerNorm([3, 4], F64), 7), rand([2, 3, 4], 7)));
  it("RMSNorm", () =>
    checkModuleGrad(perturb(new RMSNorm(5, { ...F64, eps: 1e-6 }), 8), rand([3, 5], 8)));
  it("GroupNorm", () => checkModuleGrad(perturb(new GroupNorm(2, 4, F64), 9), rand([2, 4, 3], 9)));
  it("MLP (gelu)", () =>
    checkModuleGrad(new MLP([3, 5, 4, 2], { ...F64, activation: "gelu" }), rand([4, 3], 10)));
  it("Sequential(Linear, Tanh, Linear)", () =>
    checkModuleGrad(
      new Sequential(new Linear(3, 4, F64), new Tanh(), new Linear(4, 2, F64)),
      rand([2, 3], 11),
    ));
});

describe("layer construction and defaults", () => {
  it("Linear/Conv default init has torch's bounds 1/sqrt(fanIn)", () => {
    const lin = new Linear(50, 40, { dtype: "float64", generator: new Generator(1) });
    const conv = new Conv2d(6, 8, 3, { dtype: "float64", generator: new Generator(2), groups: 2 });
    for (const [w, b, fanIn] of [
      [lin.weight.value, lin.bias!.value, 50],
      [conv.weight.value, conv.bias!.value, 3 * 9],
    ] as const) {
      const bound = 1 / Math.sqrt(fanIn);
      for (const t of [w, b]) {
        const d = t.dataSync();
        const maxAbs = Array.from(d).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(maxAbs).toBeLessThanOrEqual(bound);
        // Seeds are fixed, so this is deterministic; for a fresh draw of n >= 8 values
        // U(-bound, bound), P(max |u| < bound / 2) = 2^-n <= 4e-3.
        expect(maxAbs).toBeGreaterThan(0.5 * bound);
      }
    }
    lin.dispose();
    conv.dispose();
  });

  it("default dtype follows the tensor package (float32)", () => {
    const m = new Linear(2, 2);
    expect(m.weight.dtype).toBe("float32");
    m.dispose();
  });

  it("same generator seed gives the same initial parameters", () => {
    const a = new MLP([2, 3, 1], { generator: new Generator(42) });
    const b = new MLP([2, 3, 1], { generator: new Generator(42) });
    for (const [i, p] of a.parameters().entries()) {
      expect(Array.from(p.value.dataSync())).toEqual(
        Array.from(b.parameters()[i].value.dataSync()),
      );
    }
    a.dispose();
    b.dispose();
  });

  it("rejects bad configurations with typed errors", () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/groups/);
    expect(() => new Conv1d(2, 2, 3, { stride: 2, padding: "same" })).toThrow(/same/);
    expect(() => new GroupNorm(4, 6)).toThrow(/multiple/);
    expect(() => new MLP([3])).toThrow(/sizes/);
    const ln = new LayerNorm(4);
    expect(() => ln.forward(tensor([[1, 2, 3]]))).toThrow(/ending in \[4\]/);
    ln.dispose();
  });
});

describe("Dropout", () => {
  it("is the identity in eval mode and with p = 0", () => {
    const x = randomTensor([10], "float64", 1);
    const d = new Dropout(0.5).eval();
    expect(d.forward(x)).toBe(x);
    expect(new Dropout(0).forward(x)).toBe(x);
    x.dispose();
  });

  it("zeros a fraction p and scales survivors by 1 / (1 - p); reproducible from the seed", () => {
    const n = 20000;
    const p = 0.3;
    const x = tensor(new Float64Array(n).fill(2));
    const y1 = new Dropout(p, { generator: new Generator(5) }).forward(x).dataSync();
    const y2 = new Dropout(p, { generator: new Generator(5) }).forward(x).dataSync();
    expect(Array.from(y1)).toEqual(Array.from(y2));
    let zeros = 0;
    for (const v of y1) {
      if (v === 0) zeros++;
      else expect(v).toBe(2 / (1 - p));
    }
    // Binomial: std of the zero fraction is sqrt(p (1 - p) / n) = 0.0032; allow 5 sigma.
    expect(Math.abs(zeros / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
    x.dispose();
  });

  it("p = 1 gives zeros; the gradient is the mask times the scale", () => {
    const x = randomTensor([50], "float64", 3);
    expect(Array.from(new Dropout(1).forward(x).dataSync()).every((v) => v === 0)).toBe(true);
    // Two generators with the same seed draw the same mask; ones() reveals it (0 or 1 / (1 - p)).
    const scaledMask = new Dropout(0.4, { generator: new Generator(9) }).forward(
      tensor(new Float64Array(50).fill(1)),
    );
    const drop = new Dropout(0.4, { generator: new Generator(9) });
    const { value, grads } = gradientsOf(() => sum(drop.forward(x)), [x]);
    expect(Array.from(grads[0].dataSync())).toEqual(Array.from(scaledMask.dataSync()));
    dispose([value, grads, scaledMask]);
    x.dispose();
  });
});
