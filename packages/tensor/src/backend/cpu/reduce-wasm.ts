/**
 * The float32 sums of reduce.ts (pairwise runs over contiguous values, whole-row sums over
 * leading axes) as WebAssembly float64 loops over resident arrays (resident.ts): the same
 * summation trees and the same float64 additions in the same order, each float32 promoted
 * exactly, so the sums are the same bits as the JavaScript loops'. Those pay a conversion and a
 * bounds check per element (a bias gradient over [20, 128, 1024] took ~3.5 ms); these loops run
 * several times faster. Where the input is not resident, or the module is unavailable, callers
 * keep their loops.
 */
import {
  ALIGN_4,
  ALIGN_8,
  assembleModule,
  F64,
  FunctionBody,
  I32,
  memOp,
  memorySpec,
  Op,
} from "../../wasm/assembler.js";
import { ensureBytes, onRuntimeStart, runModuleJob, sgemmRuntime } from "./gemm-threads.js";
import { instantiateThreadModule, noteInPlace, residentAddress } from "./resident.js";
import { SgemmArena } from "./sgemm.js";

/** Int32 entries of a runs unit's argument block: [src, count, run, dst, per]. */
const UNIT_ARGS = 5;

interface SumKernels {
  /** runs over runs [u per, min(count, (u + 1) per)) of the job at `args` (see UNIT_ARGS). */
  unit(u: number, args: number): void;
  /** Pairwise sum of the len floats at a (reduce.ts pairwiseSumContiguous's tree). */
  pairwise(a: number, len: number): number;
  /** dst[o] = pairwise(src + o run floats, run) for o < count (dst: float64). */
  runs(src: number, count: number, run: number, dst: number): void;
  /** acc[j] = sum over rows r in [start, start + len) of src[r inner + j], in row order. */
  rowsLeaf(src: number, start: number, len: number, inner: number, acc: number): void;
  /** acc[j] += right[j] for j < inner (float64 both). */
  addTo(acc: number, right: number, inner: number): void;
}

const F32_LOAD = memOp(Op.f32Load, ALIGN_4, 0);
const F64_LOAD = memOp(Op.f64Load, ALIGN_8, 0);
const F64_STORE = memOp(Op.f64Store, ALIGN_8, 0);

/** Emits: the f32 at (local p) + offset, promoted to f64. */
function loadAt(b: FunctionBody, p: number, offset: number): void {
  b.get(p);
  b.emit(...memOp(Op.f32Load, ALIGN_4, offset), Op.f64PromoteF32);
}

/** Emits: while (local k < local end) { body(); k += step }. */
function whileBelow(b: FunctionBody, k: number, end: number, step: number, body: () => void): void {
  b.get(k);
  b.get(end);
  b.emit(Op.i32LtU, Op.if, 0x40, Op.loop, 0x40);
  body();
  b.get(k);
  b.i32Const(step);
  b.emit(Op.i32Add);
  b.tee(k);
  b.get(end);
  b.emit(Op.i32LtU, Op.brIf, 0, Op.end, Op.end);
}

/** pairwise(a, len) -> f64, function 0 (it calls itself). */
function pairwiseBody(): FunctionBody {
  const b = new FunctionBody(2);
  const s = b.locals(F64, 4);
  const k = b.local(I32);
  const end = b.local(I32);
  const half = b.local(I32);
  // len == 64: four leaves of 16 in one loop, (s0 + s1) + (s2 + s3)
  b.get(1);
  b.i32Const(64);
  b.emit(Op.i32Eq, Op.if, 0x40);
  b.get(0);
  b.set(k);
  b.get(0);
  b.i32Const(64);
  b.emit(Op.i32Add);
  b.set(end);
  whileBelow(b, k, end, 4, () => {
    for (let q = 0; q < 4; q++) {
      b.get(s + q);
      loadAt(b, k, 64 * q);
      b.emit(Op.f64Add);
      b.set(s + q);
    }
  });
  b.get(s);
  b.get(s + 1);
  b.emit(Op.f64Add);
  b.get(s + 2);
  b.get(s + 3);
  b.emit(Op.f64Add, Op.f64Add, Op.return, Op.end);
  // len <= 16: one chain from 0
  b.get(1);
  b.i32Const(16);
  b.emit(Op.i32LeS, Op.if, 0x40);
  b.get(0);
  b.set(k);
  b.get(0);
  b.get(1);
  b.i32Const(2);
  b.emit(Op.i32Shl, Op.i32Add);
  b.set(end);
  whileBelow(b, k, end, 4, () => {
    b.get(s);
    loadAt(b, k, 0);
    b.emit(Op.f64Add);
    b.set(s);
  });
  b.get(s);
  b.emit(Op.return, Op.end);
  // halves
  b.get(1);
  b.i32Const(1);
  b.emit(Op.i32ShrU);
  b.set(half);
  b.get(0);
  b.get(half);
  b.emit(Op.call, 0);
  b.get(0);
  b.get(half);
  b.i32Const(2);
  b.emit(Op.i32Shl, Op.i32Add);
  b.get(1);
  b.get(half);
  b.emit(Op.i32Sub, Op.call, 0, Op.f64Add);
  return b;
}

/** runs(src, count, run, dst). */
function runsBody(): FunctionBody {
  const b = new FunctionBody(4);
  const o = b.local(I32);
  b.get(o);
  b.get(1);
  b.emit(Op.i32LtU, Op.if, 0x40, Op.loop, 0x40);
  b.get(3);
  b.get(0);
  b.get(2);
  b.emit(Op.call, 0, ...F64_STORE);
  b.get(0);
  b.get(2);
  b.i32Const(2);
  b.emit(Op.i32Shl, Op.i32Add);
  b.set(0);
  b.get(3);
  b.i32Const(8);
  b.emit(Op.i32Add);
  b.set(3);
  b.get(o);
  b.i32Const(1);
  b.emit(Op.i32Add);
  b.tee(o);
  b.get(1);
  b.emit(Op.i32LtU, Op.brIf, 0, Op.end, Op.end);
  return b;
}

/** unit(u, args): runs(src + 4 o0 run, n, run, dst + 8 o0), o0 = u per, n = min(per, count - o0). */
function unitBody(): FunctionBody {
  const b = new FunctionBody(2);
  const [src, count, run, dst, per] = b.i32Args(1, UNIT_ARGS);
  const [o0, n] = b.unitRange(0, per, count);
  b.get(src);
  b.get(o0);
  b.get(run);
  b.emit(Op.i32Mul);
  b.i32Const(2);
  b.emit(Op.i32Shl, Op.i32Add);
  b.get(n);
  b.get(run);
  b.get(dst);
  b.get(o0);
  b.i32Const(3);
  b.emit(Op.i32Shl, Op.i32Add);
  b.emit(Op.call, 1);
  return b;
}

/** rowsLeaf(src, start, len, inner, acc). */
function rowsLeafBody(): FunctionBody {
  const b = new FunctionBody(5);
  const p = b.local(I32); // element pointer
  const q = b.local(I32); // accumulator pointer
  const qEnd = b.local(I32);
  const r = b.local(I32);
  const rEnd = b.local(I32);
  // qEnd = acc + 8 inner; zero the accumulators
  b.get(4);
  b.get(3);
  b.i32Const(3);
  b.emit(Op.i32Shl, Op.i32Add);
  b.set(qEnd);
  b.get(4);
  b.set(q);
  whileBelow(b, q, qEnd, 8, () => {
    b.get(q);
    b.f64Const(0);
    b.emit(...F64_STORE);
  });
  // p = src + 4 start inner; rows start .. start + len
  b.get(0);
  b.get(1);
  b.get(3);
  b.emit(Op.i32Mul);
  b.i32Const(2);
  b.emit(Op.i32Shl, Op.i32Add);
  b.set(p);
  b.get(1);
  b.set(r);
  b.get(1);
  b.get(2);
  b.emit(Op.i32Add);
  b.set(rEnd);
  whileBelow(b, r, rEnd, 1, () => {
    b.get(4);
    b.set(q);
    whileBelow(b, q, qEnd, 8, () => {
      b.get(q);
      b.get(q);
      b.emit(...F64_LOAD);
      b.get(p);
      b.emit(...F32_LOAD, Op.f64PromoteF32, Op.f64Add, ...F64_STORE);
      b.get(p);
      b.i32Const(4);
      b.emit(Op.i32Add);
      b.set(p);
    });
  });
  return b;
}

/** addTo(acc, right, inner). */
function addToBody(): FunctionBody {
  const b = new FunctionBody(3);
  const end = b.local(I32);
  b.get(0);
  b.get(2);
  b.i32Const(3);
  b.emit(Op.i32Shl, Op.i32Add);
  b.set(end);
  whileBelow(b, 0, end, 8, () => {
    b.get(0);
    b.get(0);
    b.emit(...F64_LOAD);
    b.get(1);
    b.emit(...F64_LOAD, Op.f64Add, ...F64_STORE);
    b.get(1);
    b.i32Const(8);
    b.emit(Op.i32Add);
    b.set(1);
  });
  return b;
}

let kernels: SumKernels | null | undefined;
let threadIndex = -1;
let enabled = true;
// Made when the sgemm runtime starts, before the workers do, so that they have it too.
onRuntimeStart(() => void sumKernels());

function sumKernels(): SumKernels | null {
  if (kernels !== undefined) return kernels;
  // the gemm workers take runs of large sums (module jobs); null: the JavaScript loops serve
  const made = instantiateThreadModule((memory) =>
    assembleModule({
      types: [
        { params: [I32, I32], results: [F64] },
        { params: [I32, I32, I32, I32], results: [] },
        { params: [I32, I32, I32, I32, I32], results: [] },
        { params: [I32, I32, I32], results: [] },
        { params: [I32, I32], results: [] },
      ],
      functions: [
        { type: 0, body: pairwiseBody() },
        { type: 1, body: runsBody() },
        { type: 2, body: rowsLeafBody() },
        { type: 3, body: addToBody() },
        { type: 4, body: unitBody() },
      ],
      ...memorySpec(memory),
      exports: [
        { name: "pairwise", kind: "func", index: 0 },
        { name: "runs", kind: "func", index: 1 },
        { name: "rowsLeaf", kind: "func", index: 2 },
        { name: "addTo", kind: "func", index: 3 },
        { name: "unit", kind: "func", index: 4 },
      ],
    }),
  );
  kernels = made === null ? null : (made.exports as unknown as SumKernels);
  threadIndex = made?.threadIndex ?? -1;
  return kernels;
}

/** Turns the WebAssembly sums off (false) or back on; returns the previous setting. */
export function setSumWasm(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

function usable(xv: ArrayLike<number>): { k: SumKernels; at: number } | null {
  if (!enabled || !(xv instanceof Float32Array)) return null;
  const at = residentAddress(xv);
  if (at < 0) return null;
  const k = sumKernels();
  return k === null ? null : { k, at };
}

/**
 * partial[o] = pairwise sum of xv[o run .. (o + 1) run) for o < count, in float64; null (nothing
 * done) where xv is not a resident float32 array.
 */
export function pairwiseRunsF32(
  xv: ArrayLike<number>,
  count: number,
  run: number,
): Float64Array | null {
  const u = usable(xv);
  if (u === null) return null;
  const rt = sgemmRuntime();
  if (rt === null) return null;
  const arena = new SgemmArena();
  const dst = arena.take(8 * count);
  const args = arena.take(4 * UNIT_ARGS);
  if (!ensureBytes(rt, arena.end)) return null;
  // Units of at least 16K floats (~7 us), about 8 per thread: runs are independent, each
  // summed whole by one thread with its tree, so the bits do not depend on the split.
  const per = Math.max(1, Math.ceil(16384 / run), Math.ceil(count / 16));
  new Int32Array(rt.memory.buffer, args, UNIT_ARGS).set([u.at, count, run, dst, per]);
  // work: ~2 multiply-add equivalents an element (the threads take sums of ~0.5 M floats up)
  runModuleJob(threadIndex, u.k.unit, Math.ceil(count / per), args, 2 * count * run);
  noteInPlace("sum");
  return new Float64Array(rt.memory.buffer, dst, count).slice();
}

/**
 * Sums of whole rows of xv [rows, inner] with reduce.ts sumLeadingRows's tree (at most 16 rows
 * in order, else the two halves added), in float64; null where xv is not a resident float32
 * array.
 */
export function leadingRowsF32(
  xv: ArrayLike<number>,
  rows: number,
  inner: number,
): Float64Array | null {
  const u = usable(xv);
  if (u === null) return null;
  const rt = sgemmRuntime();
  if (rt === null) return null;
  let depth = 0;
  for (let n = rows; n > 16; n = Math.ceil(n / 2)) depth++;
  const arena = new SgemmArena();
  const acc: number[] = [];
  for (let d = 0; d <= depth; d++) acc.push(arena.take(8 * inner));
  if (!ensureBytes(rt, arena.end)) return null;
  const { k, at } = u;
  const into = (start: number, len: number, d: number): void => {
    if (len <= 16) {
      k.rowsLeaf(at, start, len, inner, acc[d] as number);
      return;
    }
    const half = len >>> 1;
    into(start, half, d);
    into(start + half, len - half, d + 1);
    k.addTo(acc[d] as number, acc[d + 1] as number, inner);
  };
  into(0, rows, 0);
  noteInPlace("sum");
  return new Float64Array(rt.memory.buffer, acc[0] as number, inner).slice();
}
