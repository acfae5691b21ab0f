/** Deterministic test data shared by LINALG's Node tests and browser entries. */

/** Deterministic f32 values in [-1, 1) from a 32-bit LCG. */
export function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
