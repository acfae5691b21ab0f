/**
 * Extending the core from other packages: register a kernel (per backend) and its gradient
 * under a new name, then call it with runKernel. @modewise/fft registers its FFTs this way, so
 * they take part in autograd, tidy scopes and device checks like any core op.
 */
import type { Backend, TensorInfo } from "./backend/backend.js";
import { CpuBackend } from "./backend/cpu/cpu-backend.js";
import { allocate, type DataArray, type DType, isDType } from "./dtype.js";
import { ENGINE } from "./engine.js";
import { DTypeError, show, ValueError } from "./errors.js";
import { GRADIENTS } from "./grads/index.js";
import { type Shape, sizeOf, validateShape } from "./shape.js";
import type { Tensor } from "./tensor.js";

export type CustomKernel<A> = (
  inputs: readonly TensorInfo[],
  attrs: A,
  backend: Backend,
) => TensorInfo;
export type CustomGradient<A> = (
  dy: Tensor,
  inputs: readonly Tensor[],
  output: Tensor,
  attrs: A,
  /** Which inputs need a gradient; the others may get null (their gradient is discarded). */
  needs: readonly boolean[],
  /**
   * The kernel's auxiliary result (`aux` of the TensorInfo it returned), where it returned one:
   * what the forward pass computed for the gradient. It is a constant to any enclosing tape.
   */
  aux?: Tensor,
) => (Tensor | null)[];

const CORE_NAMES = Object.keys(GRADIENTS);

/** Register `kernel` as the implementation of `name` on backend `backend` ("cpu", ...). */
export function registerKernel<A>(name: string, backend: string, kernel: CustomKernel<A>): void {
  if (typeof name !== "string" || name.length === 0)
    throw new ValueError("registerKernel", "name", "a non-empty string", show(name));
  ENGINE.registerKernel(
    name,
    backend,
    kernel as (i: readonly TensorInfo[], a: unknown, b: Backend) => TensorInfo,
    CORE_NAMES,
  );
}

/** Register the vector-Jacobian product of kernel `name` (return null for inputs without gradient). */
export function registerGradient<A>(name: string, grad: CustomGradient<A>): void {
  if (CORE_NAMES.includes(name))
    throw new ValueError(
      "registerGradient",
      "name",
      "a name that is not a core kernel",
      show(name),
    );
  ENGINE.registerGradient(
    name,
    grad as (
      dy: Tensor,
      i: readonly Tensor[],
      o: Tensor,
      a: unknown,
      needs: readonly boolean[],
      aux?: Tensor,
    ) => (Tensor | null)[],
  );
}

/** Run a registered kernel on tensors (recorded for autograd like any op). */
export function runKernel<A>(
  name: string,
  inputs: readonly Tensor[],
  attrs: A,
  fn: string = name,
): Tensor {
  if (!ENGINE.hasCustomKernel(name))
    throw new ValueError(fn, "name", "a kernel registered with registerKernel", show(name));
  return ENGINE.runAnyKernel(name, inputs, attrs, fn);
}

/** For kernels: a copy of an input's values (interleaved for complex), where the backend reads synchronously. */
export function readSync(info: TensorInfo, backend: Backend): DataArray {
  if (!backend.readSync)
    throw new ValueError(
      "readSync",
      "backend",
      "a backend with synchronous readback",
      backend.name,
    );
  return backend.readSync(info.dataId);
}

/**
 * For kernels: an input's values (interleaved for complex) WITHOUT a copy where the backend
 * stores them in host memory (the cpu backend), else a copy as readSync. The array is the
 * tensor's own storage: the kernel must only read it (writing would change the input tensor and
 * every tensor sharing its storage), must not return it or keep it past the call (it may be
 * recycled once the tensor is released). Saves readSync's copy of every input, a measurable
 * share of kernels that make one pass over their inputs. Users reading tensors keep dataSync /
 * readSync, which hand out copies they own.
 */
export function borrowSync(info: TensorInfo, backend: Backend): DataArray {
  if (backend.borrowSync) return backend.borrowSync(info.dataId);
  return readSync(info, backend);
}

/** An output array for a kernel to fill, and how to hand it to the backend once filled. */
export interface KernelOutput {
  /** The output's values (interleaved for complex), `sizeOf(shape) * components` long. */
  values: DataArray;
  /** Call once, after filling `values`: the output for the kernel to return. */
  finish(): TensorInfo;
}

/**
 * For kernels: an output array of `shape` and `dtype` to fill, recycled from the backend's
 * pool of released arrays where it keeps one (the cpu backend; elsewhere a fresh array that
 * finish() uploads like writeOutput). Zero-filled unless `zeroed` is false: a kernel that writes
 * every element passes false and skips that pass. A fresh large typed array costs its page
 * faults on first touch (~6 us per 4 KiB here) and later garbage collection, more than the
 * arithmetic of a pass over it: training steps allocate the same shapes every step, so recycled
 * outputs save both.
 */
export function allocOutput(
  shape: Shape,
  dtype: DType,
  backend: Backend,
  zeroed = true,
): KernelOutput {
  if (!isDType(dtype)) throw new DTypeError("allocOutput", "dtype", "a dtype", show(dtype));
  validateShape(shape, "allocOutput");
  if (backend instanceof CpuBackend) {
    const { info, values } = backend.alloc(shape, dtype, zeroed);
    return { values, finish: () => info };
  }
  const values = allocate(dtype, sizeOf(shape));
  return { values, finish: () => writeOutput(values, shape, dtype, backend) };
}

/** For kernels: wrap freshly computed values (ownership passes to the backend) as an output. */
export function writeOutput(
  values: DataArray,
  shape: Shape,
  dtype: DType,
  backend: Backend,
): TensorInfo {
  if (!isDType(dtype)) throw new DTypeError("writeOutput", "dtype", "a dtype", show(dtype));
  return { dataId: backend.write(values, shape, dtype), shape, dtype };
}

/**
 * Is kernel `name` registered with registerKernel for backend `backend` ("cpu", ...)? Ops with
 * a native kernel on some backends and a composite of core ops elsewhere dispatch on this.
 */
export function hasKernel(name: string, backend: string): boolean {
  return ENGINE.hasCustomKernel(name, backend);
}
