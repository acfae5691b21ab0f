/**
 * The 2-D incompressible Navier-Stokes residual in vorticity form on the unit torus, computed
 * spectrally, and its H^-1 norm (the Spectral-Refiner objective, Cao et al.):
 *
 *   R = w_t + u . grad(w) - nu lap(w) - f,   psi_hat = w_hat / (4 pi^2 |k|^2),  u = psi_y, v = -psi_x
 *   ||r||_{-1}^2 = sum_k |r_hat_k|^2 / (alpha + 4 pi^2 |k|^2),   alpha = 10^{-3/2}
 *
 * with r_hat_k = (1 / (X Y)) sum_x r(x) exp(-2 pi i k.x) the Fourier coefficients of the grid
 * function (so by Parseval the sum equals the spatial mean of |(alpha - lap)^{-1/2} r|^2, exact
 * for trigonometric polynomials on the grid), reported as the RMS over the time frames.
 *
 * - Spatial derivatives are exact spectral multipliers; the advection u.grad(w) is formed in
 *   physical space and dealiased by the 2/3 rule (|k_x|, |k_y| <= floor(s/3), the box of
 *   @modewise/pde's NavierStokes2d): the factors are truncated to the box before the product and
 *   the product after, which is alias-free, so the residual of the solver's Galerkin solution
 *   is its time-discretisation error only. The forcing is filtered to the same box.
 * - The time derivative is a finite-difference stencil (time-derivative.ts explains why not a
 *   Fourier derivative in time).
 * Everything is built from differentiable tensor ops, so the norm can be minimised.
 *
 * Layout: w [b, 1, X, Y, T] (the SFNO layout, time last) or [b, X, Y, T] (@modewise/pde's
 * trajectories); frames are t0 + k dt. x_i = i / X, y_j = j / Y.
 */
import { irfft2, rfft2 } from "@modewise/fft/tensor";
import {
  add,
  astype,
  complex,
  imag,
  mean,
  mul,
  permute,
  type RealFloatDType,
  real,
  reshape,
  ShapeError,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  zeros,
} from "@modewise/tensor";
import { minFramesFor, type TimeDerivativeScheme, timeDerivative } from "./time-derivative.js";

/** alpha of the H^-1 norm in Spectral-Refiner: 10^{-3/2}. */
export const SPECTRAL_REFINER_ALPHA = 10 ** -1.5;

export type ForcingSpec = "fno" | "none" | Float64Array | Tensor;

export interface NavierStokesResidualOptions {
  /** Viscosity. */
  nu: number;
  /** Time between frames. */
  dt: number;
  /** "fno" (0.1 (sin 2 pi (x+y) + cos 2 pi (x+y)), default), "none", or a field [X, Y]. */
  forcing?: ForcingSpec;
  /** Time derivative stencil, "fd4" (default), "fd2" or "bdf4" (time-derivative.ts). */
  timeDerivative?: TimeDerivativeScheme;
  /** 2/3-rule dealiasing of the advection term and forcing (default true). */
  dealias?: boolean;
}

export interface HMinus1ResidualOptions extends NavierStokesResidualOptions {
  /** alpha of the norm (default 10^{-3/2}). */
  alpha?: number;
  /** "mean" over the batch (default) or "none" ([b]). */
  reduction?: "mean" | "none";
}

/** FNO / Li et al. forcing 0.1 (sin 2 pi (x + y) + cos 2 pi (x + y)) on [X, Y], x_i = i / X. */
export function fnoForcing(nx: number, ny: number = nx): Float64Array {
  const f = new Float64Array(nx * ny);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      const a = 2 * Math.PI * (i / nx + j / ny);
      f[i * ny + j] = 0.1 * (Math.sin(a) + Math.cos(a));
    }
  return f;
}

/** Signed integer frequency of bin i of an n-point DFT. */
function freq(i: number, n: number): number {
  return i <= n / 2 ? i : i - n;
}

interface SpectralGrid {
  /** 2 pi i k_x and 2 pi i k_y, complex [X, Y/2+1]. */
  ikx: Tensor;
  iky: Tensor;
  /** 4 pi^2 |k|^2, real [X, Y/2+1]. */
  k2: Tensor;
  /** 1 / (4 pi^2 |k|^2) with 0 at k = 0. */
  invK2: Tensor;
  /** 2/3-rule mask (or all ones). */
  mask: Tensor;
}

function spectralGrid(
  nx: number,
  ny: number,
  dtype: RealFloatDType,
  dealias: boolean,
): SpectralGrid {
  const cols = Math.floor(ny / 2) + 1;
  const size = nx * cols;
  const kx = new Float64Array(size);
  const ky = new Float64Array(size);
  const k2 = new Float64Array(size);
  const inv = new Float64Array(size);
  const mask = new Float64Array(size);
  const cutX = Math.floor(nx / 3);
  const cutY = Math.floor(ny / 3);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < cols; j++) {
      const p = i * cols + j;
      const fx = freq(i, nx);
      const fy = j;
      kx[p] = 2 * Math.PI * fx;
      ky[p] = 2 * Math.PI * fy;
      k2[p] = 4 * Math.PI * Math.PI * (fx * fx + fy * fy);
      inv[p] = p === 0 ? 0 : 1 / k2[p];
      mask[p] = !dealias || (Math.abs(fx) <= cutX && fy <= cutY) ? 1 : 0;
    }
  const real = (a: Float64Array): Tensor =>
    tensor(dtype === "float32" ? Float32Array.from(a) : a, { dtype, shape: [nx, cols] });
  const zero = zeros([nx, cols], { dtype });
  return {
    ikx: complex(zero, real(kx)),
    iky: complex(zero, real(ky)),
    k2: real(k2),
    invK2: real(inv),
    mask: real(mask),
  };
}

/** w [b, 1, X, Y, T] or [b, X, Y, T] -> [b, T, X, Y] (validated). */
function framesFirst(fn: string, w: Tensor): Tensor {
  const s = w.shape;
  if (!(w.dtype === "float32" || w.dtype === "float64"))
    throw new ValueError(fn, "w", "a float32 or float64 tensor", w.dtype);
  if (s.length === 5 && s[1] !== 1)
    throw new ShapeError(
      fn,
      "w",
      "[b, 1, X, Y, T] (one channel) or [b, X, Y, T]",
      `[${s.join(", ")}]`,
    );
  if (s.length !== 4 && s.length !== 5)
    throw new ShapeError(fn, "w", "[b, 1, X, Y, T] or [b, X, Y, T]", `[${s.join(", ")}]`);
  const flat = s.length === 5 ? reshape(w, [s[0], s[2], s[3], s[4]]) : w;
  return permute(flat, [0, 3, 1, 2]);
}

function checkOptions(fn: string, opts: NavierStokesResidualOptions, frames: number): void {
  if (opts === null || typeof opts !== "object")
    throw new ValueError(fn, "opts", "an options object { nu, dt, ... }", String(opts));
  if (!(opts.nu >= 0) || !Number.isFinite(opts.nu))
    throw new ValueError(fn, "nu", "a non-negative finite number", String(opts.nu));
  if (!(opts.dt > 0) || !Number.isFinite(opts.dt))
    throw new ValueError(fn, "dt", "a positive finite number", String(opts.dt));
  const scheme = opts.timeDerivative ?? "fd4";
  if (scheme !== "fd2" && scheme !== "fd4" && scheme !== "bdf4")
    throw new ValueError(fn, "timeDerivative", '"fd2", "fd4" or "bdf4"', String(scheme));
  if (frames < minFramesFor(scheme))
    throw new ShapeError(
      fn,
      "w",
      `at least ${minFramesFor(scheme)} time frames for "${scheme}"`,
      `${frames}`,
    );
}

function forcingField(
  fn: string,
  f: ForcingSpec,
  nx: number,
  ny: number,
  dtype: RealFloatDType,
): Tensor | null {
  if (f === "none") return null;
  if (f === "fno")
    return astype(tensor(fnoForcing(nx, ny), { dtype: "float64", shape: [nx, ny] }), dtype);
  if (f instanceof Float64Array) {
    if (f.length !== nx * ny)
      throw new ShapeError(fn, "forcing", `${nx * ny} values ([${nx}, ${ny}])`, `${f.length}`);
    return astype(tensor(f, { dtype: "float64", shape: [nx, ny] }), dtype);
  }
  if (typeof f === "object" && f !== null && "shape" in f) {
    if (f.shape.length !== 2 || f.shape[0] !== nx || f.shape[1] !== ny)
      throw new ShapeError(fn, "forcing", `shape [${nx}, ${ny}]`, `[${f.shape.join(", ")}]`);
    return f.dtype === dtype ? f : astype(f, dtype);
  }
  throw new ValueError(
    fn,
    "forcing",
    '"fno", "none", a Float64Array or a Tensor [X, Y]',
    String(f),
  );
}

/**
 * Residual spectrum r_hat [b, T, X, Y/2+1] (complex, unnormalized rfft2 scale, i.e. X Y times the
 * Fourier coefficients) of w [b, 1, X, Y, T] or [b, X, Y, T]. Differentiable; its H^-1 norm per
 * frame is hMinus1SquaredFromRfft2(r_hat, X, Y, alpha).
 */
export function navierStokesResidualSpectrum(w: Tensor, opts: NavierStokesResidualOptions): Tensor {
  return tidy(() => residualSpectrum("navierStokesResidualSpectrum", w, opts));
}

function residualSpectrum(fn: string, w: Tensor, opts: NavierStokesResidualOptions): Tensor {
  const frames = w.shape[w.shape.length - 1];
  checkOptions(fn, opts, frames);
  const dtype = w.dtype as RealFloatDType;
  const nx = w.shape[w.shape.length - 3];
  const ny = w.shape[w.shape.length - 2];
  if (nx < 4 || ny < 4)
    throw new ShapeError(fn, "w", "a spatial grid of at least 4 x 4", `${nx} x ${ny}`);
  const dealias = opts.dealias ?? true;
  const f = forcingField(fn, opts.forcing ?? "fno", nx, ny, dtype);
  const g = spectralGrid(nx, ny, dtype, dealias);
  const wf = framesFirst(fn, w); // [b, T, X, Y]
  const wHat = rfft2(wf); // [b, T, X, Y/2+1]
  const wBox = dealias ? mul(wHat, g.mask) : wHat;
  const psiHat = mul(wBox, g.invK2);
  const s = [nx, ny];
  const u = irfft2(mul(psiHat, g.iky), { s }); // u = psi_y
  const v = irfft2(mul(mul(psiHat, g.ikx), -1), { s }); // v = -psi_x
  const wx = irfft2(mul(wBox, g.ikx), { s });
  const wy = irfft2(mul(wBox, g.iky), { s });
  let advHat = rfft2(add(mul(u, wx), mul(v, wy)));
  if (dealias) advHat = mul(advHat, g.mask);
  const wtHat = timeDerivative(wHat, 1, opts.dt, opts.timeDerivative ?? "fd4");
  // - nu lap w = + nu 4 pi^2 |k|^2 w
  let rHat = add(add(wtHat, advHat), mul(wHat, mul(g.k2, opts.nu)));
  if (f !== null) {
    let fHat = rfft2(f);
    if (dealias) fHat = mul(fHat, g.mask);
    rHat = sub(rHat, fHat);
  }
  return rHat;
}

/**
 * The residual field R = w_t + u.grad(w) - nu lap(w) - f of a trajectory, same layout as w
 * ([b, 1, X, Y, T] or [b, X, Y, T]).
 */
export function navierStokesResidual(w: Tensor, opts: NavierStokesResidualOptions): Tensor {
  const fn = "navierStokesResidual";
  return tidy(() => {
    const rHat = residualSpectrum(fn, w, opts);
    const s = w.shape;
    const nx = s[s.length - 3];
    const ny = s[s.length - 2];
    const r = permute(irfft2(rHat, { s: [nx, ny] }), [0, 2, 3, 1]); // [b, X, Y, T]
    return s.length === 5 ? reshape(r, s as number[]) : r;
  });
}

/**
 * ||R||_{-1} per frame, then RMS over the frames: [b] ("none") or its batch mean ("mean",
 * default). Differentiable in w.
 */
export function navierStokesResidualHMinus1(w: Tensor, opts: HMinus1ResidualOptions): Tensor {
  const fn = "navierStokesResidualHMinus1";
  const alpha = opts?.alpha ?? SPECTRAL_REFINER_ALPHA;
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new ValueError(fn, "alpha", "a positive finite number", String(alpha));
  const reduction = opts?.reduction ?? "mean";
  if (reduction !== "mean" && reduction !== "none")
    throw new ValueError(fn, "reduction", '"mean" or "none"', String(reduction));
  return tidy(() => {
    const rHat = residualSpectrum(fn, w, opts);
    const s = w.shape;
    const nx = s[s.length - 3];
    const ny = s[s.length - 2];
    const perFrame = hMinus1SquaredFromRfft2(rHat, nx, ny, alpha); // [b, T]
    const rms = sqrt(mean(perFrame, 1));
    return reduction === "mean" ? mean(rms) : rms;
  });
}

/** ||R(t_k)||_{-1} of every frame: [b, T] (diagnostics: where in the window the residual sits). */
export function navierStokesResidualHMinus1PerFrame(
  w: Tensor,
  opts: Omit<HMinus1ResidualOptions, "reduction">,
): Tensor {
  const fn = "navierStokesResidualHMinus1PerFrame";
  const alpha = opts?.alpha ?? SPECTRAL_REFINER_ALPHA;
  if (!(alpha > 0) || !Number.isFinite(alpha))
    throw new ValueError(fn, "alpha", "a positive finite number", String(alpha));
  return tidy(() => {
    const rHat = residualSpectrum(fn, w, opts);
    const s = w.shape;
    return sqrt(hMinus1SquaredFromRfft2(rHat, s[s.length - 3], s[s.length - 2], alpha));
  });
}

/**
 * sum_k |c_k|^2 / (alpha + 4 pi^2 |k|^2) over the full spectrum, from the unnormalized rfft2
 * zHat [..., X, Y/2+1] of a real field on an X x Y grid: the half spectrum counts every column
 * twice except k_y = 0 and (Y even) k_y = Y/2; c_k = zHat / (X Y). Returns [...] (the leading axes).
 */
export function hMinus1SquaredFromRfft2(
  zHat: Tensor,
  nx: number,
  ny: number,
  alpha: number,
): Tensor {
  return tidy(() => {
    const cols = Math.floor(ny / 2) + 1;
    const weight = new Float64Array(nx * cols);
    const n2 = (nx * ny) ** 2;
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < cols; j++) {
        const fx = freq(i, nx);
        const mult = j === 0 || (ny % 2 === 0 && j === ny / 2) ? 1 : 2;
        weight[i * cols + j] = mult / (n2 * (alpha + 4 * Math.PI * Math.PI * (fx * fx + j * j)));
      }
    const dtype: RealFloatDType = zHat.dtype === "complex64" ? "float32" : "float64";
    const wT = tensor(dtype === "float32" ? Float32Array.from(weight) : weight, {
      dtype,
      shape: [nx, cols],
    });
    const power = add(square(real(zHat)), square(imag(zHat)));
    const r = zHat.shape.length;
    return sum(mul(power, wT), [r - 2, r - 1]);
  });
}
