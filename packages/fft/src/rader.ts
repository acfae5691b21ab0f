/**
 * Rader's algorithm: a DFT of prime length p as a cyclic convolution of length p - 1.
 *
 * With g a primitive root mod p, index the nonzero j = g^s and k = g^-q (s, q mod p - 1):
 *   X_0 = sum_j x_j,   X_{g^-q} = x_0 + sum_s x_{g^s} w^{g^(s - q)},   w = exp(-2 pi i / p),
 * a cyclic convolution of a_s = x_{g^s} with b_t = w^{g^-t}, done as IFFT(FFT(a) * B) with
 * B = FFT(b) / (p - 1) precomputed. Two FFTs of length p - 1 instead of Bluestein's two of
 * length >= 2p - 1: about twice as fast when p - 1 is smooth (1009: 1008 = 2^4 3^2 7,
 * 65537: 2^16), so the cost model (factorize.raderCost) picks it only for such primes.
 * x_0 is added to every output by adding it to the DC bin before the inverse FFT, and
 * X_0 = x_0 + A_0 (the DC bin of FFT(a)). The backward transform is conj(forward(conj(x))).
 * The index maps are exact integer arithmetic (p < 2^26 keeps products below 2^53); the
 * roots come from the accurate twiddle routine.
 */
import type { WasmKernels } from "./codelets/wasm.js";
import { ConvolutionCore } from "./convolution.js";
import { primeFactors } from "./factorize.js";
import { type MixedRadixCore, WasmIO } from "./plan.js";
import type { Direction, Floats } from "./plan-types.js";
import { sinCos2Pi } from "./twiddle.js";

/** Largest prime handled (products of two residues stay exact in float64). */
export const RADER_MAX = 1 << 26;

function powMod(b: number, e: number, p: number): number {
  let r = 1;
  let x = b % p;
  while (e > 0) {
    if (e & 1) r = (r * x) % p;
    x = (x * x) % p;
    e = Math.floor(e / 2);
  }
  return r;
}

/** The smallest primitive root modulo the prime p. */
export function primitiveRoot(p: number): number {
  if (p === 2) return 1;
  const qs = [...new Set(primeFactors(p - 1))];
  for (let g = 2; g < p; g++) {
    if (qs.every((q) => powMod(g, (p - 1) / q, p) !== 1)) return g;
  }
  throw new Error(`no primitive root mod ${p}`);
}

/** The gather maps (byte offsets, see RaderCore) and the kernel b_s = w^{g^-s} / (p - 1). */
function raderTables(p: number): {
  gatherIn: Int32Array;
  gatherOut: Int32Array;
  kernel: Float64Array;
} {
  const m = p - 1;
  const g = primitiveRoot(p);
  const ginv = powMod(g, p - 2, p);
  const gatherIn = new Int32Array(m);
  const gatherOut = new Int32Array(m);
  const kernel = new Float64Array(2 * m);
  for (let s = 0, gs = 1, gq = 1; s < m; s++) {
    gatherIn[s] = 16 * gs;
    // gq = g^-s: X_{gq} reads convolution output s; b_s = w^{gq}.
    gatherOut[gq - 1] = 16 * s;
    sinCos2Pi(gq, p, kernel, 2 * s);
    kernel[2 * s] /= m;
    kernel[2 * s + 1] = -kernel[2 * s + 1] / m;
    gs = (gs * g) % p;
    gq = (gq * ginv) % p;
  }
  return { gatherIn, gatherOut, kernel };
}

export class RaderCore extends ConvolutionCore {
  readonly algorithm = "rader" as const;
  /** Byte offsets 16 g^s of the inputs gathered into a (s < p - 1). */
  private readonly gatherIn: Int32Array;
  /** Byte offsets 16 q(k) of the convolution output for X_k, k = 1..p-1 (g^-q(k) = k). */
  private readonly gatherOut: Int32Array;

  /** inner: the mixed-radix core of length p - 1 (may be shared). */
  constructor(n: number, inner: MixedRadixCore) {
    if (inner.n !== n - 1) throw new RangeError("Rader: inner length must be p - 1");
    const t = raderTables(n);
    super(n, inner, t.kernel, 8 * (n - 1), WasmIO);
    this.gatherIn = t.gatherIn;
    this.gatherOut = t.gatherOut;
  }

  protected convolveJs(
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    sign: Direction,
    scale: number,
  ): void {
    const p = this.n;
    const m = p - 1;
    const a = this.buf;
    const c = sign < 0 ? 1 : -1;
    const gin = this.gatherIn;
    const x0r = src[srcOff];
    const x0i = c * src[srcOff + 1];
    for (let s = 0; s < m; s++) {
      const j = srcOff + (gin[s] / 16) * srcStride;
      a[2 * s] = src[j];
      a[2 * s + 1] = c * src[j + 1];
    }
    this.inner.run(a, 0, 2, a, 0, 2, -1, 1);
    const sumR = x0r + a[0];
    const sumI = x0i + a[1];
    this.multiplyKernel(a);
    a[0] += x0r;
    a[1] += x0i;
    this.inner.run(a, 0, 2, a, 0, 2, 1, 1);
    const cs = c * scale;
    dst[dstOff] = sumR * scale;
    dst[dstOff + 1] = sumI * cs;
    const gout = this.gatherOut;
    for (let k = 1, d = dstOff + dstStride; k < p; k++, d += dstStride) {
      const q = gout[k - 1] / 8;
      dst[d] = a[q] * scale;
      dst[d + 1] = a[q + 1] * cs;
    }
  }

  /** The same steps in wasm memory: gathers, FFTs and the kernel product in wasm. */
  protected convolveWasm(
    k: WasmKernels,
    tablesAt: number,
    kernelAt: number,
    sign: Direction,
    scale: number,
  ): number {
    const m = this.m;
    const inner = this.inner;
    const inAt = kernelAt + 16 * m;
    const outAt = inAt + 4 * m;
    const mem = k.f64();
    const half = k.bufferBytes;
    const conj = sign < 0 ? 0 : 1;
    const c = sign < 0 ? 1 : -1;
    const x0r = mem[half / 8];
    const x0i = c * mem[half / 8 + 1];
    k.gather(0, half, inAt, m, conj, 1);
    const a = inner.runResident(k, -1, tablesAt);
    const sumR = x0r + mem[a / 8];
    const sumI = x0i + mem[a / 8 + 1];
    k.cmulArray(0, a, kernelAt, m, 0, 1);
    mem[0] += x0r;
    mem[1] += x0i;
    const b = inner.runResident(k, 1, tablesAt);
    const out = b === 0 ? half : 0;
    k.gather(out + 16, b, outAt, m, conj, scale);
    mem[out / 8] = sumR * scale;
    mem[out / 8 + 1] = sumI * c * scale;
    return out;
  }

  protected writeTables(mem: Float64Array, at: number): void {
    const m = this.m;
    const idx = new Int32Array(mem.buffer, at, 2 * m);
    idx.set(this.gatherIn, 0);
    idx.set(this.gatherOut, m);
  }
}
