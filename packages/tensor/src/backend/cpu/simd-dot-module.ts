/**
 * The WebAssembly SIMD module of batched row-by-row dot products (f32x4 lanes), over the
 * imported sgemm memory:
 *
 *   dot4x2(a, b, c, pairs, lda, ldb, batchA, batchB, nb, ldc)
 *     C[r, s] = sum_{t < nb} sum_{k < 8 pairs} A_t[r, k] B_t[s, k],  r < 4, s < 2,
 *   A_t's row r at byte a + t batchA + r lda, B_t's row s at b + t batchB + s ldb, C[r, s]
 *   stored (float32) at c + r ldc + 4 s.
 *
 * The products C = sum_t A_t B_t^T whose operands both run along the contraction in memory: the
 * gradient of a weight shared by a batch (dW = sum_b dy_b x_b^T), with M and N small and the
 * contraction long (batch x positions). sgemm would pack both operands for a 4 x 8 register
 * tile that each packed element then serves only M / 4 or N / 8 times; here the rows are read
 * in place, 4 rows of A against 2 of B, 8 accumulators (6 loads and 16 arithmetic operations per
 * 32 multiply-adds, the micro-kernel's ratio, with no packing).
 * Summation: lane j of an accumulator sums the products with k = j (mod 4), batch after batch,
 * k in order; the four lanes are added as (l0 + l2) + (l1 + l3). A fixed order for every
 * tile: |error| <= gamma_{nb K / 4 + 2}(2^-24) sum |a||b|, within the float32 dot product bound.
 * Operands are zero-padded by the caller to whole tiles and to K a multiple of 8 (pairs).
 */
import {
  assembleModule,
  FunctionBody,
  I32,
  memOp,
  Op,
  Simd,
  simd,
  V128,
} from "../../wasm/assembler.js";

export interface DotKernels {
  dot4x2(
    a: number,
    b: number,
    c: number,
    pairs: number,
    lda: number,
    ldb: number,
    batchA: number,
    batchB: number,
    nb: number,
    ldc: number,
  ): void;
}

/** Rows of A and of B in one tile. */
export const DOT_ROWS_A = 4;
export const DOT_ROWS_B = 2;
/** Floats of K per loop iteration (two vectors): callers pad K to a multiple. */
export const DOT_K_STEP = 8;

const MUL = simd(Simd.f32x4Mul);
const ADD = simd(Simd.f32x4Add);
/** i8x16.shuffle lane bytes: f32 lanes (2, 3, 0, 1) and (1, 0, 3, 2) of the first operand. */
const SWAP_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SWAP_PAIRS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

function dotBody(): FunctionBody {
  // params: 0 a, 1 b, 2 c, 3 pairs, 4 lda, 5 ldb, 6 batchA, 7 batchB, 8 nb, 9 ldc
  const f = new FunctionBody(10);
  const acc = f.locals(V128, DOT_ROWS_A * DOT_ROWS_B);
  const av = f.locals(V128, DOT_ROWS_A);
  const bv = f.locals(V128, DOT_ROWS_B);
  const pa = f.locals(I32, DOT_ROWS_A);
  const pb = f.locals(I32, DOT_ROWS_B);
  const n = f.local(I32);
  const t = f.local(V128);
  for (let i = 0; i < DOT_ROWS_A * DOT_ROWS_B; i++) {
    f.simd(Simd.const, ...new Array<number>(16).fill(0));
    f.set(acc + i);
  }
  // batches
  f.emit(Op.loop, 0x40);
  for (let r = 0; r < DOT_ROWS_A; r++) {
    f.get(0);
    f.get(4);
    f.i32Const(r);
    f.emit(Op.i32Mul, Op.i32Add);
    f.set(pa + r);
  }
  for (let s = 0; s < DOT_ROWS_B; s++) {
    f.get(1);
    f.get(5);
    f.i32Const(s);
    f.emit(Op.i32Mul, Op.i32Add);
    f.set(pb + s);
  }
  f.get(3);
  f.set(n);
  // k: two vectors per iteration
  f.emit(Op.loop, 0x40);
  for (let u = 0; u < 2; u++) {
    for (let s = 0; s < DOT_ROWS_B; s++) {
      f.get(pb + s);
      f.vload(16 * u);
      f.set(bv + s);
    }
    for (let r = 0; r < DOT_ROWS_A; r++) {
      f.get(pa + r);
      f.vload(16 * u);
      f.set(av + r);
    }
    for (let r = 0; r < DOT_ROWS_A; r++)
      for (let s = 0; s < DOT_ROWS_B; s++) {
        const x = acc + r * DOT_ROWS_B + s;
        f.get(x);
        f.get(av + r);
        f.get(bv + s);
        f.emit(...MUL, ...ADD);
        f.set(x);
      }
  }
  for (const p of [...range(pa, DOT_ROWS_A), ...range(pb, DOT_ROWS_B)]) {
    f.get(p);
    f.i32Const(32);
    f.emit(Op.i32Add);
    f.set(p);
  }
  f.get(n);
  f.i32Const(1);
  f.emit(Op.i32Sub);
  f.tee(n);
  f.emit(Op.brIf, 0, Op.end);
  // next batch
  for (const [p, step] of [
    [0, 6],
    [1, 7],
  ]) {
    f.get(p);
    f.get(step);
    f.emit(Op.i32Add);
    f.set(p);
  }
  f.get(8);
  f.i32Const(1);
  f.emit(Op.i32Sub);
  f.tee(8);
  f.emit(Op.brIf, 0, Op.end);
  // C[r, s] = (l0 + l2) + (l1 + l3)
  for (let r = 0; r < DOT_ROWS_A; r++)
    for (let s = 0; s < DOT_ROWS_B; s++) {
      const x = acc + r * DOT_ROWS_B + s;
      f.get(2);
      f.get(9);
      f.i32Const(r);
      f.emit(Op.i32Mul, Op.i32Add);
      // x + shuffle(x, x): (l0 + l2, l1 + l3, ...), then t + shuffle(t, t)
      f.get(x);
      f.get(x);
      f.get(x);
      f.simd(Simd.shuffle, ...SWAP_HALVES);
      f.emit(...ADD);
      f.tee(t);
      f.get(t);
      f.get(t);
      f.simd(Simd.shuffle, ...SWAP_PAIRS);
      f.emit(...ADD);
      f.simd(Simd.f32x4ExtractLane, 0);
      f.emit(...memOp(Op.f32Store, 2, 4 * s));
    }
  return f;
}

function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/** The module over the memory imported as env.mem (the sgemm memory). */
export function dotModuleBytes(shared: boolean, maxPages: number): Uint8Array<ArrayBuffer> {
  return assembleModule({
    types: [{ params: new Array<number>(10).fill(I32), results: [] }],
    functions: [{ type: 0, body: dotBody() }],
    importMemory: { module: "env", name: "mem", minPages: 1, maxPages, shared },
    exports: [{ name: "dot4x2", kind: "func", index: 0 }],
  });
}
