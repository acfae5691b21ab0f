/**
 * Layout kernels: Reshape (shares storage, as the CPU backend), Transpose, BroadcastTo,
 * StridedSlice and its gradient, Concat, PadConstant, Gather, ScatterAdd. All are map kernels
 * (elementwise.ts) reading the source at affine offsets of the output coordinates; the ones
 * with a data-dependent source (pad bounds, slice-gradient holes, gather indices, scatter
 * sums) test the coordinates in the kernel body.
 */
import { type KernelFn, sizeOf, stridesOf, type TensorInfo } from "@modewise/tensor";
import type { GpuBackend } from "../backend/gpu-backend.js";
import { broadcastStrides, runMap } from "./elementwise.js";

/** The value of the current output element from operand j at offset o{j} (complex aware). */
function pick(j: number, complex: boolean): string {
  return complex
    ? `if (part === 0) { return in${j}[2 * o${j}]; } return in${j}[2 * o${j} + 1];`
    : `return in${j}[o${j}];`;
}

const reshape: KernelFn<"Reshape", GpuBackend> = (inputs, { shape }) => ({
  dataId: inputs[0].dataId,
  shape,
  dtype: inputs[0].dtype,
});

export function transposeOn(
  backend: GpuBackend,
  x: TensorInfo,
  perm: readonly number[],
): TensorInfo {
  const st = stridesOf(x.shape);
  return runMap(backend, {
    op: "Transpose",
    variant: "",
    outShape: perm.map((p) => x.shape[p]),
    outDtype: x.dtype,
    operands: [{ info: x, strides: perm.map((p) => st[p]) }],
    body: pick(0, x.dtype === "complex64"),
    rawOperands: true,
  });
}

const transpose: KernelFn<"Transpose", GpuBackend> = (inputs, { perm }, backend) =>
  transposeOn(backend, inputs[0], perm);

const broadcastTo: KernelFn<"BroadcastTo", GpuBackend> = (inputs, { shape }, backend) =>
  runMap(backend, {
    op: "BroadcastTo",
    variant: "",
    outShape: shape,
    outDtype: inputs[0].dtype,
    operands: [{ info: inputs[0], strides: broadcastStrides(inputs[0].shape, shape) }],
    body: pick(0, inputs[0].dtype === "complex64"),
    rawOperands: true,
  });

const stridedSlice: KernelFn<"StridedSlice", GpuBackend> = (
  inputs,
  { begin, size, step },
  backend,
) => {
  const x = inputs[0];
  const st = stridesOf(x.shape);
  return runMap(backend, {
    op: "StridedSlice",
    variant: "",
    outShape: size,
    outDtype: x.dtype,
    operands: [
      {
        info: x,
        strides: st.map((s, k) => s * step[k]),
        base: st.reduce((acc, s, k) => acc + s * begin[k], 0),
      },
    ],
    body: pick(0, x.dtype === "complex64"),
    rawOperands: true,
  });
};

/**
 * dx (inputShape) = 0 except at begin + i * step, where it is dy[i]. The output coordinate c
 * maps to slice index (c - begin) / step when that is a whole number inside [0, size).
 */
const stridedSliceGrad: KernelFn<"StridedSliceGrad", GpuBackend> = (
  inputs,
  { inputShape, begin, size, step },
  backend,
) => {
  const dy = inputs[0];
  const rank = inputShape.length;
  const constants: Record<string, number> = {};
  const tests: string[] = [];
  const terms: string[] = [];
  const dst = stridesOf(size);
  for (let k = 0; k < rank; k++) {
    constants[`g${k}`] = begin[k];
    constants[`h${k}`] = step[k];
    constants[`z${k}`] = size[k];
    constants[`w${k}`] = dst[k];
    tests.push(
      `const u${k} = (c${k} - this.constants.g${k}) / this.constants.h${k};`,
      `const i${k} = Math.floor(u${k} + 0.5);`,
      `if (Math.abs(u${k} - i${k}) > 0.25 || i${k} < 0 || i${k} >= this.constants.z${k}) { return 0; }`,
    );
    terms.push(`i${k} * this.constants.w${k}`);
  }
  const complex = dy.dtype === "complex64";
  const at = terms.length ? terms.join(" + ") : "0";
  return runMap(backend, {
    op: "StridedSliceGrad",
    variant: "",
    outShape: inputShape,
    outDtype: dy.dtype,
    // The operand's strides are unused (offset computed in the body); zeros keep the key stable.
    operands: [{ info: dy, strides: inputShape.map(() => 0) }],
    body: `${tests.join("\n")}\nconst src = ${at};\n${
      complex
        ? "if (part === 0) { return in0[2 * src]; } return in0[2 * src + 1];"
        : "return in0[src];"
    }`,
    constants,
    rawOperands: true,
  });
};

/** Concatenation of two tensors along `axis` (n inputs: a left fold). */
function concatPair(backend: GpuBackend, a: TensorInfo, b: TensorInfo, axis: number): TensorInfo {
  const shape = a.shape.slice();
  shape[axis] = a.shape[axis] + b.shape[axis];
  const sa = stridesOf(a.shape);
  const sb = stridesOf(b.shape);
  const complex = a.dtype === "complex64";
  return runMap(backend, {
    op: "Concat",
    variant: String(axis),
    outShape: shape,
    outDtype: a.dtype,
    operands: [
      { info: a, strides: sa },
      // b's element at output coordinate c_axis = na + j: offset sum c*s - na * s_axis.
      { info: b, strides: sb, base: -a.shape[axis] * sb[axis] },
    ],
    body: `if (c${axis} < this.constants.na) { ${pick(0, complex)} }\n${pick(1, complex)}`,
    constants: { na: a.shape[axis] },
    rawOperands: true,
  });
}

const concat: KernelFn<"Concat", GpuBackend> = (inputs, { axis }, backend) => {
  const parts = inputs.filter((t) => t.shape[axis] > 0);
  if (parts.length === 0) {
    const shape = inputs[0].shape.slice();
    shape[axis] = 0;
    return backend.adopt(new Float32Array(0), shape, inputs[0].dtype);
  }
  if (parts.length === 1)
    return transposeOn(
      backend,
      parts[0],
      parts[0].shape.map((_, i) => i),
    );
  let acc = concatPair(backend, parts[0], parts[1], axis);
  for (let i = 2; i < parts.length; i++) {
    const next = concatPair(backend, acc, parts[i], axis);
    backend.release(acc.dataId);
    acc = next;
  }
  return acc;
};

const padConstant: KernelFn<"PadConstant", GpuBackend> = (inputs, { paddings, value }, backend) => {
  const x = inputs[0];
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const st = stridesOf(x.shape);
  const constants: Record<string, number> = { value };
  const tests: string[] = [];
  x.shape.forEach((d, k) => {
    constants[`lo${k}`] = paddings[k][0];
    constants[`hi${k}`] = paddings[k][0] + d;
    tests.push(`c${k} < this.constants.lo${k} || c${k} >= this.constants.hi${k}`);
  });
  const complex = x.dtype === "complex64";
  const outside = tests.length ? tests.join(" || ") : "false";
  const fill = complex
    ? "if (part === 0) { return this.constants.value; } return 0;"
    : "return this.constants.value;";
  return runMap(backend, {
    op: "PadConstant",
    variant: "",
    outShape: shape,
    outDtype: x.dtype,
    operands: [
      {
        info: x,
        strides: st,
        base: -x.shape.reduce((acc, _, k) => acc + paddings[k][0] * st[k], 0),
      },
    ],
    body: `if (${outside}) { ${fill} }\n${pick(0, complex)}`,
    constants,
    rawOperands: true,
  });
};

/** out[o, j..., i] = x[o, idx[j...], i]: operand 1 is the index tensor read at j. */
const gather: KernelFn<"Gather", GpuBackend> = (inputs, { axis }, backend) => {
  const [x, indices] = inputs;
  const r = indices.shape.length;
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const sx = stridesOf(x.shape);
  const si = stridesOf(indices.shape);
  // x strides over the output coords: the index axes contribute through idx, not directly.
  const xStrides = [...sx.slice(0, axis), ...indices.shape.map(() => 0), ...sx.slice(axis + 1)];
  const iStrides = [
    ...x.shape.slice(0, axis).map(() => 0),
    ...si,
    ...x.shape.slice(axis + 1).map(() => 0),
  ];
  const complex = x.dtype === "complex64";
  return runMap(backend, {
    op: "Gather",
    variant: `${axis}:${r}`,
    outShape: shape,
    outDtype: x.dtype,
    operands: [
      { info: x, strides: xStrides },
      { info: indices, strides: iStrides },
    ],
    body: `const src = o0 + in1[o1] * this.constants.sa;\n${
      complex
        ? "if (part === 0) { return in0[2 * src]; } return in0[2 * src + 1];"
        : "return in0[src];"
    }`,
    constants: { sa: sx[axis] },
    rawOperands: true,
  });
};

/**
 * out[o, k, i] = sum over j with idx[j] = k of updates[o, j, i]. The loop over the m indices
 * is bounded by a constant (m may exceed gpu.js's 1000-iteration argument-loop cap).
 */
const scatterAdd: KernelFn<"ScatterAdd", GpuBackend> = (inputs, { axis, size }, backend) => {
  const [updates, indices] = inputs;
  const r = indices.shape.length;
  const m = sizeOf(indices.shape);
  const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + r)];
  const su = stridesOf(updates.shape);
  const uStrides = [...su.slice(0, axis), 0, ...su.slice(axis + r)];
  const complex = updates.dtype === "complex64";
  const read = complex
    ? "in0[2 * (o0 + j * this.constants.sj) + part]"
    : "in0[o0 + j * this.constants.sj]";
  return runMap(backend, {
    op: "ScatterAdd",
    variant: `${axis}:${size}:${m}`,
    outShape: shape,
    outDtype: updates.dtype,
    operands: [
      { info: updates, strides: uStrides },
      { info: indices, strides: shape.map(() => 0) },
    ],
    body: `let acc = 0;\nfor (let j = 0; j < this.constants.m; j++) {\n  if (in1[j] === c${axis}) { acc += ${read}; }\n}\nreturn acc;`,
    constants: { m, sj: su[axis + r - 1] ?? 1 },
    rawOperands: true,
  });
};

export const layoutKernels = {
  Reshape: reshape,
  Transpose: transpose,
  BroadcastTo: broadcastTo,
  StridedSlice: stridedSlice,
  StridedSliceGrad: stridedSliceGrad,
  Concat: concat,
  PadConstant: padConstant,
  Gather: gather,
  ScatterAdd: scatterAdd,
};
