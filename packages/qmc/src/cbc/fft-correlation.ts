import type { RFFTPlan } from "@modewise/fft";

/**
 * Circular cross-correlation c[t] = sum_u a(u) b(u + t) of real sequences by the FFT, the core of
 * both fast CBC searches: c = irfft(conj(rfft(a)) rfft(b)). bHat = rfft(b) is precomputed by the
 * caller (b is fixed per search); aHat is scratch of the same interleaved half-spectrum length and
 * is overwritten.
 */
export function fftCrossCorrelate(
  plan: RFFTPlan,
  a: Float64Array,
  bHat: Float64Array,
  aHat: Float64Array,
  c: Float64Array,
): void {
  plan.forward(a, { out: aHat });
  for (let h = 0; h < aHat.length; h += 2) {
    // conj(aHat) * bHat, in place in aHat
    const ar = aHat[h];
    const ai = -aHat[h + 1];
    const br = bHat[h];
    const bi = bHat[h + 1];
    aHat[h] = ar * br - ai * bi;
    aHat[h + 1] = ar * bi + ai * br;
  }
  plan.inverse(aHat, { out: c });
}
