// Type-level smoke test of the published @modewise/pde-solver (tsc --strict, nodenext).
import {
  type ColormapName,
  colorOf,
  type GenerateConfig,
  type SolveConfig,
  solveSchema,
  validate,
} from "@modewise/pde-solver";

const config: SolveConfig = validate(solveSchema, { s: 16, T: 1 }, "smoke");
const map: ColormapName = "viridis";
const rgb: [number, number, number] = colorOf(map, 0.5, 0, 1);
const gen: Partial<GenerateConfig> = { preset: "ns-1e-4", n: 10 };

export const smoke = { s: config.s, rgb, gen };
