/**
 * @modewise/pde/io: Node-only file formats. HDF5 through h5wasm in the FNO MATLAB v7.3 layout
 * and the PDEBench layouts, NPY v1.0, atomic writes, file inspection, and resumable dataset
 * generation for the FNO benchmarks.
 */

export * from "../datasets/index.js";
export { fsyncPath, replaceFileAtomically, temporaryPathFor, writeFileAtomic } from "./atomic.js";
export { FileFormatError } from "./errors.js";
export {
  type FnoMatContents,
  isFnoMatFile,
  type NdArray,
  type ReadOptions,
  readFnoMat,
  type SampledVariable,
  type WriteFnoMatOptions,
  writeFnoMat,
} from "./fno-mat.js";
export {
  type Attributes,
  type AttributeValue,
  h5Ready,
  hasHdf5Signature,
  openHdf5,
} from "./hdf5.js";
export {
  type FileLayout,
  type FileSummary,
  formatSummary,
  type InspectOptions,
  inspectFile,
  type NodeSummary,
  type ValueStats,
  valueStats,
} from "./inspect.js";
export { type DenseArray, permuteAxes, reverseAxes } from "./layout.js";
export { decodeNpy, encodeNpy, type NpyArray, type NpyData, type NpyDType } from "./npy.js";
export { readNpy, writeNpy } from "./npy-file.js";
export {
  type PdebenchArrays,
  type PdebenchContents,
  type PdebenchSample,
  type PdebenchSeeds,
  readPdebench,
  type WritePdebenchOptions,
  writePdebenchArrays,
  writePdebenchSeeds,
} from "./pdebench.js";
export {
  addUserBlock,
  addUserBlockToFile,
  lookup3,
  matlabHeader,
  USER_BLOCK_SIZE,
} from "./userblock.js";
