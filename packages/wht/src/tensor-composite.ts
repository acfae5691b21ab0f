/**
 * The FWHT written only with the tensor core's public primitive ops (reshape, slice, add, sub,
 * concat, gather, mul), so it runs on every backend that implements the core kernels (the GPU
 * backends of the gpu.js issue included) and is differentiable by the core's autograd with no
 * registered gradient. tensor-ops.ts uses it when the input's backend has no native "FWHT"
 * kernel, or when asked with `path: "composite"`.
 *
 * Natural order by radix-2 (Sylvester) stages: H_N = H_2 (x) ... (x) H_2, one factor per bit of
 * the index, and the factors commute, so stage s applies H_2 to bit n-1-s in place: view the
 * axis as (2^s, 2, N / 2^(s+1)), take the halves a = x[:, 0, :], b = x[:, 1, :] and write
 * concat([a + b, a - b]) along the middle axis. (A constant-geometry Pease stage, interleaving
 * [a + b, a - b] with concat, keeps every stage's shapes equal but measured 5x slower on the CPU
 * backend, where stack is the slow op.) No loop runs over N inside one op, so nothing depends
 * on gpu.js's 1000-iteration loop cut.
 *
 * Orderings are one gather by the precomputed index table perm (orderings.ts):
 * dyadic X[k] = X_nat[bitrev(k)], sequency X[k] = X_nat[bitrev(gray(k))]. The norm is one
 * scalar multiply. Cost: log2 N stages of O(N) elementwise work each, like the native kernel,
 * but every stage allocates its intermediate tensors.
 */
import {
  add,
  concat,
  gather,
  mul,
  reshape,
  slice,
  sub,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import { bitReversalTable } from "./dense/orderings.js";
import type { WHTOrder } from "./dense/validate.js";

/** Index table of an ordering: X_order[k] = X_nat[perm[k]]; undefined for natural order. */
function orderPermutation(order: WHTOrder, log2n: number): Int32Array | undefined {
  if (order === "natural") return undefined;
  const rev = bitReversalTable(log2n);
  const n = rev.length;
  const perm = new Int32Array(n);
  for (let k = 0; k < n; k++) perm[k] = order === "dyadic" ? rev[k] : rev[k ^ (k >>> 1)];
  return perm;
}

/**
 * scale * W x along `axis` (non-negative, length N = 2^log2n), with W the Hadamard matrix in
 * `order`. Arguments are validated by the caller (tensor-ops.ts).
 */
export function fwhtComposite(
  x: Tensor,
  axis: number,
  log2n: number,
  order: WHTOrder,
  scale: number,
): Tensor {
  return tidy(() => {
    const shape = x.shape;
    const n = shape[axis];
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    // Stage s on the (outer, N, inner) view: (outer 2^s, 2, (N / 2^(s+1)) inner).
    let y = x;
    for (let stage = 0; stage < log2n; stage++) {
      const block = 2 ** (log2n - stage - 1) * inner;
      const v = reshape(y, [outer * 2 ** stage, 2, block]);
      const a = slice(v, [null, { start: 0, stop: 1 }]);
      const b = slice(v, [null, { start: 1, stop: 2 }]);
      y = concat([add(a, b), sub(a, b)], 1);
    }
    y = reshape(y, [outer, n, inner]);
    const perm = orderPermutation(order, log2n);
    if (perm !== undefined) y = gather(y, tensor(perm, { dtype: "int32", shape: [n] }), 1);
    // N = 1, natural, unscaled: no op ran; return a fresh tensor (as the native kernel does),
    // never the caller's own, which disposing the result would free.
    if (scale !== 1 || y === x) y = mul(y, scale);
    return reshape(y, shape.slice());
  });
}
