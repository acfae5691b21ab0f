/**
 * Transform every line of a row-major array along one axis (shape = [outer, n, inner]): lines
 * with inner = 1 are contiguous and are transformed in place as one batch; strided lines are
 * gathered into a contiguous scratch line, transformed and scattered back.
 */
import { fwhtNaturalBlock, type RealArray } from "./butterfly.js";
import { naturalToDyadic, naturalToSequency } from "./orderings.js";
import type { WHTOrder } from "./validate.js";

export function transformLines(
  data: RealArray,
  outer: number,
  log2n: number,
  inner: number,
  order: WHTOrder,
  scale: number,
): void {
  const n = 2 ** log2n;
  const line: RealArray = data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  const scratch: RealArray =
    data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  const one = (buf: RealArray, off: number): void => {
    fwhtNaturalBlock(buf, off, log2n);
    if (order === "dyadic") naturalToDyadic(buf, off, log2n);
    else if (order === "sequency") naturalToSequency(buf, off, log2n, scratch);
  };
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      if (inner === 1) {
        one(data, base);
        continue;
      }
      for (let k = 0; k < n; k++) line[k] = data[base + k * inner];
      one(line, 0);
      for (let k = 0; k < n; k++) data[base + k * inner] = line[k];
    }
  }
  if (scale !== 1) for (let i = 0; i < data.length; i++) data[i] *= scale;
}
