import { planRFFT, type RFFTPlan } from "@modewise/fft";
import { fftCrossCorrelate } from "./fft-correlation.js";
import { primitiveRoot } from "./primitive-root.js";
import { pickSmallestNearMinimum, tieTolerance } from "./ties.js";

/**
 * Fast search for prime n by the FFT cross-correlation. a and b are real, so the correlation
 * is c = irfft(conj(rfft(a)) rfft(b)) with a cached real-FFT plan of length m = n - 1 (even) and
 * preallocated interleaved half spectra: two half-length transforms per component.
 */
export class FastPrimeSearch {
  private readonly powers: Int32Array; // g^u mod n, u = 0..n-2
  private readonly plan: RFFTPlan;
  private readonly bHat: Float64Array;
  private readonly a: Float64Array;
  private readonly aHat: Float64Array;
  private readonly c: Float64Array;
  private readonly candidates: Int32Array;
  private readonly scores: Float64Array;

  constructor(
    private readonly n: number,
    private readonly omega: Float64Array,
  ) {
    const m = n - 1;
    const g = primitiveRoot(n);
    this.powers = new Int32Array(m);
    let v = 1;
    for (let u = 0; u < m; u++) {
      this.powers[u] = v;
      v = (v * g) % n;
    }
    this.plan = planRFFT(m);
    const half = 2 * (Math.floor(m / 2) + 1);
    const b = new Float64Array(m);
    for (let u = 0; u < m; u++) b[u] = omega[this.powers[u]];
    this.bHat = this.plan.forward(b, { out: new Float64Array(half) });
    this.a = new Float64Array(m);
    this.aHat = new Float64Array(half);
    this.c = new Float64Array(m);
    this.candidates = new Int32Array(m);
    this.scores = new Float64Array(m);
  }

  choose(p: Float64Array): number {
    const { n, powers, a, aHat, bHat, c } = this;
    const m = n - 1;
    for (let u = 0; u < m; u++) a[u] = p[powers[u]];
    fftCrossCorrelate(this.plan, a, bHat, aHat, c); // c[t] = sum_u a(u) b(u + t)
    let count = 0;
    for (let t = 0; t < m; t++) {
      const z = powers[t];
      if (z > n / 2) continue;
      this.candidates[count] = z;
      this.scores[count++] = c[t];
    }
    return pickSmallestNearMinimum(
      this.candidates,
      this.scores,
      count,
      tieTolerance(p, this.omega, n),
    );
  }
}
