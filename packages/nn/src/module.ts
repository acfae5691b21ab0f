/**
 * Modules and parameters. A Parameter is a named slot holding the current value of a trainable
 * tensor; tensors are immutable, so training replaces the value (the old one is disposed)
 * instead of writing into it. A Module finds its parameters and submodules by walking its own
 * properties, the way PyTorch's attribute registration does, so that names come out as
 * "layers.0.weight".
 */
import {
  astype,
  type DType,
  DTypeError,
  dispose,
  type FloatDType,
  isComplex,
  isFloat,
  keep,
  ShapeError,
  stopGradient,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { shapeEq, show } from "./util.js";

/**
 * A trainable tensor slot. The Parameter owns its value: `assign` disposes the previous value,
 * and `dispose` releases the current one. Values are exempt from `tidy` (they are `keep`-ed), so
 * a training step written inside `tidy(() => ...)` releases its temporaries but not the model.
 */
export class Parameter {
  private current: Tensor;

  /** Takes ownership of `value` (it must be a float or complex tensor). */
  constructor(value: Tensor) {
    if (!isFloat(value.dtype))
      throw new DTypeError("Parameter", "value", "a floating or complex tensor", value.dtype);
    value.assertLive("Parameter", "value");
    this.current = keep(value);
  }

  /** The current value. Valid until the next `assign` (an optimizer step replaces it). */
  get value(): Tensor {
    return this.current;
  }

  get shape(): readonly number[] {
    return this.current.shape;
  }

  get dtype(): DType {
    return this.current.dtype;
  }

  get size(): number {
    return this.current.size;
  }

  /**
   * Replace the value with `next` (same shape and dtype), taking ownership of it and disposing
   * the previous value. Assigning the current value again is a no-op.
   */
  assign(next: Tensor): void {
    if (next === this.current) return;
    next.assertLive("Parameter.assign", "next");
    if (!shapeEq(next.shape, this.current.shape)) {
      throw new ShapeError(
        "Parameter.assign",
        "next",
        `shape [${this.current.shape}]`,
        `[${next.shape}]`,
      );
    }
    if (next.dtype !== this.current.dtype) {
      throw new DTypeError("Parameter.assign", "next", this.current.dtype, next.dtype);
    }
    const old = this.current;
    this.current = keep(next);
    old.dispose();
  }

  /** Convert the value to another dtype of the same kind (real or complex); the old value is disposed. */
  astype(dtype: FloatDType): void {
    if (dtype === this.current.dtype) return;
    if (!isFloat(dtype) || isComplex(dtype) !== isComplex(this.current.dtype)) {
      throw new DTypeError(
        "Parameter.astype",
        "dtype",
        `a ${isComplex(this.current.dtype) ? "complex" : "real"} floating dtype`,
        show(dtype),
      );
    }
    const old = this.current;
    this.current = keep(astype(old, dtype));
    old.dispose();
  }

  /** @internal Swap the value without ownership changes (functionalCall). Returns the old value. */
  swap(t: Tensor): Tensor {
    const old = this.current;
    this.current = t;
    return old;
  }

  dispose(): void {
    this.current.dispose();
  }

  toString(): string {
    return `Parameter(shape=[${this.shape.join(", ")}], dtype=${this.dtype})`;
  }
}

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Throw on missing or unexpected keys (default true). Shape mismatches always throw. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: a module of any call signature.
export type AnyModule = Module<any[], unknown>;

/**
 * Base class of layers and models. Subclasses store parameters and submodules as ordinary
 * properties: a `Parameter`, a `Module`, or an array of them (named `name.0`, `name.1`, ...
 * like PyTorch's ModuleList/ParameterList). Discovery follows property definition order.
 * Properties whose names start with `_` are ignored.
 *
 * `forward` is the computation; there is no hidden call magic: `model.forward(x)`.
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (true) or evaluation mode (false); see `train()` / `eval()`. */
  training = true;

  abstract forward(...inputs: In): Out;

  /** Direct children and own parameters, in definition order. Override for custom naming. */
  protected namedMembers(): [string, Parameter | AnyModule][] {
    const out: [string, Parameter | AnyModule][] = [];
    for (const key of Object.keys(this)) {
      if (key.startsWith("_")) continue;
      const v = (this as Record<string, unknown>)[key];
      if (v instanceof Parameter || v instanceof Module)
        out.push([key, v as Parameter | AnyModule]);
      else if (
        Array.isArray(v) &&
        v.length > 0 &&
        v.every((e) => e instanceof Parameter || e instanceof Module)
      ) {
        for (const [i, e] of v.entries()) out.push([`${key}.${i}`, e]);
      }
    }
    return out;
  }

  /** Direct submodules with their names (PyTorch's named_children). */
  namedChildren(): [string, AnyModule][] {
    return this.namedMembers().filter((e): e is [string, AnyModule] => e[1] instanceof Module);
  }

  children(): AnyModule[] {
    return this.namedChildren().map((e) => e[1]);
  }

  /** This module and all descendants, pre-order, each once ("" names the root). */
  namedModules(prefix = "", seen: Set<AnyModule> = new Set()): [string, AnyModule][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, AnyModule][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    }
    return out;
  }

  /**
   * Every parameter with its dotted name ("layers.0.weight"), in PyTorch's order: modules in
   * pre-order, each module's own parameters before its children's. A parameter shared by two
   * modules is listed once, under its first name.
   */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, mod] of this.namedModules()) {
      for (const [name, member] of mod.namedMembers()) {
        if (!(member instanceof Parameter) || seen.has(member)) continue;
        seen.add(member);
        out.push([prefix ? `${prefix}.${name}` : name, member]);
      }
    }
    return out;
  }

  /** The parameters, in the order of `namedParameters()`. Hand these to an optimizer. */
  parameters(): Parameter[] {
    return this.namedParameters().map((e) => e[1]);
  }

  /** The current parameter values, in the order of `parameters()` (for `gradientsOf`). */
  parameterValues(): Tensor[] {
    return this.parameters().map((p) => p.value);
  }

  /** Total number of scalar parameters (complex entries count once). */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /** Set training mode on this module and all descendants. Returns this. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (dropout off). Returns this. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Name -> tensor for every parameter. The tensors are new handles on the parameters' storage
   * (no copy; tensors are immutable), owned by the caller: they stay valid after the model is
   * trained further, and should be released with `dispose(dict)` (or created inside `tidy`).
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, p] of this.namedParameters()) out[name] = stopGradient(p.value);
    return out;
  }

  /**
   * Load parameter values by name. Shapes must match exactly; float32 <-> float64 (and
   * complex64 <-> complex128) values are converted to the parameter's dtype; real <-> complex
   * is refused. The dict's tensors are not consumed (the caller still owns them).
   * With `strict` (default) missing or unexpected keys throw a ValueError naming them.
   */
  loadStateDict(
    dict: Record<string, Tensor>,
    opts: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const named = this.namedParameters();
    const names = new Set(named.map((e) => e[0]));
    const missingKeys = named.map((e) => e[0]).filter((n) => !(n in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !names.has(k));
    if (strict && (missingKeys.length > 0 || unexpectedKeys.length > 0)) {
      const parts = [];
      if (missingKeys.length) parts.push(`missing keys ${show(missingKeys)}`);
      if (unexpectedKeys.length) parts.push(`unexpected keys ${show(unexpectedKeys)}`);
      throw new ValueError(
        "loadStateDict",
        "dict",
        "exactly the module's parameter names",
        parts.join(" and "),
      );
    }
    // Validate everything before changing anything, so a failed load leaves the module intact.
    const updates: [Parameter, Tensor, string][] = [];
    for (const [name, p] of named) {
      const t = dict[name];
      if (t === undefined) continue;
      t.assertLive("loadStateDict", name);
      if (!shapeEq(t.shape, p.shape)) {
        throw new ShapeError("loadStateDict", name, `shape [${p.shape}]`, `[${t.shape}]`);
      }
      if (!isFloat(t.dtype) || isComplex(t.dtype) !== isComplex(p.dtype)) {
        throw new DTypeError("loadStateDict", name, `a tensor convertible to ${p.dtype}`, t.dtype);
      }
      updates.push([p, t, name]);
    }
    for (const [p, t] of updates) {
      // astype returns the same handle when the dtype already matches; stopGradient then gives
      // the parameter its own handle on the (immutable) storage.
      p.assign(tidy(() => stopGradient(astype(t, p.dtype))));
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Convert every parameter to `dtype` (float32/float64, or complex64/complex128 for complex ones). Returns this. */
  astype(dtype: FloatDType): this {
    const params = this.parameters();
    for (const p of params) {
      if (isComplex(p.dtype) !== isComplex(dtype)) {
        throw new DTypeError(
          "Module.astype",
          "dtype",
          `a ${isComplex(p.dtype) ? "complex" : "real"} dtype for ${p}`,
          dtype,
        );
      }
    }
    for (const p of params) p.astype(dtype);
    return this;
  }

  /** Release every parameter's storage. The module is unusable afterwards. */
  dispose(): void {
    dispose(this.parameters().map((p) => p.value));
  }
}

/**
 * Run `fn` with some parameters temporarily replaced by the given tensors (by name), then put
 * the originals back (torch.func.functional_call). Nothing is disposed or owned: useful for
 * finite-difference checks, meta-learning and evaluating a model at other weights.
 */
export function functionalCall<T>(
  module: AnyModule,
  values: Record<string, Tensor>,
  fn: () => T,
): T {
  const named = new Map(module.namedParameters());
  const swapped: [Parameter, Tensor][] = [];
  try {
    for (const [name, t] of Object.entries(values)) {
      const p = named.get(name);
      if (!p)
        throw new ValueError(
          "functionalCall",
          "values",
          `parameter names of the module`,
          show(name),
        );
      if (!shapeEq(t.shape, p.shape))
        throw new ShapeError("functionalCall", name, `shape [${p.shape}]`, `[${t.shape}]`);
      swapped.push([p, p.swap(t)]);
    }
    return fn();
  } finally {
    for (let i = swapped.length - 1; i >= 0; i--) swapped[i][0].swap(swapped[i][1]);
  }
}
