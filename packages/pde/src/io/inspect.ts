/**
 * Summaries of supported files for `modewise-pde inspect`: the HDF5 tree (shapes, dtypes,
 * attributes), which known layout it follows (FNO .mat, PDEBench arrays / per-seed groups),
 * and value statistics; or the header and statistics of an .npy file.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import h5wasm from "h5wasm/node";
import { FileFormatError } from "./errors.js";
import { isFnoMatFile } from "./fno-mat.js";
import {
  type Attributes,
  type H5Dataset,
  type H5File,
  type H5Group,
  hasHdf5Signature,
  openHdf5,
  readAttributes,
} from "./hdf5.js";
import { readNpy } from "./npy-file.js";
import { pdebenchLayoutOf } from "./pdebench.js";

export interface ValueStats {
  count: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** NaN and infinite entries (excluded from the other figures). */
  nonFinite: number;
}

export interface NodeSummary {
  path: string;
  kind: "group" | "dataset" | "other";
  shape?: number[];
  dtype?: string;
  attributes: Attributes;
  stats?: ValueStats;
  /** HDF5 chunk shape of a chunked dataset. */
  chunks?: number[];
  /** For MATLAB files: the shape MATLAB/numpy-after-transpose sees (reversed). */
  matlabShape?: number[];
}

export type FileLayout = "fno-mat" | "pdebench-arrays" | "pdebench-seeds" | "hdf5" | "npy";

export interface FileSummary {
  path: string;
  format: "hdf5" | "npy";
  layout: FileLayout;
  bytes: number;
  nodes: NodeSummary[];
}

export interface InspectOptions {
  /** Datasets with more elements than this get no statistics (default 5e7). */
  statsLimit?: number;
}

/** Mean/std by Welford's update: one pass, no catastrophic cancellation for large offsets. */
export function valueStats(data: ArrayLike<number>): ValueStats {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nonFinite = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    count++;
    const delta = v - mean;
    mean += delta / count;
    m2 += delta * (v - mean);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { count, min, max, mean, std: count > 0 ? Math.sqrt(m2 / count) : Number.NaN, nonFinite };
}

function describeDtype(dataset: H5Dataset): string {
  const m = dataset.metadata;
  // H5T classes: 0 integer, 1 float, 3 string, 6 compound, 9 vlen
  if (m.type === 1) return `float${m.size * 8}`;
  if (m.type === 0) return `${m.signed ? "int" : "uint"}${m.size * 8}`;
  if (m.type === 3) return "string";
  return JSON.stringify(dataset.dtype);
}

function numericValues(value: unknown): ArrayLike<number> | undefined {
  if (typeof value === "number") return [value];
  if (
    ArrayBuffer.isView(value) &&
    !(value instanceof DataView) &&
    !(value instanceof BigInt64Array) &&
    !(value instanceof BigUint64Array)
  ) {
    return value as unknown as ArrayLike<number>;
  }
  return undefined;
}

function walk(
  file: H5File,
  group: H5Group,
  prefix: string,
  mat: boolean,
  limit: number,
  out: NodeSummary[],
): void {
  for (const key of group.keys()) {
    const path = prefix === "/" ? `/${key}` : `${prefix}/${key}`;
    const entity = group.get(key);
    if (entity instanceof h5wasm.Group) {
      out.push({ path, kind: "group", attributes: readAttributes(entity) });
      walk(file, entity, path, mat, limit, out);
    } else if (entity instanceof h5wasm.Dataset) {
      const shape = entity.shape ?? [];
      const node: NodeSummary = {
        path,
        kind: "dataset",
        shape,
        dtype: describeDtype(entity),
        attributes: readAttributes(entity),
      };
      if (mat && "MATLAB_class" in entity.attrs) node.matlabShape = [...shape].reverse();
      if (entity.metadata.chunks) node.chunks = entity.metadata.chunks;
      const size = shape.reduce((a, b) => a * b, 1);
      if (size <= limit && (entity.metadata.type === 0 || entity.metadata.type === 1)) {
        let value: unknown;
        try {
          value = entity.value;
        } catch (error) {
          throw new FileFormatError(
            "inspectFile",
            file.filename,
            `readable data in '${path}'`,
            `a read error (${String(error).split("\n")[0]})`,
          );
        }
        const values = numericValues(value);
        if (values) node.stats = valueStats(values);
      }
      out.push(node);
    } else {
      out.push({ path, kind: "other", attributes: {} });
    }
  }
}

function startsWithNpyMagic(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const b = new Uint8Array(6);
    const n = readSync(fd, b, 0, 6, 0);
    return n === 6 && b[0] === 0x93 && String.fromCharCode(...b.subarray(1)) === "NUMPY";
  } finally {
    closeSync(fd);
  }
}

/** Summarize an HDF5 (.h5/.hdf5/.mat v7.3) or .npy file. */
export async function inspectFile(
  path: string,
  options: InspectOptions = {},
): Promise<FileSummary> {
  const fn = "inspectFile";
  const limit = options.statsLimit ?? 5e7;
  if (!existsSync(path)) throw new FileFormatError(fn, path, "an existing file", "no such file");
  const bytes = statSync(path).size;
  if (startsWithNpyMagic(path)) {
    const npy = readNpy(path);
    const stats =
      npy.data instanceof BigInt64Array ? undefined : valueStats(npy.data as ArrayLike<number>);
    return {
      path,
      format: "npy",
      layout: "npy",
      bytes,
      nodes: [
        {
          path: "/",
          kind: "dataset",
          shape: npy.shape,
          dtype: npy.dtype,
          attributes: {},
          ...(stats ? { stats } : {}),
        },
      ],
    };
  }
  if (!hasHdf5Signature(path)) {
    throw new FileFormatError(
      fn,
      path,
      "an HDF5 file (.h5, .hdf5, MATLAB v7.3 .mat) or an .npy file",
      "neither signature (MATLAB v5 .mat files are not supported)",
    );
  }
  const file = await openHdf5(path, fn);
  try {
    const mat = isFnoMatFile(file);
    const pdebench = pdebenchLayoutOf(file);
    const layout: FileLayout = mat
      ? "fno-mat"
      : pdebench === "arrays"
        ? "pdebench-arrays"
        : pdebench === "seeds"
          ? "pdebench-seeds"
          : "hdf5";
    const nodes: NodeSummary[] = [{ path: "/", kind: "group", attributes: readAttributes(file) }];
    walk(file, file, "/", mat, limit, nodes);
    return { path, format: "hdf5", layout, bytes, nodes };
  } finally {
    file.close();
  }
}

const LAYOUT_TEXT: Record<FileLayout, string> = {
  "fno-mat":
    "FNO MATLAB v7.3 (.mat = HDF5, column-major: shapes below are h5py's; MATLAB/numpy-after-transpose shapes in brackets)",
  "pdebench-arrays":
    "PDEBench arrays ('tensor' [N, T, X...] or CFD fields, with coordinate vectors)",
  "pdebench-seeds": "PDEBench per-seed groups ('0000/data' [T, X, ..., C], '0000/grid/*')",
  hdf5: "generic HDF5",
  npy: "NumPy .npy",
};

function formatValue(v: Attributes[string]): string {
  if (Array.isArray(v))
    return v.length > 8 ? `[${v.slice(0, 8).join(", ")}, ... (${v.length})]` : `[${v.join(", ")}]`;
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function formatNumber(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(5) : String(x);
}

/** Human-readable rendering of a summary (the `inspect` command's output). */
export function formatSummary(summary: FileSummary): string {
  const lines = [
    `${summary.path} (${summary.bytes} bytes)`,
    `format: ${summary.format}; layout: ${LAYOUT_TEXT[summary.layout]}`,
  ];
  for (const node of summary.nodes) {
    const depth = node.path === "/" ? 0 : node.path.split("/").length - 1;
    const indent = "  ".repeat(depth);
    if (node.kind === "dataset") {
      const matlab = node.matlabShape ? ` [MATLAB ${node.matlabShape.join(" x ")}]` : "";
      lines.push(
        `${indent}${node.path} dataset (${(node.shape ?? []).join(" x ") || "scalar"}) ${node.dtype}${matlab}${node.chunks ? ` chunks (${node.chunks.join(" x ")})` : ""}`,
      );
      if (node.stats) {
        const s = node.stats;
        lines.push(
          `${indent}  min ${formatNumber(s.min)}  max ${formatNumber(s.max)}  mean ${formatNumber(s.mean)}  std ${formatNumber(s.std)}${s.nonFinite ? `  non-finite ${s.nonFinite}` : ""}`,
        );
      }
    } else {
      lines.push(`${indent}${node.path} ${node.kind}`);
    }
    for (const [k, v] of Object.entries(node.attributes))
      lines.push(`${indent}  @${k} = ${formatValue(v)}`);
  }
  return lines.join("\n");
}
