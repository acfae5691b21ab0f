/**
 * Nested uniform scrambling (Owen 1995) of base-2 digits. Digit r of the output is digit r of
 * the input XOR a random bit attached to the node (r, first r input digits) of a binary tree.
 * The bits come from a counter-based hash (rng.ts mix32 / hash2) keyed by a per-dimension, per-level
 * key, so a point's scrambled value does not depend on which other points were generated or in
 * what order (gen with any start, stream and gen agree). Digits beyond `bits` are not scrambled
 * (the points stay on the 2^-bits grid).
 */
import { hash2, mix32 } from "../rng.js";

/** Per-level keys for one dimension from its 32-bit key. */
export function owenLevelKeys(key: number, bits: 32 | 64): Uint32Array {
  const keys = new Uint32Array(bits);
  for (let r = 0; r < bits; r++) keys[r] = mix32(key ^ Math.imul(r + 1, 0x85ebca6b));
  return keys;
}

/** Owen-scramble a 32-digit value x (unsigned). */
export function owenScramble32(x: number, keys: Uint32Array): number {
  // One mix32 per digit: for a fixed level key, prefix -> key ^ (prefix * odd) is injective
  // and mix32 is a bijection, so distinct prefixes get distinct, pseudo-independent words.
  let flips = mix32(keys[0]) >>> 31;
  for (let r = 1; r < 32; r++) {
    const bit = mix32(keys[r] ^ Math.imul(x >>> (32 - r), 0x9e3779b1)) >>> 31;
    flips = (flips << 1) | bit;
  }
  return (x ^ flips) >>> 0;
}

/** Owen-scramble a 64-digit value (hi, lo); returns the new (hi, lo). */
export function owenScramble64(hi: number, lo: number, keys: Uint32Array): [number, number] {
  const flipsHi = owenScramble32(hi, keys) ^ hi;
  let flipsLo = 0;
  for (let r = 32; r < 64; r++) {
    const prefixLo = r === 32 ? 0 : lo >>> (64 - r);
    const bit = hash2(hash2(keys[r], hi), prefixLo) >>> 31;
    flipsLo = (flipsLo << 1) | bit;
  }
  return [(hi ^ flipsHi) >>> 0, (lo ^ flipsLo) >>> 0];
}
