/**
 * The FNO-2D training step of bench/run.mjs (batch 20, 32^2, width 20, modes 8, float32, Adam)
 * alone, for profiling: prints the median step time over N steps after 5 warm-up steps.
 *
 *   node bench/profile-step.mjs [N=20]
 *   node --cpu-prof --cpu-prof-dir=/tmp/cpuprof bench/profile-step.mjs 20
 */
import { Adam, gradientsOfParameters } from "@modewise/nn";
import { Generator, tidy } from "@modewise/tensor";
import { FNO, relativeL2Loss } from "../dist/index.js";

const g = new Generator(0);
const model = new FNO({ inChannels: 1, outChannels: 1, modes: [8, 8], width: 20, generator: g });
const x = g.normal([20, 1, 32, 32]);
const y = g.normal([20, 1, 32, 32]);
const opt = new Adam(model, { lr: 1e-3 });
const step = () =>
  tidy(() => {
    const { grads } = gradientsOfParameters(() => relativeL2Loss(model.forward(x), y), model);
    opt.step(grads);
  });
for (let i = 0; i < 5; i++) step();
const N = +(process.argv[2] ?? 20);
const ts = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  step();
  ts.push(performance.now() - t);
}
ts.sort((a, b) => a - b);
console.log("median ms", ts[N >> 1].toFixed(1));
process.exit(0);
