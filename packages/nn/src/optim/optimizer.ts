/**
 * Optimizer base. Functional in spirit: gradients come from `gradientsOf(() => loss,
 * model.parameterValues())` and `step(grads)` replaces each Parameter's value with the updated
 * tensor (disposing the old one) and swaps in the new optimizer state the same way, so a step
 * leaves exactly the parameters and the state alive. Updates run without gradient recording.
 */
import {
  DTypeError,
  isComplex,
  keep,
  noGrad,
  ShapeError,
  stopGradient,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { type AnyModule, Module, Parameter } from "../module.js";
import { shapeEq, show, viewAsComplex, viewAsReal } from "../util.js";

/** A parameter group: the parameters and the hyperparameters that apply to them. */
export type ParamGroup<O> = O & { params: Parameter[] };

/** What optimizers accept: parameters, a module (its parameters), or groups with per-group overrides. */
export type ParamsInput<O> =
  | readonly Parameter[]
  | AnyModule
  | readonly (Partial<O> & { params: readonly Parameter[] })[];

/** Per-parameter state: the number of updates applied and the state tensors (owned by the optimizer). */
export interface ParamState {
  step: number;
  tensors: Record<string, Tensor>;
}

export interface UpdateResult {
  param: Tensor;
  state: Record<string, Tensor>;
}

export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[];
  readonly defaults: Readonly<O>;
  private readonly states = new Map<Parameter, ParamState>();
  /**
   * Update complex parameters as (re, im) pairs of reals (torch.view_as_real): true for
   * optimizers with elementwise nonlinearities (Adam's second moment); SGD is linear and works
   * on complex tensors directly.
   */
  protected readonly complexAsReal: boolean = false;

  /** The optimizer's class name, for error messages. */
  private readonly name: string;

  protected constructor(params: ParamsInput<O>, defaults: O) {
    const name = new.target.name;
    this.name = name;
    this.defaults = Object.freeze({ ...defaults });
    let groups: (Partial<O> & { params: readonly Parameter[] })[];
    if (params instanceof Module)
      groups = [{ params: params.parameters() } as Partial<O> & { params: Parameter[] }];
    else if (Array.isArray(params) && params.every((p) => p instanceof Parameter)) {
      groups = [{ params: params as Parameter[] } as Partial<O> & { params: Parameter[] }];
    } else if (
      Array.isArray(params) &&
      params.every((g) => g !== null && typeof g === "object" && Array.isArray(g.params))
    ) {
      groups = params as (Partial<O> & { params: Parameter[] })[];
    } else {
      throw new ValueError(
        name,
        "params",
        "Parameters, a Module, or parameter groups { params, ...options }",
        show(params),
      );
    }
    if (groups.length === 0 || groups.every((g) => g.params.length === 0)) {
      throw new ValueError(name, "params", "at least one parameter", "an empty list");
    }
    const seen = new Set<Parameter>();
    this.paramGroups = groups.map((g, gi) => {
      for (const p of g.params) {
        if (!(p instanceof Parameter))
          throw new ValueError(name, `params[${gi}]`, "Parameter objects", show(p));
        if (seen.has(p))
          throw new ValueError(name, "params", "each parameter in one group only", `${p} twice`);
        seen.add(p);
      }
      const group = { ...defaults, ...g, params: g.params.slice() } as ParamGroup<O>;
      this.validate(group, gi);
      return group;
    });
  }

  /** Check one group's hyperparameters (typed errors naming the optimizer). */
  protected abstract validate(group: ParamGroup<O>, index: number): void;

  /**
   * The update rule for one parameter, on real tensors (or complex ones when complexAsReal is
   * false). `state` holds the tensors returned last time (empty on the first update); `step`
   * counts updates including this one. Runs inside tidy and noGrad.
   */
  protected abstract update(
    param: Tensor,
    grad: Tensor,
    state: Readonly<Record<string, Tensor>>,
    group: ParamGroup<O>,
    step: number,
  ): UpdateResult;

  /** All parameters, group by group: the order `step` expects gradients in. */
  get params(): Parameter[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** Learning rate of the first group; setting it sets every group's. */
  get lr(): number {
    return this.paramGroups[0]?.lr ?? this.defaults.lr;
  }

  set lr(v: number) {
    if (!(v >= 0)) throw new ValueError(`${this.name}.lr`, "lr", "a non-negative number", show(v));
    for (const g of this.paramGroups) g.lr = v;
  }

  /** State of a parameter (undefined before its first update). Tensors stay owned by the optimizer. */
  getState(p: Parameter): Readonly<ParamState> | undefined {
    return this.states.get(p);
  }

  /**
   * Apply one update. `grads[i]` is the gradient for `params[i]` (same shape and dtype), as
   * returned by `gradientsOf(..., params.map(p => p.value))`; null/undefined skips a parameter
   * (like a None grad in PyTorch). The gradients are not consumed.
   */
  step(grads: readonly (Tensor | null | undefined)[]): void {
    const params = this.params;
    const fn = `${this.name}.step`;
    if (!Array.isArray(grads) || grads.length !== params.length) {
      throw new ValueError(
        fn,
        "grads",
        `an array of ${params.length} gradients (one per parameter)`,
        show(grads),
      );
    }
    let k = 0;
    const work: [Parameter, Tensor, ParamGroup<O>][] = [];
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = grads[k++];
        if (g === null || g === undefined) continue;
        g.assertLive(fn, `grads[${k - 1}]`);
        if (!shapeEq(g.shape, p.shape))
          throw new ShapeError(fn, `grads[${k - 1}]`, `shape [${p.shape}]`, show(g.shape));
        if (g.dtype !== p.dtype) throw new DTypeError(fn, `grads[${k - 1}]`, p.dtype, g.dtype);
        work.push([p, g, group]);
      }
    }
    noGrad(() => {
      for (const [p, g, group] of work) this.updateOne(p, g, group);
    });
  }

  private updateOne(p: Parameter, g: Tensor, group: ParamGroup<O>): void {
    const prev = this.states.get(p) ?? { step: 0, tensors: {} };
    const step = prev.step + 1;
    const asReal = this.complexAsReal && isComplex(p.dtype);
    const inputs = new Set<Tensor>([g, p.value]);
    const { param, state } = tidy(() => {
      const x = asReal ? viewAsReal(p.value) : p.value;
      const dx = asReal ? viewAsReal(g) : g;
      const r = this.update(x, dx, prev.tensors, group, step);
      const out: UpdateResult = {
        param: asReal ? viewAsComplex(r.param) : r.param,
        state: { ...r.state },
      };
      // Never adopt a caller-owned tensor: give the optimizer its own handle on the storage.
      if (inputs.has(out.param)) out.param = stopGradient(out.param);
      for (const key of Object.keys(out.state))
        if (inputs.has(out.state[key])) out.state[key] = stopGradient(out.state[key]);
      return out;
    });
    const kept = new Set(Object.values(state));
    for (const t of Object.values(state)) keep(t);
    for (const t of Object.values(prev.tensors)) if (!kept.has(t)) t.dispose();
    this.states.set(p, { step, tensors: state });
    p.assign(param);
  }

  /** Release all state tensors (the parameters are not touched). */
  dispose(): void {
    for (const s of this.states.values()) for (const t of Object.values(s.tensors)) t.dispose();
    this.states.clear();
  }
}

/** Shared validation helpers. */
export function requireNonNegative(fn: string, arg: string, v: unknown): void {
  if (typeof v !== "number" || !(v >= 0))
    throw new ValueError(fn, arg, "a non-negative number", show(v));
}
