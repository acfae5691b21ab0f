// Smoke test of the published @modewise/nn, run by tools/release-check/run.mjs as
// `node smoke.mjs` in an empty project that installed only this package (and, through its declared
// dependencies, @modewise/tensor) from a local registry.
import assert from "node:assert/strict";
import * as nn from "@modewise/nn";
import { loadFile, saveFile } from "@modewise/nn/node";
import { tensor, tidy } from "@modewise/tensor";

// A sample of the public API across its areas (modules, layers, init, losses, optim, I/O).
const EXPECTED_EXPORTS = [
  "Module",
  "Parameter",
  "functionalCall",
  "gradientsOfParameters",
  "Linear",
  "Conv2d",
  "LayerNorm",
  "RMSNorm",
  "GroupNorm",
  "Dropout",
  "Sequential",
  "MLP",
  "init",
  "mseLoss",
  "relativeLpLoss",
  "crossEntropy",
  "SGD",
  "Adam",
  "AdamW",
  "StepLR",
  "CosineAnnealingLR",
  "OneCycleLR",
  "LinearWarmup",
  "clipGradNorm",
  "save",
  "load",
  "SafetensorsError",
];

const missing = EXPECTED_EXPORTS.filter((name) => !(name in nn));
assert.deepEqual(missing, [], `@modewise/nn is missing exports: ${missing.join(", ")}`);

const model = new nn.MLP([2, 8, 1], { dtype: "float64" });
assert.deepEqual(
  model.namedParameters().map(([name]) => name),
  ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"],
);
const opt = new nn.Adam(model, { lr: 1e-2 });
const x = tensor(
  [
    [0, 1],
    [1, 0],
    [1, 1],
  ],
  { dtype: "float64" },
);
const y = tensor([[1], [1], [0]], { dtype: "float64" });
const step = () =>
  tidy(() => {
    const { value, grads } = nn.gradientsOfParameters(() => nn.mseLoss(model.forward(x), y), model);
    opt.step(grads);
    return value.item();
  });
const first = step();
let last = first;
for (let i = 0; i < 200; i++) last = step();
assert.ok(last < first / 2, `loss did not decrease: ${first} -> ${last}`);

const bytes = nn.save(model.stateDict(), { format: "pt" });
const back = nn.load(bytes);
assert.deepEqual(
  Array.from(back["layers.1.bias"].dataSync()),
  Array.from(model.parameters()[3].value.dataSync()),
);
assert.throws(() => nn.load(bytes.subarray(0, 12)), nn.SafetensorsError);
assert.equal(typeof saveFile, "function");
assert.equal(typeof loadFile, "function");

console.log(`@modewise/nn: ${EXPECTED_EXPORTS.length} expected exports present, smoke calls ok`);
