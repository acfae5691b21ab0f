/**
 * The inner loops of spectral mixing in WebAssembly SIMD (assembled with @modewise/tensor/wasm;
 * no toolchain). For one frequency k: C[p, q] = sum_r op(A[p, r]) op(B[q, r]) over complex
 * numbers read straight from the tensors' layouts through byte strides, op a conjugation or not.
 *
 * Each complex number is one f64x2 (re, im) (complex64 entries are promoted on load, results
 * demoted once on store: float64 sums for both dtypes). Four outputs q..q+3 at a time share the
 * loads of A; per r:
 *   acc1_j += (ar, ar) * (br_j, bi_j),   acc2_j += (ai, ai) * (br_j, bi_j)
 * and at the end C = (acc1 + swap(acc2) * s1) * s2, with (s1, s2) from the conjugation flags:
 *   a b:        s1 = (-1, 1), s2 = (1, 1)    [re = ar br - ai bi, im = ar bi + ai br]
 *   conj(a) b:  s1 = (1, -1), s2 = (1, 1)
 *   a conj(b):  s1 = (1, -1), s2 = (1, -1)   [= conj(conj(a) b)]
 *
 * `mixWasm()` returns null where WebAssembly SIMD is unavailable or blocked; the caller then
 * composes einsums instead.
 */
import {
  assembleModule,
  BLOCK_VOID,
  FunctionBody,
  I32,
  instantiateSync,
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
  /** byte address of s1, s2 (two f64x2) */
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

/**
 * dots for one element type: f32 (complex64, 8 bytes per entry) or f64 (complex128, 16).
 */
function dotsBody(f32: boolean): FunctionBody {
  const f = new FunctionBody(N_ARGS);
  const p = f.local(I32);
  const q = f.local(I32);
  const r = f.local(I32);
  const ap = f.local(I32);
  const aRow = f.local(I32);
  const cRow = f.local(I32);
  const bp = f.locals(I32, 4);
  const acc1 = f.locals(V128, 4);
  const acc2 = f.locals(V128, 4);
  const sr = f.local(V128);
  const si = f.local(V128);
  const bv = f.local(V128);
  const s1 = f.local(V128);
  const s2 = f.local(V128);
  const half = f32 ? 4 : 8; // bytes of one real part

  const loadSplat = (addr: number, offset: number) => {
    f.get(addr);
    if (f32) {
      f.simd(Simd.load32Splat, 2, offset);
      f.simd(Simd.f64x2PromoteLowF32x4);
    } else f.simd(Simd.load64Splat, 3, offset);
  };
  const loadComplex = (addr: number) => {
    f.get(addr);
    if (f32) {
      f.simd(Simd.load64Zero, 3, 0);
      f.simd(Simd.f64x2PromoteLowF32x4);
    } else f.vload(0);
  };

  /** Outputs q .. q + width - 1 of row p (width 4 or 1), then q += width. */
  const block = (width: number) => {
    for (let j = 0; j < width; j++) {
      f.simd(Simd.const, ...new Array(16).fill(0));
      f.set(acc1 + j);
      f.simd(Simd.const, ...new Array(16).fill(0));
      f.set(acc2 + j);
      // bp_j = B + (q + j) sBq
      f.get(Arg.B);
      f.get(q);
      if (j > 0) {
        f.i32Const(j);
        f.emit(Op.i32Add);
      }
      f.get(Arg.SBq);
      f.emit(Op.i32Mul);
      f.emit(Op.i32Add);
      f.set(bp + j);
    }
    f.get(aRow);
    f.set(ap);
    f.get(Arg.R);
    f.set(r);
    f.emit(Op.loop, BLOCK_VOID);
    loadSplat(ap, 0);
    f.set(sr);
    loadSplat(ap, half);
    f.set(si);
    for (let j = 0; j < width; j++) {
      loadComplex(bp + j);
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
      // address: cRow + (q + j) sCq
      f.get(cRow);
      f.get(q);
      if (j > 0) {
        f.i32Const(j);
        f.emit(Op.i32Add);
      }
      f.get(Arg.SCq);
      f.emit(Op.i32Mul);
      f.emit(Op.i32Add);
      // value: (acc1 + swap(acc2) s1) s2
      f.get(acc1 + j);
      f.get(acc2 + j);
      f.get(acc2 + j);
      f.simd(Simd.shuffle, ...SWAP_LANES);
      f.get(s1);
      f.simd(Simd.f64x2Mul);
      f.simd(Simd.f64x2Add);
      f.get(s2);
      f.simd(Simd.f64x2Mul);
      if (f32) {
        f.simd(Simd.f32x4DemoteF64x2Zero);
        f.simd(Simd.store64Lane, 3, 0, 0);
      } else f.vstore(0);
    }
    bump(f, q, width);
  };

  f.get(Arg.Signs);
  f.vload(0);
  f.set(s1);
  f.get(Arg.Signs);
  f.vload(16);
  f.set(s2);
  f.i32Const(0);
  f.set(p);
  f.get(Arg.A);
  f.set(aRow);
  f.get(Arg.C);
  f.set(cRow);
  f.emit(Op.loop, BLOCK_VOID); // over p (P >= 1)
  f.i32Const(0);
  f.set(q);
  // while (q + 4 <= Q) block(4)
  f.emit(Op.block, BLOCK_VOID);
  f.emit(Op.loop, BLOCK_VOID);
  f.get(q);
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
  f.get(q);
  f.get(Arg.Q);
  f.emit(Op.i32GeS);
  f.emit(Op.brIf, 1);
  block(1);
  f.emit(Op.br, 0);
  f.emit(Op.end);
  f.emit(Op.end);
  bump(f, aRow, { local: Arg.SAp });
  bump(f, cRow, { local: Arg.SCp });
  f.get(p);
  f.i32Const(1);
  f.emit(Op.i32Add);
  f.tee(p);
  f.get(Arg.P);
  f.emit(Op.i32Ne);
  f.emit(Op.brIf, 0);
  f.emit(Op.end);
  return f;
}

/**
 * pack(src, dst, d0, d1, K, s0, s1, sk): src [d0, d1, K] contiguous complex entries (8 bytes
 * for f32, 16 for f64) to dst + i0 s0 + i1 s1 + k sk (byte strides): the k-major copy that
 * makes the dot products read contiguous rows. Reads are sequential; the writes of one (i0, i1)
 * touch K lines that the next (i0, i1) continues, so they stay in cache.
 */
function packBody(f32: boolean): FunctionBody {
  const [SRC, DST, D0, D1, K, S0, S1, SK] = [0, 1, 2, 3, 4, 5, 6, 7];
  const f = new FunctionBody(8);
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
 * in the module's memory; P, Q, R >= 1.
 */
export type Dots = (...args: number[]) => void;

export interface MixWasm {
  dotsF32: Dots;
  dotsF64: Dots;
  /** pack(src, dst, d0, d1, K, s0, s1, sk) (see packBody). */
  packF32: Dots;
  packF64: Dots;
  /** The module's memory (its buffer changes when `reserve` grows it). */
  memory: WebAssembly.Memory;
  /** Grows the memory to at least `bytes`. */
  reserve(bytes: number): void;
}

let cached: MixWasm | null | undefined;

/** The assembled kernels, or null where WebAssembly SIMD cannot run. */
export function mixWasm(): MixWasm | null {
  if (cached !== undefined) return cached;
  try {
    const bytes = assembleModule({
      types: [
        { params: new Array(N_ARGS).fill(I32), results: [] },
        { params: new Array(8).fill(I32), results: [] },
      ],
      functions: [
        { type: 0, body: dotsBody(true) },
        { type: 0, body: dotsBody(false) },
        { type: 1, body: packBody(true) },
        { type: 1, body: packBody(false) },
      ],
      memory: { minPages: 1 },
      exports: [
        { name: "dotsF32", kind: "func", index: 0 },
        { name: "dotsF64", kind: "func", index: 1 },
        { name: "packF32", kind: "func", index: 2 },
        { name: "packF64", kind: "func", index: 3 },
        { name: "memory", kind: "memory", index: 0 },
      ],
    });
    const inst = instantiateSync(bytes);
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
