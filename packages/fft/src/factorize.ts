/**
 * Factorization of transform lengths into butterfly passes, the cost model that chooses between
 * mixed radix, Bluestein and Rader, and the choice of Bluestein's convolution length.
 */

/** Radices with a hand-written codelet (any other prime factor runs the generic odd pass). */
export const CODELET_RADICES: readonly number[] = [2, 3, 4, 5, 7, 8, 11];

/** Prime factors of n (n >= 1) in ascending order, with multiplicity. */
export function primeFactors(n: number): number[] {
  const out: number[] = [];
  let m = n;
  while (m % 2 === 0) {
    out.push(2);
    m /= 2;
  }
  for (let p = 3; p * p <= m; p += 2) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

export function largestPrimeFactor(n: number): number {
  const f = primeFactors(n);
  return f.length === 0 ? 1 : f[f.length - 1];
}

/**
 * The power-of-two radices for 2^e, in pass order, for the engine that runs them:
 * - wasm: radix-4 passes and, for odd e, a final radix 2. Radix 8 measured slower there (its 16
 *   data streams with power-of-two strides overflow the 8-way L1; in the pair format also the 16
 *   xmm registers). The last radix is 2^a with a < e (n / last even: pair format).
 * - js: radix-8 passes, then one or two radix-4 passes (fewer passes pay off when every
 *   typed-array access costs an overflow and a bounds check: 15-30% faster than radix 4).
 */
export function powerOfTwoRadices(e: number, engine: "wasm" | "js" = "wasm"): number[] {
  if (e === 0) return [];
  if (e === 1) return [2];
  if (engine === "wasm") {
    if (e === 2) return [2, 2];
    const out: number[] = new Array(e >> 1).fill(4);
    if (e % 2 === 1) out.push(2);
    return out;
  }
  const out: number[] = [];
  let rest = e;
  if (rest % 3 === 1) {
    out.push(4, 4);
    rest -= 4;
  } else if (rest % 3 === 2) {
    out.push(4);
    rest -= 2;
  }
  while (rest >= 3) {
    out.unshift(8);
    rest -= 3;
  }
  return out;
}

/**
 * The radices of the passes, in execution order (first pass first), product n: odd primes
 * (ascending) first, then the power of two (powerOfTwoRadices). Odd factors first keep every
 * pass but the last with an even ido (see codelets/wasm.ts, pair format).
 */
export function factorize(n: number, engine: "wasm" | "js" = "wasm"): number[] {
  const primes = primeFactors(n);
  let twos = 0;
  const odd: number[] = [];
  for (const p of primes) {
    if (p === 2) twos++;
    else odd.push(p);
  }
  return [...odd, ...powerOfTwoRadices(twos, engine)];
}

/**
 * The cost model, in nanoseconds per element and pass as measured on V8 (Node 20, Zen 4) with the
 * wasm codelets (see plan.ts for the two data formats): PAIR when 4 divides n and every radix
 * has a codelet, INTERLEAVED otherwise; a generic odd radix r (JS) costs ~1.45 r.
 * Only ratios matter: they decide mixed radix vs Bluestein and Bluestein's convolution length.
 */
const PAIR: { readonly [r: number]: number } = {
  2: 0.45,
  3: 0.61,
  4: 0.72,
  5: 1.27,
  7: 2.1,
  8: 1.2,
  11: 3.7,
};
const INTERLEAVED: { readonly [r: number]: number } = {
  2: 0.6,
  3: 0.96,
  4: 1.0,
  5: 1.3,
  7: 1.65,
  8: 1.7,
  11: 2.5,
};
/** Per element: copies in and out of wasm memory; per transform: calls and bookkeeping. */
const PER_ELEMENT = 0.3;
const PER_TRANSFORM = 80;

/** Estimated time (ns) of a mixed-radix transform of length n. */
export function mixedRadixCost(n: number): number {
  const radices = factorize(n);
  const pair = n % 4 === 0 && n >= 16 && radices.every((r) => r in PAIR);
  let c = PER_ELEMENT;
  for (const r of radices) c += (pair ? PAIR[r] : INTERLEAVED[r]) ?? 1.45 * r;
  return n * c + PER_TRANSFORM;
}

/**
 * The cheapest convolution length m >= minLength for Bluestein: among the 11-smooth numbers
 * (factors 2, 3, 5, 7, 11 only) from minLength up to the next power of two, the one with the
 * lowest mixedRadixCost (the power of two wins ties).
 */
export function goodSize(minLength: number): number {
  let p2 = 1;
  while (p2 < minLength) p2 *= 2;
  let best = p2;
  let bestCost = mixedRadixCost(p2);
  for (let f11 = 1; f11 < p2; f11 *= 11)
    for (let f7 = f11; f7 < p2; f7 *= 7)
      for (let f5 = f7; f5 < p2; f5 *= 5)
        for (let f3 = f5; f3 < p2; f3 *= 3) {
          let m = f3;
          while (m < minLength) m *= 2;
          if (m >= p2) continue;
          const c = mixedRadixCost(m);
          if (c < bestCost || (c === bestCost && m < best)) {
            best = m;
            bestCost = c;
          }
        }
  return best;
}

/** Estimated time (ns) of Bluestein for length n with convolution length m: two FFTs of
 * length m, the kernel product (m) and the two chirp products (n), plus fixed costs. */
export function bluesteinCost(n: number, m: number): number {
  return 2 * mixedRadixCost(m) + 0.7 * m + 1.4 * n + 2 * PER_TRANSFORM;
}

/** Estimated time (ns) of Rader for a prime p: two FFTs of length p - 1, the kernel product,
 * two index gathers (p each), fixed costs. */
export function raderCost(p: number): number {
  return 2 * mixedRadixCost(p - 1) + 0.7 * (p - 1) + 1.2 * p + 2 * PER_TRANSFORM;
}

export type Algorithm = "mixed-radix" | "bluestein" | "rader";

/** Largest prime for Rader (index products exact in float64). */
const RADER_MAX = 1 << 26;

/**
 * The algorithm for length n, by the cost model:
 * - mixed radix when every prime factor has a codelet (2, 3, 5, 7, 11): always the cheapest;
 * - otherwise the cheapest of mixed radix with generic odd passes (O(r) per element for a
 *   prime factor r), Bluestein (two FFTs of a smooth length >= 2n - 1) and, for a prime n whose
 *   n - 1 is 11-smooth, Rader (two FFTs of length n - 1).
 */
export function chooseAlgorithm(n: number): Algorithm {
  const factors = primeFactors(n);
  const lpf = factors.length === 0 ? 1 : factors[factors.length - 1];
  if (lpf <= 11) return "mixed-radix";
  let best: Algorithm = "mixed-radix";
  let cost = mixedRadixCost(n);
  const blue = bluesteinCost(n, goodSize(2 * n - 1));
  if (blue < cost) {
    best = "bluestein";
    cost = blue;
  }
  if (
    factors.length === 1 &&
    n < RADER_MAX &&
    largestPrimeFactor(n - 1) <= 11 &&
    raderCost(n) < cost
  ) {
    best = "rader";
  }
  return best;
}
