/**
 * The safetensors format (https://github.com/huggingface/safetensors), read and written in
 * memory so it works in browsers and Node alike (file helpers live in "@modewise/nn/node").
 *
 * Layout: 8-byte little-endian u64 N, then an N-byte UTF-8 JSON header
 * {"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}, ...}
 * padded with spaces to a multiple of 8 bytes, then the raw little-endian, row-major tensor
 * bytes; offsets are relative to the end of the header. Writing follows the reference
 * implementation byte for byte: tensors sorted by dtype (widest first) then name, compact JSON,
 * metadata first. Reading applies the reference's validation (contiguous, non-overlapping
 * offsets that cover the data exactly) and reports failures as SafetensorsError with a code.
 *
 * complex128 has no safetensors dtype: it is written as F64 with a trailing axis of 2 (what
 * torch.view_as_real gives) and its name recorded under the metadata key "modewise.complex128",
 * so other readers see a valid real tensor and our loader restores the complex one.
 */
import {
  type DataArray,
  type DType,
  ModewiseError,
  type Tensor,
  tensor,
  ValueError,
} from "@modewise/tensor";
import { show } from "./util.js";

export type SafetensorsErrorCode =
  | "HeaderTooSmall"
  | "HeaderTooLarge"
  | "InvalidHeaderLength"
  | "InvalidHeader"
  | "InvalidHeaderStart"
  | "InvalidHeaderDeserialization"
  | "UnknownDType"
  | "UnsupportedDType"
  | "InvalidOffset"
  | "TensorInvalidInfo"
  | "MetadataIncompleteBuffer"
  | "ValidationOverflow"
  | "IntegerOutOfRange";

/** A malformed or unsupported safetensors buffer. `code` names the failed check (the reference's names where it has one). */
export class SafetensorsError extends ModewiseError {
  constructor(
    readonly code: SafetensorsErrorCode,
    fn: string,
    detail: string,
  ) {
    super(`${fn}: ${code}: ${detail}`, fn, "bytes", "a valid safetensors buffer", detail);
  }
}

/** Bits per element of every safetensors dtype, in the reference's order (ascending; the writer sorts by it, widest first). */
const DTYPE_BITS: Readonly<Record<string, number>> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};
const DTYPE_ORDER = Object.keys(DTYPE_BITS);

const MAX_HEADER_SIZE = 100_000_000;
/** Metadata key listing complex128 tensors stored as F64 pairs. */
export const COMPLEX128_METADATA_KEY = "modewise.complex128";

const WRITE_DTYPE: Record<DType, string> = {
  bool: "BOOL",
  int32: "I32",
  float32: "F32",
  float64: "F64",
  complex64: "C64",
  complex128: "F64",
};

export interface TensorHeader {
  dtype: string;
  shape: number[];
  /** [begin, end) in bytes, relative to the start of the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  /** The "__metadata__" map ({} when absent). */
  metadata: Record<string, string>;
  /** Entries in data order. */
  tensors: [string, TensorHeader][];
  /** Byte offset where the data section starts (8 + N). */
  dataStart: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(data: DataArray, elementBytes: number): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || elementBytes === 1) return view;
  const out = new Uint8Array(view.length);
  for (let i = 0; i < view.length; i += elementBytes) {
    for (let j = 0; j < elementBytes; j++) out[i + j] = view[i + elementBytes - 1 - j];
  }
  return out;
}

/** Byte order of UTF-8 encodings (Rust's str ordering), for the reference's tensor order. */
function compareUtf8(a: string, b: string): number {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  const n = Math.min(ea.length, eb.length);
  for (let i = 0; i < n; i++) if (ea[i] !== eb[i]) return ea[i] - eb[i];
  return ea.length - eb.length;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

function plan(
  state: Record<string, Tensor>,
  fn: string,
): { entries: Omit<Entry, "bytes">[]; complex128: string[] } {
  if (state === null || typeof state !== "object")
    throw new ValueError(fn, "state", "a record of name -> Tensor", show(state));
  const complex128: string[] = [];
  const entries = Object.entries(state).map(([name, t]) => {
    if (name === "__metadata__")
      throw new ValueError(fn, "state", "tensor names other than '__metadata__'", show(name));
    if (!t || typeof t !== "object" || typeof (t as Tensor).dtype !== "string") {
      throw new ValueError(fn, `state['${name}']`, "a Tensor", show(t));
    }
    t.assertLive(fn, `state['${name}']`);
    if (t.dtype === "complex128") complex128.push(name);
    const shape = t.dtype === "complex128" ? [...t.shape, 2] : t.shape.slice();
    return { name, dtype: WRITE_DTYPE[t.dtype], shape };
  });
  entries.sort(
    (a, b) =>
      DTYPE_ORDER.indexOf(b.dtype) - DTYPE_ORDER.indexOf(a.dtype) || compareUtf8(a.name, b.name),
  );
  return { entries, complex128 };
}

function serialize(
  entries: Entry[],
  metadata: Record<string, string> | undefined,
  fn: string,
): Uint8Array {
  const parts: string[] = [];
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new ValueError(fn, `metadata['${k}']`, "a string", show(v));
    }
    parts.push(
      `"__metadata__":{${Object.entries(metadata)
        .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
        .join(",")}}`,
    );
  }
  let offset = 0;
  for (const e of entries) {
    const info = `{"dtype":"${e.dtype}","shape":[${e.shape.join(",")}],"data_offsets":[${offset},${offset + e.bytes.length}]}`;
    parts.push(`${JSON.stringify(e.name)}:${info}`);
    offset += e.bytes.length;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const n = json.length + ((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + n + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, n % 2 ** 32, true);
  dv.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let pos = 8 + n;
  for (const e of entries) {
    out.set(e.bytes, pos);
    pos += e.bytes.length;
  }
  return out;
}

function withComplexKey(
  metadata: Record<string, string> | undefined,
  complex128: string[],
): Record<string, string> | undefined {
  if (complex128.length === 0) return metadata;
  return { ...metadata, [COMPLEX128_METADATA_KEY]: JSON.stringify(complex128.slice().sort()) };
}

function toEntry(e: Omit<Entry, "bytes">, data: DataArray, t: Tensor): Entry {
  const elementBytes =
    t.dtype === "bool" ? 1 : t.dtype === "float64" || t.dtype === "complex128" ? 8 : 4;
  return { ...e, bytes: bytesOf(data, elementBytes) };
}

/**
 * Serialize tensors (and optional string metadata) to safetensors bytes. Reads tensor data
 * synchronously (CPU and other sync backends); use `saveAsync` on GPU backends.
 */
export function save(state: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const { entries, complex128 } = plan(state, "save");
  const full = entries.map((e) => toEntry(e, state[e.name].dataSync(), state[e.name]));
  return serialize(full, withComplexKey(metadata, complex128), "save");
}

/** `save` reading tensor data asynchronously (works on every backend). */
export async function saveAsync(
  state: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<Uint8Array> {
  const { entries, complex128 } = plan(state, "saveAsync");
  const full: Entry[] = [];
  for (const e of entries) full.push(toEntry(e, await state[e.name].data(), state[e.name]));
  return serialize(full, withComplexKey(metadata, complex128), "saveAsync");
}

function asBytes(bytes: Uint8Array | ArrayBuffer, fn: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new ValueError(fn, "bytes", "a Uint8Array or ArrayBuffer", show(bytes));
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

function isIndex(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

/** Parse and validate the header of a safetensors buffer (as the reference's read_metadata). */
export function readHeader(input: Uint8Array | ArrayBuffer, fn = "readHeader"): SafetensorsHeader {
  const bytes = asBytes(input, fn);
  if (bytes.length < 8)
    throw new SafetensorsError(
      "HeaderTooSmall",
      fn,
      `${bytes.length} bytes, fewer than the 8-byte length prefix`,
    );
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = dv.getUint32(0, true);
  const hi = dv.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (hi !== 0 || n > MAX_HEADER_SIZE)
    throw new SafetensorsError(
      "HeaderTooLarge",
      fn,
      `header length ${n} exceeds ${MAX_HEADER_SIZE}`,
    );
  if (8 + n > bytes.length) {
    throw new SafetensorsError(
      "InvalidHeaderLength",
      fn,
      `header length ${n} runs past the end of a ${bytes.length}-byte buffer`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    throw new SafetensorsError("InvalidHeader", fn, "the header is not valid UTF-8");
  }
  if (!text.startsWith("{"))
    throw new SafetensorsError(
      "InvalidHeaderStart",
      fn,
      `the header starts with ${show(text.slice(0, 1))}, not '{'`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(
      "InvalidHeaderDeserialization",
      fn,
      `the header is not valid JSON (${(e as Error).message})`,
    );
  }
  if (!isPlainObject(json))
    throw new SafetensorsError(
      "InvalidHeaderDeserialization",
      fn,
      "the header is not a JSON object",
    );
  const metadata: Record<string, string> = {};
  const tensors: [string, TensorHeader][] = [];
  for (const [name, value] of Object.entries(json)) {
    if (name === "__metadata__") {
      if (!isPlainObject(value) || Object.values(value).some((v) => typeof v !== "string")) {
        throw new SafetensorsError(
          "InvalidHeaderDeserialization",
          fn,
          "__metadata__ must map strings to strings",
        );
      }
      Object.assign(metadata, value);
      continue;
    }
    if (!isPlainObject(value))
      throw new SafetensorsError(
        "InvalidHeaderDeserialization",
        fn,
        `entry ${show(name)} is not an object`,
      );
    const { dtype, shape, data_offsets: offsets } = value;
    if (typeof dtype !== "string")
      throw new SafetensorsError(
        "InvalidHeaderDeserialization",
        fn,
        `entry ${show(name)} has no string dtype`,
      );
    if (!(dtype in DTYPE_BITS))
      throw new SafetensorsError(
        "UnknownDType",
        fn,
        `entry ${show(name)} has unknown dtype ${show(dtype)}`,
      );
    if (!Array.isArray(shape) || !shape.every(isIndex)) {
      throw new SafetensorsError(
        "InvalidHeaderDeserialization",
        fn,
        `entry ${show(name)} has an invalid shape ${JSON.stringify(shape)}`,
      );
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
      throw new SafetensorsError(
        "InvalidHeaderDeserialization",
        fn,
        `entry ${show(name)} has invalid data_offsets ${JSON.stringify(offsets)}`,
      );
    }
    tensors.push([name, { dtype, shape: shape.slice(), dataOffsets: [offsets[0], offsets[1]] }]);
  }
  tensors.sort(
    (a, b) =>
      a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1],
  );
  let start = 0;
  for (const [name, info] of tensors) {
    const [s, e] = info.dataOffsets;
    if (s !== start || e < s) {
      throw new SafetensorsError(
        "InvalidOffset",
        fn,
        `tensor ${show(name)} has offsets [${s}, ${e}] but the previous tensor ends at ${start} (gap, overlap or reversed range)`,
      );
    }
    start = e;
    let count = 1;
    for (const d of info.shape) count *= d;
    const bits = count * DTYPE_BITS[info.dtype];
    if (!Number.isSafeInteger(bits))
      throw new SafetensorsError("ValidationOverflow", fn, `tensor ${show(name)} is too large`);
    if (bits % 8 !== 0 || e - s !== bits / 8) {
      throw new SafetensorsError(
        "TensorInvalidInfo",
        fn,
        `tensor ${show(name)}: ${info.dtype} [${info.shape}] needs ${bits / 8} bytes, offsets give ${e - s}`,
      );
    }
  }
  if (8 + n + start !== bytes.length) {
    throw new SafetensorsError(
      "MetadataIncompleteBuffer",
      fn,
      `the tensors cover ${start} data bytes but the buffer has ${bytes.length - 8 - n} (truncated file or trailing bytes)`,
    );
  }
  return { metadata, tensors, dataStart: 8 + n };
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Decode one tensor's bytes into the dtype and values we create it with. */
function decode(
  name: string,
  info: TensorHeader,
  raw: Uint8Array,
  fn: string,
): { dtype: DType; data: DataArray } {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = info.shape.reduce((a, b) => a * b, 1);
  const floats = (size: 4 | 8, count: number): Float32Array | Float64Array => {
    const out = size === 4 ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++)
      out[i] = size === 4 ? dv.getFloat32(4 * i, true) : dv.getFloat64(8 * i, true);
    return out;
  };
  const ints = (get: (i: number) => number | bigint): Int32Array => {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = get(i);
      if (v < -2147483648 || v > 2147483647) {
        throw new SafetensorsError(
          "IntegerOutOfRange",
          fn,
          `tensor ${show(name)} (${info.dtype}) has ${v} at flat index ${i}, outside int32`,
        );
      }
      out[i] = Number(v);
    }
    return out;
  };
  switch (info.dtype) {
    case "F32":
      return { dtype: "float32", data: floats(4, n) };
    case "F64":
      return { dtype: "float64", data: floats(8, n) };
    case "C64":
      return { dtype: "complex64", data: floats(4, 2 * n) };
    case "F16": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = half(dv.getUint16(2 * i, true));
      return { dtype: "float32", data: out };
    }
    case "BF16": {
      const out = new Float32Array(n);
      const tmp = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        tmp.setUint32(0, dv.getUint16(2 * i, true) << 16);
        out[i] = tmp.getFloat32(0);
      }
      return { dtype: "float32", data: out };
    }
    case "BOOL": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = raw[i] ? 1 : 0;
      return { dtype: "bool", data: out };
    }
    case "I32":
      return { dtype: "int32", data: ints((i) => dv.getInt32(4 * i, true)) };
    case "U8":
      return { dtype: "int32", data: ints((i) => dv.getUint8(i)) };
    case "I8":
      return { dtype: "int32", data: ints((i) => dv.getInt8(i)) };
    case "I16":
      return { dtype: "int32", data: ints((i) => dv.getInt16(2 * i, true)) };
    case "U16":
      return { dtype: "int32", data: ints((i) => dv.getUint16(2 * i, true)) };
    case "U32":
      return { dtype: "int32", data: ints((i) => dv.getUint32(4 * i, true)) };
    case "I64":
      return { dtype: "int32", data: ints((i) => dv.getBigInt64(8 * i, true)) };
    case "U64":
      return { dtype: "int32", data: ints((i) => dv.getBigUint64(8 * i, true)) };
    default:
      throw new SafetensorsError(
        "UnsupportedDType",
        fn,
        `tensor ${show(name)} has dtype ${info.dtype}, which @modewise/tensor cannot hold`,
      );
  }
}

export interface LoadOptions {
  /** Backend to create the tensors on (default the active one). */
  device?: string;
}

/**
 * Parse safetensors bytes into tensors and metadata. F32/F64/C64/I32/BOOL map to
 * float32/float64/complex64/int32/bool; F16 and BF16 widen to float32 exactly; other integer
 * dtypes become int32 (IntegerOutOfRange if a value does not fit); 8-bit and smaller floats are
 * UnsupportedDType. The returned tensors are owned by the caller.
 */
export function loadWithMetadata(
  input: Uint8Array | ArrayBuffer,
  opts: LoadOptions = {},
): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const fn = "load";
  const bytes = asBytes(input, fn);
  const header = readHeader(bytes, fn);
  const metadata = { ...header.metadata };
  let complexNames = new Set<string>();
  if (COMPLEX128_METADATA_KEY in metadata) {
    let list: unknown;
    try {
      list = JSON.parse(metadata[COMPLEX128_METADATA_KEY]);
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list) || !list.every((s) => typeof s === "string")) {
      throw new SafetensorsError(
        "InvalidHeaderDeserialization",
        fn,
        `metadata '${COMPLEX128_METADATA_KEY}' must be a JSON list of names`,
      );
    }
    complexNames = new Set(list);
    delete metadata[COMPLEX128_METADATA_KEY];
  }
  // Decode everything first so that a failure leaves no tensors behind.
  const decoded = header.tensors.map(([name, info]) => {
    const [s, e] = info.dataOffsets;
    const raw = bytes.subarray(header.dataStart + s, header.dataStart + e);
    let { dtype, data } = decode(name, info, raw, fn);
    let shape = info.shape;
    if (complexNames.has(name)) {
      if (info.dtype !== "F64" || shape[shape.length - 1] !== 2) {
        throw new SafetensorsError(
          "TensorInvalidInfo",
          fn,
          `complex128 tensor ${show(name)} must be stored as F64 [..., 2]`,
        );
      }
      dtype = "complex128";
      shape = shape.slice(0, -1);
    }
    return { name, dtype, data, shape };
  });
  const tensors: Record<string, Tensor> = {};
  for (const d of decoded)
    tensors[d.name] = tensor(d.data, { dtype: d.dtype, shape: d.shape, device: opts.device });
  return { tensors, metadata };
}

/** Parse safetensors bytes into name -> tensor (see `loadWithMetadata`). */
export function load(
  input: Uint8Array | ArrayBuffer,
  opts: LoadOptions = {},
): Record<string, Tensor> {
  return loadWithMetadata(input, opts).tensors;
}
