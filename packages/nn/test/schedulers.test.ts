/**
 * Learning-rate schedulers against PyTorch's sequences (torch.optim.lr_scheduler; the fixture
 * records group["lr"] after construction and after each optimizer.step(); scheduler.step()).
 *
 * Tolerance: PyTorch computes StepLR, CosineAnnealingLR and LinearLR recursively
 * (lr_t = f(lr_{t-1})), we use their closed forms; the recursions accumulate about one rounding
 * per step, so after <= 25 steps the sequences agree to O(25 u) (observed: 4e-15) of the base rate. We
 * require 1e-12 x base (OneCycleLR is closed-form in both and agrees to a few ulps).
 */
import {
  Adam,
  CosineAnnealingLR,
  LinearLR,
  LinearWarmup,
  type LRScheduler,
  OneCycleLR,
  type Optimizer,
  Parameter,
  SGD,
  StepLR,
} from "@modewise/nn";
import { tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { readFixture } from "./helpers.js";

interface SchedCase {
  base: number;
  optimizer?: "SGD" | "Adam";
  options: Record<string, unknown>;
  lr: number[];
  momentum?: number[];
}
const fx = readFixture<Record<string, SchedCase> & { torch: string }>("torch_schedulers.json");

// biome-ignore lint/suspicious/noExplicitAny: any optimizer's options.
type AnyOpt = Optimizer<any>;

function optimizerFor(c: SchedCase): AnyOpt {
  const p = new Parameter(tensor(new Float64Array([0])));
  if (c.optimizer === "Adam") return new Adam([p], { lr: c.base });
  return new SGD([p], { lr: c.base, momentum: c.optimizer === "SGD" ? 0.9 : 0 });
}

// Options come from the fixture (typed loosely there); each builder passes them on.
// biome-ignore lint/suspicious/noExplicitAny: fixture options.
const builders: Record<string, (o: AnyOpt, opts: any) => LRScheduler> = {
  step: (o, opts) => new StepLR(o, opts),
  cosine: (o, opts) => new CosineAnnealingLR(o, opts),
  linear: (o, opts) => new LinearLR(o, opts),
  onecycle_sgd: (o, opts) => new OneCycleLR(o, opts),
  onecycle_adam: (o, opts) => new OneCycleLR(o, opts),
  onecycle_three_phase_linear: (o, opts) => new OneCycleLR(o, opts),
  warmup_cosine: (o, opts) => new LinearWarmup(new CosineAnnealingLR(o, { tMax: opts.tMax }), opts),
};

function momentumOf(o: AnyOpt): number {
  const g = o.paramGroups[0];
  return Array.isArray(g.betas) ? g.betas[0] : g.momentum;
}

describe(`schedulers match PyTorch ${fx.torch}`, () => {
  for (const [name, build] of Object.entries(builders)) {
    it(name, () => {
      const c = fx[name];
      const opt = optimizerFor(c);
      const sched = build(opt, c.options);
      const lrs = [opt.lr];
      const moms = [momentumOf(opt)];
      for (let i = 1; i < c.lr.length; i++) {
        sched.step();
        lrs.push(opt.lr);
        moms.push(momentumOf(opt));
        expect(sched.getLastLr()).toEqual([opt.lr]);
      }
      const tol = 1e-12 * c.base;
      for (const [i, lr] of lrs.entries()) {
        expect(
          Math.abs(lr - c.lr[i]),
          `${name} lr at epoch ${i}: ${lr} vs ${c.lr[i]}`,
        ).toBeLessThanOrEqual(tol);
      }
      for (const [i, m] of c.momentum ? moms.entries() : []) {
        expect(Math.abs(m - c.momentum![i]), `${name} momentum at epoch ${i}`).toBeLessThanOrEqual(
          1e-15,
        );
      }
    });
  }

  it("OneCycleLR refuses to step past totalSteps, like torch", () => {
    const opt = optimizerFor({ base: 0.1, optimizer: "SGD", options: {}, lr: [] });
    const s = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 3 });
    for (let i = 0; i < 3; i++) s.step();
    expect(() => s.step()).toThrow(/totalSteps/);
  });

  it("parameter groups keep their own base rates; lrAt is the closed form", () => {
    const p = new Parameter(tensor(new Float64Array([0])));
    const q = new Parameter(tensor(new Float64Array([0])));
    const opt = new SGD([{ params: [p] }, { params: [q], lr: 0.5 }], { lr: 0.1 });
    const s = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    s.step();
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.05, 0.25]);
    expect(s.lrAt(3)).toEqual([0.1 / 8, 0.5 / 8]);
  });
});
