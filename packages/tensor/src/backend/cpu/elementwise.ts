import { componentsOf, type DataArray, type DType, isComplex, realPart } from "../../dtype.js";
import type { BinaryOp, CompareOp, KernelAttrs } from "../../kernels.js";
import { broadcastShapes, sizeOf } from "../../shape.js";
import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { broadcastOffsets, operandStrides } from "./indexing.js";
import {
  COMPLEX_TO_REAL,
  COMPLEX_UNARY,
  complexDivide,
  gelu,
  geluDerivative,
  REAL_DERIVATIVE,
  REAL_UNARY,
} from "./scalar.js";
import {
  type ArithOp,
  arithF32,
  arithRowScalarsF32,
  arithScalarF32,
  noteArithScalar,
} from "./simd-arith.js";
import { geluF32, geluGradF32, geluWithGradF32 } from "./simd-gelu.js";

type Floats = Float32Array | Float64Array;

export function cast(
  inputs: readonly TensorInfo[],
  { dtype }: KernelAttrs["Cast"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const src = be.values(x);
  const cin = isComplex(x.dtype);
  const cout = isComplex(dtype);
  // Every element is written except the imaginary parts of a real -> complex cast: only those
  // need a zeroed (possibly recycled) array.
  const { info, values: out } = be.alloc(x.shape, dtype, !cin && cout);
  const n = src.length / componentsOf(x.dtype);
  if (cin && cout) out.set(src);
  else if (cin && dtype === "bool")
    for (let i = 0; i < n; i++) out[i] = src[2 * i] !== 0 || src[2 * i + 1] !== 0 ? 1 : 0;
  else if (cin) for (let i = 0; i < n; i++) out[i] = convert(src[2 * i], dtype);
  else if (cout) for (let i = 0; i < n; i++) out[2 * i] = src[i];
  else if (dtype === "int32" || dtype === "bool")
    for (let i = 0; i < n; i++) out[i] = convert(src[i], dtype);
  else out.set(src);
  return info;
}

function convert(v: number, dtype: DType): number {
  if (dtype === "bool") return v !== 0 ? 1 : 0;
  if (dtype === "int32") return Math.trunc(v) | 0;
  return v;
}

export function unary(
  inputs: readonly TensorInfo[],
  { op, saveForGradient }: KernelAttrs["Unary"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const src = be.values(x) as Floats;
  if (isComplex(x.dtype)) {
    const toReal = COMPLEX_TO_REAL[op];
    if (toReal) {
      const { info, values: out } = be.alloc(x.shape, realPart(x.dtype), false);
      const n = out.length;
      // real, imag and abs get loops of their own: through the table the call is megamorphic.
      if (op === "real") for (let i = 0; i < n; i++) out[i] = src[2 * i];
      else if (op === "imag") for (let i = 0; i < n; i++) out[i] = src[2 * i + 1];
      else if (op === "abs")
        for (let i = 0; i < n; i++) {
          const a = src[2 * i];
          const b = src[2 * i + 1];
          // sqrt(a^2 + b^2) in float64 is within ~1 ulp like Math.hypot (which is ~10x
          // slower); where the squares could overflow or lose bits to underflow, use hypot.
          const s2 = a * a + b * b;
          out[i] = s2 < 1e300 && s2 > 1e-290 ? Math.sqrt(s2) : Math.hypot(a, b);
        }
      else for (let i = 0; i < n; i++) out[i] = toReal(src[2 * i], src[2 * i + 1]);
      return info;
    }
    const f = COMPLEX_UNARY[op]!;
    const { info, values } = be.alloc(x.shape, x.dtype, false);
    const out = values as Floats;
    for (let i = 0, n = src.length; i < n; i += 2) f(src[i], src[i + 1], out, i);
    return info;
  }
  const { info, values } = be.alloc(x.shape, x.dtype, false);
  const out = values as Floats;
  const n = src.length;
  // The hot activations get loops of their own: through the shared table the call below is
  // megamorphic (never inlined), which costs more than the cheap functions themselves.
  if (op === "gelu") {
    // float32 runs on the WebAssembly SIMD kernel (within 24 float32 ulps, simd-gelu-module.ts);
    // float64, small arrays and platforms without SIMD take the float64 scalar path. Recorded
    // for a gradient, the kernel also returns GELU' (aux): the backward is then one product.
    if (saveForGradient && src instanceof Float32Array) {
      const d = be.alloc(x.shape, x.dtype, false);
      if (geluWithGradF32(src, out as Float32Array, d.values as Float32Array))
        return { ...info, aux: d.info };
      be.release(d.info.dataId);
    }
    if (!(src instanceof Float32Array && geluF32(src, out as Float32Array)))
      for (let i = 0; i < n; i++) out[i] = gelu(src[i]);
  } else if (op === "relu")
    for (let i = 0; i < n; i++) {
      const v = src[i];
      out[i] = v > 0 ? v : Number.isNaN(v) ? v : 0;
    }
  else if (op === "neg") for (let i = 0; i < n; i++) out[i] = -src[i];
  else if (op === "square")
    for (let i = 0; i < n; i++) {
      const v = src[i];
      out[i] = v * v;
    }
  else if (op === "sqrt") for (let i = 0; i < n; i++) out[i] = Math.sqrt(src[i]);
  else if (op === "exp") for (let i = 0; i < n; i++) out[i] = Math.exp(src[i]);
  else {
    const f = REAL_UNARY[op];
    for (let i = 0; i < n; i++) out[i] = f(src[i]);
  }
  return info;
}

export function unaryDerivative(
  inputs: readonly TensorInfo[],
  { op }: KernelAttrs["UnaryDerivative"],
  be: CpuBackend,
): TensorInfo {
  const [x, dy] = inputs;
  const xs = be.values(x);
  const gs = be.values(dy);
  const { info, values: out } = be.alloc(x.shape, x.dtype, false);
  const n = xs.length;
  if (op === "gelu") {
    if (
      !(
        xs instanceof Float32Array &&
        gs instanceof Float32Array &&
        gs.length === n &&
        geluGradF32(xs, gs, out as Float32Array)
      )
    )
      for (let i = 0; i < n; i++) out[i] = gs[i] * geluDerivative(xs[i]);
  } else if (op === "relu") for (let i = 0; i < n; i++) out[i] = xs[i] > 0 ? gs[i] * 1 : gs[i] * 0;
  else {
    const df = REAL_DERIVATIVE[op];
    for (let i = 0; i < n; i++) out[i] = gs[i] * df(xs[i]);
  }
  return info;
}

export function softshrink(
  inputs: readonly TensorInfo[],
  { lambda }: KernelAttrs["Softshrink"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const xs = be.values(x);
  const { info, values: out } = be.alloc(x.shape, x.dtype, false);
  for (let i = 0, n = xs.length; i < n; i++) {
    const v = xs[i];
    out[i] = v > lambda ? v - lambda : v < -lambda ? v + lambda : Number.isNaN(v) ? v : 0;
  }
  return info;
}

const REAL_BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // C99 / numpy: pow(1, y) = 1 for every y (NaN too) and pow(-1, +-Infinity) = 1; Math.pow gives NaN.
  pow: (a, b) => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : a ** b),
  maximum: (a, b) => (a > b || Number.isNaN(a) ? a : b),
  minimum: (a, b) => (a < b || Number.isNaN(a) ? a : b),
  atan2: Math.atan2,
};

/**
 * Walk the broadcast of shapes a and b to `outShape` row by row, with offsets per row, not per
 * element (a per-element table was a large share of allocation and GC): axes that are
 * contiguous for the output and both operands are merged, and `row(o, ia, sa, ib, sb, len)`
 * gets each innermost run: output offset o (stride 1), operand offsets ia, ib and their strides
 * sa, sb (0 where broadcast). A bias [1, C, 1, 1] against [N, C, H, W] is N C rows of H W.
 */
export function broadcastRows(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
  row: (o: number, ia: number, sa: number, ib: number, sb: number, len: number) => void,
): void {
  const total = sizeOf(outShape);
  if (total === 0) return;
  mergedRows(mergedBroadcast(aShape, bShape, outShape), total, row);
}

/** broadcastRows over an already merged broadcast of `total` output elements. */
function mergedRows(
  { shape, ta, tb }: { shape: number[]; ta: number[]; tb: number[] },
  total: number,
  row: (o: number, ia: number, sa: number, ib: number, sb: number, len: number) => void,
): void {
  const r = shape.length;
  if (r === 0) {
    row(0, 0, 0, 0, 0, 1);
    return;
  }
  const inner = shape[r - 1];
  const ia = ta[r - 1];
  const ib = tb[r - 1];
  if (r === 1) {
    row(0, 0, ia, 0, ib, inner);
    return;
  }
  const { offA, offB } = rowOffsets(shape, ta, tb, total / inner);
  for (let q = 0, o = 0; o < total; q++, o += inner) row(o, offA[q], ia, offB[q], ib, inner);
}

/**
 * The operand offsets of every innermost row of a merged broadcast (an odometer over the outer
 * axes), as two tables of `rows` entries.
 */
function rowOffsets(
  shape: readonly number[],
  ta: readonly number[],
  tb: readonly number[],
  rows: number,
): { offA: Int32Array; offB: Int32Array } {
  const r = shape.length;
  const offA = new Int32Array(rows);
  const offB = new Int32Array(rows);
  const idx = new Int32Array(Math.max(r - 1, 0));
  let a = 0;
  let b = 0;
  for (let q = 0; q < rows; q++) {
    offA[q] = a;
    offB[q] = b;
    for (let k = r - 2; k >= 0; k--) {
      a += ta[k];
      b += tb[k];
      if (++idx[k] < shape[k]) break;
      a -= ta[k] * shape[k];
      b -= tb[k] * shape[k];
      idx[k] = 0;
    }
  }
  return { offA, offB };
}

/**
 * The broadcast of a and b to outShape with size-1 axes dropped and axes merged where all
 * strides chain: `shape` and the operand strides `ta`, `tb` (0 where broadcast), outermost first.
 */
function mergedBroadcast(
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): { shape: number[]; ta: number[]; tb: number[] } {
  const rank = outShape.length;
  const sa = operandStrides(aShape, rank);
  const sb = operandStrides(bShape, rank);
  // Merge axis k into k + 1 where all strides chain (the output's always do).
  const shape: number[] = [];
  const ta: number[] = [];
  const tb: number[] = [];
  for (let k = 0; k < rank; k++) {
    const d = outShape[k];
    if (d === 1) continue;
    const m = shape.length - 1;
    if (m >= 0 && ta[m] === sa[k] * d && tb[m] === sb[k] * d) {
      shape[m] *= d;
      ta[m] = sa[k];
      tb[m] = sb[k];
    } else {
      shape.push(d);
      ta.push(sa[k]);
      tb.push(sb[k]);
    }
  }
  return { shape, ta, tb };
}

/**
 * A real binary op over a merged broadcast whose innermost axis runs along one or both operands
 * (a bias row added to every token, a per-row statistic against its row, [nb, p, h] + [nb, 1, h]):
 * the row offsets of both operands are tabulated once, then one call runs plain loops with the
 * op chosen once, instead of a call per row (short rows made the call the larger cost). False
 * when the pattern is not one of these.
 */
function binaryRowsTable(
  op: BinaryOp,
  out: DataArray,
  av: DataArray,
  bv: DataArray,
  shape: number[],
  ta: number[],
  tb: number[],
): boolean {
  const r = shape.length;
  if (r < 2 || (op !== "add" && op !== "sub" && op !== "mul" && op !== "div")) return false;
  const n = shape[r - 1];
  const ca = ta[r - 1];
  const cb = tb[r - 1];
  if (!((ca === 1 && (cb === 1 || cb === 0)) || (ca === 0 && cb === 1))) return false;
  const rows = out.length / n;
  const { offA, offB } = rowOffsets(shape, ta, tb, rows);
  if (ca === 1 && cb === 1) {
    for (let q = 0; q < rows; q++) {
      const o = q * n;
      const ia = offA[q];
      const ib = offB[q];
      if (op === "add") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] + bv[ib + j];
      else if (op === "sub") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] - bv[ib + j];
      else if (op === "mul") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] * bv[ib + j];
      else for (let j = 0; j < n; j++) out[o + j] = av[ia + j] / bv[ib + j];
    }
  } else if (ca === 1) {
    for (let q = 0; q < rows; q++) {
      const o = q * n;
      const ia = offA[q];
      const s = bv[offB[q]];
      if (op === "add") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] + s;
      else if (op === "sub") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] - s;
      else if (op === "mul") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] * s;
      else for (let j = 0; j < n; j++) out[o + j] = av[ia + j] / s;
    }
  } else {
    for (let q = 0; q < rows; q++) {
      const o = q * n;
      const s = av[offA[q]];
      const ib = offB[q];
      if (op === "add") for (let j = 0; j < n; j++) out[o + j] = s + bv[ib + j];
      else if (op === "sub") for (let j = 0; j < n; j++) out[o + j] = s - bv[ib + j];
      else if (op === "mul") for (let j = 0; j < n; j++) out[o + j] = s * bv[ib + j];
      else for (let j = 0; j < n; j++) out[o + j] = s / bv[ib + j];
    }
  }
  return true;
}

/** One row of a real binary op: the common strides (1 or 0) get loops with the op inlined. */
function binaryRow(
  op: BinaryOp,
  f: (a: number, b: number) => number,
  out: DataArray,
  o: number,
  av: DataArray,
  ia: number,
  sa: number,
  bv: DataArray,
  ib: number,
  sb: number,
  n: number,
): void {
  if (sa === 1 && sb === 0) {
    const s = bv[ib];
    if (op === "add") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] + s;
    else if (op === "mul") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] * s;
    else if (op === "sub") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] - s;
    else if (op === "div") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] / s;
    else for (let j = 0; j < n; j++) out[o + j] = f(av[ia + j], s);
  } else if (sa === 0 && sb === 1) {
    const s = av[ia];
    if (op === "add") for (let j = 0; j < n; j++) out[o + j] = s + bv[ib + j];
    else if (op === "mul") for (let j = 0; j < n; j++) out[o + j] = s * bv[ib + j];
    else if (op === "sub") for (let j = 0; j < n; j++) out[o + j] = s - bv[ib + j];
    else if (op === "div") for (let j = 0; j < n; j++) out[o + j] = s / bv[ib + j];
    else for (let j = 0; j < n; j++) out[o + j] = f(s, bv[ib + j]);
  } else if (sa === 1 && sb === 1) {
    if (op === "add") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] + bv[ib + j];
    else if (op === "mul") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] * bv[ib + j];
    else if (op === "sub") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] - bv[ib + j];
    else if (op === "div") for (let j = 0; j < n; j++) out[o + j] = av[ia + j] / bv[ib + j];
    else for (let j = 0; j < n; j++) out[o + j] = f(av[ia + j], bv[ib + j]);
  } else {
    for (let j = 0; j < n; j++) out[o + j] = f(av[ia + j * sa], bv[ib + j * sb]);
  }
}

const SIMD_ARITH = new Set<BinaryOp>(["add", "sub", "mul", "div"]);

/**
 * float32 add / sub / mul / div on the SIMD module (simd-arith.ts) where the broadcast is one
 * of its forms: equal sizes, a one-element operand, or rows of one operand against one
 * element of the other per row (a bias). False (nothing written) otherwise or where SIMD is
 * unavailable; the caller's loops then run. Same bits either way.
 */
function binaryF32Simd(
  op: BinaryOp,
  av: Float32Array,
  bv: Float32Array,
  out: Float32Array,
  aShape: readonly number[],
  bShape: readonly number[],
  outShape: readonly number[],
): boolean {
  if (!SIMD_ARITH.has(op)) return false;
  const o = op as ArithOp;
  const n = out.length;
  // Equal sizes: broadcasting only repeats elements, so both are laid out as the output.
  if (av.length === n && bv.length === n) return arithF32(o, av, 0, bv, 0, out, 0, n);
  if (bv.length === 1 && av.length === n) return arithScalarF32(o, av, 0, bv[0], false, out, 0, n);
  if (av.length === 1 && bv.length === n) return arithScalarF32(o, bv, 0, av[0], true, out, 0, n);
  const m = mergedBroadcast(aShape, bShape, outShape);
  const r = m.shape.length;
  if (r < 2) return false;
  const len = m.shape[r - 1];
  const rows = n / len;
  // Rows of a (consecutive: a has the output's layout) against one element of b per row, or
  // the reverse.
  const aRows = av.length === n && m.ta[r - 1] === 1 && m.tb[r - 1] === 0;
  const bRows = bv.length === n && m.tb[r - 1] === 1 && m.ta[r - 1] === 0;
  if (!aRows && !bRows) return false;
  const { offA, offB } = rowOffsets(m.shape, m.ta, m.tb, rows);
  return aRows
    ? arithRowScalarsF32(o, av, 0, bv, offB, false, out, rows, len)
    : arithRowScalarsF32(o, bv, 0, av, offA, true, out, rows, len);
}

/** Run f over the broadcast of a and b; f gets element indices into a and b and the output index. */
function forEachBroadcast(
  a: TensorInfo,
  b: TensorInfo,
  f: (ia: number, ib: number, o: number) => void,
): number[] {
  const shape = broadcastShapes(a.shape, b.shape);
  const oa = broadcastOffsets(a.shape, shape);
  const ob = broadcastOffsets(b.shape, shape);
  let n = 1;
  for (const d of shape) n *= d;
  if (!oa && !ob) for (let i = 0; i < n; i++) f(i, i, i);
  else if (!oa) for (let i = 0; i < n; i++) f(i, ob![i], i);
  else if (!ob) for (let i = 0; i < n; i++) f(oa[i], i, i);
  else for (let i = 0; i < n; i++) f(oa[i], ob[i], i);
  return shape;
}

export function binary(
  inputs: readonly TensorInfo[],
  { op }: KernelAttrs["Binary"],
  be: CpuBackend,
): TensorInfo {
  const [a, b] = inputs;
  const av = be.values(a);
  const bv = be.values(b);
  const shape = broadcastShapes(a.shape, b.shape);
  const { info, values } = be.alloc(shape, a.dtype, false);
  if (!isComplex(a.dtype)) {
    const f = REAL_BINARY[op];
    const out = values;
    const n = out.length;
    if (out instanceof Float32Array && av instanceof Float32Array && bv instanceof Float32Array) {
      if (binaryF32Simd(op, av, bv, out, a.shape, b.shape, shape)) return info;
      if (SIMD_ARITH.has(op)) noteArithScalar(n);
    }
    // A one-element operand (a plain number, Adam's eps, a learning rate) needs no offset table.
    if (bv.length === 1 && av.length === n) {
      const s = bv[0];
      if (op === "add") for (let i = 0; i < n; i++) out[i] = av[i] + s;
      else if (op === "mul") for (let i = 0; i < n; i++) out[i] = av[i] * s;
      else if (op === "sub") for (let i = 0; i < n; i++) out[i] = av[i] - s;
      else if (op === "div") for (let i = 0; i < n; i++) out[i] = av[i] / s;
      else for (let i = 0; i < n; i++) out[i] = f(av[i], s);
      return info;
    }
    if (av.length === 1 && bv.length === n) {
      const s = av[0];
      if (op === "add") for (let i = 0; i < n; i++) out[i] = s + bv[i];
      else if (op === "mul") for (let i = 0; i < n; i++) out[i] = s * bv[i];
      else if (op === "sub") for (let i = 0; i < n; i++) out[i] = s - bv[i];
      else if (op === "div") for (let i = 0; i < n; i++) out[i] = s / bv[i];
      else for (let i = 0; i < n; i++) out[i] = f(s, bv[i]);
      return info;
    }
    if (n === 0) return info;
    const m = mergedBroadcast(a.shape, b.shape, shape);
    if (binaryRowsTable(op, out, av, bv, m.shape, m.ta, m.tb)) return info;
    mergedRows(m, n, (o, ia, sa, ib, sb, len) =>
      binaryRow(op, f, out, o, av, ia, sa, bv, ib, sb, len),
    );
    return info;
  }
  const out = values as Floats;
  const A = av as Floats;
  const B = bv as Floats;
  const k = complexBinary(op);
  broadcastRows(a.shape, b.shape, shape, (o, ia, sa, ib, sb, len) => {
    // add, sub and mul inline (spectral layers multiply and add complex tensors a lot).
    if (op === "mul")
      for (let j = 0; j < len; j++) {
        const p = 2 * (ia + j * sa);
        const q = 2 * (ib + j * sb);
        const ar = A[p];
        const ai = A[p + 1];
        const br = B[q];
        const bi = B[q + 1];
        out[2 * (o + j)] = ar * br - ai * bi;
        out[2 * (o + j) + 1] = ar * bi + ai * br;
      }
    else if (op === "add" || op === "sub") {
      const sign = op === "add" ? 1 : -1;
      for (let j = 0; j < len; j++) {
        const p = 2 * (ia + j * sa);
        const q = 2 * (ib + j * sb);
        out[2 * (o + j)] = A[p] + sign * B[q];
        out[2 * (o + j) + 1] = A[p + 1] + sign * B[q + 1];
      }
    } else
      for (let j = 0; j < len; j++) {
        const p = 2 * (ia + j * sa);
        const q = 2 * (ib + j * sb);
        k(A[p], A[p + 1], B[q], B[q + 1], out, 2 * (o + j));
      }
  });
  return info;
}

type ComplexBinaryFn = (a: number, b: number, c: number, d: number, out: Floats, o: number) => void;

const cpowScratch = new Float64Array(2);

function complexBinary(op: BinaryOp): ComplexBinaryFn {
  switch (op) {
    case "add":
      return (a, b, c, d, out, o) => {
        out[o] = a + c;
        out[o + 1] = b + d;
      };
    case "sub":
      return (a, b, c, d, out, o) => {
        out[o] = a - c;
        out[o + 1] = b - d;
      };
    case "mul":
      return (a, b, c, d, out, o) => {
        out[o] = a * c - b * d;
        out[o + 1] = a * d + b * c;
      };
    case "div":
      return complexDivide;
    case "pow":
      // z^w = exp(w log z); 0^w = 0 for Re(w) > 0 (numpy), 1 for w = 0.
      return (a, b, c, d, out, o) => {
        if (c === 0 && d === 0) {
          out[o] = 1;
          out[o + 1] = 0;
          return;
        }
        if (a === 0 && b === 0) {
          out[o] = c > 0 ? 0 : Number.NaN;
          out[o + 1] = c > 0 ? 0 : Number.NaN;
          return;
        }
        const lr = Math.log(Math.hypot(a, b));
        const li = Math.atan2(b, a);
        cpowScratch[0] = c * lr - d * li;
        cpowScratch[1] = c * li + d * lr;
        const e = Math.exp(cpowScratch[0]);
        out[o] = e * Math.cos(cpowScratch[1]);
        out[o + 1] = e * Math.sin(cpowScratch[1]);
      };
    default:
      throw new Error(`complex '${op}' is rejected by the op layer`);
  }
}

const COMPARE: Record<CompareOp, (a: number, b: number) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  less: (a, b) => a < b,
  lessEqual: (a, b) => a <= b,
  greater: (a, b) => a > b,
  greaterEqual: (a, b) => a >= b,
};

export function compare(
  inputs: readonly TensorInfo[],
  { op }: KernelAttrs["Compare"],
  be: CpuBackend,
): TensorInfo {
  const [a, b] = inputs;
  const av = be.values(a);
  const bv = be.values(b);
  const shape = broadcastShapes(a.shape, b.shape);
  const { info, values: out } = be.alloc(shape, "bool", false);
  if (isComplex(a.dtype)) {
    const same = op === "equal";
    forEachBroadcast(a, b, (ia, ib, o) => {
      const eq = av[2 * ia] === bv[2 * ib] && av[2 * ia + 1] === bv[2 * ib + 1];
      out[o] = eq === same ? 1 : 0;
    });
  } else {
    const f = COMPARE[op];
    forEachBroadcast(a, b, (ia, ib, o) => {
      out[o] = f(av[ia], bv[ib]) ? 1 : 0;
    });
  }
  return info;
}

export function where(
  inputs: readonly TensorInfo[],
  _attrs: KernelAttrs["Where"],
  be: CpuBackend,
): TensorInfo {
  const [cond, a, b] = inputs;
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
  const cv = be.values(cond);
  const av = be.values(a);
  const bv = be.values(b);
  const oc = broadcastOffsets(cond.shape, shape);
  const oa = broadcastOffsets(a.shape, shape);
  const ob = broadcastOffsets(b.shape, shape);
  const { info, values: out } = be.alloc(shape, a.dtype, false);
  const c = componentsOf(a.dtype);
  const n = out.length / c;
  for (let i = 0; i < n; i++) {
    const take = cv[oc ? oc[i] : i] !== 0;
    const src: DataArray = take ? av : bv;
    const j = take ? (oa ? oa[i] : i) : ob ? ob[i] : i;
    if (c === 1) out[i] = src[j];
    else {
      out[2 * i] = src[2 * j];
      out[2 * i + 1] = src[2 * j + 1];
    }
  }
  return info;
}

/** complex(re, im) and polar(abs, angle): two real tensors to one complex tensor. */
function realPairToComplex(
  inputs: readonly TensorInfo[],
  be: CpuBackend,
  f: (x: number, y: number, out: Floats, o: number) => void,
): TensorInfo {
  const [a, b] = inputs;
  const av = be.values(a);
  const bv = be.values(b);
  const shape = broadcastShapes(a.shape, b.shape);
  const { info, values } = be.alloc(
    shape,
    a.dtype === "float64" ? "complex128" : "complex64",
    false,
  );
  const out = values as Floats;
  forEachBroadcast(a, b, (ia, ib, o) => f(av[ia], bv[ib], out, 2 * o));
  return info;
}

export function complexKernel(
  inputs: readonly TensorInfo[],
  _a: KernelAttrs["Complex"],
  be: CpuBackend,
): TensorInfo {
  return realPairToComplex(inputs, be, (x, y, out, o) => {
    out[o] = x;
    out[o + 1] = y;
  });
}

export function polar(
  inputs: readonly TensorInfo[],
  _a: KernelAttrs["Polar"],
  be: CpuBackend,
): TensorInfo {
  return realPairToComplex(inputs, be, (r, t, out, o) => {
    out[o] = r * Math.cos(t);
    out[o + 1] = r * Math.sin(t);
  });
}
