/**
 * Unary, UnaryDerivative and Softshrink. Each op is a gpu.js expression (f32 arithmetic on
 * every mode); the same formulas as the CPU backend's scalar.ts where the shader has the
 * function, else a short stable rewrite (documented inline). complex64 takes every op the CPU
 * backend takes on complex (the rest, e.g. complex erf, are refused there too: the op layer
 * rejects them, and this table throws NotImplementedError if one ever arrives).
 */
import {
  type KernelAttrs,
  type KernelFn,
  NotImplementedError,
  type TensorInfo,
  type UnaryOp,
} from "@modewise/tensor";
import type { GpuBackend } from "../backend/gpu-backend.js";
import { broadcastMap } from "./elementwise.js";

/**
 * erfc(z) (Numerical Recipes' Chebyshev fit, fractional error < 1.2e-7 for every z; W. H. Press
 * et al., Numerical Recipes 3rd ed. §6.2.2), as statements defining `name`.
 */
export function erfcStatements(z: string, name: string): string {
  return [
    `const ${name}_a = Math.abs(${z});`,
    `const ${name}_t = 1 / (1 + 0.5 * ${name}_a);`,
    `const ${name}_y = ${name}_t * Math.exp(-${name}_a * ${name}_a - 1.26551223 + ${name}_t * (1.00002368 + ${name}_t * (0.37409196 + ${name}_t * (0.09678418 + ${name}_t * (-0.18628806 + ${name}_t * (0.27886807 + ${name}_t * (-1.13520398 + ${name}_t * (1.48851587 + ${name}_t * (-0.82215223 + ${name}_t * 0.17087277)))))))));`,
    `let ${name} = ${name}_y;`,
    `if (${z} < 0) { ${name} = 2 - ${name}_y; }`,
  ].join("\n");
}

const SIGMOID = "const sg = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));";

/** Statements ending in `return` for f(v), real input v. */
export const REAL_UNARY_SRC: Record<UnaryOp, string> = {
  neg: "return -v;",
  abs: "return Math.abs(v);",
  sign: "if (v > 0) { return 1; } if (v < 0) { return -1; } return v;",
  square: "return v * v;",
  sqrt: "return Math.sqrt(v);",
  rsqrt: "return 1 / Math.sqrt(v);",
  reciprocal: "return 1 / v;",
  exp: "return Math.exp(v);",
  expm1: "return Math.expm1(v);",
  log: "return Math.log(v);",
  log1p: "return Math.log1p(v);",
  sin: "return Math.sin(v);",
  cos: "return Math.cos(v);",
  tan: "return Math.tan(v);",
  asin: "return Math.asin(v);",
  acos: "return Math.acos(v);",
  atan: "return Math.atan(v);",
  sinh: "return Math.sinh(v);",
  cosh: "return Math.cosh(v);",
  tanh: "return Math.tanh(v);",
  erf: `${erfcStatements("v", "ec")}\nreturn 1 - ec;`,
  floor: "return Math.floor(v);",
  ceil: "return Math.ceil(v);",
  // numpy's round half to even: floor(v + 0.5) moved down when v sits exactly on an odd half.
  round:
    "const rr = Math.floor(v + 0.5); if (rr - v === 0.5 && Math.floor(rr / 2) * 2 !== rr) { return rr - 1; } return rr;",
  sigmoid: `${SIGMOID}\nreturn sg;`,
  relu: "if (v > 0) { return v; } return 0;",
  silu: `${SIGMOID}\nreturn v * sg;`,
  gelu: `${erfcStatements("-v * 0.7071067811865476", "ec")}\nreturn 0.5 * v * ec;`,
  geluTanh: "return 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));",
  softplus: "return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));",
  conj: "return v;",
  real: "return v;",
  imag: "return 0;",
  angle: "if (v < 0) { return 3.141592653589793; } return 0;",
};

/** f'(v) as statements ending in `return d`. */
export const REAL_DERIVATIVE_SRC: Record<UnaryOp, string> = {
  neg: "return -1;",
  abs: "if (v > 0) { return 1; } if (v < 0) { return -1; } return 0;",
  sign: "return 0;",
  square: "return 2 * v;",
  sqrt: "return 0.5 / Math.sqrt(v);",
  rsqrt: "return -0.5 / (v * Math.sqrt(v));",
  reciprocal: "return -1 / (v * v);",
  exp: "return Math.exp(v);",
  expm1: "return Math.exp(v);",
  log: "return 1 / v;",
  log1p: "return 1 / (1 + v);",
  sin: "return Math.cos(v);",
  cos: "return -Math.sin(v);",
  tan: "const cc = Math.cos(v); return 1 / (cc * cc);",
  asin: "return 1 / Math.sqrt(1 - v * v);",
  acos: "return -1 / Math.sqrt(1 - v * v);",
  atan: "return 1 / (1 + v * v);",
  sinh: "return Math.cosh(v);",
  cosh: "return Math.sinh(v);",
  tanh: "const th = Math.tanh(v); return 1 - th * th;",
  erf: "return 1.1283791670955126 * Math.exp(-v * v);",
  floor: "return 0;",
  ceil: "return 0;",
  round: "return 0;",
  sigmoid: `${SIGMOID}\nreturn sg * (1 - sg);`,
  relu: "if (v > 0) { return 1; } return 0;",
  silu: `${SIGMOID}\nreturn sg * (1 + v * (1 - sg));`,
  gelu: `${erfcStatements("-v * 0.7071067811865476", "ec")}\nreturn 0.5 * ec + v * 0.3989422804014327 * Math.exp(-0.5 * v * v);`,
  geluTanh:
    "const gu = 0.7978845608028654 * (v + 0.044715 * v * v * v); const gt = Math.tanh(gu); return 0.5 * (1 + gt) + 0.5 * v * (1 - gt * gt) * 0.7978845608028654 * (1 + 3 * 0.044715 * v * v);",
  softplus: `${SIGMOID}\nreturn sg;`,
  conj: "return 1;",
  real: "return 1;",
  imag: "return 0;",
  angle: "return 0;",
};

/** Complex -> complex ops: statements setting `re`, `im` from (a, b). */
const COMPLEX_UNARY_SRC: Partial<Record<UnaryOp, string>> = {
  neg: "const re = -a; const im = -b;",
  conj: "const re = a; const im = -b;",
  square: "const re = a * a - b * b; const im = 2 * a * b;",
  exp: "const ea = Math.exp(a); const re = ea * Math.cos(b); const im = ea * Math.sin(b);",
  log: "const re = Math.log(Math.sqrt(a * a + b * b)); const im = Math.atan2(b, a);",
  sin: "const re = Math.sin(a) * Math.cosh(b); const im = Math.cos(a) * Math.sinh(b);",
  cos: "const re = Math.cos(a) * Math.cosh(b); const im = -Math.sin(a) * Math.sinh(b);",
  sinh: "const re = Math.sinh(a) * Math.cos(b); const im = Math.cosh(a) * Math.sin(b);",
  cosh: "const re = Math.cosh(a) * Math.cos(b); const im = Math.sinh(a) * Math.sin(b);",
  // 1 / (a + ib) by Smith's algorithm (no overflow of a^2 + b^2).
  reciprocal:
    "let re = 0; let im = 0; if (Math.abs(a) >= Math.abs(b)) { const rt = b / a; const dn = a + b * rt; re = 1 / dn; im = -rt / dn; } else { const rt = a / b; const dn = a * rt + b; re = rt / dn; im = -1 / dn; }",
  // Principal square root through |z| (Kahan's formulation, no cancellation).
  sqrt: "const mz = Math.sqrt(a * a + b * b); let re = 0; let im = 0; if (mz > 0) { const ht = Math.sqrt(0.5 * (mz + Math.abs(a))); if (a >= 0) { re = ht; im = b / (2 * ht); } else { re = Math.abs(b) / (2 * ht); im = ht; if (b < 0) { im = -ht; } } }",
  // tanh(a + ib) = (sinh 2a + i sin 2b) / (cosh 2a + cos 2b); past |a| = 20 cosh overflows in f32
  // long before the quotient changes: re = sign(a), im = 4 sin(b) cos(b) e^(-2|a|) (to f32 precision).
  tanh: "let re = 0; let im = 0; if (Math.abs(a) > 20) { re = a > 0 ? 1 : -1; im = 4 * Math.sin(b) * Math.cos(b) * Math.exp(-2 * Math.abs(a)); } else { const dn = Math.cosh(2 * a) + Math.cos(2 * b); re = Math.sinh(2 * a) / dn; im = Math.sin(2 * b) / dn; }",
  // tan z = -i tanh(iz): the same formula with the roles of a and b exchanged.
  tan: "let re = 0; let im = 0; if (Math.abs(b) > 20) { im = b > 0 ? 1 : -1; re = 4 * Math.sin(a) * Math.cos(a) * Math.exp(-2 * Math.abs(b)); } else { const dn = Math.cosh(2 * b) + Math.cos(2 * a); re = Math.sin(2 * a) / dn; im = Math.sinh(2 * b) / dn; }",
  // 1 / sqrt(z): the principal root as above, then Smith's reciprocal.
  rsqrt:
    "const mz = Math.sqrt(a * a + b * b); let sr = 0; let si = 0; if (mz > 0) { const ht = Math.sqrt(0.5 * (mz + Math.abs(a))); if (a >= 0) { sr = ht; si = b / (2 * ht); } else { sr = Math.abs(b) / (2 * ht); si = ht; if (b < 0) { si = -ht; } } } let re = 0; let im = 0; if (Math.abs(sr) >= Math.abs(si)) { const rt = si / sr; const dn = sr + si * rt; re = 1 / dn; im = -rt / dn; } else { const rt = sr / si; const dn = sr * rt + si; re = rt / dn; im = -1 / dn; }",
  sign: "const ms = Math.sqrt(a * a + b * b); let re = 0; let im = 0; if (ms > 0) { re = a / ms; im = b / ms; }",
};

/** Complex -> real ops. */
const COMPLEX_TO_REAL_SRC: Partial<Record<UnaryOp, string>> = {
  // hypot without overflow: scale by the larger magnitude.
  abs: "const mx = Math.max(Math.abs(a), Math.abs(b)); if (mx === 0) { return 0; } const sa = a / mx; const sb = b / mx; return mx * Math.sqrt(sa * sa + sb * sb);",
  real: "return a;",
  imag: "return b;",
  angle: "return Math.atan2(b, a);",
};

export function unaryOn(backend: GpuBackend, x: TensorInfo, op: UnaryOp): TensorInfo {
  if (x.dtype === "complex64") {
    const toReal = COMPLEX_TO_REAL_SRC[op];
    if (toReal) {
      return broadcastMap(
        backend,
        "Unary",
        `c2r:${op}`,
        [x],
        "float32",
        `const a = x0r; const b = x0i;\n${toReal}`,
      );
    }
    const c = COMPLEX_UNARY_SRC[op];
    if (!c) {
      throw new NotImplementedError(
        "unary",
        `complex64 '${op}' on the '${backend.name}' backend (compute it on the cpu backend)`,
      );
    }
    return broadcastMap(
      backend,
      "Unary",
      `c:${op}`,
      [x],
      "complex64",
      `const a = x0r; const b = x0i;\n${c}\nif (part === 0) { return re; } return im;`,
    );
  }
  return broadcastMap(backend, "Unary", op, [x], x.dtype, `const v = x0;\n${REAL_UNARY_SRC[op]}`);
}

const unary: KernelFn<"Unary", GpuBackend> = (inputs, { op }: KernelAttrs["Unary"], backend) =>
  unaryOn(backend, inputs[0], op);

const unaryDerivative: KernelFn<"UnaryDerivative", GpuBackend> = (inputs, { op }, backend) =>
  broadcastMap(
    backend,
    "UnaryDerivative",
    op,
    [inputs[0], inputs[1]],
    inputs[0].dtype,
    // Every `return d` of the derivative becomes `return dy * d`.
    `const v = x0;\nconst dy = x1;\nlet dfv = 0;\n${REAL_DERIVATIVE_SRC[op].replace(/return ([^;]+);/g, "{ dfv = $1; return dy * dfv; }")}`,
  );

const softshrink: KernelFn<"Softshrink", GpuBackend> = (inputs, { lambda }, backend) =>
  broadcastMap(
    backend,
    "Softshrink",
    String(lambda),
    [inputs[0]],
    inputs[0].dtype,
    "const v = x0; if (v > this.constants.lambda) { return v - this.constants.lambda; } if (v < -this.constants.lambda) { return v + this.constants.lambda; } return 0;",
    { lambda },
  );

export const unaryKernels = {
  Unary: unary,
  UnaryDerivative: unaryDerivative,
  Softshrink: softshrink,
};
