// Smoke test of the published @modewise/nn, run by tools/release-check/run.mjs as
// `node smoke.mjs` in an empty project that installed only this package (and, through its declared
// dependencies, @modewise/tensor) from a local registry.
import assert from "node:assert/strict";
import * as nn from "@modewise/nn";

// Every name the package index must export. Add public exports here as they land.
const EXPECTED_EXPORTS = ["VERSION"];

const missing = EXPECTED_EXPORTS.filter((name) => !(name in nn));
assert.deepEqual(missing, [], `@modewise/nn is missing exports: ${missing.join(", ")}`);

// Call the package. Replace with a real use once layers are exported, e.g.:
//   const layer = new nn.Linear(3, 2);
//   assert.equal(layer.parameters().length, 2);
assert.equal(typeof nn.VERSION, "string");

console.log(`@modewise/nn: ${EXPECTED_EXPORTS.length} expected export(s) present, smoke call ok`);
