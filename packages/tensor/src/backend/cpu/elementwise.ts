import { componentsOf, type DataArray, type DType, isComplex, realPart } from "../../dtype.js";
import type { BinaryOp, CompareOp, KernelAttrs } from "../../kernels.js";
import { broadcastShapes } from "../../shape.js";
import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { broadcastOffsets } from "./indexing.js";
import {
  COMPLEX_TO_REAL,
  COMPLEX_UNARY,
  complexDivide,
  REAL_DERIVATIVE,
  REAL_UNARY,
} from "./scalar.js";

type Floats = Float32Array | Float64Array;

export function cast(
  inputs: readonly TensorInfo[],
  { dtype }: KernelAttrs["Cast"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const src = be.values(x);
  const { info, values: out } = be.alloc(x.shape, dtype);
  const n = src.length / componentsOf(x.dtype);
  const cin = isComplex(x.dtype);
  const cout = isComplex(dtype);
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
  { op }: KernelAttrs["Unary"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const src = be.values(x) as Floats;
  if (isComplex(x.dtype)) {
    const toReal = COMPLEX_TO_REAL[op];
    if (toReal) {
      const { info, values: out } = be.alloc(x.shape, realPart(x.dtype));
      for (let i = 0, n = out.length; i < n; i++) out[i] = toReal(src[2 * i], src[2 * i + 1]);
      return info;
    }
    const f = COMPLEX_UNARY[op]!;
    const { info, values } = be.alloc(x.shape, x.dtype);
    const out = values as Floats;
    for (let i = 0, n = src.length; i < n; i += 2) f(src[i], src[i + 1], out, i);
    return info;
  }
  const f = REAL_UNARY[op];
  const { info, values: out } = be.alloc(x.shape, x.dtype);
  for (let i = 0, n = src.length; i < n; i++) out[i] = f(src[i]);
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
  const df = REAL_DERIVATIVE[op];
  const { info, values: out } = be.alloc(x.shape, x.dtype);
  for (let i = 0, n = xs.length; i < n; i++) out[i] = gs[i] * df(xs[i]);
  return info;
}

export function softshrink(
  inputs: readonly TensorInfo[],
  { lambda }: KernelAttrs["Softshrink"],
  be: CpuBackend,
): TensorInfo {
  const x = inputs[0];
  const xs = be.values(x);
  const { info, values: out } = be.alloc(x.shape, x.dtype);
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
  const { info, values } = be.alloc(shape, a.dtype);
  if (!isComplex(a.dtype)) {
    const f = REAL_BINARY[op];
    const out = values;
    const n = out.length;
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
    const oa = broadcastOffsets(a.shape, shape);
    const ob = broadcastOffsets(b.shape, shape);
    // Specialize the common cases so the hot loop has no offset tables.
    if (!oa && !ob) {
      if (op === "add") for (let i = 0; i < n; i++) out[i] = av[i] + bv[i];
      else if (op === "mul") for (let i = 0; i < n; i++) out[i] = av[i] * bv[i];
      else if (op === "sub") for (let i = 0; i < n; i++) out[i] = av[i] - bv[i];
      else for (let i = 0; i < n; i++) out[i] = f(av[i], bv[i]);
    } else if (!oa) {
      for (let i = 0; i < n; i++) out[i] = f(av[i], bv[ob![i]]);
    } else if (!ob) {
      for (let i = 0; i < n; i++) out[i] = f(av[oa[i]], bv[i]);
    } else {
      for (let i = 0; i < n; i++) out[i] = f(av[oa[i]], bv[ob[i]]);
    }
    return info;
  }
  const out = values as Floats;
  const A = av as Floats;
  const B = bv as Floats;
  const k = complexBinary(op);
  forEachBroadcast(a, b, (ia, ib, o) =>
    k(A[2 * ia], A[2 * ia + 1], B[2 * ib], B[2 * ib + 1], out, 2 * o),
  );
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
  const { info, values: out } = be.alloc(shape, "bool");
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
  const { info, values: out } = be.alloc(shape, a.dtype);
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
  const { info, values } = be.alloc(shape, a.dtype === "float64" ? "complex128" : "complex64");
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
