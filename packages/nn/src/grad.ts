/** Gradients with respect to parameters. */
import { gradientsOf, type Tensor } from "@modewise/tensor";
import { type AnyModule, Module, type Parameter } from "./module.js";

/**
 * `gradientsOf(f, params.map(p => p.value))`: the value of f() and its gradients with respect to
 * the parameters (a module's, in `parameters()` order), ready for `optimizer.step(grads)`.
 */
export function gradientsOfParameters(
  f: () => Tensor,
  params: AnyModule | readonly Parameter[],
): { value: Tensor; grads: Tensor[] } {
  const list = params instanceof Module ? params.parameters() : params;
  return gradientsOf(
    f,
    list.map((p) => p.value),
  );
}
