/**
 * Two- and three-input elementwise kernels with numpy broadcasting: Binary, Compare, Where,
 * Complex, Polar. Broadcasting is a stride of 0 on the broadcast axes (elementwise.ts).
 */
import {
  type BinaryOp,
  type CompareOp,
  type KernelFn,
  NotImplementedError,
} from "@modewise/tensor";
import type { GpuBackend } from "../backend/gpu-backend.js";
import { broadcastMap } from "./elementwise.js";

/** Real binary ops as statements on (a, b) ending in `return`. */
const REAL_BINARY_SRC: Record<BinaryOp, string> = {
  add: "return a + b;",
  sub: "return a - b;",
  mul: "return a * b;",
  div: "return a / b;",
  // C99 / numpy: pow(1, y) = 1; shader pow() is undefined for a < 0, so take |a|^b and restore
  // the sign for integer exponents (a negative base with a fractional exponent is NaN, made at
  // run time as 0 / 0: WGSL rejects a constant NaN expression).
  pow: "if (a === 1) { return 1; } if (a >= 0) { return Math.pow(a, b); } if (Math.floor(b) !== b) { const zz = a - a; return zz / zz; } const pw = Math.pow(-a, b); if (Math.floor(b / 2) * 2 !== b) { return -pw; } return pw;",
  maximum: "return Math.max(a, b);",
  minimum: "return Math.min(a, b);",
  atan2: "return Math.atan2(a, b);",
};

/** Complex binary ops: statements setting re, im from (a + ib) op (c + id). */
const COMPLEX_BINARY_SRC: Partial<Record<BinaryOp, string>> = {
  add: "const re = a + c; const im = b + d;",
  sub: "const re = a - c; const im = b - d;",
  mul: "const re = a * c - b * d; const im = a * d + b * c;",
  // Smith's division (no overflow of c^2 + d^2).
  div: "let re = 0; let im = 0; if (Math.abs(c) >= Math.abs(d)) { const rt = d / c; const dn = c + d * rt; re = (a + b * rt) / dn; im = (b - a * rt) / dn; } else { const rt = c / d; const dn = c * rt + d; re = (a * rt + b) / dn; im = (b * rt - a) / dn; }",
};

const COMPARE_SRC: Record<CompareOp, string> = {
  equal: "a === b",
  notEqual: "a !== b",
  less: "a < b",
  lessEqual: "a <= b",
  greater: "a > b",
  greaterEqual: "a >= b",
};

const binary: KernelFn<"Binary", GpuBackend> = (inputs, { op }, backend) => {
  const [x, y] = inputs;
  if (x.dtype === "complex64") {
    const c = COMPLEX_BINARY_SRC[op];
    if (!c) {
      throw new NotImplementedError(
        "binary",
        `complex64 '${op}' on the '${backend.name}' backend (compute it on the cpu backend)`,
      );
    }
    return broadcastMap(
      backend,
      "Binary",
      `c:${op}`,
      [x, y],
      "complex64",
      `const a = x0r; const b = x0i; const c = x1r; const d = x1i;\n${c}\nif (part === 0) { return re; } return im;`,
    );
  }
  // int32 arithmetic: float32 holds it exactly below 2^24; division truncates like the CPU's.
  const src =
    x.dtype === "int32" && op === "div"
      ? "const q = a / b; if (q < 0) { return Math.ceil(q); } return Math.floor(q);"
      : REAL_BINARY_SRC[op];
  const body = `const a = x0; const b = x1;\n${src}`;
  return broadcastMap(backend, "Binary", op, [x, y], x.dtype, body);
};

const compare: KernelFn<"Compare", GpuBackend> = (inputs, { op }, backend) => {
  const [x, y] = inputs;
  if (x.dtype === "complex64") {
    const eq = "x0r === x1r && x0i === x1i";
    const test = op === "equal" ? eq : `!(${eq})`;
    return broadcastMap(
      backend,
      "Compare",
      `c:${op}`,
      [x, y],
      "bool",
      `if (${test}) { return 1; } return 0;`,
    );
  }
  return broadcastMap(
    backend,
    "Compare",
    op,
    [x, y],
    "bool",
    `const a = x0; const b = x1; if (${COMPARE_SRC[op]}) { return 1; } return 0;`,
  );
};

const where: KernelFn<"Where", GpuBackend> = (inputs, _attrs, backend) => {
  const [cond, a, b] = inputs;
  const body =
    a.dtype === "complex64"
      ? "if (x0 !== 0) { if (part === 0) { return x1r; } return x1i; } if (part === 0) { return x2r; } return x2i;"
      : "if (x0 !== 0) { return x1; } return x2;";
  return broadcastMap(backend, "Where", "", [cond, a, b], a.dtype, body);
};

const complexKernel: KernelFn<"Complex", GpuBackend> = (inputs, _attrs, backend) =>
  broadcastMap(
    backend,
    "Complex",
    "",
    [inputs[0], inputs[1]],
    "complex64",
    "if (part === 0) { return x0; } return x1;",
  );

const polar: KernelFn<"Polar", GpuBackend> = (inputs, _attrs, backend) =>
  broadcastMap(
    backend,
    "Polar",
    "",
    [inputs[0], inputs[1]],
    "complex64",
    "if (part === 0) { return x0 * Math.cos(x1); } return x0 * Math.sin(x1);",
  );

export const binaryKernels = {
  Binary: binary,
  Compare: compare,
  Where: where,
  Complex: complexKernel,
  Polar: polar,
};
