/**
 * Real FFT plans (the RealPlan contract of plan-types.ts).
 *
 * Even n = 2h: the n reals are read as h complex numbers z_j = x_2j + i x_2j+1 (no copy when
 * they are contiguous), Z = FFT_h(z) by the complex engine, then one pass over k and h - k
 * separates the even and odd halves and combines them:
 *   A = Z_k, B = conj(Z_{h-k}), E = (A + B) / 2, T = w^k (-i) (A - B) / 2, w = exp(-2 pi i / n),
 *   X_k = E + T,  X_{h-k} = conj(E - T)          (k = 0: X_0 = Re Z_0 + Im Z_0, X_h = Re - Im).
 * The backward transform inverts that pass (S = X_k + conj(X_{h-k}), D = (X_k - conj(X_{h-k}))
 * conj(w^k), Z_k = S + i D, Z_{h-k} = conj(S - i D)) and runs a backward complex FFT of
 * length h whose output, read as reals, is x. The Im parts of X_0 and X_h are ignored (numpy).
 * Cost: a complex FFT of half the length plus O(n).
 *
 * Odd n: through a complex FFT of length n on the real input (imaginary parts zero), and for
 * the backward transform on the Hermitian extension of the half spectrum. Twice the ideal
 * cost; simple and exactly as accurate as the complex engine.
 *
 * Computation is in float64 for both precisions (see plan.ts); plans are cached and immutable,
 * and forward / backward never allocate (scratch belongs to the plan).
 */
import type { WasmKernels } from "./codelets/wasm.js";
import { type ComplexCore, complexCore, MixedRadixCore, PlanCache, WasmIO } from "./plan.js";
import type { Floats, Precision, RealPlan } from "./plan-types.js";
import { sinCos2Pi } from "./twiddle.js";

/** Even n: half-length complex FFT + split pass. */
class HalfLengthPlan implements RealPlan {
  private readonly half: ComplexCore;
  /** w^k = exp(-2 pi i k / n), k = 0..h/2, interleaved. */
  private readonly w: Float64Array;
  /** h complex values (JS path). */
  private readonly z: Float64Array;
  /** Wasm path (the half-length core is a wasm mixed-radix core): the split / join passes run
   * in wasm on the core's output, no copy in between. */
  private readonly inner: MixedRadixCore | null;
  private generation = -1;
  private tablesAt = 0;
  private ioIn: WasmIO | null = null;
  private ioOut: WasmIO | null = null;

  constructor(
    readonly n: number,
    readonly precision: Precision,
  ) {
    const h = n / 2;
    this.half = complexCore(h);
    const m = h >> 1;
    this.w = new Float64Array(2 * (m + 1));
    for (let k = 0; k <= m; k++) {
      sinCos2Pi(k, n, this.w, 2 * k);
      this.w[2 * k + 1] = -this.w[2 * k + 1];
    }
    const half = this.half;
    this.inner = half instanceof MixedRadixCore && half.kernels !== null ? half : null;
    this.z = new Float64Array(this.inner === null ? 2 * h : 0);
  }

  /** The wasm kernels after making [inner tables | w] resident, or null (JS path). */
  private resident(): WasmKernels | null {
    const inner = this.inner;
    if (inner === null) return null;
    const k = inner.kernels!;
    const h = this.n / 2;
    const nbuf = inner.buffersNeeded();
    k.prepare(h + 1, nbuf);
    const innerBytes = inner.tableBytes();
    if (this.generation !== k.generation) {
      this.tablesAt = k.allocate(innerBytes + 8 * this.w.length);
      this.generation = k.generation;
      const mem = k.f64();
      inner.writeTables(mem, this.tablesAt);
      mem.set(this.w, (this.tablesAt + innerBytes) / 8);
    }
    this.ioIn ??= new WasmIO(h, nbuf);
    this.ioOut ??= new WasmIO(h + 1, nbuf);
    this.ioIn.refresh(k);
    this.ioOut.refresh(k);
    return k;
  }

  forward(
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    scale: number,
  ): void {
    const k = this.resident();
    if (k !== null) {
      const h = this.n / 2;
      const inner = this.inner!;
      if (srcStride === 1) this.ioIn!.load(k, src, srcOff, 2, 0, 1);
      else copyStrided(k.f64(), 0, 1, src, srcOff, srcStride, 2 * h, 1);
      const z = inner.runResident(k, -1, this.tablesAt);
      const bytes = k.bufferBytes;
      const out = z === 0 ? 1 : 0;
      k.rsplit(out * bytes, z, this.tablesAt + inner.tableBytes(), h);
      this.ioOut!.store(k, out, dst, 2 * dstOff, 2 * dstStride, scale);
      return;
    }
    const h = this.n / 2;
    const z = this.z;
    if (srcStride === 1) this.half.run(src, srcOff, 2, z, 0, 2, -1, 1);
    else {
      copyStrided(z, 0, 1, src, srcOff, srcStride, 2 * h, 1);
      this.half.run(z, 0, 2, z, 0, 2, -1, 1);
    }
    const w = this.w;
    const ds = 2 * dstStride;
    const d0 = 2 * dstOff;
    const half = 0.5 * scale;
    // k = 0 and k = h.
    const z0r = z[0];
    const z0i = z[1];
    dst[d0] = (z0r + z0i) * scale;
    dst[d0 + 1] = 0;
    dst[d0 + h * ds] = (z0r - z0i) * scale;
    dst[d0 + h * ds + 1] = 0;
    for (let k = 1; 2 * k <= h; k++) {
      const ar = z[2 * k];
      const ai = z[2 * k + 1];
      const br = z[2 * (h - k)];
      const bi = -z[2 * (h - k) + 1];
      const er = ar + br;
      const ei = ai + bi;
      // (-i)(A - B) = (ai - bi, br - ar), times w^k
      const ur = ai - bi;
      const ui = br - ar;
      const wr = w[2 * k];
      const wi = w[2 * k + 1];
      const tr = ur * wr - ui * wi;
      const ti = ur * wi + ui * wr;
      const dk = d0 + k * ds;
      dst[dk] = (er + tr) * half;
      dst[dk + 1] = (ei + ti) * half;
      if (2 * k < h) {
        const dm = d0 + (h - k) * ds;
        dst[dm] = (er - tr) * half;
        dst[dm + 1] = (ti - ei) * half;
      }
    }
  }

  backward(
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    scale: number,
  ): void {
    const k = this.resident();
    if (k !== null) {
      const h = this.n / 2;
      const inner = this.inner!;
      const bytes = k.bufferBytes;
      this.ioOut!.load(k, src, 2 * srcOff, 2 * srcStride, 1, 0);
      k.rjoin(0, bytes, this.tablesAt + inner.tableBytes(), h);
      const out = inner.runResident(k, 1, this.tablesAt);
      if (dstStride === 1) this.ioIn!.store(k, out / bytes, dst, dstOff, 2, scale);
      else copyStrided(dst, dstOff, dstStride, k.f64(), out / 8, 1, 2 * h, scale);
      return;
    }
    const h = this.n / 2;
    const z = this.z;
    const w = this.w;
    const ss = 2 * srcStride;
    const s0 = 2 * srcOff;
    const x0 = src[s0];
    const xh = src[s0 + h * ss];
    z[0] = x0 + xh;
    z[1] = x0 - xh;
    for (let k = 1; 2 * k <= h; k++) {
      const sk = s0 + k * ss;
      const sm = s0 + (h - k) * ss;
      const ar = src[sk];
      const ai = src[sk + 1];
      const br = src[sm];
      const bi = -src[sm + 1];
      const sr = ar + br;
      const si = ai + bi;
      // D = (A - B) conj(w^k)
      const ur = ar - br;
      const ui = ai - bi;
      const wr = w[2 * k];
      const wi = -w[2 * k + 1];
      const dr = ur * wr - ui * wi;
      const di = ur * wi + ui * wr;
      // Z_k = S + i D, Z_{h-k} = conj(S - i D)
      z[2 * k] = sr - di;
      z[2 * k + 1] = si + dr;
      if (2 * k < h) {
        z[2 * (h - k)] = sr + di;
        z[2 * (h - k) + 1] = dr - si;
      }
    }
    if (dstStride === 1) this.half.run(z, 0, 2, dst, dstOff, 2, 1, scale);
    else {
      this.half.run(z, 0, 2, z, 0, 2, 1, scale);
      copyStrided(dst, dstOff, dstStride, z, 0, 1, 2 * h, 1);
    }
  }
}

/** dst[dOff + j * dStride] = src[sOff + j * sStride] * scale, j < count. */
function copyStrided(
  dst: Floats,
  dOff: number,
  dStride: number,
  src: Floats,
  sOff: number,
  sStride: number,
  count: number,
  scale: number,
): void {
  for (let j = 0, d = dOff, s = sOff; j < count; j++, d += dStride, s += sStride) {
    dst[d] = src[s] * scale;
  }
}

/** Odd n (and n = 1): through a complex FFT of length n. */
class ViaComplexPlan implements RealPlan {
  private readonly core: ComplexCore;
  private readonly buf: Float64Array;

  constructor(
    readonly n: number,
    readonly precision: Precision,
  ) {
    this.core = complexCore(n);
    this.buf = new Float64Array(2 * n);
  }

  forward(
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    scale: number,
  ): void {
    const n = this.n;
    const buf = this.buf;
    for (let j = 0, s = srcOff; j < n; j++, s += srcStride) {
      buf[2 * j] = src[s];
      buf[2 * j + 1] = 0;
    }
    this.core.run(buf, 0, 2, buf, 0, 2, -1, 1);
    const ds = 2 * dstStride;
    for (let k = 0, d = 2 * dstOff; k <= n >> 1; k++, d += ds) {
      dst[d] = buf[2 * k] * scale;
      dst[d + 1] = buf[2 * k + 1] * scale;
    }
    // Im X_0 of a real input is exactly 0 (Bluestein or Rader would leave rounding noise).
    dst[2 * dstOff + 1] = 0;
  }

  backward(
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    scale: number,
  ): void {
    const n = this.n;
    const buf = this.buf;
    const ss = 2 * srcStride;
    buf[0] = src[2 * srcOff];
    buf[1] = 0;
    for (let k = 1, s = 2 * srcOff + ss; 2 * k < n + 1; k++, s += ss) {
      const re = src[s];
      const im = src[s + 1];
      buf[2 * k] = re;
      buf[2 * k + 1] = im;
      buf[2 * (n - k)] = re;
      buf[2 * (n - k) + 1] = -im;
    }
    this.core.run(buf, 0, 2, buf, 0, 2, 1, scale);
    copyStrided(dst, dstOff, dstStride, buf, 0, 2, n, 1);
  }
}

const cache = new PlanCache<RealPlan>(256 << 20, 16);

/** The (cached, immutable) real plan for length n (a positive integer). */
export function realPlan(n: number, precision: Precision = "float64"): RealPlan {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`realPlan: length must be a positive integer, got ${n}`);
  }
  return cache.get(
    `${n}:${precision}`,
    () => (n % 2 === 0 ? new HalfLengthPlan(n, precision) : new ViaComplexPlan(n, precision)),
    48 * n + 1024,
  );
}
