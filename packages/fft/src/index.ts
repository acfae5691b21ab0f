export { complexPlan } from "./plan.js";
export type { ComplexPlan, Direction, Floats, Precision, RealPlan } from "./plan-types.js";
export { realPlan } from "./real.js";
