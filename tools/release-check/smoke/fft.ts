// Type-level smoke test of the published @modewise/fft (tsc --strict, nodenext).
import { type ComplexPlan, complexPlan } from "@modewise/fft";

const plan: ComplexPlan = complexPlan(8, "float64");
const n: number = plan.n;

export const smoke = { n };
