/**
 * 1-D viscous Burgers u_t + (u^2/2)_x = nu u_xx on the periodic domain [0, L), batched, float64,
 * pseudo-spectral (real FFT of @modewise/fft) with optional 2/3-rule dealiasing of u^2.
 * Integrators: "ifrk4" integrating-factor (Lawson) RK4, "etdrk4" exponential time differencing
 * RK4 (Cox-Matthews) with Kassam-Trefethen contour-integral coefficients (etd-coefficients.ts).
 * The step is fixed (default 1e-3), shortened so that it lands on every record time.
 * Layout: u0 [batch, s] (x_i = i L / s); run() returns [batch, s, nt], time last.
 */
import { type RealPlan, realPlan } from "@modewise/fft";
import { ValueError } from "@modewise/tensor";
import { type ETDRK4Coefficients, etdrk4Coefficients } from "./etd-coefficients.js";
import type {
  Burgers1dOptions,
  BurgersRunOptions,
  BurgersRunResult,
  SolverStats,
} from "./types.js";
import { checkOptionsObject, choiceArg, floatArray, intArg, numArg, show } from "./validate.js";

export class Burgers1d {
  readonly s: number;
  readonly nu: number;
  readonly batch: number;
  readonly scheme: "ifrk4" | "etdrk4";
  readonly dt: number;
  readonly length: number;
  readonly dealias: boolean;
  time = 0;

  private readonly plan: RealPlan;
  private readonly half: number;
  private readonly k: Float64Array; // 2 pi q / L
  private readonly lin: Float64Array; // -nu k^2
  private readonly gain: Float64Array; // -k/2 * mask (nonlinear multiplier, times i)
  private readonly state: Float64Array; // [batch, half] complex
  private readonly na: Float64Array;
  private readonly nb: Float64Array;
  private readonly ncc: Float64Array;
  private readonly nd: Float64Array;
  private readonly va: Float64Array;
  private readonly vb: Float64Array;
  private readonly tmp: Float64Array;
  private readonly real: Float64Array;
  private coeffDt = Number.NaN;
  private etd: ETDRK4Coefficients | undefined;
  private readonly e1: Float64Array;
  private readonly e2: Float64Array;
  private statsAcc: SolverStats = emptyStats();

  constructor(options: Burgers1dOptions) {
    const fn = "Burgers1d";
    const o = checkOptionsObject(options, fn);
    const s = intArg(fn, "s", o.s, undefined, 4);
    if (s % 2 !== 0) throw new ValueError(fn, "s", "an even grid size >= 4", String(s));
    this.s = s;
    this.nu = numArg(fn, "nu", o.nu, undefined, true);
    this.batch = intArg(fn, "batch", o.batch, 1, 1);
    this.scheme = choiceArg(fn, "scheme", o.scheme, "ifrk4", ["ifrk4", "etdrk4"]);
    this.dt = numArg(fn, "dt", o.dt, 1e-3, true);
    this.length = numArg(fn, "length", o.length, 1, true);
    if (o.dealias !== undefined && typeof o.dealias !== "boolean")
      throw new ValueError(fn, "dealias", "a boolean", show(o.dealias));
    this.dealias = o.dealias !== false;
    this.plan = realPlan(s);
    const half = (s >> 1) + 1;
    this.half = half;
    this.k = new Float64Array(half);
    this.lin = new Float64Array(half);
    this.gain = new Float64Array(half);
    const cut = s / 3;
    for (let q = 0; q < half; q++) {
      const k = (2 * Math.PI * q) / this.length;
      this.k[q] = k;
      this.lin[q] = -this.nu * k * k;
      // The Nyquist bin of a derivative is dropped (its imaginary part is lost in irfft anyway).
      const keep = q < s / 2 && (!this.dealias || q <= cut) ? 1 : 0;
      this.gain[q] = -0.5 * k * keep;
    }
    const n2 = 2 * half;
    this.state = new Float64Array(n2 * this.batch);
    this.na = new Float64Array(n2);
    this.nb = new Float64Array(n2);
    this.ncc = new Float64Array(n2);
    this.nd = new Float64Array(n2);
    this.va = new Float64Array(n2);
    this.vb = new Float64Array(n2);
    this.tmp = new Float64Array(n2);
    this.real = new Float64Array(s);
    this.e1 = new Float64Array(half);
    this.e2 = new Float64Array(half);
  }

  setState(u: Float64Array, t = 0): void {
    const fn = "Burgers1d.setState";
    const { s, half } = this;
    floatArray(fn, "u", u, this.batch * s, `[batch=${this.batch}, ${s}]`);
    for (let b = 0; b < this.batch; b++) this.plan.forward(u, b * s, 1, this.state, b * half, 1, 1);
    this.time = numArg(fn, "t", t, 0, false);
  }

  getState(out = new Float64Array(this.batch * this.s)): Float64Array {
    const { s, half } = this;
    for (let b = 0; b < this.batch; b++)
      this.plan.backward(this.state, b * half, 1, out, b * s, 1, 1 / s);
    return out;
  }

  get stats(): SolverStats {
    return { ...this.statsAcc };
  }

  /** Advance to tEnd with equal steps <= dt that land on it. */
  advanceTo(tEnd: number): void {
    const fn = "Burgers1d.advanceTo";
    numArg(fn, "tEnd", tEnd, undefined, false);
    if (tEnd < this.time)
      throw new ValueError(fn, "tEnd", `a time >= the current time ${this.time}`, String(tEnd));
    const remaining = tEnd - this.time;
    if (remaining <= 1e-12 * Math.max(1, Math.abs(tEnd))) return;
    const start = performance.now();
    const n = Math.ceil(remaining / this.dt - 1e-9);
    const h = remaining / n;
    this.prepare(h);
    for (let k = 0; k < n; k++) {
      for (let b = 0; b < this.batch; b++) {
        if (this.scheme === "ifrk4") this.ifrk4(b, h);
        else this.etdrk4(b);
      }
      const st = this.statsAcc;
      st.steps++;
      st.minDt = Math.min(st.minDt, h);
      st.maxDt = Math.max(st.maxDt, h);
    }
    this.time = tEnd;
    for (let i = 0; i < this.state.length; i++) {
      if (!Number.isFinite(this.state[i] as number))
        throw new ValueError(
          fn,
          "dt",
          "a stable step (the state became non-finite)",
          `dt=${h} at t=${tEnd}`,
        );
    }
    this.statsAcc.wallMs += performance.now() - start;
  }

  run(u0: Float64Array, options: BurgersRunOptions): BurgersRunResult {
    const fn = "Burgers1d.run";
    const o = checkOptionsObject(options, fn);
    const T = numArg(fn, "T", o.T, undefined, true);
    const every = numArg(fn, "recordEvery", o.recordEvery, T, true);
    const nRec = Math.round(T / every);
    if (nRec < 1 || Math.abs(nRec * every - T) > 1e-9 * T)
      throw new ValueError(fn, "recordEvery", `a divisor of T=${T}`, String(every));
    const withInitial = o.recordInitial === true;
    const onProgress = o.onProgress as BurgersRunOptions["onProgress"];
    this.setState(u0, 0);
    this.statsAcc = emptyStats();
    const nt = nRec + (withInitial ? 1 : 0);
    const { s, batch } = this;
    const out = new Float64Array(batch * s * nt);
    const times = new Float64Array(nt);
    const snap = new Float64Array(batch * s);
    let slot = 0;
    const record = (t: number): void => {
      this.getState(snap);
      for (let x = 0; x < batch * s; x++) out[x * nt + slot] = snap[x] as number;
      times[slot++] = t;
    };
    if (withInitial) record(0);
    for (let r = 1; r <= nRec; r++) {
      this.advanceTo(r * every);
      record(r * every);
      onProgress?.(r * every, T);
    }
    return { u: out, times, stats: this.stats };
  }

  private prepare(h: number): void {
    if (h === this.coeffDt) return;
    if (this.scheme === "etdrk4") this.etd = etdrk4Coefficients(this.lin, h);
    for (let q = 0; q < this.half; q++) {
      const a = Math.exp(0.5 * (this.lin[q] as number) * h);
      this.e1[q] = a;
      this.e2[q] = a * a;
    }
    this.coeffDt = h;
  }

  /** out = -(i k / 2) FFT(u^2) (masked) for the spectrum v. */
  private nonlinear(v: Float64Array, off: number, out: Float64Array): void {
    const { s, half, real, gain } = this;
    this.plan.backward(v, off, 1, real, 0, 1, 1 / s);
    for (let x = 0; x < s; x++) real[x] = (real[x] as number) * (real[x] as number);
    this.plan.forward(real, 0, 1, out, 0, 1, 1);
    for (let q = 0; q < half; q++) {
      const g = gain[q] as number;
      const re = out[2 * q] as number;
      const im = out[2 * q + 1] as number;
      // (i g) (re + i im) = -g im + i g re
      out[2 * q] = -g * im;
      out[2 * q + 1] = g * re;
    }
  }

  private ifrk4(b: number, h: number): void {
    const { half, state, e1, e2, na, nb, ncc, nd, tmp } = this;
    const o = 2 * b * half;
    const n2 = 2 * half;
    this.nonlinear(state, b * half, na);
    for (let i = 0; i < n2; i++)
      tmp[i] = (e1[i >> 1] as number) * ((state[o + i] as number) + 0.5 * h * (na[i] as number));
    this.nonlinear(tmp, 0, nb);
    for (let i = 0; i < n2; i++)
      tmp[i] = (e1[i >> 1] as number) * (state[o + i] as number) + 0.5 * h * (nb[i] as number);
    this.nonlinear(tmp, 0, ncc);
    for (let i = 0; i < n2; i++)
      tmp[i] =
        (e2[i >> 1] as number) * (state[o + i] as number) +
        h * (e1[i >> 1] as number) * (ncc[i] as number);
    this.nonlinear(tmp, 0, nd);
    for (let i = 0; i < n2; i++) {
      const m = i >> 1;
      state[o + i] =
        (e2[m] as number) * (state[o + i] as number) +
        (h / 6) *
          ((e2[m] as number) * (na[i] as number) +
            2 * (e1[m] as number) * ((nb[i] as number) + (ncc[i] as number)) +
            (nd[i] as number));
    }
  }

  private etdrk4(b: number): void {
    const { half, state, na, nb, ncc, nd, va, vb } = this;
    const { E, E2, Q, f1, f2, f3 } = this.etd as ETDRK4Coefficients;
    const o = 2 * b * half;
    const n2 = 2 * half;
    this.nonlinear(state, b * half, na);
    for (let i = 0; i < n2; i++)
      va[i] =
        (E2[i >> 1] as number) * (state[o + i] as number) +
        (Q[i >> 1] as number) * (na[i] as number);
    this.nonlinear(va, 0, nb);
    for (let i = 0; i < n2; i++)
      vb[i] =
        (E2[i >> 1] as number) * (state[o + i] as number) +
        (Q[i >> 1] as number) * (nb[i] as number);
    this.nonlinear(vb, 0, ncc);
    // c = E2 a + Q (2 Nb - Na), reusing va for c
    for (let i = 0; i < n2; i++)
      va[i] =
        (E2[i >> 1] as number) * (va[i] as number) +
        (Q[i >> 1] as number) * (2 * (ncc[i] as number) - (na[i] as number));
    this.nonlinear(va, 0, nd);
    for (let i = 0; i < n2; i++) {
      const m = i >> 1;
      state[o + i] =
        (E[m] as number) * (state[o + i] as number) +
        (na[i] as number) * (f1[m] as number) +
        2 * ((nb[i] as number) + (ncc[i] as number)) * (f2[m] as number) +
        (nd[i] as number) * (f3[m] as number);
    }
  }
}

function emptyStats(): SolverStats {
  return { steps: 0, minDt: Number.POSITIVE_INFINITY, maxDt: 0, maxCfl: Number.NaN, wallMs: 0 };
}
