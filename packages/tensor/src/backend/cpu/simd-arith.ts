/**
 * float32 add / sub / mul / div on the WebAssembly SIMD module (simd-arith-module.ts) for the CPU
 * backend's binary kernel: whole arrays, an array and a scalar, and rows against one scalar per
 * row (a bias [C, 1] against [N, C, L]). Operands pass through the module's memory in chunks of
 * CHUNK floats (copy in, kernel, copy out: the chunk stays in cache, nothing allocates), or,
 * where they are resident in the sgemm memory (resident.ts), in place in one call. Same
 * values as the JavaScript loops (see the module; NaN payloads aside). Where WebAssembly SIMD is missing the callers
 * keep their loops: every function returns false and writes nothing.
 */
import { instantiateSync } from "../../wasm/assembler.js";
import {
  instantiateOnResidentMemory,
  noteInPlace,
  residentAddress,
  residentBlockAddress,
  residentMemoryImport,
} from "./resident.js";
import { ARITH_FUNCTIONS, type ArithOp, arithModuleBytes } from "./simd-arith-module.js";

export type { ArithOp } from "./simd-arith-module.js";

/** Below this many elements the JavaScript loop is as fast as the copies and the calls. */
export const ARITH_SIMD_MIN_ELEMENTS = 1024;
/** Floats per chunk: three buffers (a, b, out) of 32 KiB in the module's two pages. */
const CHUNK = 8192;
const A_AT = 0;
const B_AT = CHUNK;
const OUT_AT = 2 * CHUNK;
const PAGES = 2;

type VV = (a: number, b: number, out: number, vectors: number) => void;
type VS = (a: number, s: number, out: number, vectors: number) => void;

interface ArithKernels {
  readonly vv: Record<ArithOp, VV>;
  /** a op s */
  readonly vs: Record<ArithOp, VS>;
  /** s op a (add and mul: the commuted VS) */
  readonly sv: Record<ArithOp, VS>;
}

interface ArithRuntime extends ArithKernels {
  readonly heap: Float32Array;
}

let runtime: ArithRuntime | null | undefined;
/** The kernels over the sgemm memory (for resident arrays), once some array is resident. */
let inPlaceKernels: ArithKernels | null | undefined;
let enabled = true;
let lastPath: "simd" | "scalar" | null = null;

/** The path the last float32 add / sub / mul / div of at least 1024 elements took. */
export function lastArithPath(): "simd" | "scalar" | null {
  return lastPath;
}

/**
 * Records that a float32 add / sub / mul / div of at least ARITH_SIMD_MIN_ELEMENTS took the
 * JavaScript loops (a broadcast none of the forms covers, or SIMD off).
 */
export function noteArithScalar(n: number): void {
  if (n >= ARITH_SIMD_MIN_ELEMENTS) lastPath = "scalar";
}

/** The exported functions sorted by operand form. */
function kernelsOf(exports: Record<string, unknown>): ArithKernels {
  const pick = (form: string) =>
    Object.fromEntries(
      ARITH_FUNCTIONS.filter((f) => f.form === form).map((f) => [f.op, exports[f.name]]),
    );
  const vs = pick("VS") as Record<ArithOp, VS>;
  return {
    vv: pick("VV") as Record<ArithOp, VV>,
    vs,
    sv: { ...vs, ...(pick("SV") as Partial<Record<ArithOp, VS>>) },
  };
}

function arithRuntime(): ArithRuntime | null {
  if (runtime === undefined) {
    try {
      const exports = instantiateSync(arithModuleBytes(PAGES)).exports as unknown as Record<
        string,
        unknown
      > & { memory: WebAssembly.Memory };
      runtime = { heap: new Float32Array(exports.memory.buffer), ...kernelsOf(exports) };
    } catch {
      runtime = null;
    }
  }
  return runtime;
}

/** The kernels over the resident memory; only asked for once an operand is resident. */
function sgemmMemoryKernels(): ArithKernels | null {
  if (inPlaceKernels === undefined) {
    inPlaceKernels = null;
    const memory = residentMemoryImport();
    if (memory !== null)
      try {
        const module = new WebAssembly.Module(arithModuleBytes(0, memory));
        const instance = instantiateOnResidentMemory(module);
        if (instance !== null)
          inPlaceKernels = kernelsOf(instance.exports as unknown as Record<string, unknown>);
      } catch {
        inPlaceKernels = null; // the chunked path serves
      }
  }
  return inPlaceKernels;
}

/**
 * Addresses of an in-place call: the inputs resident, `out` a whole resident block that the
 * call fills to its end (the kernels write whole vector pairs: up to 7 floats past n, into the
 * block's slack). Null where the call must take the chunked path.
 */
function inPlaceOperands(
  a: Float32Array,
  ia: number,
  b: Float32Array | null,
  ib: number,
  out: Float32Array,
  end: number,
): { kernels: ArithKernels; aAt: number; bAt: number; outAt: number } | null {
  const outAt = end === out.length ? residentBlockAddress(out) : -1;
  if (outAt < 0) return null;
  const aAt = residentAddress(a, ia);
  const bAt = b === null ? 0 : residentAddress(b, ib);
  if (aAt < 0 || bAt < 0) return null;
  const kernels = sgemmMemoryKernels();
  if (kernels === null) return null;
  noteInPlace("arith");
  return { kernels, aAt, bAt, outAt };
}

/** Turns the SIMD arithmetic off (false) or back on (tests compare the paths); returns the previous setting. */
export function setArithSimd(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Whether the SIMD arithmetic is available and enabled. */
export function arithSimdAvailable(): boolean {
  return enabled && arithRuntime() !== null;
}

function usable(n: number): ArithRuntime | null {
  const rt = enabled && n >= ARITH_SIMD_MIN_ELEMENTS ? arithRuntime() : null;
  if (rt) lastPath = "simd";
  return rt;
}

/** Even vector count covering m floats (the kernels run two vectors per iteration). */
function vectors(m: number): number {
  return 2 * Math.ceil(m / 8);
}

/** out[o..o+n) = a[ia..ia+n) op b[ib..ib+n). */
export function arithF32(
  op: ArithOp,
  a: Float32Array,
  ia: number,
  b: Float32Array,
  ib: number,
  out: Float32Array,
  o: number,
  n: number,
): boolean {
  const rt = usable(n);
  if (!rt) return false;
  const here = inPlaceOperands(a, ia, b, ib, out, o + n);
  if (here !== null) {
    here.kernels.vv[op](here.aAt, here.bAt, here.outAt + 4 * o, vectors(n));
    return true;
  }
  const f = rt.vv[op];
  overChunks(rt.heap, a, ia, b, ib, out, o, n, (v) => f(4 * A_AT, 4 * B_AT, 4 * OUT_AT, v));
  return true;
}

/** out[o..o+n) = a[ia..ia+n) op s, or s op a[...] when `scalarFirst`. */
export function arithScalarF32(
  op: ArithOp,
  a: Float32Array,
  ia: number,
  s: number,
  scalarFirst: boolean,
  out: Float32Array,
  o: number,
  n: number,
): boolean {
  const rt = usable(n);
  if (!rt) return false;
  const here = inPlaceOperands(a, ia, null, 0, out, o + n);
  if (here !== null) {
    const k = scalarFirst ? here.kernels.sv[op] : here.kernels.vs[op];
    k(here.aAt, s, here.outAt + 4 * o, vectors(n));
    return true;
  }
  const f = scalarFirst ? rt.sv[op] : rt.vs[op];
  overChunks(rt.heap, a, ia, null, 0, out, o, n, (v) => f(4 * A_AT, s, 4 * OUT_AT, v));
  return true;
}

/**
 * n elements in chunks: a (and b) copied into the module's memory, `kernel(vectors)` run on
 * the chunk, the result copied to out.
 */
function overChunks(
  heap: Float32Array,
  a: Float32Array,
  ia: number,
  b: Float32Array | null,
  ib: number,
  out: Float32Array,
  o: number,
  n: number,
  kernel: (vectors: number) => void,
): void {
  for (let at = 0; at < n; at += CHUNK) {
    const m = Math.min(CHUNK, n - at);
    heap.set(a.subarray(ia + at, ia + at + m), A_AT);
    if (b) heap.set(b.subarray(ib + at, ib + at + m), B_AT);
    kernel(vectors(m));
    out.set(heap.subarray(OUT_AT, OUT_AT + m), o + at);
  }
}

/**
 * Rows against one scalar each: for q < rows, out[q n + j] = a[ia + q n + j] op s[offS[q]] (or
 * s op a when `scalarFirst`), rows of `a` and `out` consecutive. Rows are moved in blocks of
 * whole rows (one copy each way per block, one kernel call per row).
 */
export function arithRowScalarsF32(
  op: ArithOp,
  a: Float32Array,
  ia: number,
  s: Float32Array,
  offS: Int32Array,
  scalarFirst: boolean,
  out: Float32Array,
  rows: number,
  n: number,
): boolean {
  const rt = usable(rows * n);
  // rows shorter than two vectors: a call per row costs more than the loop it replaces
  if (!rt || n < 8) return false;
  // A row's call computes whole vector pairs: past the row's end it writes into the next
  // row's output, which that row's call (made after) overwrites; the last row's excess stays
  // inside the memory (the chunk buffer, or a resident block's slack) and is not copied out.
  // Rows of n % 4 != 0 start unaligned, which WebAssembly allows (the alignment in v128.load
  // is a hint).
  const v = vectors(n);
  const here = inPlaceOperands(a, ia, null, 0, out, rows * n);
  if (here !== null) {
    const k = scalarFirst ? here.kernels.sv[op] : here.kernels.vs[op];
    for (let q = 0; q < rows; q++)
      k(here.aAt + 4 * q * n, s[offS[q]] as number, here.outAt + 4 * q * n, v);
    return true;
  }
  if (n > CHUNK) return false;
  const { heap } = rt;
  const f = scalarFirst ? rt.sv[op] : rt.vs[op];
  const per = Math.floor(CHUNK / n);
  for (let q0 = 0; q0 < rows; q0 += per) {
    const k = Math.min(per, rows - q0);
    heap.set(a.subarray(ia + q0 * n, ia + (q0 + k) * n), A_AT);
    for (let q = 0; q < k; q++) f(4 * (A_AT + q * n), s[offS[q0 + q]], 4 * (OUT_AT + q * n), v);
    out.set(heap.subarray(OUT_AT, OUT_AT + k * n), q0 * n);
  }
  return true;
}
