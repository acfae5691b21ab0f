/**
 * float32 GELU and its derivative on the WebAssembly SIMD module (simd-gelu-module.ts), for the
 * CPU backend's float32 arrays of at least GELU_SIMD_MIN_ELEMENTS elements. On one thread the
 * data passes through the module's one 64 KiB page in chunks of CHUNK floats (copy in, kernel,
 * copy out): a chunk stays in L1/L2 cache, that memory never grows and no call allocates.
 * Arrays of MAP_THREAD_MIN_ITERATIONS iterations and up to MAP_MAX_FLOATS floats run on the
 * gemm threads when they are up: copied whole into the sgemm memory (which grows to hold them
 * and keeps its size, as for products), the kernel run on parts of them by every thread (map
 * jobs, map-job.ts), the results copied out. Where WebAssembly SIMD is missing (or blocked,
 * e.g. by a CSP) the callers keep their scalar float64 path.
 */

import { ShapeError } from "../../errors.js";
import { instantiateSync } from "../../wasm/assembler.js";
import {
  ensureBytes,
  MAP_THREAD_MIN_ITERATIONS,
  mapJobThreaded,
  runMapJob,
  sgemmRuntime,
} from "./gemm-threads.js";
import { MAP_ITERATION_BYTES, MapCall, MapField, runGeluCall } from "./map-job.js";
import { noteInPlace, residentAddress, residentBlockAddress } from "./resident.js";
import { batchSumPath, SgemmArena, sharedAPath, views } from "./sgemm.js";
import { SLOT_INTS } from "./sgemm-job.js";
import { arithSimdAvailable, lastArithPath } from "./simd-arith.js";
import {
  GELU_VECTORS_PER_ITERATION,
  type GeluKernels,
  geluModuleBytes,
} from "./simd-gelu-module.js";

/** Below this many elements the scalar loop is as fast as the copies and the call. */
export const GELU_SIMD_MIN_ELEMENTS = 256;
/**
 * Floats per chunk: three chunk buffers (x, dy, out) fit the module's single page; a multiple
 * of the floats per kernel iteration (12) and of 4 (16-byte aligned buffers).
 */
const CHUNK = 4080;
/** Floats per kernel iteration (a chunk's last iteration may compute lanes past m, unused). */
const STEP = 4 * GELU_VECTORS_PER_ITERATION;
const X_AT = 0;
const DY_AT = CHUNK;
const OUT_AT = 2 * CHUNK;

interface GeluExports extends GeluKernels {
  memory: WebAssembly.Memory;
}

interface GeluRuntime {
  readonly exports: GeluExports;
  readonly heap: Float32Array;
}

let runtime: GeluRuntime | null | undefined;
let enabled = true;
let lastGeluPath: "simd" | "scalar" | null = null;
let lastGeluCall: GeluCall | null = null;

/** The SIMD kernels: GELU, GELU' times dy, and GELU with GELU' (the recorded forward). */
export type GeluCall = "forward" | "grad" | "forwardWithGrad";

function geluRuntime(): GeluRuntime | null {
  if (runtime === undefined) {
    try {
      // The module's exports have no static type: cast through unknown (checked by use).
      const exports = instantiateSync(geluModuleBytes()).exports as unknown as GeluExports;
      runtime = { exports, heap: new Float32Array(exports.memory.buffer) };
    } catch {
      runtime = null;
    }
  }
  return runtime;
}

/** Which kernels the CPU backend runs (for tests and diagnostics). */
export interface CpuKernelInfo {
  /** The WebAssembly SIMD GELU kernels could be instantiated and are enabled. */
  readonly geluSimd: boolean;
  /** The path the last float32 GELU or GELU' call took (null before the first). */
  readonly lastGeluPath: "simd" | "scalar" | null;
  /** The SIMD kernel the last call on that path ran (null before the first). */
  readonly lastGeluCall: GeluCall | null;
  /** The WebAssembly SIMD add / sub / mul / div kernels are available and enabled. */
  readonly arithSimd: boolean;
  /** The path the last float32 add / sub / mul / div of at least 1024 elements took. */
  readonly lastArithPath: "simd" | "scalar" | null;
  /**
   * The kernel of the last float32 batch-summed product (a shared weight's gradient):
   * "dot" (simd-dot-module.ts) or "sgemm" (the batch folded into the contraction).
   */
  readonly lastBatchSumPath: "dot" | "sgemm" | null;
  /**
   * The kernel of the last float32 product of one matrix with a batch (W @ x[b], sgemmSharedA):
   * "rows" (few rows or few terms, simd-rows-module.ts) or "sgemm".
   */
  readonly lastSharedAPath: "rows" | "sgemm" | null;
}

export function cpuKernelInfo(): CpuKernelInfo {
  return {
    geluSimd: enabled && geluRuntime() !== null,
    lastGeluPath,
    lastGeluCall,
    arithSimd: arithSimdAvailable(),
    lastArithPath: lastArithPath(),
    lastBatchSumPath: batchSumPath(),
    lastSharedAPath: sharedAPath(),
  };
}

/** Turns the SIMD GELU kernels off (false) or back on; returns the previous setting. */
export function setGeluSimd(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

function usable(n: number, call: GeluCall): GeluRuntime | null {
  const rt = enabled && n >= GELU_SIMD_MIN_ELEMENTS ? geluRuntime() : null;
  lastGeluPath = rt ? "simd" : "scalar";
  if (rt) lastGeluCall = call;
  return rt;
}

const mapJob = new Int32Array(SLOT_INTS);
/**
 * Larger arrays stay on the chunked single-thread path: the threaded one holds three copies in
 * the sgemm memory (12 bytes per element), which never shrinks.
 */
const MAP_MAX_FLOATS = 1 << 24;

/** Writes a map job's fields (MapField) into mapJob. */
function setMapJob(call: number, x: number, second: number, out: number, iterations: number): void {
  mapJob[MapField.call] = call;
  mapJob[MapField.x] = x;
  mapJob[MapField.second] = second;
  mapJob[MapField.out] = out;
  mapJob[MapField.iterations] = iterations;
}

/**
 * Large arrays on the gemm threads (a map job, map-job.ts): x (and dy) copied into the sgemm
 * memory whole, the kernel run on parts of it by every thread, the results copied out. False
 * (nothing written) where fewer than two threads would run it: the caller's chunked path then
 * runs (it keeps the data in cache, which one thread prefers). Same bits either way.
 */
function threaded(
  call: number,
  x: Float32Array,
  dy: Float32Array | null,
  out: Float32Array,
  d: Float32Array | null,
): boolean {
  const n = x.length;
  const iterations = Math.ceil(n / STEP);
  // size first: small arrays never start the sgemm runtime
  if (iterations < MAP_THREAD_MIN_ITERATIONS || n > MAP_MAX_FLOATS) return false;
  const rt = sgemmRuntime();
  const k = rt?.gelu ?? null;
  if (rt === null || k === null || !mapJobThreaded(rt, iterations)) return false;
  const bytes = iterations * MAP_ITERATION_BYTES;
  const arena = new SgemmArena();
  const xAt = arena.take(bytes);
  const secondAt = arena.take(bytes);
  const outAt = arena.take(bytes);
  if (!ensureBytes(rt, arena.end)) return false;
  const { f32 } = views(rt);
  f32.set(x, xAt >> 2);
  if (dy) f32.set(dy, secondAt >> 2);
  setMapJob(call, xAt, secondAt, outAt, iterations);
  // the workers may have gone away in between: then run it here, on the data already in place
  if (!runMapJob(rt, mapJob)) runGeluCall(k, call, xAt, secondAt, outAt, iterations);
  out.set(f32.subarray(outAt >> 2, (outAt >> 2) + n));
  if (d) d.set(f32.subarray(secondAt >> 2, (secondAt >> 2) + n));
  return true;
}

/**
 * The call in place on resident arrays (resident.ts): x (and dy) read and out (and d) written
 * where they lie in the sgemm memory, on the gemm threads when they are up, else on this one.
 * False (nothing written) unless x and dy are resident and out and d are whole resident blocks
 * (the kernel writes whole groups of 12 floats, past the end into the block's slack).
 */
function inPlace(
  call: number,
  x: Float32Array,
  dy: Float32Array | null,
  out: Float32Array,
  d: Float32Array | null,
): boolean {
  const xAt = residentAddress(x);
  const outAt = residentBlockAddress(out);
  const secondAt = dy ? residentAddress(dy) : d ? residentBlockAddress(d) : 0;
  if (xAt < 0 || outAt < 0 || secondAt < 0) return false;
  const rt = sgemmRuntime();
  const k = rt?.gelu ?? null;
  if (rt === null || k === null) return false;
  const iterations = Math.ceil(x.length / STEP);
  setMapJob(call, xAt, secondAt, outAt, iterations);
  if (!(mapJobThreaded(rt, iterations) && runMapJob(rt, mapJob)))
    runGeluCall(k, call, xAt, secondAt, outAt, iterations);
  noteInPlace("gelu");
  return true;
}

/** Every array of a call has x's length (a typed error naming the argument otherwise). */
function sameLength(fn: string, arg: string, x: Float32Array, other: Float32Array): void {
  if (other.length !== x.length)
    throw new ShapeError(fn, arg, `${x.length} floats (as x)`, `${other.length}`);
}

/**
 * The single-thread path: x (and dy) through the module's page in chunks of CHUNK floats, the
 * kernel `call` on each chunk, out (and d) copied back.
 */
function chunked(
  rt: GeluRuntime,
  call: number,
  x: Float32Array,
  dy: Float32Array | null,
  out: Float32Array,
  d: Float32Array | null,
): void {
  const { heap, exports } = rt;
  for (let at = 0, n = x.length; at < n; at += CHUNK) {
    const m = Math.min(CHUNK, n - at);
    heap.set(x.subarray(at, at + m), X_AT);
    if (dy) heap.set(dy.subarray(at, at + m), DY_AT);
    runGeluCall(exports, call, 4 * X_AT, 4 * DY_AT, 4 * OUT_AT, Math.ceil(m / STEP));
    out.set(heap.subarray(OUT_AT, OUT_AT + m), at);
    if (d) d.set(heap.subarray(DY_AT, DY_AT + m), at);
  }
}

/** The call on the first path that takes it: in place, on the gemm threads, in chunks here. */
function run(
  rt: GeluRuntime,
  call: number,
  x: Float32Array,
  dy: Float32Array | null,
  out: Float32Array,
  d: Float32Array | null,
): void {
  if (!inPlace(call, x, dy, out, d) && !threaded(call, x, dy, out, d))
    chunked(rt, call, x, dy, out, d);
}

/** out = GELU(src) on the SIMD kernel; false (nothing written) where it does not apply. */
export function geluF32(src: Float32Array, out: Float32Array): boolean {
  sameLength("geluF32", "out", src, out);
  const rt = usable(src.length, "forward");
  if (!rt) return false;
  run(rt, MapCall.forward, src, null, out, null);
  return true;
}

/**
 * out = GELU(src) and d = GELU'(src) in one pass on the SIMD kernel (d is what geluGradF32 gives
 * for dy = 1, so dy d equals its result bit for bit); false (nothing written) where it does not
 * apply.
 */
export function geluWithGradF32(src: Float32Array, out: Float32Array, d: Float32Array): boolean {
  sameLength("geluWithGradF32", "out", src, out);
  sameLength("geluWithGradF32", "d", src, d);
  const rt = usable(src.length, "forwardWithGrad");
  if (!rt) return false;
  run(rt, MapCall.forwardWithGrad, src, null, out, d);
  return true;
}

/** out = dy GELU'(x) on the SIMD kernel; false (nothing written) where it does not apply. */
export function geluGradF32(x: Float32Array, dy: Float32Array, out: Float32Array): boolean {
  sameLength("geluGradF32", "dy", x, dy);
  sameLength("geluGradF32", "out", x, out);
  const rt = usable(x.length, "grad");
  if (!rt) return false;
  run(rt, MapCall.grad, x, dy, out, null);
  return true;
}
