/**
 * NufftPlan: FINUFFT's guru interface (makeplan / setpts / execute / destroy) for types 1, 2, 3
 * in 1-3 dimensions. Conventions in types.ts. Stages, one file each:
 *   kernel/   ES kernel parameters, piecewise-polynomial evaluation, Fourier transform (quadrature)
 *   spread/   point geometry and bin sort, spreading (whole grid or caller subgrids)
 *   interp/   interpolation (transpose of spreading)
 *   fft-grid  n-D FFT over the fine grid (one @modewise/fft plan per dimension, pruned)
 *   deconvolve  division by the kernel's transform, mode ordering
 *   type3/    rescaling, pre/post phases, inner type-2 transform
 *
 * A plan holds the kernel, the FFT plans, the deconvolution factors and one fine-grid scratch
 * array; setPoints may be called any number of times (new points, same everything else), and
 * execute any number of times per point set (new strengths).
 */
import type { Direction } from "@modewise/fft";
import { NotImplementedError, ShapeError, ValueError } from "@modewise/tensor";
import { Deconvolver } from "./deconvolve.js";
import { FineGridFFT } from "./fft-grid.js";
import { fineGridSize } from "./fine-grid.js";
import { interpAll } from "./interp/interp.js";
import { kernelParams } from "./kernel/es-kernel.js";
import { KernelTransform } from "./kernel/fourier.js";
import { type PiecewisePoly, piecewisePoly } from "./kernel/piecewise-poly.js";
import { fineGridFFTThreaded } from "./parallel/fine-fft.js";
import { checkThreads, sharedPool, sharedScratch } from "./parallel/pool.js";
import {
  effectiveThreads,
  interpAllThreaded,
  sharedView,
  spreadAllThreaded,
} from "./parallel/spread-interp.js";
import { buildGeometry, type SpreadGeometry, torusToGrid } from "./spread/geometry.js";
import { spreadAll } from "./spread/spread.js";
import { Type3Stage, type3Geometry } from "./type3/type3.js";
import type { ComplexArray, Coords, NufftOptions, NufftType, PlanInfo, Sign } from "./types.js";
import {
  checkComplex,
  checkCoords,
  checkCount,
  checkDim,
  checkEps,
  checkFineGrid,
  checkModeOrder,
  checkModes,
  checkOut,
  checkPrecision,
  checkSign,
  checkType,
  checkUpsampfac,
} from "./validate.js";

const product = (a: readonly number[]): number => a.reduce((p, n) => p * n, 1);

export class NufftPlan {
  readonly type: NufftType;
  readonly dim: 1 | 2 | 3;
  readonly info: PlanInfo;
  private readonly kernel: PiecewisePoly;
  private readonly transform: KernelTransform;
  // Types 1, 2:
  private readonly nModes: number[];
  private readonly fine: number[];
  private readonly fft: FineGridFFT | undefined;
  private readonly deconv: Deconvolver | undefined;
  private grid: Float64Array | undefined;
  private geom: SpreadGeometry | undefined;
  private spreadOnlyGeom: SpreadGeometry | undefined;
  private torusPoints: Float64Array[] | undefined;
  // Type 3:
  private type3: Type3Stage | undefined;
  private type3Inner: NufftPlan | undefined;
  private type3Adjoint: NufftPlan | undefined;
  private type3Points: { x: Float64Array[]; s: Float64Array[] } | undefined;
  private disposed = false;
  private m = 0;
  private nTargets = 0;

  /**
   * @param type 1, 2 or 3.
   * @param nModesOrDim types 1, 2: modes per dimension [N1] | [N1, N2] | [N1, N2, N3];
   *   type 3: the dimension 1, 2 or 3.
   */
  constructor(type: NufftType, nModesOrDim: readonly number[] | number, opts: NufftOptions = {}) {
    const fn = "makePlan";
    this.type = checkType(fn, type);
    const precision = checkPrecision(fn, opts.precision ?? "f64");
    const upsampfac = checkUpsampfac(fn, opts.upsampfac ?? 2);
    const isign = checkSign(fn, opts.isign ?? (type === 2 ? -1 : 1));
    const modeOrder = checkModeOrder(fn, opts.modeOrder ?? "cmcl");
    const nTransforms = checkCount(fn, "nTransforms", opts.nTransforms ?? 1);
    const threads = checkThreads(opts.threads, fn);
    const { eps, clamped } = checkEps(fn, opts.eps ?? 1e-6, precision, upsampfac, this.type);
    if (type === 3) {
      this.dim = checkDim(fn, nModesOrDim);
      this.nModes = [];
    } else {
      if (typeof nModesOrDim === "number") {
        throw new ShapeError(
          fn,
          "nModes",
          "an array of mode counts for types 1 and 2",
          String(nModesOrDim),
        );
      }
      this.nModes = checkModes(fn, nModesOrDim);
      this.dim = this.nModes.length as 1 | 2 | 3;
    }
    const { width, beta } = kernelParams(eps, upsampfac);
    this.kernel = piecewisePoly(width, beta, eps);
    this.transform = new KernelTransform(width, beta);
    if (type !== 3) {
      this.fine = this.nModes.map((n) => fineGridSize(n, upsampfac, width));
      checkFineGrid(fn, "nModes", this.fine);
      this.deconv = new Deconvolver(this.nModes, this.fine, modeOrder, this.transform);
      this.fft = new FineGridFFT(this.fine, this.deconv.fineIndex);
    } else {
      this.fine = [];
    }
    this.info = {
      type,
      dim: this.dim,
      nModes: this.nModes,
      fineGrid: this.fine,
      width,
      beta,
      polyDegree: this.kernel.degree,
      eps,
      epsClamped: clamped,
      isign,
      upsampfac,
      modeOrder,
      precision,
      nTransforms,
      threads,
    };
  }

  /** Number of nonuniform points M of the current point set (0 before setPoints). */
  get nPoints(): number {
    return this.m;
  }

  /** Type 3: number of target frequencies N of the current point set. */
  get nFrequencies(): number {
    return this.nTargets;
  }

  /** Complex entries per transform of execute's input (strengths for 1, 3; modes for 2). */
  get inputSize(): number {
    return this.type === 2 ? product(this.nModes) : this.m;
  }

  /** Complex entries per transform of execute's output. */
  get outputSize(): number {
    if (this.type === 1) return product(this.nModes);
    return this.type === 2 ? this.m : this.nTargets;
  }

  /**
   * Set (or replace) the nonuniform points. Types 1, 2: x (and y, z for 2-D, 3-D) on the torus,
   * any finite value, folded into [-pi, pi). Type 3: source points x, y, z and target
   * frequencies s, t, u (as many as the dimension), any finite values. Arrays are copied.
   */
  setPoints(x: Coords, y?: Coords, z?: Coords, s?: Coords, t?: Coords, u?: Coords): void {
    const fn = "setPoints";
    this.assertLive(fn);
    const names = ["x", "y", "z"];
    const given = [x, y, z];
    const pts: Float64Array[] = [];
    for (let d = 0; d < 3; d++) {
      if (d < this.dim) {
        if (given[d] === undefined) {
          throw new ShapeError(fn, names[d], `coordinates (plan is ${this.dim}-D)`, "undefined");
        }
        pts.push(checkCoords(fn, names[d], given[d], d === 0 ? -1 : pts[0].length));
      } else if (given[d] !== undefined) {
        throw new ShapeError(fn, names[d], `undefined (plan is ${this.dim}-D)`, "coordinates");
      }
    }
    this.m = pts[0].length;
    if (this.type !== 3) {
      if (s !== undefined || t !== undefined || u !== undefined) {
        throw new ShapeError(fn, "s", "no target frequencies (only type 3 takes them)", "an array");
      }
      this.torusPoints = pts;
      // In shared memory when the plan spreads on worker threads (parallel/spread-interp.ts).
      this.geom = buildGeometry(
        pts.map((p, d) => torusToGrid(p, this.fine[d])),
        this.fine,
        this.kernel,
        this.info.threads > 1,
      );
      this.spreadOnlyGeom = undefined;
      return;
    }
    const fnames = ["s", "t", "u"];
    const fgiven = [s, t, u];
    const freqs: Float64Array[] = [];
    for (let d = 0; d < 3; d++) {
      if (d < this.dim) {
        if (fgiven[d] === undefined) {
          throw new ShapeError(
            fn,
            fnames[d],
            `target frequencies (plan is ${this.dim}-D)`,
            "undefined",
          );
        }
        freqs.push(checkCoords(fn, fnames[d], fgiven[d], d === 0 ? -1 : freqs[0].length));
      } else if (fgiven[d] !== undefined) {
        throw new ShapeError(fn, fnames[d], `undefined (plan is ${this.dim}-D)`, "frequencies");
      }
    }
    this.nTargets = freqs[0].length;
    this.type3Points = { x: pts, s: freqs };
    this.type3Adjoint = undefined;
    const geo = type3Geometry(pts, freqs, this.info.upsampfac, this.info.width);
    // The grid is set by (extent of x) * (extent of s) per dimension.
    checkFineGrid(fn, "s", geo.fine);
    const stage = new Type3Stage(geo, pts, freqs, this.info.isign, this.kernel, this.transform);
    const inner = new NufftPlan(2, geo.fine, {
      eps: this.info.eps,
      isign: this.info.isign,
      upsampfac: this.info.upsampfac,
      precision: "f64",
      threads: this.info.threads,
    });
    const innerPoints = stage.innerPoints;
    inner.setPoints(innerPoints[0], innerPoints[1], innerPoints[2]);
    stage.setInner({
      type2Into: (modes, out) => inner.type2Block(modes, 0, out, 0, inner.info.isign),
    });
    this.type3 = stage;
    this.type3Inner = inner;
  }

  /**
   * Run the transform: type 1 strengths -> modes, type 2 modes -> values at the points, type 3
   * strengths -> values at the target frequencies. `input` holds nTransforms contiguous blocks.
   */
  execute(input: ComplexArray, out?: ComplexArray): ComplexArray {
    const fn = "execute";
    this.assertReady(fn);
    const T = this.info.nTransforms;
    const inp = checkComplex(
      fn,
      "input",
      input,
      this.info.precision,
      T * this.inputSize,
      this.describeInput(),
    );
    const res = checkOut(
      fn,
      out,
      this.info.precision,
      T * this.outputSize,
      "the transform's output",
    );
    this.run(this.type, this.info.isign, inp, res);
    return res;
  }

  /**
   * The adjoint (conjugate transpose) of execute: type 1 -> type 2 with the opposite sign on the
   * same points (modes -> values), type 2 -> type 1 with the opposite sign, type 3 -> type 3 from
   * the frequencies back to the points with the opposite sign. <A a, b> = <a, A^H b>.
   */
  adjoint(input: ComplexArray, out?: ComplexArray): ComplexArray {
    const fn = "adjoint";
    this.assertReady(fn);
    const T = this.info.nTransforms;
    const inp = checkComplex(
      fn,
      "input",
      input,
      this.info.precision,
      T * this.outputSize,
      "the transform's output space",
    );
    const res = checkOut(
      fn,
      out,
      this.info.precision,
      T * this.inputSize,
      "the transform's input space",
    );
    const flipped = -this.info.isign as Sign;
    if (this.type === 3) {
      const adj = this.adjointType3();
      adj.execute(inp, res);
      return res;
    }
    this.run(this.type === 1 ? 2 : 1, flipped, inp, res);
    return res;
  }

  /**
   * Spread only (FINUFFT's spreadinterponly, type 1 direction): grid[l] = sum_j c_j psi(l - G_j)
   * on a grid of exactly nModes points per dimension (no upsampling, FFT or deconvolution), grid
   * index l at x = -pi + 2 pi l / N (x fastest). Needs N_d >= 2w. Types 1 and 2 plans.
   */
  spread(strengths: ComplexArray, out?: ComplexArray): ComplexArray {
    const fn = "spread";
    const geom = this.spreadOnlyGeometry(fn);
    const T = this.info.nTransforms;
    const cells = product(this.nModes);
    const inp = checkComplex(
      fn,
      "strengths",
      strengths,
      this.info.precision,
      T * this.m,
      "M strengths per transform",
    );
    const res = checkOut(fn, out, this.info.precision, T * cells, "the spread grid");
    const grid = new Float64Array(2 * cells);
    for (let k = 0; k < T; k++) {
      spreadAll(geom, inp, k * this.m, grid);
      res.set(grid, 2 * k * cells);
    }
    return res;
  }

  /** Interpolate only (the transpose of spread): values at the points from an nModes grid. */
  interp(grid: ComplexArray, out?: ComplexArray): ComplexArray {
    const fn = "interp";
    const geom = this.spreadOnlyGeometry(fn);
    const T = this.info.nTransforms;
    const cells = product(this.nModes);
    const inp = checkComplex(fn, "grid", grid, this.info.precision, T * cells, "the spread grid");
    const res = checkOut(fn, out, this.info.precision, T * this.m, "M values per transform");
    const g = new Float64Array(2 * cells);
    for (let k = 0; k < T; k++) {
      g.set(inp.subarray(2 * k * cells, 2 * (k + 1) * cells));
      interpAll(geom, g, res, k * this.m);
    }
    return res;
  }

  /** The spreading geometry of the plan's fine grid (sorted points), for parallel spreaders. */
  geometry(): SpreadGeometry {
    this.assertReady("geometry");
    if (this.type === 3) return (this.type3 as Type3Stage).geometry;
    return this.geom as SpreadGeometry;
  }

  /**
   * Type 1 from an already spread fine grid (e.g. by spreadSubproblem + addSubgrid in workers):
   * FFT in place, then deconvolve into out (complex offset outOffset), f64 or f32.
   */
  finishType1(fineGrid: Float64Array, out: ComplexArray, outOffset: number, isign?: Sign): void {
    this.assertReady("finishType1");
    if (this.type === 3)
      throw new NotImplementedError("finishType1", "type 3 plans have no mode grid");
    (this.fft as FineGridFFT).afterSpread(fineGrid, (isign ?? this.typeOneSign()) as Direction);
    (this.deconv as Deconvolver).extract(fineGrid, out, outOffset);
  }

  /** Type 2 up to interpolation: deconvolve modes into fineGrid (zeroed here), FFT in place. */
  prepareType2(modes: ComplexArray, inOffset: number, fineGrid: Float64Array, isign?: Sign): void {
    this.assertReady("prepareType2");
    if (this.type === 3)
      throw new NotImplementedError("prepareType2", "type 3 plans have no mode grid");
    (this.deconv as Deconvolver).inject(modes, inOffset, fineGrid);
    const sign = isign ?? (this.type === 2 ? this.info.isign : (-this.info.isign as Sign));
    (this.fft as FineGridFFT).beforeInterp(fineGrid, sign as Direction);
  }

  /** Release the scratch memory; any later call is a ValueError. */
  dispose(): void {
    this.disposed = true;
    this.grid = undefined;
    this.geom = undefined;
    this.spreadOnlyGeom = undefined;
    this.torusPoints = undefined;
    this.type3 = undefined;
    this.type3Inner?.dispose();
    this.type3Inner = undefined;
    this.type3Adjoint?.dispose();
    this.type3Adjoint = undefined;
  }

  /** @internal One type-2 block (used by the type-3 stage): modes (f64) -> values at points. */
  type2Block(
    modes: ComplexArray,
    inOffset: number,
    out: ComplexArray,
    outOffset: number,
    isign: Sign,
  ): void {
    const t = effectiveThreads(this.m, this.info.threads);
    this.modesBlock(false, isign, modes, inOffset, out, outOffset, t);
  }

  /**
   * @internal Every block of a type 1 (spreads: nonuniform -> modes) or type 2 (modes ->
   * nonuniform) transform with exponent sign `sign` on `threads` threads: execute, adjoint and
   * executeThreaded (parallel/execute.ts) all run this. Inputs and outputs are validated.
   */
  runModes(
    spreads: boolean,
    sign: Sign,
    inp: ComplexArray,
    res: ComplexArray,
    threads: number,
  ): void {
    const T = this.info.nTransforms;
    const cells = product(this.nModes);
    const m = this.m;
    const t = effectiveThreads(m, threads);
    // Strengths into shared memory once for all blocks (the workers read them in place).
    const src = spreads && t > 1 ? sharedView(inp, "strengths") : inp;
    for (let k = 0; k < T; k++) {
      if (spreads) this.modesBlock(true, sign, src, k * m, res, k * cells, t);
      else this.modesBlock(false, sign, src, k * cells, res, k * m, t);
    }
  }

  /**
   * One block on t (effective) threads. With t > 1 the fine grid lives in shared memory and
   * the spreading / interpolation and the FFT's 1-D lines are split over the workers
   * (parallel/: bit-identical FFT and interpolation, spreading sums in another order); the
   * deconvolution stays on this thread.
   */
  private modesBlock(
    spreads: boolean,
    sign: Sign,
    inp: ComplexArray,
    inOffset: number,
    res: ComplexArray,
    outOffset: number,
    t: number,
  ): void {
    const geom = this.geom as SpreadGeometry;
    const deconv = this.deconv as Deconvolver;
    const grid =
      t > 1
        ? (sharedScratch("fineGrid", 2 * product(this.fine), false, false) as Float64Array)
        : this.scratch();
    const fft = (afterSpread: boolean) => {
      if (t > 1)
        fineGridFFTThreaded(
          sharedPool(t),
          grid,
          this.fine,
          deconv.fineIndex,
          sign as Direction,
          afterSpread,
        );
      else if (afterSpread) (this.fft as FineGridFFT).afterSpread(grid, sign as Direction);
      else (this.fft as FineGridFFT).beforeInterp(grid, sign as Direction);
    };
    if (spreads) {
      spreadAllThreaded(geom, inp, inOffset, grid, t);
      fft(true);
      deconv.extract(grid, res, outOffset);
    } else {
      deconv.inject(inp, inOffset, grid);
      fft(false);
      interpAllThreaded(geom, grid, res, outOffset, t);
    }
  }

  private typeOneSign(): Sign {
    return this.type === 1 ? this.info.isign : (-this.info.isign as Sign);
  }

  private run(kind: NufftType, isign: Sign, inp: ComplexArray, res: ComplexArray): void {
    const T = this.info.nTransforms;
    if (kind === 3) {
      const stage = this.type3 as Type3Stage;
      for (let k = 0; k < T; k++) stage.run(inp, k * this.m, res, k * this.nTargets);
      return;
    }
    this.runModes(kind === 1, isign, inp, res, this.info.threads);
  }

  private adjointType3(): NufftPlan {
    if (!this.type3Adjoint) {
      const { x, s } = this.type3Points as { x: Float64Array[]; s: Float64Array[] };
      const adj = new NufftPlan(3, this.dim, {
        eps: this.info.eps,
        isign: -this.info.isign as Sign,
        upsampfac: this.info.upsampfac,
        precision: this.info.precision,
        nTransforms: this.info.nTransforms,
        threads: this.info.threads,
      });
      adj.setPoints(s[0], s[1], s[2], x[0], x[1], x[2]);
      this.type3Adjoint = adj;
    }
    return this.type3Adjoint;
  }

  private spreadOnlyGeometry(fn: string): SpreadGeometry {
    this.assertReady(fn);
    if (this.type === 3) {
      throw new NotImplementedError(
        fn,
        "spread/interp-only is defined for type 1 and 2 plans (as FINUFFT)",
      );
    }
    const w = this.info.width;
    this.nModes.forEach((n, d) => {
      if (n < 2 * w) {
        throw new ValueError(
          fn,
          `nModes[${d}]`,
          `>= 2 * kernel width = ${2 * w} for spread/interp-only`,
          String(n),
        );
      }
    });
    if (!this.spreadOnlyGeom) {
      const pts = this.torusPoints as Float64Array[];
      this.spreadOnlyGeom = buildGeometry(
        pts.map((p, d) => torusToGrid(p, this.nModes[d])),
        this.nModes,
        this.kernel,
      );
    }
    return this.spreadOnlyGeom;
  }

  private scratch(): Float64Array {
    if (!this.grid) this.grid = new Float64Array(2 * product(this.fine));
    return this.grid;
  }

  private describeInput(): string {
    return this.type === 2
      ? "prod(nModes) coefficients per transform"
      : "M strengths per transform";
  }

  private assertLive(fn: string): void {
    if (this.disposed) throw new ValueError(fn, "plan", "a live plan", "a disposed plan");
  }

  private assertReady(fn: string): void {
    this.assertLive(fn);
    if ((this.type === 3 ? this.type3 : this.geom) === undefined) {
      throw new ValueError(
        fn,
        "plan",
        "points set by setPoints before use",
        "a plan without points",
      );
    }
  }
}

/** FINUFFT's makeplan: a plan of the given type for nModes (types 1, 2) or dimension (type 3). */
export function makePlan(
  type: NufftType,
  nModesOrDim: readonly number[] | number,
  opts?: NufftOptions,
): NufftPlan {
  return new NufftPlan(type, nModesOrDim, opts);
}
