/**
 * The WebAssembly SIMD module of the float32 GELU kernels, assembled by hand (f32x4 lanes):
 *   forward(x, y, iterations):      y = x Phi(x)
 *   grad(x, dy, dx, iterations):    dx = dy (Phi(x) + x phi(x))
 *   forwardWithGrad(x, y, d, iterations): both y and d = Phi(x) + x phi(x) (grad for dy = 1)
 * over `iterations` groups of GELU_VECTORS_PER_ITERATION x 4 floats (3 x 4 = 12) at byte
 * addresses x, y / dy, dx of the memory the module runs on (its own page, or the sgemm memory
 * it imports for the gemm threads: geluModuleBytes). Every call passes at least one iteration
 * (the loops test their count at the end).
 *
 * Method (z = min(|x|, 15); past 15 every result is 0, 1 or x in float32):
 *   Q(z) = Phi(-z) = exp(-z^2 / 2) R(z), R the Mills-type ratio Q(z) exp(z^2 / 2), smooth and
 *   slowly varying on [0, 15] (0.5 at 0, ~1 / (z sqrt(2 pi)) for large z).
 *   R(z) = t g(s): r = 1 / (z + 2), t = 2r, s = z r in [0, 15/17], and g a degree-10
 *   polynomial in v = 2 s / smax - 1 = (z 19/15 - 2) r in [-1, 1], fitted to relative error
 *   0.84 u (u = 2^-24) by test/fixtures/fit_gelu_f32.py (coefficients rounded to float32).
 *   exp(-z^2 / 2) with z^2 / 2 kept exact: z = zh + zl, zh its leading 12 bits, so
 *   a = zh^2 / 2 and b = zh zl are exact float32 products and only c = zl^2 / 2 (< 2^-22 of a)
 *   rounds. k = nearest(a log2 e); (a - k L1) is exact (L1 = ln 2 to 16 bits, k <= 162, both
 *   multiples of 2^-25 and below 0.5 apart); rr = (a - k L1) + b + (c - k L2), |rr| < 0.43,
 *   exp(-rr) by its Taylor polynomial of degree 8 (truncation < 0.02 u), and 2^-k applied as
 *   two exact powers of two 2^-k1 2^-k2 as the LAST multiplications, so a result that
 *   underflows rounds once, like a correctly rounded one, and nothing underflows on the way
 *   (GELU at x = -13 is ~7.6e-38 while Q(13) alone is already subnormal).
 *   No cancellation: Phi(x) = Q(|x|) for x < 0 and 1 - Q(x) >= 1/2 for x >= 0;
 *   GELU(x) = x Q(z) (x < 0, sign bit set, so -0 -> -0) or x (1 - Q(z));
 *   GELU'(x) = D or 1 - D with D = exp(-z^2 / 2) (R(z) - z / sqrt(2 pi)), one exponential for
 *   both terms (phi(z) = exp(-z^2 / 2) / sqrt(2 pi)).
 *
 * Error bound (first order, u = 2^-24, derived term by term):
 *   r: 2u; v = (z A - 2) r: |dv| <= 2u z A r (the product and A's rounding) + u |v| (the
 *   subtraction) + 3u |v| (r and the last product) <= 2.24u + 4u, and |g'/g| <= 0.473 on
 *   [-1, 1] (from the fit script), so 3u; Horner for g: sum (2k+1)|c_k||v|^k / |g| <= 4.24u;
 *   fit 0.84u; t g: 1u; t = 2r: 2u (r's). R: 11.1u, counted below as 13.3u (margin).
 *   exp: rr's absolute error <= 2^-25 (two additions of terms below 0.5; c and k L2 round to
 *   below 2^-30), so 0.5u; Taylor Horner: sum (2k+1)|r|^k / k! / exp(-r) <= 4.4u at |r| = 0.43;
 *   the scaling 1u. E: 5.9u.
 *   Q = R p 2^-k: 13.3 + 5.9 + 1 (R p) = 20.2u. GELU, x < 0: + 1u (x R) = 21.2u.
 *   GELU, x >= 0: x (1 - Q) with Q <= 1 - Q: 20.2u + 2u = 22.2u. Bound used: 24u relative
 *   (absolute 2^-149, one subnormal step, where the result underflows).
 *   GELU': D = E (R - z C): 13.3u + 5.9u + 3u (z C, the difference, the product) relative to
 *   E (|R| + z C) <= Phi(x) + |x| phi(x); 1 - D adds 1u |GELU'|. Bound used:
 *   |dx - dy GELU'| <= (24u (Phi(x) + |x| phi(x)) + 2u |GELU'(x)| + 2^-149) |dy| + 2^-149: relative
 *   except near GELU's minimum x = -0.7518, where Phi and x phi cancel (no float32 evaluation of
 *   the two terms avoids that), and one subnormal step where GELU' or the product underflows.
 * Measured on 3M grid points of [-15, 15] against the float64 path: GELU 5.4u, GELU' 4.3u of
 * Phi + |x| phi (test/gelu-simd.test.ts asserts the bounds on 1.45M points, tails included).
 *
 * NaN propagates (f32x4.min keeps it; every branch is NaN); -0 gives -0 and 1/2; +Inf gives
 * GELU = +Inf. Like the scalar float64 path (and PyTorch), which evaluate x Phi(x) and
 * Phi(x) + x phi(x) literally, GELU(-Inf) and GELU'(+-Inf) are NaN (Inf * 0), not the limits
 * -0, 0 and 1 that the clamped z alone would give: one path, one answer for every size.
 */
import {
  assembleModule,
  FunctionBody,
  I32,
  localGet,
  localSet,
  memoryExports,
  memorySpec,
  Op,
  Simd,
  simd,
  V128,
} from "../../wasm/assembler.js";

/** |x| beyond which Q(|x|) underflows for GELU and GELU' alike (exp(-112.5) ~ 1.4e-49). */
const Z_MAX = 15;
/** g's coefficients, v^0 first (test/fixtures/fit_gelu_f32.py). */
const G_COEFFICIENTS = [
  0.35586780309677124, -0.14852601289749146, 0.00619034469127655, 0.012393182143568993,
  0.0009244383545592427, -0.0013978293864056468, -0.0005494655924849212, 4.93644256494008e-5,
  0.00011386610276531428, 1.9131359294988215e-5, -9.15986493055243e-6,
];
/** v = (z A - 2) r with A = 2 / smax - 1 = 19/15 (smax = 15/17). */
const V_SLOPE = 19 / 15;
/** ln 2 = L1 + L2, L1 with 16 significant bits so that k L1 is exact for k < 256. */
const LN2_HI = 45426 / 65536;
const LN2_LO = Math.LN2 - LN2_HI;
const INV_SQRT_2PI = 0.3989422804014327;
/** Taylor coefficients of exp(-r), r^0 first, to degree 8. */
const EXP_NEG_TAYLOR = (() => {
  const c: number[] = [1];
  for (let k = 1; k <= 8; k++) c.push(-c[k - 1] / k);
  return c;
})();
/** Mask of a float32's sign and 11 leading significand bits (the split z = zh + zl). */
const HIGH_12_BITS = 0xfffff000 | 0;

/**
 * The splatted constants of a function, each held in a local set once before the loop: V8
 * materializes a v128.const with several instructions per use, and the kernels use ~30.
 */
class Constants {
  private readonly locals = new Map<string, number>();
  private readonly init: number[] = [];
  constructor(private readonly body: FunctionBody) {}
  /** local.get of a local holding c in every f32 lane. */
  f32(c: number): number[] {
    return this.get(new Uint8Array(new Float32Array([c, c, c, c]).buffer));
  }
  /** local.get of a local holding c in every i32 lane. */
  i32(c: number): number[] {
    return this.get(new Uint8Array(new Int32Array([c, c, c, c]).buffer));
  }
  private get(bytes: Uint8Array): number[] {
    const key = bytes.join(",");
    let local = this.locals.get(key);
    if (local === undefined) {
      local = this.body.local(V128);
      this.locals.set(key, local);
      this.init.push(...simd(Simd.const, ...bytes), ...localSet(local));
    }
    return localGet(local);
  }
  /** Puts the initializations in front of the code emitted so far. */
  hoist(): void {
    this.body.code.unshift(...this.init);
  }
}

const ADD = simd(Simd.f32x4Add);
const SUB = simd(Simd.f32x4Sub);
const MUL = simd(Simd.f32x4Mul);

/**
 * How many vectors one loop iteration computes, interleaved statement by statement. One vector's
 * work is a chain of ~40 dependent operations (the two Horner recurrences): alone, the core
 * waits on that latency. Interleaving the chains gives it independent work for every wait, and
 * each lane's operations are unchanged, so results are bit-identical whatever this is. Measured
 * (4M floats, AMD EPYC, ns per element forward / backward): one vector 6.3 / 6.5 with the two
 * Horner chains in sequence, 5.0 / 5.3 with them interleaved, 4.0 / 4.3 with two vectors,
 * 3.7 / 3.8 with three, 4.0 / 3.8 with four (register spills).
 */
export const GELU_VECTORS_PER_ITERATION = 3;

/** The v128 locals of one vector in flight. */
interface Lanes {
  x: number;
  z: number;
  r: number;
  v: number;
  g: number;
  R: number;
  zh: number;
  zl: number;
  a: number;
  k: number;
  rr: number;
  p: number;
  s1: number;
  s2: number;
  mask: number;
  /** The lane's result (GELU, or D then GELU' in grad). */
  out: number;
}

function declareLanes(b: FunctionBody): Lanes[] {
  const sets: Lanes[] = [];
  for (let i = 0; i < GELU_VECTORS_PER_ITERATION; i++) {
    const [x, z, r, v, g, R, zh, zl, a, k, rr, p, s1, s2, mask, out] = Array.from(
      { length: 16 },
      () => b.local(V128),
    );
    sets.push({ x, z, r, v, g, R, zh, zl, a, k, rr, p, s1, s2, mask, out });
  }
  return sets;
}

/**
 * Emits the shared part for every set's vector in its local `x`: sets z, R, p (exp(-rr)), s1,
 * s2 (the two powers of two) and mask (all ones where x's sign bit is set). Each statement is
 * emitted for all sets before the next, so the sets' dependency chains interleave.
 */
function emitPhiParts(b: FunctionBody, k: Constants, sets: readonly Lanes[]): void {
  const each = (f: (l: Lanes) => void): void => {
    for (const l of sets) f(l);
  };
  // z = min(|x|, 15)
  each((l) => {
    b.get(l.x);
    b.simd(Simd.f32x4Abs);
    b.emit(...k.f32(Z_MAX));
    b.simd(Simd.f32x4Min);
    b.set(l.z);
  });
  // r = 1 / (z + 2)
  each((l) => {
    b.emit(...k.f32(1));
    b.get(l.z);
    b.emit(...k.f32(2), ...ADD);
    b.simd(Simd.f32x4Div);
    b.set(l.r);
  });
  // v = (z A - 2) r
  each((l) => {
    b.get(l.z);
    b.emit(...k.f32(V_SLOPE), ...MUL, ...k.f32(2), ...SUB);
    b.get(l.r);
    b.emit(...MUL);
    b.set(l.v);
  });
  // zh = leading 12 bits of z, zl = z - zh (exact)
  each((l) => {
    b.get(l.z);
    b.emit(...k.i32(HIGH_12_BITS));
    b.simd(Simd.and);
    b.set(l.zh);
    b.get(l.z);
    b.get(l.zh);
    b.emit(...SUB);
    b.set(l.zl);
  });
  // a = zh^2 / 2 (exact); k = nearest(a log2 e)
  each((l) => {
    b.get(l.zh);
    b.get(l.zh);
    b.emit(...MUL, ...k.f32(0.5), ...MUL);
    b.tee(l.a);
    b.emit(...k.f32(Math.LOG2E), ...MUL);
    b.simd(Simd.f32x4Nearest);
    b.set(l.k);
  });
  // rr = ((a - k L1) + zh zl) + (zl^2 / 2 - k L2)
  each((l) => {
    b.get(l.a);
    b.get(l.k);
    b.emit(...k.f32(LN2_HI), ...MUL, ...SUB);
    b.get(l.zh);
    b.get(l.zl);
    b.emit(...MUL, ...ADD);
    b.get(l.zl);
    b.get(l.zl);
    b.emit(...MUL, ...k.f32(0.5), ...MUL);
    b.get(l.k);
    b.emit(...k.f32(LN2_LO), ...MUL, ...SUB, ...ADD);
    b.set(l.rr);
  });
  // g(v) and p = exp(-rr), both by Horner, their steps interleaved too
  const c = G_COEFFICIENTS;
  const t = EXP_NEG_TAYLOR;
  each((l) => {
    b.emit(...k.f32(c[c.length - 1]));
    b.set(l.g);
    b.emit(...k.f32(t[t.length - 1]));
    b.set(l.p);
  });
  for (let j = c.length - 2, i = t.length - 2; j >= 0 || i >= 0; j--, i--)
    each((l) => {
      if (j >= 0) {
        b.get(l.g);
        b.get(l.v);
        b.emit(...MUL, ...k.f32(c[j]), ...ADD);
        b.set(l.g);
      }
      if (i >= 0) {
        b.get(l.p);
        b.get(l.rr);
        b.emit(...MUL, ...k.f32(t[i]), ...ADD);
        b.set(l.p);
      }
    });
  // R = (2 r) g
  each((l) => {
    b.get(l.r);
    b.emit(...k.f32(2), ...MUL);
    b.get(l.g);
    b.emit(...MUL);
    b.set(l.R);
  });
  // 2^-k = 2^-k1 2^-k2, k1 = k >> 1, k2 = k - k1 (both <= 81: normal powers of two)
  each((l) => {
    const ki = l.k; // reused: k as int32 lanes
    b.get(l.k);
    b.simd(Simd.i32x4TruncSatF32x4S);
    b.set(ki);
    // s1 = (127 - k1) << 23
    b.emit(...k.i32(127));
    b.get(ki);
    b.i32Const(1);
    b.simd(Simd.i32x4ShrS);
    b.simd(Simd.i32x4Sub);
    b.i32Const(23);
    b.simd(Simd.i32x4Shl);
    b.set(l.s1);
    // s2 = (127 - (k - k1)) << 23
    b.emit(...k.i32(127));
    b.get(ki);
    b.get(ki);
    b.i32Const(1);
    b.simd(Simd.i32x4ShrS);
    b.simd(Simd.i32x4Sub);
    b.simd(Simd.i32x4Sub);
    b.i32Const(23);
    b.simd(Simd.i32x4Shl);
    b.set(l.s2);
    // mask = x's sign bit spread over the lane
    b.get(l.x);
    b.i32Const(31);
    b.simd(Simd.i32x4ShrS);
    b.set(l.mask);
  });
}

/** `value * s1 * s2` (the deferred 2^-k) for the value on the stack. */
function emitScale(b: FunctionBody, l: Lanes): void {
  b.get(l.s1);
  b.emit(...MUL);
  b.get(l.s2);
  b.emit(...MUL);
}

/**
 * value | (x - x) on the stack's value: x - x is +0 (no bits) for finite x and NaN for +-Inf,
 * so the lanes of infinite x become NaN as in the scalar path, which evaluates the formulas
 * literally (x Phi(x) at -Inf is -Inf * 0; GELU' at +-Inf has +-Inf * 0), as PyTorch does.
 */
function emitInfinityToNaN(b: FunctionBody, x: number): void {
  b.get(x);
  b.get(x);
  b.emit(...SUB);
  b.simd(Simd.or);
}

/** Loads each set's vector: set i reads 16 i bytes past the pointer param `ptr`. */
function emitLoads(b: FunctionBody, sets: readonly Lanes[], ptr: number): void {
  sets.forEach((l, i) => {
    b.get(ptr);
    b.vload(16 * i);
    b.set(l.x);
  });
}

/**
 * Stores each set's GELU at the address in param `yPtr` (set i 16 i bytes on):
 * bitselect(neg, x (1 - Q), mask) with neg = ((xc R) p) 2^-k for x < 0, xc = -z (x itself
 * unless clamped).
 */
function emitStoreGelu(b: FunctionBody, k: Constants, sets: readonly Lanes[], yPtr: number): void {
  for (const l of sets) {
    b.get(l.z);
    b.get(l.x);
    b.emit(...k.i32(0x80000000 | 0));
    b.simd(Simd.and);
    b.simd(Simd.or);
    b.get(l.R);
    b.emit(...MUL);
    b.get(l.p);
    b.emit(...MUL);
    emitScale(b, l);
    emitInfinityToNaN(b, l.x);
    b.set(l.out);
  }
  sets.forEach((l, i) => {
    b.get(yPtr);
    b.get(l.out);
    b.get(l.x);
    b.emit(...k.f32(1));
    b.get(l.R);
    b.get(l.p);
    b.emit(...MUL);
    emitScale(b, l);
    b.emit(...SUB, ...MUL);
    b.get(l.mask);
    b.simd(Simd.bitselect);
    b.vstore(16 * i);
  });
}

/**
 * Sets each set's `out` to GELU'(x): D = ((R - z C) p) 2^-k, then bitselect(D, 1 - D, mask),
 * NaN at +-Inf.
 */
function emitDerivative(b: FunctionBody, k: Constants, sets: readonly Lanes[]): void {
  for (const l of sets) {
    b.get(l.R);
    b.get(l.z);
    b.emit(...k.f32(INV_SQRT_2PI), ...MUL, ...SUB);
    b.get(l.p);
    b.emit(...MUL);
    emitScale(b, l);
    b.set(l.out);
  }
  for (const l of sets) {
    b.get(l.out);
    b.emit(...k.f32(1));
    b.get(l.out);
    b.emit(...SUB);
    b.get(l.mask);
    b.simd(Simd.bitselect);
    emitInfinityToNaN(b, l.x);
    b.set(l.out);
  }
}

/** forward(x, y, iterations): y = x Phi(x), GELU_VECTORS_PER_ITERATION vectors per iteration. */
function forwardBody(): FunctionBody {
  const b = new FunctionBody(3);
  const k = new Constants(b);
  const sets = declareLanes(b);
  b.emit(Op.loop, 0x40);
  emitLoads(b, sets, 0);
  emitPhiParts(b, k, sets);
  emitStoreGelu(b, k, sets, 1);
  emitAdvance(b, [0, 1], 2);
  k.hoist();
  return b;
}

/**
 * forwardWithGrad(x, y, d, iterations): y = x Phi(x) and d = GELU'(x) = Phi(x) + x phi(x) from
 * one evaluation of the shared parts (the forward of a recorded GELU keeps d for its
 * gradient, which is then one product dy d); d's bits are those grad computes for dy = 1.
 */
function forwardWithGradBody(): FunctionBody {
  const b = new FunctionBody(4);
  const k = new Constants(b);
  const sets = declareLanes(b);
  b.emit(Op.loop, 0x40);
  emitLoads(b, sets, 0);
  emitPhiParts(b, k, sets);
  emitStoreGelu(b, k, sets, 1);
  emitDerivative(b, k, sets);
  sets.forEach((l, i) => {
    b.get(2);
    b.get(l.out);
    b.vstore(16 * i);
  });
  emitAdvance(b, [0, 1, 2], 3);
  k.hoist();
  return b;
}

/** grad(x, dy, dx, iterations): dx = dy (Phi(x) + x phi(x)), as forward. */
function gradBody(): FunctionBody {
  const b = new FunctionBody(4);
  const k = new Constants(b);
  const sets = declareLanes(b);
  b.emit(Op.loop, 0x40);
  emitLoads(b, sets, 0);
  emitPhiParts(b, k, sets);
  emitDerivative(b, k, sets);
  sets.forEach((l, i) => {
    b.get(2);
    b.get(1);
    b.vload(16 * i);
    b.get(l.out);
    b.emit(...MUL);
    b.vstore(16 * i);
  });
  emitAdvance(b, [0, 1, 2], 3);
  k.hoist();
  return b;
}

/**
 * Advances the pointer params past the iteration's vectors, counts the iterations param
 * `count` down and closes the loop.
 */
function emitAdvance(b: FunctionBody, pointers: readonly number[], count: number): void {
  for (const p of pointers) {
    b.get(p);
    b.i32Const(16 * GELU_VECTORS_PER_ITERATION);
    b.emit(Op.i32Add);
    b.set(p);
  }
  b.get(count);
  b.i32Const(1);
  b.emit(Op.i32Sub);
  b.tee(count);
  b.emit(Op.brIf, 0, Op.end);
}

/** The three kernels over byte addresses of the memory the module runs on. */
export interface GeluKernels {
  forward(x: number, y: number, iterations: number): void;
  grad(x: number, dy: number, dx: number, iterations: number): void;
  forwardWithGrad(x: number, y: number, d: number, iterations: number): void;
}

/**
 * The module bytes: `forward`, `grad` and `forwardWithGrad` over one page of its own memory
 * (exported as `memory`), or, with `imported`, over the memory imported as env.mem (the sgemm
 * memory, where the gemm threads run the kernels on parts of one array: gemm-threads.ts).
 */
export function geluModuleBytes(imported?: {
  shared: boolean;
  maxPages: number;
}): Uint8Array<ArrayBuffer> {
  const functions = [
    { name: "forward", type: 0, body: forwardBody() },
    { name: "grad", type: 1, body: gradBody() },
    { name: "forwardWithGrad", type: 1, body: forwardWithGradBody() },
  ];
  return assembleModule({
    types: [
      { params: [I32, I32, I32], results: [] },
      { params: [I32, I32, I32, I32], results: [] },
    ],
    functions,
    ...memorySpec(imported, 1),
    exports: [
      ...memoryExports(imported),
      ...functions.map((f, i) => ({ name: f.name, kind: "func" as const, index: i })),
    ],
  });
}
