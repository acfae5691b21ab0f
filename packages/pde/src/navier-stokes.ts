/**
 * 2-D incompressible Navier-Stokes in vorticity form on the unit torus, batched, float64:
 *   w_t + u . grad w = nu lap w + f,   u = (psi_y, -psi_x),   -lap psi = w,
 * pseudo-spectral (rfft2 of the 1-D @modewise/fft engine), 2/3-rule dealiasing of the advection
 * term (|k_x|, |k_y| <= s/3, the FNO ns_2d.py mask), two integrators:
 * - "ifrk4": integrating-factor (Lawson) RK4. Diffusion is integrated exactly, so the only step
 *   limit is the advective CFL; the step is adaptive (dt = cfl h / max(|u| + |v|), capped by
 *   maxDt) or fixed and checked (a Courant number above 2 throws rather than blowing up).
 * - "fno-cn": the FNO data generator's scheme: forward-Euler advection + Crank-Nicolson diffusion,
 *   dt = 1e-4 by default (first order; for reproducing the FNO .mat files).
 * IF-RK4 with dealiasing (the state truncated to the 2/3 box) evaluates the advection term two
 * samples at a time through dealiased-advection.ts (full-spectrum complex transforms carrying two
 * real fields each, live rows and columns only, contiguous engine calls); the other
 * configurations use the per-sample real-FFT path of `nonlinear`.
 * Buffers (spectra, stage values, real fields) are owned by the solver: stepping never allocates.
 * Layout: [batch, s, s] with index b*s*s + i*s + j, i = x index, j = y index, x_i = i/s.
 */
import { ValueError } from "@modewise/tensor";
import { DealiasedAdvection } from "./dealiased-advection.js";
import { RealFFT2d, wavenumber } from "./real-fft-2d.js";
import type { NavierStokes2dOptions, NSRunOptions, NSRunResult, SolverStats } from "./types.js";
import { checkOptionsObject, choiceArg, floatArray, intArg, numArg, show } from "./validate.js";

const TWO_PI = 2 * Math.PI;
/**
 * Above this Courant number max(|u| + |v|) dt / h a step throws instead of blowing up: the
 * largest advective eigenvalue is 2 pi (s/3) |u| (2/3 mask), RK4 is stable to |lambda dt| ~ 2.8,
 * i.e. a Courant number ~1.3 for one velocity component; 2 bounds the sum of both.
 */
const CFL_LIMIT = 2;

export class NavierStokes2d {
  readonly s: number;
  readonly nu: number;
  readonly batch: number;
  readonly scheme: "ifrk4" | "fno-cn";
  readonly dealias: boolean;
  readonly cfl: number;
  readonly maxDt: number;
  /** Fixed step, or undefined for the adaptive CFL step. */
  readonly dt: number | undefined;
  /** Model time of the current state. */
  time = 0;

  private readonly fft: RealFFT2d;
  private readonly half: number;
  private readonly nc: number;
  private readonly kx: Float64Array; // 2 pi k_x per row p
  private readonly ky: Float64Array; // 2 pi k_y per column q
  private readonly lap: Float64Array; // 4 pi^2 |k|^2 per bin
  private readonly invLap: Float64Array; // 1 / lap, 0 at k = 0
  private readonly mask: Float64Array; // 1 inside the 2/3 box, else 0
  private readonly forceHat: Float64Array;
  private readonly hasForce: boolean;
  private readonly state: Float64Array; // [batch, s, half] complex
  private readonly stageA: Float64Array; // N(w) at the start of the step, per sample
  private readonly kb: Float64Array;
  private readonly kc: Float64Array;
  private readonly kd: Float64Array;
  private readonly tmp: Float64Array;
  private readonly su: Float64Array;
  private readonly sv: Float64Array;
  private readonly sx: Float64Array;
  private readonly sy: Float64Array;
  private readonly fu: Float64Array;
  private readonly fv: Float64Array;
  private readonly fx: Float64Array;
  private readonly fy: Float64Array;
  private readonly e1: Float64Array; // exp(-nu lap dt/2)
  private readonly e2: Float64Array; // exp(-nu lap dt)
  private factorDt = Number.NaN;
  private readonly columnsOut: number;
  /**
   * IF-RK4 with dealiasing keeps the state inside the 2/3 box (Galerkin truncation: the initial
   * vorticity and the forcing are filtered once), so the inverse transforms skip the y-columns
   * q > s/3, which are zero. The FNO scheme keeps the modes outside the box, as ns_2d.py does.
   */
  private readonly truncated: boolean;
  private readonly columnsIn: number;
  /**
   * The truncated IF-RK4 path evaluates N two samples at a time (dealiased-advection.ts): stage
   * buffers hold two samples ([2, s, half] complex); `spare` takes the second output when the
   * batch is odd and the last sample is paired with itself.
   */
  private readonly advection: DealiasedAdvection | null;
  /** Per-bin stage weights of the paired path: dt/2 e1, dt/2, dt e1 (set with e1, e2). */
  private readonly betaB: Float64Array;
  private readonly betaC: Float64Array;
  private readonly betaD: Float64Array;
  private readonly pairKb: Float64Array;
  private readonly pairKc: Float64Array;
  private readonly pairKd: Float64Array;
  private readonly spare: Float64Array;
  private statsAcc: SolverStats = emptyStats();

  constructor(options: NavierStokes2dOptions) {
    const fn = "NavierStokes2d";
    const o = checkOptionsObject(options, fn);
    const s = intArg(fn, "s", o.s, undefined, 4);
    if (s % 2 !== 0) throw new ValueError(fn, "s", "an even grid size >= 4", String(s));
    this.s = s;
    this.nu = numArg(fn, "nu", o.nu, undefined, true);
    this.batch = intArg(fn, "batch", o.batch, 1, 1);
    this.scheme = choiceArg(fn, "scheme", o.scheme, "ifrk4", ["ifrk4", "fno-cn"]);
    if (o.dealias !== undefined && typeof o.dealias !== "boolean")
      throw new ValueError(fn, "dealias", "a boolean", show(o.dealias));
    this.dealias = o.dealias !== false;
    this.cfl = numArg(fn, "cfl", o.cfl, 0.8, true);
    if (this.cfl > CFL_LIMIT)
      throw new ValueError(fn, "cfl", `a Courant number <= ${CFL_LIMIT}`, String(this.cfl));
    this.maxDt = numArg(fn, "maxDt", o.maxDt, 0.05, true);
    this.dt =
      o.dt === undefined
        ? this.scheme === "fno-cn"
          ? 1e-4
          : undefined
        : numArg(fn, "dt", o.dt, undefined, true);

    this.fft = new RealFFT2d(s);
    const half = this.fft.half;
    const nc = s * half;
    this.half = half;
    this.nc = nc;
    this.kx = new Float64Array(s);
    this.ky = new Float64Array(half);
    for (let p = 0; p < s; p++) this.kx[p] = TWO_PI * wavenumber(p, s);
    for (let q = 0; q < half; q++) this.ky[q] = TWO_PI * q;
    this.lap = new Float64Array(nc);
    this.invLap = new Float64Array(nc);
    this.mask = new Float64Array(nc);
    const cut = (2 / 3) * (s / 2);
    for (let p = 0; p < s; p++) {
      const kxi = wavenumber(p, s);
      for (let q = 0; q < half; q++) {
        const m = p * half + q;
        const l = (this.kx[p] as number) ** 2 + (this.ky[q] as number) ** 2;
        this.lap[m] = l;
        this.invLap[m] = l === 0 ? 0 : 1 / l;
        this.mask[m] = !this.dealias || (Math.abs(kxi) <= cut && q <= cut) ? 1 : 0;
      }
    }
    this.columnsOut = this.dealias ? Math.floor(cut) + 1 : half;
    this.truncated = this.dealias && this.scheme === "ifrk4";
    this.columnsIn = this.truncated ? this.columnsOut : half;

    this.forceHat = new Float64Array(2 * nc);
    const forcing = o.forcing === undefined ? "fno" : o.forcing;
    const f = new Float64Array(s * s);
    if (forcing instanceof Float64Array) {
      f.set(floatArray(fn, "forcing", forcing, s * s, `[${s}, ${s}]`));
    } else if (forcing === "fno") {
      for (let i = 0; i < s; i++)
        for (let j = 0; j < s; j++) {
          const arg = TWO_PI * (i / s + j / s);
          f[i * s + j] = 0.1 * (Math.sin(arg) + Math.cos(arg));
        }
    } else if (forcing === "kolmogorov") {
      const k = intArg(fn, "kolmogorovK", o.kolmogorovK, 4, 1);
      if (this.dealias && k > s / 3)
        throw new ValueError(
          fn,
          "kolmogorovK",
          `a wavenumber <= s/3 = ${s / 3} (the dealiased band)`,
          String(k),
        );
      const amp = numArg(fn, "kolmogorovAmplitude", o.kolmogorovAmplitude, 1, false);
      for (let i = 0; i < s; i++)
        for (let j = 0; j < s; j++) f[i * s + j] = amp * Math.sin((TWO_PI * k * j) / s);
    } else if (forcing !== "none") {
      throw new ValueError(
        fn,
        "forcing",
        "'fno', 'kolmogorov', 'none' or a Float64Array [s, s]",
        show(forcing),
      );
    }
    this.hasForce = f.some((x) => x !== 0);
    if (this.hasForce) this.fft.forward(f, 0, this.forceHat, 0);
    if (this.truncated) this.project(this.forceHat, 0);

    this.state = new Float64Array(2 * nc * this.batch);
    this.stageA = new Float64Array(2 * nc * this.batch);
    this.kb = new Float64Array(2 * nc);
    this.kc = new Float64Array(2 * nc);
    this.kd = new Float64Array(2 * nc);
    this.tmp = new Float64Array(2 * nc);
    this.su = new Float64Array(2 * nc);
    this.sv = new Float64Array(2 * nc);
    this.sx = new Float64Array(2 * nc);
    this.sy = new Float64Array(2 * nc);
    this.fu = new Float64Array(s * s);
    this.fv = new Float64Array(s * s);
    this.fx = new Float64Array(s * s);
    this.fy = new Float64Array(s * s);
    this.e1 = new Float64Array(nc);
    this.e2 = new Float64Array(nc);
    const paired = this.truncated;
    this.advection = paired
      ? new DealiasedAdvection(s, this.kx, this.ky, this.invLap, this.forceHat)
      : null;
    this.betaB = new Float64Array(paired ? nc : 0);
    this.betaC = new Float64Array(paired ? nc : 0);
    this.betaD = new Float64Array(paired ? nc : 0);
    this.pairKb = new Float64Array(paired ? 4 * nc : 0);
    this.pairKc = new Float64Array(paired ? 4 * nc : 0);
    this.pairKd = new Float64Array(paired ? 4 * nc : 0);
    this.spare = new Float64Array(paired ? 2 * nc : 0);
  }

  /** Set the state to the vorticity w ([batch, s, s]) at time t (default 0). */
  setVorticity(w: Float64Array, t = 0): void {
    const fn = "NavierStokes2d.setVorticity";
    const { s, batch } = this;
    floatArray(fn, "w", w, batch * s * s, `[batch=${batch}, ${s}, ${s}]`);
    numArg(fn, "t", t, 0, false);
    for (let b = 0; b < batch; b++) {
      this.fft.forward(w, b * s * s, this.state, b * this.nc);
      if (this.truncated) this.project(this.state, b * this.nc);
    }
    this.time = t;
  }

  /** The current vorticity, [batch, s, s] (a new array, or `out`). */
  getVorticity(out = new Float64Array(this.batch * this.s * this.s)): Float64Array {
    const { s, nc } = this;
    for (let b = 0; b < this.batch; b++) {
      this.tmp.set(this.state.subarray(2 * b * nc, 2 * (b + 1) * nc));
      this.fft.inverseInPlace(this.tmp, 0, out, b * s * s, this.columnsIn);
    }
    return out;
  }

  /** Statistics accumulated since the last run() / resetStats(). */
  get stats(): SolverStats {
    return { ...this.statsAcc };
  }

  resetStats(): void {
    this.statsAcc = emptyStats();
  }

  /**
   * Advance the state to time tEnd (> current time) with steps that land on it exactly: fixed
   * dt is shortened to (tEnd - t)/ceil((tEnd - t)/dt); adaptive steps are recomputed each step.
   */
  advanceTo(tEnd: number): void {
    const fn = "NavierStokes2d.advanceTo";
    numArg(fn, "tEnd", tEnd, undefined, false);
    if (tEnd < this.time)
      throw new ValueError(fn, "tEnd", `a time >= the current time ${this.time}`, String(tEnd));
    const start = performance.now();
    const eps = 1e-12 * Math.max(1, Math.abs(tEnd));
    while (this.time < tEnd - eps) {
      const remaining = tEnd - this.time;
      if (this.scheme === "ifrk4") {
        const speed = this.evaluateStageA();
        let target: number;
        if (this.dt !== undefined) target = this.dt;
        else
          target = speed > 0 ? Math.min(this.maxDt, (this.cfl * (1 / this.s)) / speed) : this.maxDt;
        const dt = remaining / Math.ceil(remaining / target - 1e-9);
        this.checkCourant(speed, dt, fn);
        this.ifrk4Finish(dt);
        this.time = this.time + dt;
        this.note(dt, speed);
      } else {
        const target = this.dt as number;
        const n = Math.ceil(remaining / target - 1e-9);
        const dt = remaining / n;
        for (let k = 0; k < n; k++) {
          const speed = this.cnStep(dt);
          this.checkCourant(speed, dt, fn);
          this.note(dt, speed);
        }
        this.time = tEnd;
      }
    }
    this.time = Math.max(this.time, tEnd);
    this.statsAcc.wallMs += performance.now() - start;
  }

  /** One step of length dt (default: the fixed or the CFL step). */
  step(dt?: number): void {
    const fn = "NavierStokes2d.step";
    if (dt !== undefined) numArg(fn, "dt", dt, undefined, true);
    if (this.scheme === "ifrk4") {
      const speed = this.evaluateStageA();
      const h =
        dt ?? this.dt ?? (speed > 0 ? Math.min(this.maxDt, this.cfl / this.s / speed) : this.maxDt);
      this.checkCourant(speed, h, fn);
      this.ifrk4Finish(h);
      this.time += h;
      this.note(h, speed);
    } else {
      const h = dt ?? (this.dt as number);
      const speed = this.cnStep(h);
      this.checkCourant(speed, h, fn);
      this.note(h, speed);
    }
  }

  /**
   * Integrate from w0 ([batch, s, s]) at t = 0 to T, recording every `recordEvery` (default T).
   * Returns the snapshots [batch, s, s, nt] (time last, like the FNO .mat files).
   */
  run(w0: Float64Array, options: NSRunOptions): NSRunResult {
    const fn = "NavierStokes2d.run";
    const o = checkOptionsObject(options, fn);
    const T = numArg(fn, "T", o.T, undefined, true);
    const every = numArg(fn, "recordEvery", o.recordEvery, T, true);
    const nRec = Math.round(T / every);
    if (nRec < 1 || Math.abs(nRec * every - T) > 1e-9 * T)
      throw new ValueError(fn, "recordEvery", `a divisor of T=${T}`, String(every));
    const withInitial = o.recordInitial === true;
    const onProgress = o.onProgress as NSRunOptions["onProgress"];
    this.setVorticity(w0, 0);
    this.resetStats();
    const nt = nRec + (withInitial ? 1 : 0);
    const { s, batch } = this;
    const out = new Float64Array(batch * s * s * nt);
    const times = new Float64Array(nt);
    const snap = new Float64Array(batch * s * s);
    let slot = 0;
    const record = (t: number): void => {
      this.getVorticity(snap);
      for (let b = 0; b < batch; b++)
        for (let x = 0; x < s * s; x++)
          out[(b * s * s + x) * nt + slot] = snap[b * s * s + x] as number;
      times[slot] = t;
      slot++;
    };
    if (withInitial) record(0);
    for (let r = 1; r <= nRec; r++) {
      const tNext = r * every;
      this.advanceTo(tNext);
      record(tNext);
      onProgress?.(tNext, T);
    }
    return { w: out, times, stats: this.stats };
  }

  /** Velocity (u, v) = (psi_y, -psi_x) of vorticity fields [n, s, s]. */
  velocity(w: Float64Array): { u: Float64Array; v: Float64Array } {
    const n = this.fieldCount(w, "NavierStokes2d.velocity");
    const { s, half } = this;
    const u = new Float64Array(w.length);
    const v = new Float64Array(w.length);
    // own spectra: the solver's su/sv keep zero dead columns that the time stepper relies on
    const su = new Float64Array(2 * this.nc);
    const sv = new Float64Array(2 * this.nc);
    for (let b = 0; b < n; b++) {
      this.fft.forward(w, b * s * s, this.tmp, 0);
      const t = this.tmp;
      for (let p = 0; p < s; p++) {
        const kx = this.kx[p] as number;
        for (let q = 0; q < half; q++) {
          const m = p * half + q;
          const il = this.invLap[m] as number;
          const pr = (t[2 * m] as number) * il;
          const pi = (t[2 * m + 1] as number) * il;
          const ky = this.ky[q] as number;
          su[2 * m] = -ky * pi;
          su[2 * m + 1] = ky * pr;
          sv[2 * m] = kx * pi;
          sv[2 * m + 1] = -kx * pr;
        }
      }
      this.fft.inverseInPlace(su, 0, u, b * s * s);
      this.fft.inverseInPlace(sv, 0, v, b * s * s);
    }
    return { u, v };
  }

  /** Stream function psi (-lap psi = w, zero mean) of vorticity fields [n, s, s]. */
  streamFunction(w: Float64Array): Float64Array {
    const n = this.fieldCount(w, "NavierStokes2d.streamFunction");
    const { s, nc } = this;
    const psi = new Float64Array(w.length);
    for (let b = 0; b < n; b++) {
      this.fft.forward(w, b * s * s, this.tmp, 0);
      for (let m = 0; m < nc; m++) {
        this.tmp[2 * m] = (this.tmp[2 * m] as number) * (this.invLap[m] as number);
        this.tmp[2 * m + 1] = (this.tmp[2 * m + 1] as number) * (this.invLap[m] as number);
      }
      this.fft.inverseInPlace(this.tmp, 0, psi, b * s * s);
    }
    return psi;
  }

  /** Kinetic energy 0.5 <|u|^2> (mean over the torus) per field. */
  energy(w: Float64Array): Float64Array {
    const n = this.fieldCount(w, "NavierStokes2d.energy");
    const { u, v } = this.velocity(w);
    const s2 = this.s * this.s;
    const e = new Float64Array(n);
    for (let b = 0; b < n; b++) {
      let acc = 0;
      for (let x = b * s2; x < (b + 1) * s2; x++)
        acc += (u[x] as number) ** 2 + (v[x] as number) ** 2;
      e[b] = (0.5 * acc) / s2;
    }
    return e;
  }

  /** Enstrophy 0.5 <w^2> per field. */
  enstrophy(w: Float64Array): Float64Array {
    const n = this.fieldCount(w, "NavierStokes2d.enstrophy");
    const s2 = this.s * this.s;
    const e = new Float64Array(n);
    for (let b = 0; b < n; b++) {
      let acc = 0;
      for (let x = b * s2; x < (b + 1) * s2; x++) acc += (w[x] as number) ** 2;
      e[b] = (0.5 * acc) / s2;
    }
    return e;
  }

  /**
   * Shell-averaged kinetic energy spectrum: E[b, k] = sum over bins with round(|k|) = k of
   * 0.5 |u_hat|^2 (u_hat the Fourier coefficients of the continuum field), so sum_k E = energy.
   * Returns [n, kmax + 1] with kmax = round(sqrt(2) s / 2).
   */
  spectrum(w: Float64Array): { k: Float64Array; E: Float64Array } {
    const n = this.fieldCount(w, "NavierStokes2d.spectrum");
    const { s, half } = this;
    const kmax = Math.round((Math.SQRT2 * s) / 2);
    const nk = kmax + 1;
    const E = new Float64Array(n * nk);
    const norm = 1 / (s * s) ** 2;
    for (let b = 0; b < n; b++) {
      this.fft.forward(w, b * s * s, this.tmp, 0);
      for (let p = 0; p < s; p++) {
        const kxi = wavenumber(p, s);
        for (let q = 0; q < half; q++) {
          const m = p * half + q;
          const w2 = (this.tmp[2 * m] as number) ** 2 + (this.tmp[2 * m + 1] as number) ** 2;
          // |u_hat|^2 = |w_hat|^2 / (4 pi^2 |k|^2); bins q in (0, s/2) stand for their conjugates too
          const weight = q === 0 || q === s / 2 ? 1 : 2;
          const shell = Math.round(Math.sqrt(kxi * kxi + q * q));
          E[b * nk + shell] =
            (E[b * nk + shell] as number) + 0.5 * weight * w2 * (this.invLap[m] as number) * norm;
        }
      }
    }
    const k = new Float64Array(nk);
    for (let i = 0; i < nk; i++) k[i] = i;
    return { k, E };
  }

  // ---- internals -------------------------------------------------------------------------

  private fieldCount(w: Float64Array, fn: string): number {
    const s2 = this.s * this.s;
    if (!(w instanceof Float64Array))
      throw new ValueError(fn, "w", "a Float64Array [n, s, s]", show(w));
    if (w.length === 0 || w.length % s2 !== 0)
      throw new ValueError(fn, "w", `a multiple of s*s = ${s2} values`, `${w.length} values`);
    return w.length / s2;
  }

  private note(dt: number, speed: number): void {
    const st = this.statsAcc;
    st.steps++;
    st.minDt = Math.min(st.minDt, dt);
    st.maxDt = Math.max(st.maxDt, dt);
    st.maxCfl = Math.max(st.maxCfl, speed * dt * this.s);
  }

  private checkCourant(speed: number, dt: number, fn: string): void {
    const c = speed * dt * this.s;
    if (!Number.isFinite(speed))
      throw new ValueError(
        fn,
        "state",
        "a finite velocity field",
        `non-finite velocity at t=${this.time}`,
      );
    if (c > CFL_LIMIT)
      throw new ValueError(
        fn,
        "dt",
        `a step with Courant number max(|u|+|v|) dt / h <= ${CFL_LIMIT}`,
        `${c.toPrecision(3)} (dt=${dt}) at t=${this.time}`,
      );
  }

  /**
   * out = -mask * FFT(u w_x + v w_y) + f_hat for the spectrum at src (complex offset srcOff);
   * returns max(|u| + |v|) over the grid.
   */
  private nonlinear(src: Float64Array, srcOff: number, out: Float64Array, outOff = 0): number {
    const { s, half, su, sv, sx, sy, kx, ky, invLap } = this;
    // Columns q >= columnsIn are zero (truncated state) and stay zero in su..sy: the in-place
    // column FFTs skip them and the row transforms only read them.
    const live = this.columnsIn;
    for (let p = 0; p < s; p++) {
      const kxp = kx[p] as number;
      const row = p * half;
      for (let q = 0; q < live; q++) {
        const m = row + q;
        const wr = src[2 * (srcOff + m)] as number;
        const wi = src[2 * (srcOff + m) + 1] as number;
        const il = invLap[m] as number;
        const kyq = ky[q] as number;
        const pr = wr * il;
        const pi = wi * il;
        su[2 * m] = -kyq * pi;
        su[2 * m + 1] = kyq * pr;
        sv[2 * m] = kxp * pi;
        sv[2 * m + 1] = -kxp * pr;
        sx[2 * m] = -kxp * wi;
        sx[2 * m + 1] = kxp * wr;
        sy[2 * m] = -kyq * wi;
        sy[2 * m + 1] = kyq * wr;
      }
    }
    const { fu, fv, fx, fy } = this;
    this.fft.inverseInPlace(su, 0, fu, 0, this.columnsIn);
    this.fft.inverseInPlace(sv, 0, fv, 0, this.columnsIn);
    this.fft.inverseInPlace(sx, 0, fx, 0, this.columnsIn);
    this.fft.inverseInPlace(sy, 0, fy, 0, this.columnsIn);
    let speed = 0;
    const n = s * s;
    for (let x = 0; x < n; x++) {
      const u = fu[x] as number;
      const v = fv[x] as number;
      const sp = Math.abs(u) + Math.abs(v);
      if (!(sp <= speed)) speed = sp; // NaN sticks
      fu[x] = u * (fx[x] as number) + v * (fy[x] as number);
    }
    this.fft.forward(fu, 0, out, outOff, this.columnsOut);
    const { mask, forceHat } = this;
    const cols = this.columnsOut;
    const o = 2 * outOff;
    for (let p = 0; p < s; p++) {
      const row = p * half;
      // y-columns q < cols: -mask * FFT(product) + forcing
      for (let q = 0; q < cols; q++) {
        const m = row + q;
        const keep = -(mask[m] as number);
        out[o + 2 * m] = keep * (out[o + 2 * m] as number) + (forceHat[2 * m] as number);
        out[o + 2 * m + 1] =
          keep * (out[o + 2 * m + 1] as number) + (forceHat[2 * m + 1] as number);
      }
      // columns >= cols were not transformed along x (they are masked): forcing only
      for (let q = cols; q < half; q++) {
        const m = row + q;
        out[o + 2 * m] = forceHat[2 * m] as number;
        out[o + 2 * m + 1] = forceHat[2 * m + 1] as number;
      }
    }
    return speed;
  }

  /** Zero the bins outside the dealiasing box of the spectrum at complex offset off. */
  private project(spec: Float64Array, off: number): void {
    for (let m = 0; m < this.nc; m++) {
      if (this.mask[m] === 0) {
        spec[2 * (off + m)] = 0;
        spec[2 * (off + m) + 1] = 0;
      }
    }
  }

  /** Stage A of IF-RK4 for every sample; returns the batch's max(|u| + |v|). */
  private evaluateStageA(): number {
    let speed = 0;
    const adv = this.advection;
    if (adv !== null) {
      const { batch, nc, state, stageA } = this;
      for (let a = 0; a < batch; a += 2) {
        const b = a + 1 < batch ? a + 1 : a;
        const sp = adv.pair(
          state,
          a * nc,
          b * nc,
          null,
          0,
          0,
          null,
          null,
          stageA,
          a * nc,
          b === a ? this.spare : stageA,
          b === a ? 0 : b * nc,
        );
        if (!(sp <= speed)) speed = sp;
      }
      return speed;
    }
    for (let b = 0; b < this.batch; b++) {
      const sp = this.nonlinear(this.state, b * this.nc, this.stageA, b * this.nc);
      if (!(sp <= speed)) speed = sp;
    }
    return speed;
  }

  private factors(dt: number): void {
    if (dt === this.factorDt) return;
    const { nc, lap, nu, e1, e2 } = this;
    const paired = this.advection !== null;
    for (let m = 0; m < nc; m++) {
      const a = Math.exp(-0.5 * nu * (lap[m] as number) * dt);
      e1[m] = a;
      e2[m] = a * a;
      if (paired) {
        this.betaB[m] = 0.5 * dt * a;
        this.betaC[m] = 0.5 * dt;
        this.betaD[m] = dt * a;
      }
    }
    this.factorDt = dt;
  }

  /** Stages B-D and the update of IF-RK4 (Lawson), after evaluateStageA. */
  private ifrk4Finish(dt: number): void {
    this.factors(dt);
    if (this.advection !== null) {
      for (let a = 0; a < this.batch; a += 2)
        this.ifrk4FinishPair(a, Math.min(a + 1, this.batch - 1));
      return;
    }
    const { nc, s, half, e1, e2, kb, kc, kd, tmp, state, stageA } = this;
    const hdt = 0.5 * dt;
    const sixth = dt / 6;
    // Only the live columns q < columnsIn carry data (see `truncated`); the rest stay zero.
    const live = this.columnsIn;
    for (let b = 0; b < this.batch; b++) {
      const o = 2 * b * nc;
      for (let p = 0; p < s; p++) {
        for (let q = 0; q < live; q++) {
          const m = p * half + q;
          const e = e1[m] as number;
          const i = 2 * m;
          tmp[i] = e * ((state[o + i] as number) + hdt * (stageA[o + i] as number));
          tmp[i + 1] = e * ((state[o + i + 1] as number) + hdt * (stageA[o + i + 1] as number));
        }
      }
      this.nonlinear(tmp, 0, kb);
      for (let p = 0; p < s; p++) {
        for (let q = 0; q < live; q++) {
          const m = p * half + q;
          const e = e1[m] as number;
          const i = 2 * m;
          tmp[i] = e * (state[o + i] as number) + hdt * (kb[i] as number);
          tmp[i + 1] = e * (state[o + i + 1] as number) + hdt * (kb[i + 1] as number);
        }
      }
      this.nonlinear(tmp, 0, kc);
      for (let p = 0; p < s; p++) {
        for (let q = 0; q < live; q++) {
          const m = p * half + q;
          const ee1 = dt * (e1[m] as number);
          const ee2 = e2[m] as number;
          const i = 2 * m;
          tmp[i] = ee2 * (state[o + i] as number) + ee1 * (kc[i] as number);
          tmp[i + 1] = ee2 * (state[o + i + 1] as number) + ee1 * (kc[i + 1] as number);
        }
      }
      this.nonlinear(tmp, 0, kd);
      for (let p = 0; p < s; p++) {
        for (let q = 0; q < live; q++) {
          const m = p * half + q;
          const ee1 = 2 * (e1[m] as number);
          const ee2 = e2[m] as number;
          const i = 2 * m;
          state[o + i] =
            ee2 * (state[o + i] as number) +
            sixth *
              (ee2 * (stageA[o + i] as number) +
                ee1 * ((kb[i] as number) + (kc[i] as number)) +
                (kd[i] as number));
          state[o + i + 1] =
            ee2 * (state[o + i + 1] as number) +
            sixth *
              (ee2 * (stageA[o + i + 1] as number) +
                ee1 * ((kb[i + 1] as number) + (kc[i + 1] as number)) +
                (kd[i + 1] as number));
        }
      }
    }
  }

  /**
   * Stages B-D and the update of IF-RK4 for samples a and b (b === a: an odd batch's last
   * sample, evaluated twice and updated once), N by the paired path, which also forms each
   * stage's input alpha * w + beta * k (weights set by factors()). Slot 0 of the pair buffers is
   * a, slot 1 is b. Only the live rows and columns carry data (the rest is zero everywhere here).
   */
  private ifrk4FinishPair(a: number, b: number): void {
    const adv = this.advection as DealiasedAdvection;
    const { nc, half, e1, e2, state, stageA, betaB, betaC, betaD } = this;
    const kb = this.pairKb;
    const kc = this.pairKc;
    const kd = this.pairKd;
    const sixth = this.factorDt / 6;
    const live = this.columnsIn;
    const oa = a * nc;
    const ob = b * nc;
    // x_B = e1 (w + dt/2 A), x_C = e1 w + dt/2 B, x_D = e2 w + dt e1 C
    adv.pair(state, oa, ob, stageA, oa, ob, e1, betaB, kb, 0, kb, nc, false);
    adv.pair(state, oa, ob, kb, 0, nc, e1, betaC, kc, 0, kc, nc, false);
    adv.pair(state, oa, ob, kc, 0, nc, e2, betaD, kd, 0, kd, nc, false);
    const rows = adv.rows;
    const nRows = rows.length;
    for (let k = 0; k < (b === a ? 1 : 2); k++) {
      const o = 2 * (k === 0 ? oa : ob);
      const t = 2 * k * nc;
      for (let r = 0; r < nRows; r++) {
        const p = rows[r] as number;
        for (let q = 0; q < live; q++) {
          const m = p * half + q;
          const ee1 = 2 * (e1[m] as number);
          const ee2 = e2[m] as number;
          const i = 2 * m;
          state[o + i] =
            ee2 * (state[o + i] as number) +
            sixth *
              (ee2 * (stageA[o + i] as number) +
                ee1 * ((kb[t + i] as number) + (kc[t + i] as number)) +
                (kd[t + i] as number));
          state[o + i + 1] =
            ee2 * (state[o + i + 1] as number) +
            sixth *
              (ee2 * (stageA[o + i + 1] as number) +
                ee1 * ((kb[t + i + 1] as number) + (kc[t + i + 1] as number)) +
                (kd[t + i + 1] as number));
        }
      }
    }
  }

  /** One FNO step (forward Euler advection, Crank-Nicolson diffusion); returns max(|u|+|v|). */
  private cnStep(dt: number): number {
    const { nc, lap, nu, state, kb } = this;
    let speed = 0;
    for (let b = 0; b < this.batch; b++) {
      const sp = this.nonlinear(state, b * nc, kb);
      if (!(sp <= speed)) speed = sp;
      const o = 2 * b * nc;
      for (let m = 0; m < nc; m++) {
        const d = 0.5 * dt * nu * (lap[m] as number);
        const inv = 1 / (1 + d);
        state[o + 2 * m] =
          ((1 - d) * (state[o + 2 * m] as number) + dt * (kb[2 * m] as number)) * inv;
        state[o + 2 * m + 1] =
          ((1 - d) * (state[o + 2 * m + 1] as number) + dt * (kb[2 * m + 1] as number)) * inv;
      }
    }
    this.time += dt;
    return speed;
  }
}

function emptyStats(): SolverStats {
  return { steps: 0, minDt: Number.POSITIVE_INFINITY, maxDt: 0, maxCfl: 0, wallMs: 0 };
}
