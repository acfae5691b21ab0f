/** `modewise-pde generate`: a resumable FNO-benchmark dataset with a progress bar and ETA. */
import {
  DATASET_PRESETS,
  type DatasetSpec,
  type GenerateProgress,
  type GenerateResult,
  generateDataset,
} from "@modewise/pde/io";
import type { GenerateConfig } from "../config.js";

/** The dataset spec: the preset, overridden by the given options. */
export function specFromConfig(config: GenerateConfig): DatasetSpec {
  const base = DATASET_PRESETS[config.preset];
  const overrides: Record<string, unknown> = {};
  for (const key of [
    "n",
    "s",
    "nu",
    "T",
    "recordEvery",
    "seed",
    "chunkSize",
    "dtype",
    "format",
    "solverS",
    "burnIn",
  ] as const) {
    if (config[key] !== undefined) overrides[key] = config[key];
  }
  return { ...base, ...overrides } as DatasetSpec;
}

/** FNO-style default names: NavierStokes_V1e-3_N100_T50.mat, burgers_N100_s1024.mat, ... */
export function defaultOutput(spec: DatasetSpec): string {
  const ext = spec.format === "fno-mat" ? "mat" : "h5";
  switch (spec.problem) {
    case "navier-stokes":
      return `NavierStokes_V${spec.nu.toExponential()}_N${spec.n}_T${spec.T}.${ext}`;
    case "burgers":
      return `burgers_N${spec.n}_s${spec.s}.${ext}`;
    case "darcy":
      return `darcy_N${spec.n}_s${spec.s}.${ext}`;
  }
}

function sleep(ms: number): void {
  // The solver loop is synchronous; a blocking pause keeps the chunk boundary deterministic.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export async function runGenerate(
  config: GenerateConfig,
  onProgress?: (p: GenerateProgress) => void,
): Promise<GenerateResult & { spec: DatasetSpec }> {
  const spec = specFromConfig(config);
  const output = config.output ?? defaultOutput(spec);
  const result = await generateDataset(spec, {
    output,
    fresh: config.fresh,
    ...(onProgress ? { onProgress } : {}),
    onChunkSaved: () => {
      if (config.throttleMs > 0) sleep(config.throttleMs);
    },
  });
  return { ...result, spec };
}
