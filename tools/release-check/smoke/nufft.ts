// Type-level smoke test of the published @modewise/nufft (tsc --strict, nodenext).
import {
  type InverseResult,
  inverseNufft,
  makePlan,
  type NufftOptions,
  type NufftPlan,
  nufft2d1,
  type PlanInfo,
  simplexTransform,
} from "@modewise/nufft";
import { type NufftTensorOptions, nufft2 } from "@modewise/nufft/tensor";
import { type Tensor, tensor } from "@modewise/tensor";

const opts: NufftOptions = {
  eps: 1e-6,
  isign: -1,
  upsampfac: 1.25,
  modeOrder: "fft",
  precision: "f32",
};
const plan: NufftPlan = makePlan(2, [16, 16], opts);
plan.setPoints(new Float64Array([0, 1]), new Float64Array([2, 3]));
const modes: Float64Array | Float32Array = plan.adjoint(new Float32Array(4));
const info: PlanInfo = plan.info;
const f = nufft2d1([0, 1], [2, 3], new Float64Array(4), 1, 1e-6, 8, 8);
const inv: InverseResult = inverseNufft([8], [new Float64Array([0, 1, 2])], new Float64Array(6));

const F: Float64Array = simplexTransform(
  { dim: 2, order: 2, vertices: [0, 0, 1, 0, 0, 1], elements: [0, 1, 2] },
  [1, 2],
);
const topts: NufftTensorOptions = { eps: 1e-9, threads: 1 };
const c: Tensor = nufft2(tensor([0.5, 1], { dtype: "float64" }), tensor([1, 2, 3, 4]), topts);

export const smoke = { modes, info, f, inv, F, c };
