/**
 * Learning-rate schedulers with PyTorch's sequences. Each scheduler has a closed form
 * `valuesAt(epoch)`; construction applies epoch 0 and every `step()` (called after
 * `optimizer.step()`, as in PyTorch) applies the next epoch to the optimizer's groups.
 * PyTorch computes some schedules recursively (lr_t from lr_{t-1}); the closed forms agree with
 * those to rounding (a few ulps), and do not drift when the learning rate is read back.
 */
import { ValueError } from "@modewise/tensor";
import { checkInt, checkRange, show } from "../util.js";
import type { Optimizer } from "./optimizer.js";

// biome-ignore lint/suspicious/noExplicitAny: any optimizer's options.
type AnyOptimizer = Optimizer<any>;

/** Learning rates (and, for OneCycleLR, momenta) per parameter group at one epoch. */
export interface ScheduleValues {
  lr: number[];
  /** beta1 for Adam-like optimizers, momentum for SGD. */
  momentum?: number[];
}

/** The learning rate each group had before any scheduler touched it (torch's initial_lr). */
const INITIAL_LR = new WeakMap<object, number>();

export abstract class LRScheduler {
  /** Learning rates at epoch 0 per group (torch's base_lrs). */
  readonly baseLrs: number[];
  /** The epoch last applied (0 after construction). */
  lastEpoch = 0;
  private lastLrs: number[] = [];

  protected constructor(readonly optimizer: AnyOptimizer) {
    this.baseLrs = optimizer.paramGroups.map((g) => {
      if (!INITIAL_LR.has(g)) INITIAL_LR.set(g, g.lr);
      return INITIAL_LR.get(g) as number;
    });
  }

  /** The schedule's values at `epoch` (pure: nothing is applied). */
  abstract valuesAt(epoch: number): ScheduleValues;

  /** Learning rates of the groups at `epoch`. */
  lrAt(epoch: number): number[] {
    return this.valuesAt(epoch).lr;
  }

  /** Subclasses call this at the end of their constructor (torch's initial step). */
  protected start(): void {
    this.apply(0);
  }

  /** Advance one epoch and set the optimizer's learning rates. */
  step(): void {
    this.lastEpoch++;
    this.apply(this.lastEpoch);
  }

  /** The learning rates set by the last step (torch's get_last_lr). */
  getLastLr(): number[] {
    return this.lastLrs.slice();
  }

  /** @internal Set the optimizer to `values` (also used by wrappers). */
  applyValues(values: ScheduleValues): void {
    const groups = this.optimizer.paramGroups;
    groups.forEach((g, i) => {
      g.lr = values.lr[i];
      const m = values.momentum?.[i];
      if (m !== undefined) {
        if (Array.isArray(g.betas)) g.betas = [m, g.betas[1]];
        else g.momentum = m;
      }
    });
    this.lastLrs = values.lr.slice();
  }

  private apply(epoch: number): void {
    this.applyValues(this.valuesAt(epoch));
  }
}

/** torch.optim.lr_scheduler.StepLR: lr = base * gamma^floor(epoch / stepSize). */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    this.stepSize = checkInt("StepLR", "stepSize", opts.stepSize, 1);
    this.gamma = checkRange("StepLR", "gamma", opts.gamma ?? 0.1, 0, Number.POSITIVE_INFINITY);
    this.start();
  }

  valuesAt(epoch: number): ScheduleValues {
    const k = Math.floor(epoch / this.stepSize);
    return { lr: this.baseLrs.map((b) => b * this.gamma ** k) };
  }
}

/**
 * torch.optim.lr_scheduler.CosineAnnealingLR (Loshchilov & Hutter, SGDR 2017, without restarts):
 * lr = etaMin + (base - etaMin) (1 + cos(pi epoch / tMax)) / 2. Past tMax it continues the
 * cosine (rising again), as PyTorch's does.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    this.tMax = checkInt("CosineAnnealingLR", "tMax", opts.tMax, 1);
    this.etaMin = opts.etaMin ?? 0;
    this.start();
  }

  valuesAt(epoch: number): ScheduleValues {
    const c = (1 + Math.cos((Math.PI * epoch) / this.tMax)) / 2;
    return { lr: this.baseLrs.map((b) => this.etaMin + (b - this.etaMin) * c) };
  }
}

/** torch.optim.lr_scheduler.LinearLR: factor from startFactor to endFactor over totalIters epochs, then constant. */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(
    optimizer: AnyOptimizer,
    opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {},
  ) {
    super(optimizer);
    this.startFactor = checkRange("LinearLR", "startFactor", opts.startFactor ?? 1 / 3, 0, 1, true);
    this.endFactor = checkRange("LinearLR", "endFactor", opts.endFactor ?? 1, 0, 1);
    this.totalIters = checkInt("LinearLR", "totalIters", opts.totalIters ?? 5, 1);
    this.start();
  }

  valuesAt(epoch: number): ScheduleValues {
    const f =
      this.startFactor +
      ((this.endFactor - this.startFactor) * Math.min(this.totalIters, epoch)) / this.totalIters;
    return { lr: this.baseLrs.map((b) => b * f) };
  }
}

export interface OneCycleOptions {
  /** Peak learning rate, one per group or one for all. */
  maxLr: number | number[];
  totalSteps: number;
  /** Fraction of the cycle spent increasing the rate (default 0.3). */
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (SGD) or beta1 (Adam) inversely to the rate (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** fast.ai's three-phase variant (default false). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: "initial" | "max" | "min";
  endLr: "initial" | "max" | "min";
  startMomentum: "max" | "base";
  endMomentum: "max" | "base";
}

/**
 * torch.optim.lr_scheduler.OneCycleLR (Smith & Topin 2018) with torch's defaults: the rate rises
 * from maxLr / 25 to maxLr over 30% of totalSteps and anneals (cosine) to maxLr / 25 / 1e4;
 * momentum / beta1 moves the opposite way between 0.95 and 0.85. Valid for epochs 0..totalSteps.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly groupsLr: { initial: number; max: number; min: number }[];
  private readonly groupsMomentum: { max: number; base: number }[] | undefined;
  private readonly anneal: (start: number, end: number, pct: number) => number;

  constructor(optimizer: AnyOptimizer, opts: OneCycleOptions) {
    super(optimizer);
    const fn = "OneCycleLR";
    this.totalSteps = checkInt(fn, "totalSteps", opts.totalSteps, 1);
    const pct = checkRange(fn, "pctStart", opts.pctStart ?? 0.3, 0, 1);
    const n = optimizer.paramGroups.length;
    const perGroup = (v: number | number[], arg: string): number[] => {
      const list = typeof v === "number" ? new Array(n).fill(v) : v;
      if (!Array.isArray(list) || list.length !== n || list.some((x) => typeof x !== "number")) {
        throw new ValueError(fn, arg, `a number or ${n} numbers (one per group)`, show(v));
      }
      return list;
    };
    const maxLrs = perGroup(opts.maxLr, "maxLr");
    const div = opts.divFactor ?? 25;
    const finalDiv = opts.finalDivFactor ?? 1e4;
    this.groupsLr = maxLrs.map((m) => ({ initial: m / div, max: m, min: m / div / finalDiv }));
    const strategy = opts.annealStrategy ?? "cos";
    if (strategy !== "cos" && strategy !== "linear")
      throw new ValueError(fn, "annealStrategy", "'cos' or 'linear'", show(strategy));
    this.anneal =
      strategy === "cos"
        ? (start, end, p) => end + ((start - end) / 2) * (Math.cos(Math.PI * p) + 1)
        : (start, end, p) => (end - start) * p + start;
    const total = this.totalSteps;
    this.phases = opts.threePhase
      ? [
          {
            endStep: pct * total - 1,
            startLr: "initial",
            endLr: "max",
            startMomentum: "max",
            endMomentum: "base",
          },
          {
            endStep: 2 * pct * total - 2,
            startLr: "max",
            endLr: "initial",
            startMomentum: "base",
            endMomentum: "max",
          },
          {
            endStep: total - 1,
            startLr: "initial",
            endLr: "min",
            startMomentum: "max",
            endMomentum: "max",
          },
        ]
      : [
          {
            endStep: pct * total - 1,
            startLr: "initial",
            endLr: "max",
            startMomentum: "max",
            endMomentum: "base",
          },
          {
            endStep: total - 1,
            startLr: "max",
            endLr: "min",
            startMomentum: "base",
            endMomentum: "max",
          },
        ];
    if (opts.cycleMomentum ?? true) {
      const g0 = optimizer.paramGroups[0];
      if (!Array.isArray(g0.betas) && typeof g0.momentum !== "number") {
        throw new ValueError(
          fn,
          "optimizer",
          "an optimizer with momentum or betas when cycleMomentum is on",
          optimizer.constructor.name,
        );
      }
      const maxM = perGroup(opts.maxMomentum ?? 0.95, "maxMomentum");
      const baseM = perGroup(opts.baseMomentum ?? 0.85, "baseMomentum");
      this.groupsMomentum = maxM.map((m, i) => ({ max: m, base: baseM[i] }));
    }
    this.start();
  }

  valuesAt(epoch: number): ScheduleValues {
    if (epoch > this.totalSteps) {
      throw new ValueError(
        "OneCycleLR.step",
        "epoch",
        `at most totalSteps (${this.totalSteps}) steps`,
        `${epoch}`,
      );
    }
    let start = 0;
    let phase = this.phases[this.phases.length - 1];
    for (let i = 0; i < this.phases.length; i++) {
      if (epoch <= this.phases[i].endStep || i === this.phases.length - 1) {
        phase = this.phases[i];
        break;
      }
      start = this.phases[i].endStep;
    }
    const pct = (epoch - start) / (phase.endStep - start);
    const lr = this.groupsLr.map((g) => this.anneal(g[phase.startLr], g[phase.endLr], pct));
    const momentum = this.groupsMomentum?.map((m) =>
      this.anneal(m[phase.startMomentum], m[phase.endMomentum], pct),
    );
    return { lr, momentum };
  }
}

/**
 * Linear warmup in front of another scheduler (PyTorch's SequentialLR of LinearLR and the
 * scheduler, milestone warmupSteps): lr = base * (startFactor + (1 - startFactor) * epoch /
 * warmupSteps) for epoch < warmupSteps, then the wrapped schedule at epoch - warmupSteps.
 * Create it right after the wrapped scheduler, and step only the wrapper.
 */
export class LinearWarmup extends LRScheduler {
  readonly warmupSteps: number;
  readonly startFactor: number;

  constructor(
    readonly inner: LRScheduler,
    opts: { warmupSteps: number; startFactor?: number },
  ) {
    super(inner.optimizer);
    this.warmupSteps = checkInt("LinearWarmup", "warmupSteps", opts.warmupSteps, 0);
    this.startFactor = checkRange(
      "LinearWarmup",
      "startFactor",
      opts.startFactor ?? 1 / 3,
      0,
      1,
      true,
    );
    this.start();
  }

  valuesAt(epoch: number): ScheduleValues {
    if (epoch >= this.warmupSteps) return this.inner.valuesAt(epoch - this.warmupSteps);
    const f = this.startFactor + ((1 - this.startFactor) * epoch) / this.warmupSteps;
    const after = this.inner.valuesAt(0);
    return { lr: this.inner.baseLrs.map((b) => b * f), momentum: after.momentum };
  }

  override step(): void {
    super.step();
    this.inner.lastEpoch = Math.max(0, this.lastEpoch - this.warmupSteps);
  }
}
