/** Base-2 index maps shared by lattices and digital nets. */

/** Reverse the 32 bits of an unsigned integer: rev(i) / 2^32 is the radical inverse of i. */
export function reverseBits32(i: number): number {
  let v = i >>> 0;
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** Gray code of i (i < 2^32): successive codes differ in exactly one bit. */
export function grayCode(i: number): number {
  return (i ^ (i >>> 1)) >>> 0;
}

/** Index of the lowest set bit of v (1 <= v < 2^32). */
export function trailingZeros(v: number): number {
  return 31 - Math.clz32(v & -v);
}

/** (i * a) mod m exactly, for 0 <= i < m <= 2^32 and 0 <= a < 2^32 (products kept < 2^53). */
export function mulMod(i: number, a: number, m: number): number {
  const am = a % m;
  const aHi = Math.floor(am / 65536);
  const aLo = am % 65536;
  const hi = (i * aHi) % m; // < 2^48 before the reduction
  return (hi * 65536 + i * aLo) % m; // < 2^49
}
