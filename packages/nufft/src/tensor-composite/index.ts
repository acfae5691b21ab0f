/**
 * NUFFT types 1 and 2 (1-3 D) composed only of the tensor core's public ops and
 * @modewise/fft/tensor's FFTs, so they run on every backend that implements the core kernels
 * and are differentiable by autograd (w.r.t. the data and the points) with no registered
 * gradient. tensor-ops.ts uses them when the input's backend has no native "NUFFT1"/"NUFFT2"
 * kernel, or when asked with `path: "composite"`. Same algorithm and parameters as the native
 * plan (params.ts), so the same accuracy contract; the native path's bin sort, piecewise
 * polynomial kernel and threads are what the composite does without.
 *
 *   type 1:  spread (spread-interp.ts) -> DFT over the fine grid -> select + deconvolve (modes.ts)
 *   type 2:  inject + deconvolve -> DFT over the fine grid -> interpolate
 */
import { reshape, stopGradient, type Tensor, tidy } from "@modewise/tensor";
import type { NufftKernelAttrs } from "../tensor-ops.js";
import { fineGridDFT, injectModes, selectModes } from "./modes.js";
import { compositeParams } from "./params.js";
import { interpFromGrid, spreadToGrid } from "./spread-interp.js";
import { spreadWeights } from "./weights.js";

const product = (a: readonly number[]): number => a.reduce((p, n) => p * n, 1);

function setup(points: Tensor, attrs: NufftKernelAttrs) {
  const params = compositeParams(attrs.nModes, attrs.eps, attrs.upsampfac, attrs.modeOrder);
  const x = attrs.pointsGrad ? points : stopGradient(points);
  const realDType = points.dtype === "float32" ? "float32" : "float64";
  return { params, weights: spreadWeights(x, params), realDType } as const;
}

/**
 * Type 1: f[..., k] = sum_j c[..., j] exp(isign i k . x_j). points (d, M) real, c (..., M)
 * complex of the points' precision (validated by the caller). Returns (..., N_1, ..., N_d).
 */
export function nufft1Composite(points: Tensor, c: Tensor, attrs: NufftKernelAttrs): Tensor {
  return tidy(() => {
    const { params, weights, realDType } = setup(points, attrs);
    const batch = c.shape.slice(0, -1);
    const flat = spreadToGrid(c, weights, product(params.fine));
    const grid = reshape(flat, [...batch, ...params.fine]);
    const transformed = fineGridDFT(grid, params.fine.length, attrs.isign);
    return selectModes(transformed, params, realDType);
  });
}

/**
 * Type 2: c[..., j] = sum_k f[..., k] exp(isign i k . x_j). points (d, M) real, f
 * (..., N_1, ..., N_d) complex of the points' precision. Returns (..., M).
 */
export function nufft2Composite(points: Tensor, f: Tensor, attrs: NufftKernelAttrs): Tensor {
  return tidy(() => {
    const { params, weights, realDType } = setup(points, attrs);
    const d = params.fine.length;
    const batch = f.shape.slice(0, f.rank - d);
    const grid = fineGridDFT(injectModes(f, params, realDType), d, attrs.isign);
    return interpFromGrid(reshape(grid, [...batch, product(params.fine)]), weights);
  });
}
