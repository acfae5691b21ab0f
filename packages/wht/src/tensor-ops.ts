/**
 * `@modewise/wht/tensor`: the Walsh-Hadamard transform as a differentiable tensor op.
 * Importing this module registers the kernel "FWHT" into @modewise/tensor's engine (the
 * module's documented side effect; package.json lists it in `sideEffects`):
 *
 *   "FWHT"  real -> real   y = scale * W x   along one axis (length N = 2^n)
 *
 * with W the Hadamard (natural), Walsh (sequency) or Paley (dyadic) matrix. Every W is
 * symmetric, so the vector-Jacobian product is grad x = scale * W^T g = scale * W g: the SAME
 * kernel with the same attributes. The gradient is written as a kernel call, not backend code,
 * so it runs on every backend that implements "FWHT" (only the CPU backend today; GPU backends
 * are a later issue), and gradients of gradients work too.
 *
 * On a backend without the "FWHT" kernel (or with `path: "composite"`) the op runs
 * tensor-composite.ts instead: butterfly stages of core ops, differentiable by autograd.
 */
import {
  DisposedError,
  DTypeError,
  hasKernel,
  readSync,
  registerGradient,
  registerKernel,
  runKernel,
  Tensor,
  ValueError,
  writeOutput,
} from "@modewise/tensor";
import type { RealArray } from "./dense/butterfly.js";
import { normScale } from "./dense/fwht.js";
import { transformLines } from "./dense/lines.js";
import {
  checkOptionsObject,
  exactLog2,
  MAX_LOG2N,
  resolveOrderAndNorm,
  show,
  type WHTNorm,
  type WHTOrder,
} from "./dense/validate.js";
import { fwhtComposite } from "./tensor-composite.js";

export interface FWHTAttrs {
  /** Non-negative axis of the transform. */
  axis: number;
  order: WHTOrder;
  /** Total scale applied to W x. */
  scale: number;
}

registerKernel<FWHTAttrs>("FWHT", "cpu", ([x], attrs, backend) => {
  // readSync hands us a copy, so transforming it in place is safe.
  const data = readSync(x, backend) as RealArray;
  const shape = x.shape;
  const n = shape[attrs.axis];
  const outer = shape.slice(0, attrs.axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(attrs.axis + 1).reduce((a, b) => a * b, 1);
  transformLines(data, outer, exactLog2(n), inner, attrs.order, attrs.scale);
  return writeOutput(data, shape.slice(), x.dtype, backend);
});

registerGradient<FWHTAttrs>("FWHT", (dy, _inputs, _y, attrs) => [
  runKernel<FWHTAttrs>("FWHT", [dy], attrs, "fwht (gradient)"),
]);

export interface TensorFWHTOptions {
  /** Axis to transform (default -1, the last). Its length must be a power of two. */
  axis?: number;
  /** "natural" (default), "sequency" or "dyadic". */
  order?: WHTOrder;
  /** "backward" (default), "ortho" or "forward", as in {@link fwht} of the main entry. */
  norm?: WHTNorm;
  /**
   * "native": the registered "FWHT" kernel (an error on a backend without one); "composite":
   * butterfly stages of core ops (tensor-composite.ts), which run on every backend. Default:
   * native where the input's backend has the kernel, else composite.
   */
  path?: "native" | "composite";
}

const PATHS: readonly string[] = ["native", "composite"];

function run(
  fn: string,
  x: unknown,
  opts: TensorFWHTOptions | undefined,
  inverse: boolean,
): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(fn, "x", "a Tensor", show(x));
  if (x.isDisposed) throw new DisposedError(fn, "x");
  if (x.dtype !== "float32" && x.dtype !== "float64")
    throw new DTypeError(fn, "x", "a real float32 or float64 tensor", x.dtype);
  checkOptionsObject(fn, "opts", opts);
  const rank = x.shape.length;
  if (rank === 0) throw new ValueError(fn, "x", "a tensor of rank >= 1", "a scalar");
  const axisIn = opts?.axis ?? -1;
  if (!Number.isInteger(axisIn) || axisIn < -rank || axisIn >= rank)
    throw new ValueError(fn, "opts.axis", `an integer in [${-rank}, ${rank - 1}]`, show(axisIn));
  const axis = axisIn < 0 ? axisIn + rank : axisIn;
  const { order, norm } = resolveOrderAndNorm(fn, "opts", opts);
  const n = x.shape[axis];
  const log2n = exactLog2(n);
  if (log2n < 0 || log2n > MAX_LOG2N)
    throw new ValueError(fn, "x", `a power-of-two length along axis ${axis}`, `length ${n}`);
  const path = opts?.path;
  if (path !== undefined && !PATHS.includes(path))
    throw new ValueError(fn, "opts.path", `one of ${PATHS.join(", ")} or undefined`, show(path));
  const scale = normScale(norm, n, inverse);
  if (path === "composite" || (path === undefined && !hasKernel("FWHT", x.backend.name)))
    return fwhtComposite(x, axis, log2n, order, scale);
  return runKernel<FWHTAttrs>("FWHT", [x], { axis, order, scale }, fn);
}

/** Differentiable fast Walsh-Hadamard transform of a real tensor along one axis. */
export function fwht(x: Tensor, opts?: TensorFWHTOptions): Tensor {
  return run("fwht", x, opts, false);
}

/** Inverse of {@link fwht} with the same options (differentiable). */
export function ifwht(x: Tensor, opts?: TensorFWHTOptions): Tensor {
  return run("ifwht", x, opts, true);
}
