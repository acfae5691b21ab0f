/**
 * FNO benchmark files (Li et al. 2020): MATLAB v7.3 .mat files, which are HDF5 files whose
 * arrays MATLAB stores column-major. An array that MATLAB (and scipy/numpy users after a
 * transpose) sees as [N, X, Y, T] therefore appears to HDF5/h5py with the reversed shape
 * [T, Y, X, N] and the same bytes. Each variable carries a MATLAB_class attribute ("double" or
 * "single"). We write exactly that, so `h5py.File(p)['u'][()].transpose()` or the FNO MatReader
 * gives [N, X, Y, T], and we read such files (ours or the originals) back to [N, X, Y, T].
 *
 * Like MATLAB's own files, ours start with a 512-byte user block holding the MAT-file header
 * ("MATLAB 7.3 MAT-file ...", version 0x0200, "IM"); see userblock.ts.
 */
import { rmSync } from "node:fs";
import { ShapeError } from "@modewise/tensor";
import h5wasm from "h5wasm/node";
import { replaceFileAtomically } from "./atomic.js";
import { FileFormatError } from "./errors.js";
import {
  type Attributes,
  createHdf5,
  type H5Dataset,
  type H5File,
  openHdf5,
  readAttributes,
  readDataset,
  writeAttributes,
  writeDataset,
  writeInBlocks,
} from "./hdf5.js";
import { reverseAxes } from "./layout.js";
import { addUserBlockToFile, matlabHeader } from "./userblock.js";

/** A dense row-major array in the user's (MATLAB/numpy) axis order. */
export interface NdArray<T extends Float64Array | Float32Array = Float64Array | Float32Array> {
  data: T;
  shape: number[];
}

export interface FnoMatContents {
  /** Variables by name (e.g. a [N,X,Y], u [N,X,Y,T], t [T]; Darcy: coeff, sol), in MATLAB axis order. */
  variables: Record<string, NdArray>;
  /** Root attributes (our files record every generation parameter there). */
  attributes: Attributes;
}

export interface WriteFnoMatOptions {
  /** Storage precision; "float32" = MATLAB single (the default, as in the FNO data), "float64" = double. */
  dtype?: "float32" | "float64";
  /** Write MATLAB's 512-byte header block before the HDF5 data (default true). */
  matlabHeader?: boolean;
  /** Root attributes (parameters, seed, ...). */
  attributes?: Attributes;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * A variable produced block by block along its sample axis (MATLAB's first), for files larger
 * than the memory: `read(start, end)` returns samples [start, end) row-major in MATLAB order.
 */
export interface SampledVariable {
  /** MATLAB shape [N, ...rest]. */
  shape: number[];
  read: (start: number, end: number) => Float64Array | Float32Array;
}

function isSampled(v: NdArray | SampledVariable): v is SampledVariable {
  return "read" in v;
}

/**
 * Write variables in the MATLAB v7.3 layout, atomically (tmp + fsync + rename). Whole arrays
 * are stored contiguously; sampled variables in chunks of `blockSize` samples, one block in
 * memory at a time.
 */
export async function writeFnoMat(
  path: string,
  variables: Record<string, NdArray | SampledVariable>,
  options: WriteFnoMatOptions & { blockSize?: number } = {},
): Promise<void> {
  const dtype = options.dtype ?? "float32";
  for (const [name, v] of Object.entries(variables)) {
    if (!isSampled(v) && product(v.shape) !== v.data.length) {
      throw new ShapeError(
        "writeFnoMat",
        `variables.${name}`,
        `${v.data.length} elements`,
        `shape [${v.shape.join(", ")}]`,
      );
    }
  }
  const withHeader = options.matlabHeader ?? true;
  await replaceFileAtomically(path, async (tmp) => {
    // With the header, HDF5 writes a plain file first; the user block is prepended while copying.
    const raw = withHeader ? `${tmp}.hdf5` : tmp;
    try {
      const file = await createHdf5(raw);
      try {
        for (const [name, v] of Object.entries(variables)) {
          const dataset = isSampled(v)
            ? writeSampledVariable(file, name, v, dtype, options.blockSize ?? 16)
            : writeWholeVariable(file, name, v, dtype);
          dataset.create_attribute("MATLAB_class", dtype === "float32" ? "single" : "double");
        }
        writeAttributes(file, options.attributes ?? {});
      } finally {
        file.close();
      }
      if (withHeader) addUserBlockToFile(raw, tmp, matlabHeader());
    } finally {
      if (withHeader) rmSync(raw, { force: true });
    }
  });
}

function writeWholeVariable(
  file: H5File,
  name: string,
  v: NdArray,
  dtype: "float32" | "float64",
): H5Dataset {
  // MATLAB has no 1-D arrays: a vector of length T is the row vector 1 x T.
  const matlabShape = v.shape.length === 1 ? [1, v.shape[0]] : v.shape;
  const stored = reverseAxes(v.data, matlabShape);
  return writeDataset(file, name, stored.data, stored.shape, dtype);
}

function writeSampledVariable(
  file: H5File,
  name: string,
  v: SampledVariable,
  dtype: "float32" | "float64",
  blockSize: number,
): H5Dataset {
  const [n, ...rest] = v.shape;
  // HDF5 shape = reversed MATLAB shape, so the sample axis is the last one.
  const shape = [...rest].reverse().concat(n);
  return writeInBlocks(file, name, shape, shape.length - 1, blockSize, dtype, (start, end) => {
    const values = v.read(start, end);
    const expected = (end - start) * product(rest);
    if (values.length !== expected) {
      throw new ShapeError(
        "writeFnoMat",
        `variables.${name}.read(${start}, ${end})`,
        `${expected} values`,
        `${values.length}`,
      );
    }
    return reverseAxes(values, [end - start, ...rest]).data;
  });
}

const COORDINATE_NAMES = new Set(["t", "x", "y", "grid_x", "grid_y"]);

/** True when the file's root holds datasets tagged with MATLAB_class (a v7.3 .mat file). */
export function isFnoMatFile(file: H5File): boolean {
  return file.keys().some((k) => {
    const e = file.get(k);
    return e instanceof h5wasm.Dataset && "MATLAB_class" in e.attrs;
  });
}

export interface ReadOptions {
  /**
   * Read only samples [start, end) (the first MATLAB axis of every data array, the last HDF5
   * axis), for files too large to load whole: the FNO NS file with N = 5000 is 4 GB.
   */
  samples?: [number, number];
}

/**
 * Read a MATLAB v7.3 file (FNO layout): every numeric root dataset, its axes reversed back to
 * MATLAB order. Coordinate vectors (t, x, y; MATLAB 1 x T) are returned as 1-D [T].
 */
export async function readFnoMat(path: string, options: ReadOptions = {}): Promise<FnoMatContents> {
  const fn = "readFnoMat";
  const file = await openHdf5(path, fn);
  try {
    if (!isFnoMatFile(file)) {
      throw new FileFormatError(
        fn,
        path,
        "a MATLAB v7.3 file (root datasets with a MATLAB_class attribute)",
        `root keys [${file.keys().join(", ")}]`,
      );
    }
    const variables: Record<string, NdArray> = {};
    for (const key of file.keys()) {
      const entity = file.get(key);
      if (!(entity instanceof h5wasm.Dataset) || !("MATLAB_class" in entity.attrs)) continue;
      const cls = String(entity.attrs.MATLAB_class.value);
      if (cls !== "double" && cls !== "single") continue; // cells, structs, chars: not arrays of numbers
      const rank = entity.shape?.length ?? 0;
      // The sample axis is MATLAB's first = HDF5's last; coordinate vectors have none.
      const select =
        options.samples && rank >= 2 && !COORDINATE_NAMES.has(key)
          ? { axis: rank - 1, start: options.samples[0], end: options.samples[1] }
          : undefined;
      const raw = readDataset(file, key, fn, select);
      const matlab = reverseAxes(raw.data, raw.shape);
      // Coordinate vectors (t, x, y) come back 1-D; data arrays keep MATLAB's shape (an N = 1
      // batch must stay [1, s], not collapse to [s]).
      const isVector =
        COORDINATE_NAMES.has(key) && matlab.shape.length === 2 && Math.min(...matlab.shape) === 1;
      const shape = isVector ? [matlab.data.length] : matlab.shape;
      variables[key] = { data: matlab.data, shape };
    }
    return { variables, attributes: readAttributes(file) };
  } finally {
    file.close();
  }
}
