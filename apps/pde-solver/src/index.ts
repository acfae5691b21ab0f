/**
 * @modewise/pde-solver: the library behind the `modewise-pde` CLI (solve, generate, inspect),
 * usable programmatically: config schemas, the commands, and the PNG/GIF plotting helpers.
 */

export { type EvalMetrics, type EvalOptions, runEval } from "./commands/eval.js";
export { defaultOutput, runGenerate, specFromConfig } from "./commands/generate.js";
export { runInspect } from "./commands/inspect.js";
export { runPredict } from "./commands/predict.js";
export { type RefineReport, runRefine } from "./commands/refine.js";
export { runSolve, type SolveResult } from "./commands/solve.js";
export { runSurrogateReport, SURROGATE_DEFAULTS } from "./commands/surrogate-report.js";
export {
  ConfigError,
  type GenerateConfig,
  generateSchema,
  loadConfigFile,
  mergeOptions,
  type SolveConfig,
  solveSchema,
  validate,
} from "./config.js";
export { type ColormapName, colormapLut, colorOf } from "./plot/colormaps.js";
export { fieldImageLayout, renderField, renderGrid, valueRange } from "./plot/field-image.js";
export { formatTick } from "./plot/font.js";
export { encodeGif } from "./plot/gif.js";
export { renderLineChart, SERIES_COLORS, type Series } from "./plot/line-chart.js";
export { Raster } from "./plot/raster.js";
export { type ReportData, writeReports } from "./report.js";
export {
  applySymmetries,
  augmentedBatch,
  epochElements,
  type SymmetryElement,
  type SymmetryGroup,
  symmetryGroup,
} from "./train/augment.js";
export { type TrainConfig, trainSchema } from "./train/config.js";
export {
  type FieldDataset,
  type GeneratorSpec,
  loadDataset,
  makePairs,
  type Normalization,
  type PredictTarget,
  parseGeneratorSpec,
} from "./train/data.js";
export { fieldOf, predict as predictFields, trainingLoss } from "./train/inference.js";
export { loadRun } from "./train/load-run.js";
export { buildModel, MODEL_NAMES, MODEL_SCHEMAS, type ModelName } from "./train/models.js";
export { type RunInfo, readRunInfo } from "./train/run-info.js";
export { runTrain, type TrainProgress, type TrainResult } from "./train/train-run.js";
