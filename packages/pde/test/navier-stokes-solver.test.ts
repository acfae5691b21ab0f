/**
 * 2-D Navier-Stokes (vorticity form) on the torus.
 * References: the Taylor-Green closed form (an exact steady state of the nonlinear term),
 * numpy implementations of the same two schemes (fixtures/make_pde_solvers_reference.py, numpy's
 * pocketfft instead of our FFT), the observed order of convergence against a small-step run
 * (4 for IF-RK4, 1 for the FNO scheme), and @modewise/fft's functional rfft2 for the spectral
 * divergence and curl of the derived velocity.
 */
import { readFileSync } from "node:fs";
import { rfft2 } from "@modewise/fft";
import { drift, gaussianRandomField2d, NavierStokes2d } from "@modewise/pde";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

const ref = JSON.parse(
  readFileSync(new URL("./fixtures/pde_solvers_reference.json", import.meta.url), "utf8"),
) as {
  ns: {
    s: number;
    nu: number;
    w0: number[];
    fno_cn: { dt: number; steps: number; w: number[] };
    ifrk4: { dt: number; steps: number; w: number[] };
  };
};

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    n += ((a[i] as number) - (b[i] as number)) ** 2;
    d += (b[i] as number) ** 2;
  }
  return Math.sqrt(n / d);
}

function taylorGreen(s: number, A: number): Float64Array {
  const w = new Float64Array(s * s);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++)
      w[i * s + j] = A * Math.sin((2 * Math.PI * i) / s) * Math.sin((2 * Math.PI * j) / s);
  return w;
}

describe("NavierStokes2d: exact solutions and derived fields", () => {
  it("Taylor-Green decays as exp(-8 pi^2 nu t) to < 1e-9 at T = 1 (64^2, nu = 1e-3, both schemes)", () => {
    const s = 64;
    const nu = 1e-3;
    const w0 = taylorGreen(s, 1.5);
    // IF-RK4 integrates diffusion exactly and the advection of this state is zero up to round-off
    // (~1e-16 per step), so the error is round-off level; 1e-9 is the bound.
    const r = new NavierStokes2d({ s, nu, forcing: "none" }).run(w0, { T: 1, recordEvery: 0.5 });
    expect(Array.from(r.times)).toEqual([0.5, 1]);
    const decay = Math.exp(-8 * Math.PI ** 2 * nu);
    let err = 0;
    for (let x = 0; x < s * s; x++)
      err = Math.max(err, Math.abs((r.w[x * 2 + 1] as number) - decay * (w0[x] as number)));
    expect(err).toBeLessThan(1e-9);
    // Crank-Nicolson: amplification (1 - z/2)/(1 + z/2) per step, z = 8 pi^2 nu dt; error O(z^3/12)
    // per step -> relative error ~ 1e4 steps * (8 pi^2 1e-7)^3 / 12 ~ 4e-16: also round-off level.
    const cn = new NavierStokes2d({ s: 16, nu, forcing: "none", scheme: "fno-cn" }).run(
      taylorGreen(16, 1.5),
      { T: 0.2 },
    );
    const z = 8 * Math.PI ** 2 * nu * 1e-4;
    const amp = ((1 - z / 2) / (1 + z / 2)) ** 2000;
    const tg16 = taylorGreen(16, 1.5);
    let errCn = 0;
    for (let x = 0; x < 256; x++)
      errCn = Math.max(errCn, Math.abs((cn.w[x] as number) - amp * (tg16[x] as number)));
    expect(errCn).toBeLessThan(1e-12);
  });

  it("energy, enstrophy and spectrum of Taylor-Green match the closed forms", () => {
    const s = 32;
    const A = 2;
    const ns = new NavierStokes2d({ s, nu: 1e-3 });
    const w = taylorGreen(s, A);
    // psi = w / (8 pi^2): <u^2 + v^2> = A^2 / (32 pi^2), energy = A^2 / (64 pi^2), enstrophy = A^2 / 8
    expect(ns.energy(w)[0]).toBeCloseTo(A ** 2 / (64 * Math.PI ** 2), 14);
    expect(ns.enstrophy(w)[0]).toBeCloseTo(A ** 2 / 8, 14);
    const { E, k } = ns.spectrum(w);
    expect(k.length).toBe(E.length);
    // all the energy sits in the shell round(sqrt(2)) = 1
    expect(E[1]).toBeCloseTo(A ** 2 / (64 * Math.PI ** 2), 14);
    let rest = 0;
    for (let i = 0; i < E.length; i++) if (i !== 1) rest += E[i] as number;
    expect(rest).toBeLessThan(1e-28);
    const psi = ns.streamFunction(w);
    for (let x = 0; x < s * s; x++)
      expect(psi[x]).toBeCloseTo((w[x] as number) / (8 * Math.PI ** 2), 15);
  });

  it("the spectral velocity of a random field is divergence-free (1e-12) and its curl is w", () => {
    const s = 64;
    const B = 2;
    const w = gaussianRandomField2d({ s, batch: B, seed: 7 });
    const ns = new NavierStokes2d({ s, nu: 1e-3 });
    const { u, v } = ns.velocity(w);
    const U = rfft2({ data: u, shape: [B, s, s] }).data as Float64Array;
    const V = rfft2({ data: v, shape: [B, s, s] }).data as Float64Array;
    const W = rfft2({ data: w, shape: [B, s, s] }).data as Float64Array;
    const half = s / 2 + 1;
    let div = 0;
    let curlErr = 0;
    let scale = 0;
    for (let b = 0; b < B; b++) {
      for (let p = 0; p < s; p++) {
        if (p === s / 2) continue; // Nyquist row/column: derivatives are not defined there
        const kx = 2 * Math.PI * (p < s / 2 ? p : p - s);
        for (let q = 0; q < half - 1; q++) {
          const ky = 2 * Math.PI * q;
          const o = 2 * ((b * s + p) * half + q);
          // i kx U + i ky V
          const dr = -(kx * (U[o + 1] as number) + ky * (V[o + 1] as number));
          const di = kx * (U[o] as number) + ky * (V[o] as number);
          div = Math.max(div, Math.hypot(dr, di));
          scale = Math.max(scale, Math.hypot(kx * (U[o] as number), kx * (U[o + 1] as number)));
          // curl = i kx V - i ky U = W (except the mean)
          if (p === 0 && q === 0) continue;
          const cr = -(kx * (V[o + 1] as number)) + ky * (U[o + 1] as number);
          const ci = kx * (V[o] as number) - ky * (U[o] as number);
          curlErr = Math.max(curlErr, Math.hypot(cr - (W[o] as number), ci - (W[o + 1] as number)));
        }
      }
    }
    expect(div / scale).toBeLessThan(1e-12);
    expect(curlErr / scale).toBeLessThan(1e-12);
  });
});

describe("NavierStokes2d: schemes against numpy and each other", () => {
  const { s, nu, w0 } = ref.ns;

  it("the FNO scheme (Euler + Crank-Nicolson) matches numpy to 1e-12 after 200 steps", () => {
    const ns = new NavierStokes2d({ s, nu, scheme: "fno-cn", dt: ref.ns.fno_cn.dt });
    const r = ns.run(Float64Array.from(w0), { T: ref.ns.fno_cn.dt * ref.ns.fno_cn.steps });
    expect(r.stats.steps).toBe(ref.ns.fno_cn.steps);
    // round-off: ~5 FFTs of 16^2 per step, ~1e-15 each, 200 steps -> ~1e-13 relative
    expect(relErr(r.w, ref.ns.fno_cn.w)).toBeLessThan(1e-12);
  });

  it("IF-RK4 with a fixed step matches numpy to 1e-12 after 20 steps", () => {
    const ns = new NavierStokes2d({ s, nu, dt: ref.ns.ifrk4.dt });
    const r = ns.run(Float64Array.from(w0), { T: ref.ns.ifrk4.dt * ref.ns.ifrk4.steps });
    expect(r.stats.steps).toBe(ref.ns.ifrk4.steps);
    expect(relErr(r.w, ref.ns.ifrk4.w)).toBeLessThan(1e-12);
  });

  it("IF-RK4 converges at order 4, the FNO scheme at order 1, and they agree to ~4.6e-6 at dt = 1e-4", () => {
    const n = 32;
    const v = 1e-3;
    const T = 0.5;
    // IF-RK4 filters the initial field to the 2/3 box (Galerkin truncation); start both schemes
    // from the filtered field so that they solve the same problem
    const filter = new NavierStokes2d({ s: n, nu: v });
    filter.setVorticity(gaussianRandomField2d({ s: n, seed: 3 }));
    const init = filter.getVorticity();
    const exact = new NavierStokes2d({ s: n, nu: v, dt: 0.01 }).run(init, { T }).w; // error ~ 3e-11
    const rk = [0.1, 0.05].map((dt) =>
      relErr(new NavierStokes2d({ s: n, nu: v, dt }).run(init, { T }).w, exact),
    );
    const orderRk = Math.log2((rk[0] as number) / (rk[1] as number));
    expect(orderRk).toBeGreaterThan(3.8);
    expect(orderRk).toBeLessThan(4.2);
    const cn = [4e-3, 2e-3].map((dt) =>
      relErr(new NavierStokes2d({ s: n, nu: v, dt, scheme: "fno-cn" }).run(init, { T }).w, exact),
    );
    const orderCn = Math.log2((cn[0] as number) / (cn[1] as number));
    expect(orderCn).toBeGreaterThan(0.9);
    expect(orderCn).toBeLessThan(1.1);
    // first order: the error at dt = 1e-4 is cn(2e-3) / 20; the FNO data's step
    const fno = new NavierStokes2d({ s: n, nu: v, scheme: "fno-cn" }).run(init, { T }).w;
    const ifrk4 = new NavierStokes2d({ s: n, nu: v, dt: 0.05 }).run(init, { T }).w;
    expect(relErr(ifrk4, fno)).toBeLessThan(1.2 * ((cn[1] as number) / 20) + (rk[1] as number));
    expect(relErr(ifrk4, fno)).toBeGreaterThan(0.8 * ((cn[1] as number) / 20) - (rk[1] as number));
  });

  it("FNO-forced flow runs to T = 50 at 64^2 with the CFL step, no NaN, bounded vorticity", () => {
    const s64 = 64;
    const ns = new NavierStokes2d({ s: s64, nu: 1e-3 });
    const r = ns.run(gaussianRandomField2d({ s: s64, seed: 1 }), { T: 50, recordEvery: 25 });
    expect(r.w.every(Number.isFinite)).toBe(true);
    expect(r.stats.maxCfl).toBeLessThanOrEqual(0.8 + 1e-9);
    // The forcing injects enstrophy at |k| = sqrt(2) with amplitude 0.1: the statistically steady
    // vorticity of the FNO data is O(1) (|w| <= ~3 at nu = 1e-3); blow-up would give >> 10.
    let mx = 0;
    for (const x of r.w) mx = Math.max(mx, Math.abs(x));
    expect(mx).toBeGreaterThan(0.3);
    expect(mx).toBeLessThan(5);
  });
});

describe("NavierStokes2d: forcing and invariants", () => {
  it("Kolmogorov forcing drives the laminar shear flow W(t) = A/lambda (1 - e^{-lambda t}) sin(2 pi K y)", () => {
    // w = W(t) sin(2 pi K y) has v = 0 and w_x = 0: advection vanishes and dW/dt = -lambda W + A,
    // lambda = nu (2 pi K)^2. Lawson RK4 integrates the constant forcing with a local error
    // ~ A dt (lambda dt)^4 / 120: with lambda dt = 0.016, ~1e-11 per step, ~1e-9 over 100 steps.
    const s = 16;
    const nu = 0.01;
    const K = 2;
    const A = 0.7;
    const opts = {
      s,
      nu,
      forcing: "kolmogorov" as const,
      kolmogorovK: K,
      kolmogorovAmplitude: A,
      dt: 0.01,
    };
    const progress: number[] = [];
    const r = new NavierStokes2d(opts).run(new Float64Array(s * s), {
      T: 1,
      recordEvery: 0.5,
      onProgress: (t) => progress.push(t),
    });
    expect(progress).toEqual([0.5, 1]);
    const lambda = nu * (2 * Math.PI * K) ** 2;
    const W = (A / lambda) * (1 - Math.exp(-lambda));
    let err = 0;
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++)
        err = Math.max(
          err,
          Math.abs((r.w[(i * s + j) * 2 + 1] as number) - W * Math.sin((2 * Math.PI * K * j) / s)),
        );
    expect(err / W).toBeLessThan(1e-8);
    // the same forcing given as an array gives the same trajectory bit for bit
    const f = new Float64Array(s * s);
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++) f[i * s + j] = A * Math.sin((2 * Math.PI * K * j) / s);
    const g = new NavierStokes2d({ ...opts, forcing: f }).run(new Float64Array(s * s), {
      T: 1,
      recordEvery: 0.5,
    });
    expect(Array.from(g.w)).toEqual(Array.from(r.w));
  });

  it("conserves energy and enstrophy without viscosity and forcing (dealiased Galerkin, RK4 drift)", () => {
    // The 2/3-truncated advection conserves both exactly in continuous time; RK4 drifts by
    // O(dt^4) per unit time: at Courant ~0.2 over T = 1 the relative drift is < 1e-8.
    const s = 32;
    const ns = new NavierStokes2d({ s, nu: 1e-300, forcing: "none", dt: 0.005 });
    // start band-limited (inside the 2/3 box) so that the truncated system is the whole system
    const w0 = new Float64Array(s * s);
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++) {
        const x = i / s;
        const y = j / s;
        w0[i * s + j] =
          Math.sin(2 * Math.PI * (x + 2 * y)) +
          0.8 * Math.cos(2 * Math.PI * (3 * x - y)) +
          0.5 * Math.sin(2 * Math.PI * 4 * y);
      }
    const r = ns.run(w0, { T: 1, recordEvery: 0.25, recordInitial: true });
    const energy: number[] = [];
    const enstrophy: number[] = [];
    const snap = new Float64Array(s * s);
    for (let t = 0; t < 5; t++) {
      for (let x = 0; x < s * s; x++) snap[x] = r.w[x * 5 + t] as number;
      energy.push(ns.energy(snap)[0] as number);
      enstrophy.push(ns.enstrophy(snap)[0] as number);
    }
    expect(drift(energy)).toBeLessThan(1e-8);
    expect(drift(enstrophy)).toBeLessThan(1e-8);
    // the flow is not trivial: the field changed by O(1)
    let change = 0;
    for (let x = 0; x < s * s; x++)
      change = Math.max(change, Math.abs((r.w[x * 5 + 4] as number) - (w0[x] as number)));
    expect(change).toBeGreaterThan(0.1);
  });
});

describe("NavierStokes2d: state, resumption and errors", () => {
  it("resumes bit for bit: advanceTo(0.3) then advanceTo(0.6) equals one run with a fixed step", () => {
    const s = 16;
    const w0 = gaussianRandomField2d({ s, batch: 2, seed: 1 });
    const a = new NavierStokes2d({ s, nu: 1e-3, batch: 2, dt: 0.01 });
    const whole = a.run(w0, { T: 0.6 }).w;
    const b = new NavierStokes2d({ s, nu: 1e-3, batch: 2, dt: 0.01 });
    b.setVorticity(w0);
    b.advanceTo(0.3);
    const saved = b.getVorticity();
    const c = new NavierStokes2d({ s, nu: 1e-3, batch: 2, dt: 0.01 });
    c.setVorticity(saved, 0.3);
    c.advanceTo(0.6);
    expect(c.time).toBeCloseTo(0.6, 15);
    // the round trip through real space costs one rounding: compare at 1e-13
    expect(relErr(c.getVorticity(), whole)).toBeLessThan(1e-13);
    // derived fields between steps do not disturb the stepper's buffers
    const d = new NavierStokes2d({ s, nu: 1e-3, batch: 2, dt: 0.01 });
    d.setVorticity(w0);
    d.advanceTo(0.3);
    d.velocity(gaussianRandomField2d({ s, batch: 3, seed: 9 }));
    d.streamFunction(w0);
    d.spectrum(w0);
    d.advanceTo(0.6);
    b.advanceTo(0.6); // the same steps without the derived-field calls
    expect(Array.from(d.getVorticity())).toEqual(Array.from(b.getVorticity()));
  });

  it("IF-RK4 keeps the state in the 2/3 box; the FNO scheme and dealias: false keep every mode", () => {
    const s = 24; // box: |k_x|, |k_y| <= 8
    const w = gaussianRandomField2d({ s, seed: 4 });
    const outside = (field: Float64Array): number => {
      const F = rfft2({ data: field, shape: [s, s] }).data as Float64Array;
      let m = 0;
      for (let p = 0; p < s; p++)
        for (let q = 0; q <= s / 2; q++) {
          const kx = p < s / 2 ? p : p - s;
          if (Math.abs(kx) > 8 || q > 8)
            m = Math.max(
              m,
              Math.hypot(F[2 * (p * 13 + q)] as number, F[2 * (p * 13 + q) + 1] as number),
            );
        }
      return m;
    };
    const before = outside(w);
    expect(before).toBeGreaterThan(1e-3);
    for (const [opts, kept] of [
      [{ scheme: "ifrk4" as const }, false],
      [{ scheme: "fno-cn" as const }, true],
      [{ scheme: "ifrk4" as const, dealias: false }, true],
    ] as const) {
      const ns = new NavierStokes2d({ s, nu: 1e-3, ...opts });
      ns.setVorticity(w);
      const after = outside(ns.getVorticity());
      if (kept) expect(after).toBeCloseTo(before, 12);
      else expect(after).toBeLessThan(1e-12);
    }
    // without dealiasing Taylor-Green is still exact (its products have no aliases at 24^2)
    const tg = new NavierStokes2d({ s, nu: 1e-3, forcing: "none", dealias: false }).run(
      taylorGreen(s, 1),
      { T: 0.5 },
    );
    const decay = Math.exp(-8 * Math.PI ** 2 * 1e-3 * 0.5);
    const tg0 = taylorGreen(s, 1);
    for (let x = 0; x < s * s; x++)
      expect(Math.abs((tg.w[x] as number) - decay * (tg0[x] as number))).toBeLessThan(1e-13);
  });

  it("throws typed errors for bad input and unstable fixed steps", () => {
    expect(() => new NavierStokes2d({ s: 15, nu: 1e-3 })).toThrow(ValueError);
    expect(() => new NavierStokes2d({ s: 16, nu: 0 })).toThrow(/nu/);
    expect(() => new NavierStokes2d({ s: 16, nu: 1e-3, scheme: "euler" as "ifrk4" })).toThrow(
      /scheme/,
    );
    expect(() => new NavierStokes2d({ s: 16, nu: 1e-3, forcing: new Float64Array(5) })).toThrow(
      ShapeError,
    );
    const ns = new NavierStokes2d({ s: 16, nu: 1e-3 });
    expect(() => ns.run(new Float64Array(10), { T: 1 })).toThrow(ShapeError);
    const bad = new Float64Array(256);
    bad[3] = Number.NaN;
    expect(() => ns.run(bad, { T: 1 })).toThrow(/finite/);
    expect(() => ns.run(new Float64Array(256), { T: 1, recordEvery: 0.3 })).toThrow(/recordEvery/);
    const big = new NavierStokes2d({ s: 32, nu: 1e-3, dt: 1 });
    expect(() => big.run(taylorGreen(32, 50), { T: 1 })).toThrow(/Courant/);
    expect(
      () => new NavierStokes2d({ s: 16, nu: 1e-3, forcing: "kolmogorov", kolmogorovK: 6 }),
    ).toThrow(/kolmogorovK/);
    const back = new NavierStokes2d({ s: 16, nu: 1e-3 });
    back.setVorticity(new Float64Array(256), 1);
    expect(() => back.advanceTo(0.5)).toThrow(/tEnd/);
  });
});
