// Smoke test of the published @modewise/operators, run by tools/release-check/run.mjs as
// `node smoke.mjs` in an empty project that installed only this package (and its declared
// dependencies) from a local registry.
import assert from "node:assert/strict";
import * as ops from "@modewise/operators";
import { Generator, memory, tidy } from "@modewise/tensor";

const EXPECTED_EXPORTS = [
  "SpectralConv",
  "spectralMix",
  "FNO",
  "relativeL2Loss",
  "relativeL2",
  "h1Loss",
  "hMinus1Loss",
  "saveNeuralOperatorState",
  "loadNeuralOperatorState",
];
const missing = EXPECTED_EXPORTS.filter((name) => !(name in ops));
assert.deepEqual(missing, [], `@modewise/operators is missing exports: ${missing.join(", ")}`);

const g = new Generator(0);
const model = new ops.FNO({
  inChannels: 1,
  outChannels: 1,
  modes: [4, 4],
  width: 8,
  nLayers: 2,
  generator: g,
});
const base = memory().numTensors;
tidy(() => {
  const x = g.normal([2, 1, 16, 16]);
  const y = model.forward(x);
  assert.deepEqual(y.shape, [2, 1, 16, 16]);
  // zero-shot super-resolution: the same weights on a 2x finer grid
  assert.deepEqual(model.forward(g.normal([1, 1, 32, 32])).shape, [1, 1, 32, 32]);
  assert.ok(Math.abs(ops.relativeL2Loss(y, y).item()) === 0);
});
assert.equal(memory().numTensors, base);

// Weights round trip through neuraloperator-named safetensors.
const bytes = ops.saveNeuralOperatorState(model);
const copy = new ops.FNO({ inChannels: 1, outChannels: 1, modes: [4, 4], width: 8, nLayers: 2 });
ops.loadNeuralOperatorState(copy, bytes);
tidy(() => {
  const x = g.normal([1, 1, 16, 16]);
  assert.ok(ops.relativeL2(copy.forward(x), model.forward(x)).item() < 1e-6);
});
console.log(
  `@modewise/operators: ${EXPECTED_EXPORTS.length} expected exports present, smoke calls ok`,
);
