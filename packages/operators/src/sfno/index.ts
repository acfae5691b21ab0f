export {
  appendSpaceTimeEncoding,
  ChannelLayerNorm,
  ENCODING_CHANNELS,
  spaceTimeEncoding,
} from "./encoding.js";
export { bochnerRelativeL2Loss } from "./loss.js";
export {
  type ForcingSpec,
  fnoForcing,
  type HMinus1ResidualOptions,
  hMinus1SquaredFromRfft2,
  type NavierStokesResidualOptions,
  navierStokesResidual,
  navierStokesResidualHMinus1,
  navierStokesResidualHMinus1PerFrame,
  navierStokesResidualSpectrum,
  SPECTRAL_REFINER_ALPHA,
} from "./ns-residual.js";
export {
  enlargeSpectralLayer,
  type RefineOptions,
  type RefineResult,
  refineSpectral,
} from "./refine.js";
export { resampleTime, SFNO, type SFNOLatent, type SFNOOptions } from "./sfno.js";
export {
  SpaceTimeSpectralConv,
  type SpaceTimeSpectralConvOptions,
} from "./space-time-spectral-conv.js";
export { minFramesFor, type TimeDerivativeScheme, timeDerivative } from "./time-derivative.js";
