/**
 * The WebAssembly SIMD module of the float32 gemm (sgemm): a register-blocked micro-kernel and
 * two table-driven panel packers, assembled by hand (opcodes from the WebAssembly core + SIMD
 * specifications) over an imported memory, shared between threads where the platform allows.
 *
 * micro-kernel `kernel(kc, tiles, a, b, c, ldc, acc, bias)`: for `tiles` consecutive SGEMM_MR-row
 *   panels of packed A (each kc x MR floats, k-major) and one packed B panel (kc x NR floats,
 *   k-major), computes the MR x NR tile sum_p a[p, r] * b[p, :] in f32x4 lanes: row r of the
 *   tile is two f32x4 accumulators updated per k by splat(a_r) * b[0..3] and splat(a_r) *
 *   b[4..7], a separate multiply and add (relaxed/fused madd is not in Node 20 and would make
 *   results machine-dependent). Then C = acc (acc = 0) or C = C + acc (acc = 1), C rows
 *   `ldc` bytes apart, and, where `bias` is a byte address (not 0), + bias[r] on row r of the
 *   tile (the caller passes it with the last K chunk: C = y + b, rounded as a separate add).
 *   Every element of C is thus the same sequence of float32 operations whatever the tile, the
 *   thread or the split of M and N: results depend on K's blocking only.
 * packers `packA(kc, panels, src, kTab, wTab, desc, dst)` / `packB(...)`: write `panels` panels
 *   of width W (MR for A, NR for B), k-major: dst[q][p][t] = f32 at src + kTab[p] + wTab[q W + t]
 *   (byte offsets), for t < desc[q] & 255 and 0 beyond (edge panels are zero-padded so the
 *   kernel never tests edges). With bit 256 of desc[q] the W elements are contiguous in memory
 *   and are moved as v128 (plus one i64 for W = 6). The offset tables make one packer serve
 *   row-major and transposed operands and the implicit im2col of convolution.
 * Register budget: 4 x 8 uses 8 accumulators + 2 B vectors + 1 splat of the 16 xmm registers
 * of x64. 6 x 8 (15 registers) measured 27 vs 44 GFLOP/s for 4 x 8 in V8 (Node 20, AMD EPYC):
 * it spills. The kernel alone runs at ~43 GFLOP/s per thread (CPU time) here.
 */
import {
  ALIGN_4,
  ALIGN_8,
  ALIGN_16,
  assembleModule,
  FunctionBody,
  f32Const,
  I32,
  i32Const,
  localGet,
  localSet,
  localTee,
  memOp,
  Op,
  Simd,
  simd,
  simdMemOp,
  V128,
} from "../../wasm/assembler.js";

/** Rows of the register tile (A panel width). */
export const SGEMM_MR = 4;
/** Columns of the register tile (B panel width): two f32x4 vectors. */
export const SGEMM_NR = 8;
/** desc flag: the W elements of a panel row are contiguous. */
export const PANEL_CONTIGUOUS = 256;

/**
 * A panel packer (packA and packB share the signature): kc rows of `panels` panels from src,
 * addressed through the offset tables kTab / wTab and the panel descriptors desc, into dst.
 */
export type SgemmPackFn = (
  kc: number,
  panels: number,
  src: number,
  kTab: number,
  wTab: number,
  desc: number,
  dst: number,
) => void;

/** The exported functions, byte addresses in the memory the module was instantiated with. */
export interface SgemmExports {
  kernel(
    kc: number,
    tiles: number,
    a: number,
    b: number,
    c: number,
    ldc: number,
    acc: number,
    bias: number,
  ): void;
  packA: SgemmPackFn;
  packB: SgemmPackFn;
  /** packA / packB for operands contiguous along k in the chunk (see packTransposingBody). */
  packAT: SgemmPackFn;
  packBT: SgemmPackFn;
  /** The kernel on `panels` consecutive B panels, C columns cStep bytes apart (see there). */
  kernelPanels(
    kc: number,
    tiles: number,
    a: number,
    b: number,
    c: number,
    ldc: number,
    acc: number,
    panels: number,
    cStep: number,
    bias: number,
  ): void;
}

const get = localGet;
const set = localSet;
const tee = localTee;
const i32 = i32Const;
const ADD = Op.i32Add;
const SUB = Op.i32Sub;
const vload = (offset: number) => simdMemOp(Simd.load, ALIGN_16, offset);
const vstore = (offset: number) => simdMemOp(Simd.store, ALIGN_16, offset);
const i32load = (offset: number) => memOp(Op.i32Load, ALIGN_4, offset);
/** `count -= 1; br_if 0 (count != 0)`, then `end` of the loop. */
const countDown = (x: number) => [...get(x), ...i32(1), SUB, ...tee(x), Op.brIf, 0, Op.end];

function kernelBody(MR: number): FunctionBody {
  // params 0..7: kc, tiles, a, b, c, ldc, acc, bias
  const body = new FunctionBody(8);
  const out = body.local(V128);
  const accBase = body.locals(V128, 2 * MR);
  const b0 = body.local(V128);
  const b1 = body.local(V128);
  const s = body.local(V128);
  const k = body.local(I32);
  const bb = body.local(I32);
  const cc = body.local(I32);
  const fadd = simd(Simd.f32x4Add);
  const fmul = simd(Simd.f32x4Mul);
  const zero = simd(Simd.const, ...new Array<number>(16).fill(0));
  /** One k step at element offset u of the current a / b positions. */
  const step = (u: number): number[] => {
    const code: number[] = [];
    code.push(
      ...get(bb),
      ...vload(32 * u),
      ...set(b0),
      ...get(bb),
      ...vload(32 * u + 16),
      ...set(b1),
    );
    for (let r = 0; r < MR; r++) {
      code.push(...get(2), ...simdMemOp(Simd.load32Splat, ALIGN_4, 4 * (MR * u + r)), ...set(s));
      const a0 = accBase + 2 * r;
      code.push(...get(a0), ...get(s), ...get(b0), ...fmul, ...fadd, ...set(a0));
      code.push(...get(a0 + 1), ...get(s), ...get(b1), ...fmul, ...fadd, ...set(a0 + 1));
    }
    return code;
  };
  // a walks through its panel and lands on the next tile's panel.
  const advance = (steps: number) => [
    ...get(2),
    ...i32(4 * MR * steps),
    ADD,
    ...set(2),
    ...get(bb),
    ...i32(32 * steps),
    ADD,
    ...set(bb),
  ];
  const code: number[] = [];
  code.push(Op.loop, 0x40); // tiles
  for (let v = 0; v < 2 * MR; v++) code.push(...zero, ...set(accBase + v));
  code.push(...get(3), ...set(bb));
  // One k step per iteration: unrolling by 2 measured 28 vs 43 GFLOP/s (CPU time, V8 in
  // Node 20), the larger loop body apparently defeating its register allocation.
  code.push(...get(0), ...set(k), Op.loop, 0x40, ...step(0), ...advance(1), ...countDown(k));
  code.push(...get(4), ...set(cc));
  for (let r = 0; r < MR; r++) {
    for (let h = 0; h < 2; h++) {
      const v = accBase + 2 * r + h;
      // address; out = acc ? load(C) + v : v; bias ? out + splat(bias[r]) : out; store
      code.push(...get(cc), ...get(6), Op.if, V128);
      code.push(...get(cc), ...vload(16 * h), ...get(v), ...fadd, Op.else, ...get(v), Op.end);
      code.push(...set(out), ...get(7), Op.if, V128);
      code.push(...get(out), ...get(7), ...simdMemOp(Simd.load32Splat, ALIGN_4, 4 * r), ...fadd);
      code.push(Op.else, ...get(out), Op.end);
      code.push(...vstore(16 * h));
    }
    code.push(...get(cc), ...get(5), ADD, ...set(cc));
  }
  code.push(...get(cc), ...set(4)); // next tile: MR rows of C further down
  // and MR rows of the bias further (0 stays 0: no bias)
  code.push(...get(7), ...i32(4 * MR), ADD, ...i32(0), ...get(7), Op.select, ...set(7));
  code.push(...countDown(1));
  body.emit(...code);
  return body;
}

/**
 * kernelPanels(kc, tiles, a, b, c, ldc, acc, panels, cStep): the micro-kernel on `panels`
 * consecutive packed B panels (kc NR floats apart), their C columns cStep bytes apart. One call
 * from JavaScript per run of panels instead of one per panel: with small M and K (an FNO's
 * 20 x 20 weights) a panel is only a few thousand multiply-adds, and the call from JavaScript
 * cost about as much as the arithmetic.
 */
function kernelPanelsBody(): FunctionBody {
  // params 0..9: kc, tiles, a, b, c, ldc, acc, panels, cStep, bias
  const body = new FunctionBody(10);
  const code: number[] = [Op.loop, 0x40];
  for (let i = 0; i < 7; i++) code.push(...get(i));
  code.push(...get(9), Op.call, 0);
  code.push(...get(3), ...get(0), ...i32(4 * SGEMM_NR), Op.i32Mul, ADD, ...set(3));
  code.push(...get(4), ...get(8), ADD, ...set(4));
  code.push(...countDown(7));
  body.emit(...code);
  return body;
}

function packBody(W: number): FunctionBody {
  // params 0..6: kc, panels, src, kTab, wTab, desc, dst
  const body = new FunctionBody(7);
  const p = body.local(I32);
  const row = body.local(I32);
  const kt = body.local(I32);
  const d = body.local(I32);
  const w = body.local(I32);
  const c0 = body.local(I32);
  const code: number[] = [];
  code.push(Op.loop, 0x40); // panels
  code.push(...get(5), ...i32load(0), ...set(d));
  code.push(...get(d), ...i32(255), Op.i32And, ...set(w));
  code.push(...get(3), ...set(kt), ...get(0), ...set(p));
  code.push(...get(d), ...i32(PANEL_CONTIGUOUS), Op.i32And, Op.if, 0x40);
  {
    // Contiguous: row address = src + kTab[p] + wTab[q W]; move W floats as vectors.
    code.push(...get(2), ...get(4), ...i32load(0), ADD, ...set(c0));
    code.push(Op.loop, 0x40);
    code.push(...get(c0), ...get(kt), ...i32load(0), ADD, ...set(row));
    let t = 0;
    for (; t + 4 <= W; t += 4) code.push(...get(6), ...get(row), ...vload(4 * t), ...vstore(4 * t));
    for (; t + 2 <= W; t += 2)
      code.push(
        ...get(6),
        ...get(row),
        ...memOp(Op.i64Load, ALIGN_8, 4 * t),
        ...memOp(Op.i64Store, ALIGN_8, 4 * t),
      );
    for (; t < W; t++)
      code.push(
        ...get(6),
        ...get(row),
        ...memOp(Op.f32Load, ALIGN_4, 4 * t),
        ...memOp(Op.f32Store, ALIGN_4, 4 * t),
      );
    code.push(...get(6), ...i32(4 * W), ADD, ...set(6));
    code.push(...get(kt), ...i32(4), ADD, ...set(kt));
    code.push(...countDown(p));
  }
  code.push(Op.else);
  // Gather: element t at src + kTab[p] + wTab[q W + t], 0 for t >= w (wTab entries there are
  // valid offsets, so the load is in bounds and `select` discards it).
  code.push(Op.loop, 0x40);
  code.push(...get(2), ...get(kt), ...i32load(0), ADD, ...set(row));
  for (let t = 0; t < W; t++) {
    code.push(...get(6));
    code.push(...get(row), ...get(4), ...i32load(4 * t), ADD, ...memOp(Op.f32Load, ALIGN_4, 0));
    code.push(...f32Const(0), ...get(w), ...i32(t), Op.i32GtS, Op.select);
    code.push(...memOp(Op.f32Store, ALIGN_4, 4 * t));
  }
  code.push(...get(6), ...i32(4 * W), ADD, ...set(6));
  code.push(...get(kt), ...i32(4), ADD, ...set(kt));
  code.push(...countDown(p));
  code.push(Op.end);
  code.push(...get(4), ...i32(4 * W), ADD, ...set(4));
  code.push(...get(5), ...i32(4), ADD, ...set(5));
  code.push(...countDown(1));
  body.emit(...code);
  return body;
}

/** i8x16.shuffle byte lanes picking f32 lanes (a0, a1, a2, a3) of the pair (x: 0-3, y: 4-7). */
function lanes(...f: number[]): number[] {
  return f.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
}

/**
 * packT(kc, panels, src, kTab, wTab, desc, dst): the packer (same signature and output as
 * packBody's, W = 4 for A, 8 for B) for operands that are contiguous along k within the chunk
 * (element (p, t) at src + kTab[0] + 4 p + wTab[qW + t]: a row-major A, a transposed B, a batch
 * folded into the contraction), whose panels the generic packer gathers one float at a time.
 * Here each column t of a panel gives a vector of 4 consecutive k, and 4 x 4 blocks are
 * transposed in registers (8 shuffles): per 16 floats 4 loads, 8 shuffles and 4 stores instead
 * of 16 table loads, loads and stores. Edge panels (fewer than W columns, zero-padded),
 * panels that are contiguous along t (the generic packer moves them as vectors) and the last
 * kc mod 4 rows go to the generic packer `generic` (a function index of this module). Data
 * movement only: the products' bits do not change.
 */
function packTransposingBody(W: number, generic: number): FunctionBody {
  // params 0..6: kc, panels, src, kTab, wTab, desc, dst
  const body = new FunctionBody(7);
  const d = body.local(I32);
  const blocks = body.local(I32);
  const tail = body.local(I32);
  const kb = body.local(I32);
  const col = body.locals(I32, W);
  const r = body.locals(V128, 4);
  const t = body.locals(V128, 4);
  const code: number[] = [];
  // kb = kTab[0]; blocks = kc >> 2; tail = kc & 3
  code.push(...get(3), ...i32load(0), ...set(kb));
  code.push(...get(0), ...i32(2), Op.i32ShrU, ...set(blocks));
  code.push(...get(0), ...i32(3), Op.i32And, ...set(tail));
  code.push(Op.loop, 0x40); // panels
  code.push(...get(5), ...i32load(0), ...set(d));
  // full and not contiguous along t: the transposing path
  code.push(...get(d), ...i32(255 | PANEL_CONTIGUOUS), Op.i32And, ...i32(W), Op.i32Eq);
  code.push(...get(blocks), ...i32(0), Op.i32GtS, Op.i32And, Op.if, 0x40);
  {
    for (let c = 0; c < W; c++)
      code.push(...get(2), ...get(kb), ADD, ...get(4), ...i32load(4 * c), ADD, ...set(col + c));
    const k = body.local(I32);
    code.push(...get(blocks), ...set(k), Op.loop, 0x40);
    for (let h = 0; h < W / 4; h++) {
      for (let c = 0; c < 4; c++) code.push(...get(col + 4 * h + c), ...vload(0), ...set(r + c));
      // (r0 r1 r2 r3 as columns of 4 k) -> rows of 4 t per k
      const shuffle = (x: number, y: number, f: number[]) =>
        code.push(...get(x), ...get(y), ...simd(Simd.shuffle, ...lanes(...f)));
      shuffle(r, r + 1, [0, 4, 1, 5]);
      code.push(...set(t));
      shuffle(r + 2, r + 3, [0, 4, 1, 5]);
      code.push(...set(t + 1));
      shuffle(r, r + 1, [2, 6, 3, 7]);
      code.push(...set(t + 2));
      shuffle(r + 2, r + 3, [2, 6, 3, 7]);
      code.push(...set(t + 3));
      for (let row = 0; row < 4; row++) {
        const [x, y] = row < 2 ? [t, t + 1] : [t + 2, t + 3];
        code.push(...get(6));
        shuffle(x, y, row % 2 === 0 ? [0, 1, 4, 5] : [2, 3, 6, 7]);
        code.push(...vstore(4 * W * row + 16 * h));
      }
    }
    for (let c = 0; c < W; c++) code.push(...get(col + c), ...i32(16), ADD, ...set(col + c));
    code.push(...get(6), ...i32(16 * W), ADD, ...set(6));
    code.push(...countDown(k));
    // the last kc mod 4 rows, generically
    code.push(...get(tail), Op.if, 0x40);
    code.push(...get(tail), ...i32(1), ...get(2), ...get(3), ...get(blocks), ...i32(4));
    code.push(Op.i32Shl, ADD, ...get(4), ...get(5), ...get(6), Op.call, generic);
    code.push(...get(6), ...get(tail), ...i32(4 * W), Op.i32Mul, ADD, ...set(6));
    code.push(Op.end);
  }
  code.push(Op.else);
  code.push(...get(0), ...i32(1), ...get(2), ...get(3), ...get(4), ...get(5), ...get(6));
  code.push(Op.call, generic);
  code.push(...get(6), ...get(0), ...i32(4 * W), Op.i32Mul, ADD, ...set(6));
  code.push(Op.end);
  code.push(...get(4), ...i32(4 * W), ADD, ...set(4));
  code.push(...get(5), ...i32(4), ADD, ...set(5));
  code.push(...countDown(1));
  body.emit(...code);
  return body;
}

/** The module bytes; `shared` imports a shared memory (threads), which requires `maxPages`. */
export function sgemmModuleBytes(
  shared: boolean,
  maxPages: number,
  MR: number = SGEMM_MR,
): Uint8Array<ArrayBuffer> {
  const sig = { params: new Array<number>(7).fill(I32), results: [] };
  return assembleModule({
    types: [
      sig,
      { params: new Array<number>(10).fill(I32), results: [] },
      { params: new Array<number>(8).fill(I32), results: [] },
    ],
    functions: [
      { type: 2, body: kernelBody(MR) },
      { type: 0, body: packBody(MR) },
      { type: 0, body: packBody(SGEMM_NR) },
      { type: 1, body: kernelPanelsBody() },
      { type: 0, body: packTransposingBody(MR, 1) },
      { type: 0, body: packTransposingBody(SGEMM_NR, 2) },
    ],
    importMemory: { module: "env", name: "mem", minPages: 1, maxPages, shared },
    exports: [
      { name: "kernel", kind: "func", index: 0 },
      { name: "packA", kind: "func", index: 1 },
      { name: "packB", kind: "func", index: 2 },
      { name: "kernelPanels", kind: "func", index: 3 },
      { name: "packAT", kind: "func", index: 4 },
      { name: "packBT", kind: "func", index: 5 },
    ],
  });
}
