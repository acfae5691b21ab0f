/**
 * Reverse-mode differentiation. A gradient call records the kernels applied to the watched
 * tensors on a tape, then walks it backwards applying each kernel's registered gradient.
 * Everything created on the way is released; only the value and the gradients survive.
 */
import { isComplex, isFloat } from "../dtype.js";
import { ENGINE, type Tape } from "../engine.js";
import { DTypeError, NotImplementedError, ShapeError, show, ValueError } from "../errors.js";
import { GRADIENTS, type GradFn } from "../grads/index.js";
import type { KernelName } from "../kernels.js";
import { ones, zerosLike } from "../ops/creation.js";
import { add } from "../ops/elementwise.js";
import { shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";

export interface ValueAndGrads {
  value: Tensor;
  grads: Tensor[];
}

function checkWatched(xs: readonly Tensor[], fn: string): void {
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ValueError(fn, `x[${i}]`, "a Tensor", show(x));
    x.assertLive(fn, `x[${i}]`);
    if (!isFloat(x.dtype))
      throw new DTypeError(fn, `x[${i}]`, "a floating or complex tensor", x.dtype);
  });
}

/** Walk the tape backwards from y (seeded with dy) and return gradients for `xs`. */
function backprop(tape: Tape, y: Tensor, dy: Tensor, xs: readonly Tensor[]): Tensor[] {
  const grads = new Map<number, Tensor>();
  grads.set(y.id, dy);
  for (let n = tape.nodes.length - 1; n >= 0; n--) {
    const node = tape.nodes[n];
    const g = grads.get(node.output.id);
    if (!g) continue;
    const gradFn =
      node.kernel in GRADIENTS
        ? (GRADIENTS[node.kernel as KernelName] as GradFn<KernelName> | null)
        : (ENGINE.customGradient(node.kernel) as GradFn<KernelName> | undefined);
    if (gradFn === null) continue;
    if (gradFn === undefined) {
      throw new NotImplementedError(
        "grad",
        `no gradient is registered for kernel '${node.kernel}' (registerGradient)`,
      );
    }
    // Fresh handles on the retained storage (the user may have disposed the originals).
    const inputs = node.inputs.map((i) => ENGINE.alias(i.id, i.info, i.backend));
    const output = ENGINE.alias(node.output.id, node.output.info, node.output.backend);
    const needs = node.inputs.map((inp) => tape.tracked.has(inp.id));
    const aux = node.aux ? ENGINE.wrap(node.aux.info, node.aux.backend) : undefined;
    const dxs = gradFn(g, inputs, output, node.attrs as never, needs, aux);
    node.inputs.forEach((inp, i) => {
      const dx = dxs[i];
      if (!dx || !tape.tracked.has(inp.id)) return;
      if (!shapesEqual(dx.shape, inp.info.shape) || dx.dtype !== inp.info.dtype) {
        throw new ShapeError(
          "grad",
          `gradient of ${node.kernel}`,
          `shape [${inp.info.shape}] ${inp.info.dtype}`,
          `shape [${dx.shape}] ${dx.dtype} (internal error, please report)`,
        );
      }
      const prev = grads.get(inp.id);
      grads.set(inp.id, prev ? add(prev, dx) : dx);
    });
  }
  return xs.map((x) => grads.get(x.id) ?? zerosLike(x));
}

/**
 * Value of f() and gradients of it with respect to `wrt`, tensors that f uses (for example a
 * module's parameters). f must return a real scalar unless `dy` (same shape and dtype as the
 * output) is given. Complex inputs get PyTorch's convention: dL/dRe + i dL/dIm.
 */
export function gradientsOf(f: () => Tensor, wrt: readonly Tensor[], dy?: Tensor): ValueAndGrads {
  checkWatched(wrt, "gradientsOf");
  const tape = ENGINE.pushTape(wrt);
  try {
    const result = ENGINE.tidy(() => {
      const y = f();
      if (!(y instanceof Tensor))
        throw new ValueError("gradientsOf", "f", "a function returning a Tensor", show(y));
      ENGINE.popTape(tape);
      let seed = dy;
      if (seed === undefined) {
        if (y.size !== 1 || isComplex(y.dtype) || !isFloat(y.dtype)) {
          throw new ValueError(
            "gradientsOf",
            "f",
            "a real scalar result (or pass dy)",
            `shape [${y.shape}] ${y.dtype}`,
          );
        }
        seed = ones(y.shape, { dtype: y.dtype, device: y.device });
      } else if (!shapesEqual(seed.shape, y.shape) || seed.dtype !== y.dtype) {
        throw new ShapeError(
          "gradientsOf",
          "dy",
          `shape [${y.shape}] ${y.dtype}`,
          `shape [${seed.shape}] ${seed.dtype}`,
        );
      }
      // The caller owns what comes back: a tensor that f did not create (an input, a constant,
      // dy itself) is returned as a fresh handle on the same storage, so that disposing the
      // result (grads() disposes the value) never disposes the caller's tensor.
      const g = backprop(tape, y, seed, wrt).map((t) =>
        t === dy ? ENGINE.alias(t.id, t, t.backend) : t,
      );
      return { value: ENGINE.alias(y.id, y, y.backend), grads: g };
    });
    return result;
  } finally {
    ENGINE.popTape(tape);
    ENGINE.freeTape(tape);
  }
}

/** (xs) => { value, grads } for f(...xs). */
export function valueAndGrads(
  f: (...xs: Tensor[]) => Tensor,
): (xs: readonly Tensor[], dy?: Tensor) => ValueAndGrads {
  return (xs, dy) => gradientsOf(() => f(...xs), xs, dy);
}

/** (x) => { value, grad } for f(x). */
export function valueAndGrad(
  f: (x: Tensor) => Tensor,
): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const { value, grads } = gradientsOf(() => f(x), [x], dy);
    return { value, grad: grads[0] };
  };
}

/** (xs) => gradients of f(...xs); the value is released. */
export function grads(
  f: (...xs: Tensor[]) => Tensor,
): (xs: readonly Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => {
    const { value, grads: g } = gradientsOf(() => f(...xs), xs, dy);
    value.dispose();
    return g;
  };
}

/** (x) => gradient of f at x. */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => grads((t) => f(t))([x], dy)[0];
}

/** Run fn without recording gradients. */
export function noGrad<T>(fn: () => T): T {
  return ENGINE.noGrad(fn);
}
