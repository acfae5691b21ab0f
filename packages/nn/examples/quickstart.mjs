// Fit a small MLP to y = sin(2 pi x) with Adam: the README's quick start.
// Run from the repository root after building: node packages/nn/examples/quickstart.mjs
import { Adam, gradientsOfParameters, MLP, mseLoss } from "@modewise/nn";
import { Generator, linspace, memory, mul, reshape, sin, tidy } from "@modewise/tensor";

const { x, y } = tidy(() => {
  const x = reshape(linspace(-1, 1, 128, { dtype: "float64" }), [128, 1]);
  return { x, y: sin(mul(x, 2 * Math.PI)) };
});
const model = new MLP([1, 32, 32, 1], {
  activation: "tanh",
  dtype: "float64",
  generator: new Generator(0),
});
const opt = new Adam(model, { lr: 1e-2 });

for (let step = 0; step <= 500; step++) {
  const loss = tidy(() => {
    const { value, grads } = gradientsOfParameters(() => mseLoss(model.forward(x), y), model);
    opt.step(grads); // replaces each parameter's value; old values and temporaries are released
    return value.item();
  });
  if (step % 100 === 0) console.log(`step ${step}: loss ${loss.toExponential(3)}`);
}
console.log(`parameters: ${model.numParameters()}, live tensors: ${memory().numTensors}`);
