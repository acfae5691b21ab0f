/**
 * @modewise/fft: FFTs of every length on typed arrays and strided (scijs ndarray) views, no
 * tensor needed. numpy.fft / scipy.fft semantics: complex and real transforms, n-D over chosen
 * axes, DCT/DST I-IV, bit-reversed-order FFTs for QMC, frequency grids and shifts, float64 and
 * float32, reusable cached plans. Differentiable tensor ops live in the `@modewise/fft/tensor`
 * entry. The 1-D engine (complexPlan / realPlan) is exported for code that wants its contract.
 */

export { fftLines, type LinesOptions } from "./batch.js";
export { type BitrevOptions, bitReversal, fftbr, ifftbr } from "./bitrev.js";
export {
  type DCTNOptions,
  type DCTOptions,
  dct,
  dctn,
  dst,
  dstn,
  idct,
  idctn,
  idst,
  idstn,
} from "./dct.js";
export { fftfreq, fftshift, ifftshift, rfftfreq, type ShiftOptions } from "./freq.js";
export { complexPlan } from "./plan.js";
export type { ComplexPlan, Direction, Precision, RealPlan } from "./plan-types.js";
export {
  type ExecOptions,
  type FFTPlan,
  type PlanOptions,
  planDCT,
  planDST,
  planFFT,
  planRFFT,
  type R2RPlan,
  type RFFTPlan,
} from "./plans.js";
export { realPlan } from "./real.js";
export {
  type FFTNOptions,
  type FFTOptions,
  fft,
  fft2,
  fftn,
  hfft,
  type IRFFTNOptions,
  type IRFFTOptions,
  ifft,
  ifft2,
  ifftn,
  ihfft,
  irfft,
  irfft2,
  irfftn,
  type RFFTNOptions,
  type RFFTOptions,
  rfft,
  rfft2,
  rfftn,
} from "./transforms.js";
export type {
  ComplexInput,
  ComplexOut,
  ComplexResult,
  Floats,
  HalfResult,
  Like,
  NdResult,
  NdView,
  Norm,
  RealInput,
  RealOut,
  RealResult,
  SameResult,
  SplitComplex,
  SplitInput,
  SplitNd,
  SplitNdInput,
} from "./types.js";
