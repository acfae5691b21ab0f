export { complexPlan } from "./plan.js";
export { realPlan } from "./real.js";
export type { ComplexPlan, RealPlan, Precision, Direction, Floats } from "./plan-types.js";
