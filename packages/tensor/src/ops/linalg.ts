/** Matrix products: matmul with numpy semantics, and einsum lowered to transpose + batched matmul. */
import { isComplex, isFloat, promoteTypes } from "../dtype.js";
import { DTypeError, ShapeError, show, ValueError } from "../errors.js";
import { fusedMatmulBias } from "../grads/index.js";
import { broadcastShapes, sizeOf } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add, mul } from "./elementwise.js";
import { cast, op, run, type TensorLike, toTensor } from "./op.js";
import { sum } from "./reduction.js";
import { broadcastTo, reshape, transpose } from "./shape.js";

/**
 * numpy.matmul: 1-D operands are promoted to matrices (and the added axis removed after),
 * leading axes broadcast as a batch. Complex operands give complex products.
 * `bias` ([M] or [M, 1], M the product's rows; not with a 1-D `a`): added to row i of every
 * product, `matmul(a, b) + bias[:, None]` (a channel MLP's W x + b over [batch, C, L]). On the
 * CPU a real product adds it in its last pass over the output (no separate pass), with the bits
 * of the separate add.
 */
export const matmul = op(
  (
    a: TensorLike,
    b: TensorLike,
    opts: { transposeA?: boolean; transposeB?: boolean; bias?: TensorLike } = {},
  ): Tensor => {
    let A = toTensor(a, "matmul", "a");
    let B = toTensor(b, "matmul", "b", A.dtype);
    if (A.rank === 0 || B.rank === 0)
      throw new ShapeError("matmul", A.rank === 0 ? "a" : "b", "at least 1 dimension", "a scalar");
    let dtype = promoteTypes(A.dtype, B.dtype);
    if (!isFloat(dtype)) dtype = "float32";
    if (!isFloat(A.dtype) && !isFloat(B.dtype))
      throw new DTypeError("matmul", "a", "a floating or complex dtype", A.dtype);
    A = cast(A, dtype, "matmul");
    B = cast(B, dtype, "matmul");
    const tA = opts.transposeA ?? false;
    const tB = opts.transposeB ?? false;
    const vecA = A.rank === 1;
    const vecB = B.rank === 1;
    if (vecA) A = reshape(A, tA ? [A.shape[0], 1] : [1, A.shape[0]]);
    if (vecB) B = reshape(B, tB ? [1, B.shape[0]] : [B.shape[0], 1]);
    const kA = tA ? A.shape[A.rank - 2] : A.shape[A.rank - 1];
    const kB = tB ? B.shape[B.rank - 1] : B.shape[B.rank - 2];
    if (kA !== kB) {
      throw new ShapeError(
        "matmul",
        "b",
        `a contraction size of ${kA} (a is [${A.shape}])`,
        `[${B.shape}] (size ${kB})`,
      );
    }
    broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2), "matmul", ["a", "b"]);
    let out: Tensor;
    if (opts.bias !== undefined) {
      const M = tA ? A.shape[A.rank - 1] : A.shape[A.rank - 2];
      let bias = toTensor(opts.bias, "matmul", "bias", dtype);
      if (
        vecA ||
        bias.size !== M ||
        bias.rank < 1 ||
        bias.rank > 2 ||
        (bias.rank === 2 && bias.shape[1] !== 1)
      )
        throw new ShapeError(
          "matmul",
          "bias",
          vecA
            ? "no bias with a 1-D a (a product with one row: add it instead)"
            : `[${M}] or [${M}, 1] (one value per row of the product)`,
          `[${bias.shape}]`,
        );
      bias = cast(bias, dtype, "matmul");
      const fused = isComplex(dtype) ? null : fusedMatmulBias(A, B, reshape(bias, [M]), tA, tB);
      out =
        fused ??
        add(
          run("BatchMatMul", [A, B], { transposeA: tA, transposeB: tB }, "matmul"),
          reshape(bias, [M, 1]),
        );
    } else out = run("BatchMatMul", [A, B], { transposeA: tA, transposeB: tB }, "matmul");
    if (vecA || vecB) {
      const s = out.shape.slice();
      if (vecB) s.splice(s.length - 1, 1);
      if (vecA) s.splice(s.length - (vecB ? 1 : 2), 1);
      out = reshape(out, s);
    }
    return out;
  },
);

/** Inner product over the last axis of a and the first axis of b, as numpy.dot for 1-D/2-D. */
export const dot = (a: TensorLike, b: TensorLike): Tensor => matmul(a, b);

/** Outer product of two vectors. */
export const outer = op((a: TensorLike, b: TensorLike): Tensor => {
  const A = toTensor(a, "outer", "a");
  const B = toTensor(b, "outer", "b");
  return mul(reshape(A, [-1, 1]), reshape(B, [1, -1]));
});

interface Parsed {
  inputs: string[];
  output: string;
}

function parseEinsum(eq: string, n: number): Parsed {
  const clean = eq.replace(/\s+/g, "");
  if (clean.includes("."))
    throw new ValueError("einsum", "equation", "explicit subscripts (no ellipsis)", show(eq));
  const [lhs, rhs] = clean.split("->");
  const inputs = lhs.split(",");
  if (inputs.length !== n)
    throw new ValueError("einsum", "operands", `${inputs.length} operands for '${eq}'`, `${n}`);
  for (const s of inputs) {
    if (!/^[a-zA-Z]*$/.test(s))
      throw new ValueError("einsum", "equation", "letters a-z, A-Z as subscripts", show(eq));
  }
  let output: string;
  if (rhs === undefined) {
    // Implicit mode: letters appearing once, sorted.
    const counts = new Map<string, number>();
    for (const c of inputs.join("")) counts.set(c, (counts.get(c) ?? 0) + 1);
    output = [...counts.keys()]
      .filter((c) => counts.get(c) === 1)
      .sort()
      .join("");
  } else {
    output = rhs;
    if (new Set(output).size !== output.length)
      throw new ValueError("einsum", "equation", "distinct output subscripts", show(eq));
    for (const c of output) {
      if (!inputs.some((s) => s.includes(c)))
        throw new ValueError(
          "einsum",
          "equation",
          `output subscript '${c}' among the inputs`,
          show(eq),
        );
    }
  }
  return { inputs, output };
}

/** Sum out axes of t whose letters appear nowhere in `keep`, and fold a repeated letter to its diagonal. */
function reduceLocal(t: Tensor, subs: string, keep: string): [Tensor, string] {
  for (const c of new Set(subs)) {
    if (subs.indexOf(c) !== subs.lastIndexOf(c)) {
      throw new ValueError(
        "einsum",
        "equation",
        "no repeated subscript within one operand (diagonals)",
        show(subs),
      );
    }
  }
  const drop = [...subs].map((c, i) => (keep.includes(c) ? -1 : i)).filter((i) => i >= 0);
  if (drop.length === 0) return [t, subs];
  return [sum(t, drop), [...subs].filter((_, i) => !drop.includes(i)).join("")];
}

/**
 * Contract two operands: letters in both and not in `keep` are summed (the gemm's K), letters
 * in both and in keep are batch axes, the rest are M (from a) and N (from b).
 */
function contractPair(
  a: Tensor,
  sa: string,
  b: Tensor,
  sb: string,
  keep: string,
): [Tensor, string] {
  // A shared subscript of size 1 on one side broadcasts to the other side's size.
  const size = (c: string) => {
    const da = sa.includes(c) ? a.shape[sa.indexOf(c)] : 1;
    return da === 1 && sb.includes(c) ? b.shape[sb.indexOf(c)] : da;
  };
  for (const c of sa) {
    if (sb.includes(c)) {
      const da = a.shape[sa.indexOf(c)];
      const db = b.shape[sb.indexOf(c)];
      if (da !== db && da !== 1 && db !== 1) {
        throw new ShapeError("einsum", "operands", `size ${da} for subscript '${c}'`, `size ${db}`);
      }
    }
  }
  const batch = [...sa].filter((c) => sb.includes(c) && keep.includes(c));
  const contract = [...sa].filter((c) => sb.includes(c) && !keep.includes(c));
  const m = [...sa].filter((c) => !sb.includes(c));
  const n = [...sb].filter((c) => !sa.includes(c));
  const perm = (s: string, order: string[]) => order.map((c) => s.indexOf(c));
  const dims = (t: Tensor, s: string, order: string[]) => order.map((c) => t.shape[s.indexOf(c)]);
  const bsz = batch.map(size);
  // Broadcast size-1 shared axes so both operands agree.
  const At = broadcastTo(transpose(a, perm(sa, [...batch, ...m, ...contract])), [
    ...bsz,
    ...dims(a, sa, m),
    ...contract.map(size),
  ]);
  const Bt = broadcastTo(transpose(b, perm(sb, [...batch, ...contract, ...n])), [
    ...bsz,
    ...contract.map(size),
    ...dims(b, sb, n),
  ]);
  const M = sizeOf(dims(a, sa, m));
  const K = sizeOf(contract.map(size));
  const N = sizeOf(dims(b, sb, n));
  const prod = run(
    "BatchMatMul",
    [reshape(At, [...bsz, M, K]), reshape(Bt, [...bsz, K, N])],
    { transposeA: false, transposeB: false },
    "einsum",
  );
  return [
    reshape(prod, [...bsz, ...dims(a, sa, m), ...dims(b, sb, n)]),
    [...batch, ...m, ...n].join(""),
  ];
}

/**
 * Einstein summation, e.g. einsum("bixy,ioxy->boxy", x, w) for the spectral convolution's
 * per-mode channel mixing. Operands are contracted left to right through batched matmul, so
 * gradients come from matmul's. Repeated subscripts within one operand (diagonals) and
 * ellipses are rejected with a typed error.
 */
export const einsum = op((equation: string, ...operands: TensorLike[]): Tensor => {
  if (typeof equation !== "string")
    throw new ValueError("einsum", "equation", "a string", show(equation));
  const { inputs, output } = parseEinsum(equation, operands.length);
  const ts = operands.map((x, i) => toTensor(x, "einsum", `operands[${i}]`));
  let dtype = ts[0].dtype;
  for (const t of ts) dtype = promoteTypes(dtype, t.dtype);
  if (!isFloat(dtype)) dtype = "float32";
  ts.forEach((t, i) => {
    if (t.rank !== inputs[i].length) {
      throw new ShapeError(
        "einsum",
        `operands[${i}]`,
        `rank ${inputs[i].length} for '${inputs[i]}'`,
        `shape [${t.shape}]`,
      );
    }
  });
  const restAfter = (i: number) => inputs.slice(i + 1).join("") + output;
  let [acc, subs] = reduceLocal(cast(ts[0], dtype, "einsum"), inputs[0], restAfter(0));
  for (let i = 1; i < ts.length; i++) {
    const [bi, sbi] = reduceLocal(cast(ts[i], dtype, "einsum"), inputs[i], subs + restAfter(i));
    [acc, subs] = contractPair(acc, subs, bi, sbi, restAfter(i));
    [acc, subs] = reduceLocal(acc, subs, restAfter(i));
  }
  [acc, subs] = reduceLocal(acc, subs, output);
  if (subs.length !== output.length) {
    // Letters kept for later operands that the output does not have are summed here.
    acc = sum(
      acc,
      [...subs].map((c, i) => (output.includes(c) ? -1 : i)).filter((i) => i >= 0),
    );
    subs = [...subs].filter((c) => output.includes(c)).join("");
  }
  return transpose(
    acc,
    [...output].map((c) => subs.indexOf(c)),
  );
});
