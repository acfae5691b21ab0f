/**
 * N-d convolution (cross-correlation, as PyTorch), N = 1..3, channels first:
 * x [B, Cin, ...spatial], w [Cout, Cin / groups, ...kernel]. Lowered to im2col + gemm per
 * (batch, group); the two backprops reuse the same column layout (col2im scatters back).
 * Spatial ranks below 3 are padded with unit axes so one code path serves all.
 */
import type { DType } from "../../dtype.js";
import type { ConvAttrs, KernelAttrs } from "../../kernels.js";

import type { TensorInfo } from "../backend.js";
import type { CpuBackend } from "./cpu-backend.js";
import { type Floats, gemm } from "./gemm.js";

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

/** Output indices o in [lo, hi) whose input index o * stride - pad + k * dilation lies in [0, n). */
function validRange(k: number, n: number, outN: number, stride: number, pad: number, dilation: number): [number, number] {
  const shift = k * dilation - pad;
  const lo = Math.max(0, Math.ceil(-shift / stride));
  const hi = Math.min(outN, Math.floor((n - 1 - shift) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Column matrix of one (batch, group): rows (c, kd, kh, kw), columns output positions.
 * `toCols` true copies x into cols (every element written, padding as zeros); false scatters
 * cols back into x (accumulating): col2im. The in-bounds range of each output row is computed
 * once per kernel offset, so the inner loops are plain strided copies without tests.
 */
function im2col(g: Geometry, x: Floats, xOff: number, cols: Floats, toCols: boolean): void {
  const cg = g.cin / g.groups;
  const [D, H, W] = g.inSize;
  const [kD, kH, kW] = g.kSize;
  const [oD, oH, oW] = g.outSize;
  const [sD, sH, sW] = g.stride;
  const [dD, dH, dW] = g.dilation;
  const [pD, pH, pW] = g.padBefore;
  const plane = oH * oW;
  let col = 0;
  for (let c = 0; c < cg; c++) {
    const cBase = xOff + c * D * H * W;
    for (let kd = 0; kd < kD; kd++) {
      const [dLo, dHi] = validRange(kd, D, oD, sD, pD, dD);
      for (let kh = 0; kh < kH; kh++) {
        const [hLo, hHi] = validRange(kh, H, oH, sH, pH, dH);
        for (let kw = 0; kw < kW; kw++) {
          const [wLo, wHi] = validRange(kw, W, oW, sW, pW, dW);
          const iw0 = wLo * sW - pW + kw * dW;
          for (let od = 0; od < oD; od++) {
            if (od < dLo || od >= dHi) {
              if (toCols) cols.fill(0, col, col + plane);
              col += plane;
              continue;
            }
            const id = od * sD - pD + kd * dD;
            for (let oh = 0; oh < oH; oh++, col += oW) {
              if (oh < hLo || oh >= hHi) {
                if (toCols) cols.fill(0, col, col + oW);
                continue;
              }
              const ih = oh * sH - pH + kh * dH;
              const base = cBase + (id * H + ih) * W + iw0 - wLo * sW;
              if (toCols) {
                for (let ow = 0; ow < wLo; ow++) cols[col + ow] = 0;
                if (sW === 1) for (let ow = wLo; ow < wHi; ow++) cols[col + ow] = x[base + ow];
                else for (let ow = wLo; ow < wHi; ow++) cols[col + ow] = x[base + ow * sW];
                for (let ow = wHi; ow < oW; ow++) cols[col + ow] = 0;
              } else if (sW === 1) {
                for (let ow = wLo; ow < wHi; ow++) x[base + ow] += cols[col + ow];
              } else {
                for (let ow = wLo; ow < wHi; ow++) x[base + ow * sW] += cols[col + ow];
              }
            }
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
  // A 1x1(x1) kernel with unit stride and no padding: the column matrix is x itself.
  const direct = kVol === 1 && g.stride.every((s) => s === 1) && g.padBefore.every((p) => p === 0) && outVol === inVol;
  return { cg, og, rows: cg * kVol, inVol, outVol, direct };
}

// Column-matrix scratch, one per precision, reused across calls (a fresh 4.7 MB buffer per call
// costs ~7 ms in page faults here). Buffers above COLS_KEEP elements are not retained.
const COLS_KEEP = 1 << 23;
let cols32 = new Float32Array(0);
let cols64 = new Float64Array(0);

function colsScratch(dtype: DType, n: number): Floats {
  if (dtype === "float64") {
    if (cols64.length >= n) return cols64;
    const buf = new Float64Array(n);
    if (n <= COLS_KEEP) cols64 = buf;
    return buf;
  }
  if (cols32.length >= n) return cols32;
  const buf = new Float32Array(n);
  if (n <= COLS_KEEP) cols32 = buf;
  return buf;
}

export function conv(inputs: readonly TensorInfo[], attrs: KernelAttrs["Conv"], be: CpuBackend): TensorInfo {
  const [x, w] = inputs;
  const g = geometry(x.shape, w.shape, attrs);
  const { cg, og, rows, inVol, outVol, direct } = shapes(g);
  const outShape = [g.batch, g.cout, ...g.outSize.slice(3 - g.spatialRank)];
  const { info, values } = be.alloc(outShape, x.dtype);
  const out = values as Floats;
  const X = be.values(x) as Floats;
  const Wt = be.values(w) as Floats;
  const cols = direct ? X : colsScratch(x.dtype, rows * outVol);
  for (let b = 0; b < g.batch; b++)
    for (let grp = 0; grp < g.groups; grp++) {
      const xOff = (b * g.cin + grp * cg) * inVol;
      if (!direct) im2col(g, X, xOff, cols, true);
      gemm(og, outVol, rows, Wt, grp * og * rows, cols, direct ? xOff : 0, out, (b * g.cout + grp * og) * outVol);
    }
  return info;
}

export function convBackpropInput(inputs: readonly TensorInfo[], attrs: KernelAttrs["ConvBackpropInput"], be: CpuBackend): TensorInfo {
  const [dy, w] = inputs;
  const g = geometry(attrs.inputShape, w.shape, attrs);
  const { cg, og, rows, inVol, outVol, direct } = shapes(g);
  const { info, values } = be.alloc(attrs.inputShape, dy.dtype);
  const dx = values as Floats;
  const DY = be.values(dy) as Floats;
  const Wt = be.values(w) as Floats;
  const cols = direct ? dx : colsScratch(dy.dtype, rows * outVol);
  for (let grp = 0; grp < g.groups; grp++) {
    for (let b = 0; b < g.batch; b++) {
      // cols [rows x outVol] = W_grp^T [rows x og] @ dy [og x outVol]; W is read transposed in place.
      const xOff = (b * g.cin + grp * cg) * inVol;
      gemm(rows, outVol, og, Wt, grp * og * rows, DY, (b * g.cout + grp * og) * outVol, cols, direct ? xOff : 0, false, true);
      if (!direct) im2col(g, dx, xOff, cols, false);
    }
  }
  return info;
}

export function convBackpropFilter(inputs: readonly TensorInfo[], attrs: KernelAttrs["ConvBackpropFilter"], be: CpuBackend): TensorInfo {
  const [x, dy] = inputs;
  const g = geometry(x.shape, attrs.filterShape, attrs);
  const { cg, og, rows, inVol, outVol, direct } = shapes(g);
  const { info, values } = be.alloc(attrs.filterShape, x.dtype);
  const dw = values as Floats;
  const X = be.values(x) as Floats;
  const DY = be.values(dy) as Floats;
  const cols = direct ? X : colsScratch(x.dtype, rows * outVol);
  for (let b = 0; b < g.batch; b++)
    for (let grp = 0; grp < g.groups; grp++) {
      // dw_grp [og x rows] += dy [og x outVol] @ cols^T; gemm packs cols [rows x outVol] as B^T directly.
      const xOff = (b * g.cin + grp * cg) * inVol;
      if (!direct) im2col(g, X, xOff, cols, true);
      gemm(og, rows, outVol, DY, (b * g.cout + grp * og) * outVol, cols, direct ? xOff : 0, dw, grp * og * rows, true, false, true);
    }
  return info;
}
