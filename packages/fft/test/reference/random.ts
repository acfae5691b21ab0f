/** Seeded random inputs for the accuracy and reference tests (deterministic across runs). */

/** sfc32 generator; returns doubles uniform in [0, 1) with 53 random bits. */
export function uniformSource(seed: number): () => number {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 + seed * 7919;
  let c = 0xb7e15162 ^ (seed << 7);
  let d = 1;
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 20; i++) next();
  // 27 + 26 bits, as in the usual genrand_res53
  return () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
}

/**
 * n standard normal doubles (Box-Muller), full 53-bit mantissas; with `f32` each is rounded to
 * float32 (so the Float32Array input and the dd reference see the same numbers).
 */
export function normals(count: number, seed: number, f32 = false): Float64Array {
  const u = uniformSource(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = r * Math.sin(t);
  }
  if (f32) for (let i = 0; i < count; i++) out[i] = Math.fround(out[i]);
  return out;
}
