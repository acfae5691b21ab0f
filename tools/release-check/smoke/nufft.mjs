// Smoke test of the published @modewise/nufft, run by tools/release-check/run.mjs in an empty
// project that installed only this package (and its declared dependencies) from a local registry.
import assert from "node:assert/strict";
import * as nufft from "@modewise/nufft";
import { nufft1 } from "@modewise/nufft/tensor";
import { grad, real, sum, tensor } from "@modewise/tensor";

const EXPECTED_EXPORTS = [
  "makePlan",
  "NufftPlan",
  "nufft1d1",
  "nufft1d2",
  "nufft1d3",
  "nufft2d1",
  "nufft2d2",
  "nufft2d3",
  "nufft3d1",
  "nufft3d2",
  "nufft3d3",
  "inverseNufft",
  "spreadSubproblem",
  "subproblemBounds",
  "addSubgrid",
  "interpRange",
  "esKernel",
  "esKernelTransform",
  "kernelParams",
  "EPS_FLOOR",
  "simplexTransform",
  "simplexTransformVJP",
  "simplexRaster",
  "executeThreaded",
];
const missing = EXPECTED_EXPORTS.filter((name) => !(name in nufft));
assert.deepEqual(missing, [], `@modewise/nufft is missing exports: ${missing.join(", ")}`);

// Direct sum f[k] = sum_j c_j exp(i k x_j), the reference for the type 1 and its adjoint.
function direct(x, c, sign, n) {
  const out = new Float64Array(2 * n);
  for (let a = 0; a < n; a++) {
    const k = a - Math.floor(n / 2);
    for (let j = 0; j < x.length; j++) {
      const cs = Math.cos(sign * k * x[j]);
      const sn = Math.sin(sign * k * x[j]);
      out[2 * a] += c[2 * j] * cs - c[2 * j + 1] * sn;
      out[2 * a + 1] += c[2 * j] * sn + c[2 * j + 1] * cs;
    }
  }
  return out;
}
function relErr(a, b) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

const x = Float64Array.from({ length: 50 }, (_, j) => -Math.PI + 2 * Math.PI * ((j * 0.618) % 1));
const c = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i * 1.7));
const f = nufft.nufft1d1(x, c, 1, 1e-9, 24);
assert.ok(relErr(f, direct(x, c, 1, 24)) < 4e-9, "nufft1d1 vs direct sum");

const plan = nufft.makePlan(1, [24], { eps: 1e-9 });
plan.setPoints(x);
assert.ok(relErr(plan.execute(c), f) < 1e-14, "plan = simple interface");
const back = plan.adjoint(f);
assert.equal(back.length, 100, "adjoint length");
assert.ok(plan.info.width === 10 && plan.info.fineGrid[0] >= 48, "kernel width and fine grid");
assert.throws(() => plan.execute(new Float64Array(3)), /input/, "typed shape error");

const s = Float64Array.from([0, 1.5, -7.25]);
const g = nufft.nufft1d3(x, c, 1, 1e-9, s);
let re = 0;
for (let j = 0; j < 50; j++)
  re += c[2 * j] * Math.cos(-7.25 * x[j]) - c[2 * j + 1] * Math.sin(-7.25 * x[j]);
assert.ok(Math.abs(g[4] - re) < 1e-7, "nufft1d3 vs direct sum");

// Simplex mesh: the unit square as two triangles has F(0) = area = 1.
const square = {
  dim: 2,
  order: 2,
  vertices: [0, 0, 1, 0, 1, 1, 0, 1],
  elements: [0, 1, 2, 0, 2, 3],
};
const dc = nufft.simplexTransform(square, [0, 0]);
assert.ok(Math.abs(dc[0] - 1) < 1e-15 && Math.abs(dc[1]) < 1e-15, `simplex DC: ${Array.from(dc)}`);

// Differentiable type 1: d/dc_0 of sum_k Re f_k equals sum_k cos(k x_0) (direct sum).
const pts = tensor(Array.from(x.subarray(0, 5)), { dtype: "float64" });
const gc = grad((cr) => sum(real(nufft1(pts, cr, 8, { eps: 1e-12 }))))(
  tensor([1, 2, 3, 4, 5], { dtype: "float64" }),
);
let expected = 0;
for (let k = -4; k < 4; k++) expected += Math.cos(k * x[0]);
assert.ok(Math.abs(gc.dataSync()[0] - expected) < 1e-10, "nufft1 gradient w.r.t. strengths");

console.log(`@modewise/nufft: ${EXPECTED_EXPORTS.length} expected exports present, smoke calls ok`);
