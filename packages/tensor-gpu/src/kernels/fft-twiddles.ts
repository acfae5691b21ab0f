/**
 * Twiddle tables of the FFT kernels (gpu.js and WGSL): computed in float64 on the host and
 * rounded once to float32, since sin/cos in f32 inside a shader lose several ulps for large
 * angles.
 */

/** exp(sign 2 pi i t / n) for t < n, interleaved, computed in float64. Cached per (n, sign). */
const twiddleTables = new Map<string, Float32Array>();
export function twiddleTable(n: number, sign: -1 | 1): Float32Array {
  const key = `${n}:${sign}`;
  let t = twiddleTables.get(key);
  if (!t) {
    t = new Float32Array(2 * n);
    for (let k = 0; k < n; k++) {
      const angle = (sign * 2 * Math.PI * k) / n;
      t[2 * k] = Math.cos(angle);
      t[2 * k + 1] = Math.sin(angle);
    }
    twiddleTables.set(key, t);
  }
  return t;
}
