/**
 * Reduce (sum / prod / max / min over any axes) and ArgReduce.
 *
 * The reduced axes are first moved last (one Transpose map when they are not already), so the
 * input reads as [outer, R] rows. Sums and products then run as a tree of passes: each pass
 * combines groups of FAN_IN consecutive values of a row, until one value per row is left.
 * With ceil(log_F R) passes of F - 1 sequential operations each, the f32 rounding error of a
 * sum is at most (F - 1) ceil(log_F R) u sum|x| (first order, u = 2^-24): it grows like log R,
 * not like R as one long loop would (Higham, Accuracy and Stability of Numerical Algorithms,
 * §4.2). max / min are exact in any order. Every loop bound is a kernel constant.
 */
import { type KernelFn, type ReduceOp, sizeOf, type TensorInfo } from "@modewise/tensor";
import type { GpuBackend } from "../backend/gpu-backend.js";
import { runMap } from "./elementwise.js";
import { transposeOn } from "./layout.js";

/** Values combined per thread per pass. */
export const FAN_IN = 16;

/** Passes a reduction of length n takes (the parity tolerance uses it). */
export function reducePasses(n: number): number {
  let passes = 0;
  for (let r = n; r > 1; r = Math.ceil(r / FAN_IN)) passes++;
  return passes;
}

function reducedShape(
  shape: readonly number[],
  axes: readonly number[],
  keepDims: boolean,
): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/** x with `axes` moved last (a new tensor the caller releases), or x itself when already so. */
function axesLast(
  backend: GpuBackend,
  x: TensorInfo,
  axes: readonly number[],
): { t: TensorInfo; owned: boolean } {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...[...axes].sort((a, b) => a - b)];
  if (order.every((p, i) => p === i)) return { t: x, owned: false };
  return { t: transposeOn(backend, x, order), owned: true };
}

const IDENTITY: Record<ReduceOp, string> = {
  sum: "0",
  prod: "1",
  max: "-Infinity",
  min: "Infinity",
};

/** One pass: [outer, len] -> [outer, ceil(len / F)]. */
function pass(
  backend: GpuBackend,
  x: TensorInfo,
  outer: number,
  len: number,
  op: ReduceOp,
): TensorInfo {
  const groups = Math.ceil(len / FAN_IN);
  const complex = x.dtype === "complex64";
  const at = "const k = c1 * this.constants.F + j; if (k < this.constants.len) {";
  let body: string;
  if (complex && op === "prod") {
    body = `let re = 1; let im = 0;\nfor (let j = 0; j < this.constants.F; j++) { ${at} const p = 2 * (c0 * this.constants.len + k); const a = in0[p]; const b = in0[p + 1]; const t = re * a - im * b; im = re * b + im * a; re = t; } }\nif (part === 0) { return re; } return im;`;
  } else if (complex) {
    body = `let acc = 0;\nfor (let j = 0; j < this.constants.F; j++) { ${at} acc += in0[2 * (c0 * this.constants.len + k) + part]; } }\nreturn acc;`;
  } else {
    const combine: Record<ReduceOp, string> = {
      sum: "acc += v;",
      prod: "acc *= v;",
      max: "acc = Math.max(acc, v);",
      min: "acc = Math.min(acc, v);",
    };
    body = `let acc = ${IDENTITY[op]};\nfor (let j = 0; j < this.constants.F; j++) { ${at} const v = in0[c0 * this.constants.len + k]; ${combine[op]} } }\nreturn acc;`;
  }
  return runMap(backend, {
    op: "Reduce",
    variant: `${op}:${len}`,
    outShape: [outer, groups],
    outDtype: x.dtype,
    operands: [{ info: x, strides: [0, 0] }],
    body,
    constants: { F: FAN_IN, len },
    rawOperands: true,
  });
}

const reduce: KernelFn<"Reduce", GpuBackend> = (inputs, { op, axes, keepDims }, backend) => {
  const x = inputs[0];
  const outShape = reducedShape(x.shape, axes, keepDims);
  const len = sizeOf(axes.map((a) => x.shape[a]));
  const outer = sizeOf(outShape);
  if (outer === 0) return backend.adopt(new Float32Array(0), outShape, x.dtype);
  if (len === 0) {
    // An empty reduction reads nothing: the identity, written from the host.
    const identity = { sum: 0, prod: 1, max: -Infinity, min: Infinity }[op];
    const c = x.dtype === "complex64" ? 2 : 1;
    const values = new Float32Array(outer * c);
    for (let i = 0; i < values.length; i += c) values[i] = identity;
    return backend.adopt(values, outShape, x.dtype);
  }
  const { t, owned } = axesLast(backend, x, axes);
  let cur: TensorInfo = { dataId: t.dataId, shape: [outer, len], dtype: x.dtype };
  let curOwned = owned;
  let n = len;
  do {
    const next = pass(backend, cur, outer, n, op);
    if (curOwned) backend.release(cur.dataId);
    cur = next;
    curOwned = true;
    n = Math.ceil(n / FAN_IN);
  } while (n > 1);
  return { dataId: cur.dataId, shape: outShape, dtype: x.dtype };
};

/** First index of the max / min along one axis (loop bound: a constant, any length). */
const argReduce: KernelFn<"ArgReduce", GpuBackend> = (inputs, { op, axis, keepDims }, backend) => {
  const x = inputs[0];
  const outShape = reducedShape(x.shape, [axis], keepDims);
  const len = x.shape[axis];
  const outer = sizeOf(outShape);
  const { t, owned } = axesLast(backend, x, [axis]);
  const better = op === "argmax" ? "v > m" : "v < m";
  const out = runMap(backend, {
    op: "ArgReduce",
    variant: `${op}:${len}`,
    outShape: [outer],
    outDtype: "int32",
    operands: [{ info: { dataId: t.dataId, shape: [outer, len], dtype: x.dtype }, strides: [0] }],
    body: `let best = 0; let m = in0[c0 * this.constants.len];\nfor (let k = 1; k < this.constants.len; k++) { const v = in0[c0 * this.constants.len + k]; if (${better}) { m = v; best = k; } }\nreturn best;`,
    constants: { len },
    rawOperands: true,
  });
  if (owned) backend.release(t.dataId);
  return { dataId: out.dataId, shape: outShape, dtype: "int32" };
};

export const reduceKernels = { Reduce: reduce, ArgReduce: argReduce };
