/**
 * The training step the operator benchmarks time: forward, relative L2 loss (sum over the
 * batch), backward and an Adam step (lr 1e-3) on fixed normal inputs and targets of `shape`,
 * median ms under tools/bench-kit's protocol. Disposes the model.
 */
import { Adam, gradientsOfParameters } from "@modewise/nn";
import { Generator, tidy } from "@modewise/tensor";
import { measure } from "../../../tools/bench-kit/bench-kit.mjs";
import { relativeL2Loss } from "../dist/index.js";

export function trainStepMs(model, shape, seed = 0) {
  const g = new Generator(seed);
  const x = g.normal(shape);
  const y = g.normal(shape);
  const opt = new Adam(model, { lr: 1e-3 });
  const ms = measure(() =>
    tidy(() => {
      const { grads } = gradientsOfParameters(() => relativeL2Loss(model.forward(x), y), model);
      opt.step(grads);
    }),
  );
  opt.dispose();
  model.dispose();
  x.dispose();
  y.dispose();
  return ms;
}
