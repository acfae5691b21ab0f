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

import {
  ALIGN_16,
  assembleModule,
  BLOCK_VOID,
  FunctionBody,
  I32,
  i32Const,
  instantiateSync,
  localGet,
  localSet,
  Op,
  Simd,
  simdMemOp,
} from "@modewise/tensor/wasm";
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
    const inst = instantiateSync(transposerBytes());
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
  const get = localGet;
  const set = localSet;
  const add = (x: number, y: number) => [...get(x), ...get(y), Op.i32Add, ...set(x)]; // x += y
  const dec = (x: number) => [...get(x), ...i32Const(1), Op.i32Sub, ...set(x)]; // x -= 1
  const blockLoop = [Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID];
  const exitIfZero = (x: number) => [...get(x), Op.i32Eqz, Op.brIf, 1]; // br_if 1 (x == 0)
  const again = [Op.br, 0, Op.end, Op.end]; // br 0, end loop, end block
  const v128Load = simdMemOp(Simd.load, ALIGN_16, 0);
  const v128Store = simdMemOp(Simd.store, ALIGN_16, 0);
  // params: 0 src, 1 srs, 2 scs, 3 dst, 4 drs, 5 dcs, 6 rows, 7 cols; locals: 8 c, 9 sp, 10 dp
  const f = new FunctionBody(8);
  f.locals(I32, 3);
  const code = [
    blockLoop, // rows
    exitIfZero(6),
    [...get(0), ...set(9), ...get(3), ...set(10), ...get(7), ...set(8)],
    blockLoop, // cols
    exitIfZero(8),
    [...get(10), ...get(9), ...v128Load, ...v128Store], // *dp = *sp (v128)
    add(9, 2),
    add(10, 5),
    dec(8),
    again,
    add(0, 1),
    add(3, 4),
    dec(6),
    again,
  ].flat(); // the function's own `end` comes from FunctionBody
  f.emit(...code);
  return assembleModule({
    types: [{ params: new Array<number>(8).fill(I32), results: [] }], // (8 x i32) -> ()
    functions: [{ type: 0, body: f }],
    memory: { minPages: 1 },
    exports: [
      { name: "copy", kind: "func", index: 0 },
      { name: "mem", kind: "memory", index: 0 },
    ],
  });
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
