/**
 * One gradient (vector-Jacobian product) per kernel, written with ops so that it runs on every
 * backend. Complex gradients follow PyTorch: for real loss L and z = x + iy the gradient is
 * dL/dx + i dL/dy, so for holomorphic f the input gradient is dy * conj(f'(z)), and in general
 * dy * conj(df/dz) + conj(dy) * df/dconj(z). `null` marks kernels whose outputs carry no
 * gradient (comparisons, argmax). The mapped type makes the compiler demand an entry per kernel.
 */
import { isComplex } from "../dtype.js";
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
import type { Tensor } from "../tensor.js";
import { conjIf, unbroadcast } from "./helpers.js";

export type GradFn<K extends KernelName> = (
  dy: Tensor,
  inputs: readonly Tensor[],
  output: Tensor,
  attrs: KernelAttrs[K],
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
): (Tensor | null)[] {
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
): (Tensor | null)[] {
  let ga: Tensor;
  let gb: Tensor;
  switch (op) {
    case "add":
      ga = dy;
      gb = dy;
      break;
    case "sub":
      ga = dy;
      gb = neg(dy);
      break;
    case "mul":
      ga = mul(dy, conjIf(b));
      gb = mul(dy, conjIf(a));
      break;
    case "div":
      ga = div(dy, conjIf(b));
      gb = neg(mul(dy, conjIf(div(y, b))));
      break;
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

function matmulGrad(
  dy: Tensor,
  [a, b]: readonly Tensor[],
  _y: Tensor,
  { transposeA, transposeB }: KernelAttrs["BatchMatMul"],
): (Tensor | null)[] {
  // With A, B the effective operands: dA = dy B^H, dB = A^H dy; then undo the stored transposes.
  const mm = (p: Tensor, q: Tensor, tp: boolean, tq: boolean) =>
    run("BatchMatMul", [p, q], { transposeA: tp, transposeB: tq }, "grad(matmul)");
  const swapLast = (t: Tensor) => {
    const perm = t.shape.map((_, i) => i);
    [perm[t.rank - 1], perm[t.rank - 2]] = [perm[t.rank - 2], perm[t.rank - 1]];
    return transpose(t, perm);
  };
  let dA = mm(dy, conjIf(b), false, !transposeB);
  let dB = mm(conjIf(a), dy, !transposeA, false);
  if (transposeA) dA = swapLast(dA);
  if (transposeB) dB = swapLast(dB);
  return [unbroadcast(dA, a.shape), unbroadcast(dB, b.shape)];
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
  Conv: (dy, [x, w], _y, attrs) => [
    run("ConvBackpropInput", [dy, w], { ...attrs, inputShape: x.shape }, "grad(conv)"),
    run("ConvBackpropFilter", [x, dy], { ...attrs, filterShape: w.shape }, "grad(conv)"),
  ],
  ConvBackpropInput: secondOrder("conv backprop"),
  ConvBackpropFilter: secondOrder("conv backprop"),
};
