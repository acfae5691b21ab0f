/**
 * PDEBench files (Takamoto et al. 2022). Two layouts exist:
 * - arrays: 'tensor' [N, T, X] (1-D Burgers, advection) or [N, T, X, Y] / [N, C, X, Y] (Darcy),
 *   with 'x-coordinate', 'y-coordinate', 't-coordinate' vectors and extra arrays (e.g. 'nu');
 *   the 2-D CFD files hold 'density', 'Vx', 'Vy', 'pressure' [N, T, X, Y] instead of 'tensor';
 * - per-seed groups: '0000/data' [T, X, (Y,) C] with '0000/grid/x', '0000/grid/y', '0000/grid/t'
 *   (reaction-diffusion, shallow water), one group per sample.
 * Both are plain row-major HDF5 (written by h5py), so no axis reversal is involved.
 */
import { ShapeError } from "@modewise/tensor";
import h5wasm from "h5wasm/node";
import { replaceFileAtomically } from "./atomic.js";
import { FileFormatError } from "./errors.js";
import type { NdArray, ReadOptions, SampledVariable } from "./fno-mat.js";
import {
  type Attributes,
  createHdf5,
  type H5File,
  openHdf5,
  readAttributes,
  readDataset,
  writeAttributes,
  writeDataset,
  writeInBlocks,
} from "./hdf5.js";

export interface PdebenchArrays {
  layout: "arrays";
  /** Every root dataset by name ('tensor', 'x-coordinate', 'nu', 'density', ...). */
  arrays: Record<string, NdArray>;
  attributes: Attributes;
}

export interface PdebenchSample {
  /** [T, X, (Y,) C] */
  data: NdArray;
  /** Grid vectors by name: x, y, t. */
  grid: Record<string, NdArray>;
  attributes: Attributes;
}

export interface PdebenchSeeds {
  layout: "seeds";
  /** Group names in order ('0000', '0001', ...). */
  seeds: string[];
  samples: PdebenchSample[];
  attributes: Attributes;
}

export type PdebenchContents = PdebenchArrays | PdebenchSeeds;

export interface WritePdebenchOptions {
  dtype?: "float32" | "float64";
  attributes?: Attributes;
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkArray(fn: string, name: string, v: NdArray): void {
  if (product(v.shape) !== v.data.length) {
    throw new ShapeError(fn, name, `${v.data.length} elements`, `shape [${v.shape.join(", ")}]`);
  }
}

/** Write the arrays layout ('tensor' + coordinate vectors + extras), atomically. */
export async function writePdebenchArrays(
  path: string,
  arrays: Record<string, NdArray | SampledVariable>,
  options: WritePdebenchOptions & { blockSize?: number } = {},
): Promise<void> {
  const dtype = options.dtype ?? "float32";
  for (const [name, v] of Object.entries(arrays)) {
    if (!("read" in v)) checkArray("writePdebenchArrays", `arrays.${name}`, v);
  }
  await replaceFileAtomically(path, async (tmp) => {
    const file = await createHdf5(tmp);
    try {
      for (const [name, v] of Object.entries(arrays)) {
        if ("read" in v) {
          // Samples are the first axis here (row-major, as h5py writes them): no reversal.
          const per = product(v.shape.slice(1));
          writeInBlocks(file, name, v.shape, 0, options.blockSize ?? 16, dtype, (start, end) => {
            const values = v.read(start, end);
            if (values.length !== (end - start) * per) {
              throw new ShapeError(
                "writePdebenchArrays",
                `arrays.${name}.read(${start}, ${end})`,
                `${(end - start) * per} values`,
                `${values.length}`,
              );
            }
            return values;
          });
          continue;
        }
        writeDataset(file, name, v.data, v.shape, dtype);
      }
      writeAttributes(file, options.attributes ?? {});
    } finally {
      file.close();
    }
  });
}

/** Write the per-seed group layout ('0000/data', '0000/grid/x', ...), atomically. */
export async function writePdebenchSeeds(
  path: string,
  samples: { data: NdArray; grid: Record<string, NdArray>; attributes?: Attributes }[],
  options: WritePdebenchOptions = {},
): Promise<void> {
  const dtype = options.dtype ?? "float32";
  samples.forEach((s, i) => {
    checkArray("writePdebenchSeeds", `samples[${i}].data`, s.data);
    for (const [name, v] of Object.entries(s.grid))
      checkArray("writePdebenchSeeds", `samples[${i}].grid.${name}`, v);
  });
  await replaceFileAtomically(path, async (tmp) => {
    const file = await createHdf5(tmp);
    try {
      samples.forEach((s, i) => {
        const group = file.create_group(String(i).padStart(4, "0"));
        writeDataset(group, "data", s.data.data, s.data.shape, dtype);
        const grid = group.create_group("grid");
        for (const [name, v] of Object.entries(s.grid))
          writeDataset(grid, name, v.data, v.shape, dtype);
        writeAttributes(group, s.attributes ?? {});
      });
      writeAttributes(file, options.attributes ?? {});
    } finally {
      file.close();
    }
  });
}

const SEED_GROUP = /^\d+$/;

/** Which PDEBench layout a file has, or undefined. */
export function pdebenchLayoutOf(file: H5File): "arrays" | "seeds" | undefined {
  const keys = file.keys();
  if (keys.includes("tensor") || (keys.includes("density") && keys.includes("Vx"))) return "arrays";
  if (
    keys.length > 0 &&
    keys.every((k) => SEED_GROUP.test(k)) &&
    file.get(`${keys[0]}/data`) instanceof h5wasm.Dataset
  )
    return "seeds";
  return undefined;
}

/** Read a PDEBench file of either layout (everything into memory: meant for small/medium files). */
export async function readPdebench(
  path: string,
  options: ReadOptions = {},
): Promise<PdebenchContents> {
  const fn = "readPdebench";
  const file = await openHdf5(path, fn);
  try {
    const layout = pdebenchLayoutOf(file);
    if (layout === undefined) {
      throw new FileFormatError(
        fn,
        path,
        "a PDEBench file ('tensor', 'density'/'Vx'/..., or '0000/data' groups)",
        `root keys [${file.keys().join(", ")}]`,
      );
    }
    if (layout === "arrays") {
      const arrays: Record<string, NdArray> = {};
      for (const key of file.keys()) {
        const entity = file.get(key);
        if (!(entity instanceof h5wasm.Dataset)) continue;
        // Samples are the first axis of every data array; coordinate vectors have none.
        const select =
          options.samples && (entity.shape?.length ?? 0) >= 2 && !key.endsWith("-coordinate")
            ? { axis: 0, start: options.samples[0], end: options.samples[1] }
            : undefined;
        arrays[key] = readDataset(file, key, fn, select);
      }
      return { layout, arrays, attributes: readAttributes(file) };
    }
    const all = file.keys().sort();
    const seeds = options.samples ? all.slice(options.samples[0], options.samples[1]) : all;
    const samples = seeds.map((seed): PdebenchSample => {
      const group = file.get(seed);
      const grid: Record<string, NdArray> = {};
      const gridGroup = file.get(`${seed}/grid`);
      if (gridGroup instanceof h5wasm.Group) {
        for (const name of gridGroup.keys())
          grid[name] = readDataset(file, `${seed}/grid/${name}`, fn);
      }
      return {
        data: readDataset(file, `${seed}/data`, fn),
        grid,
        attributes: group instanceof h5wasm.Group ? readAttributes(group) : {},
      };
    });
    return { layout, seeds, samples, attributes: readAttributes(file) };
  } finally {
    file.close();
  }
}
