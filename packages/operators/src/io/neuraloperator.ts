/**
 * Weights interchange with neuraloperator (PyTorch) as safetensors.
 *
 * Our FNO's parameter names already follow neuraloperator's FNO (`lifting.fcs.i.*`,
 * `fno_blocks.convs.i.*`, `fno_blocks.fno_skips.i.*`, `projection.fcs.i.*`), with the same
 * shapes and layouts. Two differences remain, both from tensorly-torch, which neuraloperator
 * uses for spectral weights:
 *   - complex parameters are stored as real tensors with a trailing axis of 2 (re, im)
 *     (`torch.view_as_real`), since tensorly-torch registers them that way;
 *   - a dense spectral weight is a DenseTensor module whose parameter is called `tensor`:
 *     our `fno_blocks.convs.0.weight` is their `fno_blocks.convs.0.weight.tensor`.
 *     CP / Tucker weights use `weight.weights` / `weight.core` and `weight.factors.j` on
 *     both sides.
 * The mode convention matches when neuraloperator's `n_modes` is [2 m_1, ..., 2 m_{d-1},
 * 2 m_d - 1] for our `modes` [m_1, ..., m_d] (spectral-conv/modes.ts); the layer structure
 * matches neuraloperator's FNO with `use_channel_mlp=False` (see fno/fno.ts).
 */
import { type AnyModule, load, Parameter, save, viewAsComplex, viewAsReal } from "@modewise/nn";
import { dispose, isComplex, mul, type Tensor, tidy, ValueError } from "@modewise/tensor";
import { SpectralConv } from "../spectral-conv/spectral-conv.js";

/** Names of our dense spectral weights (those that gain the `.tensor` suffix). */
function denseSpectralWeights(model: AnyModule): Set<string> {
  const names = new Set<string>();
  for (const [prefix, m] of model.namedModules())
    if (m instanceof SpectralConv && m.weight instanceof Parameter)
      names.add(prefix ? `${prefix}.weight` : "weight");
  return names;
}

/**
 * The model's parameters under neuraloperator's names and layouts (caller-owned tensors;
 * dispose them).
 */
export function toNeuralOperatorState(model: AnyModule): Record<string, Tensor> {
  const dense = denseSpectralWeights(model);
  return tidy(() => {
    const out: Record<string, Tensor> = {};
    for (const [name, p] of model.namedParameters()) {
      const v = p.value;
      const key = dense.has(name) ? `${name}.tensor` : name;
      out[key] = isComplex(v.dtype) ? viewAsReal(v) : mul(v, 1); // a fresh handle: the caller disposes it
    }
    return out;
  });
}

/** The model's parameters as a neuraloperator-compatible safetensors file. */
export function saveNeuralOperatorState(
  model: AnyModule,
  metadata: Record<string, string> = {},
): Uint8Array {
  const state = toNeuralOperatorState(model);
  try {
    return save(state, { format: "pt", ...metadata });
  } finally {
    dispose(state);
  }
}

/**
 * Loads neuraloperator-named weights (safetensors bytes or a tensor record) into `model`.
 * Real tensors with a trailing axis of 2 become complex where our parameter is complex;
 * float32 / float64 convert to the model's dtype. Strict: every parameter must be present
 * with a matching shape, and no extra entries are allowed (names are reported).
 */
export function loadNeuralOperatorState(
  model: AnyModule,
  source: Uint8Array | Record<string, Tensor>,
): void {
  const fn = "loadNeuralOperatorState";
  const loaded = source instanceof Uint8Array ? load(source) : source;
  const dense = denseSpectralWeights(model);
  const ours = new Map(model.namedParameters());
  const converted: Record<string, Tensor> = {};
  try {
    const used = new Set<string>();
    for (const [name, p] of ours) {
      const key = dense.has(name) ? `${name}.tensor` : name;
      const t = loaded[key];
      if (t === undefined)
        throw new ValueError(fn, "source", `a tensor named '${key}'`, "none (missing entry)");
      used.add(key);
      if (isComplex(p.value.dtype) && !isComplex(t.dtype)) {
        if (t.shape[t.shape.length - 1] !== 2)
          throw new ValueError(
            fn,
            key,
            "a real view of a complex tensor (trailing axis 2)",
            `shape [${t.shape.join(", ")}]`,
          );
        converted[name] = tidy(() => viewAsComplex(t));
      } else converted[name] = t;
    }
    const extra = Object.keys(loaded).filter((k) => !used.has(k));
    if (extra.length > 0)
      throw new ValueError(
        fn,
        "source",
        "only the model's parameters",
        `extra entries ${extra.join(", ")}`,
      );
    model.loadStateDict(converted);
  } finally {
    for (const [name, t] of Object.entries(converted)) if (loaded[name] !== t) t.dispose();
    if (source instanceof Uint8Array) dispose(loaded);
  }
}
