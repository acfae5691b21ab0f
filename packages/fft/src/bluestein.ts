/**
 * Bluestein's chirp-z algorithm: a DFT of any length n as a circular convolution of length
 * m >= 2n - 1, m chosen smooth (factors 2, 3, 5, 7, 11) by the cost model (factorize.goodSize).
 *
 * With jk = (j^2 + k^2 - (k - j)^2) / 2 and the chirp w_j = exp(-pi i j^2 / n):
 *   X_k = w_k * sum_j (x_j w_j) * conj(w_{k-j}),
 * a convolution of a_j = x_j w_j (zero-padded to m) with b_t = conj(w_t) (b_{m-t} = b_t), done
 * as IFFT(FFT(a) * B), B = FFT(b) / m precomputed. The backward transform is
 * conj(forward(conj(x))), folded into the chirp multiplications (no extra pass).
 *
 * The chirp is computed from k^2 mod 2n, kept exact with integer arithmetic by the recurrence
 * (k + 1)^2 = k^2 + 2k + 1 (mod 2n) (all values < 4n, exact for any n < 2^51), then
 * exp(-2 pi i (k^2 mod 2n) / (2n)) by the accurate twiddle routine: no k * k overflow or
 * rounding, no angle error growing with k.
 */
import type { WasmKernels } from "./codelets/wasm.js";
import { ConvolutionCore } from "./convolution.js";
import { type MixedRadixCore, WasmIO } from "./plan.js";
import type { Direction, Floats } from "./plan-types.js";
import { sinCos2Pi } from "./twiddle.js";

/** The forward chirp w_k = exp(-pi i k^2 / n), interleaved, k < n. */
function chirpOf(n: number): Float64Array {
  const chirp = new Float64Array(2 * n);
  const twoN = 2 * n;
  for (let k = 0, sq = 0; 2 * k <= n; k++) {
    // sq = k^2 mod 2n
    sinCos2Pi(sq, twoN, chirp, 2 * k);
    chirp[2 * k + 1] = -chirp[2 * k + 1];
    sq += 2 * k + 1;
    if (sq >= twoN) sq -= twoN;
  }
  // (n - k)^2 = k^2 + n^2 (mod 2n), and n^2 = n (mod 2n) for odd n, 0 for even n:
  // w_{n-k} = (-1)^n w_k, exactly.
  const flip = n % 2 === 0 ? 1 : -1;
  for (let k = (n >> 1) + 1; k < n; k++) {
    chirp[2 * k] = flip * chirp[2 * (n - k)];
    chirp[2 * k + 1] = flip * chirp[2 * (n - k) + 1];
  }
  return chirp;
}

/** b_t = conj(w_t) / m, b_{m-t} = b_t, zero elsewhere (m complex). */
function kernelOf(chirp: Float64Array, n: number, m: number): Float64Array {
  const kernel = new Float64Array(2 * m);
  const inv = 1 / m;
  kernel[0] = chirp[0] * inv;
  kernel[1] = -chirp[1] * inv;
  for (let k = 1; k < n; k++) {
    const re = chirp[2 * k] * inv;
    const im = -chirp[2 * k + 1] * inv;
    kernel[2 * k] = re;
    kernel[2 * k + 1] = im;
    kernel[2 * (m - k)] = re;
    kernel[2 * (m - k) + 1] = im;
  }
  return kernel;
}

export class BluesteinCore extends ConvolutionCore {
  readonly algorithm = "bluestein" as const;
  /** Forward chirp w_k = exp(-pi i k^2 / n), interleaved, k < n (in wasm memory after the
   * kernel). */
  private readonly chirp: Float64Array;

  /** inner: a mixed-radix core of the convolution length m >= 2n - 1 (may be shared). */
  constructor(n: number, inner: MixedRadixCore) {
    const m = inner.n;
    if (m < 2 * n - 1) throw new RangeError(`Bluestein: convolution length ${m} < 2n - 1`);
    const chirp = chirpOf(n);
    super(n, inner, kernelOf(chirp, n, m), 16 * n, WasmIO);
    this.chirp = chirp;
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
    const n = this.n;
    const w = this.chirp;
    const a = this.buf;
    // Backward = conj(forward(conj(x))): conjugate on the way in and out.
    const c = sign < 0 ? 1 : -1;
    for (let k = 0, s = srcOff; k < n; k++, s += srcStride) {
      const xr = src[s];
      const xi = c * src[s + 1];
      const wr = w[2 * k];
      const wi = w[2 * k + 1];
      a[2 * k] = xr * wr - xi * wi;
      a[2 * k + 1] = xr * wi + xi * wr;
    }
    a.fill(0, 2 * n);
    this.inner.run(a, 0, 2, a, 0, 2, -1, 1);
    this.multiplyKernel(a);
    this.inner.run(a, 0, 2, a, 0, 2, 1, 1);
    const cs = c * scale;
    for (let k = 0, d = dstOff; k < n; k++, d += dstStride) {
      const xr = a[2 * k];
      const xi = a[2 * k + 1];
      const wr = w[2 * k];
      const wi = w[2 * k + 1];
      dst[d] = (xr * wr - xi * wi) * scale;
      dst[d + 1] = (xr * wi + xi * wr) * cs;
    }
  }

  /** The same steps in wasm memory: chirp and kernel products in wasm SIMD. */
  protected convolveWasm(
    k: WasmKernels,
    tablesAt: number,
    kernelAt: number,
    sign: Direction,
    scale: number,
  ): number {
    const n = this.n;
    const m = this.m;
    const inner = this.inner;
    const chirpAt = kernelAt + 16 * m;
    const half = k.bufferBytes;
    // x (conjugated for the backward transform) times the chirp, zero-padded, into buffer 0.
    k.cmulArray(0, half, chirpAt, n, sign < 0 ? 0 : 1, 1);
    k.f64().fill(0, 2 * n, 2 * m);
    const a = inner.runResident(k, -1, tablesAt);
    k.cmulArray(0, a, kernelAt, m, 0, 1);
    const b = inner.runResident(k, 1, tablesAt);
    k.cmulArray(b, b, chirpAt, n, sign < 0 ? 0 : 2, scale);
    return b;
  }

  protected writeTables(mem: Float64Array, at: number): void {
    mem.set(this.chirp, at / 8);
  }
}
