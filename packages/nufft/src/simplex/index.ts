/** The simplex-mesh Fourier transform: exact evaluation, gradients, grids, rasters, fast path. */
export { expDividedDifference } from "./divided-difference.js";
export { type SimplexGridGradient, simplexTransformGridVJP } from "./fast-gradient.js";
export { type SimplexTransformGradient, simplexTransformVJP } from "./gradient.js";
export {
  gridFrequencies,
  type SimplexGridMethod,
  type SimplexGridOptions,
  type SimplexGridResult,
  simplexTransformGrid,
} from "./grid.js";
export type {
  IndexArray,
  NumberArray,
  SimplexMesh,
  SimplexOrder,
  SpaceDim,
} from "./mesh.js";
export { type SimplexQuadrature, simplexQuadrature } from "./points.js";
export {
  type GaussianFilter,
  type SimplexRasterOptions,
  type SimplexRasterResult,
  type SpectralFilter,
  simplexRaster,
  simplexRasterVJP,
} from "./raster.js";
export { type SimplexTopology, simplexTransformTensor } from "./tensor-op.js";
export { type SimplexTransformOptions, simplexContents, simplexTransform } from "./transform.js";
