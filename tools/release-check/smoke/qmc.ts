// Type-level smoke test of the published @modewise/qmc (tsc --strict, nodenext).
import {
  type CBCResult,
  type CubatureResult,
  cbcLattice,
  cubQMCNetG,
  DigitalNetB2,
  discrepancy,
  fastGram,
  Halton,
  Lattice,
  type NetRandomize,
  type PointSet,
  Rng,
  ShiftInvariantKernel,
  Sobol,
} from "@modewise/qmc";

const randomize: NetRandomize = "LMS_DS";
const sets: PointSet[] = [
  new Lattice(3, { order: "natural", randomize: "shift", seed: 1 }),
  new Sobol(3, { randomize, bits: 64, alpha: 2, seed: 1 }),
  new DigitalNetB2(2, { order: "gray", randomize: "NUS" }),
  new Halton(3, { randomize: "LMS_PERM", seed: 2 }),
];
const points: Float64Array = sets[0].gen(16, { start: 0 });
const replicate: PointSet = sets[1].spawn(5);
const chunks: Float64Array[] = [...new Sobol(2, { seed: 0 }).stream(64, 16)];
const vector: Uint32Array = new Lattice(2).generatingVector;
const matrices: Uint32Array = new Sobol(2).matrices;
const u: number = new Rng(1).nextFloat();

const cd: number = discrepancy(points, { method: "CD", squared: true, dim: 3 });
const cub: CubatureResult = cubQMCNetG((x, n) => x.subarray(0, n), 1, { absTol: 1e-3 });
const cbc: CBCResult = cbcLattice({ n: 31, dim: 2 });
const gram = fastGram(new ShiftInvariantKernel(2), new Lattice(2, { randomize: "none" }).gen(8));
const y: Float64Array = gram.solve(new Float64Array(8).fill(1));

export const smoke = { points, replicate, chunks, vector, matrices, u, cd, cub, cbc, y };
