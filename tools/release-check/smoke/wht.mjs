// Smoke test of the published @modewise/wht, run by tools/release-check/run.mjs in an empty
// project that installed only this package (and its declared dependencies) from a local registry.
import assert from "node:assert/strict";
import * as T from "@modewise/tensor";
import * as wht from "@modewise/wht";
import * as whtTensor from "@modewise/wht/tensor";

const EXPECTED_EXPORTS = ["fwht", "ifwht", "sparseWHT", "sparseWHTAsync", "bitReversalTable"];
const missing = EXPECTED_EXPORTS.filter((name) => !(name in wht));
assert.deepEqual(missing, [], `@modewise/wht is missing exports: ${missing.join(", ")}`);

const close = (a, b, what) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) < 1e-12, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};

// Hadamard transform of [1, 2, 3, 4]: rows ++++, +-+-, ++--, +--+.
const x = new Float64Array([1, 2, 3, 4]);
assert.equal(wht.fwht(x), x, "in place");
close(x, [10, -2, -4, 0], "fwht natural");
close(wht.ifwht(x), [1, 2, 3, 4], "ifwht");
// Sequency order: rows by number of sign changes (++++, ++--, +--+, +-+-).
close(wht.fwht(new Float64Array([1, 2, 3, 4]), { order: "sequency" }), [10, -4, 0, -2], "sequency");
close(
  wht.fwht(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), { norm: "ortho", batch: 2 }),
  [5, -1, -2, 0, 13, -1, -2, 0],
  "batched ortho f32",
);

// Sparse: 3 nonzero coefficients out of 2^16, from an oracle (the signal never exists densely).
const n = 16;
const N = 2 ** n;
const support = [5, 4242, 65000];
const values = [1.5, -2, 1.25];
const parity = (v) => {
  let c = 0;
  for (let w = v; w; w &= w - 1) c ^= 1;
  return c;
};
const oracle = (j) =>
  support.reduce((s, k, i) => s + (parity(k & j) ? -values[i] : values[i]), 0) / N;
const r = wht.sparseWHT(oracle, { n, sparsity: 3, seed: 1 });
assert.ok(r.success, "sparse decode succeeded");
assert.deepEqual(Array.from(r.indices), support);
close(r.values, values, "sparse values");
assert.ok(r.samples < N / 20, `sparse samples ${r.samples}`);
const ra = await wht.sparseWHTAsync(async (idx) => Float64Array.from(idx, oracle), {
  n,
  sparsity: 3,
  seed: 1,
});
assert.deepEqual(Array.from(ra.indices), support);

// The tensor entry registers the differentiable "FWHT" kernel: L = sum(fwht(v)^2) = N ||v||^2.
const t = T.tensor([1, 2, 3, 4], { dtype: "float64" });
const g = T.grad((v) => T.sum(T.square(whtTensor.fwht(v))))(t);
close(g.dataSync(), [8, 16, 24, 32], "grad sum fwht^2 = 2 N x");
assert.throws(() => wht.fwht(new Float64Array(3)), T.ValueError);

console.log(`@modewise/wht: ${EXPECTED_EXPORTS.length} expected exports present, smoke calls ok`);
