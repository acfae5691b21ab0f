/**
 * A small WebAssembly assembler for hand-written kernels: the LEB128 encodings, the opcodes
 * the Modewise kernels use, a function-body builder with locals, and a module builder. No
 * toolchain; opcodes and encodings from the WebAssembly core 2.0 specification (binary format,
 * §5) and its fixed-width SIMD instructions (0xfd prefix).
 *
 * It emits exactly the bytes it is asked for (no reordering, deduplication or validation), so
 * a kernel generator that moves onto it keeps byte-identical modules. Validate with
 * `WebAssembly.validate`, or let `instantiateSync` throw.
 */

import { ValueError } from "../errors.js";

/** Unsigned LEB128 of a 32-bit integer (0 <= n < 2^32); anything else is a ValueError. */
export function uleb(n: number): number[] {
  if (!(Number.isInteger(n) && n >= 0 && n <= 0xffffffff))
    throw new ValueError("uleb", "n", "an integer in [0, 2^32)", String(n));
  const out: number[] = [];
  let rest = n >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    out.push(byte);
  } while (rest !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (-2^31 <= n < 2^31), as `i32.const` takes it. */
export function sleb(n: number): number[] {
  if (!(Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff))
    throw new ValueError("sleb", "n", "an integer in [-2^31, 2^31)", String(n));
  const out: number[] = [];
  let rest = n | 0;
  for (;;) {
    const byte = rest & 0x7f;
    rest >>= 7;
    // Done when the remaining bits are all copies of the sign bit just written (bit 6).
    if ((rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
/** Block type of a block / loop / if that yields nothing. */
export const BLOCK_VOID = 0x40;

/** Single-byte opcodes (control, locals, memory, i32 / f32 / f64 numeric). */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  select: 0x1b,
  i32Load: 0x28,
  i64Load: 0x29,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Store: 0x36,
  i64Store: 0x37,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  f32Const: 0x43,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32GtU: 0x4b,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32DivU: 0x6e,
  i32RemU: 0x70,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i32ShrU: 0x76,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32Div: 0x95,
  f64Ceil: 0x9b,
  f64Floor: 0x9c,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  i32TruncF64S: 0xaa,
  f32DemoteF64: 0xb6,
  f64PromoteF32: 0xbb,
} as const;

/** Prefix byte of the SIMD instructions; the opcode that follows is a ULEB128. */
export const SIMD_PREFIX = 0xfd;

/** Fixed-width SIMD opcodes (after SIMD_PREFIX). */
export const Simd = {
  load: 0x00,
  load32Splat: 0x09,
  load64Splat: 0x0a,
  store: 0x0b,
  const: 0x0c,
  shuffle: 0x0d,
  f32x4Splat: 0x13,
  f32x4ExtractLane: 0x1f,
  f64x2Splat: 0x14,
  and: 0x4e,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  store64Lane: 0x5b,
  load64Zero: 0x5d,
  f32x4DemoteF64x2Zero: 0x5e,
  f32x4Nearest: 0x6a,
  i32x4Shl: 0xab,
  i32x4ShrS: 0xac,
  i32x4Add: 0xae,
  i32x4Sub: 0xb1,
  f32x4Abs: 0xe0,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Div: 0xe7,
  f32x4Min: 0xe8,
  i32x4TruncSatF32x4S: 0xf8,
  f64x2PromoteLowF32x4: 0x5f,
  f64x2Sqrt: 0xef,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
} as const;

/** log2 of the natural alignment, the `align` of a memarg: 2 for 4 bytes, 3 for 8, 4 for 16. */
export const ALIGN_4 = 2;
export const ALIGN_8 = 3;
export const ALIGN_16 = 4;

// --- Instructions as byte arrays (for generators that concatenate arrays) ---

/** local.get x */
export function localGet(x: number): number[] {
  return [Op.localGet, ...uleb(x)];
}
/** local.set x */
export function localSet(x: number): number[] {
  return [Op.localSet, ...uleb(x)];
}
/** local.tee x */
export function localTee(x: number): number[] {
  return [Op.localTee, ...uleb(x)];
}
/** i32.const c */
export function i32Const(c: number): number[] {
  return [Op.i32Const, ...sleb(c)];
}
/** f32.const c (4 bytes little-endian). */
export function f32Const(c: number): number[] {
  return [Op.f32Const, ...new Uint8Array(new Float32Array([c]).buffer)];
}
/** f64.const c (8 bytes little-endian). */
export function f64Const(c: number): number[] {
  return [Op.f64Const, ...new Uint8Array(new Float64Array([c]).buffer)];
}
/** A SIMD instruction with its immediates (memarg, lanes or constant bytes). */
export function simd(op: number, ...immediates: number[]): number[] {
  return [SIMD_PREFIX, ...uleb(op), ...immediates];
}
/** A memory access: opcode, then memarg (align, offset). */
export function memOp(op: number, align: number, offset: number): number[] {
  return [op, ...uleb(align), ...uleb(offset)];
}
/** A SIMD memory access: prefix, opcode, memarg (align, offset). */
export function simdMemOp(op: number, align: number, offset: number): number[] {
  return simd(op, ...uleb(align), ...uleb(offset));
}
/** The 16 bytes of an f64x2 constant (lane 0 = a, lane 1 = b), for v128.const. */
export function f64x2Bytes(a: number, b: number): number[] {
  const buf = new DataView(new ArrayBuffer(16));
  buf.setFloat64(0, a, true);
  buf.setFloat64(8, b, true);
  return Array.from(new Uint8Array(buf.buffer));
}

// --- Binary-format containers ---

/** A vector: its length, then its items. */
export function vec(items: readonly (readonly number[])[]): number[] {
  const out = uleb(items.length);
  for (const item of items) for (const b of item) out.push(b);
  return out;
}
/** A name: UTF-8 bytes as a vector. */
export function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}
/** A section: id, byte size, content. */
export function section(id: number, content: readonly number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/**
 * One function body under construction: parameters take local indices 0 .. nParams - 1, the
 * locals declared here follow in declaration order (as the index space requires); consecutive
 * locals of one type are declared as one run.
 */
export class FunctionBody {
  readonly code: number[] = [];
  private readonly localTypes: number[] = [];
  constructor(readonly nParams: number) {}

  /** Declares one local of `type`; returns its index. */
  local(type: number): number {
    this.localTypes.push(type);
    return this.nParams + this.localTypes.length - 1;
  }
  /** Declares `count` locals of `type`; returns the index of the first. */
  locals(type: number, count: number): number {
    const first = this.nParams + this.localTypes.length;
    for (let i = 0; i < count; i++) this.localTypes.push(type);
    return first;
  }
  emit(...bytes: number[]): void {
    for (const b of bytes) this.code.push(b);
  }
  get(x: number): void {
    this.emit(...localGet(x));
  }
  set(x: number): void {
    this.emit(...localSet(x));
  }
  tee(x: number): void {
    this.emit(...localTee(x));
  }
  i32Const(c: number): void {
    this.emit(...i32Const(c));
  }
  f64Const(c: number): void {
    this.emit(...f64Const(c));
  }
  simd(op: number, ...immediates: number[]): void {
    this.emit(...simd(op, ...immediates));
  }
  /** v128.load at (address on the stack) + offset, 16-byte aligned. */
  vload(offset: number): void {
    this.emit(...simdMemOp(Simd.load, ALIGN_16, offset));
  }
  /** v128.store of (address, value on the stack) at address + offset, 16-byte aligned. */
  vstore(offset: number): void {
    this.emit(...simdMemOp(Simd.store, ALIGN_16, offset));
  }
  /** f64.load at (address on the stack) + offset, 8-byte aligned. */
  f64load(offset: number): void {
    this.emit(...memOp(Op.f64Load, ALIGN_8, offset));
  }
  /**
   * Declares `count` i32 locals holding the consecutive int32 at the byte address in local
   * `from` (a unit's argument block); returns them in order.
   */
  i32Args(from: number, count: number): number[] {
    const locals = Array.from({ length: count }, () => this.local(I32));
    locals.forEach((local, i) => {
      this.get(from);
      this.emit(...memOp(Op.i32Load, ALIGN_4, 4 * i));
      this.set(local);
    });
    return locals;
  }
  /**
   * The range of unit `u` (a local) of `per` items (a local) out of `total` (a local): declares
   * and returns locals [start, count], start = u per, count = min(per, total - start).
   */
  unitRange(u: number, per: number, total: number): [number, number] {
    const start = this.local(I32);
    const count = this.local(I32);
    this.get(u);
    this.get(per);
    this.emit(Op.i32Mul);
    this.set(start);
    this.get(total);
    this.get(start);
    this.emit(Op.i32Sub);
    this.set(count);
    this.minInto(count, per);
    return [start, count];
  }
  /** i32 local x = min(x, local limit) (signed). */
  minInto(x: number, limit: number): void {
    this.get(x);
    this.get(limit);
    this.emit(Op.i32GtS, Op.if, BLOCK_VOID);
    this.get(limit);
    this.set(x);
    this.emit(Op.end);
  }

  /** The code-section entry: size, local declarations (runs of one type), code, end. */
  encode(): number[] {
    const runs: [number, number][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    const body = [...vec(runs.map(([n, t]) => [...uleb(n), t])), ...this.code, Op.end];
    return [...uleb(body.length), ...body];
  }
}

/** A function type. */
export interface FuncType {
  readonly params: readonly number[];
  readonly results: readonly number[];
}

/** An export: a function (by function index) or the memory (index 0). */
export interface ModuleExport {
  readonly name: string;
  readonly kind: "func" | "memory";
  readonly index: number;
}

/** What `assembleModule` puts in a module; sections are written in the order the format requires. */
export interface ModuleSpec {
  readonly types: readonly FuncType[];
  /** Each function's type index and body (a builder, or an already encoded code-section entry). */
  readonly functions: readonly {
    readonly type: number;
    readonly body: FunctionBody | readonly number[];
  }[];
  /**
   * An imported memory (module.name) of at least `minPages` 64 KiB pages, no maximum unless
   * `maxPages` is given; `shared` (threads proposal) requires `maxPages`.
   */
  readonly importMemory?: {
    readonly module: string;
    readonly name: string;
    readonly minPages: number;
    readonly maxPages?: number;
    readonly shared?: boolean;
  };
  /** A memory defined by the module, `minPages` 64 KiB pages initially, no maximum. */
  readonly memory?: { readonly minPages: number };
  readonly exports?: readonly ModuleExport[];
}

const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const FUNC_TYPE = 0x60;
const EXTERN_FUNC = 0x00;
const EXTERN_MEMORY = 0x02;
const LIMITS_MIN_ONLY = 0x00;
const LIMITS_MIN_MAX = 0x01;
const LIMITS_SHARED_MIN_MAX = 0x03;

/** Limits of an imported memory: min only (as before), min + max, or shared min + max. */
function memoryLimits(m: NonNullable<ModuleSpec["importMemory"]>): number[] {
  if (m.maxPages === undefined) {
    if (m.shared)
      throw new ValueError(
        "assembleModule",
        "importMemory.maxPages",
        "a maximum for a shared memory",
        "none",
      );
    return [LIMITS_MIN_ONLY, ...uleb(m.minPages)];
  }
  const flag = m.shared ? LIMITS_SHARED_MIN_MAX : LIMITS_MIN_MAX;
  return [flag, ...uleb(m.minPages), ...uleb(m.maxPages)];
}

/**
 * The memory of a module that runs either over its own memory or over one it imports: with
 * `imported`, env.mem of at least one page (shared and with a maximum as given), else `pages`
 * pages of its own. Spread into a ModuleSpec, with memoryExports(imported) in its exports.
 */
export function memorySpec(
  imported: { shared: boolean; maxPages: number } | undefined,
  pages = 1,
): Pick<ModuleSpec, "importMemory" | "memory"> {
  return imported
    ? {
        importMemory: {
          module: "env",
          name: "mem",
          minPages: 1,
          maxPages: imported.maxPages,
          shared: imported.shared,
        },
      }
    : { memory: { minPages: pages } };
}

/** The export of a module's own memory as "memory" (none for an imported one). */
export function memoryExports(imported: unknown): ModuleExport[] {
  return imported ? [] : [{ name: "memory", kind: "memory", index: 0 }];
}

/** The binary module: type, import, function, memory, export and code sections (empty ones left out). */
export function assembleModule(spec: ModuleSpec): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [...MAGIC_AND_VERSION];
  const push = (part: readonly number[]) => {
    for (const b of part) bytes.push(b);
  };
  push(
    section(
      1,
      vec(
        spec.types.map((t) => [
          FUNC_TYPE,
          ...vec(t.params.map((p) => [p])),
          ...vec(t.results.map((r) => [r])),
        ]),
      ),
    ),
  );
  if (spec.importMemory) {
    const m = spec.importMemory;
    push(
      section(2, vec([[...name(m.module), ...name(m.name), EXTERN_MEMORY, ...memoryLimits(m)]])),
    );
  }
  push(section(3, vec(spec.functions.map((f) => uleb(f.type)))));
  if (spec.memory) push(section(5, vec([[LIMITS_MIN_ONLY, ...uleb(spec.memory.minPages)]])));
  if (spec.exports && spec.exports.length > 0) {
    push(
      section(
        7,
        vec(
          spec.exports.map((e) => [
            ...name(e.name),
            e.kind === "func" ? EXTERN_FUNC : EXTERN_MEMORY,
            ...uleb(e.index),
          ]),
        ),
      ),
    );
  }
  push(
    section(
      10,
      vec(spec.functions.map((f) => (f.body instanceof FunctionBody ? f.body.encode() : f.body))),
    ),
  );
  return new Uint8Array(bytes);
}

/**
 * Compiles and instantiates synchronously (fine for the small kernel modules; browsers refuse
 * synchronous compilation of large modules on the main thread). Throws where WebAssembly, or
 * an instruction the module uses (e.g. SIMD), is unavailable or blocked (e.g. by a CSP):
 * callers catch and fall back to JavaScript.
 */
export function instantiateSync(
  bytes: Uint8Array<ArrayBuffer>,
  imports: WebAssembly.Imports = {},
): WebAssembly.Instance {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
}
