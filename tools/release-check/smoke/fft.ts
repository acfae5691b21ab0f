// Type-level smoke test of the published @modewise/fft (tsc --strict, nodenext).
import { type ComplexPlan, complexPlan, fft, planFFT, rfft } from "@modewise/fft";
import { fft as tensorFft } from "@modewise/fft/tensor";
import { type Tensor, tensor } from "@modewise/tensor";

const plan: ComplexPlan = complexPlan(8, "float64");
const spectrum = fft(new Float64Array(16));
const half = rfft(new Float64Array(8));
const reusable = planFFT(8);
const t: Tensor = tensorFft(tensor([1, 2, 3], { dtype: "float64" }));

export const smoke = { n: plan.n, spectrum, half, reusable, t };
