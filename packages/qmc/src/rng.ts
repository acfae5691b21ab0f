/**
 * The PRNG behind every randomization of this package (documented, reproducible, portable).
 *
 * - mix32: Chris Wellons' "lowbias32" integer hash, a bijection of the 32-bit integers with
 *   strong avalanche; used as the output function and as a counter-based hash (nested uniform
 *   scrambling needs random bits addressed by (dimension, digit, prefix), independent of the
 *   order in which points are generated).
 * - Rng: a Weyl sequence (state += 0x9E3779B9 mod 2^32, the golden-ratio increment as in
 *   SplitMix) passed through two rounds of mix32 with a second key word. Seeds are non-negative
 *   safe integers; both 32-bit halves of the seed enter the state. The same seed gives the same
 *   stream on every platform (only 32-bit integer operations are used).
 */
import { ValueError } from "@modewise/tensor";

/** lowbias32 hash: bijective 32-bit mixer (returns an unsigned 32-bit integer). */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of two 32-bit words (order-sensitive). */
export function hash2(a: number, b: number): number {
  return mix32(mix32(a) ^ Math.imul(b | 0, 0x9e3779b9) ^ 0x5bd1e995);
}

/** Check a user seed and return it (or draw a fresh one when absent). */
export function resolveSeed(fn: string, seed: number | undefined): number {
  if (seed === undefined) return Math.floor(Math.random() * 2 ** 53);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new ValueError(fn, "seed", "a non-negative safe integer", String(seed));
  return seed;
}

/** Seeded generator of uniform 32-bit words, floats in [0,1) and integers in [0, m). */
export class Rng {
  private state: number;
  private readonly key: number;

  constructor(seed: number) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    this.state = mix32(lo ^ 0x6a09e667);
    this.key = mix32(hi ^ 0xbb67ae85 ^ this.state);
  }

  /** Uniform unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(mix32(this.state) ^ this.key);
  }

  /** Uniform float64 in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 6; // 26 bits
    const lo = this.nextUint32() >>> 5; // 27 bits
    return (hi * 134217728 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, m), 1 <= m <= 2^32, without modulo bias (rejection). */
  nextInt(m: number): number {
    if (m === 1) return 0;
    const limit = 4294967296 - (4294967296 % m);
    for (;;) {
      const u = this.nextUint32();
      if (u < limit) return u % m;
    }
  }
}
