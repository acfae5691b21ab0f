/**
 * The "exponential of semicircle" (ES) kernel of Barnett, Magland & af Klinteberg (2019):
 *   phi(z) = exp(beta (sqrt(1 - z^2) - 1)) for |z| <= 1, 0 outside,
 * stretched over w fine-grid points: psi(t) = phi(2 t / w), t in grid units, |t| <= w / 2.
 *
 * Parameter rules (documented in types.ts):
 * - sigma = 2: w = ceil(log10(1/eps)) + 1, beta = 2.30 w (FINUFFT 2.0-2.4; the notes' rule).
 * - sigma = 1.25: the ES aliasing error decays like exp(-pi w sqrt(1 - 1/sigma)) (paper, sec. 4).
 *   The sigma = 2 rule is exactly "w = ceil(ln(1/eps) / decay) + 1" with decay = ln 10 ~ pi sqrt(1/2)
 *   = 2.22, i.e. the asymptotic estimate plus one point of margin (a factor e^decay) for its
 *   prefactor; we carry the same rule to sigma = 1.25: w = ceil(ln(1/eps) / (pi sqrt(0.2))) + 1.
 *   (FINUFFT omits the +1 at 1.25; measured here that leaves type 1 at up to 2.3 eps and type 3,
 *   which chains two approximations, at up to 6 eps, outside the contract.) The shape parameter
 *   follows the paper's beta = gamma pi (1 - 1/(2 sigma)) w with gamma = 0.97 (at sigma = 2 this
 *   is 2.29 w, the sigma = 2 rule, which is why we trust it at sigma = 1.25).
 * Both clamp w to [2, 16]; EPS_FLOOR is the smallest tolerance w = 16 reaches.
 */
import type { NufftPrecision, Upsampfac } from "../types.js";

export const MAX_WIDTH = 16;
export const MIN_WIDTH = 2;

/**
 * Smallest tolerance a plan honours, per precision and sigma (types 1, 2). f64 at sigma = 2:
 * w = 16 reaches ~1e-15 in theory but FFT and spreading round-off leave ~1e-14 (FINUFFT's
 * measured floor is ~3e-14); at sigma = 1.25, w = 16 with the rule's one point of margin gives
 * exp(-15 pi sqrt(0.2)) = 7e-10, so 1e-9 (FINUFFT: "~1e-9"). Type 3 chains two such stages
 * (its spreading and an inner type 2) whose errors add, in d dimensions each: at sigma = 1.25 its
 * floor is 1e-8 (measured 5.9e-9 at a requested 1e-9 in 3-D). f32 outputs are rounded to
 * float32 (unit round-off 6e-8, plus the error of f32 inputs), so below 1e-6 the request cannot
 * be met.
 */
export const EPS_FLOOR: Readonly<Record<NufftPrecision, Readonly<Record<string, number>>>> = {
  f64: { "2": 1e-14, "1.25": 1e-9, "type3:2": 1e-14, "type3:1.25": 1e-8 },
  f32: { "2": 1e-6, "1.25": 1e-6, "type3:2": 1e-6, "type3:1.25": 1e-6 },
};

/** The floor for a plan of this type, precision and sigma. */
export function epsFloor(type: 1 | 2 | 3, precision: NufftPrecision, upsampfac: Upsampfac): number {
  return EPS_FLOOR[precision][`${type === 3 ? "type3:" : ""}${upsampfac}`];
}

export interface KernelParams {
  readonly width: number;
  readonly beta: number;
  readonly upsampfac: Upsampfac;
}

export function kernelParams(eps: number, upsampfac: Upsampfac): KernelParams {
  let width: number;
  let beta: number;
  if (upsampfac === 2) {
    width = Math.ceil(Math.log10(1 / eps)) + 1;
    width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width));
    beta = 2.3 * width;
  } else {
    const decay = Math.PI * Math.sqrt(1 - 1 / upsampfac);
    width = Math.ceil(Math.log(1 / eps) / decay) + 1;
    width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width));
    beta = 0.97 * Math.PI * (1 - 1 / (2 * upsampfac)) * width;
  }
  return { width, beta, upsampfac };
}

/** phi(z) on [-1, 1] (0 outside), evaluated directly (the reference for the polynomial fit). */
export function esKernel(z: number, beta: number): number {
  if (z < -1 || z > 1) return 0;
  return Math.exp(beta * (Math.sqrt(1 - z * z) - 1));
}
