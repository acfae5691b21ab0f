/** Module and Parameter: naming, modes, ownership, state dicts, functionalCall. */
import {
  Dropout,
  functionalCall,
  GELU,
  gradientsOfParameters,
  LayerNorm,
  Linear,
  MLP,
  Module,
  Parameter,
  Sequential,
} from "@modewise/nn";
import { dispose, memory, mul, sum, type Tensor, tensor, tidy } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

class Block extends Module {
  readonly norm = new LayerNorm(4, { dtype: "float64" });
  readonly layers = [
    new Linear(4, 4, { dtype: "float64" }),
    new Linear(4, 2, { dtype: "float64" }),
  ];
  readonly scale = new Parameter(tensor(new Float64Array([2])));
  readonly _cache: Linear[] = [];
  readonly config = { hidden: 4 };
  forward(x: Tensor): Tensor {
    return tidy(() =>
      mul(this.layers[1].forward(this.layers[0].forward(this.norm.forward(x))), this.scale.value),
    );
  }
}

class Tied extends Module {
  readonly a = new Linear(3, 3, { bias: false });
  readonly b: Linear;
  constructor() {
    super();
    this.b = this.a;
  }
  forward(x: Tensor): Tensor {
    return this.b.forward(this.a.forward(x));
  }
}

describe("parameter names and order (PyTorch conventions)", () => {
  it("own parameters first, then children in definition order; arrays as name.i; '_' properties ignored", () => {
    const m = new Block();
    expect(m.namedParameters().map((e) => e[0])).toEqual([
      "scale",
      "norm.weight",
      "norm.bias",
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
    ]);
    expect(m.namedChildren().map((e) => e[0])).toEqual(["norm", "layers.0", "layers.1"]);
    expect(m.namedModules().map((e) => e[0])).toEqual(["", "norm", "layers.0", "layers.1"]);
    expect(m.numParameters()).toBe(1 + 4 + 4 + 16 + 4 + 8 + 2);
    m.dispose();
  });

  it("Sequential names children 0, 1, ...; MLP names its linear layers layers.i", () => {
    const s = new Sequential(new Linear(2, 3), new GELU(), new Linear(3, 1));
    expect(s.namedParameters().map((e) => e[0])).toEqual([
      "0.weight",
      "0.bias",
      "2.weight",
      "2.bias",
    ]);
    const mlp = new MLP([2, 8, 8, 1], { dropout: 0.1 });
    expect(mlp.namedParameters().map((e) => e[0])).toEqual([
      "layers.0.weight",
      "layers.0.bias",
      "layers.1.weight",
      "layers.1.bias",
      "layers.2.weight",
      "layers.2.bias",
    ]);
    s.dispose();
    mlp.dispose();
  });

  it("a shared module's parameters are listed once", () => {
    const t = new Tied();
    expect(t.namedParameters().map((e) => e[0])).toEqual(["a.weight"]);
    t.dispose();
  });
});

describe("modes", () => {
  it("train() / eval() propagate to all descendants", () => {
    const mlp = new MLP([2, 4, 1], { dropout: 0.5 });
    const s = new Sequential(mlp, new Dropout(0.2));
    s.eval();
    expect(s.namedModules().every(([, m]) => !m.training)).toBe(true);
    s.train();
    expect(s.namedModules().every(([, m]) => m.training)).toBe(true);
    s.dispose();
  });
});

describe("Parameter ownership", () => {
  it("assign disposes the old value, keeps the new one out of tidy, checks shape and dtype", () => {
    const before = memory().numTensors;
    const p = new Parameter(tensor(new Float64Array([1, 2])));
    const old = p.value;
    tidy(() => p.assign(mul(p.value, 3)));
    expect(old.isDisposed).toBe(true);
    expect(Array.from(p.value.dataSync())).toEqual([3, 6]);
    tidy(() => {
      expect(() => p.assign(tensor(new Float64Array([1])))).toThrow(/shape/);
      expect(() => p.assign(tensor(new Float32Array([1, 2])))).toThrow(/float64/);
      expect(() => new Parameter(tensor(new Int32Array([1])))).toThrow(/floating/);
    });
    p.dispose();
    expect(memory().numTensors).toBe(before);
  });
});

describe("state dicts", () => {
  it("stateDict gives caller-owned handles that survive further training", () => {
    const m = new Linear(2, 2, { dtype: "float64" });
    const dict = m.stateDict();
    const w = Array.from(dict.weight.dataSync());
    m.weight.assign(tensor(new Float64Array(4), { shape: [2, 2] }));
    expect(Array.from(dict.weight.dataSync())).toEqual(w);
    dispose(dict);
    m.dispose();
  });

  it("loadStateDict: strict key checking, shape checks, dtype conversion, no partial updates", () => {
    const m = new Linear(2, 2, { dtype: "float64" });
    const w = tensor(new Float32Array([1, 2, 3, 4]), { shape: [2, 2] });
    const b = tensor(new Float64Array([5, 6]));
    expect(() => m.loadStateDict({ weight: w })).toThrow(/missing keys \['bias'\]/);
    expect(() => m.loadStateDict({ weight: w, bias: b, extra: b })).toThrow(
      /unexpected keys \['extra'\]/,
    );
    const res = m.loadStateDict({ weight: w, extra: b }, { strict: false });
    expect(res).toEqual({ missingKeys: ["bias"], unexpectedKeys: ["extra"] });
    expect(m.weight.dtype).toBe("float64");
    expect(Array.from(m.weight.value.dataSync())).toEqual([1, 2, 3, 4]);
    const before = Array.from(m.bias!.value.dataSync());
    expect(() =>
      m.loadStateDict({ weight: tensor(new Float64Array(4)), bias: tensor(new Float64Array(3)) }),
    ).toThrow(/shape/);
    expect(Array.from(m.weight.value.dataSync())).toEqual([1, 2, 3, 4]);
    expect(Array.from(m.bias!.value.dataSync())).toEqual(before);
    expect(() =>
      m.loadStateDict({
        weight: tensor(new Float64Array(8), { dtype: "complex128", shape: [2, 2] }),
        bias: b,
      }),
    ).toThrow(/convertible/);
    // The dict's tensors are not consumed.
    expect(w.isDisposed).toBe(false);
    dispose([w, b]);
    m.dispose();
  });

  it("astype converts every parameter", () => {
    const m = new MLP([2, 3, 1]).astype("float64");
    expect(m.parameters().every((p) => p.dtype === "float64")).toBe(true);
    m.dispose();
  });
});

describe("functionalCall", () => {
  it("evaluates at other weights and restores the originals; gradients flow to the substitutes", () => {
    const m = new Linear(2, 1, { dtype: "float64", bias: false });
    const orig = m.weight.value;
    const w = tensor(new Float64Array([1, 2]), { shape: [1, 2] });
    const x = tensor(new Float64Array([3, 4]), { shape: [1, 2] });
    expect(functionalCall(m, { weight: w }, () => m.forward(x)).item()).toBe(11);
    expect(m.weight.value).toBe(orig);
    expect(() => functionalCall(m, { nope: w }, () => 0)).toThrow(/parameter names/);
    expect(m.weight.value).toBe(orig);
    const { grads } = gradientsOfParameters(() => sum(m.forward(x)), m);
    expect(Array.from(grads[0].dataSync())).toEqual([3, 4]);
    dispose([w, x, grads]);
    m.dispose();
  });
});
