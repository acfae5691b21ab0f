/**
 * Optimizer base. Functional in spirit: gradients come from `gradientsOf(() => loss,
 * model.parameterValues())` and `step(grads)` replaces each Parameter's value with the updated
 * tensor (disposing the old one) and swaps in the new optimizer state the same way, so a step
 * leaves exactly the parameters and the state alive. Updates run without gradient recording.
 */
import {
  astype,
  DTypeError,
  type FloatDType,
  isComplex,
  isFloat,
  keep,
  noGrad,
  ShapeError,
  stopGradient,
  Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { type AnyModule, Module, Parameter } from "../module.js";
import { checkInt, realDTypeOf, shapeEq, show, viewAsComplex, viewAsReal } from "../util.js";

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

/**
 * What an optimizer has learned, for checkpoints: `state[i]` is the state of `params[i]` (the
 * optimizer's order, group by group), undefined for a parameter not updated yet. The state
 * tensors have the shape and dtype of the parameter as the update rule sees it: the parameter's
 * own, or [...shape, 2] in the real dtype for complex parameters of optimizers that update them
 * as (re, im) pairs (Adam). Hyperparameters are not included: they are construction options
 * (and the learning rate a scheduler's business), as in a PyTorch resume that rebuilds both.
 */
export interface OptimizerStateDict {
  state: (ParamState | undefined)[];
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

  /**
   * An optional fast path on the parameter's own storage, complex included: return null to fall
   * back to `update` (on the (re, im) view when complexAsReal). A result must be what `update`
   * on that view would give: the parameter in its own dtype and shape, the state tensors in the
   * update rule's layout ([...shape, 2] real for complex parameters when complexAsReal). Runs
   * inside tidy and noGrad. It spares complex parameters the conversion to the real view and back
   * (a stack, two slices and a complex() per step, ~5% of an FNO training step).
   */
  protected updateDirect(
    _param: Tensor,
    _grad: Tensor,
    _state: Readonly<Record<string, Tensor>>,
    _group: ParamGroup<O>,
    _step: number,
  ): UpdateResult | null {
    return null;
  }

  /** Check one group's hyperparameters (typed errors naming the optimizer). */
  protected abstract validate(group: ParamGroup<O>, index: number): void;

  /**
   * The state tensors a parameter of `group` carries after a step (loadStateDict checks a
   * loaded entry has exactly these; undefined: not checked).
   */
  protected stateKeys(_group: ParamGroup<O>): readonly string[] | undefined {
    return undefined;
  }

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
   * A snapshot of every parameter's state (see OptimizerStateDict). The tensors are new handles
   * on the optimizer's (immutable) storage, owned by the caller: dispose them when done.
   */
  stateDict(): OptimizerStateDict {
    return {
      state: this.params.map((p) => {
        const s = this.states.get(p);
        if (s === undefined) return undefined;
        const tensors: Record<string, Tensor> = {};
        for (const [key, t] of Object.entries(s.tensors)) tensors[key] = keep(stopGradient(t));
        return { step: s.step, tensors };
      }),
    };
  }

  /**
   * Replace every parameter's state with `dict`'s (as written by stateDict, possibly through a
   * file): the next step continues exactly where the saved optimizer stopped. float32 <->
   * float64 tensors are converted to the parameter's precision; anything else that does not fit
   * throws before the optimizer is changed. The dict's tensors are not consumed.
   */
  loadStateDict(dict: OptimizerStateDict): void {
    const fn = `${this.name}.loadStateDict`;
    const params = this.params;
    if (
      dict === null ||
      typeof dict !== "object" ||
      !Array.isArray(dict.state) ||
      dict.state.length !== params.length
    ) {
      throw new ValueError(
        fn,
        "dict",
        `{ state } with one entry per parameter (${params.length})`,
        show(dict?.state ?? dict),
      );
    }
    // Validate everything first, so a failed load leaves the optimizer as it was.
    const loads: [Parameter, number, [string, Tensor][], FloatDType][] = [];
    const groupOf = new Map<Parameter, ParamGroup<O>>();
    for (const g of this.paramGroups) for (const p of g.params) groupOf.set(p, g);
    dict.state.forEach((entry, i) => {
      const p = params[i] as Parameter;
      if (entry === undefined || entry === null) return;
      const arg = `dict.state[${i}]`;
      const step = checkInt(fn, `${arg}.step`, entry.step, 1);
      if (entry.tensors === null || typeof entry.tensors !== "object")
        throw new ValueError(
          fn,
          `${arg}.tensors`,
          "a record of state tensors",
          show(entry.tensors),
        );
      const asReal = this.complexAsReal && isComplex(p.dtype);
      const shape = asReal ? [...p.shape, 2] : p.shape;
      const dtype: FloatDType = asReal ? realDTypeOf(p.dtype) : (p.dtype as FloatDType);
      const tensors = Object.entries(entry.tensors);
      const keys = this.stateKeys(groupOf.get(p) as ParamGroup<O>);
      const got = tensors.map(([k]) => k).sort();
      if (keys !== undefined && got.join() !== [...keys].sort().join())
        throw new ValueError(
          fn,
          `${arg}.tensors`,
          `the state keys of this optimizer [${[...keys].sort().join(", ")}]`,
          `[${got.join(", ")}]`,
        );
      for (const [key, t] of tensors) {
        const where = `${arg}.tensors.${key}`;
        if (!(t instanceof Tensor)) throw new ValueError(fn, where, "a Tensor", show(t));
        t.assertLive(fn, where);
        if (!shapeEq(t.shape, shape))
          throw new ShapeError(fn, where, `shape [${shape}]`, show(t.shape));
        if (!isFloat(t.dtype) || isComplex(t.dtype) !== isComplex(dtype))
          throw new DTypeError(fn, where, `a tensor convertible to ${dtype}`, t.dtype);
      }
      loads.push([p, step, tensors, dtype]);
    });
    // Own handles first (astype returns the same handle when the dtype matches; stopGradient
    // then gives the optimizer its own handle on the storage, and keep exempts it from any
    // enclosing tidy), THEN drop the old state: the dict may hold the optimizer's own tensors.
    const owned = loads.map(([p, step, tensors, dtype]) => {
      const own: Record<string, Tensor> = {};
      for (const [key, t] of tensors) own[key] = keep(tidy(() => stopGradient(astype(t, dtype))));
      return [p, { step, tensors: own }] as const;
    });
    this.dispose();
    for (const [p, state] of owned) this.states.set(p, state);
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
      const direct = this.updateDirect(p.value, g, prev.tensors, group, step);
      let out: UpdateResult;
      if (direct !== null) out = { param: direct.param, state: { ...direct.state } };
      else {
        const x = asReal ? viewAsReal(p.value) : p.value;
        const dx = asReal ? viewAsReal(g) : g;
        const r = this.update(x, dx, prev.tensors, group, step);
        out = { param: asReal ? viewAsComplex(r.param) : r.param, state: { ...r.state } };
      }
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
