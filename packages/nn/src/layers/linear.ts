/** Fully connected layer in PyTorch's layout: weight [out, in], y = x W^T + b. */
import {
  add,
  type FloatDType,
  type Generator,
  getDefaultFloatDType,
  matmul,
  type Tensor,
  tidy,
} from "@modewise/tensor";
import { kaimingUniform, uniform } from "../init.js";
import { Module, Parameter } from "../module.js";
import { checkInt } from "../util.js";

export interface LayerOptions {
  /** Parameter dtype; default the tensor package's default float dtype. */
  dtype?: FloatDType;
  /** Random stream for the initial values; default `defaultGenerator()`. */
  generator?: Generator;
  device?: string;
}

/** y = x W^T (+ b) over the last axis of x; any leading axes are batch axes. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return tidy(() => {
    const y = matmul(x, weight, { transposeB: true });
    return bias === undefined ? y : add(y, bias);
  });
}

/**
 * torch.nn.Linear. Initialization as torch: weight kaiming_uniform(a = sqrt(5)), i.e.
 * U(-1/sqrt(in), 1/sqrt(in)), and bias U(-1/sqrt(in), 1/sqrt(in)).
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LayerOptions & { bias?: boolean } = {},
  ) {
    super();
    checkInt("Linear", "inFeatures", inFeatures, 1);
    checkInt("Linear", "outFeatures", outFeatures, 1);
    const init = {
      dtype: opts.dtype ?? getDefaultFloatDType(),
      generator: opts.generator,
      device: opts.device,
    };
    this.weight = new Parameter(
      kaimingUniform([outFeatures, inFeatures], { ...init, a: Math.sqrt(5) }),
    );
    const bound = 1 / Math.sqrt(inFeatures);
    this.bias =
      (opts.bias ?? true)
        ? new Parameter(uniform([outFeatures], { ...init, low: -bound, high: bound }))
        : undefined;
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight.value, this.bias?.value);
  }
}
