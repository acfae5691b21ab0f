/**
 * Exact XOR of the binary digits of coordinates in [0, 1). Each coordinate is truncated to 52
 * binary digits, held as two 26-bit integers (hi = digits 1..26, lo = digits 27..52) so the
 * XOR is exact in 32-bit integer arithmetic; the result is rebuilt exactly as a float64.
 * (Digital nets with 32 digits are represented exactly; 64-digit nets lose digits below 2^-52,
 * which moves a kernel value by < 1e-15 relative.)
 */
const TWO_26 = 67108864;
const TWO_52 = TWO_26 * TWO_26;

export function highDigits(x: number): number {
  return Math.floor(x * TWO_26);
}

export function lowDigits(x: number): number {
  return Math.floor(x * TWO_52) - Math.floor(x * TWO_26) * TWO_26;
}

/** x XOR z (first 52 digits), as a float64 in [0, 1). */
export function xorDigits(x: number, z: number): number {
  const hi = (highDigits(x) ^ highDigits(z)) >>> 0;
  const lo = (lowDigits(x) ^ lowDigits(z)) >>> 0;
  return (hi * TWO_26 + lo) / TWO_52;
}
