/**
 * The float32 Adam kernels (adam.ts) as WebAssembly loops over resident arrays (arrays the CPU
 * backend keeps in the memory of its SIMD kernels: @modewise/tensor/cpu-kernels). The same
 * float64 arithmetic in the same order as the JavaScript loops, each element loaded as float32,
 * promoted exactly, rounded once when stored (f32.demote_f64 and a Float32Array store both round
 * to nearest even; WebAssembly never fuses a multiply-add), so the results are the same bits.
 * JavaScript float32 loops pay a conversion and a bounds check per access (~5 ns an element in
 * a training step here); these run at about 1 ns. Where an operand is not resident (or
 * WebAssembly memory cannot be shared) the JavaScript loops run.
 */
import {
  instantiateOnResidentMemory,
  residentAddress,
  residentMemoryImport,
} from "@modewise/tensor/cpu-kernels";
import {
  ALIGN_4,
  assembleModule,
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

/** Emits: load the f32 at the address in local `p`, promoted to f64. */
function loadF64(b: FunctionBody, p: number): void {
  b.get(p);
  b.emit(...memOp(Op.f32Load, ALIGN_4, 0), Op.f64PromoteF32);
}

/**
 * A loop over n elements: `pointers` (locals holding byte addresses) advance by 4 per element;
 * `value` emits the f64 to store at the address in local `out`.
 */
function loop(
  b: FunctionBody,
  n: number,
  out: number,
  pointers: number[],
  value: () => void,
): void {
  b.get(n);
  b.i32Const(0);
  b.emit(Op.i32GtS, Op.if, 0x40, Op.loop, 0x40);
  b.get(out);
  value();
  b.emit(Op.f32DemoteF64, ...memOp(Op.f32Store, ALIGN_4, 0));
  for (const p of pointers) {
    b.get(p);
    b.i32Const(4);
    b.emit(Op.i32Add);
    b.set(p);
  }
  b.get(n);
  b.i32Const(1);
  b.emit(Op.i32Sub);
  b.tee(n);
  b.i32Const(0);
  b.emit(Op.i32GtS, Op.brIf, 0, Op.end, Op.end);
}

/** sign d + l2 x, on the stack. Params: x 0, d 1, sign 8, l2 9. */
function direction(b: FunctionBody): void {
  b.get(8);
  loadF64(b, 1);
  b.emit(Op.f64Mul);
  b.get(9);
  loadF64(b, 0);
  b.emit(Op.f64Mul, Op.f64Add);
}

/** Params (x, d, prev, out, n, hasPrev, beta, c, sign, l2); `second` squares the direction. */
function momentBody(second: boolean): FunctionBody {
  const b = new FunctionBody(10);
  const dj = b.local(F64);
  const body = (withPrev: boolean) =>
    loop(b, 4, 3, [0, 1, 2, 3], () => {
      if (withPrev) {
        b.get(6);
        loadF64(b, 2);
        b.emit(Op.f64Mul);
      } else if (second) b.f64Const(0);
      if (second) {
        direction(b);
        b.set(dj);
        // c dj dj, left to right as the JavaScript loop
        b.get(7);
        b.get(dj);
        b.emit(Op.f64Mul);
        b.get(dj);
        b.emit(Op.f64Mul);
      } else {
        b.get(7);
        direction(b);
        b.emit(Op.f64Mul);
      }
      if (withPrev || second) b.emit(Op.f64Add);
    });
  b.get(5);
  b.emit(Op.if, 0x40);
  body(true);
  b.emit(Op.else);
  body(false);
  b.emit(Op.end);
  return b;
}

/** Params (x, m, v, out, n, decay, stepSize, bc2, eps). */
function stepBody(): FunctionBody {
  const b = new FunctionBody(9);
  loop(b, 4, 3, [0, 1, 2, 3], () => {
    loadF64(b, 0);
    b.get(5);
    b.emit(Op.f64Mul);
    b.get(6);
    loadF64(b, 1);
    b.emit(Op.f64Mul);
    loadF64(b, 2);
    b.emit(Op.f64Sqrt);
    b.get(7);
    b.emit(Op.f64Div);
    b.get(8);
    b.emit(Op.f64Add, Op.f64Div, Op.f64Sub);
  });
  return b;
}

/**
 * The parameter step on pairs of elements (f64x2: two float32 promoted exactly, the same float64
 * operations lane by lane, sqrt and division correctly rounded as the scalar ones, demoted to
 * float32): twice the scalar loop's rate, whose square root and two divisions per element set
 * its pace. Params (x, m, v, out, pairs, decay, stepSize, bc2, eps); the caller runs an odd last
 * element on the scalar loop.
 */
function stepPairsBody(): FunctionBody {
  const b = new FunctionBody(9);
  const [decay, stepSize, bc2, eps] = [b.local(V128), b.local(V128), b.local(V128), b.local(V128)];
  for (const [from, to] of [
    [5, decay],
    [6, stepSize],
    [7, bc2],
    [8, eps],
  ] as const) {
    b.get(from);
    b.simd(Simd.f64x2Splat);
    b.set(to);
  }
  const load = (p: number) => {
    b.get(p);
    b.simd(Simd.load64Zero, 3, 0);
    b.simd(Simd.f64x2PromoteLowF32x4);
  };
  b.get(4);
  b.i32Const(0);
  b.emit(Op.i32GtS, Op.if, 0x40, Op.loop, 0x40);
  b.get(3);
  // x decay - (stepSize m) / (sqrt(v) / bc2 + eps)
  load(0);
  b.get(decay);
  b.simd(Simd.f64x2Mul);
  b.get(stepSize);
  load(1);
  b.simd(Simd.f64x2Mul);
  load(2);
  b.simd(Simd.f64x2Sqrt);
  b.get(bc2);
  b.simd(Simd.f64x2Div);
  b.get(eps);
  b.simd(Simd.f64x2Add);
  b.simd(Simd.f64x2Div);
  b.simd(Simd.f64x2Sub);
  b.simd(Simd.f32x4DemoteF64x2Zero);
  b.simd(Simd.store64Lane, 3, 0, 0);
  for (const p of [0, 1, 2, 3]) {
    b.get(p);
    b.i32Const(8);
    b.emit(Op.i32Add);
    b.set(p);
  }
  b.get(4);
  b.i32Const(1);
  b.emit(Op.i32Sub);
  b.tee(4);
  b.i32Const(0);
  b.emit(Op.i32GtS, Op.brIf, 0, Op.end, Op.end);
  return b;
}

let kernels: AdamWasmKernels | null | undefined;
let enabled = true;

/** The kernels over the resident memory, or null where there is none (or they failed). */
function adamKernels(): AdamWasmKernels | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  const memory = residentMemoryImport();
  if (memory === null) return null;
  try {
    const moment = [I32, I32, I32, I32, I32, I32, F64, F64, F64, F64];
    const bytes = assembleModule({
      types: [
        { params: moment, results: [] },
        { params: [I32, I32, I32, I32, I32, F64, F64, F64, F64], results: [] },
      ],
      functions: [
        { type: 0, body: momentBody(false) },
        { type: 0, body: momentBody(true) },
        { type: 1, body: stepBody() },
        { type: 1, body: stepPairsBody() },
      ],
      ...memorySpec(memory),
      exports: [
        { name: "first", kind: "func", index: 0 },
        { name: "second", kind: "func", index: 1 },
        { name: "stepScalar", kind: "func", index: 2 },
        { name: "stepPairs", kind: "func", index: 3 },
      ],
    });
    const instance = instantiateOnResidentMemory(new WebAssembly.Module(bytes));
    if (instance !== null) {
      const e = instance.exports as unknown as Omit<AdamWasmKernels, "step"> & {
        stepScalar: AdamWasmKernels["step"];
        stepPairs: AdamWasmKernels["step"];
      };
      kernels = {
        first: e.first,
        second: e.second,
        // pairs on f64x2, an odd last element on the scalar loop: the same bits either way
        step: (x, m, v, out, n, decay, stepSize, bc2, eps) => {
          const pairs = n >> 1;
          e.stepPairs(x, m, v, out, pairs, decay, stepSize, bc2, eps);
          if (n & 1) {
            const o = 8 * pairs;
            e.stepScalar(x + o, m + o, v + o, out + o, 1, decay, stepSize, bc2, eps);
          }
        },
      };
    }
  } catch {
    kernels = null; // the JavaScript loops serve
  }
  return kernels;
}

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
