// Smoke test of the published @modewise/qmc, run by tools/release-check/run.mjs in an empty
// project that installed only this package (and its declared dependencies) from a local registry.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as qmc from "@modewise/qmc";
import { ValueError } from "@modewise/tensor";

const EXPECTED_EXPORTS = [
  "Lattice",
  "DigitalNetB2",
  "Sobol",
  "Halton",
  "Rng",
  "discrepancy",
  "cubQMCLatticeG",
  "cubQMCNetG",
  "cubQMCRep",
  "fastGram",
  "ShiftInvariantKernel",
  "DigitalShiftInvariantKernel",
  "cbcLattice",
  "latticeWorstCaseError",
];
const missing = EXPECTED_EXPORTS.filter((name) => !(name in qmc));
assert.deepEqual(missing, [], `@modewise/qmc is missing exports: ${missing.join(", ")}`);

// QMCPy / scipy reference points (unrandomized).
const sobol = new qmc.Sobol(2, { randomize: "none", order: "gray" }).gen(8);
assert.deepEqual(
  Array.from(sobol),
  [0, 0, 0.5, 0.5, 0.75, 0.25, 0.25, 0.75, 0.375, 0.375, 0.875, 0.875, 0.625, 0.125, 0.125, 0.625],
);
assert.deepEqual(
  Array.from(new qmc.Lattice(2, { randomize: "none" }).gen(4)),
  [0, 0, 0.5, 0.5, 0.25, 0.75, 0.75, 0.25],
);
assert.deepEqual(Array.from(new qmc.Halton(2, { randomize: "none" }).gen(4)), [
  0,
  0,
  0.5,
  1 / 3,
  0.25,
  2 / 3,
  0.75,
  1 / 9,
]);
assert.deepEqual(
  Array.from(new qmc.Sobol(3, { randomize: "none", alpha: 2 }).gen(4)),
  [0, 0, 0, 0.75, 0.75, 0.75, 0.4375, 0.9375, 0.1875, 0.6875, 0.1875, 0.9375],
);

// The packed Joe-Kuo table reaches its last dimension, and the default lattice vector decodes.
const far = new qmc.Sobol(21201, { randomize: "none" });
assert.equal(far.matrices.length, 21201 * 32);
assert.equal(far.matrices[21200 * 32], 2 ** 31);
assert.equal(new qmc.Lattice(9125, { randomize: "none" }).generatingVector[1], 182667);

// Scrambled nets stay nets: 1024 LMS+DS points have one point per interval of length 1/1024.
const x = new qmc.Sobol(3, { seed: 5 }).gen(1024);
for (let j = 0; j < 3; j++) {
  const seen = new Set();
  for (let i = 0; i < 1024; i++) seen.add(Math.floor(x[i * 3 + j] * 1024));
  assert.equal(seen.size, 1024);
}

// Streaming equals one-shot generation; seeds reproduce.
const h = new qmc.Halton(4, { seed: 3 });
const joined = [...h.stream(100, 30)].flatMap((c) => Array.from(c));
assert.deepEqual(joined, Array.from(h.gen(100)));
assert.deepEqual(Array.from(new qmc.Halton(4, { seed: 3 }).gen(5)), joined.slice(0, 20));

// Typed errors.
assert.throws(() => new qmc.Sobol(21202), ValueError);

// Discrepancy: Fang (2006)'s 6x2 design has squared centered discrepancy 0.008142039609.
const fang = [
  [1, 3],
  [2, 6],
  [3, 2],
  [4, 5],
  [5, 1],
  [6, 4],
].flatMap(([a, b]) => [(a - 0.5) / 6, (b - 0.5) / 6]);
const cd2 = qmc.discrepancy(Float64Array.from(fang), { method: "CD", squared: true, dim: 2 });
assert.ok(Math.abs(cd2 - 0.008142039609) < 1e-11, `Fang's CD^2: ${cd2}`);

// Guaranteed lattice cubature of prod_j (1 + (x_j - 1/2)) = 1 over [0,1]^3.
const cub = qmc.cubQMCLatticeG(
  (pts, n, d) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let p = 1;
      for (let j = 0; j < d; j++) p *= 1 + (pts[i * d + j] - 0.5);
      out[i] = p;
    }
    return out;
  },
  3,
  { absTol: 1e-6, seed: 7 },
);
assert.ok(cub.converged && Math.abs(cub.estimate - 1) <= 1e-6, `cubQMCLatticeG: ${cub.estimate}`);

// CBC: the reported worst-case error is the direct formula's value for the vector it returns.
const cbc = qmc.cbcLattice({ n: 61, dim: 3 });
assert.equal(cbc.generatingVector.length, 3);
const direct = qmc.latticeWorstCaseError(cbc.generatingVector, 61);
assert.ok(Math.abs(direct - cbc.error) <= 1e-12 * direct, `CBC error ${cbc.error} vs ${direct}`);

// The Joe-Kuo copyright notice ships with the package.
const require = createRequire(import.meta.url);
const notice = readFileSync(
  require.resolve("@modewise/qmc/package.json").replace(/package\.json$/, "NOTICE.md"),
  "utf8",
);
assert.match(notice, /Copyright \(c\) 2008, Frances Y\. Kuo and Stephen Joe/);

console.log("qmc smoke ok");
