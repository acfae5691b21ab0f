/**
 * WebAssembly SIMD versions of the codelets (radix 2, 3, 4, 5, 7, 8, 11), assembled here (no
 * toolchain: opcodes from the WebAssembly core and SIMD specifications), plus the element-wise
 * helpers of Bluestein and Rader.
 *
 * Same passes as the JS codelets (types.ts: Stockham DIF layout, forward butterfly, outputs
 * mirrored for the backward direction, one twiddle table per direction) and the same float64
 * operations in the same order (no FMA), so results are bit-identical to the JS codelets'. Wasm
 * has no bounds check per access and folds constant offsets into loads, which is where V8 spends
 * most of the JS codelets' time (index overflow check + bounds check + base pointer per
 * typed-array access). Two data formats, four families of pass functions:
 * - interleaved (`i{r}`): one complex number per f64x2; -i z is a lane swap and a sign flip, a
 *   twiddle product y * splat(wr) + swap(y) * splat(wi) * (-1, 1). ~3x the JS codelets' speed.
 * - pair (`p{r}`, first pass `f{r}` from interleaved input, last pass `l{r}` to interleaved
 *   output): two complex numbers per 32-byte block, each f64x2 operation doing two butterflies
 *   (see "Pair format" below). ~1.4x the interleaved speed; used when 4 divides n.
 *
 * Calling convention: passR(ido, l1, cc, ch, tw, o1, ..., o_{R-1}) with cc, ch, tw BYTE
 * addresses in the shared memory and o_q the byte offset (from an output's q = 0 slot) where the
 * q-th computed output goes: q * 16 * ido * l1 forward, (R - q) * 16 * ido * l1 backward. The
 * last-pass functions take the output stride in place of tw.
 *
 * The module (~35 KB, ~25 ms to assemble and compile) is built synchronously at first use. Where WebAssembly SIMD is missing
 * or blocked, `wasmKernels()` returns null and the JS codelets run.
 */

import {
  assembleModule,
  BLOCK_VOID,
  F64,
  type FuncType,
  FunctionBody,
  f64x2Bytes,
  I32,
  instantiateSync,
  type ModuleExport,
  Op,
  Simd,
  uleb,
  V128,
} from "@modewise/tensor/wasm";
import { ODD_ROOTS } from "./roots.js";

const SWAP_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const MAX_I32_LOCALS = 32;

/**
 * A function body under construction. Locals: the i32 params, then MAX_I32_LOCALS i32 locals,
 * then as many v128 locals as the code asks for (each value of the butterfly gets its own; the
 * compiler allocates registers).
 */
class Body extends FunctionBody {
  private nI32 = 0;
  private nV = 0;
  constructor(nParams: number) {
    super(nParams);
    this.locals(I32, MAX_I32_LOCALS);
  }

  i32(): number {
    if (this.nI32 === MAX_I32_LOCALS) throw new Error("wasm: too many i32 locals");
    return this.nParams + this.nI32++;
  }
  v(): number {
    this.nV++;
    return this.local(V128);
  }
  /** x = a OP b (i32). */
  i32op(x: number, a: number, op: number, b: number | { c: number }): void {
    this.get(a);
    if (typeof b === "number") this.get(b);
    else this.i32Const(b.c);
    this.emit(op);
    this.set(x);
  }
  /** dst = v128.load(base [+ add] + offset). */
  load(dst: number, base: number, add: number | null, offset = 0): void {
    this.get(base);
    if (add !== null) {
      this.get(add);
      this.emit(Op.i32Add);
    }
    this.simd(Simd.load, 4, ...uleb(offset));
    this.set(dst);
  }
  /** v128.store(base [+ add], src). */
  store(base: number, add: number | null, src: number): void {
    this.get(base);
    if (add !== null) {
      this.get(add);
      this.emit(Op.i32Add);
    }
    this.get(src);
    this.simd(Simd.store, 4, 0);
  }
  /** v128.store(base [+ add] + offset, src). */
  storeOff(base: number, add: number | null, offset: number, src: number): void {
    this.get(base);
    if (add !== null) {
      this.get(add);
      this.emit(Op.i32Add);
    }
    this.get(src);
    this.simd(Simd.store, 4, ...uleb(offset));
  }
  /** dst = a OP b (f64x2). */
  vop(dst: number, a: number, op: number, b: number): void {
    this.get(a);
    this.get(b);
    this.simd(op);
    this.set(dst);
  }
  vconst(dst: number, a: number, b: number): void {
    this.simd(Simd.const, ...f64x2Bytes(a, b));
    this.set(dst);
  }
  /** dst = -i * a = (a.im, -a.re), with negHi = (0, -0). */
  mulNegI(dst: number, a: number, negHi: number): void {
    this.get(a);
    this.get(a);
    this.simd(Simd.shuffle, ...SWAP_LANES);
    this.get(negHi);
    this.simd(Simd.xor);
    this.set(dst);
  }
  /** dst = y * (tw[t + off], tw[t + off + 8]) as complex numbers, with negLo = (-0, 0). */
  cmul(dst: number, y: number, t: number, off: number, negLo: number): void {
    this.get(y);
    this.get(t);
    this.simd(Simd.load64Splat, 3, ...uleb(off));
    this.simd(Simd.f64x2Mul);
    this.get(y);
    this.get(y);
    this.simd(Simd.shuffle, ...SWAP_LANES);
    this.get(t);
    this.simd(Simd.load64Splat, 3, ...uleb(off + 8));
    this.simd(Simd.f64x2Mul);
    this.get(negLo);
    this.simd(Simd.xor);
    this.simd(Simd.f64x2Add);
    this.set(dst);
  }
  /** The locals declaration + code, as a function body entry of the code section. */
  finish(): number[] {
    if (this.nV === 0) this.local(V128); // at least one v128 local, as before
    return this.encode();
  }
}

/** Emits the forward r-point DFT of the complex values in locals x, results into locals y. */
type Butterfly = (f: Body, x: number[], y: number[], k: Consts) => void;

interface Consts {
  negHi: number;
  negLo: number;
  c8: number;
  /** splat(cos(2 pi m / r)), splat(sin(2 pi m / r)) for odd r, m = 1..(r-1)/2 (index m - 1). */
  cos: number[];
  sin: number[];
}

const butterfly2: Butterfly = (f, x, y) => {
  f.vop(y[0], x[0], Simd.f64x2Add, x[1]);
  f.vop(y[1], x[0], Simd.f64x2Sub, x[1]);
};

const butterfly4: Butterfly = (f, x, y, k) => {
  const s02 = f.v();
  const d02 = f.v();
  const s13 = f.v();
  const d13 = f.v();
  f.vop(s02, x[0], Simd.f64x2Add, x[2]);
  f.vop(d02, x[0], Simd.f64x2Sub, x[2]);
  f.vop(s13, x[1], Simd.f64x2Add, x[3]);
  f.vop(d13, x[1], Simd.f64x2Sub, x[3]);
  f.mulNegI(d13, d13, k.negHi);
  f.vop(y[0], s02, Simd.f64x2Add, s13);
  f.vop(y[2], s02, Simd.f64x2Sub, s13);
  f.vop(y[1], d02, Simd.f64x2Add, d13);
  f.vop(y[3], d02, Simd.f64x2Sub, d13);
};

const butterfly8: Butterfly = (f, x, y, k) => {
  const a = Array.from({ length: 8 }, () => f.v());
  f.vop(a[0], x[0], Simd.f64x2Add, x[4]);
  f.vop(a[1], x[0], Simd.f64x2Sub, x[4]);
  f.vop(a[2], x[2], Simd.f64x2Add, x[6]);
  f.vop(a[3], x[2], Simd.f64x2Sub, x[6]);
  f.vop(a[4], x[1], Simd.f64x2Add, x[5]);
  f.vop(a[5], x[1], Simd.f64x2Sub, x[5]);
  f.vop(a[6], x[3], Simd.f64x2Add, x[7]);
  f.vop(a[7], x[3], Simd.f64x2Sub, x[7]);
  f.mulNegI(a[3], a[3], k.negHi);
  f.mulNegI(a[7], a[7], k.negHi);
  const e = Array.from({ length: 4 }, () => f.v());
  const p = Array.from({ length: 4 }, () => f.v());
  f.vop(e[0], a[0], Simd.f64x2Add, a[2]);
  f.vop(e[2], a[0], Simd.f64x2Sub, a[2]);
  f.vop(e[1], a[1], Simd.f64x2Add, a[3]);
  f.vop(e[3], a[1], Simd.f64x2Sub, a[3]);
  f.vop(p[0], a[4], Simd.f64x2Add, a[6]);
  f.vop(p[2], a[4], Simd.f64x2Sub, a[6]);
  f.vop(p[1], a[5], Simd.f64x2Add, a[7]);
  f.vop(p[3], a[5], Simd.f64x2Sub, a[7]);
  // p1 * exp(-i pi / 4) = (p1 - i p1) c8; p2 * (-i); p3 * exp(-3 i pi / 4) = (-i p3 - p3) c8.
  const t = f.v();
  f.mulNegI(t, p[1], k.negHi);
  f.vop(p[1], p[1], Simd.f64x2Add, t);
  f.vop(p[1], p[1], Simd.f64x2Mul, k.c8);
  f.mulNegI(p[2], p[2], k.negHi);
  f.mulNegI(t, p[3], k.negHi);
  f.vop(p[3], t, Simd.f64x2Sub, p[3]);
  f.vop(p[3], p[3], Simd.f64x2Mul, k.c8);
  for (let q = 0; q < 4; q++) {
    f.vop(y[q], e[q], Simd.f64x2Add, p[q]);
    f.vop(y[q + 4], e[q], Simd.f64x2Sub, p[q]);
  }
};

/** Odd prime r: Y_0 = x_0 + sum s_j, Y_k = A_k - i B_k, Y_{r-k} = A_k + i B_k (see passg.ts). */
function butterflyOdd(r: number): Butterfly {
  const h = (r - 1) >> 1;
  return (f, x, y, k) => {
    const s: number[] = [];
    const d: number[] = [];
    for (let j = 1; j <= h; j++) {
      const sj = f.v();
      const dj = f.v();
      f.vop(sj, x[j], Simd.f64x2Add, x[r - j]);
      f.vop(dj, x[j], Simd.f64x2Sub, x[r - j]);
      s.push(sj);
      d.push(dj);
    }
    f.get(x[0]);
    for (let j = 0; j < h; j++) {
      f.get(s[j]);
      f.simd(Simd.f64x2Add);
    }
    f.set(y[0]);
    for (let q = 1; q <= h; q++) {
      const aq = f.v();
      const bq = f.v();
      // A_q = x0 + sum_j cos(2 pi jq / r) s_j
      f.get(x[0]);
      for (let j = 1; j <= h; j++) {
        const m = (j * q) % r;
        f.get(s[j - 1]);
        f.get(k.cos[(m <= h ? m : r - m) - 1]);
        f.simd(Simd.f64x2Mul);
        f.simd(Simd.f64x2Add);
      }
      f.set(aq);
      // B_q = sum_j sin(2 pi jq / r) d_j
      for (let j = 1; j <= h; j++) {
        const m = (j * q) % r;
        f.get(d[j - 1]);
        f.get(k.sin[(m <= h ? m : r - m) - 1]);
        f.simd(Simd.f64x2Mul);
        if (j > 1) f.simd(m <= h ? Simd.f64x2Add : Simd.f64x2Sub);
        else if (m > h) throw new Error("unreachable: first sine term is positive");
      }
      f.set(bq);
      f.mulNegI(bq, bq, k.negHi);
      f.vop(y[q], aq, Simd.f64x2Add, bq);
      f.vop(y[r - q], aq, Simd.f64x2Sub, bq);
    }
  };
}

/** The pass function of radix r (see the calling convention above). */
/** i32 locals of a pass's two-level loop over its butterflies (see loopOrder, openLoops). */
interface Loops {
  readonly ik: number;
  readonly ok: number;
  readonly a: number;
  readonly b: number;
  readonly t: number;
  readonly cnt: number;
  readonly nu: number;
  readonly nv: number;
  readonly au: number;
  readonly av: number;
  readonly bu: number;
  readonly bv: number;
  readonly tu: number;
  readonly tv: number;
  readonly a0: number;
  readonly b0: number;
  readonly t0: number;
  readonly u: number;
}

function loopLocals(f: Body): Loops {
  const [ik, ok, a, b, t, cnt, nu, nv, au, av, bu, bv, tu, tv, a0, b0, t0, u] = Array.from(
    { length: 18 },
    () => f.i32(),
  );
  return { ik, ok, a, b, t, cnt, nu, nv, au, av, bu, bv, tu, tv, a0, b0, t0, u };
}

/**
 * Loop order: k outer / i inner when the column count (pushed by `cols`) >= l1, else i outer /
 * k inner, so the inner loop is the longer one; `step`: bytes per column, `tstride`: twiddle
 * bytes per column. Then the start offsets: input cc + skip, output ch + skip, twiddles tw.
 */
function loopOrder(
  f: Body,
  L: Loops,
  l1: number,
  cols: () => void,
  step: number,
  tstride: number,
  cc: number,
  ch: number,
  tw: number,
  skip: number,
): void {
  // One loop's count and strides: over k (l1 butterflies, ik / ok bytes apart, same twiddles)
  // or over the columns (step bytes apart, tstride twiddle bytes apart).
  const side = (overK: boolean, n: number, a: number, b: number, t: number) => {
    if (overK) f.get(l1);
    else cols();
    f.set(n);
    if (overK) f.get(L.ik);
    else f.i32Const(step);
    f.set(a);
    if (overK) f.get(L.ok);
    else f.i32Const(step);
    f.set(b);
    f.i32Const(overK ? 0 : tstride);
    f.set(t);
  };
  cols();
  f.get(l1);
  f.emit(Op.i32GeS, Op.if, BLOCK_VOID);
  side(true, L.nu, L.au, L.bu, L.tu);
  side(false, L.nv, L.av, L.bv, L.tv);
  f.emit(Op.else);
  side(false, L.nu, L.au, L.bu, L.tu);
  side(true, L.nv, L.av, L.bv, L.tv);
  f.emit(Op.end);
  if (skip) {
    f.i32op(L.a0, cc, Op.i32Add, { c: skip });
    f.i32op(L.b0, ch, Op.i32Add, { c: skip });
  } else {
    f.get(cc);
    f.set(L.a0);
    f.get(ch);
    f.set(L.b0);
  }
  f.get(tw);
  f.set(L.t0);
  f.get(L.nu);
  f.set(L.u);
}

/** im[m] = m * 16 * ido (input stride of m), ik = r * im[1] (of k), ok = 16 * ido (output of k). */
function inputStrides(f: Body, r: number, ido: number, im: number[], L: Loops): void {
  f.i32op(im[1], ido, Op.i32Shl, { c: 4 });
  for (let m = 2; m < r; m++) f.i32op(im[m], im[1], Op.i32Mul, { c: m });
  f.i32op(L.ik, im[1], Op.i32Mul, { c: r });
  f.i32op(L.ok, ido, Op.i32Shl, { c: 4 });
}

/** Opens the u and v loops: a, b, t from a0, b0, t0; cnt = nv. */
function openLoops(f: Body, L: Loops): void {
  f.emit(Op.loop, BLOCK_VOID); // u
  f.get(L.a0);
  f.set(L.a);
  f.get(L.b0);
  f.set(L.b);
  f.get(L.t0);
  f.set(L.t);
  f.get(L.nv);
  f.set(L.cnt);
  f.emit(Op.loop, BLOCK_VOID); // v
}

/** Steps and closes the v loop, then the u loop. */
function closeLoops(f: Body, L: Loops): void {
  f.i32op(L.a, L.a, Op.i32Add, L.av);
  f.i32op(L.b, L.b, Op.i32Add, L.bv);
  f.i32op(L.t, L.t, Op.i32Add, L.tv);
  f.i32op(L.cnt, L.cnt, Op.i32Sub, { c: 1 });
  f.get(L.cnt);
  f.emit(Op.brIf, 0, Op.end);
  f.i32op(L.a0, L.a0, Op.i32Add, L.au);
  f.i32op(L.b0, L.b0, Op.i32Add, L.bu);
  f.i32op(L.t0, L.t0, Op.i32Add, L.tu);
  f.i32op(L.u, L.u, Op.i32Sub, { c: 1 });
  f.get(L.u);
  f.emit(Op.brIf, 0, Op.end);
}

function passBody(r: number, bfly: Butterfly): number[] {
  const nParams = 5 + (r - 1);
  const f = new Body(nParams);
  const [ido, l1, cc, ch, tw] = [0, 1, 2, 3, 4];
  const o = [-1, ...Array.from({ length: r - 1 }, (_, q) => 5 + q)];
  const im = Array.from({ length: r }, () => f.i32());
  const L = loopLocals(f);
  const { ik, ok, a, b, t, cnt } = L;
  const k = passConsts(f, r, true);
  inputStrides(f, r, ido, im, L);
  const x = Array.from({ length: r }, () => f.v());
  const y = Array.from({ length: r }, () => f.v());
  const loadInputs = () => {
    f.load(x[0], a, null);
    for (let m = 1; m < r; m++) f.load(x[m], a, im[m]);
  };
  // i = 0: no twiddles, loop over k.
  f.get(cc);
  f.set(a);
  f.get(ch);
  f.set(b);
  f.get(l1);
  f.set(cnt);
  f.emit(Op.loop, BLOCK_VOID);
  loadInputs();
  bfly(f, x, y, k);
  f.store(b, null, y[0]);
  for (let q = 1; q < r; q++) f.store(b, o[q], y[q]);
  f.i32op(a, a, Op.i32Add, ik);
  f.i32op(b, b, Op.i32Add, ok);
  f.i32op(cnt, cnt, Op.i32Sub, { c: 1 });
  f.get(cnt);
  f.emit(Op.brIf, 0, Op.end);
  // if (ido == 1) return
  f.get(ido);
  f.i32Const(1);
  f.emit(Op.i32Eq, Op.if, BLOCK_VOID, Op.return, Op.end);
  const cols = () => {
    f.get(ido);
    f.i32Const(1);
    f.emit(Op.i32Sub);
  };
  loopOrder(f, L, l1, cols, 16, 16 * (r - 1), cc, ch, tw, 16);
  openLoops(f, L);
  loadInputs();
  bfly(f, x, y, k);
  f.store(b, null, y[0]);
  for (let q = 1; q < r; q++) {
    f.cmul(y[q], y[q], t, 16 * (q - 1), k.negLo);
    f.store(b, o[q], y[q]);
  }
  closeLoops(f, L);
  return f.finish();
}

// ---------------------------------------------------------------------------------------------
// Pair format. For even n, the wasm engine keeps data as blocks of two complex numbers,
// [re_2b, re_2b+1, im_2b, im_2b+1] (32 bytes; element e starts at byte 16 e like interleaved
// data when e is even), so each f64x2 operation does the work of two butterflies: a pass
// processes the columns i, i + 1 together (ido even), and the twiddle product costs 4 multiplies
// and 2 adds per two complex numbers instead of the interleaved 7 operations per one. The first
// pass reads interleaved input (two loads and two lane shuffles per pair), the last pass (ido = 1)
// pairs k, k + 1 (l1 even) and writes interleaved output, so the caller sees interleaved data.
// Twiddle tables of a pair pass: for each column pair p (i = 2p, 2p + 1) and q = 1..r-1,
// 32 bytes [wr(2p, q), wr(2p+1, q), wi(2p, q), wi(2p+1, q)] (i = 0 included, as 1).

/** Lanes (byte indices) taking f64 lane a of the first operand and lane b of the second. */
function lanes(a: number, b: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < 8; j++) out.push(8 * a + j);
  for (let j = 0; j < 8; j++) out.push(16 + 8 * b + j);
  return out;
}

/** Forward r-point DFT in split form: complex m is (xr[m], xi[m]), each a pair of lanes. */
type SplitButterfly = (
  f: Body,
  xr: number[],
  xi: number[],
  yr: number[],
  yi: number[],
  k: Consts,
) => void;

/** A new local holding a OP b. */
function bin(f: Body, a: number, op: number, b: number): number {
  const d = f.v();
  f.vop(d, a, op, b);
  return d;
}

const split2: SplitButterfly = (f, xr, xi, yr, yi) => {
  f.vop(yr[0], xr[0], Simd.f64x2Add, xr[1]);
  f.vop(yi[0], xi[0], Simd.f64x2Add, xi[1]);
  f.vop(yr[1], xr[0], Simd.f64x2Sub, xr[1]);
  f.vop(yi[1], xi[0], Simd.f64x2Sub, xi[1]);
};

const split4: SplitButterfly = (f, xr, xi, yr, yi) => {
  const s02r = bin(f, xr[0], Simd.f64x2Add, xr[2]);
  const s02i = bin(f, xi[0], Simd.f64x2Add, xi[2]);
  const d02r = bin(f, xr[0], Simd.f64x2Sub, xr[2]);
  const d02i = bin(f, xi[0], Simd.f64x2Sub, xi[2]);
  const s13r = bin(f, xr[1], Simd.f64x2Add, xr[3]);
  const s13i = bin(f, xi[1], Simd.f64x2Add, xi[3]);
  const d13r = bin(f, xr[1], Simd.f64x2Sub, xr[3]);
  const d13i = bin(f, xi[1], Simd.f64x2Sub, xi[3]);
  f.vop(yr[0], s02r, Simd.f64x2Add, s13r);
  f.vop(yi[0], s02i, Simd.f64x2Add, s13i);
  f.vop(yr[2], s02r, Simd.f64x2Sub, s13r);
  f.vop(yi[2], s02i, Simd.f64x2Sub, s13i);
  f.vop(yr[1], d02r, Simd.f64x2Add, d13i);
  f.vop(yi[1], d02i, Simd.f64x2Sub, d13r);
  f.vop(yr[3], d02r, Simd.f64x2Sub, d13i);
  f.vop(yi[3], d02i, Simd.f64x2Add, d13r);
};

const split8: SplitButterfly = (f, xr, xi, yr, yi, k) => {
  const a0r = bin(f, xr[0], Simd.f64x2Add, xr[4]);
  const a0i = bin(f, xi[0], Simd.f64x2Add, xi[4]);
  const a1r = bin(f, xr[0], Simd.f64x2Sub, xr[4]);
  const a1i = bin(f, xi[0], Simd.f64x2Sub, xi[4]);
  const a2r = bin(f, xr[2], Simd.f64x2Add, xr[6]);
  const a2i = bin(f, xi[2], Simd.f64x2Add, xi[6]);
  const a3r = bin(f, xr[2], Simd.f64x2Sub, xr[6]);
  const a3i = bin(f, xi[2], Simd.f64x2Sub, xi[6]);
  const a4r = bin(f, xr[1], Simd.f64x2Add, xr[5]);
  const a4i = bin(f, xi[1], Simd.f64x2Add, xi[5]);
  const a5r = bin(f, xr[1], Simd.f64x2Sub, xr[5]);
  const a5i = bin(f, xi[1], Simd.f64x2Sub, xi[5]);
  const a6r = bin(f, xr[3], Simd.f64x2Add, xr[7]);
  const a6i = bin(f, xi[3], Simd.f64x2Add, xi[7]);
  const a7r = bin(f, xr[3], Simd.f64x2Sub, xr[7]);
  const a7i = bin(f, xi[3], Simd.f64x2Sub, xi[7]);
  const e0r = bin(f, a0r, Simd.f64x2Add, a2r);
  const e0i = bin(f, a0i, Simd.f64x2Add, a2i);
  const e2r = bin(f, a0r, Simd.f64x2Sub, a2r);
  const e2i = bin(f, a0i, Simd.f64x2Sub, a2i);
  const e1r = bin(f, a1r, Simd.f64x2Add, a3i);
  const e1i = bin(f, a1i, Simd.f64x2Sub, a3r);
  const e3r = bin(f, a1r, Simd.f64x2Sub, a3i);
  const e3i = bin(f, a1i, Simd.f64x2Add, a3r);
  const p0r = bin(f, a4r, Simd.f64x2Add, a6r);
  const p0i = bin(f, a4i, Simd.f64x2Add, a6i);
  const p2r = bin(f, a4r, Simd.f64x2Sub, a6r);
  const p2i = bin(f, a4i, Simd.f64x2Sub, a6i);
  const p1r = bin(f, a5r, Simd.f64x2Add, a7i);
  const p1i = bin(f, a5i, Simd.f64x2Sub, a7r);
  const p3r = bin(f, a5r, Simd.f64x2Sub, a7i);
  const p3i = bin(f, a5i, Simd.f64x2Add, a7r);
  // q1 = (p1r + p1i, p1i - p1r) c8; q3 = (p3i - p3r, -(p3r + p3i)) c8
  const q1r = bin(f, bin(f, p1r, Simd.f64x2Add, p1i), Simd.f64x2Mul, k.c8);
  const q1i = bin(f, bin(f, p1i, Simd.f64x2Sub, p1r), Simd.f64x2Mul, k.c8);
  const q3r = bin(f, bin(f, p3i, Simd.f64x2Sub, p3r), Simd.f64x2Mul, k.c8);
  const q3n = bin(f, bin(f, p3r, Simd.f64x2Add, p3i), Simd.f64x2Mul, k.c8); // -q3i
  f.vop(yr[0], e0r, Simd.f64x2Add, p0r);
  f.vop(yi[0], e0i, Simd.f64x2Add, p0i);
  f.vop(yr[4], e0r, Simd.f64x2Sub, p0r);
  f.vop(yi[4], e0i, Simd.f64x2Sub, p0i);
  f.vop(yr[1], e1r, Simd.f64x2Add, q1r);
  f.vop(yi[1], e1i, Simd.f64x2Add, q1i);
  f.vop(yr[5], e1r, Simd.f64x2Sub, q1r);
  f.vop(yi[5], e1i, Simd.f64x2Sub, q1i);
  f.vop(yr[2], e2r, Simd.f64x2Add, p2i);
  f.vop(yi[2], e2i, Simd.f64x2Sub, p2r);
  f.vop(yr[6], e2r, Simd.f64x2Sub, p2i);
  f.vop(yi[6], e2i, Simd.f64x2Add, p2r);
  f.vop(yr[3], e3r, Simd.f64x2Add, q3r);
  f.vop(yi[3], e3i, Simd.f64x2Sub, q3n);
  f.vop(yr[7], e3r, Simd.f64x2Sub, q3r);
  f.vop(yi[7], e3i, Simd.f64x2Add, q3n);
};

function splitOdd(r: number): SplitButterfly {
  const h = (r - 1) >> 1;
  return (f, xr, xi, yr, yi, k) => {
    const sr: number[] = [];
    const si: number[] = [];
    const dr: number[] = [];
    const di: number[] = [];
    for (let j = 1; j <= h; j++) {
      sr.push(bin(f, xr[j], Simd.f64x2Add, xr[r - j]));
      si.push(bin(f, xi[j], Simd.f64x2Add, xi[r - j]));
      dr.push(bin(f, xr[j], Simd.f64x2Sub, xr[r - j]));
      di.push(bin(f, xi[j], Simd.f64x2Sub, xi[r - j]));
    }
    const sum = (dst: number, x0: number, terms: number[]) => {
      f.get(x0);
      for (const t of terms) {
        f.get(t);
        f.simd(Simd.f64x2Add);
      }
      f.set(dst);
    };
    sum(yr[0], xr[0], sr);
    sum(yi[0], xi[0], si);
    for (let q = 1; q <= h; q++) {
      // A = x0 + sum_j cos(2 pi jq / r) s_j, B = sum_j sin(2 pi jq / r) d_j (re and im parts)
      const comb = (x0: number | null, v: number[], table: number[], sine: boolean): number => {
        const d = f.v();
        if (x0 !== null) f.get(x0);
        for (let j = 1; j <= h; j++) {
          const m = (j * q) % r;
          f.get(v[j - 1]);
          f.get(table[(m <= h ? m : r - m) - 1]);
          f.simd(Simd.f64x2Mul);
          const negative = sine && m > h;
          if (x0 !== null || j > 1) f.simd(negative ? Simd.f64x2Sub : Simd.f64x2Add);
        }
        f.set(d);
        return d;
      };
      const ar = comb(xr[0], sr, k.cos, false);
      const ai = comb(xi[0], si, k.cos, false);
      const br = comb(null, dr, k.sin, true);
      const bi = comb(null, di, k.sin, true);
      // Y_q = A - i B = (ar + bi, ai - br), Y_{r-q} = A + i B = (ar - bi, ai + br)
      f.vop(yr[q], ar, Simd.f64x2Add, bi);
      f.vop(yi[q], ai, Simd.f64x2Sub, br);
      f.vop(yr[r - q], ar, Simd.f64x2Sub, bi);
      f.vop(yi[r - q], ai, Simd.f64x2Add, br);
    }
  };
}

/**
 * Splat constants of a pass of radix r; the sign masks negHi, negLo are set only with `signs`
 * (the interleaved passes; the pair passes do not use them).
 */
function passConsts(f: Body, r: number, signs: boolean): Consts {
  const k: Consts = { negHi: f.v(), negLo: f.v(), c8: f.v(), cos: [], sin: [] };
  if (signs) {
    f.vconst(k.negHi, 0, -0);
    f.vconst(k.negLo, -0, 0);
  }
  f.vconst(k.c8, Math.SQRT1_2, Math.SQRT1_2);
  if (r % 2 === 1) {
    const rc = ODD_ROOTS[r];
    for (let m = 0; m < rc.cos.length; m++) {
      const c = f.v();
      const s = f.v();
      f.vconst(c, rc.cos[m], rc.cos[m]);
      f.vconst(s, rc.sin[m], rc.sin[m]);
      k.cos.push(c);
      k.sin.push(s);
    }
  }
  return k;
}

/** Load the complex pair of column i, i + 1 at byte `base [+ add] + off`, in either format. */
function loadPair(
  f: Body,
  re: number,
  im: number,
  base: number,
  add: number | null,
  off: number,
  interleaved: boolean,
): void {
  if (!interleaved) {
    f.load(re, base, add, off);
    f.load(im, base, add, off + 16);
    return;
  }
  const v0 = f.v();
  const v1 = f.v();
  f.load(v0, base, add, off);
  f.load(v1, base, add, off + 16);
  f.get(v0);
  f.get(v1);
  f.simd(Simd.shuffle, ...lanes(0, 0));
  f.set(re);
  f.get(v0);
  f.get(v1);
  f.simd(Simd.shuffle, ...lanes(1, 1));
  f.set(im);
}

/** Pair-format pass of radix r (ido even), input in pair format or (first pass) interleaved. */
function pairPassBody(r: number, bfly: SplitButterfly, interleavedIn: boolean): number[] {
  const f = new Body(5 + (r - 1));
  const [ido, l1, cc, ch, tw] = [0, 1, 2, 3, 4];
  const o = [-1, ...Array.from({ length: r - 1 }, (_, q) => 5 + q)];
  const im = Array.from({ length: r }, () => f.i32());
  const L = loopLocals(f);
  const { a, b, t } = L;
  const pairs = f.i32();
  const k = passConsts(f, r, false);
  inputStrides(f, r, ido, im, L);
  f.i32op(pairs, ido, Op.i32ShrU, { c: 1 });
  const cols = () => f.get(pairs);
  loopOrder(f, L, l1, cols, 32, 32 * (r - 1), cc, ch, tw, 0);
  const xr = Array.from({ length: r }, () => f.v());
  const xi = Array.from({ length: r }, () => f.v());
  const yr = Array.from({ length: r }, () => f.v());
  const yi = Array.from({ length: r }, () => f.v());
  openLoops(f, L);
  for (let m = 0; m < r; m++)
    loadPair(f, xr[m], xi[m], a, m === 0 ? null : im[m], 0, interleavedIn);
  bfly(f, xr, xi, yr, yi, k);
  f.store(b, null, yr[0]);
  f.storeOff(b, null, 16, yi[0]);
  for (let q = 1; q < r; q++) {
    const wr = f.v();
    const wi = f.v();
    f.load(wr, t, null, 32 * (q - 1));
    f.load(wi, t, null, 32 * (q - 1) + 16);
    // (yr wr - yi wi, yr wi + yi wr)
    f.get(yr[q]);
    f.get(wr);
    f.simd(Simd.f64x2Mul);
    f.get(yi[q]);
    f.get(wi);
    f.simd(Simd.f64x2Mul);
    f.simd(Simd.f64x2Sub);
    const zr = f.v();
    f.set(zr);
    f.get(yr[q]);
    f.get(wi);
    f.simd(Simd.f64x2Mul);
    f.get(yi[q]);
    f.get(wr);
    f.simd(Simd.f64x2Mul);
    f.simd(Simd.f64x2Add);
    const zi = f.v();
    f.set(zi);
    f.store(b, o[q], zr);
    f.storeOff(b, o[q], 16, zi);
  }
  closeLoops(f, L);
  return f.finish();
}

/**
 * Last pass (ido = 1, l1 even, r even) from pair format to interleaved output: butterflies
 * k and k + 1 share the lanes. Their inputs are 2r contiguous complex numbers (r / 2 blocks
 * each), regrouped by lane shuffles; outputs k and k + 1 are written as two complex numbers,
 * `os` bytes apart.
 */
function lastPassBody(r: number, bfly: SplitButterfly): number[] {
  const f = new Body(5 + (r - 1));
  // Parameters as the other passes, except that the twiddle slot carries `os`, the byte
  // distance between outputs k and k + 1 (16 normally; more when writing a strided sub-result).
  const [l1, cc, ch, os] = [1, 2, 3, 4];
  const o = [-1, ...Array.from({ length: r - 1 }, (_, q) => 5 + q)];
  const [a, b, cnt] = [f.i32(), f.i32(), f.i32()];
  const k = passConsts(f, r, false);
  const xr = Array.from({ length: r }, () => f.v());
  const xi = Array.from({ length: r }, () => f.v());
  const yr = Array.from({ length: r }, () => f.v());
  const yi = Array.from({ length: r }, () => f.v());
  const blk = Array.from({ length: 2 * r }, () => f.v());
  f.get(cc);
  f.set(a);
  f.get(ch);
  f.set(b);
  f.i32op(cnt, l1, Op.i32ShrU, { c: 1 });
  f.emit(Op.loop, BLOCK_VOID);
  // Blocks j of butterfly k (byte 32 j) and of k + 1 (byte 16 r + 32 j), re and im halves.
  for (let j = 0; j < r / 2; j++) {
    f.load(blk[4 * j], a, null, 32 * j);
    f.load(blk[4 * j + 1], a, null, 32 * j + 16);
    f.load(blk[4 * j + 2], a, null, 16 * r + 32 * j);
    f.load(blk[4 * j + 3], a, null, 16 * r + 32 * j + 16);
    for (let lane = 0; lane < 2; lane++) {
      const m = 2 * j + lane;
      f.get(blk[4 * j]);
      f.get(blk[4 * j + 2]);
      f.simd(Simd.shuffle, ...lanes(lane, lane));
      f.set(xr[m]);
      f.get(blk[4 * j + 1]);
      f.get(blk[4 * j + 3]);
      f.simd(Simd.shuffle, ...lanes(lane, lane));
      f.set(xi[m]);
    }
  }
  bfly(f, xr, xi, yr, yi, k);
  for (let q = 0; q < r; q++) {
    const c = f.v();
    f.get(yr[q]);
    f.get(yi[q]);
    f.simd(Simd.shuffle, ...lanes(0, 0));
    f.set(c);
    f.store(b, q === 0 ? null : o[q], c);
    f.get(yr[q]);
    f.get(yi[q]);
    f.simd(Simd.shuffle, ...lanes(1, 1));
    f.set(c);
    f.get(b);
    if (q > 0) {
      f.get(o[q]);
      f.emit(Op.i32Add);
    }
    f.get(os);
    f.emit(Op.i32Add);
    f.get(c);
    f.simd(Simd.store, 4, 0);
  }
  f.i32op(a, a, Op.i32Add, { c: 32 * r });
  f.i32op(b, b, Op.i32Add, os);
  f.i32op(b, b, Op.i32Add, os);
  f.i32op(cnt, cnt, Op.i32Sub, { c: 1 });
  f.get(cnt);
  f.emit(Op.brIf, 0, Op.end);
  return f.finish();
}

/** if (x == 0) return; */
function returnIfZero(f: Body, x: number): void {
  f.get(x);
  f.emit(Op.i32Eqz, Op.if, BLOCK_VOID, Op.return, Op.end);
}

/** dst = f64x2.splat(x) */
function splat(f: Body, dst: number, x: number): void {
  f.get(x);
  f.simd(Simd.f64x2Splat);
  f.set(dst);
}

/** if (flags & bit) dst = src; */
function setIfFlag(f: Body, flags: number, bit: number, dst: number, src: number): void {
  f.get(flags);
  f.i32Const(bit);
  f.emit(Op.i32And, Op.if, BLOCK_VOID);
  f.get(src);
  f.set(dst);
  f.emit(Op.end);
}

/** do { body(); x += bytes for each pair x, bytes of steps } while (--count != 0) */
function countLoop(f: Body, count: number, steps: readonly number[], body: () => void): void {
  f.emit(Op.loop, BLOCK_VOID);
  body();
  for (let j = 0; j < steps.length; j += 2) {
    const x = steps[j];
    f.i32op(x, x, Op.i32Add, { c: steps[j + 1] });
  }
  f.i32op(count, count, Op.i32Sub, { c: 1 });
  f.get(count);
  f.emit(Op.brIf, 0, Op.end);
}

/**
 * cmulArray(dst, src, tbl, count, flags, scale): for j < count, complex (interleaved)
 * dst[j] = s * conj?(src[j]) * tbl[j], conjugated again if flags & 2; conj of the input if
 * flags & 1; s = scale. dst may equal src. (Bluestein's chirp and kernel products.)
 */
function cmulArrayBody(): number[] {
  const f = new Body(6);
  const [dst, src, tbl, count, flags, scale] = [0, 1, 2, 3, 4, 5];
  const negHi = f.v();
  const negLo = f.v();
  const maskIn = f.v();
  const maskOut = f.v();
  const sc = f.v();
  const x = f.v();
  f.vconst(negHi, 0, -0);
  f.vconst(negLo, -0, 0);
  f.vconst(maskIn, 0, 0);
  f.vconst(maskOut, 0, 0);
  splat(f, sc, scale);
  returnIfZero(f, count);
  setIfFlag(f, flags, 1, maskIn, negHi);
  setIfFlag(f, flags, 2, maskOut, negHi);
  countLoop(f, count, [dst, 16, src, 16, tbl, 16], () => {
    f.load(x, src, null);
    f.vop(x, x, Simd.xor, maskIn);
    f.cmul(x, x, tbl, 0, negLo);
    f.vop(x, x, Simd.xor, maskOut);
    f.vop(x, x, Simd.f64x2Mul, sc);
    f.store(dst, null, x);
  });
  return f.finish();
}

/**
 * gather(dst, src, idx, count, flags, scale): for j < count, complex (16-byte) elements
 * dst[j] = s * conj?(src at byte offset idx[j]) (idx: i32 byte offsets; conj if flags & 1).
 * (Rader's index permutations.)
 */
function gatherBody(): number[] {
  const f = new Body(6);
  const [dst, src, idx, count, flags, scale] = [0, 1, 2, 3, 4, 5];
  const negHi = f.v();
  const mask = f.v();
  const sc = f.v();
  const x = f.v();
  f.vconst(negHi, 0, -0);
  f.vconst(mask, 0, 0);
  splat(f, sc, scale);
  returnIfZero(f, count);
  setIfFlag(f, flags, 1, mask, negHi);
  countLoop(f, count, [dst, 16, idx, 4], () => {
    f.get(src);
    f.get(idx);
    f.emit(Op.i32Load, 2, 0);
    f.emit(Op.i32Add);
    f.simd(Simd.load, 4, 0);
    f.get(mask);
    f.simd(Simd.xor);
    f.get(sc);
    f.simd(Simd.f64x2Mul);
    f.set(x);
    f.store(dst, null, x);
  });
  return f.finish();
}

/** widen(dst, src, count): count complex float32 at src to complex float64 at dst. */
function widenBody(): number[] {
  const f = new Body(3);
  const [dst, src, count] = [0, 1, 2];
  const x = f.v();
  returnIfZero(f, count);
  countLoop(f, count, [dst, 16, src, 8], () => {
    f.get(src);
    f.simd(Simd.load64Zero, 3, 0);
    f.simd(Simd.f64x2PromoteLowF32x4);
    f.set(x);
    f.store(dst, null, x);
  });
  return f.finish();
}

/** narrow(dst, src, count, scale): count complex float64 at src, times scale, rounded to
 * complex float32 at dst (round to nearest, as a JS store into a Float32Array). */
function narrowBody(): number[] {
  const f = new Body(4);
  const [dst, src, count, scale] = [0, 1, 2, 3];
  const sc = f.v();
  splat(f, sc, scale);
  returnIfZero(f, count);
  countLoop(f, count, [dst, 8, src, 16], () => {
    f.get(dst);
    f.get(src);
    f.simd(Simd.load, 4, 0);
    f.get(sc);
    f.simd(Simd.f64x2Mul);
    f.simd(Simd.f32x4DemoteF64x2Zero);
    f.simd(Simd.store64Lane, 3, 0, 0);
  });
  return f.finish();
}

/** scaleCopy(dst, src, count, scale): count complex float64, dst[j] = scale * src[j]. */
function scaleCopyBody(): number[] {
  const f = new Body(4);
  const [dst, src, count, scale] = [0, 1, 2, 3];
  const sc = f.v();
  const x = f.v();
  splat(f, sc, scale);
  returnIfZero(f, count);
  countLoop(f, count, [dst, 16, src, 16], () => {
    f.load(x, src, null);
    f.vop(x, x, Simd.f64x2Mul, sc);
    f.store(dst, null, x);
  });
  return f.finish();
}

/**
 * Real FFT, forward split (real.ts): from Z = FFT_h(x_even + i x_odd) (h complex at src) to
 * X_0..X_h (h + 1 complex at dst), w[k] = exp(-2 pi i k / 2h), k <= h / 2 (complex at w):
 *   X_0 = Re Z_0 + Im Z_0, X_h = Re Z_0 - Im Z_0 (imaginary parts 0),
 *   A = Z_k, B = conj(Z_{h-k}), E = A + B, T = w_k (-i) (A - B),
 *   X_k = (E + T) / 2, X_{h-k} = conj(E - T) / 2.
 * rjoin is its inverse (backward, without the 1/2): from X (h + 1 complex at src) to Z at dst,
 *   Z_0 = (X_0 + X_h) + i (X_0 - X_h) (real parts only),
 *   S = X_k + conj(X_{h-k}), D = (X_k - conj(X_{h-k})) conj(w_k), Z_k = S + i D,
 *   Z_{h-k} = conj(S - i D).
 * Same float64 operations as the JS loops of real.ts.
 */
function realPassBody(join: boolean): number[] {
  const f = new Body(4);
  const [dst, src, w, h] = [0, 1, 2, 3];
  const negHi = f.v();
  const negLo = f.v();
  const half = f.v();
  const a = f.v();
  const b = f.v();
  const e = f.v();
  const d = f.v();
  const t = f.v();
  const [k, pk, pm, tw] = [f.i32(), f.i32(), f.i32(), f.i32()];
  f.vconst(negHi, 0, -0);
  f.vconst(negLo, -0, 0);
  f.vconst(half, 0.5, 0.5);
  // k = 0 (and h): scalar lanes via shuffles of Z_0 / X_0, X_h.
  f.load(a, src, null);
  if (!join) {
    // X_0 = (a.re + a.im, 0), X_h = (a.re - a.im, 0)
    f.get(a);
    f.get(a);
    f.simd(Simd.shuffle, ...SWAP_LANES);
    f.set(b);
    f.vop(e, a, Simd.f64x2Add, b); // (re + im, im + re)
    f.vop(d, a, Simd.f64x2Sub, b); // (re - im, im - re)
    f.get(dst);
    f.get(e);
    f.vconst(t, 0, 0);
    f.get(t);
    f.simd(Simd.shuffle, ...lanes(0, 0));
    f.simd(Simd.store, 4, 0);
    f.get(dst);
    f.get(h);
    f.i32Const(4);
    f.emit(Op.i32Shl, Op.i32Add);
    f.get(d);
    f.get(t);
    f.simd(Simd.shuffle, ...lanes(0, 0));
    f.simd(Simd.store, 4, 0);
  } else {
    // Z_0 = (X_0.re + X_h.re, X_0.re - X_h.re)
    f.get(src);
    f.get(h);
    f.i32Const(4);
    f.emit(Op.i32Shl, Op.i32Add);
    f.simd(Simd.load, 4, 0);
    f.set(b);
    f.get(a);
    f.get(a);
    f.simd(Simd.shuffle, ...lanes(0, 0)); // (x0, x0)
    f.set(e);
    f.get(b);
    f.get(b);
    f.simd(Simd.shuffle, ...lanes(0, 0)); // (xh, xh)
    f.set(d);
    f.vop(t, e, Simd.f64x2Add, d); // (x0 + xh, .)
    f.vop(e, e, Simd.f64x2Sub, d); // (x0 - xh, .)
    f.get(dst);
    f.get(t);
    f.get(e);
    f.simd(Simd.shuffle, ...lanes(0, 0));
    f.simd(Simd.store, 4, 0);
  }
  // k = 1 .. h/2
  f.i32Const(1);
  f.set(k);
  f.get(w);
  f.i32Const(16);
  f.emit(Op.i32Add);
  f.set(tw);
  f.emit(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID);
  // while (2k <= h)
  f.get(k);
  f.i32Const(1);
  f.emit(Op.i32Shl);
  f.get(h);
  f.emit(Op.i32GtS, Op.brIf, 1);
  f.i32op(pk, k, Op.i32Shl, { c: 4 });
  f.get(h);
  f.get(k);
  f.emit(Op.i32Sub);
  f.i32Const(4);
  f.emit(Op.i32Shl);
  f.set(pm);
  f.load(a, src, pk);
  f.load(b, src, pm);
  f.vop(b, b, Simd.xor, negHi); // conj
  f.vop(e, a, Simd.f64x2Add, b);
  f.vop(d, a, Simd.f64x2Sub, b);
  if (!join) {
    f.mulNegI(d, d, negHi); // (-i)(A - B)
    f.cmul(t, d, tw, 0, negLo); // T = w_k (-i)(A - B)
    // X_{h-k} = conj(E - T) / 2 first (for 2k = h, X_k below wins, as in real.ts)
    f.vop(b, e, Simd.f64x2Sub, t);
    f.vop(b, b, Simd.xor, negHi);
    f.vop(b, b, Simd.f64x2Mul, half);
    f.get(dst);
    f.get(pm);
    f.emit(Op.i32Add);
    f.get(b);
    f.simd(Simd.store, 4, 0);
    f.vop(a, e, Simd.f64x2Add, t);
    f.vop(a, a, Simd.f64x2Mul, half);
    f.get(dst);
    f.get(pk);
    f.emit(Op.i32Add);
    f.get(a);
    f.simd(Simd.store, 4, 0);
  } else {
    f.cmul(d, d, tw, 0, negHi); // D = (A - B) conj(w_k)
    // i D = (-D.im, D.re)
    f.get(d);
    f.get(d);
    f.simd(Simd.shuffle, ...SWAP_LANES);
    f.get(negLo);
    f.simd(Simd.xor);
    f.set(t);
    // Z_{h-k} = conj(S - i D) first, then Z_k = S + i D
    f.vop(b, e, Simd.f64x2Sub, t);
    f.vop(b, b, Simd.xor, negHi);
    f.get(dst);
    f.get(pm);
    f.emit(Op.i32Add);
    f.get(b);
    f.simd(Simd.store, 4, 0);
    f.vop(a, e, Simd.f64x2Add, t);
    f.get(dst);
    f.get(pk);
    f.emit(Op.i32Add);
    f.get(a);
    f.simd(Simd.store, 4, 0);
  }
  f.i32op(k, k, Op.i32Add, { c: 1 });
  f.i32op(tw, tw, Op.i32Add, { c: 16 });
  f.emit(Op.br, 0, Op.end, Op.end);
  return f.finish();
}

/** Radices with a wasm codelet (interleaved and pair formats). */
export const WASM_RADICES: readonly number[] = [2, 3, 4, 5, 7, 8, 11];
/** Radices with a last-pass (pair to interleaved) codelet. */
export const WASM_LAST_RADICES: readonly number[] = [2, 4, 8];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const bflys: { [r: number]: Butterfly } = {
    2: butterfly2,
    3: butterflyOdd(3),
    4: butterfly4,
    5: butterflyOdd(5),
    7: butterflyOdd(7),
    8: butterfly8,
    11: butterflyOdd(11),
  };
  const splits: { [r: number]: SplitButterfly } = {
    2: split2,
    3: splitOdd(3),
    4: split4,
    5: splitOdd(5),
    7: splitOdd(7),
    8: split8,
    11: splitOdd(11),
  };
  // One type per function (function i has type i), exported under its name.
  const types: FuncType[] = [];
  const functions: { type: number; body: number[] }[] = [];
  const exports: ModuleExport[] = [];
  const add = (fname: string, params: number[], body: number[]) => {
    const idx = functions.length;
    types.push({ params, results: [] });
    functions.push({ type: idx, body });
    exports.push({ name: fname, kind: "func", index: idx });
  };
  const i32s = (n: number): number[] => new Array<number>(n).fill(I32);
  for (const r of WASM_RADICES) {
    add(`i${r}`, i32s(5 + r - 1), passBody(r, bflys[r]));
    add(`p${r}`, i32s(5 + r - 1), pairPassBody(r, splits[r], false));
    add(`f${r}`, i32s(5 + r - 1), pairPassBody(r, splits[r], true));
  }
  for (const r of WASM_LAST_RADICES) add(`l${r}`, i32s(5 + r - 1), lastPassBody(r, splits[r]));
  add("cmulArray", [...i32s(5), F64], cmulArrayBody());
  add("gather", [...i32s(5), F64], gatherBody());
  add("widen", i32s(3), widenBody());
  add("narrow", [...i32s(3), F64], narrowBody());
  add("rsplit", i32s(4), realPassBody(false));
  add("rjoin", i32s(4), realPassBody(true));
  add("scaleCopy", [...i32s(3), F64], scaleCopyBody());
  return assembleModule({
    types,
    functions,
    importMemory: { module: "env", name: "mem", minPages: 1 },
    exports,
  });
}

/** A wasm pass: (ido, l1, cc, ch, tw, ...outputOffsets) in bytes. */
export type WasmPass = (...args: number[]) => void;

/** The pass functions by format: interleaved in/out; pair in/out; first (interleaved in, pair
 * out); last (pair in, interleaved out, ido = 1). */
export interface WasmFamilies {
  readonly interleaved: { [r: number]: WasmPass };
  readonly pair: { [r: number]: WasmPass };
  readonly first: { [r: number]: WasmPass };
  readonly last: { [r: number]: WasmPass };
}

/**
 * The shared wasm memory, its pass functions, and its layout: data buffers of `bufferBytes`
 * each from byte 0 (two, or three for blocked plans), then an arena of twiddle tables. A plan's tables are copied in
 * on its first run and stay resident while `generation` is unchanged; when the arena is full or
 * the data buffers must grow, everything is dropped (generation + 1) and plans copy their tables
 * in again on their next run. Memory grows on demand; growing detaches old views, so callers take
 * `f64()` after `prepare` / `allocate`.
 */
export class WasmKernels {
  private view: Float64Array<ArrayBuffer>;
  /** Bytes of each data buffer (buffer j at byte j * bufferBytes), and how many there are. */
  bufferBytes = 0;
  bufferCount = 0;
  generation = 0;
  private top = 0;
  private constructor(
    readonly memory: WebAssembly.Memory,
    readonly passes: WasmFamilies,
    /** See cmulArrayBody: (dst, src, tbl, count, flags, scale), byte addresses. */
    readonly cmulArray: (
      dst: number,
      src: number,
      tbl: number,
      count: number,
      flags: number,
      scale: number,
    ) => void,
    /** See gatherBody: (dst, src, idx, count, flags, scale), byte addresses. */
    readonly gather: (
      dst: number,
      src: number,
      idx: number,
      count: number,
      flags: number,
      scale: number,
    ) => void,
    /** See widenBody / narrowBody: complex float32 <-> float64, byte addresses. */
    readonly widen: (dst: number, src: number, count: number) => void,
    readonly narrow: (dst: number, src: number, count: number, scale: number) => void,
    /** See realPassBody: (dst, src, w, h), byte addresses. */
    readonly rsplit: (dst: number, src: number, w: number, h: number) => void,
    readonly rjoin: (dst: number, src: number, w: number, h: number) => void,
    /** See scaleCopyBody: (dst, src, count, scale), byte addresses. */
    readonly scaleCopy: (dst: number, src: number, count: number, scale: number) => void,
  ) {
    this.view = new Float64Array(memory.buffer);
  }

  static create(): WasmKernels | null {
    try {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const inst = instantiateSync(moduleBytes(), { env: { mem: memory } });
      const ex = inst.exports as { [name: string]: WasmPass };
      const passes: WasmFamilies = { interleaved: {}, pair: {}, first: {}, last: {} };
      for (const r of WASM_RADICES) {
        passes.interleaved[r] = ex[`i${r}`];
        passes.pair[r] = ex[`p${r}`];
        passes.first[r] = ex[`f${r}`];
      }
      for (const r of WASM_LAST_RADICES) passes.last[r] = ex[`l${r}`];
      return new WasmKernels(
        memory,
        passes,
        ex.cmulArray,
        ex.gather,
        ex.widen,
        ex.narrow,
        ex.rsplit,
        ex.rjoin,
        ex.scaleCopy,
      );
    } catch {
      return null;
    }
  }

  /** Incremented whenever the memory grows (which detaches every view of it). */
  epoch = 0;

  /** The memory as float64 (valid while `epoch` is unchanged). */
  f64(): Float64Array<ArrayBuffer> {
    return this.view;
  }

  /** Make the first `count` data buffers hold n complex values each. */
  prepare(n: number, count: number): void {
    const need = 16 * n;
    if (need <= this.bufferBytes && count <= this.bufferCount) return;
    this.bufferBytes = Math.max(need, this.bufferBytes, 1 << 16);
    this.bufferCount = Math.max(count, this.bufferCount);
    this.generation++;
    this.top = this.bufferCount * this.bufferBytes;
    this.reserve(this.top);
  }

  /** Byte offset of a fresh table region of `bytes` bytes (may start a new generation). */
  allocate(bytes: number): number {
    const base = this.bufferCount * this.bufferBytes;
    if (this.top + bytes > Math.max(ARENA_BYTES, base + bytes)) {
      this.generation++;
      this.top = base;
    }
    const off = this.top;
    this.top += (bytes + 15) & ~15;
    this.reserve(this.top);
    return off;
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      this.memory.grow(Math.ceil((bytes - have) / 65536));
      this.view = new Float64Array(this.memory.buffer);
      this.epoch++;
    }
  }
}

/** Total size beyond which the table arena is recycled. */
const ARENA_BYTES = 64 << 20;

let kernels: WasmKernels | null | undefined;
let enabled = true;

/** The wasm kernels, or null where WebAssembly SIMD is unavailable or disabled. */
export function wasmKernels(): WasmKernels | null {
  if (!enabled) return null;
  if (kernels === undefined) kernels = WasmKernels.create();
  return kernels;
}

/** Enable or disable the wasm codelets for plans built from now on (tests compare both). */
export function setWasmEnabled(on: boolean): void {
  enabled = on;
}
