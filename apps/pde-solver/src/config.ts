/**
 * Options of the `solve` and `generate` commands: zod schemas (strict: unknown keys are errors),
 * loading of a YAML/JSON config file, and merging with command-line flags (flags win).
 * Validation errors name the key, what was expected and what came.
 */
import { existsSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import YAML from "yaml";
import * as z from "zod";

/** A configuration problem (bad file, unknown key, wrong type, out-of-range value). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const positive = (what: string) =>
  z.number({ error: `expected ${what} (a number)` }).positive({ error: `expected ${what} > 0` });
const int = (min: number, max: number) =>
  z
    .number()
    .int({ error: "expected an integer" })
    .min(min, { error: `expected an integer >= ${min}` })
    .max(max, { error: `expected an integer <= ${max}` });

/** Limits on what `solve` keeps in memory and writes (see the refinement below). */
const MAX_SNAPSHOTS = 10_000;
const MAX_TRAJECTORY_VALUES = 2 ** 27;

const solveInput = z.strictObject({
  problem: z.enum(["navier-stokes", "burgers", "darcy"]).default("navier-stokes"),
  s: int(4, 8192).optional(),
  nu: positive("a viscosity").optional(),
  T: positive("a final time").optional(),
  recordEvery: positive("a snapshot interval").optional(),
  forcing: z.enum(["fno", "kolmogorov", "none"]).default("fno"),
  scheme: z.enum(["ifrk4", "fno-cn"]).default("ifrk4"),
  dt: positive("a time step").optional(),
  seed: int(0, 2 ** 31 - 1).default(0),
  alpha: positive("a GRF smoothness").optional(),
  tau: positive("a GRF inverse length scale").optional(),
  out: z.string().min(1).default("pde-solve-out"),
  colormap: z.enum(["rdbu", "viridis"]).optional(),
  frames: z.boolean().default(true),
  gif: z.boolean().default(true),
  scale: int(1, 64).optional(),
});

/**
 * Per-problem defaults: the FNO settings. Navier-Stokes 64^2, nu 1e-3, T 50, initial vorticity
 * GRF (2.5, 7); Burgers on 1024 points, nu 0.1, T 1, u0 ~ 625 (-lap + 25)^-2; Darcy 85^2 with
 * the thresholded GRF (2, 3) coefficient.
 */
const SOLVE_DEFAULTS = {
  "navier-stokes": { s: 64, nu: 1e-3, T: 50, recordEvery: 1, alpha: 2.5, tau: 7, colormap: "rdbu" },
  burgers: { s: 1024, nu: 0.1, T: 1, recordEvery: 0.05, alpha: 2, tau: 5, colormap: "rdbu" },
  darcy: { s: 85, nu: 1, T: 1, recordEvery: 1, alpha: 2, tau: 3, colormap: "viridis" },
} as const;

export const solveSchema = solveInput
  .transform((c) => {
    const d = SOLVE_DEFAULTS[c.problem];
    return {
      ...c,
      s: c.s ?? d.s,
      nu: c.nu ?? d.nu,
      T: c.T ?? d.T,
      recordEvery: c.recordEvery ?? d.recordEvery,
      alpha: c.alpha ?? d.alpha,
      tau: c.tau ?? d.tau,
      colormap: c.colormap ?? d.colormap,
    };
  })
  .refine((c) => c.problem === "darcy" || c.s % 2 === 0, {
    error: "expected an even grid size (periodic FFT grid)",
    path: ["s"],
  })
  .refine((c) => c.problem === "darcy" || c.s <= 1024 || c.problem === "burgers", {
    error: "expected an integer <= 1024",
    path: ["s"],
  })
  .refine(
    (c) =>
      Math.abs(c.T / c.recordEvery - Math.round(c.T / c.recordEvery)) <
      1e-9 * (c.T / c.recordEvery),
    {
      error: "recordEvery must divide T",
      path: ["recordEvery"],
    },
  )
  // The whole trajectory is kept in memory (and one PNG is written per snapshot): a tiny
  // recordEvery would otherwise end in an allocation failure or hours of frame writing.
  .refine(
    (c) => {
      if (c.problem === "darcy") return true;
      const snapshots = Math.round(c.T / c.recordEvery) + 1;
      const perSnapshot = c.problem === "burgers" ? c.s : c.s * c.s;
      return snapshots <= MAX_SNAPSHOTS && snapshots * perSnapshot <= MAX_TRAJECTORY_VALUES;
    },
    {
      error: `expected at most ${MAX_SNAPSHOTS} snapshots (T / recordEvery + 1) and at most 2^27 stored values (snapshots x grid points, 1 GiB in float64)`,
      path: ["recordEvery"],
    },
  );

export type SolveConfig = z.output<typeof solveSchema>;

export const generateSchema = z.strictObject({
  preset: z.enum(["ns-1e-3", "ns-1e-4", "ns-1e-5", "burgers", "darcy"]).default("ns-1e-3"),
  n: int(1, 1_000_000).optional(),
  s: int(4, 8192).optional(),
  nu: positive("a viscosity").optional(),
  T: positive("a final time").optional(),
  recordEvery: positive("a snapshot interval").optional(),
  seed: int(0, 2 ** 31 - 1).optional(),
  chunkSize: int(1, 100_000).optional(),
  dtype: z.enum(["float32", "float64"]).optional(),
  format: z.enum(["fno-mat", "pdebench"]).optional(),
  solverS: int(4, 65536).optional(),
  /**
   * Navier-Stokes: time units solved before the first stored field (a multiple of recordEvery),
   * so the file starts on the developed flow (`a` = w(burnIn)); recorded in the attributes.
   */
  burnIn: z.number().min(0, { error: "expected a time >= 0" }).optional(),
  output: z.string().min(1).optional(),
  fresh: z.boolean().default(false),
  /** Pause after each chunk (ms): lets demos and tests interrupt a run at a known point. */
  throttleMs: int(0, 60_000).default(0),
});

export type GenerateConfig = z.output<typeof generateSchema>;

function describeReceived(input: unknown): string {
  if (input === undefined) return "nothing";
  if (typeof input === "string") return `'${input}'`;
  if (typeof input === "number" && Number.isNaN(input)) return "a non-number";
  return typeof input === "object" ? JSON.stringify(input) : String(input);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path)
    v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** Validate merged options; throws ConfigError listing every problem with its key. */
export function validate<S extends z.ZodType>(
  schema: S,
  input: Record<string, unknown>,
  source: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys")
      return `  unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
    const key = issue.path.join(".") || "(root)";
    const received =
      issue.code === "invalid_value" ||
      issue.code === "invalid_type" ||
      issue.code === "too_small" ||
      issue.code === "too_big" ||
      issue.code === "custom" ||
      issue.code === "invalid_format";
    const got = received ? `, got ${describeReceived(valueAt(input, issue.path))}` : "";
    return `  '${key}': ${issue.message.replace(/^Invalid input: /, "")}${got}`;
  });
  throw new ConfigError(`invalid options (${source}):\n${lines.join("\n")}`);
}

/** Read a YAML (.yaml/.yml) or JSON (.json) config file into an object. */
export function loadConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError(`config file '${path}' does not exist`);
  const text = readFileSync(path, "utf8");
  let parsed: unknown;
  try {
    parsed = extname(path).toLowerCase() === ".json" ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    throw new ConfigError(
      `config file '${path}' is not valid ${extname(path) === ".json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed))
    throw new ConfigError(
      `config file '${path}' must contain a mapping of options, got ${Array.isArray(parsed) ? "a list" : typeof parsed}`,
    );
  return parsed as Record<string, unknown>;
}

/** Config file values overridden by the flags that were given (undefined flags are dropped). */
export function mergeOptions(
  file: Record<string, unknown>,
  flags: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...file };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined && k !== "config") merged[k] = v;
  return merged;
}
