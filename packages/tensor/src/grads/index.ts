/**
 * One gradient (vector-Jacobian product) per kernel, written with ops so that it runs on every
 * backend. Complex gradients follow PyTorch: for real loss L and z = x + iy the gradient is
 * dL/dx + i dL/dy, so for holomorphic f the input gradient is dy * conj(f'(z)), and in general
 * dy * conj(df/dz) + conj(dy) * df/dconj(z). `null` marks kernels whose outputs carry no
 * gradient (comparisons, argmax). The mapped type makes the compiler demand an entry per kernel.
 */
import type { Backend, TensorInfo } from "../backend/backend.js";
import { batchMatMulBias, batchMatMulSum } from "../backend/cpu/matmul.js";
import { isComplex } from "../dtype.js";
import { type CustomGradFn, ENGINE } from "../engine.js";
import { NotImplementedError } from "../errors.js";
import type { KernelAttrs, KernelName, UnaryOp } from "../kernels.js";
import { complex, conj, imag, polar, real } from "../ops/complex.js";
import {
  abs,
  add,
  astype,
  cos,
  cosh,
  div,
  equal,
  greater,
  log,
  mul,
  neg,
  sin,
  sinh,
  square,
  sub,
  where,
} from "../ops/elementwise.js";
import { run } from "../ops/op.js";
import { sum } from "../ops/reduction.js";
import { broadcastTo, gather, reshape, slice, transpose } from "../ops/shape.js";
import { sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { conjIf, unbroadcast } from "./helpers.js";

export type GradFn<K extends KernelName> = (
  dy: Tensor,
  inputs: readonly Tensor[],
  output: Tensor,
  attrs: KernelAttrs[K],
  /**
   * Which inputs need a gradient (depend on a watched tensor); a gradient may skip the others
   * and return null for them (a constant operand: a DFT matrix, a mask, the data).
   */
  needs: readonly boolean[],
  /** The kernel's auxiliary result (TensorInfo.aux), where it returned one. */
  aux?: Tensor,
) => (Tensor | null)[];

/** Gradients of complex unary ops: dy * conj(f'(z)) for the holomorphic ones. */
const COMPLEX_UNARY_GRAD: Partial<Record<UnaryOp, (dy: Tensor, z: Tensor, y: Tensor) => Tensor>> = {
  neg: (dy) => neg(dy),
  conj: (dy) => conj(dy),
  square: (dy, z) => mul(dy, conj(mul(z, 2))),
  sqrt: (dy, _z, y) => div(dy, conj(mul(y, 2))),
  rsqrt: (dy, z, y) => mul(dy, conj(div(mul(y, -0.5), z))),
  reciprocal: (dy, _z, y) => mul(dy, conj(neg(square(y)))),
  exp: (dy, _z, y) => mul(dy, conj(y)),
  log: (dy, z) => div(dy, conj(z)),
  sin: (dy, z) => mul(dy, conj(cos(z))),
  cos: (dy, z) => mul(dy, conj(neg(sin(z)))),
  tan: (dy, _z, y) => mul(dy, conj(add(square(y), 1))),
  sinh: (dy, z) => mul(dy, conj(cosh(z))),
  cosh: (dy, z) => mul(dy, conj(sinh(z))),
  tanh: (dy, _z, y) => mul(dy, conj(sub(1, square(y)))),
  // Non-holomorphic: complex -> real.
  abs: (dy, z) => {
    const r = abs(z);
    return mul(astype(dy, z.dtype), where(equal(r, 0), 0, div(z, astype(r, z.dtype))));
  },
  real: (dy, z) => astype(dy, z.dtype),
  imag: (dy) => complex(mul(dy, 0), dy),
  angle: (dy, z) => {
    // dy * i z / |z|^2, zero at z = 0.
    const r2 = square(abs(z));
    const iz = complex(neg(imag(z)), real(z));
    return mul(astype(dy, z.dtype), where(equal(r2, 0), 0, div(iz, astype(r2, z.dtype))));
  },
  sign: (dy, z) => {
    // (dy - conj(dy) s^2) / (2 |z|), s = z / |z|; zero at z = 0.
    const r = abs(z);
    const s = div(z, astype(r, z.dtype));
    const g = div(sub(dy, mul(conj(dy), square(s))), astype(mul(r, 2), z.dtype));
    return where(equal(r, 0), 0, g);
  },
};

function unaryGrad(
  dy: Tensor,
  [x]: readonly Tensor[],
  y: Tensor,
  { op }: KernelAttrs["Unary"],
  _needs: readonly boolean[],
  aux?: Tensor,
): (Tensor | null)[] {
  // The forward kept f'(x) (GELU on float32): dy f'(x), the same bits as UnaryDerivative. Only
  // where no tape records x (a gradient of this gradient): the kept f'(x) is a constant, so
  // the dependence through x must go through UnaryDerivative (whose gradient refuses, loudly).
  if (aux && !ENGINE.recordsGradientOf([x]))
    return [run("Binary", [dy, aux], { op: "mul" }, `grad(${op})`)];
  if (isComplex(x.dtype)) {
    const f = COMPLEX_UNARY_GRAD[op];
    if (!f) throw new NotImplementedError("grad", `no complex gradient for '${op}'`);
    return [f(dy, x, y)];
  }
  if (x.dtype === "int32" || x.dtype === "bool") return [null];
  return [run("UnaryDerivative", [x, dy], { op }, `grad(${op})`)];
}

function binaryGrad(
  dy: Tensor,
  [a, b]: readonly Tensor[],
  y: Tensor,
  { op }: KernelAttrs["Binary"],
  needs: readonly boolean[],
): (Tensor | null)[] {
  // The four arithmetic ops skip the side that needs no gradient (a constant operand).
  const [na, nb] = [needs[0] !== false, needs[1] !== false];
  const side = (need: boolean, g: () => Tensor, shape: readonly number[]) =>
    need ? unbroadcast(g(), shape) : null;
  switch (op) {
    case "add":
      return [side(na, () => dy, a.shape), side(nb, () => dy, b.shape)];
    case "sub":
      return [side(na, () => dy, a.shape), side(nb, () => neg(dy), b.shape)];
    case "mul":
      return [
        side(na, () => mul(dy, conjIf(b)), a.shape),
        side(nb, () => mul(dy, conjIf(a)), b.shape),
      ];
    case "div":
      return [
        side(na, () => div(dy, conjIf(b)), a.shape),
        side(nb, () => neg(mul(dy, conjIf(div(y, b)))), b.shape),
      ];
  }
  let ga: Tensor;
  let gb: Tensor;
  switch (op) {
    case "pow": {
      // d/da a^b = b a^(b-1); d/db a^b = a^b log(a) (0 where a = 0, as PyTorch).
      ga = mul(dy, conjIf(mul(b, run("Binary", [a, sub(b, 1)], { op: "pow" }, "grad(pow)"))));
      const lg = mul(y, log(where(equal(a, 0), 1, a)));
      gb = mul(dy, conjIf(where(equal(a, 0), 0, lg)));
      break;
    }
    case "maximum":
    case "minimum": {
      // Ties split the gradient evenly (PyTorch's convention).
      const wins = op === "maximum" ? greater(a, b) : greater(b, a);
      const half = mul(astype(equal(a, b), dy.dtype), 0.5);
      const wa = add(astype(wins, dy.dtype), half);
      ga = mul(dy, wa);
      gb = mul(dy, sub(1, wa));
      break;
    }
    case "atan2": {
      const r2 = add(square(a), square(b));
      ga = mul(dy, div(b, r2));
      gb = neg(mul(dy, div(a, r2)));
      break;
    }
  }
  return [unbroadcast(ga, a.shape), unbroadcast(gb, b.shape)];
}

function reduceGrad(
  dy: Tensor,
  [x]: readonly Tensor[],
  y: Tensor,
  { op, axes, keepDims }: KernelAttrs["Reduce"],
): (Tensor | null)[] {
  if (x.dtype === "int32") return [null];
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const g = broadcastTo(keepDims ? dy : reshape(dy, kept), x.shape);
  const yb = broadcastTo(keepDims ? y : reshape(y, kept), x.shape);
  switch (op) {
    case "sum":
      return [g];
    case "prod": {
      // d/dx_i prod = prod_{j != i} x_j, computed without dividing by zero:
      // no zero: y / x_i; one zero: at the zero the product of the others, elsewhere 0; more: 0.
      const isZero = equal(x, 0);
      const zeros = broadcastTo(reshape(sum(astype(isZero, "int32"), axes, true), kept), x.shape);
      const nonzeroProd = broadcastTo(
        reshape(
          run("Reduce", [where(isZero, 1, x)], { op: "prod", axes, keepDims: true }, "grad(prod)"),
          kept,
        ),
        x.shape,
      );
      const others = where(
        equal(zeros, 0),
        div(yb, where(isZero, 1, x)),
        where(isZero, where(equal(zeros, 1), nonzeroProd, 0), 0),
      );
      return [mul(g, conjIf(others))];
    }
    case "max":
    case "min": {
      const mask = astype(equal(x, yb), x.dtype);
      const count = broadcastTo(sum(mask, axes, true), x.shape);
      return [mul(g, div(mask, count))];
    }
  }
}

function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/** A matrix product inside a gradient (op(p) @ op(q), batched). */
function mm(p: Tensor, q: Tensor, tp: boolean, tq: boolean): Tensor {
  return run("BatchMatMul", [p, q], { transposeA: tp, transposeB: tq }, "grad(matmul)");
}

/** t with its last two axes swapped. */
function swapLast(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  [perm[t.rank - 1], perm[t.rank - 2]] = [perm[t.rank - 2], perm[t.rank - 1]];
  return transpose(t, perm);
}

function matmulGrad(
  dy: Tensor,
  [a, b]: readonly Tensor[],
  _y: Tensor,
  { transposeA, transposeB }: KernelAttrs["BatchMatMul"],
  needs: readonly boolean[],
): (Tensor | null)[] {
  // With A, B the effective operands: dA = dy B^H, dB = A^H dy; then undo the stored transposes.
  // A constant operand (a DFT matrix, the data) needs no gradient: skip its product.
  const [needA, needB] = [needs[0] !== false, needs[1] !== false];
  const batchOf = (t: Tensor) => t.shape.slice(0, -2);
  const gradA = (): Tensor | null => {
    if (!needA) return null;
    // A weight multiplying every batch matrix (W @ x[b], a channel MLP on [b, C, L]): its
    // gradient sums dy_b op(B_b)^H over the batch, one product with the batch folded into the
    // contraction where the backend has it, instead of a product per batch matrix and a sum.
    if (
      batchOf(a).every((d) => d === 1) &&
      b.rank > 2 &&
      dy.rank === b.rank &&
      batchOf(b).every((d, i) => d === dy.shape[i]) &&
      !isComplex(b.dtype) &&
      hasBatchSumKernel(dy)
    ) {
      const dA = runBatchSum(dy, b, false, !transposeB);
      return reshape(transposeA ? transpose(dA, [1, 0]) : dA, a.shape);
    }
    const dA = mm(dy, conjIf(b), false, !transposeB);
    return unbroadcast(transposeA ? swapLast(dA) : dA, a.shape);
  };
  if (!needB) return [gradA(), null];
  // A weight shared by every batch matrix (B [K, N] against A [..., M, K], a Linear layer on
  // [b, h, w, C] tokens): its gradient sums A_i^H dy_i over the batch, which is one product with
  // the batch folded into the contraction, A [S M, K]^H dy [S M, N], instead of S products and
  // a reduction over S.
  const folds =
    !transposeA &&
    a.rank > 2 &&
    batchOf(b).every((d) => d === 1) &&
    batchOf(a).length === dy.rank - 2 &&
    batchOf(a).every((d, i) => d === dy.shape[i]);
  let dB: Tensor;
  if (folds) {
    const k = a.shape[a.rank - 1];
    const n = dy.shape[dy.rank - 1];
    // explicit row count (reshape's -1 cannot be inferred when k or n is 0)
    const rows = sizeOf(a.shape.slice(0, -1));
    dB = mm(reshape(conjIf(a), [rows, k]), reshape(dy, [rows, n]), true, false);
    if (transposeB) dB = transpose(dB, [1, 0]);
    return [gradA(), reshape(dB, b.shape)];
  }
  dB = mm(conjIf(a), dy, !transposeA, false);
  if (transposeB) dB = swapLast(dB);
  return [gradA(), unbroadcast(dB, b.shape)];
}

/**
 * A kernel of the CPU backend only, with its gradient, registered with the engine on first use
 * (the returned function); that function says whether a backend (by name) has it.
 */
function cpuOnlyKernel(
  name: string,
  kernel: (inputs: readonly TensorInfo[], attrs: never, be: never) => TensorInfo,
  gradient: CustomGradFn,
): (backend: string) => boolean {
  let registered = false;
  return (backend) => {
    if (!registered) {
      registered = true;
      ENGINE.registerKernel(
        name,
        "cpu",
        kernel as (i: readonly TensorInfo[], a: unknown, b: Backend) => TensorInfo,
        Object.keys(GRADIENTS),
      );
      ENGINE.registerGradient(name, gradient);
    }
    return ENGINE.hasCustomKernel(name, backend);
  };
}

/**
 * "BatchMatMulBatchSum": C = sum_b op(P_b) op(Q_b) over the (equal) batch axes of P and Q, real
 * dtypes, for the gradient of a weight shared by a batch. A kernel of the CPU backend only;
 * elsewhere matmulGrad keeps its product per batch matrix.
 * Its gradient: dP_b = dC op(Q_b)^H, dQ_b = op(P_b)^H dC (dC broadcast over b).
 */
const BATCH_SUM = "BatchMatMulBatchSum";
const hasBatchSum = cpuOnlyKernel(BATCH_SUM, batchMatMulSum, (dC, [p, q], _c, attrs, needs) => {
  const { transposeA: tP, transposeB: tQ } = attrs as KernelAttrs["BatchMatMul"];
  const dP = needs[0] ? mm(dC, q, false, !tQ) : null;
  const dQ = needs[1] ? mm(p, dC, !tP, false) : null;
  return [dP && tP ? swapLast(dP) : dP, dQ && tQ ? swapLast(dQ) : dQ];
});

function hasBatchSumKernel(t: Tensor): boolean {
  return hasBatchSum(t.backend.name);
}

function runBatchSum(p: Tensor, q: Tensor, tP: boolean, tQ: boolean): Tensor {
  return ENGINE.runAnyKernel(BATCH_SUM, [p, q], { transposeA: tP, transposeB: tQ }, "grad(matmul)");
}

/**
 * "BatchMatMulBias": op(A) @ op(B) + bias[i] on every row i of each product (bias [M], real
 * dtypes), one CPU kernel (the bias added in the product's last pass over C); null where the
 * backend has no such kernel (matmul then adds the bias as an op). Its gradient is matmul's for
 * A and B, and for the bias the sum of dy over every axis but the rows, as the separate add's
 * (unbroadcast to [M, 1]): the same ops, the same bits.
 */
const MATMUL_BIAS = "BatchMatMulBias";
const hasMatmulBias = cpuOnlyKernel(
  MATMUL_BIAS,
  batchMatMulBias,
  (dy, [p, q, c], y, attrs, needs) => {
    const [dP, dQ] = matmulGrad(
      dy,
      [p, q],
      y,
      attrs as KernelAttrs["BatchMatMul"],
      needs.slice(0, 2),
    );
    const rows = dy.shape[dy.rank - 2];
    const dC = needs[2] !== false ? reshape(unbroadcast(dy, [rows, 1]), c.shape) : null;
    return [dP, dQ, dC];
  },
);

export function fusedMatmulBias(
  a: Tensor,
  b: Tensor,
  bias: Tensor,
  transposeA: boolean,
  transposeB: boolean,
): Tensor | null {
  if (!hasMatmulBias(a.backend.name)) return null;
  return ENGINE.runAnyKernel(MATMUL_BIAS, [a, b, bias], { transposeA, transposeB }, "matmul");
}

const secondOrder = (name: string) => (): never => {
  throw new NotImplementedError(
    "grad",
    `second-order gradients through '${name}' are not supported`,
  );
};

export const GRADIENTS: { [K in KernelName]: GradFn<K> | null } = {
  Cast: (dy, [x]) => (x.dtype === "int32" || x.dtype === "bool" ? [null] : [astype(dy, x.dtype)]),
  Unary: unaryGrad,
  UnaryDerivative: secondOrder("an activation derivative"),
  Softshrink: (dy, [x], _y, { lambda }) => [where(greater(abs(x), lambda), dy, 0)],
  Binary: binaryGrad,
  Compare: null,
  Where: (dy, [cond, a, b]) => [
    null,
    unbroadcast(where(cond, dy, 0), a.shape),
    unbroadcast(where(cond, 0, dy), b.shape),
  ],
  Complex: (dy, [re, im]) => [unbroadcast(real(dy), re.shape), unbroadcast(imag(dy), im.shape)],
  Polar: (dy, [r, t], y) => {
    // dr = Re(dy conj(e^{it})), dt = Re(dy conj(i z)).
    const unit = polar(astype(1, r.dtype), t);
    const iz = complex(neg(imag(y)), real(y));
    return [
      unbroadcast(real(mul(dy, conj(unit))), r.shape),
      unbroadcast(real(mul(dy, conj(iz))), t.shape),
    ];
  },
  Reduce: reduceGrad,
  ArgReduce: null,
  Reshape: (dy, [x]) => [reshape(dy, x.shape)],
  Transpose: (dy, _x, _y, { perm }) => [transpose(dy, inversePerm(perm))],
  BroadcastTo: (dy, [x]) => [unbroadcast(dy, x.shape)],
  StridedSlice: (dy, [x], _y, { begin, size, step }) => [
    run("StridedSliceGrad", [dy], { inputShape: x.shape, begin, size, step }, "grad(slice)"),
  ],
  StridedSliceGrad: (dy, _x, _y, { begin, size, step }) => [
    run("StridedSlice", [dy], { begin, size, step }, "grad(sliceGrad)"),
  ],
  Concat: (dy, inputs, _y, { axis }) => {
    let start = 0;
    return inputs.map((t) => {
      const spec = t.shape.map((_, i) =>
        i === axis ? { start, stop: start + t.shape[axis] } : null,
      );
      start += t.shape[axis];
      return slice(dy, spec);
    });
  },
  PadConstant: (dy, [x], _y, { paddings }) => [
    slice(
      dy,
      x.shape.map((n, i) => ({ start: paddings[i][0], stop: paddings[i][0] + n })),
    ),
  ],
  Gather: (dy, [x, idx], _y, { axis }) => [
    run("ScatterAdd", [dy, idx], { axis, size: x.shape[axis] }, "grad(gather)"),
    null,
  ],
  ScatterAdd: (dy, [, idx], _y, { axis }) => [gather(dy, idx, axis), null],
  BatchMatMul: matmulGrad,
  Conv: (dy, [x, w], _y, attrs, needs) => [
    // The first layer's input is the data: no gradient, and no transposed convolution for it.
    needs[0] === false
      ? null
      : run("ConvBackpropInput", [dy, w], { ...attrs, inputShape: x.shape }, "grad(conv)"),
    needs[1] === false
      ? null
      : run("ConvBackpropFilter", [x, dy], { ...attrs, filterShape: w.shape }, "grad(conv)"),
  ],
  ConvBackpropInput: secondOrder("conv backprop"),
  ConvBackpropFilter: secondOrder("conv backprop"),
};
