export { type LossOptions, type LossReduction, relativeL2, relativeL2Loss } from "./relative-l2.js";
export {
  type HMinus1LossOptions,
  h1Loss,
  hMinus1Loss,
  type SobolevLossOptions,
} from "./sobolev.js";
export { sampleNorms } from "./stable-norm.js";
