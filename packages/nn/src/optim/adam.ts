/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) with PyTorch's exact update,
 * including bias correction, amsgrad and maximize. Complex parameters are updated as pairs of
 * reals (torch.view_as_real), so the second moment is per component, exactly as PyTorch.
 */
import { add, div, maximum, mul, neg, sqrt, sub, type Tensor, ValueError } from "@modewise/tensor";
import { show } from "../util.js";
import {
  Optimizer,
  type ParamGroup,
  type ParamsInput,
  requireNonNegative,
  type UpdateResult,
} from "./optimizer.js";

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** true: AdamW's decoupled decay p <- p (1 - lr wd); false: L2 added to the gradient. */
  decoupledWeightDecay: boolean;
}

/** torch.lerp(start, end, w) as the CPU kernel computes it. */
function lerp(start: Tensor, end: Tensor, w: number): Tensor {
  return Math.abs(w) < 0.5
    ? add(start, mul(sub(end, start), w))
    : sub(end, mul(sub(end, start), 1 - w));
}

/** lerp(0, end, w): the first update of a zero-initialized moment, rounded as torch's lerp. */
function lerpFromZero(end: Tensor, w: number): Tensor {
  return Math.abs(w) < 0.5 ? mul(end, w) : sub(end, mul(end, 1 - w));
}

/**
 * torch.optim.Adam (single-tensor path). With t the step, m, v the moments:
 *   g <- g + wd p            (or p <- p (1 - lr wd) when decoupled)
 *   m <- lerp(m, g, 1 - b1);  v <- b2 v + (1 - b2) g^2
 *   vmax <- max(vmax, v)      (amsgrad; then v := vmax below)
 *   p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 */
export class Adam extends Optimizer<AdamOptions> {
  protected override readonly complexAsReal = true;

  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      decoupledWeightDecay: false,
      ...opts,
    });
  }

  protected validate(g: ParamGroup<AdamOptions>): void {
    const fn = this.constructor.name;
    requireNonNegative(fn, "lr", g.lr);
    requireNonNegative(fn, "eps", g.eps);
    requireNonNegative(fn, "weightDecay", g.weightDecay);
    if (
      !Array.isArray(g.betas) ||
      g.betas.length !== 2 ||
      g.betas.some((b) => !(b >= 0 && b < 1))
    ) {
      throw new ValueError(fn, "betas", "two numbers in [0, 1)", show(g.betas));
    }
  }

  protected update(
    p: Tensor,
    grad: Tensor,
    state: Readonly<Record<string, Tensor>>,
    g: ParamGroup<AdamOptions>,
    step: number,
  ): UpdateResult {
    const [beta1, beta2] = g.betas;
    let d = g.maximize ? neg(grad) : grad;
    let param = p;
    if (g.weightDecay !== 0) {
      if (g.decoupledWeightDecay) param = mul(param, 1 - g.lr * g.weightDecay);
      else d = add(d, mul(param, g.weightDecay));
    }
    const m =
      state.expAvg === undefined ? lerpFromZero(d, 1 - beta1) : lerp(state.expAvg, d, 1 - beta1);
    const v =
      state.expAvgSq === undefined
        ? mul(mul(d, 1 - beta2), d)
        : add(mul(state.expAvgSq, beta2), mul(mul(d, 1 - beta2), d));
    const out: Record<string, Tensor> = { expAvg: m, expAvgSq: v };
    let second = v;
    if (g.amsgrad) {
      // torch starts the running maximum from zeros: max(0, v) = v, in its own storage.
      second = maximum(state.maxExpAvgSq ?? 0, v);
      out.maxExpAvgSq = second;
    }
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = g.lr / biasCorrection1;
    const denom = add(div(sqrt(second), biasCorrection2Sqrt), g.eps);
    return { param: add(param, div(mul(m, -stepSize), denom)), state: out };
  }
}

/** torch.optim.AdamW: Adam with decoupled weight decay (default 1e-2). */
export class AdamW extends Adam {
  constructor(
    params: ParamsInput<AdamOptions>,
    opts: Partial<Omit<AdamOptions, "decoupledWeightDecay">> = {},
  ) {
    super(params, { weightDecay: 1e-2, ...opts, decoupledWeightDecay: true });
  }
}
