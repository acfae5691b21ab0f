// Smoke test of the published @modewise/tensor, run by tools/release-check/run.mjs as
// `node smoke.mjs` in an empty project that installed only this package from a local registry.
import assert from "node:assert/strict";
import * as T from "@modewise/tensor";
import * as W from "@modewise/tensor/wasm";

// A sample of the public API across its areas (creation, ops, autograd, RNG, interop, memory).
const EXPECTED_EXPORTS = [
  "Tensor",
  "tensor",
  "zeros",
  "arange",
  "linspace",
  "eye",
  "add",
  "mul",
  "matmul",
  "einsum",
  "conv2d",
  "sum",
  "mean",
  "softmax",
  "gelu",
  "complex",
  "slice",
  "pad",
  "gradientsOf",
  "grad",
  "valueAndGrad",
  "noGrad",
  "tidy",
  "dispose",
  "memory",
  "Generator",
  "fromNdarray",
  "toNdarray",
  "ShapeError",
  "DTypeError",
  "registerBackend",
];

const missing = EXPECTED_EXPORTS.filter((name) => !(name in T));
assert.deepEqual(missing, [], `@modewise/tensor is missing exports: ${missing.join(", ")}`);

const a = T.tensor(
  [
    [1, 2],
    [3, 4],
  ],
  { dtype: "float64" },
);
assert.deepEqual(a.shape, [2, 2]);
assert.deepEqual(Array.from(T.matmul(a, a).dataSync()), [7, 10, 15, 22]);
const g = T.grad((x) => T.sum(T.square(x)))(a);
assert.deepEqual(Array.from(g.dataSync()), [2, 4, 6, 8]);
const nd = T.toNdarray(a);
assert.equal(nd.get(1, 0), 3);
assert.throws(() => T.add(a, T.zeros([3])), T.ShapeError);

// The ./wasm subpath entry: the assembler behind the SIMD kernels (LEB128 example from DWARF 5).
for (const name of ["uleb", "sleb", "FunctionBody", "assembleModule", "instantiateSync"]) {
  assert.ok(name in W, `@modewise/tensor/wasm is missing export ${name}`);
}
assert.deepEqual(W.uleb(624485), [0xe5, 0x8e, 0x26]);

console.log(
  `@modewise/tensor: ${EXPECTED_EXPORTS.length} expected exports present, smoke calls ok`,
);
