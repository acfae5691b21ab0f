/**
 * Lazily decoded data tables: Joe & Kuo (2008) Sobol' parameters and Kuo's default lattice
 * generating vector. Decoding happens once, on first use, only up to the dimension requested.
 */
import { BitReader, base64ToBytes } from "./bits.js";
import { JOE_KUO_BITS, JOE_KUO_MAX_DIM } from "./joe-kuo.js";
import { KUO_LATTICE_BITS, KUO_LATTICE_DIM } from "./kuo-lattice.js";

export { JOE_KUO_MAX_DIM } from "./joe-kuo.js";
export { KUO_LATTICE_DIM, KUO_LATTICE_M_MAX } from "./kuo-lattice.js";

/** Primitive polynomial and initial direction numbers of one Sobol' dimension (>= 2). */
export interface SobolParameters {
  /** Degree s of the primitive polynomial. */
  readonly s: number;
  /** Inner coefficients a_1 .. a_{s-1} as bits (a_1 most significant). */
  readonly a: number;
  /** Initial direction numbers m_1 .. m_s (odd, m_i < 2^i). */
  readonly m: readonly number[];
}

const decoded: SobolParameters[] = [];
let reader: BitReader | null = null;

/** Parameters of Sobol' dimension `dimension` (2 .. JOE_KUO_MAX_DIM, 1-based as in the file). */
export function joeKuoParameters(dimension: number): SobolParameters {
  if (reader === null) reader = new BitReader(base64ToBytes(JOE_KUO_BITS));
  while (decoded.length < dimension - 1 && decoded.length < JOE_KUO_MAX_DIM - 1) {
    const s = reader.read(5);
    const a = reader.read(s - 1);
    const m: number[] = [];
    for (let i = 0; i < s; i++) m.push(2 * reader.read(i) + 1);
    decoded.push({ s, a, m });
  }
  const p = decoded[dimension - 2];
  if (p === undefined) throw new RangeError(`Sobol' dimension ${dimension} is not tabulated`);
  return p;
}

let kuoVector: Uint32Array | null = null;

/** Kuo's lattice-33002-1024-1048576.9125 generating vector (all 9125 entries). */
export function kuoLatticeVector(): Uint32Array {
  if (kuoVector === null) {
    const r = new BitReader(base64ToBytes(KUO_LATTICE_BITS));
    const v = new Uint32Array(KUO_LATTICE_DIM);
    for (let i = 0; i < v.length; i++) v[i] = r.read(20);
    kuoVector = v;
  }
  return kuoVector;
}
