/**
 * fftLines: one 1-D complex plan applied to `count` lines of an array in ONE call.
 *
 * Why: a 1-D transform through `plan.execute` pays a fixed cost per call (argument checks, the
 * JS -> wasm calls of every pass, one copy in and one copy out), ~0.1-0.2 us, which dominates
 * short lines (64 points take ~0.2 us of arithmetic). Here the lines are copied into wasm memory
 * together and every Stockham pass runs ONCE over all of them: a pass of radix r over one line
 * loops over l1 butterfly groups whose input and output strides depend only on ido (not on k),
 * and whose twiddles depend only on the column i (codelets/wasm.ts), so `count` lines laid end
 * to end are the same pass with l1 * count groups and every output offset times `count`. The
 * price of that trick is the output order: after the last pass bin m of line j sits at
 * m * count + j, i.e. the [n, count] transpose. "transposed" output returns exactly that (what
 * the next axis of a 2-D transform wants: its lines are then contiguous); "lines" output
 * transposes it back on the way out.
 *
 * Same passes, same twiddle tables (uploaded from the plan's own core) and the same float64
 * operations in the same order as `plan.execute`, so the results are bit-identical to a loop of
 * per-line calls (batch.test.ts checks this). Where the batched engine does not apply (float32
 * plans or arrays, lengths that the engine runs in JavaScript, the "interleaved" wasm format,
 * Bluestein / Rader lengths, blocked lengths above 2^13, WebAssembly SIMD unavailable) the lines
 * go through `plan.execute` one by one: same results, no speed-up.
 */
import { DTypeError, ShapeError, show, ValueError } from "@modewise/tensor";
import type { WasmKernels, WasmPass } from "./codelets/wasm.js";
import { complexCore, MixedRadixCore } from "./plan.js";
import type { ComplexPlan, Direction, Floats } from "./plan-types.js";

export interface LinesOptions {
  /** -1: forward (exp(-i...), the default), +1: backward (exp(+i...)), unnormalized. */
  direction?: Direction;
  /** Multiplies every output value (default 1; 1 / n gives numpy's inverse). */
  scale?: number;
  /** Complex offset of line 0 in src (default 0). */
  srcOffset?: number;
  /** Complex distance between the starts of consecutive src lines (default n, at least n). */
  srcLineStride?: number;
  /** Complex offset of the output in dst (default 0). */
  dstOffset?: number;
  /**
   * "lines" (default): output line j at dstOffset + j * dstLineStride, like the input.
   * "transposed": bin m of line j at dstOffset + m * count + j (an [n, count] array), the
   * engine's natural order and the faster one.
   */
  layout?: "lines" | "transposed";
  /** Complex distance between output lines for layout "lines" (default n, at least n). */
  dstLineStride?: number;
  /**
   * Apply the transform this many times (default 1; more only with layout "transposed"), each
   * time to the previous output read as `count` contiguous lines of n. With repeat 2 and
   * count = b n this is the 2-D DFT of each of the b arrays [b, n, n] of the input (line
   * a n + i = row i of array a), output as [k_row, k_col, array]; the data stay in the
   * engine's memory in between (no copy out and back in). Needs one buffer of n * count values.
   */
  repeat?: number;
}

const FN = "fftLines";

/**
 * Transform `count` lines of plan.n complex values (interleaved re, im) of src into dst with a
 * 1-D complex plan (complexPlan(n) or planFFT's engine): line j starts at complex index
 * srcOffset + j * srcLineStride. src and dst may be the same array only for layout "lines" with
 * equal offsets and line strides (in place); other overlaps throw a ValueError. `scale`
 * applies once, to the final output.
 */
export function fftLines(
  plan: ComplexPlan,
  src: Floats,
  dst: Floats,
  count: number,
  options: LinesOptions = {},
): void {
  const a = checkArgs(plan, src, dst, count, options);
  if (count === 0) return;
  const batcher =
    plan.precision === "float64" && src instanceof Float64Array && dst instanceof Float64Array
      ? lineBatcher(plan.n)
      : null;
  if (batcher === null) {
    perLine(plan, src, dst, count, a);
    return;
  }
  batcher.run(src as Float64Array, dst as Float64Array, count, a);
}

interface Resolved {
  direction: Direction;
  scale: number;
  srcOffset: number;
  srcLineStride: number;
  dstOffset: number;
  dstLineStride: number;
  transposed: boolean;
  repeat: number;
}

function checkArgs(
  plan: ComplexPlan,
  src: Floats,
  dst: Floats,
  count: number,
  o: LinesOptions,
): Resolved {
  if (
    typeof plan !== "object" ||
    plan === null ||
    typeof plan.execute !== "function" ||
    !Number.isInteger(plan.n)
  )
    throw new ValueError(FN, "plan", "a ComplexPlan (complexPlan(n))", show(plan));
  const n = plan.n;
  for (const [name, arr] of [
    ["src", src],
    ["dst", dst],
  ] as const) {
    if (!(arr instanceof Float64Array || arr instanceof Float32Array))
      throw new DTypeError(FN, name, "a Float64Array or Float32Array", show(arr));
  }
  if (!Number.isInteger(count) || count < 0)
    throw new ValueError(FN, "count", "a non-negative integer", show(count));
  const direction = o.direction ?? -1;
  if (direction !== -1 && direction !== 1)
    throw new ValueError(FN, "options.direction", "-1 or 1", show(direction));
  const scale = o.scale ?? 1;
  if (typeof scale !== "number" || !Number.isFinite(scale))
    throw new ValueError(FN, "options.scale", "a finite number", show(scale));
  const layout = o.layout ?? "lines";
  if (layout !== "lines" && layout !== "transposed")
    throw new ValueError(FN, "options.layout", "'lines' or 'transposed'", show(layout));
  const transposed = layout === "transposed";
  const repeat = o.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1)
    throw new ValueError(FN, "options.repeat", "an integer >= 1", show(repeat));
  if (repeat > 1 && !transposed)
    throw new ValueError(FN, "options.repeat", "1 with layout 'lines'", show(repeat));
  if (repeat > 1 && o.srcLineStride !== undefined && o.srcLineStride !== n)
    throw new ValueError(
      FN,
      "options.srcLineStride",
      `${n} (contiguous lines) with repeat > 1`,
      show(o.srcLineStride),
    );
  const int = (name: string, v: number | undefined, dflt: number, min: number): number => {
    const x = v ?? dflt;
    if (!Number.isInteger(x) || x < min)
      throw new ValueError(FN, `options.${name}`, `an integer >= ${min}`, show(x));
    return x;
  };
  const srcOffset = int("srcOffset", o.srcOffset, 0, 0);
  const srcLineStride = int("srcLineStride", o.srcLineStride, n, n);
  const dstOffset = int("dstOffset", o.dstOffset, 0, 0);
  if (transposed && o.dstLineStride !== undefined)
    throw new ValueError(
      FN,
      "options.dstLineStride",
      "no value with layout 'transposed'",
      "a value",
    );
  const dstLineStride = int("dstLineStride", o.dstLineStride, n, n);
  // Complex extents [first, end) that the call reads and writes.
  const srcEnd = count === 0 ? srcOffset : srcOffset + (count - 1) * srcLineStride + n;
  const dstEnd =
    count === 0
      ? dstOffset
      : transposed
        ? dstOffset + n * count
        : dstOffset + (count - 1) * dstLineStride + n;
  if (2 * srcEnd > src.length)
    throw new ShapeError(FN, "src", `at least ${2 * srcEnd} floats`, `${src.length}`);
  if (2 * dstEnd > dst.length)
    throw new ShapeError(FN, "dst", `at least ${2 * dstEnd} floats`, `${dst.length}`);
  if (count > 0 && src.buffer === dst.buffer) {
    const sa = src.byteOffset + 16 * srcOffset * (src.BYTES_PER_ELEMENT / 8);
    const sb = src.byteOffset + 16 * srcEnd * (src.BYTES_PER_ELEMENT / 8);
    const da = dst.byteOffset + 16 * dstOffset * (dst.BYTES_PER_ELEMENT / 8);
    const db = dst.byteOffset + 16 * dstEnd * (dst.BYTES_PER_ELEMENT / 8);
    const inPlace =
      !transposed &&
      src === dst &&
      srcOffset === dstOffset &&
      (srcLineStride === dstLineStride || count === 1);
    if (sa < db && da < sb && !inPlace)
      throw new ValueError(
        FN,
        "dst",
        "no overlap with src (except in place: layout 'lines', same offset and line stride)",
        "an overlapping range",
      );
  }
  return {
    direction,
    scale,
    srcOffset,
    srcLineStride,
    dstOffset,
    dstLineStride,
    transposed,
    repeat,
  };
}

/**
 * The reference path: one plan.execute per line (any plan, precision and length); repeated
 * transforms go through a scratch array (unscaled until the last one).
 */
function perLine(plan: ComplexPlan, src: Floats, dst: Floats, count: number, a: Resolved): void {
  if (a.repeat > 1) {
    const size = 2 * plan.n * count;
    const make = (): Floats =>
      dst instanceof Float64Array ? new Float64Array(size) : new Float32Array(size);
    const scratch = [make(), a.repeat > 2 ? make() : null];
    let from = src;
    let at = a.srcOffset;
    for (let t = 0; t < a.repeat; t++) {
      const last = t === a.repeat - 1;
      const to = last ? dst : (scratch[t % 2] as Floats);
      const off = last ? a.dstOffset : 0;
      const scale = last ? a.scale : 1;
      perLine(plan, from, to, count, { ...a, srcOffset: at, dstOffset: off, scale, repeat: 1 });
      from = to;
      at = 0;
    }
    return;
  }
  for (let j = 0; j < count; j++) {
    const from = a.srcOffset + j * a.srcLineStride;
    if (a.transposed) plan.execute(src, from, 1, dst, a.dstOffset + j, count, a.direction, a.scale);
    else
      plan.execute(src, from, 1, dst, a.dstOffset + j * a.dstLineStride, 1, a.direction, a.scale);
  }
}

/**
 * Complex values per wasm data buffer of a batch (512 KiB): batches of count * n above this go
 * in chunks of whole lines, so the two buffers stay in L2 and the memory stays small.
 */
const CHUNK_VALUES = 1 << 15;

interface BatchPass {
  readonly radix: number;
  readonly ido: number;
  readonly l1: number;
  readonly fn: WasmPass;
  /** Byte offsets of the forward and backward twiddles from the core's table base. */
  readonly twForward: number;
  readonly twBackward: number;
}

/**
 * The batched engine of one length: the passes of the plan's pair-mode core, run with l1 and
 * the output offsets scaled by the number of lines. Its twiddle tables are the core's own
 * (uploaded with core.writeTables), kept resident like a plan's (see codelets/wasm.ts).
 */
class LineBatcher {
  private readonly passes: BatchPass[] = [];
  private generation = -1;
  private tablesAt = 0;
  private readonly offsets = new Int32Array(10);

  constructor(
    private readonly core: MixedRadixCore,
    private readonly k: WasmKernels,
  ) {
    const n = core.n;
    const radices = core.radices;
    let l1 = 1;
    let tw = 0;
    for (let p = 0; p < radices.length; p++) {
      const r = radices[p] as number;
      const ido = n / (l1 * r);
      const fam = k.passes;
      const fn = p === 0 ? fam.first[r] : p === radices.length - 1 ? fam.last[r] : fam.pair[r];
      if (fn === undefined) throw new Error(`fft: no pair-mode wasm pass of radix ${r}`);
      // Table layout of MixedRadixCore.writeTables in pair mode: per pass 2 ido (r - 1) doubles
      // forward, then as many backward.
      const doubles = 2 * ido * (r - 1);
      this.passes.push({ radix: r, ido, l1, fn, twForward: tw, twBackward: tw + 8 * doubles });
      tw += 16 * doubles;
      l1 *= r;
    }
    if (tw !== core.tableBytes()) throw new Error("fft: unexpected twiddle table layout");
  }

  run(src: Float64Array, dst: Float64Array, count: number, a: Resolved): void {
    const n = this.core.n;
    // repeated transforms mix all lines: one chunk
    const chunk = a.repeat > 1 ? count : Math.max(1, Math.min(count, Math.floor(CHUNK_VALUES / n)));
    const k = this.k;
    k.prepare(n * chunk, 2);
    if (this.generation !== k.generation) {
      this.tablesAt = k.allocate(this.core.tableBytes());
      this.core.writeTables(k.f64(), this.tablesAt);
      this.generation = k.generation;
    }
    for (let j0 = 0; j0 < count; j0 += chunk) {
      const c = Math.min(chunk, count - j0);
      this.load(src, a.srcOffset + j0 * a.srcLineStride, a.srcLineStride, c);
      let out = 0;
      for (let t = 0; t < a.repeat; t++) out = this.passesOver(c, a.direction, out);
      const half = k.bufferBytes;
      if (a.scale !== 1) {
        // the same product x * scale as plan.execute's copy out
        const other = half - out;
        k.scaleCopy(other, out, n * c, a.scale);
        out = other;
      }
      this.store(out / 8, dst, j0, c, count, a);
    }
  }

  /** Lines from `off` (complex), `stride` apart, into buffer 0 end to end. */
  private load(src: Float64Array, off: number, stride: number, c: number): void {
    const n = this.core.n;
    const mem = this.k.f64();
    if (stride === n) {
      mem.set(src.subarray(2 * off, 2 * (off + n * c)), 0);
      return;
    }
    for (let j = 0; j < c; j++) {
      const from = 2 * (off + j * stride);
      mem.set(src.subarray(from, from + 2 * n), 2 * j * n);
    }
  }

  /**
   * Every pass once over the c lines at byte `cur` (buffer 0 or 1); returns the byte offset of
   * the [n, c] output (the other buffer or the same one).
   */
  private passesOver(c: number, sign: Direction, start: number): number {
    const half = this.k.bufferBytes;
    const passes = this.passes;
    const last = passes.length - 1;
    const o = this.offsets;
    let cur = start;
    for (let p = 0; p <= last; p++) {
      const { radix: r, ido, l1, fn } = passes[p] as BatchPass;
      const groups = l1 * c;
      const unit = 16 * ido * groups; // bytes between the outputs q and q + 1
      for (let q = 1; q < r; q++) o[q - 1] = unit * (sign < 0 ? q : r - q);
      // the last (pair -> interleaved) pass takes the output stride (one complex) in tw's slot
      const tw =
        p === last
          ? 16
          : this.tablesAt +
            (sign < 0 ? (passes[p] as BatchPass).twForward : (passes[p] as BatchPass).twBackward);
      const out = half - cur;
      fn(ido, groups, cur, out, tw, o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9]);
      cur = out;
    }
    return cur;
  }

  /** The [n, c] output at double `at` of wasm memory (lines j0..j0+c-1) into dst. */
  private store(at: number, dst: Float64Array, j0: number, c: number, count: number, a: Resolved) {
    const n = this.core.n;
    const mem = this.k.f64();
    if (a.transposed) {
      if (c === count) {
        dst.set(mem.subarray(at, at + 2 * n * c), 2 * a.dstOffset);
        return;
      }
      for (let m = 0; m < n; m++) {
        const from = at + 2 * m * c;
        dst.set(mem.subarray(from, from + 2 * c), 2 * (a.dstOffset + m * count + j0));
      }
      return;
    }
    for (let j = 0; j < c; j++) {
      let to = 2 * (a.dstOffset + (j0 + j) * a.dstLineStride);
      let from = at + 2 * j;
      for (let m = 0; m < n; m++, to += 2, from += 2 * c) {
        dst[to] = mem[from] as number;
        dst[to + 1] = mem[from + 1] as number;
      }
    }
  }
}

const batchers = new Map<number, LineBatcher | null>();

/**
 * The batched engine for length n, or null where the plan's core does not run pair-mode wasm
 * passes unblocked (then fftLines loops over plan.execute).
 */
function lineBatcher(n: number): LineBatcher | null {
  let b = batchers.get(n);
  if (b !== undefined) return b;
  const core = complexCore(n);
  b =
    core instanceof MixedRadixCore &&
    core.kernels !== null &&
    core.mode === "pair" &&
    core.blocks === 1
      ? new LineBatcher(core, core.kernels)
      : null;
  batchers.set(n, b);
  return b;
}
