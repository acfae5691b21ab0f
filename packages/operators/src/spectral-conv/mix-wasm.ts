/**
 * The inner loops of spectral mixing in WebAssembly SIMD (assembled with @modewise/tensor/wasm;
 * no toolchain). For one frequency k: C[p, q] = sum_r op(A[p, r]) op(B[q, r]) over complex
 * numbers read straight from the tensors' layouts through byte strides, op a conjugation or not.
 *
 * complex128 (dotsBody, float64 sums): each complex number is one f64x2 (re, im). Four outputs
 * q..q+3 at a time share the loads of A; per r:
 *   acc1_j += (ar, ar) * (br_j, bi_j),   acc2_j += (ai, ai) * (br_j, bi_j)
 * and at the end C = (acc1 + swap(acc2) * s1) * s2, with (s1, s2) from the conjugation flags:
 *   a b:        s1 = (-1, 1), s2 = (1, 1)    [re = ar br - ai bi, im = ar bi + ai br]
 *   conj(a) b:  s1 = (1, -1), s2 = (1, 1)
 *   a conj(b):  s1 = (1, -1), s2 = (1, -1)   [= conj(conj(a) b)]
 *
 * complex64 (dotsC64Body, float32 sums) holds two complex numbers per f32x4 (see there).
 *
 * `mixWasm()` returns null where WebAssembly SIMD is unavailable or blocked; the caller then
 * composes einsums instead.
 */

import { instantiateThreadModule } from "@modewise/tensor/cpu-kernels";
import {
  assembleModule,
  BLOCK_VOID,
  FunctionBody,
  I32,
  instantiateSync,
  memoryExports,
  memorySpec,
  Op,
  Simd,
  V128,
} from "@modewise/tensor/wasm";

/** Lanes of i8x16.shuffle that swap the two f64 lanes. */
const SWAP_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

/** Parameters of `dots` (local indices 0..12). */
const Arg = {
  A: 0,
  B: 1,
  C: 2,
  P: 3,
  Q: 4,
  R: 5,
  /** byte strides of A along p and r, of B along q and r, of C along p and q */
  SAp: 6,
  SAr: 7,
  SBq: 8,
  SBr: 9,
  SCp: 10,
  SCq: 11,
  /** byte address of the signs: s1, s2 (two f64x2, dotsBody) or sRe, sIm (two f32x4, dotsC64Body) */
  Signs: 12,
} as const;
const N_ARGS = 13;

/** Emits f.get(x) ; i32.const c ; i32.add ; local.set x. */
function bump(f: FunctionBody, x: number, by: number | { local: number }): void {
  f.get(x);
  if (typeof by === "number") f.i32Const(by);
  else f.get(by.local);
  f.emit(Op.i32Add);
  f.set(x);
}

/** The function and the locals both dots kernels share. */
interface DotsFrame {
  f: FunctionBody;
  p: number;
  q: number;
  r: number;
  ap: number;
  aRow: number;
  cRow: number;
  /** B's row pointers of the 4 outputs of a block (4 locals). */
  bp: number;
  /** The accumulators of the 4 outputs of a block (4 + 4 v128 locals). */
  acc1: number;
  acc2: number;
  /** The two sign vectors, loaded once from `Signs`. */
  sign1: number;
  sign2: number;
}

function dotsFrame(): DotsFrame {
  const f = new FunctionBody(N_ARGS);
  return {
    f,
    p: f.local(I32),
    q: f.local(I32),
    r: f.local(I32),
    ap: f.local(I32),
    aRow: f.local(I32),
    cRow: f.local(I32),
    bp: f.locals(I32, 4),
    acc1: f.locals(V128, 4),
    acc2: f.locals(V128, 4),
    sign1: f.local(V128),
    sign2: f.local(V128),
  };
}

/** Pushes base + (q + j) stride (a local argument). */
function qAddress(d: DotsFrame, base: number, j: number, stride: number): void {
  const { f } = d;
  f.get(base);
  f.get(d.q);
  if (j > 0) {
    f.i32Const(j);
    f.emit(Op.i32Add);
  }
  f.get(stride);
  f.emit(Op.i32Mul);
  f.emit(Op.i32Add);
}

/** Starts a block of `width` outputs: zero accumulators, bp_j = B + (q + j) sBq, ap = aRow. */
function blockStart(d: DotsFrame, width: number): void {
  const { f } = d;
  for (let j = 0; j < width; j++) {
    f.simd(Simd.const, ...new Array(16).fill(0));
    f.set(d.acc1 + j);
    f.simd(Simd.const, ...new Array(16).fill(0));
    f.set(d.acc2 + j);
    qAddress(d, Arg.B, j, Arg.SBq);
    f.set(d.bp + j);
  }
  f.get(d.aRow);
  f.set(d.ap);
}

/**
 * The loops around the blocks: signs loaded, then for every row p (P >= 1) blocks of 4
 * outputs while 4 remain, then blocks of 1; `block(width)` ends with q += width.
 */
function rowLoops(d: DotsFrame, block: (width: number) => void): FunctionBody {
  const { f } = d;
  f.get(Arg.Signs);
  f.vload(0);
  f.set(d.sign1);
  f.get(Arg.Signs);
  f.vload(16);
  f.set(d.sign2);
  f.i32Const(0);
  f.set(d.p);
  f.get(Arg.A);
  f.set(d.aRow);
  f.get(Arg.C);
  f.set(d.cRow);
  f.emit(Op.loop, BLOCK_VOID); // over p
  f.i32Const(0);
  f.set(d.q);
  // while (q + 4 <= Q) block(4)
  f.emit(Op.block, BLOCK_VOID);
  f.emit(Op.loop, BLOCK_VOID);
  f.get(d.q);
  f.i32Const(4);
  f.emit(Op.i32Add);
  f.get(Arg.Q);
  f.emit(Op.i32GtS);
  f.emit(Op.brIf, 1);
  block(4);
  f.emit(Op.br, 0);
  f.emit(Op.end);
  f.emit(Op.end);
  // while (q < Q) block(1)
  f.emit(Op.block, BLOCK_VOID);
  f.emit(Op.loop, BLOCK_VOID);
  f.get(d.q);
  f.get(Arg.Q);
  f.emit(Op.i32GeS);
  f.emit(Op.brIf, 1);
  block(1);
  f.emit(Op.br, 0);
  f.emit(Op.end);
  f.emit(Op.end);
  bump(f, d.aRow, { local: Arg.SAp });
  bump(f, d.cRow, { local: Arg.SCp });
  f.get(d.p);
  f.i32Const(1);
  f.emit(Op.i32Add);
  f.tee(d.p);
  f.get(Arg.P);
  f.emit(Op.i32Ne);
  f.emit(Op.brIf, 0);
  f.emit(Op.end);
  return f;
}

/** dots for complex128 (16 bytes per entry), float64 sums; signs (s1, s2). */
function dotsBody(): FunctionBody {
  const d = dotsFrame();
  const { f, q, r, ap, cRow, bp, acc1, acc2 } = d;
  const sr = f.local(V128);
  const si = f.local(V128);
  const bv = f.local(V128);
  const half = 8; // bytes of one real part
  const loadSplat = (addr: number, offset: number) => {
    f.get(addr);
    f.simd(Simd.load64Splat, 3, offset);
  };

  /** Outputs q .. q + width - 1 of row p (width 4 or 1), then q += width. */
  const block = (width: number) => {
    blockStart(d, width);
    f.get(Arg.R);
    f.set(r);
    f.emit(Op.loop, BLOCK_VOID); // R >= 1
    loadSplat(ap, 0);
    f.set(sr);
    loadSplat(ap, half);
    f.set(si);
    for (let j = 0; j < width; j++) {
      f.get(bp + j);
      f.vload(0);
      f.set(bv);
      f.get(acc1 + j);
      f.get(sr);
      f.get(bv);
      f.simd(Simd.f64x2Mul);
      f.simd(Simd.f64x2Add);
      f.set(acc1 + j);
      f.get(acc2 + j);
      f.get(si);
      f.get(bv);
      f.simd(Simd.f64x2Mul);
      f.simd(Simd.f64x2Add);
      f.set(acc2 + j);
      bump(f, bp + j, { local: Arg.SBr });
    }
    bump(f, ap, { local: Arg.SAr });
    f.get(r);
    f.i32Const(1);
    f.emit(Op.i32Sub);
    f.tee(r);
    f.emit(Op.brIf, 0);
    f.emit(Op.end);
    for (let j = 0; j < width; j++) {
      qAddress(d, cRow, j, Arg.SCq);
      // value: (acc1 + swap(acc2) s1) s2
      f.get(acc1 + j);
      f.get(acc2 + j);
      f.get(acc2 + j);
      f.simd(Simd.shuffle, ...SWAP_LANES);
      f.get(d.sign1);
      f.simd(Simd.f64x2Mul);
      f.simd(Simd.f64x2Add);
      f.get(d.sign2);
      f.simd(Simd.f64x2Mul);
      f.vstore(0);
    }
    bump(f, q, width);
  };
  return rowLoops(d, block);
}

/** Lanes of i8x16.shuffle: lanes (x0, x2, y0, y2) and (x1, x3, y1, y3) of two f32x4 x, y. */
const EVEN_LANES = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD_LANES = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];
/** Lanes (x1, x0, x3, x2) of one f32x4: swaps re and im of two complex64 numbers. */
const SWAP_PAIRS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

/**
 * dotsC64: the complex64 dots in float32, two complex numbers per vector. Rows of A and B are
 * contiguous along r (SAr = SBr = 8 bytes; the packed layout). For a pair of r,
 *   a = (ar0, ai0, ar1, ai1), b = (br0, bi0, br1, bi1):
 *   acc1 += a * b          = (ar br, ai bi, ...)     -> re = sum of acc1 . sRe
 *   acc2 += a * swap(b)    = (ar bi, ai br, ...)     -> im = sum of acc2 . sIm
 * with the sign vectors (sRe, sIm) at `Signs` (f32x4 each) from the conjugation flags:
 *   a b: (1, -1, 1, -1), (1, 1, 1, 1); conj(a) b: (1, 1, 1, 1), (1, -1, 1, -1);
 *   a conj(b): (1, 1, 1, 1), (-1, 1, -1, 1).
 * An odd R ends with one r loaded into the low half (the high half zero). float32 sums: each
 * lane adds ceil(R / 2) products in order, then the four lanes in pairs.
 */
function dotsC64Body(): FunctionBody {
  const d = dotsFrame();
  const { f, q, r, ap, cRow, bp, acc1, acc2 } = d;
  const av = f.local(V128);
  const bv = f.local(V128);
  const x = f.local(V128);

  /** One r step of the width accumulators; `load` pushes a vector from the address local. */
  const step = (width: number, load: (addr: number) => void) => {
    load(ap);
    f.set(av);
    for (let j = 0; j < width; j++) {
      load(bp + j);
      f.set(bv);
      f.get(acc1 + j);
      f.get(av);
      f.get(bv);
      f.simd(Simd.f32x4Mul);
      f.simd(Simd.f32x4Add);
      f.set(acc1 + j);
      f.get(acc2 + j);
      f.get(av);
      f.get(bv);
      f.get(bv);
      f.simd(Simd.shuffle, ...SWAP_PAIRS);
      f.simd(Simd.f32x4Mul);
      f.simd(Simd.f32x4Add);
      f.set(acc2 + j);
    }
  };
  const loadPair = (addr: number) => {
    f.get(addr);
    f.vload(0);
  };
  const loadOne = (addr: number) => {
    f.get(addr);
    f.simd(Simd.load64Zero, 3, 0);
  };

  /** Outputs q .. q + width - 1 of row p (width 4 or 1), then q += width. */
  const block = (width: number) => {
    blockStart(d, width);
    // r = R >> 1 pairs; while (r != 0)
    f.get(Arg.R);
    f.i32Const(1);
    f.emit(Op.i32ShrU);
    f.set(r);
    f.emit(Op.block, BLOCK_VOID);
    f.emit(Op.loop, BLOCK_VOID);
    f.get(r);
    f.emit(Op.i32Eqz);
    f.emit(Op.brIf, 1);
    step(width, loadPair);
    for (let j = 0; j < width; j++) bump(f, bp + j, 16);
    bump(f, ap, 16);
    f.get(r);
    f.i32Const(1);
    f.emit(Op.i32Sub);
    f.set(r);
    f.emit(Op.br, 0);
    f.emit(Op.end);
    f.emit(Op.end);
    // if (R & 1) the last r alone
    f.get(Arg.R);
    f.i32Const(1);
    f.emit(Op.i32And);
    f.emit(Op.if, BLOCK_VOID);
    step(width, loadOne);
    f.emit(Op.end);
    for (let j = 0; j < width; j++) {
      qAddress(d, cRow, j, Arg.SCq);
      // x = acc1 sRe, y = acc2 sIm; t = (x0 + x1, x2 + x3, y0 + y1, y2 + y3);
      // (re, im) = (t0 + t1, t2 + t3) in the low half
      f.get(acc1 + j);
      f.get(d.sign1);
      f.simd(Simd.f32x4Mul);
      f.set(x);
      f.get(acc2 + j);
      f.get(d.sign2);
      f.simd(Simd.f32x4Mul);
      f.set(bv);
      f.get(x);
      f.get(bv);
      f.simd(Simd.shuffle, ...EVEN_LANES);
      f.get(x);
      f.get(bv);
      f.simd(Simd.shuffle, ...ODD_LANES);
      f.simd(Simd.f32x4Add);
      f.tee(x);
      f.get(x);
      f.simd(Simd.shuffle, ...EVEN_LANES.slice(0, 8), ...EVEN_LANES.slice(0, 8));
      f.get(x);
      f.get(x);
      f.simd(Simd.shuffle, ...ODD_LANES.slice(0, 8), ...ODD_LANES.slice(0, 8));
      f.simd(Simd.f32x4Add);
      f.simd(Simd.store64Lane, 3, 0, 0);
    }
    bump(f, q, width);
  };
  return rowLoops(d, block);
}

/**
 * pack(src, dst, d0, d1, K, s0, s1, sk, skip): src [d0, d1, K] complex entries (8 bytes for
 * f32, 16 for f64), rows of K entries `skip` bytes apart beyond their end (0: contiguous; a
 * range of frequencies of a longer row otherwise), to dst + i0 s0 + i1 s1 + k sk (byte
 * strides): the k-major copy that makes the dot products read contiguous rows. Reads are
 * sequential; the writes of one (i0, i1) touch K lines that the next (i0, i1) continues, so they
 * stay in cache.
 */
function packBody(f32: boolean): FunctionBody {
  const [SRC, DST, D0, D1, K, S0, S1, SK, SKIP] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const f = new FunctionBody(9);
  const i0 = f.local(I32);
  const i1 = f.local(I32);
  const k = f.local(I32);
  const at = f.local(I32);
  f.i32Const(0);
  f.set(i0);
  f.emit(Op.loop, BLOCK_VOID);
  f.i32Const(0);
  f.set(i1);
  f.emit(Op.loop, BLOCK_VOID);
  // at = dst + i0 s0 + i1 s1
  f.get(DST);
  f.get(i0);
  f.get(S0);
  f.emit(Op.i32Mul);
  f.emit(Op.i32Add);
  f.get(i1);
  f.get(S1);
  f.emit(Op.i32Mul);
  f.emit(Op.i32Add);
  f.set(at);
  f.get(K);
  f.set(k);
  f.emit(Op.loop, BLOCK_VOID);
  f.get(at);
  f.get(SRC);
  if (f32) {
    f.emit(Op.i64Load, 3, 0);
    f.emit(Op.i64Store, 3, 0);
  } else {
    f.vload(0);
    f.vstore(0);
  }
  bump(f, SRC, f32 ? 8 : 16);
  bump(f, at, { local: SK });
  f.get(k);
  f.i32Const(1);
  f.emit(Op.i32Sub);
  f.tee(k);
  f.emit(Op.brIf, 0);
  f.emit(Op.end);
  bump(f, SRC, { local: SKIP });
  f.get(i1);
  f.i32Const(1);
  f.emit(Op.i32Add);
  f.tee(i1);
  f.get(D1);
  f.emit(Op.i32Ne);
  f.emit(Op.brIf, 0);
  f.emit(Op.end);
  f.get(i0);
  f.i32Const(1);
  f.emit(Op.i32Add);
  f.tee(i0);
  f.get(D0);
  f.emit(Op.i32Ne);
  f.emit(Op.brIf, 0);
  f.emit(Op.end);
  return f;
}

/**
 * dots(a, b, c, P, Q, R, sAp, sAr, sBq, sBr, sCp, sCq, signs): byte addresses and byte strides
 * in the module's memory; P, Q, R >= 1. The complex64 kernel reads rows contiguous along r
 * (sAr = sBr = 8, the packed layout) and ignores those two arguments.
 */
export type Dots = (...args: number[]) => void;

export interface MixWasm {
  /** complex64, float32 sums (dotsC64Body); signs as two f32x4 (sRe, sIm). */
  dotsF32: Dots;
  /** complex128, float64 sums (dotsBody); signs as two f64x2 (s1, s2). */
  dotsF64: Dots;
  /** pack(src, dst, d0, d1, K, s0, s1, sk) (see packBody). */
  packF32: Dots;
  packF64: Dots;
  /** The module's memory (its buffer changes when `reserve` grows it). */
  memory: WebAssembly.Memory;
  /** Grows the memory to at least `bytes`. */
  reserve(bytes: number): void;
}

/**
 * unit(u, args): frequencies k0 .. k1 - 1 of a complex64 mix (k0 = u kPer, k1 = min(K, k0 +
 * kPer)) for the gemm threads (module jobs of @modewise/tensor/cpu-kernels): packs those
 * frequencies of both operands, then one dotsF32 call each. The argument block at `args` holds
 * int32 [a, b, c, P, Q, R, K, kPer, signs, aRaw, bRaw, a0, a1, aS0, aS1, b0, b1, bS0, bS1]
 * (packed and raw operands' byte addresses, sizes and pack strides as the kernel's calls).
 */
export const UNIT_ARGS = 19;
function unitBody(): FunctionBody {
  const f = new FunctionBody(2);
  const args = f.i32Args(1, UNIT_ARGS);
  const [a, b, c, P, Q, R, K, kPer, signs] = args;
  const [aRaw, bRaw, a0, a1, aS0, aS1, b0, b1, bS0, bS1] = args.slice(9);
  const k = f.local(I32);
  const k1 = f.local(I32);
  // k = u kPer; k1 = min(K, k + kPer)
  f.get(0);
  f.get(kPer);
  f.emit(Op.i32Mul);
  f.set(k);
  f.get(k);
  f.get(kPer);
  f.emit(Op.i32Add);
  f.set(k1);
  f.minInto(k1, K);
  // pack frequencies k .. k1 - 1 of each operand: src + 8 k, dst + 8 k d0 d1, rows skipping
  // the other K - (k1 - k) frequencies
  for (const [raw, dst, d0, d1, s0, s1] of [
    [aRaw, a, a0, a1, aS0, aS1],
    [bRaw, b, b0, b1, bS0, bS1],
  ] as const) {
    f.get(raw);
    f.get(k);
    f.i32Const(3);
    f.emit(Op.i32Shl, Op.i32Add);
    f.get(dst);
    f.get(k);
    f.get(d0);
    f.emit(Op.i32Mul);
    f.get(d1);
    f.emit(Op.i32Mul);
    f.i32Const(3);
    f.emit(Op.i32Shl, Op.i32Add);
    f.get(d0);
    f.get(d1);
    f.get(k1);
    f.get(k);
    f.emit(Op.i32Sub);
    f.get(s0);
    f.get(s1);
    f.get(d0);
    f.get(d1);
    f.emit(Op.i32Mul);
    f.i32Const(3);
    f.emit(Op.i32Shl);
    // skip = 8 (K - (k1 - k))
    f.get(K);
    f.get(k1);
    f.emit(Op.i32Sub);
    f.get(k);
    f.emit(Op.i32Add);
    f.i32Const(3);
    f.emit(Op.i32Shl);
    f.emit(Op.call, 2);
  }
  f.emit(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID);
  f.get(k);
  f.get(k1);
  f.emit(Op.i32GeS, Op.brIf, 1);
  const mul = (...xs: number[]) => {
    f.get(xs[0] as number);
    for (const x of xs.slice(1)) {
      f.get(x);
      f.emit(Op.i32Mul);
    }
  };
  // a + 8 k P R, b + 8 k Q R, c + 8 k
  f.get(a);
  mul(k, P, R);
  f.i32Const(3);
  f.emit(Op.i32Shl, Op.i32Add);
  f.get(b);
  mul(k, Q, R);
  f.i32Const(3);
  f.emit(Op.i32Shl, Op.i32Add);
  f.get(c);
  f.get(k);
  f.i32Const(3);
  f.emit(Op.i32Shl, Op.i32Add);
  f.get(P);
  f.get(Q);
  f.get(R);
  // strides: R e, e, R e, e, Q K e, K e (e = 8 bytes)
  for (const s of [[R], [], [R], [], [Q, K], [K]]) {
    if (s.length === 0) f.i32Const(8);
    else {
      mul(...s);
      f.i32Const(3);
      f.emit(Op.i32Shl);
    }
  }
  f.get(signs);
  f.emit(Op.call, 0);
  f.get(k);
  f.i32Const(1);
  f.emit(Op.i32Add);
  f.set(k);
  f.emit(Op.br, 0, Op.end, Op.end);
  return f;
}

/** The module bytes over its own memory, or over the memory imported as env.mem. */
function mixModuleBytes(imported?: { shared: true; maxPages: number }): Uint8Array<ArrayBuffer> {
  return assembleModule({
    types: [
      { params: new Array(N_ARGS).fill(I32), results: [] },
      { params: new Array(9).fill(I32), results: [] },
      { params: [I32, I32], results: [] },
    ],
    functions: [
      { type: 0, body: dotsC64Body() },
      { type: 0, body: dotsBody() },
      { type: 1, body: packBody(true) },
      { type: 1, body: packBody(false) },
      { type: 2, body: unitBody() },
    ],
    ...memorySpec(imported),
    exports: [
      { name: "dotsF32", kind: "func", index: 0 },
      { name: "dotsF64", kind: "func", index: 1 },
      { name: "packF32", kind: "func", index: 2 },
      { name: "packF64", kind: "func", index: 3 },
      { name: "unit", kind: "func", index: 4 },
      ...memoryExports(imported),
    ],
  });
}

let cached: MixWasm | null | undefined;

/** The assembled kernels, or null where WebAssembly SIMD cannot run. */
export function mixWasm(): MixWasm | null {
  if (cached !== undefined) return cached;
  try {
    const inst = instantiateSync(mixModuleBytes());
    const memory = inst.exports.memory as WebAssembly.Memory;
    cached = {
      dotsF32: inst.exports.dotsF32 as Dots,
      dotsF64: inst.exports.dotsF64 as Dots,
      packF32: inst.exports.packF32 as Dots,
      packF64: inst.exports.packF64 as Dots,
      memory,
      reserve: (n: number) => {
        const have = memory.buffer.byteLength;
        if (n > have) memory.grow(Math.ceil((n - have) / 65536));
      },
    };
  } catch {
    cached = null;
  }
  return cached;
}

/** The kernels over the CPU backend's resident memory (@modewise/tensor/cpu-kernels). */
export interface ResidentMixWasm {
  dotsF32: Dots;
  packF32: Dots;
  /** unit(u, args) (see unitBody), and the module's index among the gemm threads' (-1: none). */
  unit: (u: number, args: number) => void;
  threadIndex: number;
}

let residentCached: ResidentMixWasm | null | undefined;

/**
 * The kernels instantiated over the memory that the CPU backend's resident arrays live in, so
 * that they read resident operands and write resident outputs in place; null where there is no
 * such memory (or the module fails).
 */
export function residentMixWasm(): ResidentMixWasm | null {
  if (residentCached !== undefined) return residentCached;
  // the gemm workers instantiate it too and take frequencies of large mixes
  const made = instantiateThreadModule(mixModuleBytes);
  residentCached =
    made === null
      ? null
      : {
          dotsF32: made.exports.dotsF32 as Dots,
          packF32: made.exports.packF32 as Dots,
          unit: made.exports.unit as (u: number, args: number) => void,
          threadIndex: made.threadIndex,
        };
  return residentCached;
}
