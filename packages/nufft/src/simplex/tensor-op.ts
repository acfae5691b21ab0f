/**
 * The exact simplex-mesh transform as a differentiable @modewise/tensor op.
 *
 *   simplexTransformTensor(vertices [nV, d] float64, densities [nE] float64, topology, frequencies)
 *     -> complex128 [nFrequencies]
 *
 * Kernel "SimplexTransform" (cpu) evaluates transform.ts; its gradient (PyTorch's convention,
 * grad = dL/dRe + i dL/dIm for the complex output, see gradient.ts) runs the kernel
 * "SimplexTransformVJP", which returns dL/dvertices and dL/ddensities packed in one float64
 * vector that the gradient slices apart. Second derivatives are not provided: the gradient
 * kernel's own gradient throws a NotImplementedError. The kernels are registered on the first
 * call (no import side effect, so the package stays `sideEffects: false`).
 */
import {
  type Backend,
  DTypeError,
  NotImplementedError,
  readSync,
  registerGradient,
  registerKernel,
  reshape,
  runKernel,
  ShapeError,
  slice,
  type Tensor,
  type TensorInfo,
  writeOutput,
} from "@modewise/tensor";
import { simplexTransformVJP } from "./gradient.js";
import {
  checkSign,
  type IndexArray,
  type SimplexMesh,
  type SimplexOrder,
  type SpaceDim,
} from "./mesh.js";
import { simplexTransform } from "./transform.js";

/** The fixed (non-differentiable) part of a mesh: connectivity and sizes. */
export interface SimplexTopology {
  dim: SpaceDim;
  order: SimplexOrder;
  /** Vertex indices, row-major nElements x (order + 1). */
  elements: IndexArray;
}

interface SimplexAttrs {
  dim: SpaceDim;
  order: SimplexOrder;
  elements: IndexArray;
  frequencies: Float64Array;
  sign: 1 | -1;
}

/** The mesh a kernel sees: the topology from attrs, vertices and densities read from the inputs. */
function meshOf(
  attrs: SimplexAttrs,
  v: TensorInfo,
  rho: TensorInfo,
  backend: Backend,
): SimplexMesh {
  return {
    dim: attrs.dim,
    order: attrs.order,
    elements: attrs.elements,
    vertices: readSync(v, backend) as Float64Array,
    densities: readSync(rho, backend) as Float64Array,
  };
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  registerKernel<SimplexAttrs>("SimplexTransform", "cpu", ([v, rho], attrs, backend) => {
    const values = simplexTransform(meshOf(attrs, v, rho, backend), attrs.frequencies, {
      sign: attrs.sign,
    });
    return writeOutput(values, [attrs.frequencies.length / attrs.dim], "complex128", backend);
  });
  registerKernel<SimplexAttrs>("SimplexTransformVJP", "cpu", ([v, rho, dy], attrs, backend) => {
    const grad = simplexTransformVJP(
      meshOf(attrs, v, rho, backend),
      attrs.frequencies,
      readSync(dy, backend) as Float64Array,
      { sign: attrs.sign },
    );
    const packed = new Float64Array(grad.vertices.length + grad.densities.length);
    packed.set(grad.vertices);
    packed.set(grad.densities, grad.vertices.length);
    return writeOutput(packed, [packed.length], "float64", backend);
  });
  registerGradient<SimplexAttrs>("SimplexTransform", (dy, [v, rho], _y, attrs) => {
    const packed = runKernel<SimplexAttrs>(
      "SimplexTransformVJP",
      [v, rho, dy],
      attrs,
      "simplexTransformTensor (gradient)",
    );
    const nv = v.size;
    return [
      reshape(slice(packed, [{ start: 0, stop: nv }]), v.shape),
      slice(packed, [{ start: nv, stop: nv + rho.size }]),
    ];
  });
  registerGradient<SimplexAttrs>("SimplexTransformVJP", () => {
    throw new NotImplementedError(
      "simplexTransformTensor",
      "second derivatives of the simplex transform are not implemented",
    );
  });
}

/**
 * Differentiable exact transform: F(omega_k) for k < nFrequencies as a complex128 tensor, with
 * gradients to `vertices` ([nVertices, dim], float64) and `densities` ([nElements], float64).
 * Conventions as simplexTransform (sign -1 by default).
 */
export function simplexTransformTensor(
  vertices: Tensor,
  densities: Tensor,
  topology: SimplexTopology,
  frequencies: Float64Array | readonly number[],
  options: { sign?: 1 | -1 } = {},
): Tensor {
  const fn = "simplexTransformTensor";
  const { dim, order } = topology;
  if (vertices.dtype !== "float64") {
    throw new DTypeError(fn, "vertices", "float64", vertices.dtype);
  }
  if (densities.dtype !== "float64") {
    throw new DTypeError(fn, "densities", "float64", densities.dtype);
  }
  if (vertices.shape.length !== 2 || vertices.shape[1] !== dim) {
    throw new ShapeError(fn, "vertices", `shape [nVertices, ${dim}]`, `[${vertices.shape}]`);
  }
  const nElements = topology.elements.length / (order + 1);
  if (densities.shape.length !== 1 || densities.shape[0] !== nElements) {
    throw new ShapeError(fn, "densities", `shape [${nElements}]`, `[${densities.shape}]`);
  }
  const sign = checkSign(fn, options.sign);
  register();
  return runKernel<SimplexAttrs>(
    "SimplexTransform",
    [vertices, densities],
    { dim, order, elements: topology.elements, frequencies: Float64Array.from(frequencies), sign },
    fn,
  );
}
