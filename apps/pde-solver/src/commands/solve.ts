/**
 * `modewise-pde solve`: one run of a classical solver from seeded random data, with PNG
 * figures, an animated GIF, diagnostics, the fields as .npy, and an HTML + Markdown report.
 * - navier-stokes: vorticity frames (RdBu), energy / enstrophy over time, energy spectrum;
 * - burgers: u(x) profiles over time, the (x, t) diagram, energy over time, GIF of the profile;
 * - darcy: coefficient and solution images, CG iterations and residual.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  Burgers1d,
  darcy2d,
  darcyCoefficient,
  gaussianRandomField1d,
  gaussianRandomField2d,
  NavierStokes2d,
  type SolverStats,
} from "@modewise/pde";
import { writeNpy } from "@modewise/pde/io";
import type { SolveConfig } from "../config.js";
import { renderField, renderGrid, valueRange } from "../plot/field-image.js";
import { encodeGif } from "../plot/gif.js";
import { renderLineChart, SERIES_COLORS } from "../plot/line-chart.js";
import type { Raster } from "../plot/raster.js";
import { fmt, type ReportData, writeReports } from "../report.js";

export interface SolveResult {
  outDir: string;
  reportHtml: string;
  reportMd: string;
  gif?: string;
  frames: string[];
  times: Float64Array;
  /** Energy per snapshot (NS: 0.5<|u|^2>, Burgers: 0.5<u^2>; empty for Darcy). */
  energy: Float64Array;
  /** One-line summary for the terminal. */
  summary: string;
}

/** Snapshot k of a [1, ..., nt] trajectory (time last) with `size` points per snapshot. */
function snapshot(w: Float64Array, size: number, nt: number, k: number): Float64Array {
  const out = new Float64Array(size);
  for (let p = 0; p < size; p++) out[p] = w[p * nt + k];
  return out;
}

function timeSteppingRows(stats: SolverStats): [string, string][] {
  return [
    ["time steps", fmt(stats.steps)],
    ["dt min / max", `${fmt(stats.minDt)} / ${fmt(stats.maxDt)}`],
    ["max Courant number", fmt(stats.maxCfl)],
    ["solver wall time", `${(stats.wallMs / 1000).toFixed(2)} s`],
  ];
}

function save(path: string, img: Raster): string {
  writeFileSync(path, img.toPng());
  return path;
}

type Progress = (t: number, T: number) => void;

/** Write the HTML and Markdown reports of `data`; the run's result with their paths. */
function withReports(
  outDir: string,
  data: ReportData,
  rest: Omit<SolveResult, "outDir" | "reportHtml" | "reportMd">,
): SolveResult {
  const { html, md } = writeReports(outDir, data);
  return { outDir, reportHtml: html, reportMd: md, ...rest };
}

/** The time step of the config, when it fixes one (else the solvers pick theirs). */
function fixedStep(config: SolveConfig): { dt?: number } {
  return config.dt !== undefined ? { dt: config.dt } : {};
}

/** Run options shared by the time-stepping solvers: record from t = 0 every recordEvery steps. */
function recordingOptions(
  config: SolveConfig,
  onProgress?: Progress,
): { T: number; recordEvery: number; recordInitial: true; onProgress?: Progress } {
  return {
    T: config.T,
    recordEvery: config.recordEvery,
    recordInitial: true,
    ...(onProgress ? { onProgress } : {}),
  };
}

export function runSolve(config: SolveConfig, onProgress?: Progress): SolveResult {
  const outDir = resolve(config.out);
  mkdirSync(outDir, { recursive: true });
  const result =
    config.problem === "navier-stokes"
      ? solveNavierStokes(config, outDir, onProgress)
      : config.problem === "burgers"
        ? solveBurgers(config, outDir, onProgress)
        : solveDarcy(config, outDir);
  writeFileSync(
    join(outDir, "summary.json"),
    `${JSON.stringify({ parameters: config, times: Array.from(result.times), energy: Array.from(result.energy), summary: result.summary }, null, 2)}\n`,
  );
  return result;
}

function solveNavierStokes(
  config: SolveConfig,
  outDir: string,
  onProgress?: Progress,
): SolveResult {
  const framesDir = join(outDir, "frames");
  mkdirSync(framesDir, { recursive: true });
  const { s } = config;
  const w0 = gaussianRandomField2d({ s, alpha: config.alpha, tau: config.tau, seed: config.seed });
  const solver = new NavierStokes2d({
    s,
    nu: config.nu,
    forcing: config.forcing,
    scheme: config.scheme,
    ...fixedStep(config),
  });
  const result = solver.run(w0, recordingOptions(config, onProgress));
  const nt = result.times.length;
  const fields = Array.from({ length: nt }, (_, k) => snapshot(result.w, s * s, nt, k));
  const energy = new Float64Array(nt);
  const enstrophy = new Float64Array(nt);
  const maxAbs = new Float64Array(nt);
  fields.forEach((f, k) => {
    energy[k] = solver.energy(f)[0];
    enstrophy[k] = solver.enstrophy(f)[0];
    maxAbs[k] = f.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  });
  writeNpy(join(outDir, "vorticity.npy"), result.w, [1, s, s, nt]);
  writeNpy(join(outDir, "times.npy"), result.times, [nt]);

  // One colour range for all frames, so that the animation compares like with like.
  const range = valueRange(result.w, config.colormap === "rdbu");
  const frameOptions = {
    colormap: config.colormap,
    ...range,
    ...(config.scale !== undefined ? { scale: config.scale } : {}),
  };
  const frames: string[] = [];
  const rasters = fields.map((f) => renderField(f, s, frameOptions));
  if (config.frames) {
    for (const [k, img] of rasters.entries()) {
      frames.push(save(join(framesDir, `vorticity_${String(k).padStart(4, "0")}.png`), img));
    }
  }
  save(join(outDir, "vorticity_initial.png"), rasters[0]);
  save(join(outDir, "vorticity_final.png"), rasters[nt - 1]);
  let gif: string | undefined;
  if (config.gif) {
    gif = join(outDir, "vorticity.gif");
    writeFileSync(gif, encodeGif(rasters, 100));
  }
  save(
    join(outDir, "energy.png"),
    renderLineChart([{ x: result.times, y: energy, color: SERIES_COLORS[0] }]),
  );
  save(
    join(outDir, "enstrophy.png"),
    renderLineChart([{ x: result.times, y: enstrophy, color: SERIES_COLORS[1] }]),
  );
  const first = solver.spectrum(fields[0]);
  const last = solver.spectrum(fields[nt - 1]);
  save(
    join(outDir, "spectrum.png"),
    renderLineChart(
      [
        { x: first.k, y: first.E, color: SERIES_COLORS[0] },
        { x: last.k, y: last.E, color: SERIES_COLORS[1] },
      ],
      { logX: true, logY: true },
    ),
  );
  const data: ReportData = {
    title: "Navier-Stokes 2-D (vorticity form, unit torus)",
    parameters: { ...config },
    solverRows: timeSteppingRows(result.stats),
    times: result.times,
    series: { energy, enstrophy, "max |w|": maxAbs },
    images: {
      initial: "vorticity_initial.png",
      final: "vorticity_final.png",
      ...(gif ? { animation: "vorticity.gif" } : {}),
      energy: "energy.png",
      enstrophy: "enstrophy.png",
      spectrum: "spectrum.png",
    },
    colorRange: range,
  };
  return withReports(outDir, data, {
    ...(gif ? { gif } : {}),
    frames,
    times: result.times,
    energy,
    summary: `solved Navier-Stokes ${s}^2, nu=${config.nu}, T=${config.T}: ${result.stats.steps} steps in ${(result.stats.wallMs / 1000).toFixed(1)} s (max Courant ${result.stats.maxCfl.toFixed(3)}); energy ${energy[0].toPrecision(4)} -> ${energy[nt - 1].toPrecision(4)}`,
  });
}

function solveBurgers(config: SolveConfig, outDir: string, onProgress?: Progress): SolveResult {
  const { s } = config;
  const u0 = gaussianRandomField1d({ s, alpha: config.alpha, tau: config.tau, seed: config.seed });
  const solver = new Burgers1d({
    s,
    nu: config.nu,
    ...fixedStep(config),
  });
  const result = solver.run(u0, recordingOptions(config, onProgress));
  const nt = result.times.length;
  const profiles = Array.from({ length: nt }, (_, k) => snapshot(result.u, s, nt, k));
  const energy = Float64Array.from(profiles, (p) => (0.5 * p.reduce((a, v) => a + v * v, 0)) / s);
  writeNpy(join(outDir, "u.npy"), result.u, [1, s, nt]);
  writeNpy(join(outDir, "times.npy"), result.times, [nt]);
  const x = Float64Array.from({ length: s }, (_, i) => i / s);
  // Profiles at up to 6 evenly spaced times on one chart.
  const picks = Array.from(
    new Set(
      Array.from({ length: Math.min(6, nt) }, (_, m) =>
        Math.round((m * (nt - 1)) / Math.max(1, Math.min(6, nt) - 1)),
      ),
    ),
  );
  save(
    join(outDir, "profiles.png"),
    renderLineChart(
      picks.map((k, m) => ({ x, y: profiles[k], color: SERIES_COLORS[m % SERIES_COLORS.length] })),
    ),
  );
  // (x, t) diagram: u is [s, nt] with time last, renderGrid's [nx, ny] layout. Resampled by
  // nearest neighbour to about 256 x 256 cells, since s and nt usually differ by a lot.
  const range = valueRange(result.u, config.colormap === "rdbu");
  const nx = Math.min(s, 256);
  const ny = 256;
  const resampled = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      const src = Math.min(s - 1, Math.floor(((i + 0.5) * s) / nx));
      const k = Math.min(nt - 1, Math.floor(((j + 0.5) * nt) / ny));
      resampled[i * ny + j] = result.u[src * nt + k];
    }
  const spacetime = renderGrid(resampled, nx, ny, {
    colormap: config.colormap,
    ...range,
    scale: Math.max(1, Math.round(256 / nx)),
  });
  save(join(outDir, "spacetime.png"), spacetime);
  save(
    join(outDir, "energy.png"),
    renderLineChart([{ x: result.times, y: energy, color: SERIES_COLORS[0] }]),
  );
  let gif: string | undefined;
  const frames: string[] = [];
  if (config.gif) {
    // Fixed axes for every frame: pad the chart with invisible extreme points.
    const bounds = { x: [0, 1], y: [range.vmin, range.vmax], color: [255, 255, 255] as const };
    gif = join(outDir, "u.gif");
    writeFileSync(
      gif,
      encodeGif(
        profiles.map((p) =>
          renderLineChart([bounds, { x, y: p, color: SERIES_COLORS[0] }], {
            width: 480,
            height: 300,
          }),
        ),
        100,
      ),
    );
  }
  const data: ReportData = {
    title: "Viscous Burgers 1-D (periodic)",
    parameters: { ...config },
    solverRows: timeSteppingRows(result.stats),
    times: result.times,
    series: { "energy 0.5<u^2>": energy },
    images: {
      profiles: "profiles.png",
      spacetime: "spacetime.png",
      energy: "energy.png",
      ...(gif ? { animation: "u.gif" } : {}),
    },
    colorRange: range,
  };
  return withReports(outDir, data, {
    ...(gif ? { gif } : {}),
    frames,
    times: result.times,
    energy,
    summary: `solved Burgers s=${s}, nu=${config.nu}, T=${config.T}: ${result.stats.steps} steps in ${(result.stats.wallMs / 1000).toFixed(1)} s; energy ${energy[0].toPrecision(4)} -> ${energy[nt - 1].toPrecision(4)}`,
  });
}

function solveDarcy(config: SolveConfig, outDir: string): SolveResult {
  const { s } = config;
  const a = darcyCoefficient({ s, alpha: config.alpha, tau: config.tau, seed: config.seed });
  const began = Date.now();
  const result = darcy2d({ a, s });
  const wallMs = Date.now() - began;
  writeNpy(join(outDir, "coeff.npy"), a, [1, s, s]);
  writeNpy(join(outDir, "sol.npy"), result.u, [1, s, s]);
  const coeffRange = valueRange(a, false);
  const solRange = valueRange(result.u, false);
  const scale = config.scale !== undefined ? { scale: config.scale } : {};
  save(
    join(outDir, "coefficient.png"),
    renderField(a, s, { colormap: "viridis", ...coeffRange, ...scale }),
  );
  save(
    join(outDir, "solution.png"),
    renderField(result.u, s, { colormap: "viridis", ...solRange, ...scale }),
  );
  const data: ReportData = {
    title: "Darcy flow 2-D (-div(a grad u) = 1, u = 0 on the boundary)",
    parameters: { ...config },
    solverRows: [
      ["CG iterations", fmt(result.iterations[0])],
      ["relative residual", fmt(result.residual[0])],
      ["solver wall time", `${(wallMs / 1000).toFixed(2)} s`],
    ],
    times: new Float64Array(0),
    series: {},
    images: { coefficient: "coefficient.png", solution: "solution.png" },
    colorRange: solRange,
  };
  return withReports(outDir, data, {
    frames: [],
    times: new Float64Array(0),
    energy: new Float64Array(0),
    summary: `solved Darcy ${s}^2: ${result.iterations[0]} CG iterations, relative residual ${result.residual[0].toExponential(2)}, max u ${solRange.vmax.toPrecision(4)}`,
  });
}
