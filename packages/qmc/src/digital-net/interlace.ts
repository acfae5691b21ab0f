/**
 * Digit interlacing (Dick 2008) for higher-order digital nets: the alpha base matrices
 * C_{j alpha}, ..., C_{j alpha + alpha - 1} (rows = digits) become one matrix whose row r is row
 * floor(r / alpha) of base matrix (j alpha + r mod alpha). Output keeps `bits` rows (32 or 64);
 * rows beyond are dropped (they would only affect digits past the float64 resolution for 64).
 */

/** Interlace `baseCols` ((dim*alpha) x 32, 32-bit columns) into dim x 32 columns (hi, lo). */
export function interlaceMatrices(
  baseCols: Uint32Array,
  dim: number,
  alpha: number,
  bits: 32 | 64,
): { hi: Uint32Array; lo: Uint32Array | null } {
  const hi = new Uint32Array(dim * 32);
  const lo = bits === 64 ? new Uint32Array(dim * 32) : null;
  for (let j = 0; j < dim; j++) {
    for (let k = 0; k < 32; k++) {
      let h = 0;
      let l = 0;
      for (let r = 0; r < bits; r++) {
        const src = baseCols[(j * alpha + (r % alpha)) * 32 + k];
        const digitRow = Math.floor(r / alpha);
        if (digitRow >= 32) break;
        const digit = (src >>> (31 - digitRow)) & 1;
        if (digit === 0) continue;
        if (r < 32) h |= 1 << (31 - r);
        else l |= 1 << (63 - r);
      }
      hi[j * 32 + k] = h >>> 0;
      if (lo !== null) lo[j * 32 + k] = l >>> 0;
    }
  }
  return { hi, lo };
}
