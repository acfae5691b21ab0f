/**
 * NPY v1.0 / v2.0 / v3.0 reading (either byte order) and v1.0 writing, written from the format description
 * (numpy/lib/format.py docs): magic "\x93NUMPY", version bytes, a little-endian header length
 * (u16 in v1, u32 in v2), then an ASCII Python dict literal {'descr', 'fortran_order', 'shape'}
 * padded with spaces and a final newline so that the data starts on a 64-byte boundary, then
 * the raw array bytes. Browser-safe: bytes in, bytes out (the file helpers live in npy-file.ts).
 */
import { DTypeError, ShapeError, ValueError } from "@modewise/tensor";
import { FileFormatError } from "./errors.js";

/** Element types we read and write, with their NPY descr (always little-endian here). */
export type NpyDType = "float64" | "float32" | "int32" | "uint8" | "int64";
export type NpyArray = Float64Array | Float32Array | Int32Array | Uint8Array | BigInt64Array;

export interface NpyData {
  data: NpyArray;
  dtype: NpyDType;
  /** Shape as stored. With fortranOrder the data is column-major in this shape. */
  shape: number[];
  fortranOrder: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const DESCR: Record<NpyDType, string> = {
  float64: "<f8",
  float32: "<f4",
  int32: "<i4",
  uint8: "|u1",
  int64: "<i8",
};
const BYTES: Record<NpyDType, number> = { float64: 8, float32: 4, int32: 4, uint8: 1, int64: 8 };

function dtypeOf(data: NpyArray, fn: string): NpyDType {
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint8Array) return "uint8";
  if (data instanceof BigInt64Array) return "int64";
  throw new DTypeError(
    fn,
    "data",
    "Float64Array, Float32Array, Int32Array, Uint8Array or BigInt64Array",
    String(data),
  );
}

function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Little-endian host check: typed arrays use host order, NPY files here are little-endian. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encode a C-order (row-major) array as NPY v1.0 bytes. */
export function encodeNpy(
  data: NpyArray,
  shape: readonly number[],
  options: { fortranOrder?: boolean } = {},
): Uint8Array {
  const fn = "encodeNpy";
  const dtype = dtypeOf(data, fn);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(fn, "shape", "non-negative integer dimensions", `[${shape.join(", ")}]`);
  }
  if (product(shape) !== data.length) {
    throw new ShapeError(
      fn,
      "shape",
      `${data.length} elements (the length of data)`,
      `[${shape.join(", ")}] = ${product(shape)} elements`,
    );
  }
  if (!HOST_LITTLE_ENDIAN) throw new ValueError(fn, "host", "a little-endian host", "big-endian");
  // Python tuple syntax: a 1-tuple needs its trailing comma.
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': ${options.fortranOrder ? "True" : "False"}, 'shape': ${shapeText}, }`;
  // Header = magic(6) + version(2) + len(2) + dict + padding + '\n', total a multiple of 64.
  const unpadded = 10 + dict.length + 1;
  const padded = Math.ceil(unpadded / 64) * 64;
  if (padded - 10 > 0xffff)
    throw new ShapeError(fn, "shape", "a header under 65536 bytes", `${padded} bytes`);
  const header = `${dict}${" ".repeat(padded - unpadded)}\n`;
  const out = new Uint8Array(padded + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = (padded - 10) & 0xff;
  out[9] = (padded - 10) >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), padded);
  return out;
}

function parseHeader(
  text: string,
  source: string,
): { descr: string; fortranOrder: boolean; shape: number[] } {
  const fn = "decodeNpy";
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new FileFormatError(
      fn,
      source,
      "an NPY header dict with 'descr', 'fortran_order' and 'shape'",
      `'${text.trim().slice(0, 120)}'`,
    );
  }
  const dims = shape[1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, "")));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new FileFormatError(fn, source, "a shape of non-negative integers", `(${shape[1]})`);
  }
  return { descr: descr[1], fortranOrder: fortran[1] === "True", shape: dims };
}

/** Decode NPY bytes (v1, v2 or v3 header). `source` only names the file in errors. */
export function decodeNpy(bytes: Uint8Array, source = "<bytes>"): NpyData {
  const fn = "decodeNpy";
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new FileFormatError(
      fn,
      source,
      "the NPY magic string \\x93NUMPY",
      bytes.length < 10 ? `${bytes.length} bytes` : "other leading bytes",
    );
  }
  const major = bytes[6];
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = bytes[8] | (bytes[9] << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12)
      throw new FileFormatError(fn, source, "a complete v2 header", `${bytes.length} bytes`);
    headerLength = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16)) + bytes[11] * 2 ** 24;
    headerStart = 12;
  } else {
    throw new FileFormatError(
      fn,
      source,
      "NPY format version 1, 2 or 3",
      `version ${major}.${bytes[7]}`,
    );
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw new FileFormatError(
      fn,
      source,
      `a header of ${headerLength} bytes`,
      `a truncated file of ${bytes.length} bytes`,
    );
  }
  const text = new TextDecoder("latin1").decode(bytes.subarray(headerStart, dataStart));
  const header = parseHeader(text, source);
  // descr = byte order (<, >, | or =) + the little-endian descr's kind and size.
  const order = header.descr[0];
  const body = header.descr.slice(1);
  const entry = (Object.entries(DESCR) as [NpyDType, string][]).find(
    ([, d]) => d.slice(1) === body,
  );
  if (!entry || !"<>|=".includes(order)) {
    throw new FileFormatError(
      fn,
      source,
      `one of the dtypes ${Object.values(DESCR).join(", ")} (either byte order)`,
      `descr '${header.descr}'`,
    );
  }
  const dtype = entry[0];
  const bigEndian = order === ">" && BYTES[dtype] > 1;
  const count = product(header.shape);
  const byteLength = count * BYTES[dtype];
  if (bytes.length - dataStart < byteLength) {
    throw new FileFormatError(
      fn,
      source,
      `${byteLength} data bytes for shape (${header.shape.join(", ")})`,
      `${bytes.length - dataStart} bytes (truncated)`,
    );
  }
  if (bytes.length - dataStart > byteLength) {
    throw new FileFormatError(
      fn,
      source,
      `${byteLength} data bytes for shape (${header.shape.join(", ")})`,
      `${bytes.length - dataStart} bytes (trailing data)`,
    );
  }
  // Copy into a fresh, aligned buffer: the data offset need not be a multiple of 8.
  const copy = bytes.slice(dataStart, dataStart + byteLength);
  if (bigEndian) {
    // '>f8' etc. (written on big-endian machines or on request): swap each element's bytes.
    const size = BYTES[dtype];
    for (let e = 0; e < byteLength; e += size) copy.subarray(e, e + size).reverse();
  }
  const raw = copy.buffer;
  const data: NpyArray =
    dtype === "float64"
      ? new Float64Array(raw)
      : dtype === "float32"
        ? new Float32Array(raw)
        : dtype === "int32"
          ? new Int32Array(raw)
          : dtype === "int64"
            ? new BigInt64Array(raw)
            : new Uint8Array(raw);
  return { data, dtype, shape: header.shape, fortranOrder: header.fortranOrder };
}
