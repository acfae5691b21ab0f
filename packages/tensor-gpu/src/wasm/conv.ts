/**
 * Convolutions on the wasm backend. Forward: the tensor core's WebAssembly SIMD conv
 * ("@modewise/tensor/cpu-kernels" convF32: implicit im2col into the threaded sgemm) on the
 * backend's Float32Arrays, executor "wasm-gemm". Gradients: where they are forward convolutions
 * in disguise, the CPU backend's conv through the reported fallback of cpu-fallback.ts
 * (executor "cpu-kernel"); the 1x1 filter gradient is a batch of sgemm calls ("wasm-gemm").
 */
import {
  type ConvAttrs,
  conv1d,
  conv2d,
  conv3d,
  flip,
  matmul,
  permute,
  reshape,
  type Shape,
  slice,
  sum,
  swapAxes,
  type TensorInfo,
} from "@modewise/tensor";
import { convF32, sgemm, sgemmAvailable } from "@modewise/tensor/cpu-kernels";
import { type LinalgHost, recordExecutor } from "../kernels/linalg-host.js";
import { hostValues, onCpu } from "./cpu-fallback.js";
import { WASM_GEMM_EXECUTOR } from "./matmul.js";

const BY_RANK = [conv1d, conv2d, conv3d];

export function wasmConv(
  host: LinalgHost,
  x: TensorInfo,
  w: TensorInfo,
  attrs: ConvAttrs,
): TensorInfo {
  if (sgemmAvailable()) {
    const { values, shape } = convF32(hostValues(host, x), x.shape, hostValues(host, w), w.shape, {
      strides: attrs.strides,
      padding: attrs.padding,
      dilations: attrs.dilations,
      groups: attrs.groups,
    });
    recordExecutor("Conv", WASM_GEMM_EXECUTOR);
    return host.adopt(values, shape, "float32");
  }
  const convN = BY_RANK[x.shape.length - 3];
  return onCpu("Conv", host, [x, w], ([cx, cw]) =>
    convN(cx, cw, {
      stride: attrs.strides,
      padding: attrs.padding,
      dilation: attrs.dilations,
      groups: attrs.groups,
    }),
  );
}

/**
 * Filter gradient of a 1x1 convolution: dw [Cout, Cin] = sum_b dy_b [Cout, P] @ x_b^T [P, Cin],
 * on the CPU gemm (executor "cpu-kernel"). x and dy come as [B, C, P] views.
 */
export function wasmPointwiseFilterGrad(
  host: LinalgHost,
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: number[],
): TensorInfo {
  if (sgemmAvailable()) {
    // dw [Cout, Cin] (+)= dy_b [Cout, P] @ (x_b [Cin, P])^T, accumulated over the batch.
    const [batch, cin, positions] = x.shape;
    const cout = dy.shape[1];
    const X = hostValues(host, x);
    const DY = hostValues(host, dy);
    const dw = new Float32Array(cout * cin);
    for (let b = 0; b < batch; b++)
      sgemm(
        cout,
        cin,
        positions,
        DY,
        b * cout * positions,
        X,
        b * cin * positions,
        dw,
        0,
        b > 0,
        false,
        true,
      );
    recordExecutor("ConvBackpropFilter", WASM_GEMM_EXECUTOR);
    return host.adopt(dw, filterShape, "float32");
  }
  return onCpu("ConvBackpropFilter", host, [x, dy], ([cx, cdy]) =>
    reshape(sum(matmul(cdy, swapAxes(cx, -1, -2)), 0), filterShape),
  );
}

/**
 * Input gradient as a forward convolution on the CPU, where that identity holds: unit strides
 * and, per axis, both paddings at most dilation * (k - 1). Then
 *   dx[c, i] = sum_{o,k} w[o, c, k] dy[o, i + p - k d] = conv(dy, w~)[c, i]
 * with w~ the filter with in / out channels swapped within each group and the taps flipped,
 * padded by d (k - 1) - p before and d (k - 1) - p' after. Returns undefined otherwise (the
 * caller runs the gpu.js kernel).
 */
export function wasmConvInputGrad(
  host: LinalgHost,
  dy: TensorInfo,
  w: TensorInfo,
  attrs: ConvAttrs & { inputShape: Shape },
): TensorInfo | undefined {
  const s = w.shape.length - 2;
  const k = w.shape.slice(2);
  const reach = k.map((kk, i) => attrs.dilations[i] * (kk - 1));
  const ok =
    attrs.strides.every((st) => st === 1) &&
    attrs.padding.every(([b, a], i) => b <= reach[i] && a <= reach[i]);
  if (!ok) return undefined;
  const groups = attrs.groups;
  const [cout, cg] = w.shape;
  const og = cout / groups;
  const spatialAxes = k.map((_, i) => i + 2);
  const convN = BY_RANK[s - 1];
  return onCpu("ConvBackpropInput", host, [dy, w], ([cdy, cw]) => {
    // [G*og, cg, k] -> [G, og, cg, k] -> [G, cg, og, k] -> [G*cg, og, k], taps flipped
    const grouped = reshape(cw, [groups, og, cg, ...k]);
    const swapped = permute(grouped, [0, 2, 1, ...k.map((_, i) => i + 3)]);
    const wT = flip(reshape(swapped, [groups * cg, og, ...k]), spatialAxes);
    return convN(cdy, wT, {
      padding: attrs.padding.map(([b, a], i) => [reach[i] - b, reach[i] - a] as [number, number]),
      dilation: attrs.dilations,
      groups,
    });
  });
}

/**
 * Filter gradient as a forward convolution on the CPU (one group): with batch and channels
 * swapped, dw[o, c, k] = sum_{b, pos} dy[b, o, pos] x[b, c, k d - p + pos s] is the convolution of
 * x^T [Cin, B, ...] with the filters dy^T [Cout, B, ...], stride d and dilation s exchanged,
 * cut to the k taps and transposed back. Returns undefined for grouped convolutions.
 */
export function wasmConvFilterGrad(
  host: LinalgHost,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: ConvAttrs & { filterShape: Shape },
): TensorInfo | undefined {
  if (attrs.groups !== 1) return undefined;
  const s = x.shape.length - 2;
  const k = attrs.filterShape.slice(2);
  const swap = [1, 0, ...k.map((_, i) => i + 2)];
  const convN = BY_RANK[s - 1];
  return onCpu("ConvBackpropFilter", host, [x, dy], ([cx, cdy]) => {
    const full = convN(permute(cx, swap), permute(cdy, swap), {
      stride: attrs.dilations,
      dilation: attrs.strides,
      padding: attrs.padding,
    });
    // [Cin, Cout, >= k] -> the first k taps -> [Cout, Cin, k]
    const taps = slice(full, [null, null, ...k.map((kk) => ({ start: 0, stop: kk }))]);
    return permute(taps, swap);
  });
}
