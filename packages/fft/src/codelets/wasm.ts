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

import { ODD_ROOTS } from "./roots.js";

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const SIMD = 0xfd;
const OP = {
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  i32const: 0x41,
  add: 0x6a,
  sub: 0x6b,
  mul: 0x6c,
  shl: 0x74,
  shrU: 0x76,
  and: 0x71,
  eqz: 0x45,
  i32load: 0x28,
  geS: 0x4e,
  gtS: 0x4a,
  eq: 0x46,
  ne: 0x47,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  ret: 0x0f,
  void: 0x40,
} as const;
const V = {
  load: 0x00,
  splat64: 0x0a,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  xor: 0x51,
  f64splat: 0x14,
  load64zero: 0x5d,
  store64lane: 0x5b,
  demote: 0x5e,
  promote: 0x5f,
  add: 0xf0,
  sub: 0xf1,
  mul: 0xf2,
} as const;

/** Bytes of an f64x2 constant. */
function f64x2Bytes(a: number, b: number): number[] {
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a, true);
  buf.setFloat64(8, b, true);
  return Array.from(new Uint8Array(buf.buffer));
}

const SWAP_LANES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const MAX_I32_LOCALS = 32;

/**
 * A function body under construction. Locals: the i32 params, then MAX_I32_LOCALS i32 locals,
 * then as many v128 locals as the code asks for (each value of the butterfly gets its own; the
 * compiler allocates registers).
 */
class Body {
  readonly code: number[] = [];
  private nI32 = 0;
  private nV = 0;
  constructor(private readonly nParams: number) {}

  i32(): number {
    if (this.nI32 === MAX_I32_LOCALS) throw new Error("wasm: too many i32 locals");
    return this.nParams + this.nI32++;
  }
  v(): number {
    return this.nParams + MAX_I32_LOCALS + this.nV++;
  }
  emit(...bytes: number[]): void {
    for (const b of bytes) this.code.push(b);
  }
  get(x: number): void {
    this.emit(OP.get, ...uleb(x));
  }
  set(x: number): void {
    this.emit(OP.set, ...uleb(x));
  }
  konst(c: number): void {
    this.emit(OP.i32const, ...sleb(c));
  }
  simd(op: number, ...imm: number[]): void {
    this.emit(SIMD, ...uleb(op), ...imm);
  }
  /** x = a OP b (i32). */
  i32op(x: number, a: number, op: number, b: number | { c: number }): void {
    this.get(a);
    if (typeof b === "number") this.get(b);
    else this.konst(b.c);
    this.emit(op);
    this.set(x);
  }
  /** dst = v128.load(base [+ add] + offset). */
  load(dst: number, base: number, add: number | null, offset = 0): void {
    this.get(base);
    if (add !== null) {
      this.get(add);
      this.emit(OP.add);
    }
    this.simd(V.load, 4, ...uleb(offset));
    this.set(dst);
  }
  /** v128.store(base [+ add], src). */
  store(base: number, add: number | null, src: number): void {
    this.get(base);
    if (add !== null) {
      this.get(add);
      this.emit(OP.add);
    }
    this.get(src);
    this.simd(V.store, 4, 0);
  }
  /** v128.store(base [+ add] + offset, src). */
  storeOff(base: number, add: number | null, offset: number, src: number): void {
    this.get(base);
    if (add !== null) {
      this.get(add);
      this.emit(OP.add);
    }
    this.get(src);
    this.simd(V.store, 4, ...uleb(offset));
  }
  /** dst = a OP b (f64x2). */
  vop(dst: number, a: number, op: number, b: number): void {
    this.get(a);
    this.get(b);
    this.simd(op);
    this.set(dst);
  }
  vconst(dst: number, a: number, b: number): void {
    this.simd(V.const, ...f64x2Bytes(a, b));
    this.set(dst);
  }
  /** dst = -i * a = (a.im, -a.re), with negHi = (0, -0). */
  mulNegI(dst: number, a: number, negHi: number): void {
    this.get(a);
    this.get(a);
    this.simd(V.shuffle, ...SWAP_LANES);
    this.get(negHi);
    this.simd(V.xor);
    this.set(dst);
  }
  /** dst = y * (tw[t + off], tw[t + off + 8]) as complex numbers, with negLo = (-0, 0). */
  cmul(dst: number, y: number, t: number, off: number, negLo: number): void {
    this.get(y);
    this.get(t);
    this.simd(V.splat64, 3, ...uleb(off));
    this.simd(V.mul);
    this.get(y);
    this.get(y);
    this.simd(V.shuffle, ...SWAP_LANES);
    this.get(t);
    this.simd(V.splat64, 3, ...uleb(off + 8));
    this.simd(V.mul);
    this.get(negLo);
    this.simd(V.xor);
    this.simd(V.add);
    this.set(dst);
  }
  /** The locals declaration + code, as a function body entry of the code section. */
  finish(): number[] {
    const locals = [2, ...uleb(MAX_I32_LOCALS), I32, ...uleb(Math.max(this.nV, 1)), V128];
    const body = [...locals, ...this.code, OP.end];
    return [...uleb(body.length), ...body];
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
  f.vop(y[0], x[0], V.add, x[1]);
  f.vop(y[1], x[0], V.sub, x[1]);
};

const butterfly4: Butterfly = (f, x, y, k) => {
  const s02 = f.v();
  const d02 = f.v();
  const s13 = f.v();
  const d13 = f.v();
  f.vop(s02, x[0], V.add, x[2]);
  f.vop(d02, x[0], V.sub, x[2]);
  f.vop(s13, x[1], V.add, x[3]);
  f.vop(d13, x[1], V.sub, x[3]);
  f.mulNegI(d13, d13, k.negHi);
  f.vop(y[0], s02, V.add, s13);
  f.vop(y[2], s02, V.sub, s13);
  f.vop(y[1], d02, V.add, d13);
  f.vop(y[3], d02, V.sub, d13);
};

const butterfly8: Butterfly = (f, x, y, k) => {
  const a = Array.from({ length: 8 }, () => f.v());
  f.vop(a[0], x[0], V.add, x[4]);
  f.vop(a[1], x[0], V.sub, x[4]);
  f.vop(a[2], x[2], V.add, x[6]);
  f.vop(a[3], x[2], V.sub, x[6]);
  f.vop(a[4], x[1], V.add, x[5]);
  f.vop(a[5], x[1], V.sub, x[5]);
  f.vop(a[6], x[3], V.add, x[7]);
  f.vop(a[7], x[3], V.sub, x[7]);
  f.mulNegI(a[3], a[3], k.negHi);
  f.mulNegI(a[7], a[7], k.negHi);
  const e = Array.from({ length: 4 }, () => f.v());
  const p = Array.from({ length: 4 }, () => f.v());
  f.vop(e[0], a[0], V.add, a[2]);
  f.vop(e[2], a[0], V.sub, a[2]);
  f.vop(e[1], a[1], V.add, a[3]);
  f.vop(e[3], a[1], V.sub, a[3]);
  f.vop(p[0], a[4], V.add, a[6]);
  f.vop(p[2], a[4], V.sub, a[6]);
  f.vop(p[1], a[5], V.add, a[7]);
  f.vop(p[3], a[5], V.sub, a[7]);
  // p1 * exp(-i pi / 4) = (p1 - i p1) c8; p2 * (-i); p3 * exp(-3 i pi / 4) = (-i p3 - p3) c8.
  const t = f.v();
  f.mulNegI(t, p[1], k.negHi);
  f.vop(p[1], p[1], V.add, t);
  f.vop(p[1], p[1], V.mul, k.c8);
  f.mulNegI(p[2], p[2], k.negHi);
  f.mulNegI(t, p[3], k.negHi);
  f.vop(p[3], t, V.sub, p[3]);
  f.vop(p[3], p[3], V.mul, k.c8);
  for (let q = 0; q < 4; q++) {
    f.vop(y[q], e[q], V.add, p[q]);
    f.vop(y[q + 4], e[q], V.sub, p[q]);
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
      f.vop(sj, x[j], V.add, x[r - j]);
      f.vop(dj, x[j], V.sub, x[r - j]);
      s.push(sj);
      d.push(dj);
    }
    f.get(x[0]);
    for (let j = 0; j < h; j++) {
      f.get(s[j]);
      f.simd(V.add);
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
        f.simd(V.mul);
        f.simd(V.add);
      }
      f.set(aq);
      // B_q = sum_j sin(2 pi jq / r) d_j
      for (let j = 1; j <= h; j++) {
        const m = (j * q) % r;
        f.get(d[j - 1]);
        f.get(k.sin[(m <= h ? m : r - m) - 1]);
        f.simd(V.mul);
        if (j > 1) f.simd(m <= h ? V.add : V.sub);
        else if (m > h) throw new Error("unreachable: first sine term is positive");
      }
      f.set(bq);
      f.mulNegI(bq, bq, k.negHi);
      f.vop(y[q], aq, V.add, bq);
      f.vop(y[r - q], aq, V.sub, bq);
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
    else f.konst(step);
    f.set(a);
    if (overK) f.get(L.ok);
    else f.konst(step);
    f.set(b);
    f.konst(overK ? 0 : tstride);
    f.set(t);
  };
  cols();
  f.get(l1);
  f.emit(OP.geS, OP.if, OP.void);
  side(true, L.nu, L.au, L.bu, L.tu);
  side(false, L.nv, L.av, L.bv, L.tv);
  f.emit(OP.else);
  side(false, L.nu, L.au, L.bu, L.tu);
  side(true, L.nv, L.av, L.bv, L.tv);
  f.emit(OP.end);
  if (skip) {
    f.i32op(L.a0, cc, OP.add, { c: skip });
    f.i32op(L.b0, ch, OP.add, { c: skip });
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
  f.i32op(im[1], ido, OP.shl, { c: 4 });
  for (let m = 2; m < r; m++) f.i32op(im[m], im[1], OP.mul, { c: m });
  f.i32op(L.ik, im[1], OP.mul, { c: r });
  f.i32op(L.ok, ido, OP.shl, { c: 4 });
}

/** Opens the u and v loops: a, b, t from a0, b0, t0; cnt = nv. */
function openLoops(f: Body, L: Loops): void {
  f.emit(OP.loop, OP.void); // u
  f.get(L.a0);
  f.set(L.a);
  f.get(L.b0);
  f.set(L.b);
  f.get(L.t0);
  f.set(L.t);
  f.get(L.nv);
  f.set(L.cnt);
  f.emit(OP.loop, OP.void); // v
}

/** Steps and closes the v loop, then the u loop. */
function closeLoops(f: Body, L: Loops): void {
  f.i32op(L.a, L.a, OP.add, L.av);
  f.i32op(L.b, L.b, OP.add, L.bv);
  f.i32op(L.t, L.t, OP.add, L.tv);
  f.i32op(L.cnt, L.cnt, OP.sub, { c: 1 });
  f.get(L.cnt);
  f.emit(OP.brIf, 0, OP.end);
  f.i32op(L.a0, L.a0, OP.add, L.au);
  f.i32op(L.b0, L.b0, OP.add, L.bu);
  f.i32op(L.t0, L.t0, OP.add, L.tu);
  f.i32op(L.u, L.u, OP.sub, { c: 1 });
  f.get(L.u);
  f.emit(OP.brIf, 0, OP.end);
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
  f.emit(OP.loop, OP.void);
  loadInputs();
  bfly(f, x, y, k);
  f.store(b, null, y[0]);
  for (let q = 1; q < r; q++) f.store(b, o[q], y[q]);
  f.i32op(a, a, OP.add, ik);
  f.i32op(b, b, OP.add, ok);
  f.i32op(cnt, cnt, OP.sub, { c: 1 });
  f.get(cnt);
  f.emit(OP.brIf, 0, OP.end);
  // if (ido == 1) return
  f.get(ido);
  f.konst(1);
  f.emit(OP.eq, OP.if, OP.void, OP.ret, OP.end);
  const cols = () => {
    f.get(ido);
    f.konst(1);
    f.emit(OP.sub);
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
  f.vop(yr[0], xr[0], V.add, xr[1]);
  f.vop(yi[0], xi[0], V.add, xi[1]);
  f.vop(yr[1], xr[0], V.sub, xr[1]);
  f.vop(yi[1], xi[0], V.sub, xi[1]);
};

const split4: SplitButterfly = (f, xr, xi, yr, yi) => {
  const s02r = bin(f, xr[0], V.add, xr[2]);
  const s02i = bin(f, xi[0], V.add, xi[2]);
  const d02r = bin(f, xr[0], V.sub, xr[2]);
  const d02i = bin(f, xi[0], V.sub, xi[2]);
  const s13r = bin(f, xr[1], V.add, xr[3]);
  const s13i = bin(f, xi[1], V.add, xi[3]);
  const d13r = bin(f, xr[1], V.sub, xr[3]);
  const d13i = bin(f, xi[1], V.sub, xi[3]);
  f.vop(yr[0], s02r, V.add, s13r);
  f.vop(yi[0], s02i, V.add, s13i);
  f.vop(yr[2], s02r, V.sub, s13r);
  f.vop(yi[2], s02i, V.sub, s13i);
  f.vop(yr[1], d02r, V.add, d13i);
  f.vop(yi[1], d02i, V.sub, d13r);
  f.vop(yr[3], d02r, V.sub, d13i);
  f.vop(yi[3], d02i, V.add, d13r);
};

const split8: SplitButterfly = (f, xr, xi, yr, yi, k) => {
  const a0r = bin(f, xr[0], V.add, xr[4]);
  const a0i = bin(f, xi[0], V.add, xi[4]);
  const a1r = bin(f, xr[0], V.sub, xr[4]);
  const a1i = bin(f, xi[0], V.sub, xi[4]);
  const a2r = bin(f, xr[2], V.add, xr[6]);
  const a2i = bin(f, xi[2], V.add, xi[6]);
  const a3r = bin(f, xr[2], V.sub, xr[6]);
  const a3i = bin(f, xi[2], V.sub, xi[6]);
  const a4r = bin(f, xr[1], V.add, xr[5]);
  const a4i = bin(f, xi[1], V.add, xi[5]);
  const a5r = bin(f, xr[1], V.sub, xr[5]);
  const a5i = bin(f, xi[1], V.sub, xi[5]);
  const a6r = bin(f, xr[3], V.add, xr[7]);
  const a6i = bin(f, xi[3], V.add, xi[7]);
  const a7r = bin(f, xr[3], V.sub, xr[7]);
  const a7i = bin(f, xi[3], V.sub, xi[7]);
  const e0r = bin(f, a0r, V.add, a2r);
  const e0i = bin(f, a0i, V.add, a2i);
  const e2r = bin(f, a0r, V.sub, a2r);
  const e2i = bin(f, a0i, V.sub, a2i);
  const e1r = bin(f, a1r, V.add, a3i);
  const e1i = bin(f, a1i, V.sub, a3r);
  const e3r = bin(f, a1r, V.sub, a3i);
  const e3i = bin(f, a1i, V.add, a3r);
  const p0r = bin(f, a4r, V.add, a6r);
  const p0i = bin(f, a4i, V.add, a6i);
  const p2r = bin(f, a4r, V.sub, a6r);
  const p2i = bin(f, a4i, V.sub, a6i);
  const p1r = bin(f, a5r, V.add, a7i);
  const p1i = bin(f, a5i, V.sub, a7r);
  const p3r = bin(f, a5r, V.sub, a7i);
  const p3i = bin(f, a5i, V.add, a7r);
  // q1 = (p1r + p1i, p1i - p1r) c8; q3 = (p3i - p3r, -(p3r + p3i)) c8
  const q1r = bin(f, bin(f, p1r, V.add, p1i), V.mul, k.c8);
  const q1i = bin(f, bin(f, p1i, V.sub, p1r), V.mul, k.c8);
  const q3r = bin(f, bin(f, p3i, V.sub, p3r), V.mul, k.c8);
  const q3n = bin(f, bin(f, p3r, V.add, p3i), V.mul, k.c8); // -q3i
  f.vop(yr[0], e0r, V.add, p0r);
  f.vop(yi[0], e0i, V.add, p0i);
  f.vop(yr[4], e0r, V.sub, p0r);
  f.vop(yi[4], e0i, V.sub, p0i);
  f.vop(yr[1], e1r, V.add, q1r);
  f.vop(yi[1], e1i, V.add, q1i);
  f.vop(yr[5], e1r, V.sub, q1r);
  f.vop(yi[5], e1i, V.sub, q1i);
  f.vop(yr[2], e2r, V.add, p2i);
  f.vop(yi[2], e2i, V.sub, p2r);
  f.vop(yr[6], e2r, V.sub, p2i);
  f.vop(yi[6], e2i, V.add, p2r);
  f.vop(yr[3], e3r, V.add, q3r);
  f.vop(yi[3], e3i, V.sub, q3n);
  f.vop(yr[7], e3r, V.sub, q3r);
  f.vop(yi[7], e3i, V.add, q3n);
};

function splitOdd(r: number): SplitButterfly {
  const h = (r - 1) >> 1;
  return (f, xr, xi, yr, yi, k) => {
    const sr: number[] = [];
    const si: number[] = [];
    const dr: number[] = [];
    const di: number[] = [];
    for (let j = 1; j <= h; j++) {
      sr.push(bin(f, xr[j], V.add, xr[r - j]));
      si.push(bin(f, xi[j], V.add, xi[r - j]));
      dr.push(bin(f, xr[j], V.sub, xr[r - j]));
      di.push(bin(f, xi[j], V.sub, xi[r - j]));
    }
    const sum = (dst: number, x0: number, terms: number[]) => {
      f.get(x0);
      for (const t of terms) {
        f.get(t);
        f.simd(V.add);
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
          f.simd(V.mul);
          const negative = sine && m > h;
          if (x0 !== null || j > 1) f.simd(negative ? V.sub : V.add);
        }
        f.set(d);
        return d;
      };
      const ar = comb(xr[0], sr, k.cos, false);
      const ai = comb(xi[0], si, k.cos, false);
      const br = comb(null, dr, k.sin, true);
      const bi = comb(null, di, k.sin, true);
      // Y_q = A - i B = (ar + bi, ai - br), Y_{r-q} = A + i B = (ar - bi, ai + br)
      f.vop(yr[q], ar, V.add, bi);
      f.vop(yi[q], ai, V.sub, br);
      f.vop(yr[r - q], ar, V.sub, bi);
      f.vop(yi[r - q], ai, V.add, br);
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
  f.simd(V.shuffle, ...lanes(0, 0));
  f.set(re);
  f.get(v0);
  f.get(v1);
  f.simd(V.shuffle, ...lanes(1, 1));
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
  f.i32op(pairs, ido, OP.shrU, { c: 1 });
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
    f.simd(V.mul);
    f.get(yi[q]);
    f.get(wi);
    f.simd(V.mul);
    f.simd(V.sub);
    const zr = f.v();
    f.set(zr);
    f.get(yr[q]);
    f.get(wi);
    f.simd(V.mul);
    f.get(yi[q]);
    f.get(wr);
    f.simd(V.mul);
    f.simd(V.add);
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
  f.i32op(cnt, l1, OP.shrU, { c: 1 });
  f.emit(OP.loop, OP.void);
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
      f.simd(V.shuffle, ...lanes(lane, lane));
      f.set(xr[m]);
      f.get(blk[4 * j + 1]);
      f.get(blk[4 * j + 3]);
      f.simd(V.shuffle, ...lanes(lane, lane));
      f.set(xi[m]);
    }
  }
  bfly(f, xr, xi, yr, yi, k);
  for (let q = 0; q < r; q++) {
    const c = f.v();
    f.get(yr[q]);
    f.get(yi[q]);
    f.simd(V.shuffle, ...lanes(0, 0));
    f.set(c);
    f.store(b, q === 0 ? null : o[q], c);
    f.get(yr[q]);
    f.get(yi[q]);
    f.simd(V.shuffle, ...lanes(1, 1));
    f.set(c);
    f.get(b);
    if (q > 0) {
      f.get(o[q]);
      f.emit(OP.add);
    }
    f.get(os);
    f.emit(OP.add);
    f.get(c);
    f.simd(V.store, 4, 0);
  }
  f.i32op(a, a, OP.add, { c: 32 * r });
  f.i32op(b, b, OP.add, os);
  f.i32op(b, b, OP.add, os);
  f.i32op(cnt, cnt, OP.sub, { c: 1 });
  f.get(cnt);
  f.emit(OP.brIf, 0, OP.end);
  return f.finish();
}

/** if (x == 0) return; */
function returnIfZero(f: Body, x: number): void {
  f.get(x);
  f.emit(OP.eqz, OP.if, OP.void, OP.ret, OP.end);
}

/** dst = f64x2.splat(x) */
function splat(f: Body, dst: number, x: number): void {
  f.get(x);
  f.simd(V.f64splat);
  f.set(dst);
}

/** if (flags & bit) dst = src; */
function setIfFlag(f: Body, flags: number, bit: number, dst: number, src: number): void {
  f.get(flags);
  f.konst(bit);
  f.emit(OP.and, OP.if, OP.void);
  f.get(src);
  f.set(dst);
  f.emit(OP.end);
}

/** do { body(); x += bytes for each pair x, bytes of steps } while (--count != 0) */
function countLoop(f: Body, count: number, steps: readonly number[], body: () => void): void {
  f.emit(OP.loop, OP.void);
  body();
  for (let j = 0; j < steps.length; j += 2) {
    const x = steps[j];
    f.i32op(x, x, OP.add, { c: steps[j + 1] });
  }
  f.i32op(count, count, OP.sub, { c: 1 });
  f.get(count);
  f.emit(OP.brIf, 0, OP.end);
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
    f.vop(x, x, V.xor, maskIn);
    f.cmul(x, x, tbl, 0, negLo);
    f.vop(x, x, V.xor, maskOut);
    f.vop(x, x, V.mul, sc);
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
    f.emit(OP.i32load, 2, 0);
    f.emit(OP.add);
    f.simd(V.load, 4, 0);
    f.get(mask);
    f.simd(V.xor);
    f.get(sc);
    f.simd(V.mul);
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
    f.simd(V.load64zero, 3, 0);
    f.simd(V.promote);
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
    f.simd(V.load, 4, 0);
    f.get(sc);
    f.simd(V.mul);
    f.simd(V.demote);
    f.simd(V.store64lane, 3, 0, 0);
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
    f.vop(x, x, V.mul, sc);
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
    f.simd(V.shuffle, ...SWAP_LANES);
    f.set(b);
    f.vop(e, a, V.add, b); // (re + im, im + re)
    f.vop(d, a, V.sub, b); // (re - im, im - re)
    f.get(dst);
    f.get(e);
    f.vconst(t, 0, 0);
    f.get(t);
    f.simd(V.shuffle, ...lanes(0, 0));
    f.simd(V.store, 4, 0);
    f.get(dst);
    f.get(h);
    f.konst(4);
    f.emit(OP.shl, OP.add);
    f.get(d);
    f.get(t);
    f.simd(V.shuffle, ...lanes(0, 0));
    f.simd(V.store, 4, 0);
  } else {
    // Z_0 = (X_0.re + X_h.re, X_0.re - X_h.re)
    f.get(src);
    f.get(h);
    f.konst(4);
    f.emit(OP.shl, OP.add);
    f.simd(V.load, 4, 0);
    f.set(b);
    f.get(a);
    f.get(a);
    f.simd(V.shuffle, ...lanes(0, 0)); // (x0, x0)
    f.set(e);
    f.get(b);
    f.get(b);
    f.simd(V.shuffle, ...lanes(0, 0)); // (xh, xh)
    f.set(d);
    f.vop(t, e, V.add, d); // (x0 + xh, .)
    f.vop(e, e, V.sub, d); // (x0 - xh, .)
    f.get(dst);
    f.get(t);
    f.get(e);
    f.simd(V.shuffle, ...lanes(0, 0));
    f.simd(V.store, 4, 0);
  }
  // k = 1 .. h/2
  f.konst(1);
  f.set(k);
  f.get(w);
  f.konst(16);
  f.emit(OP.add);
  f.set(tw);
  f.emit(OP.block, OP.void, OP.loop, OP.void);
  // while (2k <= h)
  f.get(k);
  f.konst(1);
  f.emit(OP.shl);
  f.get(h);
  f.emit(OP.gtS, OP.brIf, 1);
  f.i32op(pk, k, OP.shl, { c: 4 });
  f.get(h);
  f.get(k);
  f.emit(OP.sub);
  f.konst(4);
  f.emit(OP.shl);
  f.set(pm);
  f.load(a, src, pk);
  f.load(b, src, pm);
  f.vop(b, b, V.xor, negHi); // conj
  f.vop(e, a, V.add, b);
  f.vop(d, a, V.sub, b);
  if (!join) {
    f.mulNegI(d, d, negHi); // (-i)(A - B)
    f.cmul(t, d, tw, 0, negLo); // T = w_k (-i)(A - B)
    // X_{h-k} = conj(E - T) / 2 first (for 2k = h, X_k below wins, as in real.ts)
    f.vop(b, e, V.sub, t);
    f.vop(b, b, V.xor, negHi);
    f.vop(b, b, V.mul, half);
    f.get(dst);
    f.get(pm);
    f.emit(OP.add);
    f.get(b);
    f.simd(V.store, 4, 0);
    f.vop(a, e, V.add, t);
    f.vop(a, a, V.mul, half);
    f.get(dst);
    f.get(pk);
    f.emit(OP.add);
    f.get(a);
    f.simd(V.store, 4, 0);
  } else {
    f.cmul(d, d, tw, 0, negHi); // D = (A - B) conj(w_k)
    // i D = (-D.im, D.re)
    f.get(d);
    f.get(d);
    f.simd(V.shuffle, ...SWAP_LANES);
    f.get(negLo);
    f.simd(V.xor);
    f.set(t);
    // Z_{h-k} = conj(S - i D) first, then Z_k = S + i D
    f.vop(b, e, V.sub, t);
    f.vop(b, b, V.xor, negHi);
    f.get(dst);
    f.get(pm);
    f.emit(OP.add);
    f.get(b);
    f.simd(V.store, 4, 0);
    f.vop(a, e, V.add, t);
    f.get(dst);
    f.get(pk);
    f.emit(OP.add);
    f.get(a);
    f.simd(V.store, 4, 0);
  }
  f.i32op(k, k, OP.add, { c: 1 });
  f.i32op(tw, tw, OP.add, { c: 16 });
  f.emit(OP.br, 0, OP.end, OP.end);
  return f.finish();
}

/** Radices with a wasm codelet (interleaved and pair formats). */
export const WASM_RADICES: readonly number[] = [2, 3, 4, 5, 7, 8, 11];
/** Radices with a last-pass (pair to interleaved) codelet. */
export const WASM_LAST_RADICES: readonly number[] = [2, 4, 8];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
  const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
  const name = (s: string): number[] => vec([...s].map((c) => [c.charCodeAt(0)]));
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
  const types: number[][] = [];
  const funcs: number[][] = [];
  const exports: number[][] = [];
  const bodies: number[][] = [];
  const add = (fname: string, r: number, body: number[]) => {
    const idx = funcs.length;
    types.push([0x60, ...vec(new Array(5 + r - 1).fill([I32])), 0x00]);
    funcs.push(uleb(idx));
    exports.push([...name(fname), 0x00, ...uleb(idx)]);
    bodies.push(body);
  };
  for (const r of WASM_RADICES) {
    add(`i${r}`, r, passBody(r, bflys[r]));
    add(`p${r}`, r, pairPassBody(r, splits[r], false));
    add(`f${r}`, r, pairPassBody(r, splits[r], true));
  }
  for (const r of WASM_LAST_RADICES) add(`l${r}`, r, lastPassBody(r, splits[r]));
  {
    const idx = funcs.length;
    types.push([0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [F64]]), 0x00]);
    funcs.push(uleb(idx));
    exports.push([...name("cmulArray"), 0x00, ...uleb(idx)]);
    bodies.push(cmulArrayBody());
    types.push([0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [F64]]), 0x00]);
    funcs.push(uleb(idx + 1));
    exports.push([...name("gather"), 0x00, ...uleb(idx + 1)]);
    bodies.push(gatherBody());
    types.push([0x60, ...vec([[I32], [I32], [I32]]), 0x00]);
    funcs.push(uleb(idx + 2));
    exports.push([...name("widen"), 0x00, ...uleb(idx + 2)]);
    bodies.push(widenBody());
    types.push([0x60, ...vec([[I32], [I32], [I32], [F64]]), 0x00]);
    funcs.push(uleb(idx + 3));
    exports.push([...name("narrow"), 0x00, ...uleb(idx + 3)]);
    bodies.push(narrowBody());
    for (const [j, join] of [
      [4, false],
      [5, true],
    ] as const) {
      types.push([0x60, ...vec([[I32], [I32], [I32], [I32]]), 0x00]);
      funcs.push(uleb(idx + j));
      exports.push([...name(join ? "rjoin" : "rsplit"), 0x00, ...uleb(idx + j)]);
      bodies.push(realPassBody(join));
    }
    types.push([0x60, ...vec([[I32], [I32], [I32], [F64]]), 0x00]);
    funcs.push(uleb(idx + 6));
    exports.push([...name("scaleCopy"), 0x00, ...uleb(idx + 6)]);
    bodies.push(scaleCopyBody());
  }
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([[...name("env"), ...name("mem"), 0x02, 0x00, 0x01]])),
    ...section(3, vec(funcs)),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
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
      const module = new WebAssembly.Module(moduleBytes());
      const inst = new WebAssembly.Instance(module, { env: { mem: memory } });
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
