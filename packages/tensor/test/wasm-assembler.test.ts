/**
 * @modewise/tensor/wasm, the assembler behind the hand-written SIMD kernels of tensor (gemm),
 * fft (codelets, block transposer) and nufft (spreading / interpolation).
 *
 * References, independent of the code under test:
 * - LEB128: the worked examples of the DWARF 5 specification (§7.6) and the WebAssembly spec's
 *   edge values, plus a BigInt decoder written here (sum of 7-bit groups, sign-extended from
 *   bit 6 of the last byte for the signed form), over every power-of-two boundary.
 * - Signed LEB128 and f64 constants are also decoded by the engine itself: `i32.const n` and
 *   `f64.const c` are compiled and run, and must return n and c.
 * - A small module with loops, branches, memory and SIMD is run against the same sums in JS
 *   (small integers: every partial sum is exact in float64, so equality is the right check).
 * - Every module the four users build is passed to WebAssembly.validate (captured from the
 *   WebAssembly.Module constructor while each user builds its kernels). Their byte identity
 *   with the pre-assembler emitters was checked when they were ported; their numerics are
 *   covered by each package's own suites.
 */
import { ValueError } from "@modewise/tensor";
import {
  assembleModule,
  BLOCK_VOID,
  F64,
  FunctionBody,
  f64x2Bytes,
  I32,
  i32Const,
  instantiateSync,
  Op,
  Simd,
  sleb,
  uleb,
  V128,
} from "@modewise/tensor/wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Unsigned LEB128 decoder (reference): sum of the 7-bit groups, low group first. */
function decodeUnsigned(bytes: readonly number[]): bigint {
  let value = 0n;
  bytes.forEach((b, i) => {
    expect((b & 0x80) !== 0).toBe(i < bytes.length - 1); // continuation bit on all but the last
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
  });
  return value;
}

/** Signed LEB128 decoder (reference): as above, then sign-extended from the last group's bit 6. */
function decodeSigned(bytes: readonly number[]): bigint {
  const value = decodeUnsigned(bytes);
  const bits = BigInt(7 * bytes.length);
  return (bytes[bytes.length - 1] & 0x40) !== 0 ? value - (1n << bits) : value;
}

/** Integers around every power of two up to 2^32 (unsigned) or 2^31 (signed). */
function boundaries(signed: boolean): number[] {
  const out = new Set<number>([0, 1]);
  for (let k = 1; k <= 32; k++) {
    for (const v of [2 ** k - 1, 2 ** k, 2 ** k + 1]) {
      if (signed) {
        if (v <= 2 ** 31 - 1) out.add(v);
        if (-v >= -(2 ** 31)) out.add(-v);
      } else if (v <= 2 ** 32 - 1) out.add(v);
    }
  }
  return [...out];
}

describe("LEB128", () => {
  it("unsigned: known encodings and edge values", () => {
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(1)).toEqual([0x01]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(129)).toEqual([0x81, 0x01]);
    expect(uleb(130)).toEqual([0x82, 0x01]);
    expect(uleb(12857)).toEqual([0xb9, 0x64]);
    expect(uleb(16383)).toEqual([0xff, 0x7f]);
    expect(uleb(16384)).toEqual([0x80, 0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(2 ** 31)).toEqual([0x80, 0x80, 0x80, 0x80, 0x08]);
    expect(uleb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it("unsigned: the reference decoder gives back every boundary value, in minimal length", () => {
    for (const v of boundaries(false)) {
      const bytes = uleb(v);
      expect(decodeUnsigned(bytes)).toBe(BigInt(v));
      expect(bytes.length).toBe(Math.max(1, Math.ceil(v.toString(2).length / 7)));
    }
  });

  it("signed: known encodings and edge values", () => {
    expect(sleb(0)).toEqual([0x00]);
    expect(sleb(1)).toEqual([0x01]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(127)).toEqual([0xff, 0x00]);
    expect(sleb(-127)).toEqual([0x81, 0x7f]);
    expect(sleb(128)).toEqual([0x80, 0x01]);
    expect(sleb(-128)).toEqual([0x80, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(2 ** 31 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(sleb(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });

  it("signed: the reference decoder and the engine's i32.const give back every boundary value", () => {
    const values = boundaries(true);
    // One function per value: () -> i32.const v.
    const functions = values.map((v) => {
      const body = new FunctionBody(0);
      body.emit(...i32Const(v));
      return { type: 0, body };
    });
    const bytes = assembleModule({
      types: [{ params: [], results: [I32] }],
      functions,
      exports: values.map((_, i) => ({ name: `v${i}`, kind: "func" as const, index: i })),
    });
    const ex = instantiateSync(bytes).exports as Record<string, () => number>;
    values.forEach((v, i) => {
      expect(decodeSigned(sleb(v))).toBe(BigInt(v));
      expect(ex[`v${i}`]()).toBe(v);
    });
  });

  it("bad input is a ValueError naming the argument", () => {
    for (const bad of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => uleb(bad)).toThrow(ValueError);
    }
    for (const bad of [2 ** 31, -(2 ** 31) - 1, 0.5, Number.POSITIVE_INFINITY]) {
      expect(() => sleb(bad)).toThrow(ValueError);
    }
    expect(() => uleb(-1)).toThrow(/uleb.*'n'.*\[0, 2\^32\).*-1/);
  });
});

/** local x += c (i32). */
function addConst(f: FunctionBody, x: number, c: number): void {
  f.get(x);
  f.i32Const(c);
  f.emit(Op.i32Add);
  f.set(x);
}

describe("module builder", () => {
  it("f64.const and v128.const round-trip through the engine (incl. -0 and subnormals)", () => {
    const values = [Math.PI, -0, 5e-324, -1.7976931348623157e308];
    const functions = values.map((c) => {
      const body = new FunctionBody(0);
      body.f64Const(c);
      return { type: 0, body };
    });
    // () -> lane 1 of v128.const(2.5, -7.25): checks the lane order of f64x2Bytes.
    const lanes = new FunctionBody(0);
    lanes.simd(Simd.const, ...f64x2Bytes(2.5, -7.25));
    lanes.simd(0x21, 1); // f64x2.extract_lane 1
    functions.push({ type: 0, body: lanes });
    const bytes = assembleModule({
      types: [{ params: [], results: [F64] }],
      functions,
      exports: functions.map((_, i) => ({ name: `c${i}`, kind: "func" as const, index: i })),
    });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const ex = instantiateSync(bytes).exports as Record<string, () => number>;
    values.forEach((c, i) => {
      expect(Object.is(ex[`c${i}`](), c)).toBe(true);
    });
    expect(ex[`c${values.length}`]()).toBe(-7.25);
  });

  it("a module with loops, locals, its own memory and SIMD runs and matches JS", () => {
    // sum(ptr, n): scalar f64 sum of n doubles at ptr (block / loop / br_if / locals / f64.load).
    const sum = new FunctionBody(2);
    const acc = sum.local(F64);
    sum.emit(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID);
    sum.get(1);
    sum.emit(Op.i32Eqz, Op.brIf, 1);
    sum.get(acc);
    sum.get(0);
    sum.f64load(0);
    sum.emit(Op.f64Add);
    sum.set(acc);
    addConst(sum, 0, 8);
    addConst(sum, 1, -1);
    sum.emit(Op.br, 0, Op.end, Op.end);
    sum.get(acc);
    // vadd(dst, a, b, pairs): dst[i] = a[i] + b[i], two doubles per step (v128 loads / stores).
    const vadd = new FunctionBody(4);
    const va = vadd.local(V128);
    vadd.emit(Op.loop, BLOCK_VOID);
    vadd.get(1);
    vadd.vload(0);
    vadd.set(va);
    vadd.get(0);
    vadd.get(va);
    vadd.get(2);
    vadd.vload(0);
    vadd.simd(Simd.f64x2Add);
    vadd.vstore(0);
    for (const p of [0, 1, 2]) addConst(vadd, p, 16);
    vadd.get(3);
    vadd.i32Const(1);
    vadd.emit(Op.i32Sub);
    vadd.tee(3);
    vadd.emit(Op.brIf, 0, Op.end);
    const bytes = assembleModule({
      types: [
        { params: [I32, I32], results: [F64] },
        { params: [I32, I32, I32, I32], results: [] },
      ],
      functions: [
        { type: 0, body: sum },
        { type: 1, body: vadd },
      ],
      memory: { minPages: 1 },
      exports: [
        { name: "sum", kind: "func", index: 0 },
        { name: "vadd", kind: "func", index: 1 },
        { name: "memory", kind: "memory", index: 0 },
      ],
    });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const ex = instantiateSync(bytes).exports as {
      sum: (ptr: number, n: number) => number;
      vadd: (dst: number, a: number, b: number, pairs: number) => void;
      memory: WebAssembly.Memory;
    };
    const mem = new Float64Array(ex.memory.buffer);
    const n = 10;
    for (let i = 0; i < n; i++) {
      mem[i] = i * i - 3; // small integers: exact sums
      mem[16 + i] = 7 - 2 * i;
    }
    expect(ex.sum(0, n)).toBe(mem.slice(0, n).reduce((s, x) => s + x, 0));
    expect(ex.sum(8, 0)).toBe(0);
    ex.vadd(32 * 8, 0, 16 * 8, n / 2);
    for (let i = 0; i < n; i++) expect(mem[32 + i]).toBe(mem[i] + mem[16 + i]);
    expect(mem[32 + n]).toBe(0); // nothing written past the end
  });

  it("imports a memory and runs on it", () => {
    // fill(ptr, n, x): n doubles of value x from ptr (i32 + f64 params, f64.store).
    const fill = new FunctionBody(3);
    fill.emit(Op.block, BLOCK_VOID, Op.loop, BLOCK_VOID);
    fill.get(1);
    fill.emit(Op.i32Eqz, Op.brIf, 1);
    fill.get(0);
    fill.get(2);
    fill.emit(Op.f64Store, 3, 0);
    addConst(fill, 0, 8);
    addConst(fill, 1, -1);
    fill.emit(Op.br, 0, Op.end, Op.end);
    const bytes = assembleModule({
      types: [{ params: [I32, I32, F64], results: [] }],
      functions: [{ type: 0, body: fill }],
      importMemory: { module: "env", name: "mem", minPages: 1 },
      exports: [{ name: "fill", kind: "func", index: 0 }],
    });
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { fill: run } = instantiateSync(bytes, { env: { mem: memory } }).exports as {
      fill: (ptr: number, n: number, x: number) => void;
    };
    run(16, 3, 1.5);
    expect(Array.from(new Float64Array(memory.buffer, 0, 6))).toEqual([0, 0, 1.5, 1.5, 1.5, 0]);
    // Without the import, instantiation fails (the caller's cue to fall back to JS).
    expect(() => instantiateSync(bytes)).toThrow();
  });

  it("locals are declared in runs of one type, after the parameters", () => {
    const f = new FunctionBody(2);
    expect(f.local(I32)).toBe(2);
    expect(f.locals(V128, 3)).toBe(3);
    expect(f.local(V128)).toBe(6);
    expect(f.local(I32)).toBe(7);
    // size, 3 runs: (1 x i32), (4 x v128), (1 x i32), then `end`.
    expect(f.encode()).toEqual([8, 3, 1, I32, 4, V128, 1, I32, Op.end]);
  });
});

describe("the gemm module validates", () => {
  // Capture the bytes handed to the WebAssembly.Module constructor while each user builds its
  // kernels.
  const captured: { user: string; bytes: Uint8Array<ArrayBuffer> }[] = [];
  let user = "";
  const original = WebAssembly.Module;
  beforeAll(() => {
    const spy = function (this: unknown, bytes: BufferSource) {
      captured.push({ user, bytes: new Uint8Array(bytes as ArrayBuffer).slice() });
      return new original(bytes);
    };
    spy.prototype = original.prototype;
    (WebAssembly as { Module: unknown }).Module = spy;
  });
  afterAll(() => {
    (WebAssembly as { Module: unknown }).Module = original;
  });

  // fft and nufft build their modules with this assembler too; their own suites check that
  // the WebAssembly paths run (and match the JavaScript fallbacks).
  it("tensor gemm", async () => {
    user = "gemm";
    const gemm = await import("../src/backend/cpu/gemm.js");
    expect(gemm.setGemmKernel("wasm")).toBe(true);
    const users = captured.map((c) => c.user);
    expect(users).toContain("gemm");
    for (const { bytes } of captured) expect(WebAssembly.validate(bytes)).toBe(true);
  });
});

describe("unit helpers (argument blocks, ranges)", () => {
  it("i32Args loads a block, unitRange and minInto give start and min(per, total - start)", () => {
    // f(u, args) -> start * 1000 + count, with args = [per, total] at byte address `args`
    const f = new FunctionBody(2);
    const [per, total] = f.i32Args(1, 2);
    const [start, count] = f.unitRange(0, per, total);
    f.get(start);
    f.i32Const(1000);
    f.emit(Op.i32Mul);
    f.get(count);
    f.emit(Op.i32Add);
    const bytes = assembleModule({
      types: [{ params: [I32, I32], results: [I32] }],
      functions: [{ type: 0, body: f }],
      memory: { minPages: 1 },
      exports: [
        { name: "f", kind: "func", index: 0 },
        { name: "memory", kind: "memory", index: 0 },
      ],
    });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const mem = new Int32Array((exports.memory as WebAssembly.Memory).buffer);
    mem.set([7, 30], 16); // per 7, total 30 at byte 64
    const call = exports.f as (u: number, args: number) => number;
    // units of 7 out of 30: 0-6, 7-13, 14-20, 21-27, 28-29
    expect([0, 1, 2, 3, 4].map((u) => call(u, 64))).toEqual([7, 7007, 14007, 21007, 28002]);
  });
});
