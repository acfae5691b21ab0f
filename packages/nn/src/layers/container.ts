/** Sequential and MLP. */
import { type Tensor, tidy } from "@modewise/tensor";
import { type AnyModule, Module } from "../module.js";
import { checkInt, checkRange } from "../util.js";
import { type Activation, activationFn } from "./activation.js";
import { Dropout } from "./dropout.js";
import { type LayerOptions, Linear } from "./linear.js";

/** torch.nn.Sequential: children named "0", "1", ...; forward feeds each output to the next. */
export class Sequential extends Module {
  readonly layers: Module<[Tensor], Tensor>[];

  constructor(...layers: Module<[Tensor], Tensor>[]) {
    super();
    this.layers = layers;
  }

  protected override namedMembers(): [string, AnyModule][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let y = x;
      for (const layer of this.layers) y = layer.forward(y);
      return y;
    });
  }
}

export interface MLPOptions extends LayerOptions {
  /** Between layers (not after the last); a name or a function. Default "gelu". */
  activation?: Activation;
  /** Dropout probability after each hidden activation (default 0: none). */
  dropout?: number;
  bias?: boolean;
}

/**
 * Multilayer perceptron `sizes = [in, ...hidden, out]`: Linear layers named
 * "layers.0", "layers.1", ... (so parameters are "layers.0.weight"), with the activation and
 * optional dropout after every layer but the last.
 */
export class MLP extends Module {
  readonly layers: Linear[];
  readonly dropout: Dropout | undefined;
  private readonly _act: (x: Tensor) => Tensor;

  constructor(sizes: readonly number[], opts: MLPOptions = {}) {
    super();
    if (!Array.isArray(sizes) || sizes.length < 2)
      checkInt("MLP", "sizes.length", sizes?.length, 2);
    for (const [i, s] of sizes.entries()) checkInt("MLP", `sizes[${i}]`, s, 1);
    this._act = activationFn(opts.activation ?? "gelu", "MLP");
    const p = checkRange("MLP", "dropout", opts.dropout ?? 0, 0, 1);
    const { activation: _a, dropout: _d, ...layerOpts } = opts;
    this.layers = sizes.slice(1).map((out, i) => new Linear(sizes[i], out, layerOpts));
    this.dropout = p > 0 ? new Dropout(p, { generator: opts.generator }) : undefined;
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      let y = x;
      const last = this.layers.length - 1;
      for (let i = 0; i <= last; i++) {
        y = this.layers[i].forward(y);
        if (i < last) {
          y = this._act(y);
          if (this.dropout) y = this.dropout.forward(y);
        }
      }
      return y;
    });
  }
}
