// Modewise demo: fit an MLP to a 2-D function with Adam and a cosine learning-rate schedule.
//   npx pnpm@12.4.2 --filter @modewise/tensor-demo start   (after `npx pnpm@12.4.2 build`)
// Target: f(x1, x2) = sin(pi x1) cos(pi x2) on [-1, 1]^2, 512 random training points, 256 held
// out. Prints the training loss every 100 steps and a final line with the held-out relative
// L2 error (neuraloperator's LpLoss, mean over the test set) and the time taken.
import {
  Adam,
  CosineAnnealingLR,
  gradientsOfParameters,
  MLP,
  mseLoss,
  relativeLpLoss,
} from "@modewise/nn";
import { cos, Generator, memory, mul, sin, slice, tidy } from "@modewise/tensor";

const STEPS = 1000;
const rng = new Generator(2024);

/** n points uniform on [-1, 1]^2 and the target values, as [n, 2] and [n, 1] float64 tensors. */
function sample(n) {
  return tidy(() => {
    const x = rng.uniform([n, 2], { dtype: "float64", low: -1, high: 1 });
    const f = mul(sin(mul(slice(x, ":, 0:1"), Math.PI)), cos(mul(slice(x, ":, 1:2"), Math.PI)));
    return { x, f };
  });
}

const train = sample(512);
const test = sample(256);
const model = new MLP([2, 32, 32, 1], {
  activation: "silu",
  dtype: "float64",
  generator: rng.fork(1),
});
const opt = new Adam(model, { lr: 1e-2 });
const schedule = new CosineAnnealingLR(opt, { tMax: STEPS, etaMin: 1e-5 });

console.log(
  `MLP [2, 32, 32, 1] (SiLU), ${model.numParameters()} parameters, Adam lr 1e-2 with cosine decay, ${STEPS} steps`,
);
const t0 = performance.now();
let loss = Number.NaN;
for (let step = 1; step <= STEPS; step++) {
  loss = tidy(() => {
    const { value, grads } = gradientsOfParameters(
      () => mseLoss(model.forward(train.x), train.f),
      model,
    );
    opt.step(grads);
    return value.item();
  });
  schedule.step();
  if (step % 100 === 0 || step === 1) {
    console.log(
      `step ${String(step).padStart(4)}  train mse ${loss.toExponential(3)}  lr ${opt.lr.toExponential(2)}`,
    );
  }
}
const seconds = (performance.now() - t0) / 1000;
const testErr = tidy(() => relativeLpLoss(model.forward(test.x), test.f, { d: 2 }).item());
console.log(
  `final: train mse ${loss.toExponential(3)}, test relative L2 error ${(100 * testErr).toFixed(2)}%, ` +
    `${seconds.toFixed(1)} s (${((1000 * seconds) / STEPS).toFixed(1)} ms/step), live tensors ${memory().numTensors}`,
);
