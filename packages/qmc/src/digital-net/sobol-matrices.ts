/**
 * Sobol' generating matrices from the Joe & Kuo (2008) parameters, as 32 columns per
 * dimension: column k (0-based) is the direction number v_{k+1} = m_{k+1} / 2^{k+1} written as
 * a 32-bit integer (bit 31 = first binary digit). The recurrence for k > s (Bratley & Fox,
 * Joe & Kuo) in this scaled form:
 *   V_k = V_{k-s} xor (V_{k-s} >> s) xor a_1 V_{k-1} xor ... xor a_{s-1} V_{k-s+1}.
 * Since m_k < 2^k, column k has nonzero digits only in rows 0..k: the matrix is upper
 * triangular with unit diagonal, so the first 2^m points use only the top m digits.
 */
import { joeKuoParameters } from "../data/directions.js";

export const NET_COLUMNS = 32;

/** Columns of Sobol' dimensions 1 .. count, row-major (count x 32) as unsigned integers. */
export function sobolMatrices(count: number): Uint32Array {
  const cols = new Uint32Array(count * NET_COLUMNS);
  // Dimension 1: identity (van der Corput).
  for (let k = 0; k < NET_COLUMNS; k++) cols[k] = 2 ** (31 - k);
  const v = new Uint32Array(NET_COLUMNS + 1); // 1-based V_1 .. V_32
  for (let j = 1; j < count; j++) {
    const { s, a, m } = joeKuoParameters(j + 1);
    for (let k = 1; k <= Math.min(s, NET_COLUMNS); k++) v[k] = m[k - 1] * 2 ** (32 - k);
    for (let k = s + 1; k <= NET_COLUMNS; k++) {
      let x = v[k - s] ^ (v[k - s] >>> s);
      for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i];
      v[k] = x;
    }
    for (let k = 0; k < NET_COLUMNS; k++) cols[j * NET_COLUMNS + k] = v[k + 1];
  }
  return cols;
}
