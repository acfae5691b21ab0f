/**
 * The WebAssembly SIMD module of row-streaming products: C_b = A @ B_b for one A [M x K] and a
 * batch of B_b [K x N], all row-major in the sgemm memory, for the shapes where the packed
 * sgemm wastes its work: fewer rows than its register tile (the projection of a channel MLP to
 * one channel, w [1 x 128] at every grid point: the packed product pads A's row to 4, three
 * quarters of its multiply-adds wasted, after copying all of B into panels) or few terms
 * (K <= 4: that projection's input gradient w^T dy, K = 1, and a lifting from 3 channels,
 * where packing and tile stores outweigh a handful of multiply-adds). Here B's rows are read in
 * place, once, in memory order.
 *
 *   unit(u, args): batch element b = u / parts, columns [p cw, min(N, (p + 1) cw)) of it for
 *   p = u mod parts; the int32 argument block at `args` holds
 *   [a, b, bBatch, c, cBatch, M, K, N, kc, parts, cw, scratch, bias] (byte addresses, byte
 *   strides between batch elements, sizes, the K chunk length, the column split, scratch of cw
 *   floats per unit, used only when K > kc, and M floats of bias added to the rows after the
 *   sum, or 0).
 *
 * Order: for each row i of A and K chunk, the column segment's running sums are a row in memory
 * (C's own segment for the first chunk), updated by each row k of B in turn: B streams through
 * once, in order. (Running down a 16-column strip instead reads lines 4 N bytes apart, which
 * for N = 1024 all fall in one set of the L1 cache: measured 1.0 ms for 1 x 128 @ [20, 128,
 * 1024] against 0.3 ms this way.)
 * Arithmetic, element by element the micro-kernel's (sgemm-module.ts): for each K chunk of kc
 * terms (kChunk(K), as the packed product uses), acc = 0, then acc = acc + a[i, k] b[k, j] for
 * k in order (a multiply, then an add: no fused multiply-add); C = acc for the first chunk and
 * C = C + acc for the others. Columns run 16 at a time, then 4, then one by one in scalar
 * float32: the same operations in every case, so the bits equal the packed product's whatever
 * M, N, the split or the thread.
 */
import {
  ALIGN_4,
  assembleModule,
  BLOCK_VOID,
  F32,
  FunctionBody,
  I32,
  memOp,
  Op,
  Simd,
  V128,
} from "../../wasm/assembler.js";

/** Int32 entries of a unit's argument block. */
export const ROWS_ARGS = 13;

/** The export of the module (byte addresses in the sgemm memory). */
export interface RowsKernels {
  unit(u: number, args: number): void;
}

function unitBody(): FunctionBody {
  // params: 0 u, 1 args
  const f = new FunctionBody(2);
  const args = Array.from({ length: ROWS_ARGS }, () => f.local(I32));
  const [a, b, bBatch, c, cBatch, M, K, N, kc, parts, cw, scratch, bias] = args;
  const [j0, j1, i, k0, k1, k, pb, pd, end, ldb, aRow, cRow, dst] = Array.from({ length: 13 }, () =>
    f.local(I32),
  );
  const sv = f.local(V128);
  const sf = f.local(F32);
  args.forEach((local, x) => {
    f.get(1);
    f.emit(Op.i32Load, 2, 4 * x);
    f.set(local);
  });
  const mul = (x: number, y: number) => {
    f.get(x);
    f.get(y);
    f.emit(Op.i32Mul);
  };
  const addBytes = (x: number, floats: number) => {
    f.get(x);
    f.i32Const(4 * floats);
    f.emit(Op.i32Add);
    f.set(x);
  };
  /** `while (counter + step <= limit) { body; counter += step }` (byte counters). */
  const whileFits = (counter: number, step: number, limit: number, body: () => void) => {
    f.emit(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID);
    f.get(counter);
    f.i32Const(step);
    f.emit(Op.i32Add);
    f.get(limit);
    f.emit(Op.i32GtU, Op.brIf, 1);
    body();
    f.emit(Op.br, 0, Op.end, Op.end);
  };
  /**
   * Over the segment's columns (pd from dst, pb alongside, end = dst + 4 (j1 - j0)): 16 floats,
   * then 4, then 1 at a time, `vector(offset)` / `scalar()` emitting one step at pd / pb.
   */
  const segment = (vector: (offset: number) => void, scalar: () => void) => {
    whileFits(pd, 64, end, () => {
      for (let v = 0; v < 4; v++) vector(16 * v);
      addBytes(pd, 16);
      addBytes(pb, 16);
    });
    whileFits(pd, 16, end, () => {
      vector(0);
      addBytes(pd, 4);
      addBytes(pb, 4);
    });
    whileFits(pd, 4, end, () => {
      scalar();
      addBytes(pd, 1);
      addBytes(pb, 1);
    });
  };
  // b += (u / parts) bBatch, c += (u / parts) cBatch
  for (const [base, stride] of [
    [b, bBatch],
    [c, cBatch],
  ] as const) {
    f.get(base);
    f.get(0);
    f.get(parts);
    f.emit(Op.i32DivU);
    f.get(stride);
    f.emit(Op.i32Mul, Op.i32Add);
    f.set(base);
  }
  // j0 = (u mod parts) cw, j1 = min(N, j0 + cw); scratch += 4 u cw
  f.get(0);
  f.get(parts);
  f.emit(Op.i32RemU);
  f.get(cw);
  f.emit(Op.i32Mul);
  f.tee(j0);
  f.get(cw);
  f.emit(Op.i32Add);
  f.set(j1);
  f.get(j1);
  f.get(N);
  f.emit(Op.i32GtS, Op.if, BLOCK_VOID);
  f.get(N);
  f.set(j1);
  f.emit(Op.end);
  mul(0, cw);
  f.i32Const(2);
  f.emit(Op.i32Shl);
  f.get(scratch);
  f.emit(Op.i32Add);
  f.set(scratch);
  // ldb = 4 N
  f.get(N);
  f.i32Const(2);
  f.emit(Op.i32Shl);
  f.set(ldb);
  const startSegment = (from: number) => {
    // pd = dst, pb = from + 4 j0, end = dst + 4 (j1 - j0)
    f.get(dst);
    f.set(pd);
    f.get(from);
    f.get(j0);
    f.i32Const(2);
    f.emit(Op.i32Shl, Op.i32Add);
    f.set(pb);
    f.get(dst);
    f.get(j1);
    f.get(j0);
    f.emit(Op.i32Sub);
    f.i32Const(2);
    f.emit(Op.i32Shl, Op.i32Add);
    f.set(end);
  };

  // rows i = 0 .. M - 1
  f.i32Const(0);
  f.set(i);
  f.emit(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID);
  f.get(i);
  f.get(M);
  f.emit(Op.i32GeS, Op.brIf, 1);
  // aRow = a + 4 i K, cRow = c + i ldb
  mul(i, K);
  f.i32Const(2);
  f.emit(Op.i32Shl);
  f.get(a);
  f.emit(Op.i32Add);
  f.set(aRow);
  mul(i, ldb);
  f.get(c);
  f.emit(Op.i32Add);
  f.set(cRow);
  // chunks k0 = 0, kc, 2 kc, ...
  f.i32Const(0);
  f.set(k0);
  f.emit(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID);
  f.get(k0);
  f.get(K);
  f.emit(Op.i32GeS, Op.brIf, 1);
  f.get(k0);
  f.get(kc);
  f.emit(Op.i32Add);
  f.set(k1);
  f.get(k1);
  f.get(K);
  f.emit(Op.i32GtS, Op.if, BLOCK_VOID);
  f.get(K);
  f.set(k1);
  f.emit(Op.end);
  // The chunk's sums go to C's segment itself for the first chunk (C = acc), else to this
  // unit's scratch (added to C after): dst = k0 ? scratch : cRow + 4 j0. Zeroed first.
  f.get(k0);
  f.emit(Op.if, I32);
  f.get(scratch);
  f.emit(Op.else);
  f.get(cRow);
  f.get(j0);
  f.i32Const(2);
  f.emit(Op.i32Shl, Op.i32Add);
  f.emit(Op.end);
  f.set(dst);
  startSegment(b);
  segment(
    (o) => {
      f.get(pd);
      f.simd(Simd.const, ...new Array<number>(16).fill(0));
      f.vstore(o);
    },
    () => {
      f.get(pd);
      f.emit(Op.f32Const, 0, 0, 0, 0);
      f.emit(...memOp(Op.f32Store, ALIGN_4, 0));
    },
  );
  // for k in k0 .. k1 - 1: dst[j] = dst[j] + a[i, k] b[k, j] over the segment
  f.get(k0);
  f.set(k);
  f.emit(Op.loop, BLOCK_VOID);
  f.get(aRow);
  f.get(k);
  f.i32Const(2);
  f.emit(Op.i32Shl, Op.i32Add);
  f.emit(...memOp(Op.f32Load, ALIGN_4, 0));
  f.tee(sf);
  f.simd(Simd.f32x4Splat);
  f.set(sv);
  mul(k, ldb);
  f.get(b);
  f.emit(Op.i32Add);
  f.set(pb); // row k of B_b; startSegment adds 4 j0
  startSegment(pb);
  segment(
    (o) => {
      f.get(pd);
      f.get(pd);
      f.vload(o);
      f.get(sv);
      f.get(pb);
      f.vload(o);
      f.simd(Simd.f32x4Mul);
      f.simd(Simd.f32x4Add);
      f.vstore(o);
    },
    () => {
      f.get(pd);
      f.get(pd);
      f.emit(...memOp(Op.f32Load, ALIGN_4, 0));
      f.get(sf);
      f.get(pb);
      f.emit(...memOp(Op.f32Load, ALIGN_4, 0));
      f.emit(Op.f32Mul, Op.f32Add);
      f.emit(...memOp(Op.f32Store, ALIGN_4, 0));
    },
  );
  f.get(k);
  f.i32Const(1);
  f.emit(Op.i32Add);
  f.tee(k);
  f.get(k1);
  f.emit(Op.i32LtS, Op.brIf, 0, Op.end);
  // later chunks: C = C + acc over the segment (pd walks the scratch, pb C's row)
  f.get(k0);
  f.emit(Op.if, BLOCK_VOID);
  startSegment(cRow);
  segment(
    (o) => {
      f.get(pb);
      f.get(pb);
      f.vload(o);
      f.get(pd);
      f.vload(o);
      f.simd(Simd.f32x4Add);
      f.vstore(o);
    },
    () => {
      f.get(pb);
      f.get(pb);
      f.emit(...memOp(Op.f32Load, ALIGN_4, 0));
      f.get(pd);
      f.emit(...memOp(Op.f32Load, ALIGN_4, 0));
      f.emit(Op.f32Add);
      f.emit(...memOp(Op.f32Store, ALIGN_4, 0));
    },
  );
  f.emit(Op.end);
  f.get(k1);
  f.set(k0);
  f.emit(Op.br, 0, Op.end, Op.end);
  // a bias: C = C + bias[i] over the segment, after the sum (as a separate add)
  f.get(bias);
  f.emit(Op.if, BLOCK_VOID);
  f.get(bias);
  f.get(i);
  f.i32Const(2);
  f.emit(Op.i32Shl, Op.i32Add);
  f.emit(...memOp(Op.f32Load, ALIGN_4, 0));
  f.tee(sf);
  f.simd(Simd.f32x4Splat);
  f.set(sv);
  f.get(cRow);
  f.get(j0);
  f.i32Const(2);
  f.emit(Op.i32Shl, Op.i32Add);
  f.set(dst);
  startSegment(cRow);
  segment(
    (o) => {
      f.get(pd);
      f.get(pd);
      f.vload(o);
      f.get(sv);
      f.simd(Simd.f32x4Add);
      f.vstore(o);
    },
    () => {
      f.get(pd);
      f.get(pd);
      f.emit(...memOp(Op.f32Load, ALIGN_4, 0));
      f.get(sf);
      f.emit(Op.f32Add);
      f.emit(...memOp(Op.f32Store, ALIGN_4, 0));
    },
  );
  f.emit(Op.end);
  f.get(i);
  f.i32Const(1);
  f.emit(Op.i32Add);
  f.set(i);
  f.emit(Op.br, 0, Op.end, Op.end);
  return f;
}

/** The module over the memory imported as env.mem (the sgemm memory). */
export function rowsModuleBytes(shared: boolean, maxPages: number): Uint8Array<ArrayBuffer> {
  return assembleModule({
    types: [{ params: [I32, I32], results: [] }],
    functions: [{ type: 0, body: unitBody() }],
    importMemory: { module: "env", name: "mem", minPages: 1, maxPages, shared },
    exports: [{ name: "unit", kind: "func", index: 0 }],
  });
}
