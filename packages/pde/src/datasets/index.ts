export { type ChunkArrays, computeChunk, sampleShapes } from "./chunk.js";
export {
  type GenerateOptions,
  type GenerateProgress,
  type GenerateResult,
  generateDataset,
  partsDirFor,
} from "./generate.js";
export { type Journal, loadJournal, specHash } from "./journal.js";
export {
  type BurgersSpec,
  checkSpec,
  DATASET_PRESETS,
  type DarcySpec,
  type DatasetPreset,
  type DatasetSpec,
  type NavierStokesSpec,
  specAttributes,
} from "./spec.js";
