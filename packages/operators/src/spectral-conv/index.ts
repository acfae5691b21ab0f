export { embedAxis, embedBox, extractAxis, extractBox, hermitianProject } from "./box.js";
export { CPWeight, type FactorizedWeightOptions, TuckerWeight } from "./factorized.js";
export { boxShape, checkModes, checkSpectralInput, minGridSize } from "./modes.js";
export { addSpectralBias } from "./spectral-bias.js";
export {
  type Factorization,
  lastSpectralConvPath,
  SpectralConv,
  type SpectralConvOptions,
} from "./spectral-conv.js";
export { lastSpectralMixPath, spectralMix } from "./spectral-mix.js";
