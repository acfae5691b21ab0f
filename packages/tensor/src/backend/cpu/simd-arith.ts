/**
 * float32 add / sub / mul / div on the WebAssembly SIMD module (simd-arith-module.ts) for the CPU
 * backend's binary kernel: whole arrays, an array and a scalar, and rows against one scalar per
 * row (a bias [C, 1] against [N, C, L]). Operands pass through the module's memory in chunks of
 * CHUNK floats (copy in, kernel, copy out: the chunk stays in cache, nothing allocates). Same
 * values as the JavaScript loops (see the module; NaN payloads aside). Where WebAssembly SIMD is missing the callers
 * keep their loops: every function returns false and writes nothing.
 */
import { instantiateSync } from "../../wasm/assembler.js";
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

interface ArithRuntime {
  readonly heap: Float32Array;
  readonly vv: Record<ArithOp, VV>;
  /** a op s */
  readonly vs: Record<ArithOp, VS>;
  /** s op a (add and mul: the commuted VS) */
  readonly sv: Record<ArithOp, VS>;
}

let runtime: ArithRuntime | null | undefined;
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

function arithRuntime(): ArithRuntime | null {
  if (runtime === undefined) {
    try {
      const exports = instantiateSync(arithModuleBytes(PAGES)).exports as unknown as Record<
        string,
        VV | VS
      > & { memory: WebAssembly.Memory };
      const pick = (form: string) =>
        Object.fromEntries(
          ARITH_FUNCTIONS.filter((f) => f.form === form).map((f) => [f.op, exports[f.name]]),
        );
      const vs = pick("VS") as Record<ArithOp, VS>;
      runtime = {
        heap: new Float32Array(exports.memory.buffer),
        vv: pick("VV") as Record<ArithOp, VV>,
        vs,
        sv: { ...vs, ...(pick("SV") as Partial<Record<ArithOp, VS>>) },
      };
    } catch {
      runtime = null;
    }
  }
  return runtime;
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
  if (!rt || n < 8 || n > CHUNK) return false;
  const { heap } = rt;
  const f = scalarFirst ? rt.sv[op] : rt.vs[op];
  const per = Math.floor(CHUNK / n);
  // A row's call computes whole vector pairs: past the row's end it writes into the next
  // row's output, which that row's call (made after) overwrites; the last row's excess stays
  // inside the memory and is not copied out. Rows of n % 4 != 0 start unaligned, which
  // WebAssembly allows (the alignment in v128.load is a hint).
  const v = vectors(n);
  for (let q0 = 0; q0 < rows; q0 += per) {
    const k = Math.min(per, rows - q0);
    heap.set(a.subarray(ia + q0 * n, ia + (q0 + k) * n), A_AT);
    for (let q = 0; q < k; q++) f(4 * (A_AT + q * n), s[offS[q0 + q]], 4 * (OUT_AT + q * n), v);
    out.set(heap.subarray(OUT_AT, OUT_AT + k * n), q0 * n);
  }
  return true;
}
