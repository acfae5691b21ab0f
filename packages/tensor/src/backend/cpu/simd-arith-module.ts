/**
 * The WebAssembly SIMD module of float32 elementwise arithmetic, assembled by hand (f32x4
 * lanes), one function per op and operand form:
 *   `${op}VV(a, b, out, vectors)`:  out = a op b
 *   `${op}VS(a, s, out, vectors)`:  out = a op s   (s an f32 parameter, splatted)
 *   `${op}SV(a, s, out, vectors)`:  out = s op a   (sub and div only; add and mul commute)
 * for op in add, sub, mul, div, over `vectors` groups of 4 floats at byte addresses of the
 * module's own memory.
 *
 * Why: V8 does not vectorize JavaScript loops, and a float32 typed-array loop costs ~1.8 ns per
 * element (conversions and bounds checks) even in cache; the SIMD loop runs in a fraction of
 * that, so copying the operands in and the result out (memcpy, ~0.1 ns per float each) and
 * computing here is ~4x faster overall.
 * Same values as the JavaScript path (bit for bit, NaN payloads aside, which WebAssembly leaves
 * unspecified): it computes a op b in float64 and rounds to float32, which
 * for +, -, x and / of float32 operands is the correctly rounded float32 result (double
 * rounding is harmless when the wider format has at least 2p + 2 bits: 53 >= 2 * 24 + 2), the
 * result f32x4 produces; NaN and infinities follow IEEE 754 in both.
 */
import {
  assembleModule,
  F32,
  FunctionBody,
  I32,
  memoryExports,
  memorySpec,
  Op,
  Simd,
  V128,
} from "../../wasm/assembler.js";

export type ArithOp = "add" | "sub" | "mul" | "div";
export const ARITH_OPS: readonly ArithOp[] = ["add", "sub", "mul", "div"];

const OPCODE: Record<ArithOp, number> = {
  add: Simd.f32x4Add,
  sub: Simd.f32x4Sub,
  mul: Simd.f32x4Mul,
  div: Simd.f32x4Div,
};

/** Operand forms: two arrays, array then scalar, scalar then array. */
type Form = "VV" | "VS" | "SV";

/**
 * The loop body of one function: params (a, b | s, out, vectors); the scalar form splats s
 * once before the loop. Two vectors per iteration (every call passes an even count).
 */
function arithBody(op: ArithOp, form: Form): FunctionBody {
  const b = new FunctionBody(4);
  const splat = form === "VV" ? -1 : b.local(V128);
  if (form !== "VV") {
    b.get(1);
    b.simd(Simd.f32x4Splat);
    b.set(splat);
  }
  b.emit(Op.loop, 0x40);
  for (let half = 0; half < 2; half++) {
    b.get(2);
    if (form === "SV") b.get(splat);
    b.get(0);
    b.vload(16 * half);
    if (form === "VV") {
      b.get(1);
      b.vload(16 * half);
    } else if (form === "VS") b.get(splat);
    b.simd(OPCODE[op]);
    b.vstore(16 * half);
  }
  const pointers = form === "VV" ? [0, 1, 2] : [0, 2];
  for (const p of pointers) {
    b.get(p);
    b.i32Const(32);
    b.emit(Op.i32Add);
    b.set(p);
  }
  b.get(3);
  b.i32Const(2);
  b.emit(Op.i32Sub);
  b.tee(3);
  b.i32Const(0);
  b.emit(Op.i32GtS, Op.brIf, 0, Op.end);
  return b;
}

/** The exported function names, in function-index order. */
export const ARITH_FUNCTIONS: readonly { name: string; op: ArithOp; form: Form }[] =
  ARITH_OPS.flatMap((op) =>
    (op === "sub" || op === "div" ? (["VV", "VS", "SV"] as const) : (["VV", "VS"] as const)).map(
      (form) => ({ name: `${op}${form}`, op, form }),
    ),
  );

/**
 * The module bytes: `pages` pages of its own memory (exported as `memory`) and the functions,
 * or, with `imported`, the functions over the memory imported as env.mem (the sgemm memory,
 * where resident arrays are computed in place: simd-arith.ts).
 */
export function arithModuleBytes(
  pages: number,
  imported?: { shared: boolean; maxPages: number },
): Uint8Array<ArrayBuffer> {
  return assembleModule({
    types: [
      { params: [I32, I32, I32, I32], results: [] },
      { params: [I32, F32, I32, I32], results: [] },
    ],
    functions: ARITH_FUNCTIONS.map((f) => ({
      type: f.form === "VV" ? 0 : 1,
      body: arithBody(f.op, f.form),
    })),
    ...memorySpec(imported, pages),
    exports: [
      ...memoryExports(imported),
      ...ARITH_FUNCTIONS.map((f, i) => ({ name: f.name, kind: "func" as const, index: i })),
    ],
  });
}
