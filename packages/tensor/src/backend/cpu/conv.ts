/**
 * N-d convolution (cross-correlation, as PyTorch), N = 1..3, channels first:
 * x [B, Cin, ...spatial], w [Cout, Cin / groups, ...kernel]. Lowered to im2col + gemm per
 * (batch, group); the two backprops reuse the same column layout (col2im scatters back).
 * Spatial ranks below 3 are padded with unit axes so one code path serves all.
 */
import { allocate } from "../../dtype.js";
import type { ConvAttrs, KernelAttrs } from "../../kernels.js";

import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { type Floats, gemm, transposeMatrix } from "./gemm.js";

interface Geometry {
  batch: number;
  cin: number;
  cout: number;
  groups: number;
  /** Spatial sizes padded to 3 axes. */
  inSize: number[];
  kSize: number[];
  outSize: number[];
  stride: number[];
  dilation: number[];
  padBefore: number[];
  spatialRank: number;
}

export function convOutputSize(inSize: number, k: number, stride: number, dilation: number, pad: [number, number]): number {
  return Math.floor((inSize + pad[0] + pad[1] - dilation * (k - 1) - 1) / stride) + 1;
}

function geometry(xShape: readonly number[], wShape: readonly number[], attrs: ConvAttrs): Geometry {
  const s = xShape.length - 2;
  const lift = (v: number[], fill: number) => [...new Array(3 - s).fill(fill), ...v];
  const inSize = lift(xShape.slice(2), 1);
  const kSize = lift(wShape.slice(2), 1);
  const stride = lift(attrs.strides, 1);
  const dilation = lift(attrs.dilations, 1);
  const pads = [...new Array<[number, number]>(3 - s).fill([0, 0]), ...attrs.padding];
  const outSize = inSize.map((n, i) => convOutputSize(n, kSize[i], stride[i], dilation[i], pads[i]));
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
    spatialRank: s,
  };
}

/**
 * Column matrix of one (batch, group): rows (c, kd, kh, kw), columns output positions.
 * `toCols` true copies x into cols; false scatters cols back into x (accumulating): col2im.
 */
function im2col(g: Geometry, x: Floats, xOff: number, cols: Floats, toCols: boolean): void {
  const cg = g.cin / g.groups;
  const [D, H, W] = g.inSize;
  const [kD, kH, kW] = g.kSize;
  const [oD, oH, oW] = g.outSize;
  const [sD, sH, sW] = g.stride;
  const [dD, dH, dW] = g.dilation;
  const [pD, pH, pW] = g.padBefore;
  const outVol = oD * oH * oW;
  let r = 0;
  for (let c = 0; c < cg; c++) {
    const cBase = xOff + c * D * H * W;
    for (let kd = 0; kd < kD; kd++)
      for (let kh = 0; kh < kH; kh++)
        for (let kw = 0; kw < kW; kw++, r++) {
          let col = r * outVol;
          for (let od = 0; od < oD; od++) {
            const id = od * sD - pD + kd * dD;
            const dOk = id >= 0 && id < D;
            for (let oh = 0; oh < oH; oh++) {
              const ih = oh * sH - pH + kh * dH;
              const rowOk = dOk && ih >= 0 && ih < H;
              const base = cBase + (id * H + ih) * W;
              for (let ow = 0; ow < oW; ow++, col++) {
                const iw = ow * sW - pW + kw * dW;
                const ok = rowOk && iw >= 0 && iw < W;
                if (toCols) cols[col] = ok ? x[base + iw] : 0;
                else if (ok) x[base + iw] += cols[col];
              }
            }
          }
        }
  }
}

function shapes(g: Geometry) {
  const cg = g.cin / g.groups;
  const og = g.cout / g.groups;
  const kVol = g.kSize[0] * g.kSize[1] * g.kSize[2];
  const inVol = g.inSize[0] * g.inSize[1] * g.inSize[2];
  const outVol = g.outSize[0] * g.outSize[1] * g.outSize[2];
  return { cg, og, rows: cg * kVol, inVol, outVol };
}

export function conv(inputs: readonly TensorInfo[], attrs: KernelAttrs["Conv"], be: CpuBackend): TensorInfo {
  const [x, w] = inputs;
  const g = geometry(x.shape, w.shape, attrs);
  const { cg, og, rows, inVol, outVol } = shapes(g);
  const outShape = [g.batch, g.cout, ...g.outSize.slice(3 - g.spatialRank)];
  const { info, values } = be.alloc(outShape, x.dtype);
  const out = values as Floats;
  const X = be.values(x) as Floats;
  const Wt = be.values(w) as Floats;
  const cols = allocate(x.dtype, rows * outVol) as Floats;
  for (let b = 0; b < g.batch; b++)
    for (let grp = 0; grp < g.groups; grp++) {
      im2col(g, X, (b * g.cin + grp * cg) * inVol, cols, true);
      gemm(og, outVol, rows, Wt, grp * og * rows, cols, 0, out, (b * g.cout + grp * og) * outVol);
    }
  return info;
}

export function convBackpropInput(inputs: readonly TensorInfo[], attrs: KernelAttrs["ConvBackpropInput"], be: CpuBackend): TensorInfo {
  const [dy, w] = inputs;
  const g = geometry(attrs.inputShape, w.shape, attrs);
  const { cg, og, rows, inVol, outVol } = shapes(g);
  const { info, values } = be.alloc(attrs.inputShape, dy.dtype);
  const dx = values as Floats;
  const DY = be.values(dy) as Floats;
  const Wt = be.values(w) as Floats;
  const wT = allocate(dy.dtype, rows * og) as Floats;
  const cols = allocate(dy.dtype, rows * outVol) as Floats;
  for (let grp = 0; grp < g.groups; grp++) {
    transposeMatrix(Wt, grp * og * rows, og, rows, wT, 1);
    for (let b = 0; b < g.batch; b++) {
      gemm(rows, outVol, og, wT, 0, DY, (b * g.cout + grp * og) * outVol, cols, 0);
      im2col(g, dx, (b * g.cin + grp * cg) * inVol, cols, false);
    }
  }
  return info;
}

export function convBackpropFilter(inputs: readonly TensorInfo[], attrs: KernelAttrs["ConvBackpropFilter"], be: CpuBackend): TensorInfo {
  const [x, dy] = inputs;
  const g = geometry(x.shape, attrs.filterShape, attrs);
  const { cg, og, rows, inVol, outVol } = shapes(g);
  const { info, values } = be.alloc(attrs.filterShape, x.dtype);
  const dw = values as Floats;
  const X = be.values(x) as Floats;
  const DY = be.values(dy) as Floats;
  const cols = allocate(x.dtype, rows * outVol) as Floats;
  const colsT = allocate(x.dtype, rows * outVol) as Floats;
  for (let b = 0; b < g.batch; b++)
    for (let grp = 0; grp < g.groups; grp++) {
      im2col(g, X, (b * g.cin + grp * cg) * inVol, cols, true);
      transposeMatrix(cols, 0, rows, outVol, colsT, 1);
      gemm(og, rows, outVol, DY, (b * g.cout + grp * og) * outVol, colsT, 0, dw, grp * og * rows, true);
    }
  return info;
}
