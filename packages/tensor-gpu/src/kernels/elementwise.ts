/**
 * The one kernel shape every core op here is written in: one gpu.js thread per output float,
 * flat 1-D output of `size * components`, the output coordinates decoded from the thread index
 * and each operand read at `base + sum_k coord_k * stride_k` (stride 0 = broadcast). All sizes
 * and strides are kernel CONSTANTS (never arguments: gpu.js cuts argument-bounded loops at 1000)
 * and part of the cache key, so a kernel compiles once per (op, shapes, dtype) and is reused.
 *
 * Integer division on GL runs in float: floor((r + 0.5) / d) keeps the quotient of two exact
 * integers away from a rounding boundary (the fractional part is at least 0.5 / d off it).
 */
import {
  broadcastShapes,
  type DType,
  type Shape,
  sizeOf,
  stridesOf,
  type TensorInfo,
} from "@modewise/tensor";
import type { GpuBackend } from "../backend/gpu-backend.js";

/** Element strides of `shape` read as `outShape` under numpy broadcasting (0 on broadcast axes). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const st = stridesOf(shape);
  const off = outShape.length - shape.length;
  return outShape.map((_d, k) => {
    const j = k - off;
    if (j < 0 || shape[j] === 1) return 0;
    return st[j];
  });
}

export function componentsOf(d: DType): 1 | 2 {
  return d === "complex64" || d === "complex128" ? 2 : 1;
}

/** One operand of a map kernel: a tensor read through element strides over the output coords. */
export interface Operand {
  info: TensorInfo;
  strides: readonly number[];
  base?: number;
}

export interface MapSpec {
  /** Names the op in the cache key and the executor record. */
  op: string;
  /** Anything besides shapes/strides/dtypes that changes the source (an op name, a lambda). */
  variant: string;
  outShape: Shape;
  outDtype: DType;
  operands: Operand[];
  /**
   * Statements computing the result. In scope: c0..c{r-1} (output coords), part (0 | 1, the
   * component of a complex output), o0.. (element offset of each operand), in0.. (operand
   * arrays), x0.. (real operand values) or x0r/x0i (complex), and `this.constants`.
   * Must end in a `return`.
   */
  body: string;
  /** Extra numeric constants (K named by the body). */
  constants?: Record<string, number>;
  /** Skip reading operand values into x* (the body indexes in* itself). */
  rawOperands?: boolean;
}

export function mapSource(rank: number, outComp: number, spec: MapSpec): string {
  const n = spec.operands.length;
  const lines: string[] = [];
  lines.push("const t = this.thread.x;");
  if (outComp === 2) {
    lines.push("const e = Math.floor((t + 0.5) / 2);", "const part = t - 2 * e;");
  } else {
    lines.push("const e = t;", "const part = 0;");
  }
  lines.push("let r = e;");
  for (let k = rank - 1; k >= 0; k--) {
    lines.push(
      `const q${k} = Math.floor((r + 0.5) / this.constants.d${k});`,
      `const c${k} = r - q${k} * this.constants.d${k};`,
      `r = q${k};`,
    );
  }
  for (let j = 0; j < n; j++) {
    const terms = [`this.constants.b${j}`];
    for (let k = 0; k < rank; k++) terms.push(`c${k} * this.constants.s${j}_${k}`);
    lines.push(`const o${j} = ${terms.join(" + ")};`);
    if (spec.rawOperands) continue;
    if (componentsOf(spec.operands[j].info.dtype) === 2) {
      lines.push(`const x${j}r = in${j}[2 * o${j}];`, `const x${j}i = in${j}[2 * o${j} + 1];`);
    } else {
      lines.push(`const x${j} = in${j}[o${j}];`);
    }
  }
  lines.push(spec.body);
  const args = spec.operands.map((_, j) => `in${j}`).join(", ");
  return `function(${args}) {\n${lines.join("\n")}\n}`;
}

/** Build (once) and run a map kernel; the result stays on the device. */
export function runMap(backend: GpuBackend, spec: MapSpec): TensorInfo {
  const rank = spec.outShape.length;
  const outComp = componentsOf(spec.outDtype);
  const count = sizeOf(spec.outShape) * outComp;
  if (count === 0) return backend.adopt(new Float32Array(0), spec.outShape, spec.outDtype);
  const constants: Record<string, number> = { ...(spec.constants ?? {}) };
  // A scalar output still decodes one coordinate: rank 0 reads as shape [1].
  spec.outShape.forEach((d, k) => {
    constants[`d${k}`] = d;
  });
  spec.operands.forEach((op, j) => {
    constants[`b${j}`] = op.base ?? 0;
    op.strides.forEach((s, k) => {
      constants[`s${j}_${k}`] = s;
    });
  });
  const key = [
    spec.op,
    spec.variant,
    spec.outDtype,
    spec.outShape.join("x"),
    ...spec.operands.map(
      (o) => `${o.info.dtype}:${o.info.shape.join("x")}:${o.base ?? 0}:${o.strides.join(",")}`,
    ),
    JSON.stringify(spec.constants ?? {}),
  ].join("|");
  const source = mapSource(rank, outComp, spec);
  return backend.run(
    spec.op,
    key,
    () => backend.compile(source, count, constants),
    spec.operands.map((o) => o.info),
    spec.outShape,
    spec.outDtype,
  );
}

/** Broadcast every operand to the common shape and map. */
export function broadcastMap(
  backend: GpuBackend,
  op: string,
  variant: string,
  inputs: readonly TensorInfo[],
  outDtype: DType,
  body: string,
  constants?: Record<string, number>,
): TensorInfo {
  let shape: number[] = [];
  // The op layer has already validated broadcasting; this only computes the common shape.
  for (const t of inputs) shape = broadcastShapes(shape, t.shape, op);
  return runMap(backend, {
    op,
    variant,
    outShape: shape,
    outDtype,
    operands: inputs.map((info) => ({ info, strides: broadcastStrides(info.shape, shape) })),
    body,
    constants,
  });
}
