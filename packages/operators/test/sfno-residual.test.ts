import { rfft2 } from "@modewise/fft/tensor";
import {
  fnoForcing,
  hMinus1SquaredFromRfft2,
  navierStokesResidual,
  navierStokesResidualHMinus1,
  navierStokesResidualHMinus1PerFrame,
  navierStokesResidualSpectrum,
  SPECTRAL_REFINER_ALPHA,
  timeDerivative,
} from "@modewise/operators";
import { gaussianRandomField2d, NavierStokes2d } from "@modewise/pde";
import { Generator, memory, permute, ShapeError, tensor, tidy, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad } from "../../tensor/test/helpers.js";

const TWO_PI = 2 * Math.PI;

/** [1, 1, s, s, T] trajectory from a space-time function. */
function trajectory(s: number, times: number[], f: (x: number, y: number, t: number) => number) {
  const T = times.length;
  const d = new Float64Array(s * s * T);
  for (let i = 0; i < s; i++)
    for (let j = 0; j < s; j++)
      for (let k = 0; k < T; k++) d[(i * s + j) * T + k] = f(i / s, j / s, times[k]);
  return tensor(d, { dtype: "float64", shape: [1, 1, s, s, T] });
}

// The stencils of time-derivative.ts, written out again for the closed form (frame -> coeffs over frames).
function stencilRows(
  scheme: "fd2" | "fd4" | "bdf4",
  T: number,
): { frames: number[]; c: number[] }[] {
  const rows: { frames: number[]; c: number[] }[] = [];
  const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);
  if (scheme === "fd2") {
    rows.push({ frames: range(0, 3), c: [-1.5, 2, -0.5] });
    for (let k = 1; k < T - 1; k++) rows.push({ frames: range(k - 1, 3), c: [-0.5, 0, 0.5] });
    rows.push({ frames: range(T - 3, 3), c: [0.5, -2, 1.5] });
  } else if (scheme === "bdf4") {
    // frames 0..3 from frames 0..4, then the backward 5-point stencil at every later frame
    rows.push({ frames: range(0, 5), c: [-25 / 12, 4, -3, 4 / 3, -1 / 4] });
    rows.push({ frames: range(0, 5), c: [-1 / 4, -5 / 6, 3 / 2, -1 / 2, 1 / 12] });
    rows.push({ frames: range(0, 5), c: [1 / 12, -2 / 3, 0, 2 / 3, -1 / 12] });
    rows.push({ frames: range(0, 5), c: [-1 / 12, 1 / 2, -3 / 2, 5 / 6, 1 / 4] });
    for (let k = 4; k < T; k++)
      rows.push({ frames: range(k - 4, 5), c: [1 / 4, -4 / 3, 3, -4, 25 / 12] });
  } else {
    rows.push({ frames: range(0, 5), c: [-25 / 12, 4, -3, 4 / 3, -1 / 4] });
    rows.push({ frames: range(0, 5), c: [-1 / 4, -5 / 6, 3 / 2, -1 / 2, 1 / 12] });
    for (let k = 2; k < T - 2; k++)
      rows.push({ frames: range(k - 2, 5), c: [1 / 12, -2 / 3, 0, 2 / 3, -1 / 12] });
    rows.push({ frames: range(T - 5, 5), c: [-1 / 12, 1 / 2, -3 / 2, 5 / 6, 1 / 4] });
    rows.push({ frames: range(T - 5, 5), c: [1 / 4, -4 / 3, 3, -4, 25 / 12] });
  }
  return rows;
}

describe("navierStokesResidualHMinus1", () => {
  it("Taylor-Green decay: equals the closed-form stencil error, order 2 (fd2) and 4 (fd4, bdf4)", () => {
    // w = A e^{-lambda t} sin(2 pi x) sin(2 pi y), lambda = 8 pi^2 nu, no forcing: advection is
    // exactly zero and the spatial terms are exact, so R(t_k) = s_k w(., t_k) / e^{-lambda t_k}
    // with s_k = (sum_j c_j e^{-lambda t_j}) / dt + lambda e^{-lambda t_k}: the stencil's error.
    // ||sin sin||_{-1}^2 = 4 (1/4)^2 / (alpha + 8 pi^2). Leading terms (Taylor): fd2 interior
    // lambda^3 dt^2 / 6, ends lambda^3 dt^2 / 3; fd4 interior lambda^5 dt^4 / 30, first/last
    // frame lambda^5 dt^4 / 5, second lambda^5 dt^4 / 20: halving dt divides the norm by ~2^p.
    const s = 8;
    const nu = 0.02;
    const A = 1.3;
    const lambda = 8 * Math.PI ** 2 * nu;
    const alpha = SPECTRAL_REFINER_ALPHA;
    const T = 9;
    const base = memory().numTensors;
    for (const scheme of ["fd2", "fd4", "bdf4"] as const) {
      const norms: number[] = [];
      for (const dt of [0.01, 0.005]) {
        const times = Array.from({ length: T }, (_, k) => 0.3 + k * dt);
        const w = trajectory(
          s,
          times,
          (x, y, t) => A * Math.exp(-lambda * t) * Math.sin(TWO_PI * x) * Math.sin(TWO_PI * y),
        );
        const got = navierStokesResidualHMinus1(w, {
          nu,
          dt,
          forcing: "none",
          timeDerivative: scheme,
        });
        const sinNorm = Math.sqrt(0.25 / (alpha + 8 * Math.PI ** 2));
        let ms = 0;
        stencilRows(scheme, T).forEach(({ frames, c }, k) => {
          let d = 0;
          frames.forEach((f, j) => {
            d += c[j] * Math.exp(-lambda * times[f]);
          });
          const sk = d / dt + lambda * Math.exp(-lambda * times[k]);
          ms += (A * sk * sinNorm) ** 2;
        });
        const expected = Math.sqrt(ms / T);
        // f64 FFTs of an 8 x 8 grid: relative roundoff ~ 1e-15 on terms of size lambda |w|,
        // the stencil error is >= 1e-7 of them
        expect(Math.abs(got.item() - expected)).toBeLessThan(1e-7 * expected + 1e-14);
        norms.push(got.item());
        got.dispose();
        w.dispose();
      }
      const order = Math.log2(norms[0] / norms[1]);
      const p = scheme === "fd2" ? 2 : 4;
      expect(order).toBeGreaterThan(p - 0.1);
      expect(order).toBeLessThan(p + 0.1);
    }
    expect(memory().numTensors).toBe(base);
  });

  it("steady forced Taylor-Green (f = -nu lap w) has zero residual", () => {
    const s = 12;
    const nu = 1e-3;
    const A = 0.7;
    const w = trajectory(
      s,
      [0, 1, 2, 3, 4, 5],
      (x, y) => A * Math.sin(TWO_PI * x) * Math.sin(TWO_PI * y),
    );
    const f = new Float64Array(s * s);
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++)
        f[i * s + j] =
          8 * Math.PI ** 2 * nu * A * Math.sin((TWO_PI * i) / s) * Math.sin((TWO_PI * j) / s);
    const r = navierStokesResidualHMinus1(w, { nu, dt: 1, forcing: f });
    // every term is O(1e-2); exact cancellation leaves f64 roundoff
    expect(r.item()).toBeLessThan(1e-15);
  });

  it("advection matches the closed form u.grad(w) = 1.5 a b cos(2 pi x) sin(4 pi y)", () => {
    // w = a sin(2 pi x) + b cos(4 pi y): psi = a sin(2 pi x)/(4 pi^2) + b cos(4 pi y)/(16 pi^2),
    // u = psi_y = -b sin(4 pi y)/(4 pi), v = -psi_x = -a cos(2 pi x)/(2 pi), so
    // u w_x + v w_y = -ab/2 cos sin + 2ab cos sin; -nu lap w = nu (4 pi^2 a sin(2 pi x) + 16 pi^2 b cos(4 pi y)).
    const s = 16;
    const [a, b, nu] = [0.8, -0.5, 0.01];
    const w = trajectory(
      s,
      [0, 0.1, 0.2, 0.3, 0.4],
      (x, y) => a * Math.sin(TWO_PI * x) + b * Math.cos(2 * TWO_PI * y),
    );
    const r = navierStokesResidual(w, { nu, dt: 0.1, forcing: "fno" });
    expect(r.shape).toEqual([1, 1, s, s, 5]);
    const got = r.dataSync();
    const F = fnoForcing(s);
    let maxErr = 0;
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++) {
        const x = i / s;
        const y = j / s;
        const expected =
          1.5 * a * b * Math.cos(TWO_PI * x) * Math.sin(2 * TWO_PI * y) +
          nu *
            (4 * Math.PI ** 2 * a * Math.sin(TWO_PI * x) +
              16 * Math.PI ** 2 * b * Math.cos(2 * TWO_PI * y)) -
          F[i * s + j];
        for (let k = 0; k < 5; k++)
          maxErr = Math.max(maxErr, Math.abs(got[(i * s + j) * 5 + k] - expected));
      }
    expect(maxErr).toBeLessThan(1e-13);
  });

  it("Parseval: the spectral H^-1 norm equals the spatial mean of |(alpha - lap)^{-1/2} r|^2 (naive DFT)", () => {
    for (const [nx, ny] of [
      [8, 6],
      [7, 5],
    ]) {
      const r = new Generator(3).normal([nx, ny], { dtype: "float64" });
      const data = r.dataSync() as Float64Array;
      const alpha = SPECTRAL_REFINER_ALPHA;
      // direct: s = sum_k c_k (alpha + 4 pi^2 |k|^2)^{-1/2} e^{2 pi i k.x}, c_k by naive sums
      const fx = (i: number, n: number) => (i <= n / 2 ? i : i - n);
      const cRe = new Float64Array(nx * ny);
      const cIm = new Float64Array(nx * ny);
      for (let p = 0; p < nx; p++)
        for (let q = 0; q < ny; q++)
          for (let i = 0; i < nx; i++)
            for (let j = 0; j < ny; j++) {
              const ang = -TWO_PI * ((p * i) / nx + (q * j) / ny);
              cRe[p * ny + q] += (data[i * ny + j] * Math.cos(ang)) / (nx * ny);
              cIm[p * ny + q] += (data[i * ny + j] * Math.sin(ang)) / (nx * ny);
            }
      let ms = 0;
      for (let i = 0; i < nx; i++)
        for (let j = 0; j < ny; j++) {
          let v = 0;
          for (let p = 0; p < nx; p++)
            for (let q = 0; q < ny; q++) {
              const k2 = fx(p, nx) ** 2 + fx(q, ny) ** 2;
              const g = 1 / Math.sqrt(alpha + 4 * Math.PI ** 2 * k2);
              const ang = TWO_PI * ((p * i) / nx + (q * j) / ny);
              v += g * (cRe[p * ny + q] * Math.cos(ang) - cIm[p * ny + q] * Math.sin(ang));
            }
          ms += v * v;
        }
      ms /= nx * ny;
      const got = hMinus1SquaredFromRfft2(rfft2(r), nx, ny, alpha).item();
      // O(N^4) f64 sums of O(1) terms: roundoff ~ N^2 eps
      expect(Math.abs(got - ms)).toBeLessThan(1e-12 * ms);
      r.dispose();
    }
  });

  it("an IF-RK4 trajectory has a small residual, a perturbed one a large residual", () => {
    const s = 32;
    const dt = 0.25;
    const nu = 1e-3;
    const ns = new NavierStokes2d({ s, nu, batch: 1, forcing: "fno" });
    const w0 = gaussianRandomField2d({ s, batch: 1, seed: 4 });
    // frames t = dt .. 8 dt (t = 0 is the unfiltered random field, outside the solver's 2/3 box)
    const { w } = ns.run(w0, { T: 8 * dt, recordEvery: dt });
    const nt = w.length / (s * s);
    expect(nt).toBe(8);
    const truth = tensor(w, { dtype: "float64", shape: [1, s, s, nt] });
    const rTruth = navierStokesResidualHMinus1(truth, { nu, dt }).item();
    // scale: RMS over the frames of ||w_t||_{-1}, the size of the terms that cancel
    const wt = permute(timeDerivative(truth, 3, dt), [0, 3, 1, 2]);
    const perFrame = hMinus1SquaredFromRfft2(rfft2(wt), s, s, SPECTRAL_REFINER_ALPHA).dataSync();
    const scale = Math.sqrt(Array.from(perFrame as Float64Array).reduce((a, v) => a + v, 0) / nt);
    // perturbation: 1% of the field's rms, independent per frame
    const noise = new Generator(7).normal([1, s, s, nt], { dtype: "float64" }).dataSync();
    let rms = 0;
    for (const v of w) rms += v * v;
    rms = Math.sqrt(rms / w.length);
    const perturbed = w.map((v, i) => v + 0.01 * rms * noise[i]);
    const rPert = navierStokesResidualHMinus1(
      tensor(perturbed, { dtype: "float64", shape: [1, s, s, nt] }),
      { nu, dt },
    ).item();
    // the residual of the solver's solution is the stencil's time error: measured 3.9e-3 of the
    // scale at dt = 0.25 (6.6e-2 at dt = 1, 7.4e-4 at dt = 0.125)
    expect(rTruth).toBeLessThan(1e-2 * scale);
    expect(rPert).toBeGreaterThan(20 * rTruth);
  });

  it("spectrum and per-frame norms agree with the residual field and its RMS (f64)", () => {
    const w = new Generator(13).normal([2, 1, 6, 6, 7], { dtype: "float64" });
    const base = memory().numTensors;
    for (const timeDerivative of ["fd4", "bdf4"] as const) {
      const opts = { nu: 0.01, dt: 0.1, timeDerivative };
      const { fromField, spec, f, none, shape } = tidy(() => {
        // the spectrum is the unnormalised rfft2 of the field, frames first
        const field = navierStokesResidual(w, opts); // [2, 1, 6, 6, 7]
        const frames = navierStokesResidualHMinus1PerFrame(w, opts);
        return {
          fromField: rfft2(permute(field, [0, 1, 4, 2, 3])).dataSync(), // [2, 1, 7, 6, 4]
          spec: navierStokesResidualSpectrum(w, opts).dataSync(), // [2, 7, 6, 4]
          f: frames.dataSync(),
          shape: frames.shape.slice(),
          none: navierStokesResidualHMinus1(w, { ...opts, reduction: "none" }).dataSync(),
        };
      });
      expect(spec.length).toBe(fromField.length);
      let big = 0;
      for (const v of fromField) big = Math.max(big, Math.abs(v));
      for (let i = 0; i < spec.length; i++)
        expect(Math.abs(spec[i] - fromField[i])).toBeLessThan(1e-13 * big);
      expect(shape).toEqual([2, 7]);
      for (let b = 0; b < 2; b++) {
        let ms = 0;
        for (let k = 0; k < 7; k++) ms += f[b * 7 + k] ** 2 / 7;
        expect(Math.abs(Math.sqrt(ms) - none[b])).toBeLessThan(1e-14 * none[b]);
      }
    }
    expect(memory().numTensors).toBe(base);
  });

  it("is differentiable (f64 finite differences) and validates input", () => {
    const w = new Generator(11).normal([1, 1, 4, 4, 5], { dtype: "float64" });
    checkGrad((x) => navierStokesResidualHMinus1(x, { nu: 0.01, dt: 0.1 }), [w]);
    checkGrad(
      (x) => navierStokesResidualHMinus1(x, { nu: 0.01, dt: 0.1, timeDerivative: "bdf4" }),
      [w],
    );
    expect(() => navierStokesResidualHMinus1(w, { nu: 0.01, dt: 0 })).toThrow(ValueError);
    const short = new Generator(1).normal([1, 1, 4, 4, 4], { dtype: "float64" });
    expect(() => navierStokesResidualHMinus1(short, { nu: 0.01, dt: 0.1 })).toThrow(ShapeError);
    expect(() =>
      navierStokesResidualHMinus1(w, { nu: 0.01, dt: 0.1, forcing: new Float64Array(3) }),
    ).toThrow(ShapeError);
  }, 60_000);
});
