/** Gradient clipping with torch.nn.utils semantics, returning new gradient tensors. */
import {
  add,
  astype,
  clip,
  complex,
  div,
  imag,
  isComplex,
  minimum,
  mul,
  norm,
  real,
  stack,
  type Tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { realDTypeOf, show } from "../util.js";

export interface ClipGradNormOptions {
  /** Order of the norm (default 2; Infinity for the max norm). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (reads the norm back synchronously). */
  errorIfNonfinite?: boolean;
}

/**
 * torch.nn.utils.clip_grad_norm_: the total norm is the norm of the per-tensor norms (the norm of
 * all gradients concatenated; complex entries count by modulus), and every gradient is scaled by
 * min(1, maxNorm / (totalNorm + 1e-6)). Returns new gradients (the inputs are not consumed) and
 * the total norm before clipping as a scalar tensor; both are owned by the caller.
 */
export function clipGradNorm(
  grads: readonly Tensor[],
  maxNorm: number,
  opts: ClipGradNormOptions = {},
): { grads: Tensor[]; totalNorm: Tensor } {
  const p = opts.normType ?? 2;
  if (!(maxNorm >= 0))
    throw new ValueError("clipGradNorm", "maxNorm", "a non-negative number", show(maxNorm));
  if (grads.length === 0)
    throw new ValueError("clipGradNorm", "grads", "at least one gradient", "[]");
  return tidy(() => {
    // Per-tensor norms in float64 when precisions are mixed, so they can be stacked.
    const mixed = new Set(grads.map((g) => realDTypeOf(g.dtype))).size > 1;
    const norms = grads.map((g) => (mixed ? astype(norm(g, p), "float64") : norm(g, p)));
    const totalNorm = norm(stack(norms), p);
    if (opts.errorIfNonfinite && !Number.isFinite(totalNorm.item())) {
      throw new ValueError(
        "clipGradNorm",
        "grads",
        "gradients with a finite total norm",
        String(totalNorm.item()),
      );
    }
    const coef = minimum(div(maxNorm, add(totalNorm, 1e-6)), 1);
    return { grads: grads.map((g) => mul(g, astype(coef, realDTypeOf(g.dtype)))), totalNorm };
  });
}

/** torch.nn.utils.clip_grad_value_: clamp every entry to [-clipValue, clipValue] (real and imaginary parts separately). */
export function clipGradValue(grads: readonly Tensor[], clipValue: number): Tensor[] {
  if (!(clipValue >= 0))
    throw new ValueError("clipGradValue", "clipValue", "a non-negative number", show(clipValue));
  return tidy(() =>
    grads.map((g) =>
      isComplex(g.dtype)
        ? complex(clip(real(g), -clipValue, clipValue), clip(imag(g), -clipValue, clipValue))
        : clip(g, -clipValue, clipValue),
    ),
  );
}
