/**
 * GF(2) helpers. Indices in [0, 2^n) are n-bit vectors; <k, j> = popcount(k & j) mod 2 is the
 * exponent of the Walsh-Hadamard kernel (-1)^<k, j>.
 */

/** popcount(v) mod 2 for a 32-bit unsigned v (xor-folding). */
export function parity(v: number): number {
  let w = v ^ (v >>> 16);
  w ^= w >>> 8;
  w ^= w >>> 4;
  w ^= w >>> 2;
  w ^= w >>> 1;
  return w & 1;
}

/**
 * A hashing matrix Sigma in GF(2)^(n x b), stored as its b columns (n-bit integers).
 *   subsample index:  Sigma m      = XOR of the columns t with bit t of m set
 *   bucket of k:      Sigma^T k    = the b-bit integer with bit t = <column_t, k>
 */
export interface HashMatrix {
  readonly columns: Uint32Array;
}

/** Sigma m for every m in [0, 2^b), as a table (built by Gray-free doubling). */
export function subsampleTable(sigma: HashMatrix): Uint32Array {
  const b = sigma.columns.length;
  const table = new Uint32Array(2 ** b);
  for (let t = 0; t < b; t++) {
    const half = 1 << t;
    const col = sigma.columns[t];
    for (let m = 0; m < half; m++) table[half + m] = (table[m] ^ col) >>> 0;
  }
  return table;
}

/** Sigma^T k: the bucket that coefficient k hashes to. */
export function bucketOf(sigma: HashMatrix, k: number): number {
  const cols = sigma.columns;
  let l = 0;
  for (let t = 0; t < cols.length; t++) l |= parity(cols[t] & k) << t;
  return l >>> 0;
}
