/**
 * Optimizer.stateDict / loadStateDict: a run that is checkpointed after 3 steps (through a
 * safetensors file, as a training app does) and resumed in a fresh optimizer must take a 4th
 * step bit-identical to the uninterrupted run's. The reference is the uninterrupted run itself,
 * so the check is exact equality; a control shows that a resume WITHOUT the state differs, so
 * the comparison can fail.
 */
import {
  Adam,
  AdamW,
  loadWithMetadata,
  type Optimizer,
  type OptimizerStateDict,
  Parameter,
  SGD,
  save,
} from "@modewise/nn";
import {
  abs,
  add,
  complex,
  DTypeError,
  dispose,
  gradientsOf,
  memory,
  mul,
  ShapeError,
  square,
  sub,
  sum,
  type Tensor,
  tanh,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { randomTensor } from "./helpers.js";

type Dtype = "float32" | "float64";
type MakeOptimizer = (ps: Parameter[]) => Optimizer<{ lr: number }>;

const complexOf = (d: Dtype) => (d === "float32" ? "complex64" : "complex128");

/** Initial values of a real matrix and a complex vector (fresh tensors each call). */
function initialValues(d: Dtype): Tensor[] {
  return [randomTensor([3, 4], d, 1), randomTensor([5], complexOf(d), 2)];
}

/** A loss whose gradient changes every step: sum(tanh(W)^2 c) + sum(|Z u - v|^2). */
function stepOnce(opt: Optimizer<{ lr: number }>, d: Dtype): void {
  tidy(() => {
    const [w, z] = opt.params;
    const c = randomTensor([3, 4], d, 3);
    const u = randomTensor([5], complexOf(d), 4);
    const v = mul(randomTensor([5], complexOf(d), 5), complex(0.5, 1));
    const { grads } = gradientsOf(
      () => add(sum(mul(square(tanh(w.value)), c)), sum(square(abs(sub(mul(z.value, u), v))))),
      [w.value, z.value],
    );
    opt.step(grads);
  });
}

/** stateDict -> safetensors bytes -> OptimizerStateDict, as a checkpoint file carries it. */
function throughFile(dict: OptimizerStateDict): OptimizerStateDict {
  const tensors: Record<string, Tensor> = {};
  const steps = dict.state.map((s, i) => {
    for (const [key, t] of Object.entries(s?.tensors ?? {})) tensors[`${i}.${key}`] = t;
    return s?.step ?? 0;
  });
  const bytes = save(tensors, { steps: JSON.stringify(steps) });
  dispose(tensors);
  const loaded = loadWithMetadata(bytes);
  const stepOf = JSON.parse(loaded.metadata.steps ?? "[]") as number[];
  return {
    state: stepOf.map((step, i) => {
      if (step === 0) return undefined;
      const own: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(loaded.tensors))
        if (name.startsWith(`${i}.`)) own[name.slice(`${i}.`.length)] = t;
      return { step, tensors: own };
    }),
  };
}

const configs: [string, MakeOptimizer][] = [
  ["Adam amsgrad", (ps) => new Adam(ps, { lr: 0.05, amsgrad: true })],
  ["AdamW", (ps) => new AdamW(ps, { lr: 0.05, weightDecay: 0.1 })],
  ["SGD nesterov", (ps) => new SGD(ps, { lr: 0.02, momentum: 0.9, nesterov: true })],
];

describe("Optimizer.stateDict / loadStateDict: resume is bit-identical", () => {
  for (const [name, make] of configs)
    for (const d of ["float64", "float32"] as const) {
      it(`${name}, ${d} + ${complexOf(d)} parameters`, () => {
        const before = memory().numTensors;
        // Uninterrupted: 4 steps.
        const ref = initialValues(d).map((t) => new Parameter(t));
        const refOpt = make(ref);
        for (let k = 0; k < 3; k++) stepOnce(refOpt, d);
        // Checkpoint after 3 steps: parameter values and optimizer state.
        const saved = throughFile(refOpt.stateDict());
        const savedParams = ref.map((p) => tidy(() => mul(p.value, 1)));
        stepOnce(refOpt, d);

        // Resumed: fresh parameters and optimizer, loaded from the checkpoint, then step 4.
        const resumed = savedParams.map((t) => new Parameter(t));
        const opt = make(resumed);
        opt.loadStateDict(saved);
        dispose(saved.state.map((s) => s?.tensors));
        expect(opt.getState(resumed[0])?.step).toBe(3);
        stepOnce(opt, d);
        for (const [i, p] of resumed.entries())
          expect(Array.from(p.value.dataSync())).toEqual(Array.from(ref[i].value.dataSync()));

        // Control: the same parameters without the state take a different step.
        const bare = ref.map((p) => new Parameter(tidy(() => mul(p.value, 1))));
        const bareOpt = make(bare);
        stepOnce(bareOpt, d);
        stepOnce(opt, d);
        expect(Array.from(bare[0].value.dataSync())).not.toEqual(
          Array.from(resumed[0].value.dataSync()),
        );

        for (const o of [refOpt, opt, bareOpt]) o.dispose();
        dispose([ref, resumed, bare].flat().map((p) => p.value));
        expect(memory().numTensors).toBe(before);
      });
    }
});

describe("Optimizer.stateDict / loadStateDict: ownership and validation", () => {
  it("stateDict tensors are the caller's; the loaded state is the optimizer's own", () => {
    const before = memory().numTensors;
    const params = initialValues("float64").map((t) => new Parameter(t));
    const opt = new Adam(params, { lr: 0.1 });
    expect(opt.stateDict().state).toEqual([undefined, undefined]);
    stepOnce(opt, "float64");
    const dict = opt.stateDict();
    // Adam keeps complex parameters' moments on the (re, im) view.
    expect(dict.state[1]?.tensors.expAvg.shape).toEqual([5, 2]);
    const other = new Adam(
      initialValues("float64").map((t) => new Parameter(t)),
      { lr: 0.1 },
    );
    other.loadStateDict(dict);
    dispose(dict.state.map((s) => s?.tensors)); // neither optimizer loses its state
    stepOnce(opt, "float64");
    stepOnce(other, "float64");
    expect(other.getState(other.params[1])?.step).toBe(2);
    // Loading twice replaces (and releases) the previous state.
    const again = opt.stateDict();
    other.loadStateDict(again);
    dispose(again.state.map((s) => s?.tensors));
    for (const o of [opt, other]) {
      o.dispose();
      dispose(o.params.map((p) => p.value));
    }
    expect(memory().numTensors).toBe(before);
  });

  it("float32 state loads into float64 parameters (converted), bad dicts throw typed errors", () => {
    const before = memory().numTensors;
    const p32 = new Parameter(randomTensor([3], "float32", 1));
    const opt32 = new Adam([p32], { lr: 0.1 });
    tidy(() => opt32.step([randomTensor([3], "float32", 2)]));
    const dict = opt32.stateDict();

    const p64 = new Parameter(randomTensor([3], "float64", 1));
    const opt64 = new Adam([p64], { lr: 0.1 });
    opt64.loadStateDict(dict);
    expect(opt64.getState(p64)?.tensors.expAvg.dtype).toBe("float64");

    const wrongShape = new Adam([new Parameter(randomTensor([4], "float64", 1))]);
    expect(() => wrongShape.loadStateDict(dict)).toThrow(ShapeError);
    const complexParam = new Adam([new Parameter(randomTensor([3], "complex128", 1))]);
    expect(() => complexParam.loadStateDict(dict)).toThrow(ShapeError);
    const sgdComplex = new SGD([new Parameter(randomTensor([3], "complex128", 1))], {
      lr: 1,
      momentum: 0.9,
    });
    expect(() =>
      sgdComplex.loadStateDict({
        state: [{ step: 1, tensors: { momentumBuffer: dict.state[0]?.tensors.expAvg as Tensor } }],
      }),
    ).toThrow(DTypeError);
    expect(() => opt64.loadStateDict({ state: [] })).toThrow(ValueError);
    expect(() => opt64.loadStateDict({ state: [{ step: 0.5, tensors: {} }] })).toThrow(
      /Adam.loadStateDict: argument 'dict.state\[0\].step' expected an integer >= 1/,
    );
    // Keys must be this optimizer's: a dict missing Adam's first moment would restart it from
    // zero while keeping the step (wrong bias correction); a non-tensor entry is named.
    const expAvgSq = dict.state[0]?.tensors.expAvgSq as Tensor;
    expect(() => opt64.loadStateDict({ state: [{ step: 1, tensors: { expAvgSq } }] })).toThrow(
      /argument 'dict.state\[0\].tensors' expected the state keys of this optimizer \[expAvg, expAvgSq\]/,
    );
    expect(() =>
      opt64.loadStateDict({
        state: [{ step: 1, tensors: { expAvg: [1, 2, 3] as unknown as Tensor, expAvgSq } }],
      }),
    ).toThrow(/argument 'dict.state\[0\].tensors.expAvg' expected a Tensor/);
    // A failed load leaves the previous state in place.
    expect(opt64.getState(p64)?.step).toBe(1);
    // The dict may hold the optimizer's own state tensors (as getState gives them): they are
    // taken over before the old state is released.
    const own = opt64.getState(p64);
    opt64.loadStateDict({ state: [{ step: own?.step ?? 0, tensors: { ...own?.tensors } }] });
    expect(opt64.getState(p64)?.tensors.expAvg.dataSync().length).toBe(3);

    dispose(dict.state.map((s) => s?.tensors));
    for (const o of [opt32, opt64, wrongShape, complexParam, sgdComplex]) {
      o.dispose();
      dispose(o.params.map((p) => p.value));
    }
    expect(memory().numTensors).toBe(before);
  });
});
