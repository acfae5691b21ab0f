/** Stochastic gradient descent with PyTorch's momentum, dampening, Nesterov and weight decay. */
import { add, mul, neg, stopGradient, type Tensor, ValueError } from "@modewise/tensor";
import { show } from "../util.js";
import {
  Optimizer,
  type ParamGroup,
  type ParamsInput,
  requireNonNegative,
  type UpdateResult,
} from "./optimizer.js";

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * torch.optim.SGD (single-tensor path), for real and complex parameters:
 *   g <- g + weightDecay * p
 *   b <- g (first step), else momentum * b + (1 - dampening) * g
 *   g <- g + momentum * b (nesterov) or b
 *   p <- p - lr * g
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super(params, {
      lr: 1e-3,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      ...opts,
    });
  }

  protected override stateKeys(g: ParamGroup<SGDOptions>): readonly string[] {
    return g.momentum > 0 ? ["momentumBuffer"] : [];
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    requireNonNegative("SGD", "lr", g.lr);
    requireNonNegative("SGD", "momentum", g.momentum);
    requireNonNegative("SGD", "weightDecay", g.weightDecay);
    if (typeof g.dampening !== "number" || Number.isNaN(g.dampening))
      throw new ValueError("SGD", "dampening", "a number", show(g.dampening));
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) {
      throw new ValueError(
        "SGD",
        "nesterov",
        "momentum > 0 and dampening = 0 with nesterov",
        `momentum ${g.momentum}, dampening ${g.dampening}`,
      );
    }
  }

  protected update(
    p: Tensor,
    grad: Tensor,
    state: Readonly<Record<string, Tensor>>,
    g: ParamGroup<SGDOptions>,
  ): UpdateResult {
    let d = g.maximize ? neg(grad) : grad;
    if (g.weightDecay !== 0) d = add(d, mul(p, g.weightDecay));
    const out: Record<string, Tensor> = {};
    if (g.momentum !== 0) {
      const prev = state.momentumBuffer;
      const buf =
        prev === undefined ? stopGradient(d) : add(mul(prev, g.momentum), mul(d, 1 - g.dampening));
      out.momentumBuffer = buf;
      d = g.nesterov ? add(d, mul(buf, g.momentum)) : buf;
    }
    return { param: add(p, mul(d, -g.lr)), state: out };
  }
}
