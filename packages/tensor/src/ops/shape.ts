/** Layout ops: reshape, transpose, broadcast, slicing, joining, padding, gathering. */
import { ENGINE } from "../engine.js";
import { DTypeError, ShapeError, show, ValueError } from "../errors.js";
import { broadcastShapes, normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast, inferShape, op, run, type TensorLike, toTensor } from "./op.js";

/** New shape over the same data (a view: no copy). One entry may be -1 (inferred). */
export const reshape = op((x: TensorLike, shape: readonly number[]): Tensor => {
  const t = toTensor(x, "reshape", "x");
  if (!Array.isArray(shape))
    throw new ValueError("reshape", "shape", "an array of sizes", show(shape));
  const s = shape.slice();
  const unknown = s.indexOf(-1);
  if (s.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== unknown))) {
    throw new ValueError(
      "reshape",
      "shape",
      "non-negative integer sizes with at most one -1",
      show(shape),
    );
  }
  if (unknown >= 0) {
    const known = sizeOf(s.filter((_, i) => i !== unknown));
    if (known === 0 || t.size % known !== 0) {
      throw new ShapeError(
        "reshape",
        "shape",
        `a shape compatible with ${t.size} elements`,
        show(shape),
      );
    }
    s[unknown] = t.size / known;
  }
  if (sizeOf(s) !== t.size) {
    throw new ShapeError(
      "reshape",
      "shape",
      `a shape of ${t.size} elements (input [${t.shape}])`,
      show(shape),
    );
  }
  if (shapesEqual(s, t.shape)) return t;
  return run("Reshape", [t], { shape: s }, "reshape");
});

/** Collapse axes start..end (inclusive) into one. */
export const flatten = op((x: TensorLike, startAxis = 0, endAxis = -1): Tensor => {
  const t = toTensor(x, "flatten", "x");
  if (t.rank === 0) return reshape(t, [1]);
  const a = normalizeAxis(startAxis, t.rank, "flatten", "startAxis");
  const b = normalizeAxis(endAxis, t.rank, "flatten", "endAxis");
  if (b < a)
    throw new ValueError("flatten", "endAxis", `an axis >= startAxis (${a})`, show(endAxis));
  return reshape(t, [
    ...t.shape.slice(0, a),
    sizeOf(t.shape.slice(a, b + 1)),
    ...t.shape.slice(b + 1),
  ]);
});

/** Remove axes of size 1 (all of them, or those named). */
export const squeeze = op((x: TensorLike, axis?: number | number[]): Tensor => {
  const t = toTensor(x, "squeeze", "x");
  const axes =
    axis === undefined
      ? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes(axis, t.rank, "squeeze");
  for (const a of axes) {
    if (t.shape[a] !== 1)
      throw new ShapeError("squeeze", "axis", `axes of size 1`, `axis ${a} of size ${t.shape[a]}`);
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
});

/** Insert a size-1 axis at `axis` (numpy.expand_dims, torch.unsqueeze). */
export const expandDims = op((x: TensorLike, axis: number): Tensor => {
  const t = toTensor(x, "expandDims", "x");
  const a = normalizeAxis(axis, t.rank + 1, "expandDims");
  return reshape(t, [...t.shape.slice(0, a), 1, ...t.shape.slice(a)]);
});

/** Permute axes (default: reverse them). */
export const transpose = op((x: TensorLike, perm?: readonly number[]): Tensor => {
  const t = toTensor(x, "transpose", "x");
  const p =
    perm === undefined
      ? t.shape.map((_, i) => t.rank - 1 - i)
      : perm.map((a) => normalizeAxis(a, t.rank, "transpose", "perm"));
  if (p.length !== t.rank || new Set(p).size !== t.rank) {
    throw new ValueError("transpose", "perm", `a permutation of ${t.rank} axes`, show(perm));
  }
  if (p.every((a, i) => a === i)) return t;
  return run("Transpose", [t], { perm: p }, "transpose");
});

/** Alias of transpose with an explicit permutation (torch.permute). */
export const permute = (x: TensorLike, perm: readonly number[]): Tensor => transpose(x, perm);

/** Exchange two axes. */
export const swapAxes = op((x: TensorLike, a: number, b: number): Tensor => {
  const t = toTensor(x, "swapAxes", "x");
  const i = normalizeAxis(a, t.rank, "swapAxes", "a");
  const j = normalizeAxis(b, t.rank, "swapAxes", "b");
  const perm = t.shape.map((_, k) => (k === i ? j : k === j ? i : k));
  return transpose(t, perm);
});

/** Materialize x broadcast to `shape`. */
export const broadcastTo = op((x: TensorLike, shape: readonly number[]): Tensor => {
  const t = toTensor(x, "broadcastTo", "x");
  const s = broadcastShapes(t.shape, shape, "broadcastTo", ["x", "shape"]);
  if (!shapesEqual(s, shape))
    throw new ShapeError(
      "broadcastTo",
      "shape",
      `a shape x [${t.shape}] broadcasts to`,
      show(shape),
    );
  if (shapesEqual(t.shape, shape)) return t;
  return run("BroadcastTo", [t], { shape: s }, "broadcastTo");
});

/** One axis of a slice: an index (drops the axis), null (whole axis), or start/stop/step. */
export type SliceSpec =
  | number
  | null
  | { start?: number | null; stop?: number | null; step?: number | null };

/** Parse numpy-style text: "0, 1:5:2, ::-1, ..." (an ellipsis fills the remaining axes). */
function parseSlice(text: string): (SliceSpec | "...")[] {
  return text.split(",").map((part) => {
    const p = part.trim();
    if (p === "...") return "...";
    if (p === ":" || p === "") return null;
    const num = (s: string | undefined): number | null => {
      if (s === undefined || s.trim() === "") return null;
      const v = Number(s);
      if (!Number.isInteger(v))
        throw new ValueError("slice", "spec", "integers in a slice", show(s));
      return v;
    };
    if (!p.includes(":")) return num(p) as number;
    const [a, b, c] = p.split(":");
    return { start: num(a), stop: num(b), step: num(c) };
  });
}

/** Python slice semantics (PySlice_AdjustIndices): begin index and element count. */
function adjust(
  n: number,
  start: number | null | undefined,
  stop: number | null | undefined,
  step: number,
): [number, number] {
  let b: number;
  let e: number;
  if (step > 0) {
    b = start == null ? 0 : start < 0 ? Math.max(start + n, 0) : Math.min(start, n);
    e = stop == null ? n : stop < 0 ? Math.max(stop + n, 0) : Math.min(stop, n);
  } else {
    b = start == null ? n - 1 : start < 0 ? Math.max(start + n, -1) : Math.min(start, n - 1);
    e = stop == null ? -1 : stop < 0 ? Math.max(stop + n, -1) : Math.min(stop, n - 1);
  }
  const count = Math.max(0, Math.ceil((e - b) / step));
  return [count === 0 ? 0 : b, count];
}

/**
 * numpy basic indexing: `slice(x, [0, {start: 1, stop: 5, step: 2}, null])` or
 * `slice(x, "0, 1:5:2, :")`. Negative steps reverse. Missing trailing axes are taken whole.
 */
export const slice = op((x: TensorLike, spec: string | readonly (SliceSpec | "...")[]): Tensor => {
  const t = toTensor(x, "slice", "x");
  let specs = typeof spec === "string" ? parseSlice(spec) : spec.slice();
  const ell = specs.indexOf("...");
  if (ell >= 0) {
    if (specs.lastIndexOf("...") !== ell)
      throw new ValueError("slice", "spec", "at most one ellipsis", show(spec));
    const fill = t.rank - (specs.length - 1);
    specs = [
      ...specs.slice(0, ell),
      ...new Array<SliceSpec>(Math.max(fill, 0)).fill(null),
      ...specs.slice(ell + 1),
    ];
  }
  if (specs.length > t.rank) {
    throw new ShapeError(
      "slice",
      "spec",
      `at most ${t.rank} axis specs for shape [${t.shape}]`,
      `${specs.length}`,
    );
  }
  const begin: number[] = [];
  const size: number[] = [];
  const step: number[] = [];
  const keep: number[] = [];
  t.shape.forEach((n, axis) => {
    const s = (specs[axis] ?? null) as SliceSpec;
    if (typeof s === "number") {
      if (!Number.isInteger(s) || s < -n || s >= n) {
        throw new ValueError("slice", `spec[${axis}]`, `an index in [${-n}, ${n - 1}]`, show(s));
      }
      begin.push(s < 0 ? s + n : s);
      size.push(1);
      step.push(1);
      return;
    }
    const st = s?.step ?? 1;
    if (!Number.isInteger(st) || st === 0)
      throw new ValueError("slice", `spec[${axis}].step`, "a non-zero integer", show(st));
    for (const [k, v] of [
      ["start", s?.start],
      ["stop", s?.stop],
    ] as const) {
      if (v != null && !Number.isInteger(v))
        throw new ValueError("slice", `spec[${axis}].${k}`, "an integer or null", show(v));
    }
    const [b, c] = adjust(n, s?.start, s?.stop, st);
    begin.push(b);
    size.push(c);
    step.push(st);
    keep.push(axis);
  });
  const out = run("StridedSlice", [t], { begin, size, step }, "slice");
  const outShape = keep.map((a) => size[a]);
  return outShape.length === size.length ? out : reshape(out, outShape);
});

/** Reverse the order of elements along the given axes (all by default). */
export const flip = op((x: TensorLike, axis?: number | number[]): Tensor => {
  const t = toTensor(x, "flip", "x");
  const axes = normalizeAxes(axis, t.rank, "flip");
  const specs: SliceSpec[] = t.shape.map((_, i) => (axes.includes(i) ? { step: -1 } : null));
  return slice(t, specs);
});

function sameDTypes(ts: Tensor[], fn: string): void {
  for (let i = 1; i < ts.length; i++) {
    if (ts[i].dtype !== ts[0].dtype)
      throw new DTypeError(fn, `tensors[${i}]`, ts[0].dtype, ts[i].dtype);
  }
}

/** Join along an existing axis. */
export const concat = op((tensors: readonly TensorLike[], axis = 0): Tensor => {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ValueError("concat", "tensors", "a non-empty array", show(tensors));
  const like = tensors.find((x): x is Tensor => x instanceof Tensor)?.dtype; // plain values adopt it
  const ts = tensors.map((x, i) => toTensor(x, "concat", `tensors[${i}]`, like));
  sameDTypes(ts, "concat");
  const a = normalizeAxis(axis, ts[0].rank, "concat");
  ts.forEach((t, i) => {
    if (t.rank !== ts[0].rank || t.shape.some((d, k) => k !== a && d !== ts[0].shape[k])) {
      throw new ShapeError(
        "concat",
        `tensors[${i}]`,
        `shape [${ts[0].shape}] except along axis ${a}`,
        show(t.shape),
      );
    }
  });
  if (ts[0].rank === 0)
    throw new ShapeError(
      "concat",
      "tensors[0]",
      "at least 1 dimension (use stack for scalars)",
      "a scalar",
    );
  if (ts.length === 1) return ts[0];
  return run("Concat", ts, { axis: a }, "concat");
});

/** Join along a new axis. */
export const stack = op((tensors: readonly TensorLike[], axis = 0): Tensor => {
  if (!Array.isArray(tensors) || tensors.length === 0)
    throw new ValueError("stack", "tensors", "a non-empty array", show(tensors));
  const like = tensors.find((x): x is Tensor => x instanceof Tensor)?.dtype;
  const ts = tensors.map((x, i) => toTensor(x, "stack", `tensors[${i}]`, like));
  ts.forEach((t, i) => {
    if (!shapesEqual(t.shape, ts[0].shape))
      throw new ShapeError("stack", `tensors[${i}]`, show(ts[0].shape), show(t.shape));
  });
  const a = normalizeAxis(axis, ts[0].rank + 1, "stack");
  return concat(
    ts.map((t) => expandDims(t, a)),
    a,
  );
});

/** Split into `sections` equal parts, or parts of the given sizes, along `axis`. */
export function split(x: TensorLike, sections: number | readonly number[], axis = 0): Tensor[] {
  return ENGINE.tidy(() => {
    const t = toTensor(x, "split", "x");
    const a = normalizeAxis(axis, t.rank, "split");
    const n = t.shape[a];
    let sizes: number[];
    if (typeof sections === "number") {
      if (!Number.isInteger(sections) || sections <= 0 || n % sections !== 0) {
        throw new ValueError("split", "sections", `a positive divisor of ${n}`, show(sections));
      }
      sizes = new Array(sections).fill(n / sections);
    } else {
      sizes = sections.slice();
      if (
        sizes.some((s) => !Number.isInteger(s) || s < 0) ||
        sizes.reduce((p, q) => p + q, 0) !== n
      ) {
        throw new ValueError(
          "split",
          "sections",
          `non-negative sizes summing to ${n}`,
          show(sections),
        );
      }
    }
    let start = 0;
    return sizes.map((s) => {
      const spec: SliceSpec[] = t.shape.map((_, i) =>
        i === a ? { start, stop: start + s } : null,
      );
      start += s;
      return slice(t, spec);
    });
  });
}

/** Plain indices (number, nested array, typed array) straight to int32, refusing non-integers. */
function indexTensor(x: TensorLike): Tensor {
  const values =
    typeof x === "number"
      ? [x]
      : ArrayBuffer.isView(x)
        ? Array.from(x as ArrayLike<number>)
        : (x as readonly unknown[]).flat(Infinity as 1);
  const shape =
    typeof x === "number"
      ? []
      : ArrayBuffer.isView(x)
        ? [values.length]
        : inferShape(x, "gather", "indices");
  for (const v of values as number[]) {
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647) {
      throw new ValueError("gather", "indices", "integer indices in the int32 range", show(v));
    }
  }
  return ENGINE.makeTensor(
    Int32Array.from(values as number[]),
    shape,
    "int32",
    ENGINE.backend,
    "gather",
  );
}

/** numpy.take / torch.index_select: pick entries of x along `axis` by integer indices. */
export const gather = op((x: TensorLike, indices: TensorLike, axis = 0): Tensor => {
  const t = toTensor(x, "gather", "x");
  let idx =
    indices instanceof Tensor || typeof indices === "boolean" || indices instanceof Uint8Array
      ? toTensor(indices, "gather", "indices", "int32")
      : indexTensor(indices);
  if (idx.dtype !== "int32") {
    if (idx.dtype === "bool" || idx.dtype.startsWith("complex"))
      throw new DTypeError("gather", "indices", "int32", idx.dtype);
    idx = cast(idx, "int32", "gather");
  }
  const a = normalizeAxis(axis, t.rank, "gather");
  return run("Gather", [t, idx], { axis: a }, "gather");
});

/** Alias of gather (numpy's name). */
export const take = gather;

/**
 * The transpose of gather (the kernel of gather's gradient, torch's index_add into zeros): a
 * tensor with `size` entries along `axis`, zero except out[..., indices[j...], ...] +=
 * updates[..., j..., ...], repeated indices adding up. updates has the indices' shape in place of
 * that axis (the shape gather would return). Differentiable w.r.t. updates (its gradient is a
 * gather). Composite ops use it to spread values onto grids on every backend.
 */
export const scatterAdd = op(
  (updates: TensorLike, indices: Tensor, size: number, axis = 0): Tensor => {
    const fn = "scatterAdd";
    const u = toTensor(updates, fn, "updates");
    if (!(indices instanceof Tensor))
      throw new ValueError(fn, "indices", "an int32 Tensor", show(indices));
    if (indices.dtype !== "int32") throw new DTypeError(fn, "indices", "int32", indices.dtype);
    if (!Number.isInteger(size) || size < 1)
      throw new ValueError(fn, "size", "a positive integer", show(size));
    const r = indices.shape.length;
    const outRank = u.shape.length - r + 1;
    if (!Number.isInteger(axis) || axis < 0 || axis >= outRank)
      throw new ValueError(fn, "axis", `an integer in [0, ${outRank - 1}]`, show(axis));
    const covered = u.shape.slice(axis, axis + r);
    if (covered.length !== r || covered.some((n, i) => n !== indices.shape[i]))
      throw new ShapeError(
        fn,
        "updates",
        `the indices' shape [${indices.shape}] at axis ${axis}`,
        `shape [${u.shape}]`,
      );
    return run("ScatterAdd", [u, indices], { axis, size }, fn);
  },
);

export type PadMode = "constant" | "reflect" | "circular";

/** Index vector realizing reflect / circular padding along an axis of length n. */
function padIndices(
  n: number,
  before: number,
  after: number,
  mode: "reflect" | "circular",
): Int32Array {
  const out = new Int32Array(n + before + after);
  for (let k = 0; k < out.length; k++) {
    const i = k - before;
    if (mode === "circular") out[k] = ((i % n) + n) % n;
    else {
      const period = 2 * (n - 1);
      const m = period === 0 ? 0 : ((i % period) + period) % period;
      out[k] = m < n ? m : period - m;
    }
  }
  return out;
}

/**
 * Pad with `paddings[i] = [before, after]` per axis (missing leading axes: none).
 * Modes as numpy/PyTorch: constant (value), reflect (mirror without the edge), circular (wrap).
 */
export const pad = op(
  (
    x: TensorLike,
    paddings: readonly (readonly [number, number])[],
    opts: { mode?: PadMode; value?: number } = {},
  ): Tensor => {
    const t = toTensor(x, "pad", "x");
    const mode = opts.mode ?? "constant";
    if (paddings.length > t.rank)
      throw new ShapeError("pad", "paddings", `at most ${t.rank} pairs`, `${paddings.length}`);
    const full: [number, number][] = [
      ...new Array<[number, number]>(t.rank - paddings.length).fill([0, 0]),
      ...paddings.map((p) => [p[0], p[1]] as [number, number]),
    ];
    for (const [b, a] of full) {
      if (!Number.isInteger(b) || !Number.isInteger(a) || b < 0 || a < 0) {
        throw new ValueError("pad", "paddings", "non-negative integer pairs", show(paddings));
      }
    }
    if (mode === "constant") {
      if (full.every(([b, a]) => b === 0 && a === 0)) return t;
      return run("PadConstant", [t], { paddings: full, value: opts.value ?? 0 }, "pad");
    }
    if (mode !== "reflect" && mode !== "circular") {
      throw new ValueError("pad", "mode", "'constant', 'reflect' or 'circular'", show(mode));
    }
    let out = t;
    full.forEach(([b, a], axis) => {
      if (b === 0 && a === 0) return;
      const n = t.shape[axis];
      if (n === 0 || (mode === "reflect" && n === 1)) {
        throw new ShapeError(
          "pad",
          "x",
          `axis ${axis} long enough for ${mode} padding`,
          `size ${n}`,
        );
      }
      const idx = ENGINE.makeTensor(
        padIndices(n, b, a, mode),
        [n + b + a],
        "int32",
        t.backend,
        "pad",
      );
      out = gather(out, idx, axis);
    });
    return out;
  },
);

/** The same tensor, cut off from the gradient tape (its gradient is zero). */
export const stopGradient = op(
  (x: TensorLike): Tensor =>
    ENGINE.noGrad(() => {
      const t = toTensor(x, "stopGradient", "x");
      return run("Reshape", [t], { shape: t.shape }, "stopGradient");
    }),
);
