// Smoke test of the published @modewise/tensor, run by tools/release-check/run.mjs as
// `node smoke.mjs` in an empty project that installed only this package from a local registry.
import assert from "node:assert/strict";
import * as tensor from "@modewise/tensor";

// Every name the package index must export. Add public exports here as they land.
const EXPECTED_EXPORTS = ["VERSION"];

const missing = EXPECTED_EXPORTS.filter((name) => !(name in tensor));
assert.deepEqual(missing, [], `@modewise/tensor is missing exports: ${missing.join(", ")}`);

// Call the package. Replace with a real use once the core is exported, e.g.:
//   const t = tensor.tensor([[1, 2], [3, 4]], { dtype: "float64" });
//   assert.deepEqual(t.shape, [2, 2]);
//   assert.deepEqual(Array.from(t.dataSync()), [1, 2, 3, 4]);
assert.equal(typeof tensor.VERSION, "string");

console.log(
  `@modewise/tensor: ${EXPECTED_EXPORTS.length} expected export(s) present, smoke call ok`,
);
