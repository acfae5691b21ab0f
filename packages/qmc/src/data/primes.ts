/** The first 1000 primes (2 .. 7919), Halton's bases, by a sieve of Eratosthenes. */

export const HALTON_MAX_DIM = 1000;
let cache: Uint32Array | null = null;

export function firstPrimes(count: number): Uint32Array {
  if (cache === null) {
    const limit = 7920; // the 1000th prime is 7919
    const composite = new Uint8Array(limit);
    const primes: number[] = [];
    for (let p = 2; p < limit; p++) {
      if (composite[p]) continue;
      primes.push(p);
      for (let q = p * p; q < limit; q += p) composite[q] = 1;
    }
    cache = Uint32Array.from(primes.slice(0, HALTON_MAX_DIM));
  }
  return cache.slice(0, count);
}
