/**
 * @modewise/nn: neural-network building blocks on @modewise/tensor. Modules with named
 * parameters, PyTorch-compatible layers, initializers, losses, optimizers (SGD, Adam, AdamW,
 * also for complex parameters), learning-rate schedulers, gradient clipping and safetensors I/O.
 * File helpers for Node are in "@modewise/nn/node".
 */

export { gradientsOfParameters } from "./grad.js";
export type { FanMode, InitOptions, KaimingOptions, Nonlinearity } from "./init.js";
export * as init from "./init.js";
export { calculateGain, computeFans } from "./init.js";
export {
  type Activation,
  type ActivationName,
  activationFn,
  GELU,
  Identity,
  Lambda,
  LeakyReLU,
  ReLU,
  Sigmoid,
  SiLU,
  Softplus,
  Tanh,
} from "./layers/activation.js";
export { MLP, type MLPOptions, Sequential } from "./layers/container.js";
export {
  Conv1d,
  Conv2d,
  Conv3d,
  type ConvLayerOptions,
  ConvNd,
  type PaddingMode,
} from "./layers/conv.js";
export { Dropout, dropout } from "./layers/dropout.js";
export { type LayerOptions, Linear, linear } from "./layers/linear.js";
export {
  GroupNorm,
  type GroupNormOptions,
  groupNorm,
  LayerNorm,
  type LayerNormOptions,
  layerNorm,
  RMSNorm,
  type RMSNormOptions,
  rmsNorm,
} from "./layers/norm.js";
export {
  type CrossEntropyOptions,
  crossEntropy,
  l1Loss,
  mseLoss,
  type Reduction,
  type RelativeLpOptions,
  relativeLpLoss,
} from "./losses.js";
export {
  type AnyModule,
  functionalCall,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  Parameter,
} from "./module.js";
export { Adam, type AdamOptions, AdamW } from "./optim/adam.js";
export { lastAdamPath, setAdamWasm } from "./optim/adam-wasm.js";
export { type ClipGradNormOptions, clipGradNorm, clipGradValue } from "./optim/clip.js";
export {
  Optimizer,
  type OptimizerStateDict,
  type ParamGroup,
  type ParamState,
  type ParamsInput,
  type UpdateResult,
} from "./optim/optimizer.js";
export {
  CosineAnnealingLR,
  LinearLR,
  LinearWarmup,
  LRScheduler,
  OneCycleLR,
  type OneCycleOptions,
  type ScheduleValues,
  StepLR,
} from "./optim/schedulers.js";
export { SGD, type SGDOptions } from "./optim/sgd.js";
export {
  COMPLEX128_METADATA_KEY,
  type LoadOptions,
  load,
  loadWithMetadata,
  readHeader,
  SafetensorsError,
  type SafetensorsErrorCode,
  type SafetensorsHeader,
  save,
  saveAsync,
  type TensorHeader,
} from "./safetensors.js";
export { checkInt, reduceLoss, viewAsComplex, viewAsReal } from "./util.js";
