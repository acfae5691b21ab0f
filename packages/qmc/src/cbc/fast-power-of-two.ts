/**
 * Fast CBC search for n = 2^m (the structure used by Cools, Kuo & Nuyens 2006 for embedded
 * lattices): the units modulo 2^m are +-5^t, t < 2^(m-2), and omega(x) = omega(1 - x) makes the
 * sign irrelevant, so the candidates are z = 5^t (represented by min(z, n - z)).
 *
 * Split the nonzero k by their power of two, k = 2^e u with u odd modulo M = 2^(m-e). Then
 * kz/n = (u z mod M)/M, and for M >= 8 every odd u is +-5^s (s < L = M/4) while z = 5^t is
 * 5^(t mod L) modulo M, so the level-e part of the score is the cyclic cross-correlation
 *
 *   c_e(t) = sum_{s<L} a_e(s) b_e(s + t mod L),
 *   a_e(s) = p(2^e 5^s mod n) + p(2^e (-5^s mod M)),   b_e(v) = omega(5^v mod M / M),
 *
 * one real FFT pair of length L per level (direct for small L). Levels with M <= 4 (and k = 0)
 * give the same value for every z and are skipped. The lengths sum to n/2, so a component costs
 * O(n log n) instead of the direct search's O(n^2 / 4).
 */
import { planRFFT, type RFFTPlan } from "@modewise/fft";
import { fftCrossCorrelate } from "./fft-correlation.js";
import { pickSmallestNearMinimum, tieTolerance } from "./ties.js";

/** Below this length a level's correlation is summed directly (cheaper than two FFT calls). */
const DIRECT_BELOW = 64;

interface Level {
  e: number;
  M: number;
  L: number;
  /** 5^s mod M for s < L. */
  powers: Int32Array;
  b: Float64Array;
  plan: RFFTPlan | null;
  bHat: Float64Array | null;
  a: Float64Array;
  aHat: Float64Array | null;
  c: Float64Array;
}

export class FastPowerOfTwoSearch {
  private readonly levels: Level[] = [];
  private readonly candidates: Int32Array;
  private readonly scores: Float64Array;

  constructor(
    private readonly n: number,
    private readonly omega: Float64Array,
  ) {
    const m = Math.round(Math.log2(n));
    for (let e = 0; e <= m - 3; e++) {
      const M = 2 ** (m - e);
      const L = M / 4;
      const powers = new Int32Array(L);
      let v = 1;
      for (let s = 0; s < L; s++) {
        powers[s] = v;
        v = (v * 5) % M;
      }
      const b = new Float64Array(L);
      for (let s = 0; s < L; s++) b[s] = omega[powers[s] * 2 ** e]; // omega(5^s / M)
      const plan = L >= DIRECT_BELOW ? planRFFT(L) : null;
      const half = 2 * (L / 2 + 1);
      this.levels.push({
        e,
        M,
        L,
        powers,
        b,
        plan,
        bHat: plan ? plan.forward(b, { out: new Float64Array(half) }) : null,
        a: new Float64Array(L),
        aHat: plan ? new Float64Array(half) : null,
        c: new Float64Array(L),
      });
    }
    const N = n / 4;
    this.candidates = new Int32Array(N);
    let z = 1;
    for (let t = 0; t < N; t++) {
      this.candidates[t] = Math.min(z, n - z);
      z = (z * 5) % n;
    }
    this.scores = new Float64Array(N);
  }

  private correlate(level: Level, p: Float64Array): void {
    const { e, M, L, powers, a, b, c } = level;
    const scale = 2 ** e;
    for (let s = 0; s < L; s++) a[s] = p[powers[s] * scale] + p[(M - powers[s]) * scale];
    if (level.plan === null || level.aHat === null || level.bHat === null) {
      for (let t = 0; t < L; t++) {
        let sum = 0;
        for (let s = 0; s < L; s++) sum += a[s] * b[(s + t) % L];
        c[t] = sum;
      }
      return;
    }
    fftCrossCorrelate(level.plan, a, level.bHat, level.aHat, c);
  }

  choose(p: Float64Array): number {
    const N = this.scores.length;
    this.scores.fill(0);
    for (const level of this.levels) {
      this.correlate(level, p);
      const { L, c } = level;
      for (let t = 0; t < N; t++) this.scores[t] += c[t & (L - 1)];
    }
    return pickSmallestNearMinimum(
      this.candidates,
      this.scores,
      N,
      tieTolerance(p, this.omega, this.n),
    );
  }
}
