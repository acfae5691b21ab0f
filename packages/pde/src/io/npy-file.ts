/** .npy files on disk (Node): atomic writes, reads that always return row-major (C-order) data. */
import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "./atomic.js";
import { FileFormatError } from "./errors.js";
import { reverseAxes } from "./layout.js";
import { decodeNpy, encodeNpy, type NpyArray, type NpyData } from "./npy.js";

/** Write a row-major array as an NPY v1.0 file (atomically). */
export function writeNpy(path: string, data: NpyArray, shape: readonly number[]): void {
  writeFileAtomic(path, encodeNpy(data, shape));
}

/**
 * Read an .npy file. Fortran-ordered files are converted so that `data` is always row-major in
 * `shape` (fortranOrder is then reported as false).
 */
export function readNpy(path: string): NpyData {
  if (!existsSync(path))
    throw new FileFormatError("readNpy", path, "an existing .npy file", "no such file");
  const raw = decodeNpy(new Uint8Array(readFileSync(path)), path);
  if (!raw.fortranOrder) return raw;
  // Column-major data in shape S == row-major data in reverse(S); reversing the axes of that
  // gives row-major data in S.
  const reversed = reverseAxes(raw.data, [...raw.shape].reverse());
  return { data: reversed.data, dtype: raw.dtype, shape: raw.shape, fortranOrder: false };
}
