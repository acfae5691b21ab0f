/**
 * FFT, RFFT and IRFFT on the wasm backend: @modewise/fft's own kernels (float32 plans, since the
 * data are Float32Arrays) reached through its public tensor entry, not gpu.js radix-2 passes.
 * The kernels registered for "cpu" by "@modewise/fft/tensor" run on CPU tensors that wrap copies
 * of the wasm tensor's values; the executor recorded is "fft-plan".
 */
// The side effect registers the "cpu" FFT kernels this path runs.
import "@modewise/fft/tensor";
import { runKernel, type TensorInfo } from "@modewise/tensor";
import type { LinalgHost } from "../kernels/linalg-host.js";
import { onCpu } from "./cpu-fallback.js";

export const FFT_PLAN_EXECUTOR = "fft-plan";

export function wasmFft(
  name: "FFT" | "RFFT" | "IRFFT",
  host: LinalgHost,
  x: TensorInfo,
  attrs: unknown,
): TensorInfo {
  return onCpu(name, host, [x], ([t]) => runKernel(name, [t], attrs), FFT_PLAN_EXECUTOR);
}
