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
  const [a, b, bBatch, c, cBatch, M, K, N, kc, parts, cw, scratch, bias] = f.i32Args(1, ROWS_ARGS);
  const [j0, j1, i, k0, k1, k, pb, pd, end, ldb, aRow, cRow] = Array.from({ length: 12 }, () =>
    f.local(I32),
  );
  const sv = f.local(V128);
  const sf = f.local(F32);
  const F32_LOAD = memOp(Op.f32Load, ALIGN_4, 0);
  const F32_STORE = memOp(Op.f32Store, ALIGN_4, 0);
  const mul = (x: number, y: number) => {
    f.get(x);
    f.get(y);
    f.emit(Op.i32Mul);
  };
  /** Pushes local x + 4 (local y). */
  const plusFloats = (x: number, y: number) => {
    f.get(x);
    f.get(y);
    f.i32Const(2);
    f.emit(Op.i32Shl, Op.i32Add);
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
   * Over a column segment: pd from `target` (the emitted address), pb from `source` alongside,
   * end = pd + 4 (j1 - j0); 16 floats, then 4, then 1 at a time, `vector(offset)` / `scalar()`
   * emitting one step at pd / pb.
   */
  const segment = (
    target: () => void,
    source: () => void,
    vector: (offset: number) => void,
    scalar: () => void,
  ) => {
    target();
    f.set(pd);
    source();
    f.set(pb);
    f.get(pd);
    f.get(j1);
    f.get(j0);
    f.emit(Op.i32Sub);
    f.i32Const(2);
    f.emit(Op.i32Shl, Op.i32Add);
    f.set(end);
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
  /** target[j] = target[j] + addend over the segment (the addend emitted per vector / float). */
  const accumulate = (
    target: () => void,
    source: () => void,
    vectorAddend: (offset: number) => void,
    scalarAddend: () => void,
  ) =>
    segment(
      target,
      source,
      (o) => {
        f.get(pd);
        f.get(pd);
        f.vload(o);
        vectorAddend(o);
        f.simd(Simd.f32x4Add);
        f.vstore(o);
      },
      () => {
        f.get(pd);
        f.get(pd);
        f.emit(...F32_LOAD);
        scalarAddend();
        f.emit(Op.f32Add, ...F32_STORE);
      },
    );
  /** sf = the float at local base + 4 (local index), sv = it in every lane. */
  const splatAt = (base: number, index: number) => {
    plusFloats(base, index);
    f.emit(...F32_LOAD);
    f.tee(sf);
    f.simd(Simd.f32x4Splat);
    f.set(sv);
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
  f.minInto(j1, N);
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
  /** C's segment of row i: cRow + 4 j0. */
  const cSegment = () => plusFloats(cRow, j0);

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
  f.minInto(k1, K);
  // The chunk's sums go to C's segment itself for the first chunk (C = acc), else to this
  // unit's scratch (added to C after). Zeroed first.
  const sums = () => {
    f.get(k0);
    f.emit(Op.if, I32);
    f.get(scratch);
    f.emit(Op.else);
    cSegment();
    f.emit(Op.end);
  };
  segment(
    sums,
    () => f.i32Const(0),
    (o) => {
      f.get(pd);
      f.simd(Simd.const, ...new Array<number>(16).fill(0));
      f.vstore(o);
    },
    () => {
      f.get(pd);
      f.emit(Op.f32Const, 0, 0, 0, 0, ...F32_STORE);
    },
  );
  // for k in k0 .. k1 - 1: sums[j] = sums[j] + a[i, k] b[k, j] over the segment
  f.get(k0);
  f.set(k);
  f.emit(Op.loop, BLOCK_VOID);
  splatAt(aRow, k);
  accumulate(
    sums,
    () => {
      // row k of B_b, from column j0
      mul(k, ldb);
      f.get(b);
      f.emit(Op.i32Add);
      f.get(j0);
      f.i32Const(2);
      f.emit(Op.i32Shl, Op.i32Add);
    },
    (o) => {
      f.get(sv);
      f.get(pb);
      f.vload(o);
      f.simd(Simd.f32x4Mul);
    },
    () => {
      f.get(sf);
      f.get(pb);
      f.emit(...F32_LOAD, Op.f32Mul);
    },
  );
  f.get(k);
  f.i32Const(1);
  f.emit(Op.i32Add);
  f.tee(k);
  f.get(k1);
  f.emit(Op.i32LtS, Op.brIf, 0, Op.end);
  // later chunks: C = C + acc over the segment
  f.get(k0);
  f.emit(Op.if, BLOCK_VOID);
  accumulate(
    cSegment,
    () => f.get(scratch),
    (o) => {
      f.get(pb);
      f.vload(o);
    },
    () => {
      f.get(pb);
      f.emit(...F32_LOAD);
    },
  );
  f.emit(Op.end);
  f.get(k1);
  f.set(k0);
  f.emit(Op.br, 0, Op.end, Op.end);
  // a bias: C = C + bias[i] over the segment, after the sum (as a separate add)
  f.get(bias);
  f.emit(Op.if, BLOCK_VOID);
  splatAt(bias, i);
  accumulate(
    cSegment,
    () => f.i32Const(0),
    () => f.get(sv),
    () => f.get(sf),
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
