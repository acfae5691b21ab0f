/**
 * Conv, ConvBackpropInput and ConvBackpropFilter on the gpu.js backends, with the semantics of
 * the CPU backend (packages/tensor/src/backend/cpu/conv.ts): cross-correlation as PyTorch,
 * channels first, x [B, Cin, ...spatial], w [Cout, Cin / groups, ...kernel], 1-3 spatial axes,
 * per-axis strides, [before, after] zero padding, dilations and channel groups. Spatial ranks
 * below 3 are lifted with unit axes so one kernel body serves 1-D, 2-D and 3-D.
 *
 * Each kernel is a gather: one gpu.js thread computes one output value, looping over its
 * contributions with loops bounded by constants of the compiled kernel (never by arguments,
 * which gpu.js cuts at 1000 iterations). The input gradient gathers too (no scatter-add): an
 * input position receives dy at output o exactly when i + pad - k * dilation = o * stride.
 *
 * Fast paths: a 1x1 kernel without stride, padding or groups is a batched matmul
 * (W [Cout, Cin] @ x_b [Cin, positions], and W^T @ dy_b for the input gradient) and goes through
 * the routed BatchMatMul (WGSL on webgpu, the CPU gemm on wasm); its filter gradient is one
 * matmul for batch 1 and a batch sum of matmuls on wasm, the gather kernel otherwise; a depthwise
 * convolution (groups = Cin, one input channel per group) is the general kernel with a channel
 * loop of length 1, so its threads only loop over the taps. On the wasm backend the forward
 * convolution goes to ../wasm/conv.ts, and so do the gradients where they are forward
 * convolutions in disguise (input gradient at unit stride, filter gradient without groups);
 * the remaining cases run the gpu.js kernels on webasm.
 */
import {
  type ConvAttrs,
  DTypeError,
  type KernelAttrs,
  type KernelFn,
  ShapeError,
  sizeOf,
  type TensorInfo,
} from "@modewise/tensor";
import {
  wasmConv,
  wasmConvFilterGrad,
  wasmConvInputGrad,
  wasmPointwiseFilterGrad,
} from "../wasm/conv.js";
import { type GpuKernelThis, type LinalgHost, launch } from "./linalg-host.js";
import { routedMatMul } from "./matmul.js";

/** Geometry lifted to 3 spatial axes. */
export interface ConvGeometry {
  batch: number;
  cin: number;
  cout: number;
  groups: number;
  inSize: number[];
  kSize: number[];
  outSize: number[];
  stride: number[];
  dilation: number[];
  padBefore: number[];
  /** The caller's spatial shape of the output (1-3 axes). */
  outSpatial: number[];
}

export function convOutputLength(
  n: number,
  k: number,
  stride: number,
  dilation: number,
  pad: readonly [number, number],
): number {
  return Math.floor((n + pad[0] + pad[1] - dilation * (k - 1) - 1) / stride) + 1;
}

export function convGeometry(
  fn: string,
  xShape: readonly number[],
  wShape: readonly number[],
  attrs: ConvAttrs,
): ConvGeometry {
  const s = xShape.length - 2;
  if (s < 1 || s > 3 || wShape.length !== xShape.length)
    throw new ShapeError(
      fn,
      "inputs",
      "x [B, Cin, ...1-3 spatial] and w of the same rank",
      `x [${xShape}], w [${wShape}]`,
    );
  const lift = (v: readonly number[]): number[] => [...new Array<number>(3 - s).fill(1), ...v];
  const pads: [number, number][] = [
    ...new Array<[number, number]>(3 - s).fill([0, 0]),
    ...attrs.padding,
  ];
  const inSize = lift(xShape.slice(2));
  const kSize = lift(wShape.slice(2));
  const stride = lift(attrs.strides);
  const dilation = lift(attrs.dilations);
  const outSize = inSize.map((n, i) =>
    convOutputLength(n, kSize[i], stride[i], dilation[i], pads[i]),
  );
  if (xShape[1] !== wShape[1] * attrs.groups || wShape[0] % attrs.groups !== 0)
    throw new ShapeError(
      fn,
      "w",
      `[Cout (a multiple of groups ${attrs.groups}), Cin / groups = ${xShape[1] / attrs.groups}, ...]`,
      `[${wShape}]`,
    );
  return {
    batch: xShape[0],
    cin: xShape[1],
    cout: wShape[0],
    groups: attrs.groups,
    inSize,
    kSize,
    outSize,
    stride,
    dilation,
    padBefore: pads.map((p) => p[0]),
    outSpatial: outSize.slice(3 - s),
  };
}

/** Constants shared by the three kernels (every size the loops and index maths need). */
function convConstants(g: ConvGeometry): Record<string, number> {
  return {
    B: g.batch,
    Cin: g.cin,
    Cout: g.cout,
    cg: g.cin / g.groups,
    og: g.cout / g.groups,
    D: g.inSize[0],
    H: g.inSize[1],
    W: g.inSize[2],
    kD: g.kSize[0],
    kH: g.kSize[1],
    kW: g.kSize[2],
    oD: g.outSize[0],
    oH: g.outSize[1],
    oW: g.outSize[2],
    sD: g.stride[0],
    sH: g.stride[1],
    sW: g.stride[2],
    dD: g.dilation[0],
    dH: g.dilation[1],
    dW: g.dilation[2],
    pD: g.padBefore[0],
    pH: g.padBefore[1],
    pW: g.padBefore[2],
  };
}

function geometryKey(g: ConvGeometry): string {
  return [
    g.batch,
    g.cin,
    g.cout,
    g.groups,
    g.inSize.join("x"),
    g.kSize.join("x"),
    g.stride.join("x"),
    g.dilation.join("x"),
    g.padBefore.join("x"),
    g.outSize.join("x"),
  ].join(":");
}

/** y[b, o, od, oh, ow] = sum_{c, k} w[o, c, k] x[b, grp*cg + c, o_pos * s - p + k * d]. */
function convForward(this: GpuKernelThis, x: Float32Array, w: Float32Array): number {
  let idx = this.thread.x;
  const ow = idx % this.constants.oW;
  idx = Math.floor(idx / this.constants.oW);
  const oh = idx % this.constants.oH;
  idx = Math.floor(idx / this.constants.oH);
  const od = idx % this.constants.oD;
  idx = Math.floor(idx / this.constants.oD);
  const o = idx % this.constants.Cout;
  const b = Math.floor(idx / this.constants.Cout);
  const grp = Math.floor(o / this.constants.og);
  let sum = 0;
  for (let ci = 0; ci < this.constants.cg; ci++) {
    const xChan = (b * this.constants.Cin + grp * this.constants.cg + ci) * this.constants.D;
    const wChan = (o * this.constants.cg + ci) * this.constants.kD;
    for (let kd = 0; kd < this.constants.kD; kd++) {
      const id = od * this.constants.sD - this.constants.pD + kd * this.constants.dD;
      for (let kh = 0; kh < this.constants.kH; kh++) {
        const ih = oh * this.constants.sH - this.constants.pH + kh * this.constants.dH;
        for (let kw = 0; kw < this.constants.kW; kw++) {
          const iw = ow * this.constants.sW - this.constants.pW + kw * this.constants.dW;
          if (
            id >= 0 &&
            id < this.constants.D &&
            ih >= 0 &&
            ih < this.constants.H &&
            iw >= 0 &&
            iw < this.constants.W
          ) {
            sum +=
              x[((xChan + id) * this.constants.H + ih) * this.constants.W + iw] *
              w[((wChan + kd) * this.constants.kH + kh) * this.constants.kW + kw];
          }
        }
      }
    }
  }
  return sum;
}

/**
 * dx[b, ch, i] = sum_{o in ch's group, k} w[o, ch % cg, k] dy[b, o, (i + p - k d) / s], over the
 * taps where that quotient is an integer inside the output.
 */
function convInputGrad(this: GpuKernelThis, dy: Float32Array, w: Float32Array): number {
  let idx = this.thread.x;
  const iw = idx % this.constants.W;
  idx = Math.floor(idx / this.constants.W);
  const ih = idx % this.constants.H;
  idx = Math.floor(idx / this.constants.H);
  const id = idx % this.constants.D;
  idx = Math.floor(idx / this.constants.D);
  const ch = idx % this.constants.Cin;
  const b = Math.floor(idx / this.constants.Cin);
  const grp = Math.floor(ch / this.constants.cg);
  const cl = ch - grp * this.constants.cg;
  let sum = 0;
  for (let ol = 0; ol < this.constants.og; ol++) {
    const o = grp * this.constants.og + ol;
    const yChan = (b * this.constants.Cout + o) * this.constants.oD;
    const wChan = (o * this.constants.cg + cl) * this.constants.kD;
    for (let kd = 0; kd < this.constants.kD; kd++) {
      const td = id + this.constants.pD - kd * this.constants.dD;
      const od = Math.floor(td / this.constants.sD);
      for (let kh = 0; kh < this.constants.kH; kh++) {
        const th = ih + this.constants.pH - kh * this.constants.dH;
        const oh = Math.floor(th / this.constants.sH);
        for (let kw = 0; kw < this.constants.kW; kw++) {
          const tw = iw + this.constants.pW - kw * this.constants.dW;
          const ow = Math.floor(tw / this.constants.sW);
          if (
            td >= 0 &&
            th >= 0 &&
            tw >= 0 &&
            od * this.constants.sD === td &&
            oh * this.constants.sH === th &&
            ow * this.constants.sW === tw &&
            od < this.constants.oD &&
            oh < this.constants.oH &&
            ow < this.constants.oW
          ) {
            sum +=
              dy[((yChan + od) * this.constants.oH + oh) * this.constants.oW + ow] *
              w[((wChan + kd) * this.constants.kH + kh) * this.constants.kW + kw];
          }
        }
      }
    }
  }
  return sum;
}

/** dw[o, cl, k] = sum_{b, output positions} dy[b, o, pos] x[b, grp*cg + cl, pos * s - p + k d]. */
function convFilterGrad(this: GpuKernelThis, x: Float32Array, dy: Float32Array): number {
  let idx = this.thread.x;
  const kw = idx % this.constants.kW;
  idx = Math.floor(idx / this.constants.kW);
  const kh = idx % this.constants.kH;
  idx = Math.floor(idx / this.constants.kH);
  const kd = idx % this.constants.kD;
  idx = Math.floor(idx / this.constants.kD);
  const cl = idx % this.constants.cg;
  const o = Math.floor(idx / this.constants.cg);
  const grp = Math.floor(o / this.constants.og);
  let sum = 0;
  for (let b = 0; b < this.constants.B; b++) {
    const xChan = (b * this.constants.Cin + grp * this.constants.cg + cl) * this.constants.D;
    const yChan = (b * this.constants.Cout + o) * this.constants.oD;
    for (let od = 0; od < this.constants.oD; od++) {
      const id = od * this.constants.sD - this.constants.pD + kd * this.constants.dD;
      for (let oh = 0; oh < this.constants.oH; oh++) {
        const ih = oh * this.constants.sH - this.constants.pH + kh * this.constants.dH;
        for (let ow = 0; ow < this.constants.oW; ow++) {
          const iw = ow * this.constants.sW - this.constants.pW + kw * this.constants.dW;
          if (
            id >= 0 &&
            id < this.constants.D &&
            ih >= 0 &&
            ih < this.constants.H &&
            iw >= 0 &&
            iw < this.constants.W
          ) {
            sum +=
              dy[((yChan + od) * this.constants.oH + oh) * this.constants.oW + ow] *
              x[((xChan + id) * this.constants.H + ih) * this.constants.W + iw];
          }
        }
      }
    }
  }
  return sum;
}

function requireFloat32(fn: string, t: TensorInfo, arg: string): void {
  if (t.dtype !== "float32")
    throw new DTypeError(
      fn,
      arg,
      "a float32 tensor (convolutions on the gpu backends are real f32)",
      t.dtype,
    );
}

/** A 1x1 kernel with unit stride, no padding and one group: W [Cout, Cin] @ x_b [Cin, positions]. */
function isPointwise(g: ConvGeometry): boolean {
  return (
    g.groups === 1 &&
    g.kSize.every((k) => k === 1) &&
    g.stride.every((s) => s === 1) &&
    g.padBefore.every((p) => p === 0) &&
    g.outSize.every((n, i) => n === g.inSize[i])
  );
}

function runConvKernel(
  host: LinalgHost,
  op: string,
  body: typeof convForward,
  g: ConvGeometry,
  outShape: number[],
  args: TensorInfo[],
): TensorInfo {
  const count = sizeOf(outShape);
  if (count === 0) return host.adopt(new Float32Array(0), outShape, "float32");
  const build = () =>
    host.gpu.createKernel(body, {
      output: [count],
      constants: convConstants(g),
      pipeline: true,
      immutable: true,
      precision: "single",
    });
  return launch(host, op, `linalg.${op}:${geometryKey(g)}`, build, args, outShape, "float32");
}

/** w [Cout, Cin, 1...] of a pointwise convolution as the matrix [Cout, Cin] (same storage). */
function filterMatrix(g: ConvGeometry, w: TensorInfo): TensorInfo {
  return { dataId: w.dataId, shape: [g.cout, g.cin], dtype: w.dtype };
}

/** t [B, C, ...spatial] as [B, C, positions] (same storage). */
function channelLines(g: ConvGeometry, t: TensorInfo, channels: number): TensorInfo {
  return { dataId: t.dataId, shape: [g.batch, channels, sizeOf(g.inSize)], dtype: t.dtype };
}

/** Forward convolution on the gpu.js backends (1x1: the routed matmul, WGSL on webgpu). */
export function gpuJsConv(
  host: LinalgHost,
  x: TensorInfo,
  w: TensorInfo,
  attrs: ConvAttrs,
): TensorInfo {
  const g = convGeometry("conv", x.shape, w.shape, attrs);
  const outShape = [g.batch, g.cout, ...g.outSpatial];
  if (isPointwise(g)) {
    // y_b [Cout, P] = W [Cout, Cin] @ x_b [Cin, P]
    return routedMatMul(
      host,
      filterMatrix(g, w),
      channelLines(g, x, g.cin),
      false,
      false,
      outShape,
      "Conv",
    );
  }
  return runConvKernel(host, "Conv", convForward, g, outShape, [x, w]);
}

const conv: KernelFn<"Conv", LinalgHost> = (inputs, attrs, host) => {
  const [x, w] = inputs;
  requireFloat32("conv", x, "x");
  requireFloat32("conv", w, "w");
  if (host.mode === "webasm") return wasmConv(host, x, w, attrs);
  return gpuJsConv(host, x, w, attrs);
};

const convBackpropInput: KernelFn<"ConvBackpropInput", LinalgHost> = (
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs["ConvBackpropInput"],
  host: LinalgHost,
) => {
  const [dy, w] = inputs;
  requireFloat32("conv (input gradient)", dy, "dy");
  requireFloat32("conv (input gradient)", w, "w");
  const g = convGeometry("conv (input gradient)", attrs.inputShape, w.shape, attrs);
  const inputShape = attrs.inputShape.slice();
  if (isPointwise(g)) {
    // dx_b [Cin, P] = W^T [Cin, Cout] @ dy_b [Cout, P]
    return routedMatMul(
      host,
      filterMatrix(g, w),
      channelLines(g, dy, g.cout),
      true,
      false,
      inputShape,
      "ConvBackpropInput",
    );
  }
  if (host.mode === "webasm") {
    const viaCpu = wasmConvInputGrad(host, dy, w, attrs);
    if (viaCpu) return viaCpu;
  }
  return runConvKernel(host, "ConvBackpropInput", convInputGrad, g, inputShape, [dy, w]);
};

const convBackpropFilter: KernelFn<"ConvBackpropFilter", LinalgHost> = (
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs["ConvBackpropFilter"],
  host: LinalgHost,
) => {
  const [x, dy] = inputs;
  requireFloat32("conv (filter gradient)", x, "x");
  requireFloat32("conv (filter gradient)", dy, "dy");
  const g = convGeometry("conv (filter gradient)", x.shape, attrs.filterShape, attrs);
  const filterShape = attrs.filterShape.slice();
  if (isPointwise(g)) {
    // dw [Cout, Cin] = sum_b dy_b [Cout, P] @ x_b^T [P, Cin]
    const xLines = channelLines(g, x, g.cin);
    const dyLines = channelLines(g, dy, g.cout);
    if (host.mode === "webasm") return wasmPointwiseFilterGrad(host, xLines, dyLines, filterShape);
    if (g.batch === 1) {
      const positions = sizeOf(g.inSize);
      const x2 = { ...xLines, shape: [g.cin, positions] };
      const dy2 = { ...dyLines, shape: [g.cout, positions] };
      return routedMatMul(host, dy2, x2, false, true, filterShape, "ConvBackpropFilter");
    }
  }
  if (host.mode === "webasm") {
    const viaCpu = wasmConvFilterGrad(host, x, dy, attrs);
    if (viaCpu) return viaCpu;
  }
  return runConvKernel(host, "ConvBackpropFilter", convFilterGrad, g, filterShape, [x, dy]);
};

/** LINALG's convolution kernels for register.ts. */
export const convKernels: {
  Conv: KernelFn<"Conv", LinalgHost>;
  ConvBackpropInput: KernelFn<"ConvBackpropInput", LinalgHost>;
  ConvBackpropFilter: KernelFn<"ConvBackpropFilter", LinalgHost>;
} = {
  Conv: conv,
  ConvBackpropInput: convBackpropInput,
  ConvBackpropFilter: convBackpropFilter,
};
