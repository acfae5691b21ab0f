/**
 * The composite path's parameters, chosen exactly as a plan chooses them (plan.ts), by the same
 * helpers: kernel width w and shape beta (kernelParams), fine grid sizes nf_a (fineGridSize),
 * and per mode axis the deconvolution factor (-1)^k / psihat(2 pi k / nf_a) and the fine-grid
 * index k mod nf_a of each mode (Deconvolver over a KernelTransform). Only the factor and index
 * tables of the Deconvolver are used here; its in-place extract/inject are the native path's.
 *
 * All arrays are in TENSOR axis order (mode axis 0 first, the slowest), the layout the
 * composite works in; the tables are per axis, so no reversal to FINUFFT's x-fastest order is
 * needed.
 */
import { Deconvolver } from "../deconvolve.js";
import { fineGridSize } from "../fine-grid.js";
import { kernelParams } from "../kernel/es-kernel.js";
import { KernelTransform } from "../kernel/fourier.js";
import type { ModeOrder, Upsampfac } from "../types.js";

export interface CompositeParams {
  /** Kernel width w (grid points touched per point and axis). */
  readonly width: number;
  /** ES kernel shape: phi(z) = exp(beta (sqrt(1 - z^2) - 1)). */
  readonly beta: number;
  /** Modes per mode axis, tensor axis order. */
  readonly nModes: readonly number[];
  /** Fine grid size per mode axis. */
  readonly fine: readonly number[];
  /** factor[a][i]: (-1)^k / psihat(2 pi k / fine[a]) for mode index i of axis a. */
  readonly factor: readonly Float64Array[];
  /** fineIndex[a][i]: k mod fine[a] for mode index i of axis a. */
  readonly fineIndex: readonly Int32Array[];
}

export function compositeParams(
  nModes: readonly number[],
  eps: number,
  upsampfac: Upsampfac,
  modeOrder: ModeOrder,
): CompositeParams {
  const { width, beta } = kernelParams(eps, upsampfac);
  const fine = nModes.map((n) => fineGridSize(n, upsampfac, width));
  const deconvolver = new Deconvolver(nModes, fine, modeOrder, new KernelTransform(width, beta));
  return {
    width,
    beta,
    nModes: nModes.slice(),
    fine,
    factor: deconvolver.factor,
    fineIndex: deconvolver.fineIndex,
  };
}

/** The tensor-product deconvolution factor over all mode axes, row-major (N_1, ..., N_d). */
export function factorGrid(params: CompositeParams): Float64Array {
  let out = Float64Array.of(1);
  for (const f of params.factor) {
    const next = new Float64Array(out.length * f.length);
    for (let i = 0; i < out.length; i++)
      for (let j = 0; j < f.length; j++) next[i * f.length + j] = out[i] * f[j];
    out = next;
  }
  return out;
}
