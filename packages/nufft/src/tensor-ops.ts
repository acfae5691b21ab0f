/**
 * `@modewise/nufft/tensor`: NUFFT types 1 and 2 as differentiable tensor ops. Importing this
 * module registers two kernels into @modewise/tensor's engine (its documented side effect;
 * package.json lists it in `sideEffects`):
 *
 *   "NUFFT1"  [points (d, M) real, c (..., M) complex]          -> f (..., N_1, ..., N_d)
 *             f[..., k] = sum_j c[..., j] exp(s i k . x_j)
 *   "NUFFT2"  [points (d, M) real, f (..., N_1, ..., N_d) complex] -> c (..., M)
 *             c[..., j] = sum_k f[..., k] exp(s i k . x_j)
 *
 * s = isign; points[a] are the coordinates along mode axis a (points[0] <-> N_1, the first mode
 * axis); k_a runs over the modes of types.ts (cmcl: -floor(N/2) .. ceil(N/2) - 1, or fft order).
 * The mode axes are row-major (the last fastest), the layout a tensor has; the plan underneath
 * is FINUFFT's x-fastest, so the kernels hand it the dimensions in reverse order. The leading
 * axes (...) are a batch sharing the points (the plan's nTransforms).
 *
 * Gradients (PyTorch's convention: for a real loss L and complex z, grad z = dL/dRe z +
 * i dL/dIm z; for real x, dL/dx = Re sum conj(grad y) dy/dx). With g the incoming gradient:
 *   NUFFT1, w.r.t. c:  the adjoint, grad c = A^H g = NUFFT2 with sign -s       (one NUFFT)
 *   NUFFT1, w.r.t. x_j along axis a:
 *     dL/dx_aj = Re sum_k conj(g_k) (i s k_a) c_j e^{i s k.x_j}
 *              = sum over the batch of Re( conj(c_j) NUFFT2_{-s}[ (-i s k_a) g ]_j )   (d NUFFTs)
 *   NUFFT2, w.r.t. f:  grad f = A^H g = NUFFT1 with sign -s
 *   NUFFT2, w.r.t. x_j along axis a:
 *     dL/dx_aj = sum over the batch of Re( conj(g_j) NUFFT2_{s}[ (i s k_a) f ]_j )
 * Every gradient is written with these two kernels and elementwise tensor ops, so gradients of
 * gradients work too (checked with finite differences in test/tensor-grad.test.ts). The point
 * gradient is the derivative of the EXACT sum evaluated by a NUFFT, so it is accurate to the
 * NUFFT tolerance relative to sum |k_a| |c| |g|, like the values.
 *
 * Plans (the bin sort of the points) are cached by the points' storage, so a forward pass and
 * its backward pass sort the points once (planFor; clearNufftPlanCache frees them).
 *
 * With `pointsGrad: false` the point gradient is not computed (it costs d extra NUFFTs per
 * backward pass); the points then get a zero gradient, which is right only for fixed points.
 *
 * On a backend without these kernels (or with `path: "composite"`) the ops run
 * tensor-composite/ instead: the same algorithm from core tensor ops and @modewise/fft/tensor,
 * differentiable by autograd, for every backend that implements the core kernels.
 */
import {
  type Backend,
  conj,
  DTypeError,
  hasKernel,
  isComplex,
  mul,
  readSync,
  real,
  registerGradient,
  registerKernel,
  reshape,
  runKernel,
  ShapeError,
  stack,
  sum,
  Tensor,
  type TensorInfo,
  tensor,
  tidy,
  toComplex,
  ValueError,
  writeOutput,
} from "@modewise/tensor";
import { modeOf } from "./deconvolve.js";
import { executeThreaded } from "./parallel/execute.js";
import { makePlan, type NufftPlan } from "./plan.js";
import { nufft1Composite, nufft2Composite } from "./tensor-composite/index.js";
import type { ModeOrder, Sign, Upsampfac } from "./types.js";
import { checkEps, checkModeOrder, checkSign, checkUpsampfac, describeValue } from "./validate.js";

// ---- kernel attributes ----------------------------------------------------------------------

export interface NufftKernelAttrs {
  /** Modes per mode axis, in tensor axis order (N_1 first). */
  nModes: number[];
  isign: Sign;
  eps: number;
  modeOrder: ModeOrder;
  upsampfac: Upsampfac;
  /** Threads for spreading / interpolation (parallel/execute.ts). */
  threads: number | undefined;
  /** false: the kernels' gradients return no point gradient. */
  pointsGrad: boolean;
}

const product = (a: readonly number[]): number => a.reduce((p, n) => p * n, 1);

type Real = Float64Array | Float32Array;

/**
 * Plans are cached by the points' storage (a tensor's storage never changes) and the options:
 * a forward pass and its backward pass (d + 1 more NUFFTs on the same points) then share one
 * bin sort. One type-1 plan of sign sigma serves both directions: execute is the type 1 with
 * sign sigma, adjoint the type 2 with sign -sigma. Entries keep the plan's sorted points
 * (~(8 d + 4) M bytes); PLAN_CACHE_SIZE bounds them, least recently used evicted first.
 */
const PLAN_CACHE_SIZE = 4;
interface CachedPlan {
  dataId: object;
  key: string;
  plan: NufftPlan;
}
const planCache: CachedPlan[] = [];

/** Dispose the cached plans of the tensor ops (they are rebuilt on demand). */
export function clearNufftPlanCache(): void {
  for (const e of planCache.splice(0)) e.plan.dispose();
}

function planFor(
  points: TensorInfo,
  backend: Backend,
  attrs: NufftKernelAttrs,
  sigma: Sign,
  f32: boolean,
): NufftPlan {
  const key = [
    attrs.nModes.join("x"),
    attrs.eps,
    attrs.modeOrder,
    attrs.upsampfac,
    sigma,
    f32,
  ].join("|");
  const hit = planCache.findIndex((e) => e.dataId === points.dataId && e.key === key);
  if (hit >= 0) {
    const [entry] = planCache.splice(hit, 1);
    planCache.unshift(entry);
    return entry.plan;
  }
  const d = attrs.nModes.length;
  const values = readSync(points, backend) as Real;
  const m = values.length / d;
  // The plan is FINUFFT's x-fastest: the tensor's last mode axis is its first dimension.
  const plan = makePlan(1, attrs.nModes.slice().reverse(), {
    eps: attrs.eps,
    isign: sigma,
    modeOrder: attrs.modeOrder,
    upsampfac: attrs.upsampfac,
    precision: f32 ? "f32" : "f64",
  });
  const coords = Array.from({ length: d }, (_, a) => values.subarray(a * m, (a + 1) * m)).reverse();
  plan.setPoints(coords[0], coords[1], coords[2]);
  planCache.unshift({ dataId: points.dataId, key, plan });
  while (planCache.length > PLAN_CACHE_SIZE) planCache.pop()?.plan.dispose();
  return plan;
}

/**
 * Run a type-1 or type-2 NUFFT on raw kernel data: points (d, M) row-major, data interleaved
 * complex with `batch` contiguous blocks. Returns the interleaved output.
 */
function transform(
  type: 1 | 2,
  points: TensorInfo,
  data: Real,
  batch: number,
  attrs: NufftKernelAttrs,
  backend: Backend,
): Real {
  const d = attrs.nModes.length;
  const m = points.shape[1];
  const cells = product(attrs.nModes);
  const f32 = data instanceof Float32Array;
  const inSize = 2 * (type === 1 ? m : cells);
  const outSize = 2 * (type === 1 ? cells : m);
  const out = f32 ? new Float32Array(batch * outSize) : new Float64Array(batch * outSize);
  // Empty sums: no points or an empty batch. The transform of nothing is zero (type 1) or has
  // no entries (type 2); plans need M >= 1.
  if (out.length === 0 || m === 0 || d === 0) return out;
  // type 1 with sign s: execute of the plan of sign s; type 2 with sign s: adjoint of -s.
  const sigma = (type === 1 ? attrs.isign : -attrs.isign) as Sign;
  const plan = planFor(points, backend, attrs, sigma, f32);
  for (let b = 0; b < batch; b++) {
    executeThreaded(
      plan,
      data.subarray(b * inSize, (b + 1) * inSize),
      out.subarray(b * outSize, (b + 1) * outSize),
      { threads: attrs.threads, adjoint: type === 2 },
    );
  }
  return out;
}

registerKernel<NufftKernelAttrs>("NUFFT1", "cpu", ([points, c], attrs, backend) => {
  const batchShape = c.shape.slice(0, -1);
  const out = transform(
    1,
    points,
    readSync(c, backend) as Real,
    product(batchShape),
    attrs,
    backend,
  );
  return writeOutput(out, [...batchShape, ...attrs.nModes], c.dtype, backend);
});

registerKernel<NufftKernelAttrs>("NUFFT2", "cpu", ([points, f], attrs, backend) => {
  const d = attrs.nModes.length;
  const batchShape = f.shape.slice(0, f.shape.length - d);
  const m = points.shape[1];
  const out = transform(
    2,
    points,
    readSync(f, backend) as Real,
    product(batchShape),
    attrs,
    backend,
  );
  return writeOutput(out, [...batchShape, m], f.dtype, backend);
});

/**
 * The complex constant (i sgn k_a) shaped to broadcast against a (..., N_1, ..., N_d) tensor:
 * N_a along mode axis a, 1 along the later mode axes.
 */
function modeFactor(
  attrs: NufftKernelAttrs,
  a: number,
  sgn: number,
  dtype: "complex64" | "complex128",
): Tensor {
  const n = attrs.nModes[a];
  const values = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) values[2 * i + 1] = sgn * modeOf(i, n, attrs.modeOrder);
  const shape = [n, ...attrs.nModes.slice(a + 1).map(() => 1)];
  return tensor(dtype === "complex64" ? Float32Array.from(values) : values, { dtype, shape });
}

/** Sum a (..., M) real tensor over its batch axes to (M). */
function sumBatch(t: Tensor): Tensor {
  if (t.rank === 1) return t;
  return sum(
    t,
    t.shape.slice(0, -1).map((_, i) => i),
  );
}

function flipped(attrs: NufftKernelAttrs): NufftKernelAttrs {
  return { ...attrs, isign: -attrs.isign as Sign };
}

registerGradient<NufftKernelAttrs>("NUFFT1", (g, [points, c], _f, attrs) => {
  const gc = runKernel<NufftKernelAttrs>(
    "NUFFT2",
    [points, g],
    flipped(attrs),
    "nufft1 (gradient)",
  );
  if (!attrs.pointsGrad) return [null, gc];
  const dtype = g.dtype as "complex64" | "complex128";
  const rows = attrs.nModes.map((_, a) => {
    const gk = mul(g, modeFactor(attrs, a, -attrs.isign, dtype));
    const t = runKernel<NufftKernelAttrs>(
      "NUFFT2",
      [points, gk],
      flipped(attrs),
      "nufft1 (gradient)",
    );
    return sumBatch(real(mul(conj(c), t)));
  });
  return [stack(rows, 0), gc];
});

registerGradient<NufftKernelAttrs>("NUFFT2", (g, [points, f], _c, attrs) => {
  const gf = runKernel<NufftKernelAttrs>(
    "NUFFT1",
    [points, g],
    flipped(attrs),
    "nufft2 (gradient)",
  );
  if (!attrs.pointsGrad) return [null, gf];
  const dtype = f.dtype as "complex64" | "complex128";
  const rows = attrs.nModes.map((_, a) => {
    const fk = mul(f, modeFactor(attrs, a, attrs.isign, dtype));
    const t = runKernel<NufftKernelAttrs>("NUFFT2", [points, fk], attrs, "nufft2 (gradient)");
    return sumBatch(real(mul(conj(g), t)));
  });
  return [stack(rows, 0), gf];
});

// ---- public ops -----------------------------------------------------------------------------

export interface NufftTensorOptions {
  /** Requested relative L2 tolerance (types.ts), default 1e-6. */
  eps?: number;
  /** Sign of the exponent: default +1 for nufft1, -1 for nufft2 (plan defaults, types.ts). */
  isign?: Sign;
  /** Order of the modes along each mode axis, default "cmcl" (centered). */
  modeOrder?: ModeOrder;
  /** Upsampling factor of the fine grid, default 2. */
  upsampfac?: Upsampfac;
  /** Threads for spreading / interpolation; default the available cores (1 in browsers). */
  threads?: number;
  /** Compute the gradient w.r.t. the points (default true; false saves d NUFFTs per backward). */
  pointsGrad?: boolean;
  /**
   * "native": the registered "NUFFT1"/"NUFFT2" kernels (an error on a backend without them);
   * "composite": the same algorithm from core tensor ops and @modewise/fft/tensor
   * (tensor-composite/), which runs on every backend. Default: native where the input's
   * backend has the kernel, else composite.
   */
  path?: "native" | "composite";
}

/** Run the native kernel or the composite, as opts.path and the input's backend decide. */
function dispatch(
  kernel: "NUFFT1" | "NUFFT2",
  x: Tensor,
  data: Tensor,
  attrs: NufftKernelAttrs,
  o: NufftTensorOptions,
  fn: string,
): Tensor {
  const path = o.path;
  if (path !== undefined && path !== "native" && path !== "composite")
    throw new ValueError(fn, "opts.path", "native, composite or undefined", describeValue(path));
  if (path === "composite" || (path === undefined && !hasKernel(kernel, x.backend.name)))
    return kernel === "NUFFT1" ? nufft1Composite(x, data, attrs) : nufft2Composite(x, data, attrs);
  return runKernel<NufftKernelAttrs>(kernel, [x, data], attrs, fn);
}

function checkOptions(opts: unknown, fn: string): NufftTensorOptions {
  if (opts === undefined || opts === null) return {};
  if (typeof opts !== "object" || Array.isArray(opts))
    throw new ValueError(fn, "opts", "an options object", describeValue(opts));
  return opts as NufftTensorOptions;
}

function requireTensor(x: unknown, fn: string, name: string): Tensor {
  if (!(x instanceof Tensor)) throw new ValueError(fn, name, "a Tensor", describeValue(x));
  x.assertLive(fn, name);
  return x;
}

/** The points as a (d, M) tensor (a rank-1 (M) tensor is 1-D points). */
function pointsTensor(x: unknown, d: number | undefined, fn: string): Tensor {
  const t = requireTensor(x, fn, "points");
  if (t.dtype !== "float64" && t.dtype !== "float32")
    throw new DTypeError(fn, "points", "a real float64 or float32 tensor", t.dtype);
  if (t.rank === 1 && (d === undefined || d === 1)) return reshape(t, [1, t.shape[0]]);
  if (t.rank !== 2 || t.shape[0] < 1 || t.shape[0] > 3 || (d !== undefined && t.shape[0] !== d)) {
    const want =
      d === undefined
        ? "(d, M) with d = 1, 2 or 3, or (M)"
        : d === 1
          ? "(1, M) or (M)"
          : `(${d}, M)`;
    throw new ShapeError(fn, "points", `shape ${want}`, `shape [${t.shape}]`);
  }
  return t;
}

/** Data as a complex tensor of the points' precision (real data is promoted). */
function complexData(x: unknown, points: Tensor, fn: string, name: string): Tensor {
  const t = requireTensor(x, fn, name);
  const want = points.dtype === "float64" ? "complex128" : "complex64";
  const real = points.dtype;
  if (t.dtype !== want && t.dtype !== real)
    throw new DTypeError(
      fn,
      name,
      `${want} or ${real} (the precision of points, ${points.dtype})`,
      t.dtype,
    );
  return isComplex(t.dtype) ? t : toComplex(t);
}

function kernelAttrs(
  o: NufftTensorOptions,
  nModes: number[],
  defaultSign: Sign,
  fn: string,
): NufftKernelAttrs {
  const upsampfac = checkUpsampfac(fn, o.upsampfac ?? 2);
  if (o.pointsGrad !== undefined && typeof o.pointsGrad !== "boolean")
    throw new ValueError(fn, "pointsGrad", "a boolean", describeValue(o.pointsGrad));
  if (
    o.threads !== undefined &&
    (typeof o.threads !== "number" || !Number.isInteger(o.threads) || o.threads < 1)
  )
    throw new ValueError(fn, "threads", "a positive integer", describeValue(o.threads));
  return {
    nModes,
    isign: checkSign(fn, o.isign ?? defaultSign),
    // Tensors carry f64 or f32 data; the f64 floor applies to both here and the plan checks f32.
    eps: checkEps(fn, o.eps ?? 1e-6, "f64", upsampfac).eps,
    modeOrder: checkModeOrder(fn, o.modeOrder ?? "cmcl"),
    upsampfac,
    threads: o.threads,
    pointsGrad: o.pointsGrad ?? true,
  };
}

function checkModeCounts(nModes: unknown, fn: string): number[] {
  const list = typeof nModes === "number" ? [nModes] : nModes;
  if (!Array.isArray(list) || list.length < 1 || list.length > 3)
    throw new ValueError(
      fn,
      "nModes",
      "a mode count or an array of 1 to 3 of them",
      describeValue(nModes),
    );
  list.forEach((n, a) => {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1)
      throw new ValueError(fn, `nModes[${a}]`, "a positive integer", describeValue(n));
  });
  return list.slice() as number[];
}

/**
 * Type-1 NUFFT (nonuniform -> uniform): f[..., k] = sum_j c[..., j] exp(isign i k . x_j).
 * points: (d, M) real (or (M) for d = 1) on the torus [-pi, pi) (folded periodically);
 * c: (..., M) complex (real is promoted) of the points' precision; nModes: [N_1, ..., N_d].
 * Returns (..., N_1, ..., N_d). Differentiable w.r.t. c and points.
 */
export function nufft1(
  points: Tensor,
  c: Tensor,
  nModes: number | readonly number[],
  opts?: NufftTensorOptions,
): Tensor {
  const fn = "nufft1";
  return tidy(() => {
    const o = checkOptions(opts, fn);
    const modes = checkModeCounts(nModes, fn);
    const x = pointsTensor(points, modes.length, fn);
    const data = complexData(c, x, fn, "c");
    if (data.rank < 1 || data.shape[data.rank - 1] !== x.shape[1])
      throw new ShapeError(
        fn,
        "c",
        `shape (..., ${x.shape[1]}) (M from points)`,
        `shape [${data.shape}]`,
      );
    return dispatch("NUFFT1", x, data, kernelAttrs(o, modes, 1, fn), o, fn);
  });
}

/**
 * Type-2 NUFFT (uniform -> nonuniform): c[..., j] = sum_k f[..., k] exp(isign i k . x_j).
 * points: (d, M) real (or (M) for d = 1); f: (..., N_1, ..., N_d) complex (real is promoted).
 * Returns (..., M). Differentiable w.r.t. f and points.
 */
export function nufft2(points: Tensor, f: Tensor, opts?: NufftTensorOptions): Tensor {
  const fn = "nufft2";
  return tidy(() => {
    const o = checkOptions(opts, fn);
    const x = pointsTensor(points, undefined, fn);
    const d = x.shape[0];
    const data = complexData(f, x, fn, "f");
    if (data.rank < d)
      throw new ShapeError(
        fn,
        "f",
        `at least ${d} axes (the mode axes of ${d}-D points)`,
        `shape [${data.shape}]`,
      );
    const modes = data.shape.slice(data.rank - d);
    checkModeCounts(modes, fn);
    return dispatch("NUFFT2", x, data, kernelAttrs(o, modes, -1, fn), o, fn);
  });
}
