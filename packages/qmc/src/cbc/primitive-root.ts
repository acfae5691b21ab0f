/** Primality and the smallest primitive root modulo a prime (for the fast CBC of prime n). */

export function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let f = 3; f * f <= n; f += 2) if (n % f === 0) return false;
  return true;
}

function distinctPrimeFactors(m: number): number[] {
  const out: number[] = [];
  for (let f = 2; f * f <= m; f++) {
    if (m % f === 0) {
      out.push(f);
      while (m % f === 0) m /= f;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

/** a * b mod n for a, b < n <= 2^26 (the product < 2^52 is exact in float64). */
export function mulMod(a: number, b: number, n: number): number {
  return (a * b) % n;
}

export function powMod(base: number, exp: number, n: number): number {
  let result = 1 % n;
  let b = base % n;
  let e = exp;
  while (e > 0) {
    if (e % 2 === 1) result = mulMod(result, b, n);
    b = mulMod(b, b, n);
    e = Math.floor(e / 2);
  }
  return result;
}

/** The smallest generator of the multiplicative group modulo the prime p. */
export function primitiveRoot(p: number): number {
  if (p === 2) return 1;
  const factors = distinctPrimeFactors(p - 1);
  for (let g = 2; g < p; g++) if (factors.every((q) => powMod(g, (p - 1) / q, p) !== 1)) return g;
  throw new RangeError(`primitiveRoot: none for ${p}`);
}
