/**
 * Complex 1-D FFT plans of any length (the ComplexPlan contract of plan-types.ts).
 *
 * Algorithm, decided once per length by the cost model (factorize.ts, chooseAlgorithm):
 * - mixed radix when every prime factor has a codelet (2, 3, 4, 5, 7, 8, 11) and otherwise when
 *   it is still the cheapest, the other prime factors running a generic odd-radix pass;
 * - Rader (rader.ts) for a prime n whose n - 1 is 11-smooth (1009, 65537): two FFTs of n - 1;
 * - Bluestein (bluestein.ts) for the rest: two FFTs of a smooth length >= 2n - 1.
 *
 * Mixed radix is a Stockham autosort FFT (codelets/types.ts): each pass reads one buffer and
 * writes the other, output in natural order, no bit-reversal; twiddles precomputed per pass and
 * per direction in the order the pass reads them (correctly rounded, twiddle.ts). It runs on one
 * of three engines, fixed at plan time:
 * - "pair": WebAssembly SIMD on data in wasm memory, two complex numbers per block (4 | n and
 *   every radix has a codelet; codelets/wasm.ts). Copy in, passes, copy out.
 * - "interleaved": WebAssembly SIMD, one complex number per f64x2 (odd n, n = 2 mod 4, generic
 *   factors: those passes run the JS codelets on the same wasm memory).
 * - "js": the JS codelets on plan-owned buffers (n < 16, or WebAssembly SIMD unavailable).
 * All three perform the same float64 operations in the same order: results are bit-identical
 * for the same passes (engine-plans.test.ts). Lengths above 2^13 in pair mode run blocked
 * (up to three passes over the whole array, then cache-sized blocks finished one by one).
 *
 * Precision: every plan computes in float64. A "float32" plan reads and writes Float32Array,
 * converting on the way in and out (which the copies into wasm memory do anyway). float64
 * intermediates make the f32 result the float64 result rounded once (round trip ~4e-8 relative
 * RMS here vs the 1e-6 bar), which f32 arithmetic through log n passes would not give, and f32
 * arithmetic would not be faster (V8 computes in float64 registers; f32x4 wasm would need
 * another data layout). The f32 and f64 plans of one length share their core.
 *
 * Plans are immutable once built and cached per (n, precision) in a least-recently-used cache
 * with a memory budget. `execute` allocates nothing but, when src is longer than the
 * transform, one subarray view for the copy in (a few dozen bytes, no data). Scratch: the wasm
 * data buffers are shared by all plans (module-level, grown on demand, as in tensor's gemm);
 * each plan's twiddles are copied into the wasm arena at first use (codelets/wasm.ts explains
 * the recycling). JavaScript is single-threaded and no plan runs inside another's copy-in /
 * copy-out window, so sharing is safe.
 */
import { BluesteinCore } from "./bluestein.js";
import { pass2 } from "./codelets/pass2.js";
import { pass3 } from "./codelets/pass3.js";
import { pass4 } from "./codelets/pass4.js";
import { pass5 } from "./codelets/pass5.js";
import { pass7 } from "./codelets/pass7.js";
import { pass8 } from "./codelets/pass8.js";
import { pass11 } from "./codelets/pass11.js";
import { passGeneric } from "./codelets/passg.js";
import type { Codelet, GenericRadix } from "./codelets/types.js";
import {
  WASM_LAST_RADICES,
  WASM_RADICES,
  type WasmKernels,
  type WasmPass,
  wasmKernels,
} from "./codelets/wasm.js";
import { type Algorithm, chooseAlgorithm, factorize, goodSize } from "./factorize.js";
import type { ComplexPlan, Direction, Floats, Precision } from "./plan-types.js";
import { RaderCore } from "./rader.js";
import { unitRoots } from "./twiddle.js";

/**
 * What plans of both precisions run: a complex transform in float64 arithmetic, with offsets
 * and strides counted in DOUBLES (so real.ts can view n reals at any offset as n / 2 complex).
 * src and dst may be Float64Array or Float32Array; src === dst with equal offsets and strides is
 * allowed (in place), other overlaps are not.
 */
export interface ComplexCore {
  readonly n: number;
  readonly algorithm: Algorithm;
  run(
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    sign: Direction,
    scale: number,
  ): void;
}

const CODELETS: { readonly [radix: number]: Codelet } = {
  2: pass2,
  3: pass3,
  4: pass4,
  5: pass5,
  7: pass7,
  8: pass8,
  11: pass11,
};

interface Pass {
  readonly radix: number;
  readonly l1: number;
  readonly ido: number;
  readonly codelet: Codelet;
  /** Twiddles for sign = -1 and for sign = +1 (see codelets/types.ts for the layout). */
  readonly twForward: Float64Array;
  readonly twBackward: Float64Array;
  readonly generic: GenericRadix | null;
  /** The wasm codelet of this radix, if any (used when the plan runs in wasm memory). */
  readonly wasm: WasmPass | null;
  /** Byte offsets of the q-th computed output, forward and backward (wasm calling convention). */
  readonly outForward: Int32Array;
  readonly outBackward: Int32Array;
  /**
   * Wasm call arguments after (cc, ch), per direction: [ido, l1, twiddles or output stride,
   * o_1 .. o_10]; filled when the tables are uploaded (the twiddle address changes then).
   */
  readonly argsForward: Int32Array;
  readonly argsBackward: Int32Array;
  /** For passes run block by block (blocked plans): output offsets within a block's FFT. */
  readonly subForward: Int32Array | null;
  readonly subBackward: Int32Array | null;
}

/** Below this length the copies into wasm memory cost more than the wasm passes save. */
const WASM_MIN_LENGTH = 16;
/**
 * Pair-mode plans longer than BLOCK_THRESHOLD run blocked: up to MAX_TOP_PASSES passes over the
 * whole array, until blocks have at most BLOCK_LENGTH values (64 KiB, two of them fit L2 with
 * room to spare). Measured here: 2^14 -9%, 2^16 -9%, 2^18 -30%, 2^20 -45% vs unblocked; more
 * top passes (smaller blocks at 2^20) lose again, each top pass costing a full trip to memory.
 */
const BLOCK_THRESHOLD = 1 << 13;
const BLOCK_LENGTH = 1 << 12;
const MAX_TOP_PASSES = 3;
/** Blocks whose last passes run together (4: one 64-byte line of output per group). */
const GROUP = 4;
/** Above this length (2^22: 64 MiB per buffer) plans stay in JS memory. */
const WASM_MAX_LENGTH = 1 << 22;

/**
 * One plan's views of the wasm data buffers (n complex values each, float64 and float32) and
 * its copies in and out of them. Contiguous float64 data moves with TypedArray.set (memcpy);
 * contiguous float32 data with a memcpy of the float32 values and a wasm widen / narrow pass;
 * strided data with JS loops.
 */
export class WasmIO {
  private readonly v64: Float64Array<ArrayBuffer>[] = [];
  private readonly v32: Float32Array<ArrayBuffer>[] = [];
  private epoch = -1;
  private bytes = -1;
  constructor(
    private readonly n: number,
    private readonly count: number,
  ) {}

  /** After k.prepare(n, count): remake the views if the memory grew or the buffers moved. */
  refresh(k: WasmKernels): void {
    if (this.epoch === k.epoch && this.bytes === k.bufferBytes) return;
    const buffer = k.f64().buffer;
    const bytes = k.bufferBytes;
    this.v64.length = 0;
    this.v32.length = 0;
    for (let j = 0; j < this.count; j++) {
      this.v64.push(new Float64Array(buffer, j * bytes, 2 * this.n));
      this.v32.push(new Float32Array(buffer, j * bytes, 2 * this.n));
    }
    this.epoch = k.epoch;
    this.bytes = bytes;
  }

  /** n complex values of src (offset and stride in floats) into buffer `to` as float64;
   * buffer `staging` may be overwritten. */
  load(
    k: WasmKernels,
    src: Floats,
    off: number,
    stride: number,
    to: number,
    staging: number,
  ): void {
    const n = this.n;
    if (stride === 2) {
      if (src instanceof Float64Array) {
        if (off === 0 && src.length === 2 * n) this.v64[to].set(src);
        else this.v64[to].set(src.subarray(off, off + 2 * n));
        return;
      }
      if (off === 0 && src.length === 2 * n) this.v32[staging].set(src);
      else this.v32[staging].set(src.subarray(off, off + 2 * n));
      k.widen(to * this.bytes, staging * this.bytes, n);
      return;
    }
    copyIn(src, off, stride, k.f64(), (to * this.bytes) / 8, n);
  }

  /** The n complex float64 values of buffer `from`, times scale, into dst (offset and stride
   * in floats); another buffer is used for float32 output. */
  store(
    k: WasmKernels,
    from: number,
    dst: Floats,
    off: number,
    stride: number,
    scale: number,
  ): void {
    const n = this.n;
    if (stride === 2) {
      if (dst instanceof Float64Array) {
        if (scale === 1) dst.set(this.v64[from], off);
        else {
          const staging = from === 0 ? 1 : 0;
          k.scaleCopy(staging * this.bytes, from * this.bytes, n, scale);
          dst.set(this.v64[staging], off);
        }
        return;
      } else {
        const staging = from === 0 ? 1 : 0;
        k.narrow(staging * this.bytes, from * this.bytes, n, scale);
        dst.set(this.v32[staging], off);
        return;
      }
    }
    copyOut(k.f64(), (from * this.bytes) / 8, dst, off, stride, n, scale);
  }
}

/** Stockham mixed-radix FFT of length n (n >= 1). */
export class MixedRadixCore implements ComplexCore {
  readonly algorithm = "mixed-radix" as const;
  readonly radices: readonly number[];
  private readonly passes: readonly Pass[];
  private readonly w1: Float64Array;
  private readonly w2: Float64Array;
  /** Set when the plan runs in wasm memory (then w1 and w2 are unused, empty). */
  readonly kernels: WasmKernels | null;
  /** "js": JS codelets on plan-owned buffers; "interleaved" / "pair": data in wasm memory, in
   * interleaved or pair format (see codelets/wasm.ts). */
  readonly mode: "js" | "interleaved" | "pair";
  /**
   * Blocked execution (pair mode, large n): the first `topPasses` passes run over the whole
   * array, then each of the `blocks` contiguous blocks they leave is finished as an independent
   * FFT while it sits in cache (L2), its last pass writing with stride `blocks` into a third
   * buffer. Without it, passes over arrays larger than L2 with power-of-two strides run ~4x
   * slower than in cache. blocks = 1: not blocked.
   */
  readonly topPasses: number;
  readonly blocks: number;
  /** Wasm residency: the arena generation our tables were uploaded in, and where they are. */
  private generation = -1;
  private tablesAt = 0;
  /** The memory epoch our views were made in, and the table address the call args are for. */
  private epoch = -1;
  private argsAt = -1;
  /** Views of the wasm data buffers and the copies in and out. */
  private io: WasmIO | null = null;

  /** radixList: the passes to use (tests, benchmarks); default: factorize for the engine. */
  constructor(
    readonly n: number,
    radixList?: readonly number[],
  ) {
    const kernels = n >= WASM_MIN_LENGTH && n <= WASM_MAX_LENGTH ? wasmKernels() : null;
    this.radices = radixList ?? (n === 1 ? [] : factorize(n, kernels === null ? "js" : "wasm"));
    const radices = this.radices;
    if (radices.reduce((a, b) => a * b, 1) !== n)
      throw new RangeError("radices must multiply to n");
    const allWasm = radices.every((r) => WASM_RADICES.includes(r));
    const last = radices[radices.length - 1];
    this.mode =
      kernels === null
        ? "js"
        : allWasm && radices.length >= 2 && WASM_LAST_RADICES.includes(last) && (n / last) % 2 === 0
          ? "pair"
          : "interleaved";
    this.kernels = kernels;
    const roots = n === 1 ? new Float64Array(2) : unitRoots(n);
    const generics = new Map<number, GenericRadix>();
    const passes: Pass[] = [];
    let l1 = 1;
    for (let p = 0; p < radices.length; p++) {
      const r = radices[p];
      const ido = n / (l1 * r);
      const twForward = new Float64Array(
        this.mode === "pair" ? 2 * ido * (r - 1) : 2 * (ido - 1) * (r - 1),
      );
      const twBackward = new Float64Array(twForward.length);
      if (this.mode !== "pair") {
        for (let i = 1; i < ido; i++) {
          for (let q = 1; q < r; q++) {
            const t = 2 * ((i - 1) * (r - 1) + q - 1);
            const f = q * i * l1; // < n
            twForward[t] = roots[2 * f];
            twForward[t + 1] = -roots[2 * f + 1];
            const b = (r - q) * i * l1;
            twBackward[t] = roots[2 * b];
            twBackward[t + 1] = roots[2 * b + 1];
          }
        }
      } else if (p < radices.length - 1) {
        // Pair layout: [wr(i), wr(i + 1), wi(i), wi(i + 1)] per column pair and q.
        for (let i = 0; i < ido; i++) {
          const lane = i & 1;
          for (let q = 1; q < r; q++) {
            const t = 4 * ((i >> 1) * (r - 1) + q - 1) + lane;
            const f = q * i * l1;
            twForward[t] = roots[2 * f];
            twForward[t + 2] = -roots[2 * f + 1];
            const b = (r - q) * i * l1;
            twBackward[t] = roots[2 * b];
            twBackward[t + 2] = roots[2 * b + 1];
          }
        }
      }
      let generic: GenericRadix | null = null;
      let codelet = CODELETS[r];
      if (codelet === undefined) {
        codelet = passGeneric;
        generic = generics.get(r) ?? makeGeneric(r);
        generics.set(r, generic);
      }
      const outForward = new Int32Array(10);
      const outBackward = new Int32Array(10);
      for (let q = 1; q < r; q++) {
        outForward[q - 1] = 16 * ido * l1 * q;
        outBackward[q - 1] = 16 * ido * l1 * (r - q);
      }
      let wasm: WasmPass | null = null;
      if (kernels !== null) {
        const fam = kernels.passes;
        if (this.mode === "pair") {
          wasm = p === 0 ? fam.first[r] : p === radices.length - 1 ? fam.last[r] : fam.pair[r];
        } else wasm = fam.interleaved[r] ?? null;
      }
      passes.push({
        radix: r,
        l1,
        ido,
        codelet,
        twForward,
        twBackward,
        generic,
        wasm,
        outForward,
        outBackward,
        argsForward: new Int32Array(13),
        argsBackward: new Int32Array(13),
        subForward: null,
        subBackward: null,
      });
      l1 *= r;
    }
    // Blocking: the fewest top passes leaving blocks of at most BLOCK_LENGTH values.
    let top = 0;
    let blocks = 1;
    if (this.mode === "pair" && n > BLOCK_THRESHOLD) {
      while (top < Math.min(MAX_TOP_PASSES, passes.length - 2) && n / blocks > BLOCK_LENGTH) {
        blocks *= passes[top++].radix;
      }
    }
    if (blocks > 1) {
      for (let p = top; p < passes.length; p++) {
        const pass = passes[p];
        const r = pass.radix;
        const l1s = pass.l1 / blocks;
        // Within a block: q-th output at ido * l1s * q; the last pass writes with stride `blocks`.
        const unit = p === passes.length - 1 ? 16 * blocks * l1s : 16 * pass.ido * l1s;
        const f = new Int32Array(10);
        const b = new Int32Array(10);
        for (let q = 1; q < r; q++) {
          f[q - 1] = unit * q;
          b[q - 1] = unit * (r - q);
        }
        passes[p] = { ...pass, subForward: f, subBackward: b };
      }
    }
    this.topPasses = top;
    this.blocks = blocks;
    this.passes = passes;
    this.w1 = new Float64Array(kernels === null ? 2 * n : 0);
    this.w2 = new Float64Array(kernels === null ? 2 * n : 0);
  }

  /** Bytes of this plan's twiddle tables in wasm memory. */
  tableBytes(): number {
    let bytes = 0;
    for (const p of this.passes) if (p.wasm !== null) bytes += 16 * p.twForward.length;
    return bytes;
  }

  /** Write the twiddle tables into wasm memory from byte `at` on. */
  writeTables(mem: Float64Array, at: number): void {
    let j = at / 8;
    for (const p of this.passes) {
      if (p.wasm === null) continue;
      mem.set(p.twForward, j);
      j += p.twForward.length;
      mem.set(p.twBackward, j);
      j += p.twBackward.length;
    }
  }

  /** How many wasm data buffers a run uses (three when blocked). */
  buffersNeeded(): number {
    return this.blocks > 1 ? 3 : 2;
  }

  /**
   * Fill the passes' wasm call arguments for tables at byte `tablesAt` (the output offsets
   * are fixed, the twiddle addresses follow the tables).
   */
  private setArgs(tablesAt: number): void {
    if (this.argsAt === tablesAt) return;
    this.argsAt = tablesAt;
    let tw = tablesAt;
    const np = this.passes.length;
    for (let j = 0; j < np; j++) {
      const p = this.passes[j];
      if (p.wasm === null) continue;
      const last = this.mode === "pair" && j === np - 1;
      for (const [args, out, t] of [
        [p.argsForward, p.outForward, tw],
        [p.argsBackward, p.outBackward, tw + 8 * p.twForward.length],
      ] as const) {
        args[0] = p.ido;
        args[1] = p.l1;
        // The last pass (pair mode) takes the output stride in the twiddle slot.
        args[2] = last ? 16 : t;
        args.set(out, 3);
      }
      tw += 16 * p.twForward.length;
    }
  }

  /**
   * The passes on data already in wasm memory: input in buffer 0 (interleaved), tables at byte
   * `tablesAt`; returns the byte offset of the (interleaved) output, in buffer 0, 1 or 2. The
   * caller has run k.prepare(n, buffersNeeded()).
   */
  runResident(k: WasmKernels, sign: Direction, tablesAt: number): number {
    this.setArgs(tablesAt);
    const half = k.bufferBytes;
    const passes = this.passes;
    const np = passes.length;
    const blocked = this.blocks > 1;
    const top = blocked ? this.topPasses : np;
    let cur = 0;
    for (let j = 0; j < top; j++) {
      const p = passes[j];
      const out = half - cur;
      if (p.wasm !== null) {
        const a = sign < 0 ? p.argsForward : p.argsBackward;
        p.wasm(
          a[0],
          a[1],
          cur,
          out,
          a[2],
          a[3],
          a[4],
          a[5],
          a[6],
          a[7],
          a[8],
          a[9],
          a[10],
          a[11],
          a[12],
        );
      } else {
        const mem = k.f64();
        const t = sign < 0 ? p.twForward : p.twBackward;
        p.codelet(p.ido, p.l1, mem, cur / 8, mem, out / 8, t, sign, p.generic);
      }
      cur = out;
    }
    if (!blocked) return cur;
    // Blocks of m = n / blocks contiguous values, each an independent FFT of length m whose
    // output lands, with stride `blocks`, in the third buffer.
    // Blocks go in groups of GROUP: their last passes run back to back, so the cache lines of
    // the strided output (GROUP consecutive values per line) are filled while they are hot.
    const blocks = this.blocks;
    const m = this.n / blocks;
    const other = half - cur;
    const last = passes[np - 1];
    const lo = sign < 0 ? last.subForward! : last.subBackward!;
    const ll1 = last.l1 / blocks;
    const os = 16 * blocks;
    const swaps = (np - 1 - top) % 2 === 1;
    for (let g = 0; g < blocks; g += GROUP) {
      const ge = Math.min(g + GROUP, blocks);
      for (let b = g; b < ge; b++) {
        let x = cur + 16 * m * b;
        let y = other + 16 * m * b;
        for (let j = top; j < np - 1; j++) {
          const p = passes[j];
          const o = sign < 0 ? p.subForward! : p.subBackward!;
          const a = sign < 0 ? p.argsForward : p.argsBackward;
          p.wasm!(
            p.ido,
            p.l1 / blocks,
            x,
            y,
            a[2],
            o[0],
            o[1],
            o[2],
            o[3],
            o[4],
            o[5],
            o[6],
            o[7],
            o[8],
            o[9],
          );
          const z = x;
          x = y;
          y = z;
        }
      }
      for (let b = g; b < ge; b++) {
        const x = (swaps ? other : cur) + 16 * m * b;
        const o = lo;
        last.wasm!(
          1,
          ll1,
          x,
          2 * half + 16 * b,
          os,
          o[0],
          o[1],
          o[2],
          o[3],
          o[4],
          o[5],
          o[6],
          o[7],
          o[8],
          o[9],
        );
      }
    }
    return 2 * half;
  }

  /** Make the plan's tables current in wasm memory (a no-op on the fast path). */
  private ensureResident(k: WasmKernels, io: WasmIO): void {
    if (this.generation === k.generation && this.epoch === k.epoch) return;
    k.prepare(this.n, this.buffersNeeded());
    if (this.generation !== k.generation) {
      this.tablesAt = k.allocate(this.tableBytes());
      this.generation = k.generation;
      this.writeTables(k.f64(), this.tablesAt);
    }
    io.refresh(k);
    this.epoch = k.epoch;
  }

  /** The transform with data in the wasm buffers: copy in, passes, copy out. */
  private runWasm(
    k: WasmKernels,
    src: Floats,
    srcOff: number,
    srcStride: number,
    dst: Floats,
    dstOff: number,
    dstStride: number,
    sign: Direction,
    scale: number,
  ): void {
    this.io ??= new WasmIO(this.n, this.buffersNeeded());
    const io = this.io;
    this.ensureResident(k, io);
    io.load(k, src, srcOff, srcStride, 0, 1);
    const out = this.runResident(k, sign, this.tablesAt);
    io.store(k, out / k.bufferBytes, dst, dstOff, dstStride, scale);
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
    const n = this.n;
    const passes = this.passes;
    const np = passes.length;
    if (np === 0) {
      const re = src[srcOff];
      const im = src[srcOff + 1];
      dst[dstOff] = re * scale;
      dst[dstOff + 1] = im * scale;
      return;
    }
    if (this.kernels !== null) {
      this.runWasm(this.kernels, src, srcOff, srcStride, dst, dstOff, dstStride, sign, scale);
      return;
    }
    // Buffer positions 0 (input) .. np (output): position q uses w1 when np - q is even, w2
    // otherwise, unless the caller's array can be used directly there (contiguous float64).
    const w1 = this.w1;
    const w2 = this.w2;
    let cur: Float64Array;
    let curOff: number;
    if (srcStride === 2 && src instanceof Float64Array) {
      cur = src;
      curOff = srcOff;
    } else {
      cur = np % 2 === 0 ? w1 : w2;
      curOff = 0;
      copyIn(src, srcOff, srcStride, cur, 0, n);
    }
    const dstDirect = dstStride === 2 && dst instanceof Float64Array;
    for (let p = 0; p < np; p++) {
      const pass = passes[p];
      let out: Float64Array;
      let outOff = 0;
      if (p === np - 1) {
        if (dstDirect) {
          out = dst as Float64Array;
          outOff = dstOff;
        } else out = w1;
      } else out = (np - p - 1) % 2 === 0 ? w1 : w2;
      pass.codelet(
        pass.ido,
        pass.l1,
        cur,
        curOff,
        out,
        outOff,
        sign < 0 ? pass.twForward : pass.twBackward,
        sign,
        pass.generic,
      );
      cur = out;
      curOff = outOff;
    }
    if (!dstDirect) copyOut(w1, 0, dst, dstOff, dstStride, n, scale);
    else if (scale !== 1) {
      const d = dst as Float64Array;
      for (let j = dstOff, e = dstOff + 2 * n; j < e; j++) d[j] *= scale;
    }
  }
}

function makeGeneric(r: number): GenericRadix {
  return { radix: r, roots: unitRoots(r), scratch: new Float64Array(4 * r) };
}

/** n complex values from src (offset and stride in doubles) into buf from bufOff on. */
export function copyIn(
  src: Floats,
  off: number,
  stride: number,
  buf: Float64Array,
  bufOff: number,
  n: number,
): void {
  if (src instanceof Float64Array) copyIn64(src, off, stride, buf, bufOff, n);
  else copyIn32(src, off, stride, buf, bufOff, n);
}

function copyIn64(
  src: Float64Array,
  off: number,
  stride: number,
  buf: Float64Array,
  bufOff: number,
  n: number,
): void {
  for (let j = bufOff, e = bufOff + 2 * n, s = off; j < e; j += 2, s += stride) {
    buf[j] = src[s];
    buf[j + 1] = src[s + 1];
  }
}

function copyIn32(
  src: Float32Array,
  off: number,
  stride: number,
  buf: Float64Array,
  bufOff: number,
  n: number,
): void {
  for (let j = bufOff, e = bufOff + 2 * n, s = off; j < e; j += 2, s += stride) {
    buf[j] = src[s];
    buf[j + 1] = src[s + 1];
  }
}

/** n complex values of buf from bufOff on, times scale, into dst (offset and stride in doubles). */
export function copyOut(
  buf: Float64Array,
  bufOff: number,
  dst: Floats,
  off: number,
  stride: number,
  n: number,
  scale: number,
): void {
  if (dst instanceof Float64Array) copyOut64(buf, bufOff, dst, off, stride, n, scale);
  else copyOut32(buf, bufOff, dst, off, stride, n, scale);
}

function copyOut64(
  buf: Float64Array,
  bufOff: number,
  dst: Float64Array,
  off: number,
  stride: number,
  n: number,
  scale: number,
): void {
  for (let j = bufOff, e = bufOff + 2 * n, d = off; j < e; j += 2, d += stride) {
    dst[d] = buf[j] * scale;
    dst[d + 1] = buf[j + 1] * scale;
  }
}

function copyOut32(
  buf: Float64Array,
  bufOff: number,
  dst: Float32Array,
  off: number,
  stride: number,
  n: number,
  scale: number,
): void {
  for (let j = bufOff, e = bufOff + 2 * n, d = off; j < e; j += 2, d += stride) {
    dst[d] = buf[j] * scale;
    dst[d + 1] = buf[j + 1] * scale;
  }
}

export { chooseAlgorithm };

/**
 * Least-recently-used cache of plans with a memory budget: plans hold O(n) tables and scratch,
 * so caching every length ever used (a sweep over 1..8192 makes ~8000 plans) would hold
 * gigabytes. The most recent entries are kept while their estimated size stays within
 * `maxBytes`, and always at least `minEntries` of them.
 */
export class PlanCache<T> {
  private readonly map = new Map<string | number, { value: T; bytes: number }>();
  private total = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly minEntries: number,
  ) {}

  get(key: string | number, make: () => T, bytes: number): T {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit.value;
    }
    const value = make();
    this.map.set(key, { value, bytes });
    this.total += bytes;
    for (const [k, e] of this.map) {
      if (this.total <= this.maxBytes || this.map.size <= this.minEntries) break;
      this.map.delete(k);
      this.total -= e.bytes;
    }
    return value;
  }
}

/** Rough bytes held by a core of length n (tables of both directions, scratch, Bluestein's). */
function coreBytes(n: number): number {
  return 96 * n + 1024;
}

const cores = new PlanCache<ComplexCore>(256 << 20, 16);

/** The shared float64 core of length n (cached). */
export function complexCore(n: number): ComplexCore {
  return cores.get(n, () => makeCore(n), coreBytes(n));
}

function makeCore(n: number): ComplexCore {
  const algorithm = chooseAlgorithm(n);
  if (algorithm === "mixed-radix") return new MixedRadixCore(n);
  // The inner lengths are 11-smooth, so their (shared, cached) cores are mixed radix.
  const inner = complexCore(algorithm === "rader" ? n - 1 : goodSize(2 * n - 1));
  if (!(inner instanceof MixedRadixCore)) throw new Error("fft: inner core must be mixed radix");
  return algorithm === "rader" ? new RaderCore(n, inner) : new BluesteinCore(n, inner);
}

class Plan implements ComplexPlan {
  readonly algorithm: string;
  constructor(
    readonly n: number,
    readonly precision: Precision,
    private readonly core: ComplexCore,
  ) {
    this.algorithm = core.algorithm;
  }
  execute(
    src: Floats,
    srcOffset: number,
    srcStride: number,
    dst: Floats,
    dstOffset: number,
    dstStride: number,
    direction: Direction,
    scale: number,
  ): void {
    this.core.run(
      src,
      2 * srcOffset,
      2 * srcStride,
      dst,
      2 * dstOffset,
      2 * dstStride,
      direction,
      scale,
    );
  }
}

const cache = new PlanCache<ComplexPlan>(256 << 20, 16);

/** The (cached, immutable) complex plan for length n (a positive integer). */
export function complexPlan(n: number, precision: Precision = "float64"): ComplexPlan {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`complexPlan: length must be a positive integer, got ${n}`);
  }
  return cache.get(`${n}:${precision}`, () => new Plan(n, precision, complexCore(n)), coreBytes(n));
}
