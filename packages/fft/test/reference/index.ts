/** The exact double-double DFT reference (independent of @modewise/fft) and its helpers. */

export {
  backwardFromForward,
  ddNorm,
  ddRelL2Error,
  realPartSpectrum,
  relL2Error,
} from "./compare.js";
export { type DDComplex, ddComplex, fromInterleaved, toInterleaved } from "./dd.js";
export { directDft, fftRef } from "./dft.js";
export { normals, uniformSource } from "./random.js";
export { HALF_PI_HI, HALF_PI_LO, rootTable, unitRoot } from "./trig.js";
