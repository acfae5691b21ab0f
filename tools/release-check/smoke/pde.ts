// Type-level smoke test of the published @modewise/pde (tsc --strict, nodenext).
import {
  Burgers1d,
  type BurgersRunResult,
  type DarcyResult,
  darcy2d,
  darcyCoefficient,
  gaussianRandomField2d,
  NavierStokes2d,
  type NSRunResult,
  relL2,
  type SpectralBandErrors,
  spectralBandErrors,
} from "@modewise/pde";

const w0: Float64Array = gaussianRandomField2d({ s: 8, batch: 2, seed: 1, boundary: "periodic" });
const ns = new NavierStokes2d({ s: 8, nu: 1e-3, batch: 2, forcing: "fno", scheme: "ifrk4" });
const run: NSRunResult = ns.run(w0, { T: 0.1, recordEvery: 0.05, onProgress: (t: number) => t });
const burgers: BurgersRunResult = new Burgers1d({ s: 8, nu: 0.1 }).run(new Float64Array(8), {
  T: 0.1,
});
const darcy: DarcyResult = darcy2d({
  a: darcyCoefficient({ s: 9 }),
  solver: "mgcg",
  faceAverage: "harmonic",
});
const bands: SpectralBandErrors = spectralBandErrors(w0, w0, 8, { bands: [2, 4] });
const err: number = relL2(run.w, run.w, 2);

export const smoke = { run, burgers, darcy, bands, err, energy: ns.energy(w0) };
