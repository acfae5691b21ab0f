/**
 * CORE's parity cases: every core kernel except BatchMatMul / Conv* (LINALG's) on the ACTIVE
 * backend (the caller did `await useGpu({ backend })`) against the float64 CPU reference of the
 * same public op. Inputs are float32-exact, so the reference sees the very same numbers and the
 * difference is the GPU evaluation error alone. No node: imports (these also run in Chromium).
 *
 * Tolerances (absolute: max over the elements, u = 2^-24; ulp(y) <= 2u|y|):
 *  - layout, compare, where, cast, argmax / argmin, max / min, floor-like ops: 0 (exact).
 *  - one correctly rounded operation (+, -, *, square, complex assembly): u max|y|.
 *  - division, sqrt, reciprocal: 2.5 ulp in GLSL ES 3.0 / WGSL (correctly rounded on wasm):
 *    5u max|y|.
 *  - transcendental and composite functions: k ulp with k from the backend's accuracy rules:
 *    wasm (gpu.js's f32 libm, measured <= 1 ulp per call) k = 8 for a chain of <= 4 calls;
 *    GPU backends k = 32 (WGSL: exp/exp2 3 + 2|x| ulp for |x| <= 2, log 3 ulp, tanh etc.
 *    inherited from their exp formulas, + the composition's rounding), plus sin/cos's absolute
 *    2^-11 on [-pi, pi] (WGSL §14.6.2 floating-point accuracy) when the function uses them;
 *    atan / atan2 and what inherits from them (asin, acos, angle, complex log): 4096 ulp (WGSL).
 *    erf / gelu add the Chebyshev fit's 1.2e-7 relative error of erfc (Numerical Recipes 6.2.2).
 *  - sums: the tree reduction's (F - 1) ceil(log_F n) u sum|x| + u |sum| (src/kernels/reduce.ts).
 *  - products of n factors: (n + 1) u |prod| (relative errors add, first order).
 */
import {
  add,
  argmax,
  argmin,
  astype,
  atan2,
  broadcastTo,
  complex,
  concat,
  div,
  equal,
  gather,
  getBackend,
  grad,
  greater,
  greaterEqual,
  less,
  lessEqual,
  max,
  maximum,
  min,
  minimum,
  mul,
  notEqual,
  pad,
  polar,
  pow,
  prod,
  reshape,
  scatterAdd,
  slice,
  softshrink,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
  transpose,
  type UnaryOp,
  where,
} from "@modewise/tensor";
import { lastExecutor, REDUCE_FAN_IN, reducePasses } from "@modewise/tensor-gpu";
import type { ParityCase, ParityResult } from "./cases-linalg.js";
import { unaryOps } from "./unary-ops.js";

const U = 2 ** -24;
const SINCOS_ABS = 2 ** -11;

/** Deterministic float32-exact values in [lo, hi) (a 32-bit LCG, Numerical Recipes constants). */
export function lcgValues(n: number, seed: number, lo = -1, hi = 1, integers = false): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = lo + ((hi - lo) * s) / 2 ** 32;
    out.push(integers ? Math.floor(v) : Math.fround(v));
  }
  return out;
}

type Kind = "float" | "complex" | "int32" | "bool";
interface InputSpec {
  shape: number[];
  kind?: Kind;
  lo?: number;
  hi?: number;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** The same data on the active backend (f32 / c64) and on the CPU in f64 / c128. */
function inputsFor(specs: readonly InputSpec[], seed: number): { dev: Tensor[]; cpu: Tensor[] } {
  const dev: Tensor[] = [];
  const cpu: Tensor[] = [];
  specs.forEach((spec, j) => {
    const kind = spec.kind ?? "float";
    const n = size(spec.shape) * (kind === "complex" ? 2 : 1);
    const ints = kind === "int32" || kind === "bool";
    const v = lcgValues(
      n,
      seed * 31 + j,
      spec.lo ?? (kind === "bool" ? 0 : -1),
      spec.hi ?? (kind === "bool" ? 2 : 1),
      ints,
    );
    const shape = spec.shape;
    if (kind === "int32") {
      dev.push(tensor(Int32Array.from(v), { shape }));
      cpu.push(tensor(Int32Array.from(v), { shape, device: "cpu" }));
    } else if (kind === "bool") {
      dev.push(tensor(Uint8Array.from(v), { shape, dtype: "bool" }));
      cpu.push(tensor(Uint8Array.from(v), { shape, dtype: "bool", device: "cpu" }));
    } else {
      const complexKind = kind === "complex";
      dev.push(
        tensor(Float32Array.from(v), { shape, dtype: complexKind ? "complex64" : "float32" }),
      );
      cpu.push(
        tensor(Float64Array.from(v), {
          shape,
          dtype: complexKind ? "complex128" : "float64",
          device: "cpu",
        }),
      );
    }
  });
  return { dev, cpu };
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) > m) m = Math.abs(a[i]);
  return m;
}

interface CaseSpec {
  name: string;
  inputs: InputSpec[];
  op: (...xs: Tensor[]) => Tensor;
  /** Absolute tolerance from the reference output and the f64 inputs. */
  tol: (want: Float64Array, cpuInputs: Float64Array[], backend: string) => number;
  /** The kernel whose executor the case reports. */
  kernel: string;
  seed?: number;
}

async function runCase(spec: CaseSpec): Promise<ParityResult> {
  const { dev, cpu } = inputsFor(spec.inputs, spec.seed ?? spec.name.length * 7 + 3);
  try {
    // tidy: intermediates of composed ops (astype, grad, reshape) are released too.
    const out = tidy(() => spec.op(...dev));
    const got = await out.data();
    const executor = lastExecutor(spec.kernel);
    out.dispose();
    const ref = tidy(() => spec.op(...cpu));
    const want = Float64Array.from((await ref.data()) as ArrayLike<number>);
    ref.dispose();
    const cpuInputs = await Promise.all(
      cpu.map(async (t) => Float64Array.from((await t.data()) as ArrayLike<number>)),
    );
    const backend = getBackend();
    return { got, want, tol: spec.tol(want, cpuInputs, backend), backend, executor };
  } finally {
    for (const t of [...dev, ...cpu]) t.dispose();
  }
}

const exact = () => 0;
const rounded = (k: number) => (want: Float64Array) => k * U * maxAbs(want);
/** k ulp relative to max|y| (2u per ulp) with k per backend, plus an absolute term. */
const transcendental =
  (
    opts: {
      sincos?: boolean;
      /** Amplification of sin/cos's absolute error by the formula (a denominator's condition). */
      sincosScale?: number;
      erf?: boolean;
      wasmUlps?: number;
      gpuUlps?: number;
    } = {},
  ) =>
  (want: Float64Array, _ins: Float64Array[], backend: string) => {
    const k = backend === "wasm" ? (opts.wasmUlps ?? 8) : (opts.gpuUlps ?? 32);
    let tol = 2 * k * U * Math.max(maxAbs(want), 1e-30);
    if (opts.sincos && backend !== "wasm")
      tol += SINCOS_ABS * (opts.sincosScale ?? 1) * Math.max(1, maxAbs(want));
    if (opts.erf) tol += 1.2e-7 * Math.max(1, maxAbs(want));
    return tol;
  };

const cases: CaseSpec[] = [];

// ---- Unary (every op, real) and its complex64 forms ------------------------------------------
for (const u of unaryOps) {
  cases.push({
    name: `Unary ${u.op} f32`,
    inputs: [{ shape: [4, 33], lo: u.lo, hi: u.hi }],
    op: (x) => u.apply(x),
    tol: u.exact
      ? exact
      : u.rounding
        ? rounded(u.rounding)
        : transcendental({ sincos: u.sincos, erf: u.erf, gpuUlps: u.inverseTrig ? 4096 : 32 }),
    kernel: "Unary",
  });
}
const COMPLEX_UNARY: {
  op: UnaryOp;
  apply: (x: Tensor) => Tensor;
  sincos?: boolean;
}[] = unaryOps
  .filter((u) =>
    [
      "neg",
      "conj",
      "square",
      "exp",
      "log",
      "sin",
      "cos",
      "sinh",
      "cosh",
      "reciprocal",
      "sqrt",
      "rsqrt",
      "tan",
      "tanh",
      "sign",
      "abs",
      "real",
      "imag",
      "angle",
    ].includes(u.op),
  )
  .map((u) => ({
    op: u.op,
    apply: u.apply,
    sincos: ["exp", "sin", "cos", "sinh", "cosh", "tan", "tanh", "angle", "log"].includes(u.op),
  }));
const poled = (op: UnaryOp) => op === "tan" || op === "tanh";
for (const u of COMPLEX_UNARY) {
  cases.push({
    name: `Unary ${u.op} complex64`,
    // tan / tanh divide by cosh(2b) + cos(2a) (a, b swapped for tanh), which nears 0 at the
    // poles: on [-1, 1]^2 it stays >= cosh 0 + cos 2 = 0.58, so sin/cos's absolute error is
    // amplified at most 1 / 0.58 < 2 relative to |y|.
    inputs: [
      {
        shape: [3, 17],
        kind: "complex",
        ...(poled(u.op) ? { lo: -1, hi: 1 } : { lo: -1.5, hi: 1.5 }),
      },
    ],
    op: (x) => u.apply(x),
    tol: ["neg", "conj", "real", "imag"].includes(u.op)
      ? exact
      : // angle and log go through atan2: 4096 ulp on WGSL.
        transcendental({
          sincos: u.sincos,
          sincosScale: poled(u.op) ? 2 : 1,
          gpuUlps: ["angle", "log"].includes(u.op) ? 4096 : 32,
        }),
    kernel: "Unary",
  });
}

// ---- UnaryDerivative through autograd (gradient of sum(f(x)) = f'(x)) --------------------------
for (const u of unaryOps.filter((o) => o.grad)) {
  cases.push({
    name: `UnaryDerivative ${u.op}`,
    inputs: [{ shape: [64], lo: u.lo, hi: u.hi }],
    op: (x) => grad((t) => sum(u.apply(t)))(x),
    tol: transcendental({ sincos: u.sincos, erf: u.erf }),
    kernel: "UnaryDerivative",
  });
}

cases.push({
  name: "Softshrink",
  inputs: [{ shape: [50] }],
  op: (x) => softshrink(x, 0.25),
  tol: rounded(1),
  kernel: "Softshrink",
});

// ---- Binary with broadcasting -------------------------------------------------------------------
const BINARY: [string, (a: Tensor, b: Tensor) => Tensor, CaseSpec["tol"], number?, number?][] = [
  ["add", add, rounded(1)],
  ["sub", sub, rounded(1)],
  ["mul", mul, rounded(1)],
  ["div", div, rounded(5), 0.25, 2],
  ["pow", pow, transcendental(), 0.1, 2],
  ["maximum", maximum, exact],
  ["minimum", minimum, exact],
  // WGSL: atan2 is accurate to 4096 ulp.
  ["atan2", atan2, transcendental({ gpuUlps: 4096 })],
];
for (const [name, f, tol, lo, hi] of BINARY) {
  cases.push({
    name: `Binary ${name} broadcast [4,1,5]x[3,1]`,
    inputs: [
      { shape: [4, 1, 5], lo: lo ?? -2, hi: hi ?? 2 },
      { shape: [3, 1], lo: lo ?? -2, hi: hi ?? 2 },
    ],
    op: f,
    tol,
    kernel: "Binary",
  });
}
cases.push({
  name: "Binary pow negative base, integer exponents",
  inputs: [
    { shape: [6, 1], lo: -2, hi: -0.5 },
    { shape: [5], kind: "int32", lo: -2, hi: 4 },
  ],
  op: (a, b) => pow(a, astype(b, a.dtype)),
  tol: transcendental(),
  kernel: "Binary",
});
for (const [name, f] of [
  ["add", add],
  ["sub", sub],
] as const) {
  cases.push({
    name: `Binary ${name} complex64 broadcast`,
    inputs: [
      { shape: [3, 4], kind: "complex" },
      { shape: [4], kind: "complex" },
    ],
    op: f,
    tol: rounded(1),
    kernel: "Binary",
  });
}
cases.push({
  name: "Binary mul complex64",
  inputs: [
    { shape: [2, 9], kind: "complex" },
    { shape: [2, 9], kind: "complex" },
  ],
  op: mul,
  // re = ac - bd: two rounded products and a rounded difference, |a|,|b|,|c|,|d| <= 1: 3u * 2.
  tol: () => 6 * U,
  kernel: "Binary",
});
cases.push({
  name: "Binary div complex64 (Smith)",
  inputs: [
    { shape: [20], kind: "complex" },
    { shape: [20], kind: "complex", lo: 0.5, hi: 1.5 },
  ],
  op: div,
  // Smith's algorithm: a few ulps relative to |quotient| (Higham §3.6), 2.5-ulp divisions on GPUs.
  tol: (want, _i, backend) => (backend === "wasm" ? 8 : 16) * 2 * U * maxAbs(want),
  kernel: "Binary",
});

// ---- Compare, Where, Complex, Polar, Cast -----------------------------------------------------
const COMPARE: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ["equal", equal],
  ["notEqual", notEqual],
  ["less", less],
  ["lessEqual", lessEqual],
  ["greater", greater],
  ["greaterEqual", greaterEqual],
];
for (const [name, f] of COMPARE) {
  cases.push({
    name: `Compare ${name} (ties) broadcast`,
    // Integer-valued floats so that ties occur.
    inputs: [
      { shape: [5, 1], kind: "int32", lo: -2, hi: 3 },
      { shape: [6], kind: "int32", lo: -2, hi: 3 },
    ],
    op: (a, b) =>
      f(
        astype(a, a.backend.name === "cpu" ? "float64" : "float32"),
        astype(b, b.backend.name === "cpu" ? "float64" : "float32"),
      ),
    tol: exact,
    kernel: "Compare",
  });
}
cases.push({
  name: "Compare equal complex64",
  inputs: [
    { shape: [8], kind: "int32", lo: -1, hi: 2 },
    { shape: [8], kind: "int32", lo: -1, hi: 2 },
  ],
  op: (a, b) => {
    const f = a.backend.name === "cpu" ? "float64" : "float32";
    return equal(complex(astype(a, f), astype(b, f)), complex(astype(b, f), astype(a, f)));
  },
  tol: exact,
  kernel: "Compare",
});
cases.push({
  name: "Where broadcast cond [4,1] x [3] x [4,3]",
  inputs: [{ shape: [4, 1], kind: "bool" }, { shape: [3] }, { shape: [4, 3] }],
  op: (c, a, b) => where(c, a, b),
  tol: exact,
  kernel: "Where",
});
cases.push({
  name: "Where complex64",
  inputs: [
    { shape: [7], kind: "bool" },
    { shape: [7], kind: "complex" },
    { shape: [7], kind: "complex" },
  ],
  op: (c, a, b) => where(c, a, b),
  tol: exact,
  kernel: "Where",
});
cases.push({
  name: "Complex (re, im) broadcast",
  inputs: [{ shape: [3, 4] }, { shape: [4] }],
  op: (a, b) => complex(a, b),
  tol: exact,
  kernel: "Complex",
});
cases.push({
  name: "Polar",
  inputs: [
    { shape: [12], lo: 0, hi: 2 },
    { shape: [12], lo: -3, hi: 3 },
  ],
  op: (r, t) => polar(r, t),
  tol: transcendental({ sincos: true }),
  kernel: "Polar",
});
const CASTS: [string, InputSpec, (x: Tensor) => Tensor][] = [
  ["float32 -> int32 (truncation)", { shape: [30], lo: -5, hi: 5 }, (x) => astype(x, "int32")],
  [
    "float32 -> bool",
    { shape: [30], kind: "int32", lo: -1, hi: 2 },
    (x) => astype(astype(x, x.backend.name === "cpu" ? "float64" : "float32"), "bool"),
  ],
  [
    "float32 -> complex64",
    { shape: [10] },
    (x) => astype(x, x.backend.name === "cpu" ? "complex128" : "complex64"),
  ],
  [
    "complex64 -> float32 (real part)",
    { shape: [10], kind: "complex" },
    (x) => astype(x, x.backend.name === "cpu" ? "float64" : "float32"),
  ],
  [
    "int32 -> float32",
    { shape: [10], kind: "int32", lo: -100, hi: 100 },
    (x) => astype(x, x.backend.name === "cpu" ? "float64" : "float32"),
  ],
];
for (const [name, input, f] of CASTS) {
  cases.push({ name: `Cast ${name}`, inputs: [input], op: f, tol: exact, kernel: "Cast" });
}

// ---- Reduce and ArgReduce -------------------------------------------------------------------------
/** The tree-sum bound of reduce.ts for sums of `n` terms with absolute sum `s`. */
const treeSumTol = (n: number, absSum: number, sumMag: number) =>
  (REDUCE_FAN_IN - 1) * reducePasses(n) * U * absSum + U * sumMag;
const sumTol = (n: number) => (want: Float64Array, ins: Float64Array[]) => {
  let abs = 0;
  for (const v of ins[0]) abs += Math.abs(v);
  // Every output's |terms| sum is at most the whole input's.
  return treeSumTol(n, abs, maxAbs(want));
};
cases.push({
  name: "Reduce sum axis 1, n = 1500 (> 1000: constant-bounded loops)",
  inputs: [{ shape: [3, 1500] }],
  op: (x) => sum(x, 1),
  tol: sumTol(1500),
  kernel: "Reduce",
});
cases.push({
  name: "Reduce sum axes [0, 2] (transposed grouping), keepDims",
  inputs: [{ shape: [6, 5, 7] }],
  op: (x) => sum(x, [0, 2], true),
  tol: sumTol(42),
  kernel: "Reduce",
});
cases.push({
  name: "Reduce sum all, n = 5000",
  inputs: [{ shape: [50, 100], lo: 0, hi: 1 }],
  op: (x) => sum(x),
  tol: sumTol(5000),
  kernel: "Reduce",
});
cases.push({
  name: "Reduce sum complex64 axis 0",
  inputs: [{ shape: [40, 3], kind: "complex" }],
  op: (x) => sum(x, 0),
  tol: sumTol(40),
  kernel: "Reduce",
});
cases.push({
  name: "Reduce prod axis 1 (n = 20)",
  inputs: [{ shape: [4, 20], lo: 0.8, hi: 1.25 }],
  op: (x) => prod(x, 1),
  tol: (want) => 21 * U * maxAbs(want),
  kernel: "Reduce",
});
cases.push({
  name: "Reduce max axis 0",
  inputs: [{ shape: [1100, 3] }],
  op: (x) => max(x, 0),
  tol: exact,
  kernel: "Reduce",
});
cases.push({
  name: "Reduce min axes [1, 2]",
  inputs: [{ shape: [3, 4, 5] }],
  op: (x) => min(x, [1, 2]),
  tol: exact,
  kernel: "Reduce",
});
cases.push({
  name: "ArgReduce argmax axis 1, n = 1200",
  inputs: [{ shape: [4, 1200] }],
  op: (x) => argmax(x, 1),
  tol: exact,
  kernel: "ArgReduce",
});
cases.push({
  name: "ArgReduce argmin axis 0 keepDims",
  inputs: [{ shape: [9, 4] }],
  op: (x) => argmin(x, 0, true),
  tol: exact,
  kernel: "ArgReduce",
});

// ---- Layout ---------------------------------------------------------------------------------------
cases.push({
  name: "Reshape then Transpose [2,3,4] perm [2,0,1]",
  inputs: [{ shape: [24] }],
  op: (x) => transpose(reshape(x, [2, 3, 4]), [2, 0, 1]),
  tol: exact,
  kernel: "Transpose",
});
cases.push({
  name: "Transpose complex64",
  inputs: [{ shape: [3, 5], kind: "complex" }],
  op: (x) => transpose(x),
  tol: exact,
  kernel: "Transpose",
});
cases.push({
  name: "BroadcastTo [3,1] -> [2,3,4]",
  inputs: [{ shape: [3, 1] }],
  op: (x) => broadcastTo(x, [2, 3, 4]),
  tol: exact,
  kernel: "BroadcastTo",
});
cases.push({
  name: "StridedSlice steps and reversal",
  inputs: [{ shape: [5, 6, 4] }],
  op: (x) => slice(x, "1:, ::2, ::-1"),
  tol: exact,
  kernel: "StridedSlice",
});
cases.push({
  name: "StridedSliceGrad (autograd of a strided slice)",
  inputs: [{ shape: [7, 6] }, { shape: [3, 3] }],
  op: (x, w) => grad((t) => sum(mul(slice(t, "1::2, ::2"), w)))(x),
  tol: exact,
  kernel: "StridedSliceGrad",
});
cases.push({
  name: "Concat 3 inputs axis 1",
  inputs: [{ shape: [2, 3, 2] }, { shape: [2, 1, 2] }, { shape: [2, 4, 2] }],
  op: (a, b, c) => concat([a, b, c], 1),
  tol: exact,
  kernel: "Concat",
});
cases.push({
  name: "Concat complex64 axis 0",
  inputs: [
    { shape: [2, 3], kind: "complex" },
    { shape: [1, 3], kind: "complex" },
  ],
  op: (a, b) => concat([a, b], 0),
  tol: exact,
  kernel: "Concat",
});
cases.push({
  name: "PadConstant value 0.5",
  inputs: [{ shape: [3, 4] }],
  op: (x) =>
    pad(
      x,
      [
        [1, 2],
        [0, 3],
      ],
      { value: 0.5 },
    ),
  tol: exact,
  kernel: "PadConstant",
});
cases.push({
  name: "Gather axis 1 with 2-D indices",
  inputs: [{ shape: [3, 7, 2] }, { shape: [2, 4], kind: "int32", lo: 0, hi: 7 }],
  op: (x, i) => gather(x, i, 1),
  tol: exact,
  kernel: "Gather",
});
cases.push({
  name: "ScatterAdd repeated indices, m = 1100",
  inputs: [{ shape: [2, 1100] }, { shape: [1100], kind: "int32", lo: 0, hi: 9 }],
  op: (u, i) => scatterAdd(u, i, 9, 1),
  // Each output sums about 1100 / 9 terms in one sequential loop: n u sum|x| with n <= 1100.
  tol: (want, ins) => 1100 * U * ins[0].reduce((s, v) => s + Math.abs(v), 0) + U * maxAbs(want),
  kernel: "ScatterAdd",
});

export const coreCases: ParityCase[] = cases.map((spec) => ({
  name: spec.name,
  run: () => runCase(spec),
}));
