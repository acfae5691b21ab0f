// Smoke test of the published @modewise/fft, run by tools/release-check/run.mjs in an empty
// project that installed only this package (and its declared dependencies) from a local registry.
import assert from "node:assert/strict";
import * as fft from "@modewise/fft";

const EXPECTED_EXPORTS = ["complexPlan", "realPlan"];
const missing = EXPECTED_EXPORTS.filter((name) => !(name in fft));
assert.deepEqual(missing, [], `@modewise/fft is missing exports: ${missing.join(", ")}`);

// DFT of [1, 2, 3, 4] is [10, -2+2i, -2, -2-2i].
const x = new Float64Array([1, 0, 2, 0, 3, 0, 4, 0]);
const y = new Float64Array(8);
fft.complexPlan(4, "float64").execute(x, 0, 1, y, 0, 1, -1, 1);
const expected = [10, 0, -2, 2, -2, 0, -2, -2];
for (let i = 0; i < 8; i++) assert.ok(Math.abs(y[i] - expected[i]) < 1e-12, `bin ${i}: ${y[i]}`);

console.log(`@modewise/fft: ${EXPECTED_EXPORTS.length} expected exports present, smoke call ok`);
