/**
 * Thin, typed layer over h5wasm (the HDF5 C library compiled to WebAssembly, Node build): opens
 * files with clear errors instead of HDF5 diagnostics, and converts attributes to plain values.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { ValueError } from "@modewise/tensor";
import h5wasm from "h5wasm/node";
import { FileFormatError } from "./errors.js";

export type H5File = InstanceType<typeof h5wasm.File>;
export type H5Group = InstanceType<typeof h5wasm.Group>;
export type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/** A plain attribute value: what we write, and what we hand back after reading. */
export type AttributeValue = number | string | boolean | number[] | string[];
export type Attributes = Record<string, AttributeValue>;

let initialised: Promise<void> | undefined;

/** Load the wasm module once and make HDF5 errors throw (instead of printing and returning -1). */
export function h5Ready(): Promise<void> {
  initialised ??= h5wasm.ready.then((module) => {
    module.activate_throwing_error_handler();
  });
  return initialised;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89HDF\r\n\x1a\n

/**
 * HDF5 looks for its signature at 0, 512, 1024, 2048, ... (a user block may precede it; MATLAB
 * v7.3 files carry a 512-byte text header there). Checking it ourselves gives a clear error for
 * files that are not HDF5 at all.
 */
export function hasHdf5Signature(path: string): boolean {
  const size = statSync(path).size;
  const fd = openSync(path, "r");
  try {
    const buffer = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, buffer, 0, 8, offset);
      if (SIGNATURE.every((b, i) => buffer[i] === b)) return true;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // HDF5's error stack is long; its innermost line says what is wrong (e.g. "truncated file").
  const lines = text.split("\n").filter((l) => /line \d+ in/.test(l));
  const last = lines.at(-1);
  return last ? last.replace(/^.*\): /, "").trim() : text.split("\n")[0];
}

/** Open an existing HDF5 file for reading. */
export async function openHdf5(path: string, fn: string): Promise<H5File> {
  await h5Ready();
  if (!existsSync(path))
    throw new FileFormatError(fn, path, "an existing HDF5 file", "no such file");
  if (!hasHdf5Signature(path))
    throw new FileFormatError(
      fn,
      path,
      "an HDF5 file (signature \\x89HDF\\r\\n\\x1a\\n)",
      "no HDF5 signature",
    );
  try {
    return new h5wasm.File(path, "r");
  } catch (error) {
    throw new FileFormatError(
      fn,
      path,
      "a readable HDF5 file",
      `a corrupt or truncated file (${firstLine(error)})`,
    );
  }
}

/** Create (truncate) an HDF5 file for writing. */
export async function createHdf5(path: string): Promise<H5File> {
  await h5Ready();
  return new h5wasm.File(path, "w");
}

/** Read a dataset fully, wrapping HDF5 read errors (corrupt chunks) into FileFormatError. */
export function readDataset(
  file: H5File,
  name: string,
  fn: string,
  /** Read only indices [start, end) of this axis (large files: a few samples at a time). */
  select?: { axis: number; start: number; end: number },
): { data: Float64Array | Float32Array; shape: number[] } {
  const entity = file.get(name);
  if (!(entity instanceof h5wasm.Dataset)) {
    throw new FileFormatError(
      fn,
      file.filename,
      `a dataset '${name}'`,
      entity === null ? "nothing at that path" : `a ${entity.constructor.name}`,
    );
  }
  const shape = [...(entity.shape ?? [])];
  let ranges: [number, number][] | undefined;
  if (select && shape.length > select.axis) {
    const end = Math.min(select.end, shape[select.axis]);
    if (!(select.start >= 0 && select.start < end)) {
      throw new ValueError(
        fn,
        "samples",
        `a range within [0, ${shape[select.axis]})`,
        `[${select.start}, ${select.end})`,
      );
    }
    ranges = shape.map((d, a) => (a === select.axis ? [select.start, end] : [0, d]));
    shape[select.axis] = end - select.start;
  }
  let value: unknown;
  try {
    value = ranges ? entity.slice(ranges) : entity.value;
  } catch (error) {
    throw new FileFormatError(
      fn,
      file.filename,
      `readable data in dataset '${name}'`,
      `a read error (${firstLine(error)})`,
    );
  }
  if (value instanceof Float64Array || value instanceof Float32Array) return { data: value, shape };
  if (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  ) {
    return { data: Float64Array.from(value as unknown as ArrayLike<number>), shape };
  }
  if (typeof value === "number") return { data: new Float64Array([value]), shape };
  throw new FileFormatError(
    fn,
    file.filename,
    `a numeric dataset '${name}'`,
    `dtype ${JSON.stringify(entity.dtype)}`,
  );
}

/** Convert an attribute value read by h5wasm into a plain JSON-friendly value. */
export function plainAttribute(value: unknown): AttributeValue {
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean")
    return value;
  if (typeof value === "bigint") return Number(value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = Array.from(value as unknown as ArrayLike<number | bigint>, Number);
    return items.length === 1 ? items[0] : items;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return value as string[];
    return value.map((v) => Number(v));
  }
  return String(value);
}

/** All attributes of a group or dataset as plain values. */
export function readAttributes(node: H5Group | H5Dataset): Attributes {
  const out: Attributes = {};
  for (const [name, attribute] of Object.entries(node.attrs)) {
    try {
      out[name] = plainAttribute(attribute.value);
    } catch {
      out[name] = "<unreadable attribute>";
    }
  }
  return out;
}

/** Write plain attributes; numbers are stored as float64 scalars, arrays as 1-D datasets. */
export function writeAttributes(node: H5Group | H5Dataset, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === "number") node.create_attribute(name, value, null, "<d");
    else if (typeof value === "boolean") node.create_attribute(name, value ? 1 : 0, null, "<i4");
    else if (typeof value === "string") node.create_attribute(name, value);
    else if (value.length > 0 && typeof value[0] === "string")
      node.create_attribute(name, value as string[]);
    else node.create_attribute(name, new Float64Array(value as number[]));
  }
}

/**
 * Store `values` (row-major, `shape`) as the contiguous dataset `name` of parent (a file or a
 * group), converted to dtype ("<f" or "<d" little-endian floats).
 */
export function writeDataset(
  parent: H5Group,
  name: string,
  values: Float64Array | Float32Array,
  shape: readonly number[],
  dtype: "float32" | "float64",
): H5Dataset {
  return parent.create_dataset({
    name,
    data: dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values),
    shape: [...shape],
    dtype: dtype === "float32" ? "<f" : "<d",
  });
}

/**
 * Create a chunked dataset of shape `shape` and fill it block by block along `sampleAxis`, so
 * that only one block is ever in memory (a full FNO file can be larger than the memory).
 * `block(start, end)` returns samples [start, end) already in the dataset's axis order.
 */
export function writeInBlocks(
  file: H5File,
  name: string,
  shape: readonly number[],
  sampleAxis: number,
  blockSize: number,
  dtype: "float32" | "float64",
  block: (start: number, end: number) => Float64Array | Float32Array,
): H5Dataset {
  const n = shape[sampleAxis];
  const rows = Math.max(1, Math.min(blockSize, n));
  const empty = shape.map((d, a) => (a === sampleAxis ? 0 : d));
  const chunks = shape.map((d, a) => (a === sampleAxis ? rows : d));
  const dataset = file.create_dataset({
    name,
    data: dtype === "float32" ? new Float32Array(0) : new Float64Array(0),
    shape: empty,
    maxshape: [...shape],
    chunks,
    dtype: dtype === "float32" ? "<f" : "<d",
  });
  dataset.resize([...shape]);
  for (let start = 0; start < n; start += rows) {
    const end = Math.min(start + rows, n);
    const values = block(start, end);
    const data = dtype === "float32" ? Float32Array.from(values) : Float64Array.from(values);
    dataset.write_slice(
      shape.map((d, a): [number, number] => (a === sampleAxis ? [start, end] : [0, d])),
      data,
    );
  }
  return dataset;
}
