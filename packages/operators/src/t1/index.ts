export { T1FrequencyLayer, type T1LayerOptions } from "./frequency-layer.js";
export { type T1LossOptions, t1FrequencyRelativeL2 } from "./loss.js";
export { T1, type T1Options, t1InitStd } from "./t1.js";
export {
  orthonormalDct2,
  orthonormalRealFourier2,
  realFourierMatrix,
  type T1Transforms,
} from "./transforms.js";
