/**
 * Line kernels: one 1-D transform of a fixed length, kind and precision, with its own scratch,
 * built once and cached by (kind, length, dtype). The n-D driver (nd.ts) gathers a line of the
 * input into `input`, calls `run`, and scatters `output`. Complex buffers are interleaved.
 *
 *   c2c  n complex      -> n complex        (the engine's ComplexPlan)
 *   r2c  n real         -> n/2 + 1 complex  (the engine's RealPlan.forward)
 *   c2r  n/2 + 1 complex -> n real          (RealPlan.backward; Im of DC and Nyquist ignored)
 *   r2r  n real         -> n real           (DCT/DST, r2r.ts)
 *
 * The plans come from the 1-D engine (complexPlan / realPlan), which caches them too; a kernel
 * adds only the scratch the driver needs.
 */

import { wasmKernels } from "./codelets/wasm.js";
import { allocate } from "./layout.js";
import { complexPlan } from "./plan.js";
import type { ComplexPlan, Floats, RealPlan } from "./plan-types.js";
import { realPlan } from "./real.js";
import type { DType } from "./types.js";

export interface LineKernel {
  /** Samples the transform reads (the source line is zero-padded or truncated to this). */
  readonly inLen: number;
  /** Samples it writes. */
  readonly outLen: number;
  readonly inComplex: boolean;
  readonly outComplex: boolean;
  /** Gather buffer (interleaved when inComplex). */
  readonly input: Floats;
  /** Result buffer (may be `input` itself). */
  readonly output: Floats;
}

export class C2C implements LineKernel {
  readonly inComplex = true;
  readonly outComplex = true;
  readonly input: Floats;
  readonly output: Floats;
  readonly inLen: number;
  readonly outLen: number;
  readonly plan: ComplexPlan;
  constructor(
    readonly n: number,
    readonly dtype: DType,
  ) {
    this.inLen = this.outLen = n;
    this.input = this.output = allocate(dtype, 2 * n);
    this.plan = complexPlan(n, dtype);
  }
  /** direction -1 forward (exp(-i...)), +1 backward. */
  run(direction: -1 | 1, scale: number): void {
    this.plan.execute(this.input, 0, 1, this.output, 0, 1, direction, scale);
  }
}

export class R2C implements LineKernel {
  readonly inComplex = false;
  readonly outComplex = true;
  readonly input: Floats;
  readonly output: Floats;
  readonly inLen: number;
  readonly outLen: number;
  constructor(
    readonly n: number,
    readonly dtype: DType,
  ) {
    this.inLen = n;
    this.outLen = (n >> 1) + 1;
    this.input = allocate(dtype, n);
    this.output = allocate(dtype, 2 * this.outLen);
    this.plan = realPlan(n, dtype);
  }
  readonly plan: RealPlan;
  run(scale: number): void {
    this.plan.forward(this.input, 0, 1, this.output, 0, 1, scale);
  }
}

export class C2R implements LineKernel {
  readonly inComplex = true;
  readonly outComplex = false;
  readonly input: Floats;
  readonly output: Floats;
  readonly inLen: number;
  readonly outLen: number;
  constructor(
    readonly n: number,
    readonly dtype: DType,
  ) {
    this.inLen = (n >> 1) + 1;
    this.outLen = n;
    this.input = allocate(dtype, 2 * this.inLen);
    this.output = allocate(dtype, n);
    this.plan = realPlan(n, dtype);
  }
  readonly plan: RealPlan;
  run(scale: number): void {
    this.plan.backward(this.input, 0, 1, this.output, 0, 1, scale);
  }
}

const cache = new Map<string, LineKernel>();

/** The cached kernel of a kind for (n, dtype); `make` builds it on first use. */
export function cachedKernel<K extends LineKernel>(
  kind: string,
  n: number,
  dtype: DType,
  make: () => K,
): K {
  const key = `${kind}:${n}:${dtype}`;
  let k = cache.get(key);
  if (!k) {
    k = make();
    cache.set(key, k);
  }
  return k as K;
}

export const c2cKernel = (n: number, dtype: DType): C2C =>
  cachedKernel("c2c", n, dtype, () => new C2C(n, dtype));
export const r2cKernel = (n: number, dtype: DType): R2C =>
  cachedKernel("r2c", n, dtype, () => new R2C(n, dtype));
export const c2rKernel = (n: number, dtype: DType): C2R =>
  cachedKernel("c2r", n, dtype, () => new C2R(n, dtype));

// ---- block transposer (WebAssembly SIMD) ------------------------------------------------------

/**
 * A small WebAssembly module with its own memory, used by the n-D driver as a work area: the
 * whole array being transformed lives there (`work`) while its strided axes are transformed in
 * blocks of columns that `copy` transposes into a contiguous scratch (and back), so every 1-D
 * transform the engine runs is on contiguous data (its strided path copies element by element
 * in JavaScript, ~2.5x the cost of a contiguous transform).
 *
 * copy(src, srs, scs, dst, drs, dcs, rows, cols): for r < rows, c < cols, the 16-byte element
 * at src + r srs + c scs goes to dst + r drs + c dcs (byte addresses and strides), one v128 per
 * complex float64.
 */
export class Transposer {
  private readonly memory: WebAssembly.Memory;
  private readonly fn: (...a: number[]) => void;
  private view: Float64Array;
  constructor() {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(transposerBytes()), {});
    this.memory = inst.exports.mem as WebAssembly.Memory;
    this.fn = inst.exports.copy as (...a: number[]) => void;
    this.view = new Float64Array(this.memory.buffer);
  }
  /** A float64 view of the whole memory, grown to at least `doubles` doubles. */
  f64(doubles: number): Float64Array {
    const bytes = doubles * 8;
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
    if (this.view.buffer !== this.memory.buffer || this.view.length * 8 < bytes)
      this.view = new Float64Array(this.memory.buffer);
    return this.view;
  }
  copy(
    src: number,
    srs: number,
    scs: number,
    dst: number,
    drs: number,
    dcs: number,
    rows: number,
    cols: number,
  ): void {
    this.fn(src, srs, scs, dst, drs, dcs, rows, cols);
  }
}

function transposerBytes(): Uint8Array<ArrayBuffer> {
  const I32 = 0x7f;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const add = (x: number, y: number) => [...get(x), ...get(y), 0x6a, ...set(x)]; // x += y
  const dec = (x: number) => [...get(x), 0x41, 0x01, 0x6b, ...set(x)]; // x -= 1
  const blockLoop = [0x02, 0x40, 0x03, 0x40];
  const exitIfZero = (x: number) => [...get(x), 0x45, 0x0d, 0x01]; // br_if 1 (x == 0)
  const again = [0x0c, 0x00, 0x0b, 0x0b]; // br 0, end loop, end block
  // params: 0 src, 1 srs, 2 scs, 3 dst, 4 drs, 5 dcs, 6 rows, 7 cols; locals: 8 c, 9 sp, 10 dp
  const body = [
    [0x01, 0x03, I32], // 3 locals i32
    blockLoop, // rows
    exitIfZero(6),
    [...get(0), ...set(9), ...get(3), ...set(10), ...get(7), ...set(8)],
    blockLoop, // cols
    exitIfZero(8),
    [...get(10), ...get(9), 0xfd, 0x00, 0x04, 0x00, 0xfd, 0x0b, 0x04, 0x00], // *dp = *sp (v128)
    add(9, 2),
    add(10, 5),
    dec(8),
    again,
    add(0, 1),
    add(3, 4),
    dec(6),
    again,
    [0x0b], // end function
  ].flat();
  const section = (id: number, content: number[]) => [id, ...leb(content.length), ...content];
  const str = (s: string) => [s.length, ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const params = new Array<number>(8).fill(I32);
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, params.length, ...params, 0x00]), // type: (8 x i32) -> ()
    ...section(3, [0x01, 0x00]), // function 0 of type 0
    ...section(5, [0x01, 0x00, 0x01]), // memory, 1 page initially
    ...section(7, [0x02, ...str("copy"), 0x00, 0x00, ...str("mem"), 0x02, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

let transposer: Transposer | null | undefined;

/** The shared transposer, or null where WebAssembly SIMD is unavailable (or the wasm codelets are disabled). */
export function blockTransposer(): Transposer | null {
  if (wasmKernels() === null) return null;
  if (transposer === undefined) {
    try {
      transposer = new Transposer();
    } catch {
      transposer = null;
    }
  }
  return transposer;
}
