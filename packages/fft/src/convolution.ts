/**
 * What the convolution algorithms (Bluestein's and Rader's) share: a DFT of length n done as a
 * cyclic convolution of length m = inner.n, IFFT(FFT(a) * B) with the kernel spectrum
 * B = FFT(b) / m precomputed. This base class owns the kernel, the JS scratch buffer and the
 * wasm residency of [inner tables | kernel | extra tables]; a subclass supplies the kernel b,
 * its own tables (chirp, index maps) and the steps around the two inner FFTs.
 *
 * Only type imports from plan.ts: the subclasses extend this class at module evaluation, and
 * plan.ts imports them, so a runtime import here would make that order depend on which module
 * is loaded first. The WasmIO class comes in through the constructor instead.
 */
import type { WasmKernels } from "./codelets/wasm.js";
import type { ComplexCore, MixedRadixCore, WasmIO } from "./plan.js";
import type { Direction, Floats } from "./plan-types.js";

export abstract class ConvolutionCore implements ComplexCore {
  abstract readonly algorithm: "bluestein" | "rader";
  /** Convolution length. */
  readonly m: number;
  /** FFT_m of the kernel b, divided by m (b arrives already divided). */
  protected readonly kernel: Float64Array;
  /** JS path scratch (m complex; empty when the inner FFT runs in wasm memory). */
  protected readonly buf: Float64Array;
  private generation = -1;
  private tablesAt = 0;
  private io: WasmIO | null = null;

  /**
   * inner: a mixed-radix core of the convolution length (may be shared: only its tables and
   * passes are used, with this plan's own copy of the tables in wasm memory).
   * kernel: b / m (m complex, interleaved), transformed here in place.
   * extraBytes: the size of the subclass's tables after the kernel in wasm memory.
   */
  constructor(
    readonly n: number,
    protected readonly inner: MixedRadixCore,
    kernel: Float64Array,
    private readonly extraBytes: number,
    private readonly IO: typeof WasmIO,
  ) {
    const m = inner.n;
    this.m = m;
    inner.run(kernel, 0, 2, kernel, 0, 2, -1, 1);
    this.kernel = kernel;
    this.buf = new Float64Array(inner.kernels === null ? 2 * m : 0);
  }

  run(
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    sign: Direction,
    scale: number,
  ): void {
    const k = this.inner.kernels;
    if (k === null) {
      this.convolveJs(src, srcOff, srcStride, dst, dstOff, dstStride, sign, scale);
      return;
    }
    const m = this.m;
    const inner = this.inner;
    const nbuf = inner.buffersNeeded();
    k.prepare(Math.max(this.n, m), nbuf);
    const innerBytes = inner.tableBytes();
    if (this.generation !== k.generation) {
      this.tablesAt = k.allocate(innerBytes + 16 * m + this.extraBytes);
      this.generation = k.generation;
      const mem = k.f64();
      inner.writeTables(mem, this.tablesAt);
      mem.set(this.kernel, (this.tablesAt + innerBytes) / 8);
      this.writeTables(mem, this.tablesAt + innerBytes + 16 * m);
    }
    this.io ??= new this.IO(this.n, nbuf);
    const io = this.io;
    io.refresh(k);
    // x into buffer 1 (buffer 0 may be overwritten on the way).
    io.load(k, src, srcOff, srcStride, 1, 0);
    const out = this.convolveWasm(k, this.tablesAt, this.tablesAt + innerBytes, sign, scale);
    io.store(k, out / k.bufferBytes, dst, dstOff, dstStride, 1);
  }

  /** a *= kernel, elementwise over the m complex values (JS path). */
  protected multiplyKernel(a: Float64Array): void {
    const kernel = this.kernel;
    for (let j = 0, e = 2 * this.m; j < e; j += 2) {
      const xr = a[j];
      const xi = a[j + 1];
      const br = kernel[j];
      const bi = kernel[j + 1];
      a[j] = xr * br - xi * bi;
      a[j + 1] = xr * bi + xi * br;
    }
  }

  /** The whole transform in JS (no wasm kernels), with this.buf as scratch. */
  protected abstract convolveJs(
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    sign: Direction,
    scale: number,
  ): void;

  /** The transform of x, loaded into buffer 1, with every array in wasm memory: the inner
   * tables at tablesAt, the kernel at kernelAt and the subclass's tables right after it.
   * Returns the byte offset of the buffer holding the output (scaled, unconjugated). */
  protected abstract convolveWasm(
    k: WasmKernels,
    tablesAt: number,
    kernelAt: number,
    sign: Direction,
    scale: number,
  ): number;

  /** Copy the subclass's tables (extraBytes) into wasm memory at byte offset `at`. */
  protected abstract writeTables(mem: Float64Array, at: number): void;
}
