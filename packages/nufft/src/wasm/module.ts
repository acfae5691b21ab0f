/**
 * WebAssembly SIMD spreading and interpolation kernels, generated for one kernel width w and
 * polynomial degree (everything over w unrolled: the w kernel values and the w-long complex
 * row updates live in v128 locals / immediate load offsets, which is what makes them fast).
 *
 * Each function works on a NON-periodic subgrid in the module's memory (x fastest, complex
 * interleaved, one complex value per f64x2) and a run of points whose grid coordinates and
 * complex strengths (spreading) or outputs (interpolation) the caller has copied in:
 *
 *   spread{d}(n, px, py, pz, pc, psub, off0, off1, off2, s0, s1)
 *   interp{d}(n, px, py, pz, pc, psub, off0, off1, off2, s0, s1)
 *
 * with byte addresses px, py, pz (f64 coordinates, unused dimensions ignored), pc (n complex
 * values), psub (the subgrid, s0 x s1 x ... cells, whose cell 0 is fine-grid index off) and the
 * kernel table at COEF_ADDRESS, written by the caller: coefficient d of panels (2p, 2p + 1) as
 * the f64x2 at COEF_ADDRESS + 16 (d P + p), P = ceil(w / 2) (a missing odd panel is 0).
 *
 * Spreading uses the float64 operations of the JS reference (spread/spread.ts,
 * kernel/piecewise-poly.ts) in the same order, without FMA: kernel values by the same Estrin
 * tree at u = 2 (i1 - G + w/2) - 1 with i1 = ceil(G - w/2), and (c ky[b]) kx[a]
 * (3-D: ((c kz[c]) ky[b]) kx[a]) added to each cell, so it differs from the JS only by the
 * order in which the caller adds subgrids. Interpolation forms the same products but sums
 * over y (and z) first, into w accumulators (one per x offset), and applies kx last: round-off
 * level differences from the JS (which sums along x first), in exchange for w independent add
 * chains instead of one serial chain per row.
 *
 * Register budget (x64 has 16 vector registers): the x kernel values stay in locals for
 * spreading; the y and z values (and x for interpolation) are parked in small scratch areas
 * of memory and loaded once per row / plane.
 */
import {
  assembleModule,
  BROADCAST_LANE,
  F64,
  FunctionBody,
  I32,
  Op,
  Simd,
  V128,
} from "./assembler.js";

// Memory map below DATA_ADDRESS (w <= 16, so a scratch of w f64x2 values takes <= 256 bytes):
/** Scratch for the w duplicated z kernel values (3-D loops over z at run time). */
export const KZ_ADDRESS = 0;
/** The kernel coefficient table: (degree + 1) ceil(w / 2) f64x2 values, <= 3200 bytes. */
export const COEF_ADDRESS = 256;
/** Scratch for the w duplicated y kernel values (loaded once per row, freeing registers). */
export const KY_ADDRESS = 3584;
/** Scratch for the x kernel values of 2-D / 3-D interpolation (used once, at the end). */
export const KX_ADDRESS = 3840;
/** First byte free for the caller's data (coordinates, strengths, subgrid). */
export const DATA_ADDRESS = 4096;

/** Parameter indices. */
const P_N = 0;
const P_X = 1;
const P_C = 4;
const P_SUB = 5;
const P_OFF = 6;
const P_S0 = 9;
const P_S1 = 10;
const N_PARAMS = 11;

interface Kernel1D {
  /**
   * Kernel value j in both lanes: w v128 locals (x), or stored at byte address `at` (y, z:
   * x64 has 16 vector registers, and the x values plus temporaries fill them).
   */
  readonly k: number[];
  readonly at: number | null;
  /** i32 local: first grid index minus the subgrid offset. */
  readonly idx: number;
}

class Generator {
  readonly f = new FunctionBody(N_PARAMS);
  private readonly pairs: number;
  private readonly g: number;
  private readonly t: number;
  private readonly u: number;
  /** Per dimension: u^(2^k) in both lanes, k = 0 .. levels - 1 (Estrin's powers). */
  private readonly powers: number[][] = [];
  private readonly levels: number;
  private readonly acc: number[][] = [];
  constructor(
    readonly width: number,
    readonly degree: number,
  ) {
    this.pairs = Math.ceil(width / 2);
    this.levels = Math.max(1, Math.ceil(Math.log2(degree + 1)));
    this.g = this.f.local(F64);
    this.t = this.f.local(F64);
    this.u = this.f.local(F64);
    for (let d = 0; d < 3; d++) {
      const pw: number[] = [];
      for (let k = 0; k < this.levels; k++) pw.push(this.f.local(V128));
      this.powers.push(pw);
      const acc: number[] = [];
      for (let p = 0; p < this.pairs; p++) acc.push(this.f.local(V128));
      this.acc.push(acc);
    }
  }

  newKernel(at: number | null): Kernel1D {
    const k: number[] = [];
    if (at === null) for (let j = 0; j < this.width; j++) k.push(this.f.local(V128));
    return { k, at, idx: this.f.local(I32) };
  }

  /**
   * Push Estrin's value of coefficients [lo, lo + n) of pair p (kernel/piecewise-poly.ts
   * `estrin`: the same tree, so the same float64 operations as the JS).
   */
  private estrin(dim: number, p: number, lo: number, n: number): void {
    const { f } = this;
    if (n === 1) {
      f.i32(0);
      f.vload(COEF_ADDRESS + 16 * (lo * this.pairs + p));
      return;
    }
    const level = Math.ceil(Math.log2(n)) - 1;
    const h = 1 << level;
    this.estrin(dim, p, lo, h);
    this.estrin(dim, p, lo + h, n - h);
    f.get(this.powers[dim][level]);
    f.simd(Simd.f64x2Mul);
    f.simd(Simd.f64x2Add);
  }

  /**
   * Kernel values and first indices of the current point in every dimension: u per dimension,
   * then every (dimension, pair) polynomial as an independent Estrin tree.
   */
  kernels(out: Kernel1D[]): void {
    const { f, g, t, u, powers, acc, pairs, degree } = this;
    const half = this.width / 2;
    const dims = out.length;
    for (let dim = 0; dim < dims; dim++) {
      f.get(P_X + dim);
      f.f64load(0);
      f.set(g);
      f.get(g);
      f.f64(half);
      f.emit(Op.f64Sub, Op.f64Ceil);
      f.set(t);
      // u = 2 * ((t - g) + half) - 1
      f.f64(2);
      f.get(t);
      f.get(g);
      f.emit(Op.f64Sub);
      f.f64(half);
      f.emit(Op.f64Add, Op.f64Mul);
      f.f64(1);
      f.emit(Op.f64Sub);
      f.set(u);
      f.get(t);
      f.emit(Op.i32TruncF64S);
      f.get(P_OFF + dim);
      f.emit(Op.i32Sub);
      f.set(out[dim].idx);
      const pw = powers[dim];
      f.get(u);
      f.simd(Simd.f64x2Splat);
      f.set(pw[0]);
      for (let k = 1; k < pw.length; k++) this.mul(pw[k], pw[k - 1], pw[k - 1]);
    }
    for (let p = 0; p < pairs; p++) {
      for (let dim = 0; dim < dims; dim++) {
        this.estrin(dim, p, 0, degree + 1);
        f.set(acc[dim][p]);
      }
    }
    for (let dim = 0; dim < dims; dim++) {
      const at = out[dim].at;
      for (let j = 0; j < this.width; j++) {
        if (at !== null) f.i32(0);
        f.get(acc[dim][j >> 1]);
        f.get(acc[dim][j >> 1]);
        f.simd(Simd.shuffle, ...BROADCAST_LANE[j & 1]);
        if (at === null) f.set(out[dim].k[j]);
        else f.vstore(at + 16 * j);
      }
    }
  }

  /** local = 16 * (((idx[dim - 1] * s_{dim - 2}) + ...) ... + idx[0]) + psub. */
  cellAddress(dst: number, kernels: Kernel1D[]): void {
    const { f } = this;
    const d = kernels.length;
    f.get(kernels[d - 1].idx);
    for (let e = d - 2; e >= 0; e--) {
      f.get(P_S0 + e);
      f.emit(Op.i32Mul);
      f.get(kernels[e].idx);
      f.emit(Op.i32Add);
    }
    f.i32(16);
    f.emit(Op.i32Mul);
    f.get(P_SUB);
    f.emit(Op.i32Add);
    f.set(dst);
  }

  /** dst = a * b (f64x2). */
  mul(dst: number, a: number, b: number): void {
    this.f.get(a);
    this.f.get(b);
    this.f.simd(Simd.f64x2Mul);
    this.f.set(dst);
  }

  /** row[a] += kx[a] * v for the w cells of the row at byte address `row`. */
  axpyRow(row: number, kx: number[], v: number): void {
    const { f } = this;
    for (let a = 0; a < this.width; a++) {
      f.get(row);
      f.get(row);
      f.vload(16 * a);
      f.get(kx[a]);
      f.get(v);
      f.simd(Simd.f64x2Mul);
      f.simd(Simd.f64x2Add);
      f.vstore(16 * a);
    }
  }

  /** dst = sum_a row[a] kx[a], summed in order from 0. */
  dotRow(dst: number, row: number, kx: number[]): void {
    const { f } = this;
    f.simd(Simd.const, ...new Array<number>(16).fill(0));
    for (let a = 0; a < this.width; a++) {
      f.get(row);
      f.vload(16 * a);
      f.get(kx[a]);
      f.simd(Simd.f64x2Mul);
      f.simd(Simd.f64x2Add);
    }
    f.set(dst);
  }

  zero(dst: number): void {
    this.f.simd(Simd.const, ...new Array<number>(16).fill(0));
    this.f.set(dst);
  }

  /** x += c (i32). */
  addConst(x: number, c: number): void {
    this.f.get(x);
    this.f.i32(c);
    this.f.emit(Op.i32Add);
    this.f.set(x);
  }

  addLocal(x: number, y: number): void {
    this.f.get(x);
    this.f.get(y);
    this.f.emit(Op.i32Add);
    this.f.set(x);
  }

  /** `block; loop; br_if (counter >= limit) out; body; br loop; end; end`. */
  loop(counter: number, limit: () => void, body: () => void): void {
    const { f } = this;
    f.emit(Op.block, 0x40, Op.loop, 0x40);
    f.get(counter);
    limit();
    f.emit(Op.i32GeS, Op.brIf, 1);
    body();
    f.emit(Op.br, 0, Op.end, Op.end);
  }
}

function generate(dim: 1 | 2 | 3, spread: boolean, width: number, degree: number): FunctionBody {
  const gen = new Generator(width, degree);
  const { f } = gen;
  const i = f.local(I32);
  const row = f.local(I32);
  const plane = f.local(I32);
  const rowStride = f.local(I32);
  const planeStride = f.local(I32);
  const zByte = f.local(I32);
  const cv = f.local(V128);
  const v = f.local(V128);
  const zc = f.local(V128);
  const acc = f.local(V128);
  const kernels: Kernel1D[] = [];
  kernels.push(gen.newKernel(spread || dim === 1 ? null : KX_ADDRESS));
  if (dim > 1) kernels.push(gen.newKernel(KY_ADDRESS));
  if (dim > 2) kernels.push(gen.newKernel(KZ_ADDRESS));
  // rowStride = 16 s0, planeStride = 16 s0 s1 (bytes).
  f.get(P_S0);
  f.i32(16);
  f.emit(Op.i32Mul);
  f.set(rowStride);
  f.get(rowStride);
  f.get(P_S1);
  f.emit(Op.i32Mul);
  f.set(planeStride);
  f.i32(0);
  f.set(i);
  const kx = kernels[0].k;
  // Interpolation keeps one accumulator per x offset a (w independent chains) and sums the
  // rows weighted by ky[b] (3-D: ky[b] kz[c]) into them; the x kernel is applied once at the
  // end: sum_a kx[a] sum_b ky[b] row_b[a]. Same products as the JS reference, summed in another
  // order (round-off), but without the JS order's serial chain of adds along each row.
  const xAcc: number[] = [];
  if (!spread) for (let a = 0; a < width; a++) xAcc.push(f.local(V128));
  const addRowInto = (weight: number): void => {
    for (let a = 0; a < width; a++) {
      f.get(xAcc[a]);
      f.get(row);
      f.vload(16 * a);
      f.get(weight);
      f.simd(Simd.f64x2Mul);
      f.simd(Simd.f64x2Add);
      f.set(xAcc[a]);
    }
  };
  /**
   * The w rows of one plane starting at `row` (advanced), weighted by ky[b] times `weight`
   * (null: ky[b] alone).
   */
  const rows = (weight: number | null): void => {
    for (let b = 0; b < width; b++) {
      if (weight !== null) f.get(weight);
      f.i32(0);
      f.vload(KY_ADDRESS + 16 * b);
      if (weight !== null) f.simd(Simd.f64x2Mul);
      f.set(v);
      if (spread) gen.axpyRow(row, kx, v);
      else addRowInto(v);
      if (b < width - 1) gen.addLocal(row, rowStride);
    }
  };
  gen.loop(
    i,
    () => f.get(P_N),
    () => {
      gen.kernels(kernels);
      if (spread) {
        f.get(P_C);
        f.vload(0);
        f.set(cv);
      } else if (dim > 1) {
        for (const x of xAcc) gen.zero(x);
      }
      gen.cellAddress(row, kernels);
      if (dim === 1) {
        if (spread) gen.axpyRow(row, kx, cv);
        else gen.dotRow(acc, row, kx);
      } else if (dim === 2) {
        rows(spread ? cv : null);
      } else {
        // z runs as a loop over the duplicated kz values parked at KZ_ADDRESS.
        f.get(row);
        f.set(plane);
        f.i32(KZ_ADDRESS);
        f.set(zByte);
        gen.loop(
          zByte,
          () => f.i32(KZ_ADDRESS + 16 * width),
          () => {
            f.get(plane);
            f.set(row);
            f.get(zByte);
            f.vload(0);
            f.set(zc); // kz[c] in both lanes
            if (spread) gen.mul(zc, cv, zc);
            rows(zc);
            gen.addLocal(plane, planeStride);
            gen.addConst(zByte, 16);
          },
        );
      }
      if (!spread) {
        if (dim > 1) {
          // acc = sum_a kx[a] xAcc[a], in order.
          gen.zero(acc);
          for (let a = 0; a < width; a++) {
            f.get(acc);
            f.get(xAcc[a]);
            f.i32(0);
            f.vload(KX_ADDRESS + 16 * a);
            f.simd(Simd.f64x2Mul);
            f.simd(Simd.f64x2Add);
            f.set(acc);
          }
        }
        f.get(P_C);
        f.get(acc);
        f.vstore(0);
      }
      for (let d = 0; d < dim; d++) gen.addConst(P_X + d, 8);
      gen.addConst(P_C, 16);
      gen.addConst(i, 1);
    },
  );
  return f;
}

/**
 * Permuted copies of n complex values (16 bytes each), with u32 indices at pperm:
 *   gather:  dst[i] = src[perm[i]]      scatter: dst[perm[i]] = src[i]
 * (parameters n, pperm, psrc, pdst; the rest unused). The random accesses of a bin-sorted
 * permutation miss the caches; this loop of a few instructions keeps many misses in flight
 * (measured ~5x faster than the same loop over typed arrays in JS).
 */
function generatePermute(scatter: boolean): FunctionBody {
  const f = new FunctionBody(N_PARAMS);
  const i = f.local(I32);
  const indexed = (base: number) => {
    // base + 16 * perm[i]
    f.get(base);
    f.get(1);
    f.get(i);
    f.i32(2);
    f.emit(Op.i32Shl, Op.i32Add, Op.i32Load, 2, 0);
    f.i32(4);
    f.emit(Op.i32Shl, Op.i32Add);
  };
  const linear = (base: number) => {
    f.get(base);
    f.get(i);
    f.i32(4);
    f.emit(Op.i32Shl, Op.i32Add);
  };
  f.i32(0);
  f.set(i);
  f.emit(Op.block, 0x40, Op.loop, 0x40);
  f.get(i);
  f.get(0);
  f.emit(Op.i32GeS, Op.brIf, 1);
  if (scatter) indexed(3);
  else linear(3);
  if (scatter) linear(2);
  else indexed(2);
  f.vload(0);
  f.vstore(0);
  f.get(i);
  f.i32(1);
  f.emit(Op.i32Add);
  f.set(i);
  f.emit(Op.br, 0, Op.end, Op.end);
  return f;
}

export type KernelFunction = (
  n: number,
  px: number,
  py: number,
  pz: number,
  pc: number,
  psub: number,
  off0: number,
  off1: number,
  off2: number,
  s0: number,
  s1: number,
) => void;

export interface SpreadInterpModule {
  readonly memory: WebAssembly.Memory;
  /** Index dim - 1. */
  readonly spread: readonly KernelFunction[];
  readonly interp: readonly KernelFunction[];
  /** gather / scatter (n, pperm, psrc, pdst, ...0): see generatePermute. */
  readonly gather: KernelFunction;
  readonly scatter: KernelFunction;
}

const modules = new Map<string, SpreadInterpModule | null>();

/**
 * The module for this width and degree, compiled synchronously at first use (a few ms) and
 * cached; null where WebAssembly SIMD is missing or blocked (the JS loops run instead).
 */
export function spreadInterpModule(width: number, degree: number): SpreadInterpModule | null {
  const key = `${width}:${degree}`;
  const hit = modules.get(key);
  if (hit !== undefined) return hit;
  let result: SpreadInterpModule | null = null;
  const fits = width <= 16 && 16 * (degree + 1) * Math.ceil(width / 2) <= KY_ADDRESS - COEF_ADDRESS;
  try {
    if (typeof WebAssembly === "object" && fits) {
      const fns: { name: string; body: FunctionBody }[] = [];
      for (const d of [1, 2, 3] as const) {
        fns.push({ name: `spread${d}`, body: generate(d, true, width, degree) });
        fns.push({ name: `interp${d}`, body: generate(d, false, width, degree) });
      }
      fns.push({ name: "gather", body: generatePermute(false) });
      fns.push({ name: "scatter", body: generatePermute(true) });
      const bytes = assembleModule(N_PARAMS, fns, 16);
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
      const ex = instance.exports as Record<string, unknown>;
      const fn = (name: string) => ex[name] as KernelFunction;
      result = {
        memory: ex.memory as WebAssembly.Memory,
        spread: [fn("spread1"), fn("spread2"), fn("spread3")],
        interp: [fn("interp1"), fn("interp2"), fn("interp3")],
        gather: fn("gather"),
        scatter: fn("scatter"),
      };
    }
  } catch {
    result = null;
  }
  modules.set(key, result);
  return result;
}
