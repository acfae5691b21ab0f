/** Activation functions as modules, and the names MLP accepts. */
import {
  gelu,
  leakyRelu,
  relu,
  sigmoid,
  silu,
  softplus,
  type Tensor,
  tanh,
  ValueError,
} from "@modewise/tensor";
import { Module } from "../module.js";
import { show } from "../util.js";

/** Names accepted where an activation is chosen (torch.nn spellings, lower case). */
export type ActivationName =
  | "relu"
  | "gelu"
  | "gelu_tanh"
  | "tanh"
  | "sigmoid"
  | "silu"
  | "softplus"
  | "leaky_relu"
  | "identity";

/** An activation given by name or as a function. */
export type Activation = ActivationName | ((x: Tensor) => Tensor);

const TABLE: Record<ActivationName, (x: Tensor) => Tensor> = {
  relu: (x) => relu(x),
  gelu: (x) => gelu(x),
  gelu_tanh: (x) => gelu(x, { approximate: "tanh" }),
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  silu: (x) => silu(x),
  softplus: (x) => softplus(x),
  leaky_relu: (x) => leakyRelu(x, 0.01),
  identity: (x) => x,
};

/** The function for an activation name (functions pass through). */
export function activationFn(a: Activation, fn = "activation"): (x: Tensor) => Tensor {
  if (typeof a === "function") return a;
  const f = TABLE[a as ActivationName];
  if (!f)
    throw new ValueError(
      fn,
      "activation",
      `a function or one of ${show(Object.keys(TABLE))}`,
      show(a),
    );
  return f;
}

/** A parameter-free module applying f elementwise. */
export class Lambda extends Module {
  constructor(private readonly f: (x: Tensor) => Tensor) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.f(x);
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}
/** Exact GELU by default; `{ approximate: "tanh" }` for the tanh approximation (torch.nn.GELU). */
export class GELU extends Module {
  constructor(readonly approximate: "none" | "tanh" = "none") {
    super();
  }
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}
export class Softplus extends Module {
  forward(x: Tensor): Tensor {
    return softplus(x);
  }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}
