/**
 * One float32 product on operands already in the sgemm memory, and the loop nest that runs a
 * rectangle of it; the same code runs on the main thread and in the gemm workers.
 *
 * op(A)[i, k] is the f32 at aSrc + aK[k] + aW[i], op(B)[k, j] at bSrc + bK[k] + bW[j] (byte
 * addresses and int32 offset tables in the memory, see sgemm-module.ts); C is the Mp x Np
 * row-major f32 block at cAddr (ldc bytes per row, M and N rounded up to the tile), written
 * whole tiles at a time. The Goto / BLIS nest: K is walked in equal chunks of at most KC
 * (chosen from K alone, so every thread and every split of M or N sums each element in the
 * same order: results are bit-identical whatever the thread count); per chunk a kc x unit
 * slice of op(B) (or unit x kc of op(A)) is packed into the thread's scratch and the
 * micro-kernel runs every MR x NR tile against the pre-packed other operand.
 * Threads share the work dynamically: the product is cut into units (column blocks when N >= M,
 * else row blocks), the operand all units read is packed whole once, and each thread takes the
 * next unit from a shared atomic counter, so a thread slowed by other processes simply takes
 * fewer units.
 */
import { SGEMM_MR, SGEMM_NR, type SgemmExports } from "./sgemm-module.js";

/** K chunk: a kc x NR panel of B is 8 KiB (L1 is 32 KiB). */
export const SGEMM_KC = 256;
/** M chunk (a multiple of MR): the packed mc x kc block of A is 96 KiB (L2). */
export const SGEMM_MC = 96;
/** Largest unit of work along N (a multiple of NR): its packed kc x unit B block is 256 KiB. */
export const SGEMM_NU = 256;

/** Int32 fields of a job, as stored in a thread's control slot (see gemm-threads.ts). */
export const JobField = {
  seq: 0,
  done: 1,
  ready: 2,
  error: 3,
  K: 4,
  kc: 5,
  aSrc: 6,
  aK: 7,
  aW: 8,
  aDesc: 9,
  bSrc: 10,
  bK: 11,
  bW: 12,
  bDesc: 13,
  cAddr: 14,
  ldc: 15,
  accumulate: 16,
  M: 17,
  N: 18,
  /** 1: units are column blocks (A pre-packed whole); 0: row blocks (B pre-packed whole). */
  splitN: 19,
  unit: 20,
  units: 21,
  /** The operand packed whole by the main thread before the units start. */
  packed: 22,
  /** This thread's packing scratch (unit x kc floats). */
  pack: 23,
  /** 0: units from the shared counter; else units thread, thread + threads, ... (tests). */
  staticThreads: 24,
  thread: 25,
  /** Units this thread has computed since it started (statistics, for tests). */
  unitsDone: 26,
  /**
   * Who runs job `seq` on this worker: -seq while open (set by the main thread before it
   * publishes seq), seq once the worker claims it, 0 once the main thread withdrew it (the
   * worker had not woken up by the time the main thread ran out of units). Both sides move it
   * by compare-exchange, so exactly one wins.
   */
  claim: 27,
  /** What the job is: JobKind (a product, or a map job of map-job.ts). */
  kind: 28,
  /**
   * 0: column j of C at byte 4 j of its row. Else C is a batch of blocks folded into the columns
   * (sgemmSharedA writing in place): column j is column j % cBatchCols of block
   * floor(j / cBatchCols), blocks cBatchStride bytes apart; cBatchCols is a multiple of NR.
   */
  cBatchCols: 29,
  cBatchStride: 30,
  /**
   * Bit 0 (A) / bit 1 (B): every K chunk of the operand is contiguous along k (element (p, t)
   * at kTab[chunk start] + 4 p + wTab[t]): its panels are packed by the transposing packers.
   */
  kContiguous: 31,
  /**
   * 1 while the worker sleeps in Atomics.wait (or is about to), 0 while it runs a job or spins
   * waiting for the next one: the main thread notifies only a sleeping worker.
   */
  sleeping: 32,
  /**
   * Byte address of a per-row bias (Mp floats, padded) added to C with the last K chunk, or 0
   * (none).
   */
  bias: 33,
} as const;

/**
 * Job kinds: a float32 product (this file), the GELU kernels over parts of arrays (map-job.ts)
 * or the tiles of a batch-summed dot product (dot-job.ts).
 */
export const JobKind = { sgemm: 0, gelu: 1, dot: 2, module: 3 } as const;
/** Int32 slots per thread control block (256 bytes: no two threads share a cache line pair). */
export const SLOT_INTS = 64;
/** Int32 index (in the memory) of the shared unit counter: slot 0, which no worker uses. */
export const COUNTER_INDEX = 0;

/**
 * How long a gemm worker spins for its next job before it sleeps (env MODEWISE_SPIN_MS, 5 by
 * default; 0 sleeps at once). Jobs of a training step come tens to hundreds of microseconds
 * apart; waking a sleeping worker costs the main thread a notify (a system call, ~40 us a job
 * on a virtual machine, where it wakes a virtual CPU) and the worker joins late. (OpenMP
 * runtimes spin likewise before they block, e.g. KMP_BLOCKTIME, 200 ms by default.) The main
 * thread, waiting for a worker's last unit, spins min(1, this) ms before it sleeps. A spinning
 * thread holds its core; an idle program stops spinning after this long.
 */
export const SPIN_MS = ((): number => {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const v = Number(env?.MODEWISE_SPIN_MS ?? 5);
  return Number.isFinite(v) && v >= 0 ? Math.min(v, 1000) : 5;
})();

/** The equal K chunk length used for a K-term product (depends on K only). */
export function kChunk(K: number): number {
  return Math.ceil(K / Math.ceil(K / SGEMM_KC));
}

/** Floats of the per-thread packing scratch for K-term products. */
export function packFloats(K: number): number {
  return Math.max(SGEMM_MC, SGEMM_NU) * kChunk(K);
}

/**
 * Packs the operand that every unit shares, whole, chunk by chunk: op(A) (Mp x K, column-block
 * units) or op(B) (K x Np, row-block units); chunk pc starts at packed + 4 pc Mp (or Np).
 */
export function prepack(x: SgemmExports, s: Int32Array): void {
  const K = s[JobField.K];
  const kc0 = s[JobField.kc];
  for (let pc = 0; pc < K; pc += kc0) {
    const kc = Math.min(kc0, K - pc);
    if (s[JobField.splitN] === 1) {
      const panels = Math.ceil(s[JobField.M] / SGEMM_MR);
      const dst = s[JobField.packed] + 4 * pc * panels * SGEMM_MR;
      (s[JobField.kContiguous] & 1 ? x.packAT : x.packA)(
        kc,
        panels,
        s[JobField.aSrc],
        s[JobField.aK] + 4 * pc,
        s[JobField.aW],
        s[JobField.aDesc],
        dst,
      );
    } else {
      const panels = Math.ceil(s[JobField.N] / SGEMM_NR);
      const dst = s[JobField.packed] + 4 * pc * panels * SGEMM_NR;
      (s[JobField.kContiguous] & 2 ? x.packBT : x.packB)(
        kc,
        panels,
        s[JobField.bSrc],
        s[JobField.bK] + 4 * pc,
        s[JobField.bW],
        s[JobField.bDesc],
        dst,
      );
    }
  }
}

/**
 * Takes units of the job in `slot` from the shared counter until none is left, and computes
 * each: a block of `unit` columns (all rows) or rows (all columns) of C. Units may land on
 * any thread in any order: each element of C gets the same operations either way.
 */
export function runUnits(x: SgemmExports, slot: Int32Array, counter: Int32Array): void {
  const K = slot[JobField.K];
  const kc0 = slot[JobField.kc];
  const M = slot[JobField.M];
  const N = slot[JobField.N];
  const cAddr = slot[JobField.cAddr];
  const ldc = slot[JobField.ldc];
  const accumulate = slot[JobField.accumulate];
  const unit = slot[JobField.unit];
  const units = slot[JobField.units];
  const packed = slot[JobField.packed];
  const pack = slot[JobField.pack];
  const splitN = slot[JobField.splitN] === 1;
  const MR = SGEMM_MR;
  const NR = SGEMM_NR;
  const Mp = Math.ceil(M / MR) * MR;
  const Np = Math.ceil(N / NR) * NR;
  const fixed = slot[JobField.staticThreads];
  const batchCols = slot[JobField.cBatchCols];
  const batchStride = slot[JobField.cBatchStride];
  const packA = slot[JobField.kContiguous] & 1 ? x.packAT : x.packA;
  const packB = slot[JobField.kContiguous] & 2 ? x.packBT : x.packB;
  const bias = slot[JobField.bias];
  /** The bias address of row i for K chunk pc (the last chunk only), else 0. */
  const biasAt = (pc: number, kc: number, i: number): number =>
    bias !== 0 && pc + kc >= K ? bias + 4 * i : 0;
  /** Byte offset of column j (a multiple of NR) in C's rows. */
  const col = (j: number): number => {
    if (batchCols === 0) return 4 * j;
    const b = Math.floor(j / batchCols);
    return b * batchStride + 4 * (j - b * batchCols);
  };
  /**
   * The kernel on `count` panels of B from packed panel b (kc NR floats each) against the A
   * tiles at a, C from column j: one kernelPanels call per run of panels whose C columns are
   * consecutive (all of them, unless a folded batch's block ends inside).
   */
  const runPanels = (
    kc: number,
    tiles: number,
    a: number,
    b: number,
    c0: number,
    j: number,
    count: number,
    acc: number,
    bias: number,
  ) => {
    for (let q = 0; q < count; ) {
      let run = count - q;
      if (batchCols !== 0) run = Math.min(run, (batchCols - ((j + q * NR) % batchCols)) / NR);
      x.kernelPanels(
        kc,
        tiles,
        a,
        b + 4 * q * kc * NR,
        c0 + col(j + q * NR),
        ldc,
        acc,
        run,
        4 * NR,
        bias,
      );
      q += run;
    }
  };
  for (let next = slot[JobField.thread]; ; next += fixed) {
    const u = fixed > 0 ? next : Atomics.add(counter, COUNTER_INDEX, 1);
    if (u >= units) return;
    slot[JobField.unitsDone]++;
    if (splitN) {
      const j0 = u * unit;
      const count = Math.ceil((Math.min(N, j0 + unit) - j0) / NR);
      const bW = slot[JobField.bW] + 4 * j0;
      const bDesc = slot[JobField.bDesc] + (4 * j0) / NR;
      for (let pc = 0; pc < K; pc += kc0) {
        const kc = Math.min(kc0, K - pc);
        const acc = pc > 0 || accumulate !== 0 ? 1 : 0;
        packB(kc, count, slot[JobField.bSrc], slot[JobField.bK] + 4 * pc, bW, bDesc, pack);
        for (let ic = 0; ic < M; ic += SGEMM_MC) {
          const tiles = Math.ceil(Math.min(SGEMM_MC, M - ic) / MR);
          const a = packed + 4 * (pc * Mp + ic * kc);
          runPanels(kc, tiles, a, pack, cAddr + ic * ldc, j0, count, acc, biasAt(pc, kc, ic));
        }
      }
    } else {
      const i0 = u * unit;
      const tiles = Math.ceil((Math.min(M, i0 + unit) - i0) / MR);
      const aW = slot[JobField.aW] + 4 * i0;
      const aDesc = slot[JobField.aDesc] + (4 * i0) / MR;
      const c0 = cAddr + i0 * ldc;
      for (let pc = 0; pc < K; pc += kc0) {
        const kc = Math.min(kc0, K - pc);
        const acc = pc > 0 || accumulate !== 0 ? 1 : 0;
        packA(kc, tiles, slot[JobField.aSrc], slot[JobField.aK] + 4 * pc, aW, aDesc, pack);
        const b = packed + 4 * pc * Np;
        runPanels(kc, tiles, pack, b, c0, 0, Np / NR, acc, biasAt(pc, kc, i0));
      }
    }
  }
}
