/// <reference types="@webgpu/types" preserve="true" />
/**
 * The FFT, RFFT and IRFFT custom kernels of "@modewise/fft/tensor" on the gpu.js backends, with
 * its exact semantics (see packages/fft/src/tensor-ops.ts):
 *   FFT   y = R_out( scale F_sign( R_n x ) )                      complex64 -> complex64
 *   RFFT  y = R_out( scale W H F( R_n x ) )                       float32   -> complex64
 *   IRFFT y = R_out( scale Re F^H Z C V R_in z )                  complex64 -> float32
 * over 1-3 (or more) axes. Each axis is a batch of strided lines (outer, n, inner).
 *
 * Building blocks, each one gpu.js kernel where one thread computes one output float:
 *  - resizeLines: zero-pad / truncate along an axis, real <-> complex, the Hermitian bin
 *    weights c_k or 1 / c_k, and a scale: every R_n, R_out, H, Z, C, V and Re above.
 *  - stockhamPass4 / stockhamPass: one radix-4 / radix-2 Stockham autosort pass (Govindaraju
 *    et al. 2008, "High performance discrete Fourier transforms on graphics processors"):
 *    floor(log4 n) radix-4 passes and at most one radix-2 pass, output in natural order, no bit
 *    reversal.
 *  - directDft: an O(n^2) DFT for lengths that are not powers of two, up to MAX_DIRECT_DFT.
 * Twiddles come from a table computed in float64 on the host and rounded once to float32
 * (sin/cos in f32 inside a shader loses several ulps for large angles).
 *
 * IRFFT: the axes before the last get complex inverse transforms, then the last axis is
 * Hermitian-extended (bins k < n/2 + 1 times c_k, the others zero), inverse-transformed, and
 * the real part kept: Re F^H Z C z, with Im of the DC and Nyquist bins dropping out through Re.
 *
 * Routing: on the wasm backend the transforms go to @modewise/fft's plans (../wasm/fft.ts). On
 * webgpu, when every transform length is a power of two <= 2048, every step runs in WGSL
 * (../wgsl/fft.ts: the radix-8/4/2 workgroup-memory kernel, along any axis, and a WGSL resize);
 * otherwise, and on the GL backends, every step is a gpu.js kernel.
 */
import type { FFTAttrs, IRFFTAttrs, RFFTAttrs } from "@modewise/fft/tensor";
import {
  type Backend,
  type DType,
  registerKernel,
  sizeOf,
  type TensorInfo,
  ValueError,
} from "@modewise/tensor";
import { wasmFft } from "../wasm/fft.js";
import { encodeFftLines, encodeResize, wgslFftFits } from "../wgsl/fft.js";
import { wgslOutput } from "../wgsl/runner.js";
import { twiddleTable } from "./fft-twiddles.js";
import {
  type GpuKernelRunner,
  type GpuKernelThis,
  type LinalgHost,
  launch,
  linalgExecutor,
  recordExecutor,
} from "./linalg-host.js";

/** Longest non-power-of-two length the direct DFT kernel takes (n multiply-adds per output). */
export const MAX_DIRECT_DFT = 4096;

export { twiddleTable } from "./fft-twiddles.js";

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** A tensor being transformed: its storage, logical shape and whether it is complex. */
interface Work {
  info: TensorInfo;
  /** Owned by this transform (an intermediate to release once consumed). */
  owned: boolean;
}

/** Bin weights of resizeLines: none, c_k (the Hermitian multiplicities), 1 / c_k. */
const WEIGHT_NONE = 0;
const WEIGHT_C = 1;
const WEIGHT_C_INVERSE = 2;

/**
 * out[o, j, i] = scale * weight(j) * in[o, j, i] for j < nIn, else 0. Complex values are
 * interleaved; a real source read into a complex output has zero imaginary parts; a complex
 * source read into a real output keeps its real part. weight(j) is 1 except, for mode C,
 * c_j = 2 for bins that are neither DC nor (for even nReal) Nyquist, and 1 / c_j for mode C^-1.
 */
function resizeLines(this: GpuKernelThis, src: Float32Array, scale: number): number {
  let idx = this.thread.x;
  let part = 0;
  if (this.constants.dstComplex === 1) {
    const e = Math.floor(idx / 2);
    part = idx - 2 * e;
    idx = e;
  }
  const i = idx % this.constants.inner;
  const rest = Math.floor(idx / this.constants.inner);
  const j = rest % this.constants.nOut;
  const o = Math.floor(rest / this.constants.nOut);
  let v = 0;
  if (j < this.constants.nIn) {
    const e = (o * this.constants.nIn + j) * this.constants.inner + i;
    if (this.constants.srcComplex === 1) {
      v = src[2 * e + part];
    } else if (part === 0) {
      v = src[e];
    }
  }
  let w = 1;
  if (this.constants.weight !== 0 && j > 0 && 2 * j !== this.constants.nReal) {
    w = 2;
    if (this.constants.weight === 2) w = 0.5;
  }
  return v * w * scale;
}

/**
 * One radix-2 Stockham pass over complex lines of length n (a power of two) with sub-transform
 * size Ns: out[b 2Ns + r Ns + jm] = x[j] + (-1)^r w^jm x[j + n/2], j = b Ns + jm, w = e^(sign pi i / Ns).
 */
function stockhamPass(this: GpuKernelThis, src: Float32Array, table: Float32Array): number {
  const e = Math.floor(this.thread.x / 2);
  const part = this.thread.x - 2 * e;
  const i = e % this.constants.inner;
  const rest = Math.floor(e / this.constants.inner);
  const q = rest % this.constants.n;
  const o = Math.floor(rest / this.constants.n);
  const span = 2 * this.constants.Ns;
  const blk = Math.floor(q / span);
  const rem = q - blk * span;
  const r = Math.floor(rem / this.constants.Ns);
  const jm = rem - r * this.constants.Ns;
  const j = blk * this.constants.Ns + jm;
  const lineBase = o * this.constants.n;
  const i0 = 2 * ((lineBase + j) * this.constants.inner + i);
  const i1 = 2 * ((lineBase + j + this.constants.n / 2) * this.constants.inner + i);
  const t = 2 * jm * (this.constants.n / span);
  const wr = table[t];
  const wi = table[t + 1];
  const br = src[i1] * wr - src[i1 + 1] * wi;
  const bi = src[i1] * wi + src[i1 + 1] * wr;
  let s = 1;
  if (r === 1) s = -1;
  if (part === 0) return src[i0] + s * br;
  return src[i0 + 1] + s * bi;
}

/**
 * One radix-4 Stockham pass (sub-transform size Ns, output block 4 Ns): with j = b Ns + jm and
 * v_t = w^(t jm) x[j + t n/4], w = e^(sign 2 pi i / (4 Ns)), out[b 4Ns + r Ns + jm] =
 * sum_t (sign i)^(r t) v_t; the powers of sign i are exact swaps and sign flips. Half the passes
 * (texture round trips on GL) of radix 2.
 */
function stockhamPass4(this: GpuKernelThis, src: Float32Array, table: Float32Array): number {
  const e = Math.floor(this.thread.x / 2);
  const part = this.thread.x - 2 * e;
  const i = e % this.constants.inner;
  const rest = Math.floor(e / this.constants.inner);
  const q = rest % this.constants.n;
  const o = Math.floor(rest / this.constants.n);
  const span = 4 * this.constants.Ns;
  const blk = Math.floor(q / span);
  const rem = q - blk * span;
  const r = Math.floor(rem / this.constants.Ns);
  const jm = rem - r * this.constants.Ns;
  const j = blk * this.constants.Ns + jm;
  const step = this.constants.n / span;
  const quarter = this.constants.n / 4;
  const sg = this.constants.sgn;
  let accR = 0;
  let accI = 0;
  for (let t = 0; t < 4; t++) {
    const ix = 2 * ((o * this.constants.n + j + t * quarter) * this.constants.inner + i);
    const k = 2 * (t * jm * step);
    const xr = src[ix];
    const xi = src[ix + 1];
    const wr = table[k];
    const wi = table[k + 1];
    let vr = xr * wr - xi * wi;
    let vi = xr * wi + xi * wr;
    const m = (r * t) % 4;
    if (m === 1) {
      const tmp = vr;
      vr = -sg * vi;
      vi = sg * tmp;
    } else if (m === 2) {
      vr = -vr;
      vi = -vi;
    } else if (m === 3) {
      const tmp = vr;
      vr = sg * vi;
      vi = -sg * tmp;
    }
    accR += vr;
    accI += vi;
  }
  if (part === 0) return accR;
  return accI;
}

/** out[q] = sum_t x[t] e^(sign 2 pi i q t / n), the twiddle index reduced mod n exactly. */
function directDft(this: GpuKernelThis, src: Float32Array, table: Float32Array): number {
  const e = Math.floor(this.thread.x / 2);
  const part = this.thread.x - 2 * e;
  const i = e % this.constants.inner;
  const rest = Math.floor(e / this.constants.inner);
  const q = rest % this.constants.n;
  const o = Math.floor(rest / this.constants.n);
  let re = 0;
  let im = 0;
  for (let t = 0; t < this.constants.n; t++) {
    const qt = q * t;
    const k = qt - Math.floor(qt / this.constants.n) * this.constants.n;
    const wr = table[2 * k];
    const wi = table[2 * k + 1];
    const x = 2 * ((o * this.constants.n + t) * this.constants.inner + i);
    re += src[x] * wr - src[x + 1] * wi;
    im += src[x] * wi + src[x + 1] * wr;
  }
  if (part === 0) return re;
  return im;
}

/** (outer, length, inner) of `axis` in `shape`. */
function lines(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/**
 * Whether the whole transform runs in WGSL: the backend is webgpu and every transform length fits
 * the workgroup-resident kernel (power of two, 2..2048; length 1 needs no pass). Otherwise every
 * step runs on gpu.js.
 */
function allWgsl(host: LinalgHost, lengths: readonly number[]): boolean {
  if (host.mode !== "webgpu" || !host.webgpuDevice || !host.gpuBuffer || !host.adoptBuffer)
    return false;
  return lengths.every((n) => n === 1 || wgslFftFits(n));
}

/**
 * One transform as a chain of steps (resize, DFT passes), each a gpu.js kernel or, on webgpu
 * when the lengths fit, a WGSL pass. Intermediates are released as soon as consumed.
 */
class LineTransform {
  /** Executors that ran a step of this transform ("gpu.js:webgl2", "wgsl", ...). */
  private readonly executors = new Set<string>();
  private readonly wgsl: boolean;

  constructor(
    private readonly host: LinalgHost,
    private readonly op: string,
    lengths: readonly number[],
  ) {
    this.wgsl = allWgsl(host, lengths);
  }

  /** One gpu.js kernel step over `w` (pending-aware through the backend's launcher). */
  private gpuStep(
    w: Work,
    key: string,
    build: () => GpuKernelRunner,
    shape: number[],
    dtype: DType,
    extraArgs: unknown[],
  ): Work {
    const info = launch(this.host, this.op, key, build, [w.info], shape, dtype, extraArgs);
    // Synchronous modes have recorded the executor by now; webgpu records it when it has run.
    const ran = this.host.mode === "webgpu" ? "gpu.js:webgpu" : linalgExecutor(this.op);
    if (ran) this.executors.add(ran);
    if (w.owned) this.host.release(w.info.dataId);
    return { info, owned: true };
  }

  /** Replace `w` by a kernel output; the consumed intermediate is released. */
  private step(w: Work, out: unknown, shape: number[], dtype: DType): Work {
    const info = this.host.adopt(out, shape, dtype);
    if (w.owned) this.host.release(w.info.dataId);
    return { info, owned: true };
  }

  /** One WGSL pass over `w` (pending-aware, see wgslOutput). */
  private wgslStep(
    w: Work,
    encode: (device: GPUDevice, src: GPUBuffer) => GPUBuffer,
    shape: number[],
    dtype: DType,
  ): Work {
    const info = wgslOutput(this.host, [w.info], shape, dtype, (device, [src]) =>
      encode(device, src),
    );
    this.executors.add("wgsl");
    if (w.owned) this.host.release(w.info.dataId);
    return { info, owned: true };
  }

  /** Zero-pad / truncate along `axis` to nOut, real <-> complex, bin weights, scale. */
  resize(
    w: Work,
    axis: number,
    nOut: number,
    opts: { complexOut: boolean; weight?: number; nReal?: number; scale?: number; copy?: boolean },
  ): Work {
    const shape = w.info.shape;
    const [outer, nIn, inner] = lines(shape, axis);
    const srcComplex = w.info.dtype === "complex64" ? 1 : 0;
    const dstComplex = opts.complexOut ? 1 : 0;
    const weight = opts.weight ?? WEIGHT_NONE;
    const scale = opts.scale ?? 1;
    const identity =
      nIn === nOut && srcComplex === dstComplex && weight === WEIGHT_NONE && scale === 1;
    if (identity && !opts.copy) return w;
    const outShape = shape.slice();
    outShape[axis] = nOut;
    const dtype: DType = dstComplex ? "complex64" : "float32";
    const nReal = opts.nReal ?? 0;
    if (this.wgsl) {
      const spec = {
        outer,
        inner,
        nIn,
        nOut,
        srcComplex: srcComplex === 1,
        dstComplex: dstComplex === 1,
        weight,
        nReal,
        scale,
      };
      return this.wgslStep(w, (device, src) => encodeResize(device, src, spec), outShape, dtype);
    }
    const count = outer * nOut * inner * (dstComplex ? 2 : 1);
    if (count === 0) return this.step(w, new Float32Array(0), outShape, dtype);
    const constants = { inner, nIn, nOut, srcComplex, dstComplex, weight, nReal };
    const key = `linalg.fft.resize:${outer}:${Object.values(constants).join(":")}`;
    const build = () =>
      this.host.gpu.createKernel(resizeLines, {
        output: [count],
        constants,
        pipeline: true,
        immutable: true,
        precision: "single",
      });
    return this.gpuStep(w, key, build, outShape, dtype, [scale]);
  }

  /** Complex DFT of sign `sign` along `axis` (the length already resized). */
  transform(w: Work, axis: number, sign: -1 | 1): Work {
    const shape = w.info.shape;
    const [outer, n, inner] = lines(shape, axis);
    if (n <= 1 || outer * inner === 0) return w;
    const table = twiddleTable(n, sign);
    if (this.wgsl) {
      // The whole line in workgroup memory: radix-8/4/2 passes in one dispatch.
      return this.wgslStep(
        w,
        (device, src) => encodeFftLines(device, src, outer, n, sign, 1, table, inner),
        shape.slice(),
        "complex64",
      );
    }
    const count = 2 * outer * n * inner;
    if (!isPowerOfTwo(n)) {
      if (n > MAX_DIRECT_DFT)
        throw new ValueError(
          this.op.toLowerCase(),
          "n",
          `a power-of-two length, or one up to ${MAX_DIRECT_DFT}, on the ${this.host.mode} backend`,
          String(n),
        );
      const build = () =>
        this.host.gpu.createKernel(directDft, {
          output: [count],
          constants: { inner, n },
          pipeline: true,
          immutable: true,
          precision: "single",
        });
      const key = `linalg.fft.dft:${outer}:${n}:${inner}:${sign}`;
      return this.gpuStep(w, key, build, shape.slice(), "complex64", [table]);
    }
    // Radix-4 passes while 4 divides what is left, then one radix-2 pass if log2 n is odd.
    for (let ns = 1; ns < n; ) {
      const radix = n / ns >= 4 ? 4 : 2;
      const key = `linalg.fft.stockham${radix}:${outer}:${n}:${inner}:${ns}:${sign}`;
      const build = () =>
        this.host.gpu.createKernel(radix === 4 ? stockhamPass4 : stockhamPass, {
          output: [count],
          constants: { inner, n, Ns: ns, sgn: sign },
          pipeline: true,
          immutable: true,
          precision: "single",
        });
      w = this.gpuStep(w, key, build, shape.slice(), "complex64", [table]);
      ns *= radix;
    }
    return w;
  }

  /**
   * The output (a result that is still the caller's input gets copied, so it is a fresh
   * DataId), recording the executors that ran, e.g. "wgsl" or "gpu.js:webgl2".
   */
  finish(w: Work): TensorInfo {
    let out = w;
    if (!w.owned && w.info.shape.length > 0) {
      const axis = w.info.shape.length - 1;
      out = this.resize(w, axis, w.info.shape[axis], {
        complexOut: w.info.dtype === "complex64",
        copy: true,
      });
    }
    recordExecutor(this.op, [...this.executors].sort().join("+") || "none");
    return out.info;
  }
}

/** FFT on the gpu.js backends. */
export function gpuJsFft(host: LinalgHost, x: TensorInfo, attrs: FFTAttrs): TensorInfo {
  const t = new LineTransform(host, "FFT", attrs.n);
  let w: Work = { info: x, owned: false };
  attrs.axes.forEach((axis, i) => {
    w = t.resize(w, axis, attrs.n[i], { complexOut: true });
    w = t.transform(w, axis, attrs.sign);
  });
  attrs.axes.forEach((axis, i) => {
    w = t.resize(w, axis, attrs.out[i], { complexOut: true, scale: i === 0 ? attrs.scale : 1 });
  });
  return t.finish(w);
}

/** RFFT on the gpu.js backends: the complex transform of the promoted input, then H, W, scale. */
export function gpuJsRfft(host: LinalgHost, x: TensorInfo, attrs: RFFTAttrs): TensorInfo {
  const t = new LineTransform(host, "RFFT", attrs.n);
  const last = attrs.axes.length - 1;
  const lastAxis = attrs.axes[last];
  const nLast = attrs.n[last];
  let w: Work = { info: x, owned: false };
  attrs.axes.forEach((axis, i) => {
    w = t.resize(w, axis, attrs.n[i], { complexOut: true });
    w = t.transform(w, axis, -1);
  });
  // H (keep bins 0..n/2) with W and the scale, then R_out.
  w = t.resize(w, lastAxis, Math.min((nLast >> 1) + 1, attrs.out[last]), {
    complexOut: true,
    weight: attrs.weighted ? WEIGHT_C : WEIGHT_NONE,
    nReal: nLast,
    scale: attrs.scale,
  });
  attrs.axes.forEach((axis, i) => {
    w = t.resize(w, axis, attrs.out[i], { complexOut: true });
  });
  return t.finish(w);
}

/** IRFFT on the gpu.js backends: V, inverse transforms over the leading axes, then Re F^H Z C. */
export function gpuJsIrfft(host: LinalgHost, z: TensorInfo, attrs: IRFFTAttrs): TensorInfo {
  const t = new LineTransform(host, "IRFFT", attrs.n);
  const last = attrs.axes.length - 1;
  const lastAxis = attrs.axes[last];
  const nLast = attrs.n[last];
  const bins = (nLast >> 1) + 1;
  let w: Work = { info: z, owned: false };
  // R_in and V along the last axis (bins beyond n/2 are never read).
  w = t.resize(w, lastAxis, Math.min(bins, z.shape[lastAxis]), {
    complexOut: true,
    weight: attrs.weighted ? WEIGHT_C_INVERSE : WEIGHT_NONE,
    nReal: nLast,
  });
  for (let i = 0; i < last; i++) {
    w = t.resize(w, attrs.axes[i], attrs.n[i], { complexOut: true });
    w = t.transform(w, attrs.axes[i], 1);
  }
  // Z C: the half spectrum, weighted by c_k, zero-extended to n bins.
  w = t.resize(w, lastAxis, nLast, { complexOut: true, weight: WEIGHT_C, nReal: nLast });
  w = t.transform(w, lastAxis, 1);
  w = t.resize(w, lastAxis, attrs.out[last], { complexOut: false, scale: attrs.scale });
  for (let i = 0; i < last; i++) {
    w = t.resize(w, attrs.axes[i], attrs.out[i], { complexOut: false });
  }
  return t.finish(w);
}

function asHost(backend: Backend, fn: string): LinalgHost {
  const h = backend as Partial<LinalgHost>;
  if (typeof h.kernel !== "function" || !h.gpu || typeof h.deviceValue !== "function")
    throw new ValueError(fn, "backend", "a @modewise/tensor-gpu backend", backend.name);
  return backend as LinalgHost;
}

/** Dispatch of one transform to the executor for the backend's mode. */
function fftKernel(host: LinalgHost, x: TensorInfo, attrs: FFTAttrs): TensorInfo {
  if (host.mode === "webasm") return wasmFft("FFT", host, x, attrs);
  return gpuJsFft(host, x, attrs);
}

function rfftKernel(host: LinalgHost, x: TensorInfo, attrs: RFFTAttrs): TensorInfo {
  if (host.mode === "webasm") return wasmFft("RFFT", host, x, attrs);
  return gpuJsRfft(host, x, attrs);
}

function irfftKernel(host: LinalgHost, z: TensorInfo, attrs: IRFFTAttrs): TensorInfo {
  if (host.mode === "webasm") return wasmFft("IRFFT", host, z, attrs);
  return gpuJsIrfft(host, z, attrs);
}

/** LINALG's FFT kernels (custom kernels of @modewise/fft/tensor, not core KernelNames). */
export const fftKernels = {
  FFT: (inputs: readonly TensorInfo[], attrs: FFTAttrs, backend: Backend): TensorInfo =>
    fftKernel(asHost(backend, "fft"), inputs[0], attrs),
  RFFT: (inputs: readonly TensorInfo[], attrs: RFFTAttrs, backend: Backend): TensorInfo =>
    rfftKernel(asHost(backend, "rfft"), inputs[0], attrs),
  IRFFT: (inputs: readonly TensorInfo[], attrs: IRFFTAttrs, backend: Backend): TensorInfo =>
    irfftKernel(asHost(backend, "irfft"), inputs[0], attrs),
};

/** Register "FFT", "RFFT" and "IRFFT" for backend `backendName` (a @modewise/tensor-gpu backend). */
export function registerFftKernels(backendName: string): void {
  registerKernel<FFTAttrs>("FFT", backendName, fftKernels.FFT);
  registerKernel<RFFTAttrs>("RFFT", backendName, fftKernels.RFFT);
  registerKernel<IRFFTAttrs>("IRFFT", backendName, fftKernels.IRFFT);
}
