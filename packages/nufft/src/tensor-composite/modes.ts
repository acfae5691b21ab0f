/**
 * The fine-grid FFT and the deconvolution / mode selection, as tensor ops (deconvolve.ts has the
 * derivation: the FFT of the spread grid at mode k is psihat(2 pi k / n) (-1)^k times the wanted
 * sum, so mode k is fine entry k mod n times factor_k = (-1)^k / psihat(2 pi k / n)).
 *
 *   type 1:  F = DFT_s(grid);  f[..., i] = F[..., fine(i)] * factor(i)      gather per axis
 *   type 2:  grid = zeros; grid[..., fine(i)] = f[..., i] * factor(i);  DFT_s(grid)
 *            (the transpose of type 1's selection: scatterAdd per axis)
 * DFT_s is the unnormalized transform with exponent sign s over the fine axes: fftn for s = -1,
 * ifftn with norm "forward" (no 1/n) for s = +1, both @modewise/fft/tensor's differentiable ops.
 */
import { fftn, ifftn } from "@modewise/fft/tensor";
import { gather, mul, scatterAdd, type Tensor, tensor } from "@modewise/tensor";
import type { Sign } from "../types.js";
import { type CompositeParams, factorGrid } from "./params.js";

/** The unnormalized DFT with exponent sign `isign` over the last `d` axes. */
export function fineGridDFT(grid: Tensor, d: number, isign: Sign): Tensor {
  const axes = Array.from({ length: d }, (_, a) => grid.rank - d + a);
  return isign < 0 ? fftn(grid, { axes }) : ifftn(grid, { axes, norm: "forward" });
}

function factorTensor(params: CompositeParams, realDType: "float32" | "float64"): Tensor {
  const values = factorGrid(params);
  return tensor(realDType === "float32" ? Float32Array.from(values) : values, {
    dtype: realDType,
    shape: params.nModes.slice(),
  });
}

const indexTensor = (idx: Int32Array): Tensor =>
  tensor(idx, { dtype: "int32", shape: [idx.length] });

/** Type 1: the modes (..., N_1.., N_d) from the transformed fine grid (..., nf_1.., nf_d). */
export function selectModes(
  transformed: Tensor,
  params: CompositeParams,
  realDType: "float32" | "float64",
): Tensor {
  const d = params.fine.length;
  let out = transformed;
  for (let a = 0; a < d; a++) out = gather(out, indexTensor(params.fineIndex[a]), out.rank - d + a);
  return mul(out, factorTensor(params, realDType));
}

/** Type 2: the fine grid (..., nf_1.., nf_d) holding the deconvolved modes (..., N_1.., N_d). */
export function injectModes(
  modes: Tensor,
  params: CompositeParams,
  realDType: "float32" | "float64",
): Tensor {
  const d = params.fine.length;
  let out = mul(modes, factorTensor(params, realDType));
  for (let a = 0; a < d; a++)
    out = scatterAdd(out, indexTensor(params.fineIndex[a]), params.fine[a], out.rank - d + a);
  return out;
}
