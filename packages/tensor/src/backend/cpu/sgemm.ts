/**
 * float32 matrix products with float32 accumulation on the WebAssembly SIMD kernel
 * (sgemm-module.ts), multi-threaded through gemm-threads.ts; the float32 path of matmul and
 * convolution. (gemm.ts remains the float64 / complex path and accumulates in float64.)
 *
 * A call lays its operands out in the sgemm memory: int32 offset tables describing op(A) and
 * op(B) (so transposes cost nothing), copies of A and B (one memcpy each), the padded C block and each thread's packing scratch. Memory
 * only grows; the layout is rebuilt per call with a bump allocator.
 *
 * Accuracy: each element of C is a float32 sum of float32 products (K chunks of at most 256
 * terms summed in order, chunks added in order): |error| <= gamma_K(2^-24) sum_k |a_ik||b_kj|,
 * the bound of any float32 dot product; identical for every thread count.
 */

import { DotField } from "./dot-job.js";
import { gemm } from "./gemm.js";
import {
  CONTROL_BYTES,
  ensureBytes,
  getNumThreads,
  runDotJob,
  runJob,
  runModuleJob,
  type SgemmRuntime,
  sgemmRuntime,
} from "./gemm-threads.js";
import {
  noteInPlace,
  residentAddress,
  residentAlloc,
  residentFree,
  residentTop,
} from "./resident.js";
import { JobField, kChunk, packFloats, SLOT_INTS } from "./sgemm-job.js";
import { PANEL_CONTIGUOUS, SGEMM_MR, SGEMM_NR } from "./sgemm-module.js";
import { DOT_K_STEP, DOT_ROWS_A, DOT_ROWS_B, type DotKernels } from "./simd-dot-module.js";
import { ROWS_ARGS, type RowsKernels } from "./simd-rows-module.js";

/**
 * Products with fewer multiply-adds use gemm.ts. Thin products (fewer than MR rows or NR
 * columns: a projection to one channel, a weight gradient of a lifting from 3 channels) run
 * here too, on zero-padded panels: the padding wastes up to 3/4 (or 7/8) of the kernel's
 * work, and it still beats gemm.ts's scalar dot / axpy loops several times over at these sizes
 * (an FNO step's thin products went from ~7% of the step to ~2%).
 */
const SMALL_MACS = 4096;

/**
 * Bump allocator over the sgemm memory for one call (64-byte aligned blocks), above the
 * resident tensors (resident.ts).
 */
export class SgemmArena {
  private top = Math.max(CONTROL_BYTES, Math.ceil(residentTop() / 64) * 64);
  /** Reserves `bytes`; returns the address. */
  take(bytes: number): number {
    const at = this.top;
    this.top = at + Math.ceil(bytes / 64) * 64;
    return at;
  }
  get end(): number {
    return this.top;
  }
}

/** Element offsets of one operand: element (k, t) is at kOff(k) + wOff(t) from its start. */
export type IndexMap = (i: number) => number;

/**
 * Offsets i -> floor(i / len) outer + (i mod len) inner (len absent: i inner): the maps of
 * plain, transposed and batch-folded operands, filled by a plain loop (calling a closure per
 * entry costs more: these tables have up to nb K entries, every call).
 */
export interface Strided {
  inner: number;
  len?: number;
  outer?: number;
}

/** An offset map as a function, a finished table, or a strided description. */
export type OffsetMap = IndexMap | Int32Array | Strided;

/** Writes scale map(t) for t < n into i32 from index `at` (scale 4: byte offsets). */
function fillTable(i32: Int32Array, at: number, n: number, map: OffsetMap, scale = 4): void {
  if (typeof map === "function") for (let t = 0; t < n; t++) i32[at + t] = scale * map(t);
  else if (map instanceof Int32Array) for (let t = 0; t < n; t++) i32[at + t] = scale * map[t];
  else i32.set(stridedTable(map, n, scale), at);
}

/**
 * The entries of a strided map, cached: a training step asks for the same few tables (up to
 * nb K entries each) every step, and a copy costs a fraction of the loop that fills one.
 */
const stridedTables = new Map<string, Int32Array>();
/** Entries kept over all cached tables (16 MiB); past it the cache starts over. */
const STRIDED_CACHE_ENTRIES = 1 << 22;
let stridedCached = 0;
function stridedTable(map: Strided, n: number, scale: number): Int32Array {
  const len = map.len ?? n;
  const key = `${map.inner},${len},${map.outer ?? 0},${n},${scale}`;
  let table = stridedTables.get(key);
  if (table === undefined) {
    table = new Int32Array(n);
    const inner = scale * map.inner;
    const outer = scale * (map.outer ?? 0);
    for (let t = 0, base = 0; t < n; base += outer)
      for (let j = 0, o = base; j < len && t < n; j++, t++, o += inner) table[t] = o;
    if (stridedCached + n > STRIDED_CACHE_ENTRIES) {
      stridedTables.clear();
      stridedCached = 0;
    }
    if (n <= STRIDED_CACHE_ENTRIES) {
      stridedTables.set(key, table);
      stridedCached += n;
    }
  }
  return table;
}

/** Describes one operand of a product to the packers: element (p, t) = src + kTab[p] + wTab[t]. */
export interface OperandTables {
  kTab: number;
  wTab: number;
  desc: number;
}

/**
 * Reserves and fills the tables of an operand whose panel index runs over `n` (M for A, N for
 * B, rounded up to `W`) and k over K: kOff(p) and wOff(t) are element offsets. Panels whose
 * elements are consecutive (wOff(t + 1) = wOff(t) + 1 across the whole panel) are flagged.
 */
export function operandTables(
  arena: SgemmArena,
  i32: Int32Array,
  K: number,
  n: number,
  W: number,
  kOff: OffsetMap,
  wOff: OffsetMap,
): OperandTables {
  const np = padded(n, W);
  const tables = {
    kTab: arena.take(4 * K),
    wTab: arena.take(4 * np),
    desc: arena.take((4 * np) / W),
  };
  writeTables(i32, tables, K, n, W, kOff, wOff);
  return tables;
}

/** Fills operand tables at the addresses `at` (see operandTables). */
function writeTables(
  i32: Int32Array,
  at: OperandTables,
  K: number,
  n: number,
  W: number,
  kOff: OffsetMap,
  wOff: OffsetMap,
): void {
  const np = padded(n, W);
  fillTable(i32, at.kTab >> 2, K, kOff);
  const w0 = at.wTab >> 2;
  fillTable(i32, w0, n, wOff);
  for (let t = n; t < np; t++) i32[w0 + t] = 0;
  const strided = isStrided(wOff) ? wOff : null;
  for (let q = 0, d = at.desc >> 2; q < np / W; q++) {
    const valid = Math.min(W, n - q * W);
    let contiguous = valid === W;
    if (strided !== null) {
      // consecutive within runs of len when inner is 1: a whole panel inside one run
      const len = strided.len ?? n;
      contiguous &&= strided.inner === 1 && ((q * W) % len) + W <= len;
    } else
      for (let t = 1; contiguous && t < W; t++)
        contiguous = i32[w0 + q * W + t] === i32[w0 + q * W] + 4 * t;
    i32[d + q] = valid | (contiguous ? PANEL_CONTIGUOUS : 0);
  }
}

/**
 * Whether every K chunk (kChunk(K) terms from a multiple of it) of an operand with contraction
 * map `kOff` is contiguous in memory: a strided map with inner stride 1 whose runs hold whole
 * chunks (the transposing packers then serve: see sgemm-module.ts).
 */
function contiguousAlongK(kOff: OffsetMap, K: number): boolean {
  if (!isStrided(kOff) || kOff.inner !== 1) return false;
  const len = kOff.len ?? K;
  return len >= K || len % kChunk(K) === 0;
}

function isStrided(map: OffsetMap): map is Strided {
  return typeof map !== "function" && !(map instanceof Int32Array);
}

/**
 * Operand tables of strided maps, kept in the resident memory (resident.ts) between calls by
 * their description: a training step runs the same few dozen products every step, and filling
 * their tables (up to nb K offsets and N / 8 panel descriptors each, 2.7 ms of JavaScript in
 * an FNO-2D step) then happens once. A product's tables are read in place, like its resident
 * operands. At most RESIDENT_TABLE_FLOATS entries in all (past it the cache starts over).
 */
const residentTables = new Map<string, { block: Float32Array; tables: OperandTables }>();
const RESIDENT_TABLE_FLOATS = 1 << 22;
let residentTableFloats = 0;

/**
 * The cached tables of a product operand with strided maps (see operandTables), made on first
 * use; null for other maps, or where resident memory is unavailable or full (the caller then
 * fills tables in its scratch). Call before laying out a product's scratch: it may allocate.
 */
function residentOperandTables(
  K: number,
  n: number,
  W: number,
  kOff: OffsetMap,
  wOff: OffsetMap,
): OperandTables | null {
  if (!isStrided(kOff) || !isStrided(wOff)) return null;
  const key = `${K},${n},${W}:${kOff.inner},${kOff.len ?? K},${kOff.outer ?? 0}:${wOff.inner},${wOff.len ?? n},${wOff.outer ?? 0}`;
  const hit = residentTables.get(key);
  if (hit !== undefined) {
    noteInPlace("tables");
    return hit.tables;
  }
  const rt = sgemmRuntime();
  if (rt === null) return null;
  // each table on its own 64-byte boundary (16 entries)
  const np = padded(n, W);
  const kLen = padded(K, 16);
  const wLen = padded(np, 16);
  const entries = kLen + wLen + padded(np / W, 16);
  if (residentTableFloats + entries > RESIDENT_TABLE_FLOATS) {
    for (const { block } of residentTables.values()) residentFree(block);
    residentTables.clear();
    residentTableFloats = 0;
    if (entries > RESIDENT_TABLE_FLOATS) return null;
  }
  const block = residentAlloc(entries);
  if (block === null) return null;
  const base = block.byteOffset;
  const tables = { kTab: base, wTab: base + 4 * kLen, desc: base + 4 * (kLen + wLen) };
  writeTables(views(rt).i32, tables, K, n, W, kOff, wOff);
  residentTables.set(key, { block, tables });
  residentTableFloats += entries;
  return tables;
}

/** Scratch of one product: the whole pre-packed operand and each thread's packing buffer. */
export interface ProductScratch {
  packed: number;
  packs: number[];
}

/** Reserves the scratch for products of up to M x N x K (see runProduct). */
export function reserveScratch(arena: SgemmArena, M: number, N: number, K: number): ProductScratch {
  const whole = N >= M ? padded(M, SGEMM_MR) * K : padded(N, SGEMM_NR) * K;
  const packed = arena.take(4 * whole);
  const packs: number[] = [];
  for (let t = 0; t < getNumThreads(); t++) packs.push(arena.take(4 * packFloats(K)));
  return { packed, packs };
}

/**
 * Runs C (+)= op(A) @ op(B), M x N x K, all in the sgemm memory: C at cAddr with rows
 * `ldcFloats` apart (at least N rounded up to NR, ceil(M / MR) MR rows), `scratch` from
 * reserveScratch (same M, N, K), the memory already large enough for all of it. With `fold`,
 * C is a batch of blocks folded into the columns (see JobField.cBatchCols).
 */
export function runProduct(
  rt: SgemmRuntime,
  scratch: ProductScratch,
  M: number,
  N: number,
  K: number,
  aSrc: number,
  a: OperandTables,
  bSrc: number,
  b: OperandTables,
  cAddr: number,
  ldcFloats: number,
  accumulate: boolean,
  fold?: { cols: number; strideFloats: number },
  kContiguous = 0,
  bias = 0,
): void {
  const job = jobScratch;
  job[JobField.kContiguous] = kContiguous;
  job[JobField.bias] = bias;
  job[JobField.cBatchCols] = fold?.cols ?? 0;
  job[JobField.cBatchStride] = 4 * (fold?.strideFloats ?? 0);
  job[JobField.K] = K;
  job[JobField.kc] = kChunk(K);
  job[JobField.aSrc] = aSrc;
  job[JobField.aK] = a.kTab;
  job[JobField.aW] = a.wTab;
  job[JobField.aDesc] = a.desc;
  job[JobField.bSrc] = bSrc;
  job[JobField.bK] = b.kTab;
  job[JobField.bW] = b.wTab;
  job[JobField.bDesc] = b.desc;
  job[JobField.cAddr] = cAddr;
  job[JobField.ldc] = 4 * ldcFloats;
  job[JobField.accumulate] = accumulate ? 1 : 0;
  job[JobField.M] = M;
  job[JobField.N] = N;
  job[JobField.packed] = scratch.packed;
  runJob(rt, job, scratch.packs);
}

const jobScratch = new Int32Array(SLOT_INTS);
const dotJob = new Int32Array(SLOT_INTS);

/** An upper bound of the bytes operandTables takes for A and B of an Mp x Np x K product. */
export function tableBytes(K: number, Mp: number, Np: number): number {
  return 4 * (2 * K + Mp + Np) + 4 * (Mp + Np) + 6 * 64;
}

/** n rounded up to a multiple of the panel width W. */
export function padded(n: number, W: number): number {
  return Math.ceil(n / W) * W;
}

/** Views of the sgemm memory, recreated when it grows. */
export function views(rt: SgemmRuntime): { f32: Float32Array; i32: Int32Array } {
  const buf = rt.memory.buffer;
  if (cachedViews === undefined || cachedViews.f32.buffer !== buf)
    cachedViews = { f32: new Float32Array(buf), i32: new Int32Array(buf) };
  return cachedViews;
}
let cachedViews: { f32: Float32Array; i32: Int32Array } | undefined;

/**
 * Element strides of op(A) [M x K] and op(B) [K x N] (row stride, column stride) for row-major
 * storage, transposed or not, and the tile-padded M and N. `bRowLength` is B's stored row length
 * when it differs from N (a batch folded into the columns).
 */
function operandLayout(
  M: number,
  N: number,
  K: number,
  transA: boolean,
  transB: boolean,
  bRowLength = N,
): { ars: number; acs: number; brs: number; bcs: number } {
  return {
    ars: transA ? 1 : K,
    acs: transA ? M : 1,
    brs: transB ? 1 : bRowLength,
    bcs: transB ? K : 1,
  };
}

/**
 * C[cOff..] (+)= op(A) @ op(B) on float32 arrays, C [M x N] row-major contiguous; op(A) is
 * A [M x K] row-major from aOff, or A stored [K x M] when transA; op(B) is B [K x N] from
 * bOff, or B stored [N x K] when transB. With accumulate, adds to C's values. float32
 * accumulation (see the file comment); tiny or skinny products go to gemm.ts (float64
 * accumulation, within the same bound).
 */
export function sgemm(
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  B: Float32Array,
  bOff: number,
  C: Float32Array,
  cOff: number,
  accumulate = false,
  transA = false,
  transB = false,
): void {
  const rt = sgemmRuntime();
  if (rt === null || K === 0 || M * N * K < SMALL_MACS) {
    gemm(M, N, K, A, aOff, B, bOff, C, cOff, accumulate, transA, transB);
    return;
  }
  const { ars, acs, brs, bcs } = operandLayout(M, N, K, transA, transB);
  const r = indexedProduct(
    rt,
    M,
    N,
    K,
    A,
    aOff,
    M * K,
    { inner: acs },
    { inner: ars },
    B,
    bOff,
    K * N,
    { inner: brs },
    { inner: bcs },
    { C, cOff, accumulate },
  );
  // Beyond the sgemm memory (2 GiB): the float64-accumulating path, same bound.
  if (!r) gemm(M, N, K, A, aOff, B, bOff, C, cOff, accumulate, transA, transB);
}

/**
 * Where a product writes C: `C` from `cOff`, M x N row-major (or, with `fold`, nb = N / cols
 * blocks of M x cols, `strideFloats` apart: sgemmSharedA's batch), added to C's values with
 * `accumulate`.
 */
interface ProductTarget {
  C: Float32Array;
  cOff: number;
  accumulate: boolean;
  fold?: { cols: number; strideFloats: number };
  /** Copies the padded block (Np floats per row from c0 in out) to C, instead of copyRows. */
  unfold?: (out: Float32Array, c0: number, Np: number) => void;
  /** M floats added to the rows of C (row i + bias[i], after the sum: C = y + b). */
  bias?: Float32Array;
}

/**
 * Runs an M x N x K product whose operands are given by index maps, all in the sgemm memory:
 * op(A)[t, k] = A[aOff + aK(k) + aW(t)], op(B)[k, t] = B[bOff + bK(k) + bW(t)], read in place
 * where A (B) is resident (resident.ts), else from a copy of its `aFloats` (`bFloats`) floats
 * from aOff (bOff); C written into `target` in place where it is resident and M, N are whole
 * tiles, else through a padded Mp x Np block copied out (with `fold`, the caller must pass a
 * resident target of whole tiles: nothing else unfolds). Returns false (nothing done) where
 * the memory cannot hold it.
 */
function indexedProduct(
  rt: SgemmRuntime,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  aFloats: number,
  aK: OffsetMap,
  aW: OffsetMap,
  B: Float32Array,
  bOff: number,
  bFloats: number,
  bK: OffsetMap,
  bW: OffsetMap,
  target: ProductTarget,
): boolean {
  const Mp = padded(M, SGEMM_MR);
  const Np = padded(N, SGEMM_NR);
  const { C, cOff, accumulate, fold, unfold } = target;
  // cached tables first: they may allocate, which the scratch below must not precede
  const aTables = residentOperandTables(K, M, SGEMM_MR, aK, aW);
  const bTables = residentOperandTables(K, N, SGEMM_NR, bK, bW);
  const aAt = residentAddress(A, aOff);
  const bAt = residentAddress(B, bOff);
  // (a target with its own unfold has another layout than the product's rows: never in place)
  const cAt = Mp === M && Np === N && unfold === undefined ? residentAddress(C, cOff) : -1;
  if (fold !== undefined && cAt < 0) return false;
  const arena = new SgemmArena();
  // Operand copies first (their size is known), then tables (which need the views).
  const aSrc = aAt >= 0 ? aAt : arena.take(4 * aFloats);
  const bSrc = bAt >= 0 ? bAt : arena.take(4 * bFloats);
  const cAddr = cAt >= 0 ? cAt : arena.take(4 * Mp * Np);
  const biasAt = target.bias !== undefined ? arena.take(4 * Mp) : 0;
  const scratch = reserveScratch(arena, M, N, K);
  // Tables need at most this much; reserve before filling so the views stay valid.
  if (!ensureBytes(rt, arena.end + tableBytes(K, Mp, Np))) return false;
  const { f32, i32 } = views(rt);
  if (aAt < 0) f32.set(A.subarray(aOff, aOff + aFloats), aSrc >> 2);
  if (bAt < 0) f32.set(B.subarray(bOff, bOff + bFloats), bSrc >> 2);
  if (target.bias !== undefined) {
    // padded to whole tiles (the kernel reads a bias for every tile row)
    f32.set(target.bias.subarray(0, M), biasAt >> 2);
    f32.fill(0, (biasAt >> 2) + M, (biasAt >> 2) + Mp);
  }
  const a = aTables ?? operandTables(arena, i32, K, M, SGEMM_MR, aK, aW);
  const b = bTables ?? operandTables(arena, i32, K, N, SGEMM_NR, bK, bW);
  const c0 = cAddr >> 2;
  if (accumulate && cAt < 0) copyRows(C, cOff, N, f32, c0, Np, M, N);
  if (fold !== undefined) noteInPlace("sgemmFolded");
  else if (aAt >= 0 || bAt >= 0 || cAt >= 0) noteInPlace("sgemm");
  const ldc = fold !== undefined ? fold.cols : Np;
  const kContiguous = (contiguousAlongK(aK, K) ? 1 : 0) | (contiguousAlongK(bK, K) ? 2 : 0);
  runProduct(
    rt,
    scratch,
    M,
    N,
    K,
    aSrc,
    a,
    bSrc,
    b,
    cAddr,
    ldc,
    accumulate,
    fold,
    kContiguous,
    biasAt,
  );
  if (cAt >= 0) return true;
  if (unfold) unfold(views(rt).f32, c0, Np);
  else copyRows(views(rt).f32, c0, Np, C, cOff, N, M, N);
  return true;
}

/** One operand of sgemmIndexed (see there). */
export interface IndexedOperand {
  data: Float32Array;
  /** First element the maps are relative to (default 0). */
  offset?: number;
  /** Elements from `offset` that the maps may reach (default: the rest of `data`). */
  floats?: number;
  /**
   * Offset of contraction index k (k < K): a function, or a Strided description (offsets
   * floor(k / len) outer + (k mod len) inner, filled without a call per entry).
   */
  kOff: IndexMap | Strided;
  /** Offset of row t of op(A) (t < M), or of column t of op(B) (t < N); likewise. */
  wOff: IndexMap | Strided;
}

/**
 * C[cOff ..] = op(A) @ op(B), M x N x K, C row-major contiguous, for operands in any layout
 * whose element offsets separate into a contraction part and a row (column) part:
 * op(A)[t, k] = A.data[A.offset + A.kOff(k) + A.wOff(t)] and op(B)[k, t] likewise. Gathers,
 * permutations and interleaved complex parts are read in place (the maps fill the kernel's
 * offset tables; no copy beyond the one every product makes). float32 accumulation on the
 * SIMD kernel, the bound of sgemm; where it does not run (no WebAssembly SIMD, fewer than 4096
 * multiply-adds, beyond the sgemm memory) a float64-accumulating loop, within the same bound.
 * Every offset is checked to lie in [0, floats) (a RangeError names the operand otherwise).
 * The `floats` elements from `offset` are what the product copies: give the extent the maps
 * reach, not a whole large array, for a sparse gather.
 */
export function sgemmIndexed(
  M: number,
  N: number,
  K: number,
  A: IndexedOperand,
  B: IndexedOperand,
  C: Float32Array,
  cOff = 0,
): void {
  for (const [name, v] of [
    ["M", M],
    ["N", N],
    ["K", K],
  ] as const)
    if (!Number.isInteger(v) || v < 0)
      throw new RangeError(`sgemmIndexed: ${name} must be a non-negative integer; got ${v}`);
  const a = indexTables("A", A, K, M);
  const b = indexTables("B", B, K, N);
  if (!Number.isInteger(cOff) || cOff < 0 || cOff + M * N > C.length)
    throw new RangeError(
      `sgemmIndexed: C must hold ${M} x ${N} floats from ${cOff}; it has ${C.length}`,
    );
  if (M === 0 || N === 0) return;
  const rt = sgemmRuntime();
  if (rt !== null && M * N * K >= SMALL_MACS) {
    const r = indexedProduct(
      rt,
      M,
      N,
      K,
      A.data,
      a.offset,
      a.floats,
      a.k,
      a.w,
      B.data,
      b.offset,
      b.floats,
      b.k,
      b.w,
      { C, cOff, accumulate: false },
    );
    if (r) return;
  }
  const [x, y] = [A.data, B.data];
  const [ak, aw, bk, bw] = [asTable(a.k, K), asTable(a.w, M), asTable(b.k, K), asTable(b.w, N)];
  for (let i = 0; i < M; i++) {
    const ai = a.offset + (aw[i] as number);
    for (let j = 0; j < N; j++) {
      const bj = b.offset + (bw[j] as number);
      let acc = 0;
      for (let k = 0; k < K; k++)
        acc += (x[ai + (ak[k] as number)] as number) * (y[bj + (bk[k] as number)] as number);
      C[cOff + i * N + j] = acc;
    }
  }
}

/** A table of element offsets (a strided map's n entries written out). */
function asTable(map: Int32Array | Strided, n: number): Int32Array {
  if (map instanceof Int32Array) return map;
  const t = new Int32Array(n);
  fillTable(t, 0, n, map, 1);
  return t;
}

/**
 * The offset tables of an indexed operand (relative to its offset), after checking that they
 * are integers and stay inside [0, floats).
 */
function indexTables(
  name: string,
  o: IndexedOperand,
  K: number,
  W: number,
): { offset: number; floats: number; k: Int32Array | Strided; w: Int32Array | Strided } {
  const offset = o.offset ?? 0;
  const floats = o.floats ?? o.data.length - offset;
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(floats) ||
    offset < 0 ||
    floats < 0 ||
    offset + floats > o.data.length
  )
    throw new RangeError(
      `sgemmIndexed: operand ${name} (offset ${offset}, floats ${floats}) exceeds its data (${o.data.length} floats)`,
    );
  const kMax = typeof o.kOff === "function" ? null : checkStrided(name, o.kOff, K);
  const wMax = typeof o.wOff === "function" ? null : checkStrided(name, o.wOff, W);
  if (kMax !== null && wMax !== null) {
    // Strided maps with non-negative steps start at 0 (no shift needed) and reach their
    // largest offset at the last entry of the last run: checked without a table.
    if (K > 0 && W > 0 && kMax + wMax >= floats)
      throw new RangeError(
        `sgemmIndexed: operand ${name}'s offsets reach [0, ${kMax + wMax}], outside [0, ${floats})`,
      );
    return { offset, floats, k: o.kOff as Strided, w: o.wOff as Strided };
  }
  const k = tableOf(name, o.kOff, K);
  const w = tableOf(name, o.wOff, W);
  if (K > 0 && W > 0) {
    if (k.min + w.min < 0 || k.max + w.max >= floats)
      throw new RangeError(
        `sgemmIndexed: operand ${name}'s offsets reach [${k.min + w.min}, ${k.max + w.max}], outside [0, ${floats})`,
      );
    // Shift so that both parts are >= 0 (the sums are unchanged): the packers load padded
    // panel entries from kTab[p] + 0, which must stay inside the operand.
    for (let i = 0; i < K; i++) k.table[i] = (k.table[i] as number) - k.min;
    for (let i = 0; i < W; i++) w.table[i] = (w.table[i] as number) + k.min;
  }
  return { offset, floats, k: k.table, w: w.table };
}

/**
 * Checks a strided map over n entries (integer steps, len >= 1, every offset within +-2^29, so
 * that no int32 table wraps). Returns its largest offset where both steps are non-negative (its
 * smallest is then 0, and that is all indexTables needs to know), else null (tableOf then
 * writes the table out and takes its range).
 */
function checkStrided(name: string, f: Strided, n: number): number | null {
  const len = f.len ?? n;
  const outer = f.outer ?? 0;
  for (const v of [f.inner, len, outer])
    if (!Number.isInteger(v))
      throw new RangeError(`sgemmIndexed: operand ${name}'s strided map has ${v}, not an integer`);
  if (len < 1) throw new RangeError(`sgemmIndexed: operand ${name}'s strided map has len ${len}`);
  const reach =
    n === 0
      ? 0
      : Math.abs(f.inner) * (Math.min(len, n) - 1) + Math.abs(outer) * Math.floor((n - 1) / len);
  if (reach > 0x1fffffff)
    throw new RangeError(
      `sgemmIndexed: operand ${name}'s strided map reaches ${reach}, not an offset`,
    );
  return f.inner >= 0 && outer >= 0 ? reach : null;
}

/** n values of an index map as a table, with their range. */
function tableOf(
  name: string,
  f: IndexMap | Strided,
  n: number,
): { table: Int32Array; min: number; max: number } {
  const table = new Int32Array(n);
  let min = Infinity;
  let max = -Infinity;
  // (a strided map was checked by indexTables' checkStrided: its table cannot wrap)
  if (typeof f !== "function") fillTable(table, 0, n, f, 1);
  for (let i = 0; i < n; i++) {
    const v = typeof f === "function" ? f(i) : (table[i] as number);
    if (!Number.isInteger(v) || Math.abs(v) > 0x1fffffff)
      throw new RangeError(`sgemmIndexed: operand ${name}'s map gives ${v} at ${i}, not an offset`);
    table[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { table, min, max };
}

/**
 * C_b = op(A) @ op(B_b) for the nb batch elements b of B (B_b the K x N matrix at bOff + b K N,
 * C_b the M x N matrix at cOff + b M N), one A for all: a broadcast matmul W @ x[b], the
 * pointwise (kernel-1) convolution of channel MLPs, and its input gradient W^T @ dy[b]. Run as
 * ONE product with the batch folded into the columns, N' = nb N: column b N + j of op(B) is
 * column j of op(B_b), which the offset tables express with no copy beyond the usual one
 * (wOff(b N + j) = b K N + wOff_B(j)). One product instead of nb saves the per-product
 * tables, packing of A and thread hand-offs (nb of them, each a few microseconds), and gives
 * the threads nb times more columns to share. Same arithmetic per element as nb calls of sgemm
 * (K chunks depend on K only), so results are bit-identical to them wherever those run the
 * SIMD kernel (each of at least SMALL_MACS multiply-adds).
 * Returns false (nothing done) where sgemm would not use the SIMD kernel; the caller then
 * loops over sgemm.
 */
export function sgemmSharedA(
  M: number,
  N: number,
  K: number,
  nb: number,
  A: Float32Array,
  aOff: number,
  B: Float32Array,
  bOff: number,
  C: Float32Array,
  cOff: number,
  transA: boolean,
  transB: boolean,
  bias?: Float32Array,
): boolean {
  const rt = sgemmRuntime();
  const NB = nb * N;
  if (rt === null || K === 0 || M === 0 || N === 0 || M * NB * K < SMALL_MACS) return false;
  if (
    (M < SGEMM_MR || K <= ROWS_MAX_K) &&
    !transB &&
    rt.rows !== null &&
    rowsProduct(rt, rt.rows, M, N, K, nb, A, aOff, transA, B, bOff, C, cOff, bias)
  ) {
    lastSharedAPath = "rows";
    return true;
  }
  lastSharedAPath = "sgemm";
  // B's rows are N long (one batch slice); the folded product has NB columns
  const { ars, acs, brs, bcs } = operandLayout(M, NB, K, transA, transB, N);
  const KN = K * N;
  const r = indexedProduct(
    rt,
    M,
    NB,
    K,
    A,
    aOff,
    M * K,
    { inner: acs },
    { inner: ars },
    B,
    bOff,
    NB * K,
    { inner: brs },
    // column J = b N + j: batch b's column j
    { inner: bcs, len: N, outer: KN },
    // In place where C is resident and the blocks are whole tiles (column tiles then never
    // straddle two batch elements); else row i of the product holds row i of every C_b, one
    // after the other, unfolded on the way out.
    residentAddress(C) >= 0 && M % SGEMM_MR === 0 && N % SGEMM_NR === 0
      ? { C, cOff, accumulate: false, fold: { cols: N, strideFloats: M * N }, bias }
      : {
          C,
          cOff,
          accumulate: false,
          bias,
          unfold: (out, c0, Np) => {
            for (let i = 0; i < M; i++)
              for (let bi = 0; bi < nb; bi++) {
                const s = c0 + i * Np + bi * N;
                C.set(out.subarray(s, s + N), cOff + (bi * M + i) * N);
              }
          },
        },
  );
  return r;
}

/**
 * Products W @ x[b] with at most this many terms (K) run on the row-streaming kernel whatever
 * M: each C row segment then takes K + 1 passes in the L1 cache, where the packed product
 * spends its time packing and storing tiles of a handful of multiply-adds. Measured on
 * [20, K, 1024] batches (AMD EPYC, 2 threads; packed -> rows, ms): 128 x 1 0.91 -> 0.28,
 * 128 x 2 0.92 -> 0.41, 40 x 3 0.37 -> 0.18, 20 x 4 0.24 -> 0.14, 20 x 8 0.26 -> 0.23.
 */
const ROWS_MAX_K = 4;

let lastSharedAPath: "rows" | "sgemm" | null = null;

/** Which kernel the last sgemmSharedA that ran used (null before the first; tests). */
export function sharedAPath(): "rows" | "sgemm" | null {
  return lastSharedAPath;
}

/**
 * C_b = op(A) @ B_b (B_b row-major; M < SGEMM_MR or K <= ROWS_MAX_K) on the row-streaming
 * kernel (simd-rows-module.ts): B read in place where it is resident (else copied in once), A copied
 * in row-major, C written in place where it is resident; batch elements (split by columns when
 * there are few) are units of a module job on the gemm threads. Bit-identical to the packed
 * product. False (nothing written) where the operands do not fit the sgemm memory.
 */
function rowsProduct(
  rt: SgemmRuntime,
  rows: RowsKernels,
  M: number,
  N: number,
  K: number,
  nb: number,
  A: Float32Array,
  aOff: number,
  transA: boolean,
  B: Float32Array,
  bOff: number,
  C: Float32Array,
  cOff: number,
  bias: Float32Array | undefined,
): boolean {
  const bIn = residentAddress(B, bOff);
  const cIn = residentAddress(C, cOff);
  const arena = new SgemmArena();
  const aAt = arena.take(4 * M * K);
  const bAt = bIn >= 0 ? bIn : arena.take(4 * nb * K * N);
  const cAt = cIn >= 0 ? cIn : arena.take(4 * nb * M * N);
  // about four units per thread: batch elements, each split into column ranges (multiples of
  // 16 columns) when there are fewer
  const want = 4 * getNumThreads();
  const split = nb >= want ? 1 : Math.min(Math.ceil(want / nb), Math.ceil(N / 16));
  const cw = split === 1 ? N : Math.ceil(N / split / 16) * 16;
  const parts = Math.ceil(N / cw);
  const kc = kChunk(K);
  // the running sums of the second and later K chunks: a segment per unit
  const scratchAt = kc < K ? arena.take(4 * nb * parts * cw) : 0;
  const biasAt = bias !== undefined ? arena.take(4 * M) : 0;
  const argsAt = arena.take(4 * ROWS_ARGS);
  if (!ensureBytes(rt, arena.end)) return false;
  const { f32, i32 } = views(rt);
  const a0 = aAt >> 2;
  if (!transA) f32.set(A.subarray(aOff, aOff + M * K), a0);
  else
    for (let i = 0; i < M; i++)
      for (let k = 0; k < K; k++) f32[a0 + i * K + k] = A[aOff + k * M + i];
  if (bIn < 0) f32.set(B.subarray(bOff, bOff + nb * K * N), bAt >> 2);
  if (bias !== undefined) f32.set(bias.subarray(0, M), biasAt >> 2);
  if (bIn >= 0 || cIn >= 0) noteInPlace("rows");
  i32.set(
    [aAt, bAt, 4 * K * N, cAt, 4 * M * N, M, K, N, kc, parts, cw, scratchAt, biasAt],
    argsAt >> 2,
  );
  runModuleJob(rt.rowsIndex, rows.unit, nb * parts, argsAt, M * N * K * nb);
  if (cIn < 0) C.set(f32.subarray(cAt >> 2, (cAt >> 2) + nb * M * N), cOff);
  return true;
}

let lastBatchSumPath: "dot" | "sgemm" | null = null;

/** Which kernel the last sgemmBatchSum that ran used (null before the first; tests). */
export function batchSumPath(): "dot" | "sgemm" | null {
  return lastBatchSumPath;
}

/**
 * C = sum_b op(A_b) @ op(B_b) over the nb batch matrices (A_b [M x K] from aOff + b M K, or
 * stored [K x M] when transA; B_b [K x N] from bOff + b K N, or [N x K] when transB): the
 * gradient of a weight shared by a batch (W @ x[b]: dW = sum_b dy_b x_b^T) as ONE product with
 * the batch folded into the contraction, K' = nb K: entry (i, (b, k)) of op(A) is entry (i, k)
 * of op(A_b), which the offset tables express with no copy beyond the usual one. Instead of nb
 * products of K terms (each too small for the threads) and a sum over b, one product of nb K
 * terms: float32 sums in K' chunks of at most 256 terms added in order, |error| <= gamma_K'
 * (2^-24) sum |a||b|, the bound of the float32 dot product it is.
 * Returns false (nothing done) where sgemm would not use the SIMD kernel.
 */
export function sgemmBatchSum(
  M: number,
  N: number,
  K: number,
  nb: number,
  A: Float32Array,
  aOff: number,
  B: Float32Array,
  bOff: number,
  C: Float32Array,
  cOff: number,
  transA: boolean,
  transB: boolean,
): boolean {
  const rt = sgemmRuntime();
  const KB = nb * K;
  if (rt === null || KB === 0 || M === 0 || N === 0 || M * N * KB < SMALL_MACS) return false;
  if (
    !transA &&
    transB &&
    rt.dot !== null &&
    M <= DOT_MAX_ROWS_A &&
    N <= DOT_MAX_ROWS_B &&
    (swapsDotOperands(M, N)
      ? dotBatchSum(rt, rt.dot, N, M, K, nb, B, bOff, A, aOff, C, cOff, true)
      : dotBatchSum(rt, rt.dot, M, N, K, nb, A, aOff, B, bOff, C, cOff, false))
  ) {
    lastBatchSumPath = "dot";
    return true;
  }
  const { ars, acs, brs, bcs } = operandLayout(M, N, K, transA, transB);
  const MK = M * K;
  const KN = K * N;
  // contraction index p = b K + k: batch b's element k
  const r = indexedProduct(
    rt,
    M,
    N,
    KB,
    A,
    aOff,
    nb * MK,
    { inner: acs, len: K, outer: MK },
    { inner: ars },
    B,
    bOff,
    nb * KN,
    { inner: brs, len: K, outer: KN },
    { inner: bcs },
    { C, cOff, accumulate: false },
  );
  if (!r) return false;
  lastBatchSumPath = "sgemm";
  return true;
}

/**
 * Where the dot kernel runs: at most this many rows of A and of B. Beyond, the packed product
 * wins again (its 4 x 8 tile reuses each packed element M / 4 or N / 8 times, and it runs on
 * the threads; the dot kernel runs on one). Measured on FNO weight gradients (K = 20 x 1024,
 * AMD EPYC, 2 threads): 20 x 20 0.69 ms (sgemm 1.22), 1 x 128 1.29 ms (1.95), but 128 x 20
 * 4.65 ms (3.95).
 */
const DOT_MAX_ROWS_A = 64;
const DOT_MAX_ROWS_B = 160;

/**
 * Whether sum_b A_b B_b^T runs as (sum_b B_b A_b^T)^T on the dot kernel: where that pads fewer
 * rows (its tiles are 4 rows of the first operand against 2 of the second, so M = 1 against
 * N = 128 computes 4 x 128 entries, swapped 128 x 2). Each entry is the same sum of the same
 * products in the same order either way (a b = b a in float32), so the bits do not change.
 */
function swapsDotOperands(M: number, N: number): boolean {
  return (
    padded(N, DOT_ROWS_A) * padded(M, DOT_ROWS_B) < padded(M, DOT_ROWS_A) * padded(N, DOT_ROWS_B)
  );
}

/**
 * C = sum_b A_b B_b^T (A_b [M x K], B_b [N x K] row-major, both along the contraction) on the
 * dot kernel (simd-dot-module.ts): operands copied into the sgemm memory zero-padded to whole
 * 4 x 2 tiles and K to a multiple of 8, every tile computed in place, C copied out (C^T, an
 * N x M matrix at cOff, with `transposeC`). False (nothing written) where the padded operands
 * do not fit the sgemm memory.
 */
function dotBatchSum(
  rt: SgemmRuntime,
  dot: DotKernels,
  M: number,
  N: number,
  K: number,
  nb: number,
  A: Float32Array,
  aOff: number,
  B: Float32Array,
  bOff: number,
  C: Float32Array,
  cOff: number,
  transposeC: boolean,
): boolean {
  const Kp = padded(K, DOT_K_STEP);
  const Mp = padded(M, DOT_ROWS_A);
  const Np = padded(N, DOT_ROWS_B);
  // Operands already laid out as the kernel reads them (resident, no padding) are read in place.
  const aIn = Kp === K && Mp === M ? residentAddress(A, aOff) : -1;
  const bIn = Kp === K && Np === N ? residentAddress(B, bOff) : -1;
  const arena = new SgemmArena();
  const aAt = aIn >= 0 ? aIn : arena.take(4 * nb * Mp * Kp);
  const bAt = bIn >= 0 ? bIn : arena.take(4 * nb * Np * Kp);
  const cAt = arena.take(4 * Mp * Np);
  if (!ensureBytes(rt, arena.end)) return false;
  const { f32 } = views(rt);
  const place = (src: Float32Array, off: number, rows: number, rowsP: number, at: number) => {
    for (let b = 0; b < nb; b++) {
      const dst = (at >> 2) + b * rowsP * Kp;
      const from = off + b * rows * K;
      if (Kp === K) f32.set(src.subarray(from, from + rows * K), dst);
      else
        for (let r = 0; r < rows; r++) {
          f32.set(src.subarray(from + r * K, from + (r + 1) * K), dst + r * Kp);
          f32.fill(0, dst + r * Kp + K, dst + (r + 1) * Kp);
        }
      f32.fill(0, dst + rows * Kp, dst + rowsP * Kp);
    }
  };
  if (aIn >= 0 || bIn >= 0) noteInPlace("dot");
  if (aIn < 0) place(A, aOff, M, Mp, aAt);
  if (bIn < 0) place(B, bOff, N, Np, bAt);
  const job = dotJob;
  job[DotField.a] = aAt;
  job[DotField.b] = bAt;
  job[DotField.c] = cAt;
  job[DotField.pairs] = Kp / DOT_K_STEP;
  job[DotField.rowBytes] = 4 * Kp;
  job[DotField.aBatch] = 4 * Mp * Kp;
  job[DotField.bBatch] = 4 * Np * Kp;
  job[DotField.nb] = nb;
  job[DotField.cRow] = 4 * Np;
  job[DotField.Mp] = Mp;
  job[DotField.Np] = Np;
  // tiles of 4 rows of A against 2 of B, on the gemm threads when the product is large enough
  runDotJob(rt, dot, job, Mp * Np * Kp * nb);
  if (!transposeC) copyRows(f32, cAt >> 2, Np, C, cOff, N, M, N);
  else
    for (let i = 0, c0 = cAt >> 2; i < M; i++)
      for (let j = 0; j < N; j++) C[cOff + j * M + i] = f32[c0 + i * Np + j];
  return true;
}

/** rows x cols floats from src (rows `sld` apart) to dst (rows `dld` apart). */
export function copyRows(
  src: Float32Array,
  s0: number,
  sld: number,
  dst: Float32Array,
  d0: number,
  dld: number,
  rows: number,
  cols: number,
): void {
  if (sld === cols && dld === cols) {
    dst.set(src.subarray(s0, s0 + rows * cols), d0);
    return;
  }
  for (let i = 0; i < rows; i++)
    dst.set(src.subarray(s0 + i * sld, s0 + i * sld + cols), d0 + i * dld);
}

/** Whether the float32 kernel is available here (WebAssembly SIMD). */
export function sgemmAvailable(): boolean {
  return sgemmRuntime() !== null;
}
