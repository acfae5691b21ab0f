/**
 * Pointwise channel MLP on [batch, channels, ...spatial] (neuraloperator's ChannelMLP): kernel-1
 * convolutions, i.e. one [out, in] matrix applied at every grid point. Weights are stored as
 * torch's Conv1d does, [out, in, 1], so the state dict names and shapes match neuraloperator
 * (`fcs.i.weight`, `fcs.i.bias`).
 */
import { type Activation, activationFn, init, Module, Parameter } from "@modewise/nn";
import {
  type Generator,
  matmul,
  type RealFloatDType,
  reshape,
  type Tensor,
  tidy,
} from "@modewise/tensor";

/** W [out, in] applied to x [b, in, S] -> [b, out, S] (a broadcast matmul: no transposes). */
export function pointwise(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  return tidy(() => {
    const [b, c, ...spatial] = x.shape;
    const s = spatial.reduce((p, q) => p * q, 1);
    const w = reshape(weight, [weight.shape[0], c]);
    // the bias rides in the product (added in its last pass over the output on the CPU)
    const y = matmul(w, reshape(x, [b, c, s]), { bias });
    return reshape(y, [b, weight.shape[0], ...spatial]);
  });
}

/** torch.nn.Conv1d(in, out, 1) parameters: kaiming_uniform(a = sqrt 5) = U(+-1/sqrt(in)), bias likewise. */
export class PointwiseConv extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    opts: { dtype: RealFloatDType; generator?: Generator; bias?: boolean },
  ) {
    super();
    const bound = 1 / Math.sqrt(inChannels);
    const u = { low: -bound, high: bound, dtype: opts.dtype, generator: opts.generator };
    this.weight = new Parameter(init.uniform([outChannels, inChannels, 1], u));
    this.bias = (opts.bias ?? true) ? new Parameter(init.uniform([outChannels], u)) : undefined;
  }

  forward(x: Tensor): Tensor {
    return pointwise(x, this.weight.value, this.bias?.value);
  }
}

/**
 * [in -> hidden -> out] with the activation between layers (none after the last); hidden = 0
 * gives a single layer.
 */
export class ChannelMLP extends Module {
  readonly fcs: PointwiseConv[];
  private readonly _act: (x: Tensor) => Tensor;

  constructor(
    inChannels: number,
    hiddenChannels: number,
    outChannels: number,
    opts: { dtype: RealFloatDType; generator?: Generator; activation: Activation },
  ) {
    super();
    const sizes =
      hiddenChannels > 0 ? [inChannels, hiddenChannels, outChannels] : [inChannels, outChannels];
    this.fcs = sizes
      .slice(1)
      .map(
        (out, i) =>
          new PointwiseConv(sizes[i], out, { dtype: opts.dtype, generator: opts.generator }),
      );
    this._act = activationFn(opts.activation, "FNO");
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let y = x;
      this.fcs.forEach((fc, i) => {
        y = fc.forward(y);
        if (i < this.fcs.length - 1) y = this._act(y);
      });
      return y;
    });
  }
}
