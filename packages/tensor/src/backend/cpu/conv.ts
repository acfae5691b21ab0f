/**
 * N-d convolution (cross-correlation, as PyTorch), N = 1..3, channels first:
 * x [B, Cin, ...spatial], w [Cout, Cin / groups, ...kernel]. Lowered to gemm per
 * (batch, group) over the im2col column matrix (rows (c, kd, kh, kw), columns output
 * positions), which is never materialized for the forward pass and the filter gradient: gemm's
 * B panels are packed straight from x (colsPacker). The input gradient is, at unit stride, the
 * forward convolution of dy with the flipped filter (same path); strided, it is gemm into a
 * reused column buffer plus col2im. 1x1 kernels without stride or padding use x as the matrix.
 * Spatial ranks below 3 are padded with unit axes so one code path serves all.
 * float32 forward, unit-stride input gradient and filter gradient run on conv-f32.ts instead
 * (implicit im2col on the threaded float32 sgemm, float32 accumulation); the code here is the
 * float64 path (float64 accumulation) and the fallback where that kernel is unavailable.
 */
import { allocate, type DType } from "../../dtype.js";
import type { ConvAttrs, KernelAttrs } from "../../kernels.js";

import type { TensorInfo } from "../backend.js";
import { convFilterGradF32, convForwardF32 } from "./conv-f32.js";
import type { CpuBackend } from "./cpu-backend.js";
import { type Floats, GEMM_NR, gemm, gemmCustomB, type PackB } from "./gemm.js";

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

export function convOutputSize(
  inSize: number,
  k: number,
  stride: number,
  dilation: number,
  pad: [number, number],
): number {
  return Math.floor((inSize + pad[0] + pad[1] - dilation * (k - 1) - 1) / stride) + 1;
}

function geometry(
  xShape: readonly number[],
  wShape: readonly number[],
  attrs: ConvAttrs,
): Geometry {
  const s = xShape.length - 2;
  const lift = (v: number[], fill: number) => [...new Array(3 - s).fill(fill), ...v];
  const inSize = lift(xShape.slice(2), 1);
  const kSize = lift(wShape.slice(2), 1);
  const stride = lift(attrs.strides, 1);
  const dilation = lift(attrs.dilations, 1);
  const pads = [...new Array<[number, number]>(3 - s).fill([0, 0]), ...attrs.padding];
  const outSize = inSize.map((n, i) =>
    convOutputSize(n, kSize[i], stride[i], dilation[i], pads[i]),
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
    spatialRank: s,
  };
}

/** Output indices o in [lo, hi) whose input index o * stride - pad + k * dilation lies in [0, n). */
function validRange(
  k: number,
  n: number,
  outN: number,
  stride: number,
  pad: number,
  dilation: number,
): [number, number] {
  const shift = k * dilation - pad;
  const lo = Math.max(0, Math.ceil(-shift / stride));
  const hi = Math.min(outN, Math.floor((n - 1 - shift) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * col2im for one (batch, group): scatter-add the column matrix (rows (c, kd, kh, kw), columns
 * output positions) back into x; used by the input gradient of strided convolutions. The
 * in-bounds range of each output row is computed once per kernel offset, so the inner loops
 * are plain strided adds without tests.
 */
function col2im(g: Geometry, x: Floats, xOff: number, cols: Floats): void {
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
              col += plane;
              continue;
            }
            const id = od * sD - pD + kd * dD;
            for (let oh = 0; oh < oH; oh++, col += oW) {
              if (oh < hLo || oh >= hHi) continue;
              const ih = oh * sH - pH + kh * dH;
              const base = cBase + (id * H + ih) * W + iw0 - wLo * sW;
              if (sW === 1) for (let ow = wLo; ow < wHi; ow++) x[base + ow] += cols[col + ow];
              else for (let ow = wLo; ow < wHi; ow++) x[base + ow * sW] += cols[col + ow];
            }
          }
        }
      }
    }
  }
}

// Index scratch of colsPacker (per row: tap offsets; per column: window origin), reused.
let rowIdx = new Int32Array(0);
let colIdx = new Int32Array(0);

/**
 * gemm B panels straight from x, without materializing the column matrix (one pass over the
 * data instead of an im2col write plus a packing read). Row r = (c, kd, kh, kw) of the column
 * matrix, column n = output position; element (r, n) = x at window origin(n) + tap(r), or 0 in
 * the padding. `transposed` false: op(B) = cols (forward: K = rows, N = outVol); true:
 * op(B) = cols^T (filter gradient: K = outVol, N = rows). Panels are written sequentially (see
 * PackB); output positions whose whole window is inside x skip the bounds tests.
 */
function colsPacker(g: Geometry, x: Floats, xOff: number, transposed: boolean): PackB {
  const [D, H, W] = g.inSize;
  const [kD, kH, kW] = g.kSize;
  const [, oH, oW] = g.outSize;
  const [sD, sH, sW] = g.stride;
  const [dD, dH, dW] = g.dilation;
  const [pD, pH, pW] = g.padBefore;
  const kHW = kH * kW;
  const kVol = kD * kHW;
  const HW = H * W;
  const NR = GEMM_NR;
  return (pc, jc, kc, nc, dst, dOff) => {
    const nRows = transposed ? nc : kc;
    const nCols = transposed ? kc : nc;
    const r0 = transposed ? jc : pc;
    const n0 = transposed ? pc : jc;
    if (rowIdx.length < 4 * nRows) rowIdx = new Int32Array(4 * nRows);
    if (colIdx.length < 6 * nCols) colIdx = new Int32Array(6 * nCols);
    const R = rowIdx;
    const Q = colIdx;
    // Q[5 * nCols ..]: the columns whose window is not entirely inside x.
    const edge = 5 * nCols;
    let nEdge = 0;
    // Row t: [offset of the tap in x, tap d, tap h, tap w].
    for (let t = 0; t < nRows; t++) {
      const r = r0 + t;
      const c = Math.floor(r / kVol);
      const kd = Math.floor((r - c * kVol) / kHW);
      const kh = Math.floor((r - c * kVol - kd * kHW) / kW);
      const kw = r - c * kVol - kd * kHW - kh * kW;
      R[4 * t] = xOff + c * D * HW + kd * dD * HW + kh * dH * W + kw * dW;
      R[4 * t + 1] = kd * dD;
      R[4 * t + 2] = kh * dH;
      R[4 * t + 3] = kw * dW;
    }
    // Column t: [offset of the window origin, origin d, h, w, 1 if the whole window is inside].
    for (let t = 0; t < nCols; t++) {
      const n = n0 + t;
      const q = Math.floor(n / oW);
      const ow = n - q * oW;
      const od = Math.floor(q / oH);
      const oh = q - od * oH;
      const id = od * sD - pD;
      const ih = oh * sH - pH;
      const iw = ow * sW - pW;
      Q[5 * t] = id * HW + ih * W + iw;
      Q[5 * t + 1] = id;
      Q[5 * t + 2] = ih;
      Q[5 * t + 3] = iw;
      const inside =
        id >= 0 &&
        id + (kD - 1) * dD < D &&
        ih >= 0 &&
        ih + (kH - 1) * dH < H &&
        iw >= 0 &&
        iw + (kW - 1) * dW < W;
      Q[5 * t + 4] = inside ? 1 : 0;
      if (!inside) Q[edge + nEdge++] = t;
    }
    for (let j0 = 0; j0 < nc; j0 += NR) {
      const base = dOff + j0 * kc;
      if (
        !transposed &&
        j0 + NR <= nc &&
        Q[5 * j0 + 4] + Q[5 * j0 + 9] + Q[5 * j0 + 14] + Q[5 * j0 + 19] === 4
      ) {
        // Four interior output positions: no bounds tests, one tap offset per 4 elements.
        const o0 = Q[5 * j0];
        const o1 = Q[5 * j0 + 5];
        const o2 = Q[5 * j0 + 10];
        const o3 = Q[5 * j0 + 15];
        for (let p = 0, d = base; p < kc; p++, d += NR) {
          const ro = R[4 * p];
          dst[d] = x[ro + o0];
          dst[d + 1] = x[ro + o1];
          dst[d + 2] = x[ro + o2];
          dst[d + 3] = x[ro + o3];
        }
        continue;
      }
      if (transposed && j0 + NR <= nc) {
        // Four taps; interior output positions need no bounds tests.
        const r0 = R[4 * j0];
        const r1 = R[4 * j0 + 4];
        const r2 = R[4 * j0 + 8];
        const r3 = R[4 * j0 + 12];
        let p = 0;
        for (let d = base; p < kc; p++, d += NR) {
          if (Q[5 * p + 4] !== 1) continue;
          const co = Q[5 * p];
          dst[d] = x[r0 + co];
          dst[d + 1] = x[r1 + co];
          dst[d + 2] = x[r2 + co];
          dst[d + 3] = x[r3 + co];
        }
        // Boundary output positions (window partly in the padding), element by element.
        for (let u = 0; u < NR; u++) {
          const t = j0 + u;
          const ro = R[4 * t];
          const rd = R[4 * t + 1];
          const rh = R[4 * t + 2];
          const rw = R[4 * t + 3];
          for (let e = 0; e < nEdge; e++) {
            const q = Q[edge + e];
            const d = base + u + q * NR;
            const id = Q[5 * q + 1] + rd;
            const ih = Q[5 * q + 2] + rh;
            const iw = Q[5 * q + 3] + rw;
            dst[d] =
              id >= 0 && id < D && ih >= 0 && ih < H && iw >= 0 && iw < W ? x[ro + Q[5 * q]] : 0;
          }
        }
        continue;
      }
      for (let u = 0; u < NR; u++) {
        const t = j0 + u;
        if (t >= nc) {
          for (let p = 0, d = base + u; p < kc; p++, d += NR) dst[d] = 0;
        } else if (!transposed) {
          // Column t of the panel is an output position; p runs over the taps.
          const co = Q[5 * t];
          if (Q[5 * t + 4] === 1) {
            for (let p = 0, d = base + u; p < kc; p++, d += NR) dst[d] = x[R[4 * p] + co];
          } else {
            const cd = Q[5 * t + 1];
            const ch = Q[5 * t + 2];
            const cw = Q[5 * t + 3];
            for (let p = 0, d = base + u; p < kc; p++, d += NR) {
              const id = cd + R[4 * p + 1];
              const ih = ch + R[4 * p + 2];
              const iw = cw + R[4 * p + 3];
              dst[d] =
                id >= 0 && id < D && ih >= 0 && ih < H && iw >= 0 && iw < W ? x[R[4 * p] + co] : 0;
            }
          }
        } else {
          // Column t of the panel is a tap; p runs over the output positions.
          const ro = R[4 * t];
          const rd = R[4 * t + 1];
          const rh = R[4 * t + 2];
          const rw = R[4 * t + 3];
          for (let p = 0, d = base + u; p < kc; p++, d += NR) {
            if (Q[5 * p + 4] === 1) {
              dst[d] = x[ro + Q[5 * p]];
            } else {
              const id = Q[5 * p + 1] + rd;
              const ih = Q[5 * p + 2] + rh;
              const iw = Q[5 * p + 3] + rw;
              dst[d] =
                id >= 0 && id < D && ih >= 0 && ih < H && iw >= 0 && iw < W ? x[ro + Q[5 * p]] : 0;
            }
          }
        }
      }
    }
  };
}

function shapes(g: Geometry) {
  const cg = g.cin / g.groups;
  const og = g.cout / g.groups;
  const kVol = g.kSize[0] * g.kSize[1] * g.kSize[2];
  const inVol = g.inSize[0] * g.inSize[1] * g.inSize[2];
  const outVol = g.outSize[0] * g.outSize[1] * g.outSize[2];
  // A 1x1(x1) kernel with unit stride and no padding: the column matrix is x itself.
  const direct =
    kVol === 1 &&
    g.stride.every((s) => s === 1) &&
    g.padBefore.every((p) => p === 0) &&
    outVol === inVol;
  return { cg, og, rows: cg * kVol, inVol, outVol, direct };
}

// Column-matrix scratch of the strided input gradient, one per precision, reused across calls (a
// fresh 4.7 MB buffer per call costs ~7 ms in page faults here). Above COLS_KEEP elements a
// buffer is not retained.
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

export function conv(
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs["Conv"],
  be: CpuBackend,
): TensorInfo {
  const [x, w] = inputs;
  const g = geometry(x.shape, w.shape, attrs);
  const { cg, og, rows, inVol, outVol, direct } = shapes(g);
  const outShape = [g.batch, g.cout, ...g.outSize.slice(3 - g.spatialRank)];
  const { info, values } = be.alloc(outShape, x.dtype);
  const out = values as Floats;
  const X = be.values(x) as Floats;
  const Wt = be.values(w) as Floats;
  // float32: implicit im2col on the threaded float32 sgemm (conv-f32.ts).
  if (X instanceof Float32Array && Wt instanceof Float32Array && out instanceof Float32Array)
    if (convForwardF32(g, X, Wt, out)) return info;
  for (let b = 0; b < g.batch; b++)
    for (let grp = 0; grp < g.groups; grp++) {
      // out_grp [og x outVol] = W_grp [og x rows] @ cols [rows x outVol]; cols packed from x.
      const xOff = (b * g.cin + grp * cg) * inVol;
      const yOff = (b * g.cout + grp * og) * outVol;
      if (direct) gemm(og, outVol, rows, Wt, grp * og * rows, X, xOff, out, yOff);
      else
        gemmCustomB(
          og,
          outVol,
          rows,
          Wt,
          grp * og * rows,
          false,
          colsPacker(g, X, xOff, false),
          out,
          yOff,
        );
    }
  return info;
}

function allFinite(a: Floats): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

export function convBackpropInput(
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs["ConvBackpropInput"],
  be: CpuBackend,
): TensorInfo {
  const [dy, w] = inputs;
  const g = geometry(attrs.inputShape, w.shape, attrs);
  const { cg, og, rows, inVol, outVol, direct } = shapes(g);
  const { info, values } = be.alloc(attrs.inputShape, dy.dtype);
  const dx = values as Floats;
  const DY = be.values(dy) as Floats;
  const Wt = be.values(w) as Floats;
  if (!direct && g.stride.every((s) => s === 1) && allFinite(Wt)) {
    // Unit stride: dx is the forward convolution of dy with the spatially flipped filter,
    // in and out channels swapped, padded by dilation * (k - 1) - pad before each axis:
    // dx[c, i] = sum_o,k w[o, c, k] dy[o, i + pad - k dil] = sum_o,k' w~[c, o, k'] dy[o, i - pad~ + k' dil]
    // with k' = k_size - 1 - k. No column matrix and no scatter-add (col2im) pass. The padding
    // of dy adds terms w * 0 that the definition does not have: harmless for finite w, but
    // Inf or NaN in w would turn them into NaN, so such filters take the col2im path.
    const kVol = rows / cg;
    const wFlip = allocate(w.dtype, Wt.length) as Floats;
    for (let grp = 0; grp < g.groups; grp++)
      for (let o = 0; o < og; o++)
        for (let c = 0; c < cg; c++) {
          const src = ((grp * og + o) * cg + c) * kVol;
          const dst = ((grp * cg + c) * og + o) * kVol + kVol - 1;
          for (let k = 0; k < kVol; k++) wFlip[dst - k] = Wt[src + k];
        }
    const gT: Geometry = {
      ...g,
      cin: g.cout,
      cout: g.cin,
      inSize: g.outSize,
      outSize: g.inSize,
      padBefore: g.padBefore.map((p, i) => g.dilation[i] * (g.kSize[i] - 1) - p),
    };
    if (
      DY instanceof Float32Array &&
      wFlip instanceof Float32Array &&
      dx instanceof Float32Array &&
      convForwardF32(gT, DY, wFlip, dx)
    )
      return info;
    const rowsT = og * kVol;
    for (let b = 0; b < g.batch; b++)
      for (let grp = 0; grp < g.groups; grp++) {
        const yOff = (b * g.cout + grp * og) * outVol;
        const packer = colsPacker(gT, DY, yOff, false);
        gemmCustomB(
          cg,
          inVol,
          rowsT,
          wFlip,
          grp * cg * rowsT,
          false,
          packer,
          dx,
          (b * g.cin + grp * cg) * inVol,
        );
      }
    return info;
  }
  const cols = direct ? dx : colsScratch(dy.dtype, rows * outVol);
  for (let grp = 0; grp < g.groups; grp++) {
    for (let b = 0; b < g.batch; b++) {
      // cols [rows x outVol] = W_grp^T [rows x og] @ dy [og x outVol]; W is read transposed in place.
      const xOff = (b * g.cin + grp * cg) * inVol;
      gemm(
        rows,
        outVol,
        og,
        Wt,
        grp * og * rows,
        DY,
        (b * g.cout + grp * og) * outVol,
        cols,
        direct ? xOff : 0,
        false,
        true,
      );
      if (!direct) col2im(g, dx, xOff, cols);
    }
  }
  return info;
}

export function convBackpropFilter(
  inputs: readonly TensorInfo[],
  attrs: KernelAttrs["ConvBackpropFilter"],
  be: CpuBackend,
): TensorInfo {
  const [x, dy] = inputs;
  const g = geometry(x.shape, attrs.filterShape, attrs);
  const { cg, og, rows, inVol, outVol, direct } = shapes(g);
  const { info, values } = be.alloc(attrs.filterShape, x.dtype);
  const dw = values as Floats;
  const X = be.values(x) as Floats;
  const DY = be.values(dy) as Floats;
  // float32: the transposed implicit im2col on the threaded float32 sgemm (conv-f32.ts).
  if (X instanceof Float32Array && DY instanceof Float32Array && dw instanceof Float32Array)
    if (convFilterGradF32(g, X, DY, dw)) return info;
  for (let b = 0; b < g.batch; b++)
    for (let grp = 0; grp < g.groups; grp++) {
      // dw_grp [og x rows] += dy [og x outVol] @ cols^T, cols^T packed from x (no transpose made).
      const xOff = (b * g.cin + grp * cg) * inVol;
      const yOff = (b * g.cout + grp * og) * outVol;
      const wOff = grp * og * rows;
      if (direct) gemm(og, rows, outVol, DY, yOff, X, xOff, dw, wOff, true, false, true);
      else
        gemmCustomB(
          og,
          rows,
          outVol,
          DY,
          yOff,
          false,
          colsPacker(g, X, xOff, true),
          dw,
          wOff,
          true,
        );
    }
  return info;
}
