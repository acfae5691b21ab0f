/**
 * The float32 Adam kernels (adam.ts) as WebAssembly loops over resident arrays (arrays the CPU
 * backend keeps in the memory of its SIMD kernels: @modewise/tensor/cpu-kernels). The same
 * float64 arithmetic in the same order as the JavaScript loops, each element loaded as float32,
 * promoted exactly, rounded once when stored (f32.demote_f64 and a Float32Array store both round
 * to nearest even; WebAssembly never fuses a multiply-add), so the results are the same bits.
 * JavaScript float32 loops pay a conversion and a bounds check per access (~5 ns an element in
 * a training step here); these run two elements at a time (f64x2) at about 1 ns, the step's
 * square root and divisions setting the pace (~3 ns a pair). Large tensors are split into
 * units that the gemm threads share (module jobs): every element gets the same operations on
 * any thread. Where an operand is not resident (or WebAssembly memory cannot be shared) the
 * JavaScript loops run.
 */
import {
  allocResident,
  instantiateThreadModule,
  onRuntimeStart,
  residentAddress,
  runModuleJob,
} from "@modewise/tensor/cpu-kernels";
import {
  ALIGN_4,
  assembleModule,
  BLOCK_VOID,
  F64,
  FunctionBody,
  I32,
  memOp,
  memorySpec,
  Op,
  Simd,
  V128,
} from "@modewise/tensor/wasm";

/** A moment kernel: byte addresses of x, d, the previous moment and the output, n, hasPrev, then beta, c = 1 - beta, sign, l2. */
type MomentKernel = (
  x: number,
  d: number,
  prev: number,
  out: number,
  n: number,
  hasPrev: number,
  beta: number,
  c: number,
  sign: number,
  l2: number,
) => void;

/** Byte addresses, then n, then the float64 constants of each kernel. */
export interface AdamWasmKernels {
  /** m = beta prev + c (sign d + l2 x), or c (sign d + l2 x) without prev (prev ignored). */
  first: MomentKernel;
  /** v = (beta prev or 0) + c dj dj with dj = sign d + l2 x. */
  second: MomentKernel;
  /** y = x decay - (stepSize m) / (sqrt(v) / bc2 + eps). */
  step(
    x: number,
    m: number,
    v: number,
    out: number,
    n: number,
    decay: number,
    stepSize: number,
    bc2: number,
    eps: number,
  ): void;
}

/**
 * One kernel's element loop, for `lanes` elements per iteration: 1 (float64 scalars) or 2
 * (f64x2: two float32 promoted exactly, the same float64 operations lane by lane, demoted and
 * stored as a pair). The operations are those of the JavaScript loops in either case, so the
 * bits are the same; pairs run about twice the scalar rate (the square root and divisions of
 * the step, the conversions of the moments set the pace).
 */
class Lanes {
  /** The float64 constants (params 6 .. 9), splatted into v128 locals for pairs. */
  private readonly constants: number[];
  constructor(
    private readonly b: FunctionBody,
    readonly lanes: 1 | 2,
    params: readonly number[],
  ) {
    this.constants = params.map((p) => {
      if (lanes === 1) return p;
      const local = b.local(V128);
      b.get(p);
      b.simd(Simd.f64x2Splat);
      b.set(local);
      return local;
    });
  }
  /** The f32 element(s) at the address in local `p`, promoted to float64. */
  load(p: number): void {
    this.b.get(p);
    if (this.lanes === 1) this.b.emit(...memOp(Op.f32Load, ALIGN_4, 0), Op.f64PromoteF32);
    else {
      this.b.simd(Simd.load64Zero, 3, 0);
      this.b.simd(Simd.f64x2PromoteLowF32x4);
    }
  }
  /** Constant i (0 .. 3 of the kernel's float64 params). */
  constant(i: number): void {
    this.b.get(this.constants[i]);
  }
  zero(): void {
    if (this.lanes === 1) this.b.f64Const(0);
    else this.b.simd(Simd.const, ...new Array<number>(16).fill(0));
  }
  op(name: "add" | "sub" | "mul" | "div" | "sqrt"): void {
    const scalar = {
      add: Op.f64Add,
      sub: Op.f64Sub,
      mul: Op.f64Mul,
      div: Op.f64Div,
      sqrt: Op.f64Sqrt,
    };
    const pair = {
      add: Simd.f64x2Add,
      sub: Simd.f64x2Sub,
      mul: Simd.f64x2Mul,
      div: Simd.f64x2Div,
      sqrt: Simd.f64x2Sqrt,
    };
    if (this.lanes === 1) this.b.emit(scalar[name]);
    else this.b.simd(pair[name]);
  }
  /**
   * A loop over `count` iterations (param): pointer params 0 .. 3 advance by 4 lanes bytes;
   * `value` emits the float64 value(s) to store at the address in param 3.
   */
  loop(count: number, value: () => void): void {
    const b = this.b;
    b.get(count);
    b.i32Const(0);
    b.emit(Op.i32GtS, Op.if, BLOCK_VOID, Op.loop, BLOCK_VOID);
    b.get(3);
    value();
    if (this.lanes === 1) b.emit(Op.f32DemoteF64, ...memOp(Op.f32Store, ALIGN_4, 0));
    else {
      b.simd(Simd.f32x4DemoteF64x2Zero);
      b.simd(Simd.store64Lane, 3, 0, 0);
    }
    for (const p of [0, 1, 2, 3]) {
      b.get(p);
      b.i32Const(4 * this.lanes);
      b.emit(Op.i32Add);
      b.set(p);
    }
    b.get(count);
    b.i32Const(1);
    b.emit(Op.i32Sub);
    b.tee(count);
    b.i32Const(0);
    b.emit(Op.i32GtS, Op.brIf, 0, Op.end, Op.end);
  }
}

/**
 * Params (x, d, prev, out, n, hasPrev, beta, c, sign, l2), n counting iterations of `lanes`
 * elements; `second` squares the direction dj = sign d + l2 x:
 *   first: m = beta prev + c dj (without prev: c dj); second: v = (beta prev or 0) + c dj dj.
 */
function momentBody(second: boolean, lanes: 1 | 2): FunctionBody {
  const b = new FunctionBody(10);
  const L = new Lanes(b, lanes, [6, 7, 8, 9]);
  const dj = b.local(lanes === 1 ? F64 : V128);
  /** sign d + l2 x, on the stack. */
  const direction = () => {
    L.constant(2);
    L.load(1);
    L.op("mul");
    L.constant(3);
    L.load(0);
    L.op("mul");
    L.op("add");
  };
  const body = (withPrev: boolean) =>
    L.loop(4, () => {
      if (withPrev) {
        L.constant(0);
        L.load(2);
        L.op("mul");
      } else if (second) L.zero();
      if (second) {
        direction();
        b.set(dj);
        // c dj dj, left to right as the JavaScript loop
        L.constant(1);
        b.get(dj);
        L.op("mul");
        b.get(dj);
        L.op("mul");
      } else {
        L.constant(1);
        direction();
        L.op("mul");
      }
      if (withPrev || second) L.op("add");
    });
  b.get(5);
  b.emit(Op.if, BLOCK_VOID);
  body(true);
  b.emit(Op.else);
  body(false);
  b.emit(Op.end);
  return b;
}

/** Params (x, m, v, out, n, decay, stepSize, bc2, eps): y = x decay - (stepSize m) / (sqrt(v) / bc2 + eps). */
function stepBody(lanes: 1 | 2): FunctionBody {
  const b = new FunctionBody(9);
  const L = new Lanes(b, lanes, [5, 6, 7, 8]);
  L.loop(4, () => {
    L.load(0);
    L.constant(0);
    L.op("mul");
    L.constant(1);
    L.load(1);
    L.op("mul");
    L.load(2);
    L.op("sqrt");
    L.constant(2);
    L.op("div");
    L.constant(3);
    L.op("add");
    L.op("div");
    L.op("sub");
  });
  return b;
}

/** The unit entry's argument block: int32 [kind, x, d, prev, out, n, hasPrev, per], then 4 float64. */
const ARGS_INTS = 8;
const ARGS_BYTES = 4 * ARGS_INTS + 8 * 4;
/** Kernel kinds of the argument block. */
const Kind = { first: 0, second: 1, step: 2 } as const;
/** Function indices in the module: each kernel on pairs, then its scalar loop. */
const FN = { first: 0, second: 2, step: 4, unit: 6 } as const;

/**
 * unit(u, args): elements [u per, min(n, (u + 1) per)) of the kernel `kind` (per even, so only
 * the last unit may have an odd element, which the scalar loop takes), for the gemm threads
 * (module jobs of @modewise/tensor/cpu-kernels) or this thread alone.
 */
function unitBody(): FunctionBody {
  const f = new FunctionBody(2);
  const [kind, x, d, prev, out, n, hasPrev, per] = f.i32Args(1, ARGS_INTS);
  const consts = Array.from({ length: 4 }, () => f.local(F64));
  const pairs = f.local(I32);
  consts.forEach((local, i) => {
    f.get(1);
    f.f64load(4 * ARGS_INTS + 8 * i);
    f.set(local);
  });
  // start = u per; count = min(per, n - start); pointers advanced to start
  const [start, count] = f.unitRange(0, per, n);
  for (const p of [x, d, prev, out]) {
    f.get(p);
    f.get(start);
    f.i32Const(2);
    f.emit(Op.i32Shl, Op.i32Add);
    f.set(p);
  }
  f.get(count);
  f.i32Const(1);
  f.emit(Op.i32ShrS);
  f.set(pairs);
  /** Calls function `fn` on `iterations` (a local) from byte offset `skip` (a local or 0). */
  const call = (fn: number, iterations: number | null, skip: number | null, moment: boolean) => {
    for (const p of [x, d, prev, out]) {
      f.get(p);
      if (skip !== null) {
        f.get(skip);
        f.i32Const(3);
        f.emit(Op.i32Shl, Op.i32Add);
      }
    }
    if (iterations === null) f.i32Const(1);
    else f.get(iterations);
    if (moment) f.get(hasPrev);
    for (const c of consts) f.get(c);
    f.emit(Op.call, fn);
  };
  for (const [k, fn, moment] of [
    [Kind.first, FN.first, true],
    [Kind.second, FN.second, true],
    [Kind.step, FN.step, false],
  ] as const) {
    f.get(kind);
    f.i32Const(k);
    f.emit(Op.i32Eq, Op.if, BLOCK_VOID);
    call(fn, pairs, null, moment);
    // an odd last element on the scalar loop, past the pairs
    f.get(count);
    f.i32Const(1);
    f.emit(Op.i32And, Op.if, BLOCK_VOID);
    call(fn + 1, null, pairs, moment);
    f.emit(Op.end, Op.end);
  }
  return f;
}

/** The module over the resident memory (imported as env.mem). */
function adamModuleBytes(memory: { shared: boolean; maxPages: number }): Uint8Array<ArrayBuffer> {
  const moment = [I32, I32, I32, I32, I32, I32, F64, F64, F64, F64];
  const step = [I32, I32, I32, I32, I32, F64, F64, F64, F64];
  return assembleModule({
    types: [
      { params: moment, results: [] },
      { params: step, results: [] },
      { params: [I32, I32], results: [] },
    ],
    functions: [
      { type: 0, body: momentBody(false, 2) },
      { type: 0, body: momentBody(false, 1) },
      { type: 0, body: momentBody(true, 2) },
      { type: 0, body: momentBody(true, 1) },
      { type: 1, body: stepBody(2) },
      { type: 1, body: stepBody(1) },
      { type: 2, body: unitBody() },
    ],
    ...memorySpec(memory),
    exports: [{ name: "unit", kind: "func", index: FN.unit }],
  });
}

/** Elements per unit: at least 8192 (~10 us), about 16 units per thread for large tensors. */
function perUnit(n: number): number {
  const per = Math.max(8192, Math.ceil(n / 32));
  return per + (per & 1);
}

let kernels: AdamWasmKernels | null | undefined;
let enabled = true;

/**
 * The kernels over the resident memory, or null where there is none (or they failed). Made
 * when the CPU kernels' runtime starts (onRuntimeStart), before the gemm workers do, so that
 * they instantiate it too and take units of large updates.
 */
function adamKernels(): AdamWasmKernels | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  const made = instantiateThreadModule(adamModuleBytes);
  const args = made === null ? null : allocResident(ARGS_BYTES / 4);
  if (made === null || args === null) return null; // the JavaScript loops serve
  const unit = made.exports.unit as (u: number, args: number) => void;
  const at = residentAddress(args);
  const ints = new Int32Array(args.buffer, at, ARGS_INTS);
  const floats = new Float64Array(args.buffer, at + 4 * ARGS_INTS, 4);
  const run = (
    kind: number,
    pointers: readonly [number, number, number, number],
    n: number,
    hasPrev: number,
    constants: readonly [number, number, number, number],
  ) => {
    const per = perUnit(n);
    ints.set([kind, ...pointers, n, hasPrev, per]);
    floats.set(constants);
    // Work in multiply-add equivalents: the step's square root and two divisions cost ~16
    // (the threads take tensors of ~64K elements and up: an FNO's spectral weights)
    runModuleJob(made.threadIndex, unit, Math.ceil(n / per), at, 16 * n);
  };
  kernels = {
    first: (x, d, prev, out, n, hasPrev, beta, c, sign, l2) =>
      run(Kind.first, [x, d, prev, out], n, hasPrev, [beta, c, sign, l2]),
    second: (x, d, prev, out, n, hasPrev, beta, c, sign, l2) =>
      run(Kind.second, [x, d, prev, out], n, hasPrev, [beta, c, sign, l2]),
    step: (x, m, v, out, n, decay, stepSize, bc2, eps) =>
      run(Kind.step, [x, m, v, out], n, 0, [decay, stepSize, bc2, eps]),
  };
  return kernels;
}
onRuntimeStart(() => void adamKernels());

let lastPath: "wasm" | "js" | null = null;

/** Which loops the last float32 Adam kernel ran (tests). */
export function lastAdamPath(): "wasm" | "js" | null {
  return lastPath;
}

/** Turns the WebAssembly loops off (false) or back on; returns the previous setting. */
export function setAdamWasm(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * The kernels and the byte addresses of `arrays` (null entries stand for absent operands, address
 * 0), where all of them are resident float32 arrays; else null (the caller runs its loops).
 */
export function adamOperands(
  arrays: readonly (ArrayLike<number> | null)[],
): { k: AdamWasmKernels; at: number[] } | null {
  const at: number[] = [];
  for (const a of arrays) {
    if (a === null) {
      at.push(0);
      continue;
    }
    const address = a instanceof Float32Array ? residentAddress(a) : -1;
    if (address < 0) {
      lastPath = "js";
      return null;
    }
    at.push(address);
  }
  const k = enabled ? adamKernels() : null;
  lastPath = k === null ? "js" : "wasm";
  return k === null ? null : { k, at };
}
