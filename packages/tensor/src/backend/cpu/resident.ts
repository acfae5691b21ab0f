/**
 * float32 storage resident in the sgemm memory (gemm-threads.ts): the CPU backend's float32 and
 * complex64 outputs live in the WebAssembly memory that the SIMD kernels (products, GELU,
 * arithmetic) run on, so those kernels read their operands and write their results in place
 * instead of copying every operand in and every result out. In an FNO training step those
 * copies were ~30% of the time (62 M floats a step through the sgemm memory alone).
 *
 * - Only where the memory is shared (threads proposal: Node, cross-origin isolated pages). A
 *   shared memory's buffer is never detached when it grows, so a view made before a growth
 *   stays valid; a non-shared one would invalidate every tensor on growth, and there the
 *   backend keeps plain arrays.
 * - Blocks are 64-byte aligned, SLACK bytes longer than asked (a SIMD kernel's last group may
 *   write a few lanes past the end), carved from the bottom of the memory by a bump pointer,
 *   reused by exact size, and the top is lowered when its highest blocks are freed. Per-call
 *   scratch (SgemmArena) starts above the highest block, so a kernel's scratch never overlaps
 *   a tensor; no block is allocated while a kernel's scratch is in use (kernels allocate their
 *   outputs before they lay out their scratch).
 * - At most MAX_RESIDENT_BYTES of blocks: beyond, and where the memory cannot grow, callers get
 *   null and use plain arrays (every kernel accepts both, with identical results).
 * - The memory never shrinks (as for products): a process keeps the largest size it used.
 */
import {
  CONTROL_BYTES,
  ensureBytes,
  MAX_PAGES,
  registerThreadModule,
  type SgemmRuntime,
  sgemmRuntime,
} from "./gemm-threads.js";

const ALIGN = 64;
/** Bytes after each block's last element that a kernel may overwrite (at most 11 floats). */
const SLACK = 64;
/** Most bytes of blocks (live and free) below the top: the rest of the 2 GiB is scratch. */
const MAX_RESIDENT_BYTES = 1024 * 1024 * 1024;

/** On unless env MODEWISE_RESIDENT=0 (or setResidentFloat32(false)). */
let enabled =
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
    ?.MODEWISE_RESIDENT !== "0";
/** End of the highest block (free or live); scratch starts here. */
let top = CONTROL_BYTES;
/** Free blocks by size (bytes), and free blocks by end address (to lower the top). */
const freeBySize = new Map<number, number[]>();
const freeByEnd = new Map<number, number>();
let liveBytes = 0;
/** Every buffer object of the memory a view was made on (each growth gives a new one). */
const buffers = new WeakSet<ArrayBufferLike>();
/** The arrays residentAlloc handed out (not their subarrays): whole blocks, slack included. */
const blocks = new WeakSet<Float32Array>();
let runtime: SgemmRuntime | null | undefined;

function sharedRuntime(): SgemmRuntime | null {
  if (runtime === undefined) {
    const rt = sgemmRuntime();
    runtime = rt?.shared ? rt : null;
  }
  return runtime;
}

/** Bytes of the block holding `length` floats. */
function blockBytes(length: number): number {
  return Math.ceil((4 * length + SLACK) / ALIGN) * ALIGN;
}

/**
 * A float32 array of `length` elements in the sgemm memory (contents unspecified), or null
 * where residency is off, unavailable or full.
 */
export function residentAlloc(length: number): Float32Array | null {
  if (!enabled || length <= 0) return null;
  const rt = sharedRuntime();
  if (rt === null) return null;
  const bytes = blockBytes(length);
  let at = freeBySize.get(bytes)?.pop();
  if (at !== undefined) {
    freeByEnd.delete(at + bytes);
  } else {
    if (top + bytes > CONTROL_BYTES + MAX_RESIDENT_BYTES || !ensureBytes(rt, top + bytes))
      return null;
    at = top;
    top += bytes;
  }
  liveBytes += bytes;
  const buffer = rt.memory.buffer;
  buffers.add(buffer);
  const view = new Float32Array(buffer, at, length);
  blocks.add(view);
  return view;
}

/** Returns a block from residentAlloc (exactly once; the array must not be used after). */
export function residentFree(values: Float32Array): void {
  const bytes = blockBytes(values.length);
  let at = values.byteOffset;
  liveBytes -= bytes;
  if (at + bytes === top) {
    top = at;
    // lower the top past free blocks that now end at it
    for (let size = freeByEnd.get(top); size !== undefined; size = freeByEnd.get(top)) {
      freeByEnd.delete(top);
      at = top - size;
      const list = freeBySize.get(size) as number[];
      list.splice(list.lastIndexOf(at), 1);
      top = at;
    }
    return;
  }
  let list = freeBySize.get(bytes);
  if (list === undefined) {
    list = [];
    freeBySize.set(bytes, list);
  }
  list.push(at);
  freeByEnd.set(at + bytes, bytes);
}

/** Whether `a` is a view of the sgemm memory made by residentAlloc. */
export function isResident(a: ArrayBufferView): boolean {
  return buffers.has(a.buffer);
}

/**
 * The byte address in the sgemm memory of element `offset` of `a`, or -1 where `a` is not
 * resident (its data must be copied in).
 */
export function residentAddress(a: Float32Array, offset = 0): number {
  return buffers.has(a.buffer) ? a.byteOffset + 4 * offset : -1;
}

/**
 * The byte address of `a` where it is a whole block from residentAlloc, else -1: a kernel may
 * then write up to SLACK bytes past its end (whole SIMD groups), which a subarray of a block
 * does not allow.
 */
export function residentBlockAddress(a: Float32Array): number {
  return blocks.has(a) ? a.byteOffset : -1;
}

/**
 * How a module that works on resident arrays must declare its memory import (env.mem): shared,
 * with this maximum. Null where there is no resident storage (no shared memory here).
 */
export function residentMemoryImport(): { shared: true; maxPages: number } | null {
  return sharedRuntime() === null ? null : { shared: true, maxPages: MAX_PAGES };
}

/**
 * Instantiates `module` (which imports env.mem as residentMemoryImport() says) over the memory
 * that resident arrays live in; null where there is none. Its functions may read and write the
 * arrays at residentAddress(a) (and nothing else: scratch belongs to the kernels of this package).
 */
export function instantiateOnResidentMemory(
  module: WebAssembly.Module,
): WebAssembly.Instance | null {
  const rt = sharedRuntime();
  return rt === null ? null : new WebAssembly.Instance(module, { env: { mem: rt.memory } });
}

/**
 * A module over the resident memory that the gemm threads run too (module jobs): `build` gets
 * the memory import to declare (residentMemoryImport) and returns the module's bytes; the module
 * is instantiated here (instantiateOnResidentMemory) and registered with the threads
 * (registerThreadModule; threadIndex -1 where there are none). Null where there is no resident
 * memory or the module fails. Call it from an onRuntimeStart hook, before the workers start.
 */
export function instantiateThreadModule(
  build: (memory: { shared: true; maxPages: number }) => Uint8Array<ArrayBuffer>,
): { exports: WebAssembly.Exports; threadIndex: number } | null {
  const memory = residentMemoryImport();
  if (memory === null) return null;
  try {
    const module = new WebAssembly.Module(build(memory));
    const instance = instantiateOnResidentMemory(module);
    return instance === null
      ? null
      : { exports: instance.exports, threadIndex: registerThreadModule(module) };
  } catch {
    return null;
  }
}

/** Where a kernel's scratch may start: above every block. */
export function residentTop(): number {
  return top;
}

/** Turns resident storage off (false) or back on for new outputs; returns the previous setting. */
export function setResidentFloat32(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** The kernels that can work in place on resident arrays. */
export type InPlaceKernel =
  | "sgemm"
  | "sgemmFolded"
  | "rows"
  | "dot"
  | "gelu"
  | "arith"
  | "sum"
  /** a product's operand tables read from the resident table cache (sgemm.ts) */
  | "tables";
const inPlaceCounts: Record<InPlaceKernel, number> = {
  tables: 0,
  sgemm: 0,
  sgemmFolded: 0,
  rows: 0,
  dot: 0,
  gelu: 0,
  arith: 0,
  sum: 0,
};

/** Counts a kernel call that read or wrote resident arrays in place (for residentStats). */
export function noteInPlace(kernel: InPlaceKernel): void {
  inPlaceCounts[kernel]++;
}

export interface ResidentStats {
  /** New float32 / complex64 outputs of at least 4096 floats are resident. */
  readonly enabled: boolean;
  /** Bytes of live blocks. */
  readonly liveBytes: number;
  /** Bytes below the top: live blocks and free ones waiting for reuse. */
  readonly topBytes: number;
  /** Calls, per kernel, that worked on some operand in place since the process started. */
  readonly inPlace: Readonly<Record<InPlaceKernel, number>>;
}

/** Where resident storage stands (tests, diagnostics). */
export function residentStats(): ResidentStats {
  return {
    enabled: enabled && sharedRuntime() !== null,
    liveBytes,
    topBytes: top - CONTROL_BYTES,
    inPlace: { ...inPlaceCounts },
  };
}
