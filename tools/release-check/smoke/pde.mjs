// Smoke test of the published @modewise/pde, run by tools/release-check/run.mjs in an empty
// project that installed only this package (and its declared dependencies) from a local registry.
import assert from "node:assert/strict";
import * as pde from "@modewise/pde";

const EXPECTED_EXPORTS = [
  "gaussianRandomField2d",
  "gaussianRandomField1d",
  "darcyCoefficient",
  "NavierStokes2d",
  "Burgers1d",
  "darcy2d",
  "etdrk4Coefficients",
  "relL2",
  "nrmse",
  "maxError",
  "spectralBandErrors",
  "drift",
  "SeededRandom",
  "normalSamples",
];
const missing = EXPECTED_EXPORTS.filter((name) => !(name in pde));
assert.deepEqual(missing, [], `@modewise/pde is missing exports: ${missing.join(", ")}`);

// Taylor-Green vortex: an exact steady state of the nonlinear term, decays as exp(-8 pi^2 nu t).
const s = 16;
const nu = 1e-2;
const w0 = new Float64Array(s * s);
for (let i = 0; i < s; i++)
  for (let j = 0; j < s; j++)
    w0[i * s + j] = Math.sin((2 * Math.PI * i) / s) * Math.sin((2 * Math.PI * j) / s);
const ns = new pde.NavierStokes2d({ s, nu, forcing: "none" });
const { w } = ns.run(w0, { T: 0.5 });
const decay = Math.exp(-8 * Math.PI ** 2 * nu * 0.5);
for (let k = 0; k < s * s; k++)
  assert.ok(Math.abs(w[k] - decay * w0[k]) < 1e-12, `Taylor-Green at ${k}`);

// Burgers vs Cole-Hopf on period 2.
const n = 64;
const ch = (t) =>
  Float64Array.from({ length: n }, (_, i) => {
    const x = (2 * i) / n;
    const e = Math.exp(-0.1 * Math.PI ** 2 * t);
    return (2 * 0.1 * Math.PI * e * Math.sin(Math.PI * x)) / (2 + e * Math.cos(Math.PI * x));
  });
const b = new pde.Burgers1d({ s: n, nu: 0.1, length: 2, scheme: "etdrk4" }).run(ch(0), { T: 0.5 });
assert.ok(pde.maxError(b.u, ch(0.5)) < 1e-10, "Burgers vs Cole-Hopf");

// Darcy: MG-CG converges below tol; seeded GRFs are reproducible.
const a = pde.darcyCoefficient({ s: 33, seed: 1 });
const r = pde.darcy2d({ a, tol: 1e-10 });
assert.ok(r.residual[0] < 1e-10 && r.iterations[0] < 30, `darcy: ${r.iterations[0]} iterations`);
assert.deepEqual(
  Array.from(pde.gaussianRandomField2d({ s: 8, seed: 3 })),
  Array.from(pde.gaussianRandomField2d({ s: 8, seed: 3 })),
);
assert.throws(() => pde.gaussianRandomField2d({ s: 7 }), /argument 's'/);
console.log("@modewise/pde smoke ok");
