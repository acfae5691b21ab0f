/** Shell-averaged power spectrum of a periodic 2-D field (for the eval plots). */
import { rfftn } from "@modewise/fft";

/**
 * P(k) = sum over FFT bins with round(|k|) = k of |f_hat|^2 / s^4 (f_hat the unnormalized DFT of
 * the [s, s] field), k = 0..s/2; by Parseval sum_k P(k) is the mean square (the half spectrum is
 * counted twice except on the q = 0 and q = s/2 columns).
 */
export function powerSpectrum(
  field: Float64Array,
  s: number,
): { k: Float64Array; P: Float64Array } {
  const half = Math.floor(s / 2) + 1;
  const spec = rfftn({ data: field, shape: [s, s] }, { layout: "split" });
  const re = spec.re.data;
  const im = spec.im.data;
  const kmax = Math.floor(s / 2);
  const P = new Float64Array(kmax + 1);
  for (let p = 0; p < s; p++) {
    const kx = p <= s / 2 ? p : p - s;
    for (let q = 0; q < half; q++) {
      const shell = Math.round(Math.sqrt(kx * kx + q * q));
      if (shell > kmax) continue;
      const m = p * half + q;
      const weight = q === 0 || 2 * q === s ? 1 : 2;
      P[shell] =
        (P[shell] as number) +
        (weight * ((re[m] as number) ** 2 + (im[m] as number) ** 2)) / s ** 4;
    }
  }
  return { k: Float64Array.from({ length: kmax + 1 }, (_, i) => i), P };
}
