export { RadialBandGate, radialBands } from "./band-gate.js";
export { DriftNet, type DriftNetOptions } from "./drift-net.js";
export {
  type DriftNetLossOptions,
  driftNetLoss,
  frequencyWeightedSpectralError,
  spectralErrorWeights,
} from "./loss.js";
export {
  channelLayerNorm,
  SpectralCoupledBlock,
  type SpectralCoupledBlockOptions,
} from "./spectral-coupled-block.js";
