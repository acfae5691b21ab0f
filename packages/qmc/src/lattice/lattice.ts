/**
 * Rank-1 lattice point sets u_i = frac(i * a / n) (Sloan & Joe; extensible base-2 lattices of
 * Hickernell et al. and Cools, Kuo & Nuyens), optionally shifted by a uniform random vector.
 *
 * Orders (all give the same set for n = 2^m points from index 0):
 * - "natural": u_i = frac(phi(i) * a), phi the base-2 radical inverse (extensible: the first 2^m
 *   points are the lattice with 2^m points for every m <= mMax). Computed exactly in 32-bit
 *   integer arithmetic: phi(i) = rev32(i) / 2^32, so u_i = (rev32(i) * a mod 2^32) / 2^32, a
 *   dyadic rational that float64 holds exactly.
 * - "gray": u_i = frac(phi(gray(i)) * a).
 * - "linear": u_i = frac(i * a / n) for the n points requested (start 0, any n <= 2^mMax);
 *   (i * a) mod n is formed exactly, then divided once (correctly rounded).
 * Random shift: u <- frac(u + Delta), Delta uniform in [0,1)^dim from the seeded Rng; the one
 * float addition rounds (error <= 2^-53).
 */
import { ValueError } from "@modewise/tensor";
import { KUO_LATTICE_DIM, KUO_LATTICE_M_MAX, kuoLatticeVector } from "../data/directions.js";
import { Rng, resolveSeed } from "../rng.js";
import { checkChoice, checkDim, checkRange, genPoints, streamChunks } from "../stream.js";
import type {
  GenOptions,
  LatticeOptions,
  LatticeOrder,
  LatticeRandomize,
  PointSet,
  StreamOptions,
} from "../types.js";
import { grayCode, mulMod, reverseBits32 } from "./radical-inverse.js";

const TWO_POW_32 = 4294967296;
const INV_2_32 = 2 ** -32;
const ORDERS: readonly LatticeOrder[] = ["natural", "linear", "gray"];
const RANDOMIZE: readonly LatticeRandomize[] = ["shift", "none"];

export class Lattice implements PointSet {
  readonly dim: number;
  /** The generating vector a (first `dim` entries of the given or default vector). */
  readonly generatingVector: Uint32Array;
  readonly order: LatticeOrder;
  readonly randomize: LatticeRandomize;
  readonly seed: number;
  /** Largest supported number of points is 2^mMax. */
  readonly mMax: number;
  /** The random shift Delta (null when randomize = "none"). */
  readonly shift: Float64Array | null;
  private readonly options: LatticeOptions;

  constructor(dim: number, options: LatticeOptions = {}) {
    const fn = "Lattice";
    this.options = options;
    const user = options.generatingVector;
    checkDim(fn, dim, user === undefined ? KUO_LATTICE_DIM : user.length);
    this.dim = dim;
    this.order = checkChoice(fn, "order", options.order ?? "natural", ORDERS);
    this.randomize = checkChoice(fn, "randomize", options.randomize ?? "shift", RANDOMIZE);
    this.seed = resolveSeed(fn, options.seed);
    if (user === undefined) {
      this.generatingVector = kuoLatticeVector().slice(0, dim);
    } else {
      const v = new Uint32Array(dim);
      for (let j = 0; j < dim; j++) {
        const a = user[j];
        if (!Number.isInteger(a) || a < 0 || a >= TWO_POW_32)
          throw new ValueError(fn, `generatingVector[${j}]`, "an integer in [0, 2^32)", String(a));
        v[j] = a;
      }
      this.generatingVector = v;
    }
    const mMax = options.mMax ?? (user === undefined ? KUO_LATTICE_M_MAX : 32);
    if (!Number.isInteger(mMax) || mMax < 0 || mMax > 32)
      throw new ValueError(fn, "mMax", "an integer in [0, 32]", String(mMax));
    this.mMax = mMax;
    if (this.randomize === "shift") {
      const rng = new Rng(this.seed);
      this.shift = new Float64Array(dim);
      for (let j = 0; j < dim; j++) this.shift[j] = rng.nextFloat();
    } else {
      this.shift = null;
    }
  }

  gen(n: number, options?: GenOptions): Float64Array {
    return genPoints("Lattice.gen", this.dim, n, options, 2 ** this.mMax, (out, start) => {
      if (this.order === "linear") {
        if (start !== 0)
          throw new ValueError(
            "Lattice.gen",
            "start",
            "0 for order 'linear' (its points depend on n; use order 'natural' to extend)",
            String(start),
          );
        this.fillLinear(out, n, 0, n);
      } else {
        this.fillRadicalInverse(out, start, n);
      }
    });
  }

  /**
   * Chunks of at most chunkSize points whose concatenation equals gen(n, { start }).
   * For order "linear" the chunks are the n-point linear lattice (start must be 0).
   */
  stream(
    n: number,
    chunkSize: number,
    options?: StreamOptions,
  ): Generator<Float64Array, void, undefined> {
    const fn = "Lattice.stream";
    checkRange(fn, 0, n, options, 2 ** this.mMax);
    if (this.order === "linear" && (options?.start ?? 0) !== 0)
      throw new ValueError(fn, "start", "0 for order 'linear'", String(options?.start));
    return streamChunks(fn, n, chunkSize, options, (count, first) => {
      const out = new Float64Array(count * this.dim);
      if (this.order === "linear") this.fillLinear(out, n, first, count);
      else this.fillRadicalInverse(out, first, count);
      return out;
    });
  }

  spawn(seed: number): Lattice {
    return new Lattice(this.dim, { ...this.options, seed });
  }

  private fillRadicalInverse(out: Float64Array, start: number, n: number): void {
    const { dim, generatingVector: a } = this;
    const gray = this.order === "gray";
    const shift = this.shift ?? new Float64Array(dim); // adding +0 leaves points unchanged
    for (let i = 0; i < n; i++) {
      const index = start + i;
      const phi = reverseBits32(gray ? grayCode(index) : index);
      const row = i * dim;
      for (let j = 0; j < dim; j++) {
        // exact: (phi * a mod 2^32) / 2^32, then one rounded addition of the shift
        // x < 2, so x - floor(x) subtracts 0 or 1 exactly (branch-free: the shifted values
        // cross 1 at random, which a branch would mispredict half the time)
        const x = (Math.imul(phi, a[j]) >>> 0) * INV_2_32 + shift[j];
        out[row + j] = x - Math.floor(x);
      }
    }
  }

  private fillLinear(out: Float64Array, total: number, first: number, count: number): void {
    const { dim, generatingVector: a, shift } = this;
    for (let i = 0; i < count; i++) {
      const row = i * dim;
      for (let j = 0; j < dim; j++) out[row + j] = mulMod(first + i, a[j], total) / total;
    }
    if (shift !== null) applyShift(out, count, dim, shift);
  }
}

/** u <- frac(u + shift) in place; u + shift < 2, so one conditional subtraction (exact). */
function applyShift(out: Float64Array, n: number, dim: number, shift: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const row = i * dim;
    for (let j = 0; j < dim; j++) {
      const x = out[row + j] + shift[j];
      out[row + j] = x >= 1 ? x - 1 : x;
    }
  }
}
