/**
 * Dataset specifications of the three FNO benchmarks (Li et al. 2020) and their presets.
 * Every field of a spec is recorded in the output file's attributes and in the JSON sidecar, so
 * a dataset can be regenerated exactly from its metadata.
 */
import { ValueError } from "@modewise/tensor";

interface CommonSpec {
  /** Number of samples. */
  n: number;
  /** Seed of the random initial data; sample i uses stream i of this seed (independent of chunking). */
  seed: number;
  /** Samples per chunk (the unit of resumption). */
  chunkSize: number;
  /** Storage precision of the final file (chunks are kept in float64). */
  dtype: "float32" | "float64";
  /** "fno-mat": MATLAB v7.3 layout of the FNO data; "pdebench": PDEBench arrays layout. */
  format: "fno-mat" | "pdebench";
}

export interface NavierStokesSpec extends CommonSpec {
  problem: "navier-stokes";
  /** Grid points per side. */
  s: number;
  nu: number;
  /** Final time; snapshots every recordEvery (FNO: 1) up to T. */
  T: number;
  recordEvery: number;
  forcing: "fno" | "kolmogorov" | "none";
  /** GRF of the initial vorticity: N(0, sigma^2 (-lap + tau^2)^-alpha), FNO: alpha 2.5, tau 7. */
  alpha: number;
  tau: number;
  scheme: "ifrk4" | "fno-cn";
  /** Fixed time step (omit: adaptive CFL step for ifrk4). */
  dt?: number;
  /**
   * Time units solved before the first stored field (default 0): the input `a` is then
   * w(burnIn) and the snapshots are w(burnIn + recordEvery), ..., w(burnIn + T), so the data
   * skips the transient of the random initial condition (the FNO one-step task's regime). A
   * multiple of recordEvery; solved as the head of one run to burnIn + T, so the snapshots are
   * those of the longer trajectory exactly.
   */
  burnIn?: number;
}

export interface BurgersSpec extends CommonSpec {
  problem: "burgers";
  /** Output grid points (subsampled from solverS). */
  s: number;
  /** Solver grid points (FNO: 8192; must be a multiple of s). */
  solverS: number;
  nu: number;
  T: number;
  /** GRF of u0: sigma^2 (-lap + tau^2)^-alpha, FNO: 625 (-lap + 25)^-2. */
  alpha: number;
  tau: number;
  sigma: number;
}

export interface DarcySpec extends CommonSpec {
  problem: "darcy";
  /** Grid points per side including the boundary (FNO: 421, subsampled to 85/141/211). */
  s: number;
  alpha: number;
  tau: number;
  high: number;
  low: number;
}

export type DatasetSpec = NavierStokesSpec | BurgersSpec | DarcySpec;
export type DatasetPreset = "ns-1e-3" | "ns-1e-4" | "ns-1e-5" | "burgers" | "darcy";

const COMMON: Omit<CommonSpec, "n"> = {
  seed: 0,
  chunkSize: 10,
  dtype: "float32",
  format: "fno-mat",
};

function ns(nu: number, T: number): NavierStokesSpec {
  return {
    ...COMMON,
    problem: "navier-stokes",
    n: 100,
    s: 64,
    nu,
    T,
    recordEvery: 1,
    forcing: "fno",
    alpha: 2.5,
    tau: 7,
    scheme: "ifrk4",
  };
}

/** The FNO benchmark settings (sample counts are small defaults: the paper used 1000-10000). */
export const DATASET_PRESETS: {
  readonly "ns-1e-3": NavierStokesSpec;
  readonly "ns-1e-4": NavierStokesSpec;
  readonly "ns-1e-5": NavierStokesSpec;
  readonly burgers: BurgersSpec;
  readonly darcy: DarcySpec;
} = {
  "ns-1e-3": ns(1e-3, 50),
  "ns-1e-4": ns(1e-4, 30),
  "ns-1e-5": ns(1e-5, 20),
  burgers: {
    ...COMMON,
    problem: "burgers",
    n: 100,
    s: 1024,
    solverS: 8192,
    nu: 0.1,
    T: 1,
    alpha: 2,
    tau: 5,
    sigma: 25,
  },
  darcy: { ...COMMON, problem: "darcy", n: 100, s: 85, alpha: 2, tau: 3, high: 12, low: 4 },
};

/** Basic checks that the solvers cannot make (chunking, layout); solvers validate the rest. */
export function checkSpec(spec: DatasetSpec, fn: string): void {
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1)
      throw new ValueError(fn, `spec.${name}`, "a positive integer", String(v));
  };
  // Enumerations: writeFinal branches on format === "fno-mat" and the writers on
  // dtype === "float32", so a typo ("hdf5", "float16") used to fall through silently to the
  // PDEBench layout or to float64.
  const oneOf = (name: string, v: unknown, allowed: readonly string[]) => {
    if (typeof v !== "string" || !allowed.includes(v))
      throw new ValueError(
        fn,
        `spec.${name}`,
        `one of ${allowed.map((a) => `'${a}'`).join(", ")}`,
        typeof v === "string" ? `'${v}'` : String(v),
      );
  };
  oneOf("problem", spec.problem, ["navier-stokes", "burgers", "darcy"]);
  oneOf("format", spec.format, ["fno-mat", "pdebench"]);
  oneOf("dtype", spec.dtype, ["float32", "float64"]);
  positiveInt("n", spec.n);
  positiveInt("chunkSize", spec.chunkSize);
  positiveInt("s", spec.s);
  if (!Number.isInteger(spec.seed) || spec.seed < 0)
    throw new ValueError(fn, "spec.seed", "a non-negative integer", String(spec.seed));
  if (spec.problem === "navier-stokes") {
    const steps = spec.T / spec.recordEvery;
    if (
      !(spec.T > 0) ||
      !(spec.recordEvery > 0) ||
      Math.abs(steps - Math.round(steps)) > 1e-9 * steps
    ) {
      throw new ValueError(
        fn,
        "spec.recordEvery",
        `a positive divisor of T = ${spec.T}`,
        String(spec.recordEvery),
      );
    }
    const burnIn = spec.burnIn ?? 0;
    const skip = burnIn / spec.recordEvery;
    if (!(burnIn >= 0) || Math.abs(skip - Math.round(skip)) > 1e-9 * Math.max(1, skip))
      throw new ValueError(
        fn,
        "spec.burnIn",
        `a non-negative multiple of recordEvery = ${spec.recordEvery}`,
        String(spec.burnIn),
      );
  }
  const burnIn = (spec as { burnIn?: number }).burnIn;
  if (spec.problem !== "navier-stokes" && burnIn !== undefined && burnIn !== 0)
    throw new ValueError(
      fn,
      "spec.burnIn",
      "0 for a dataset without time steps",
      `${burnIn} (${spec.problem})`,
    );
  if (spec.problem === "burgers" && (spec.solverS % spec.s !== 0 || spec.solverS < spec.s)) {
    throw new ValueError(fn, "spec.solverS", `a multiple of s = ${spec.s}`, String(spec.solverS));
  }
}

export const SEED_RULE =
  "sample i uses stream i of the seeded xoshiro128** generator (@modewise/pde rng.ts), whatever the chunking";

/** The parameters as flat HDF5 attributes (strings and numbers only). */
export function specAttributes(spec: DatasetSpec): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(spec))
    if (typeof v === "number" || typeof v === "string") out[k] = v;
  out.seed_rule = SEED_RULE;
  return out;
}
