/**
 * Reported detour of the wasm backend through @modewise/tensor's CPU backend, for what
 * "@modewise/tensor/cpu-kernels" does not cover yet (complex products, convolution gradients)
 * and for @modewise/fft's kernels: the computation runs as public ops on CPU tensors holding
 * copies of the wasm tensors' Float32Arrays (one copy in, one out, no device transfer). Never
 * silent: every call records its executor ("cpu-kernel", "fft-plan"; see linalgExecutor), which
 * the parity cases assert and report.
 */
import { type DType, type Tensor, type TensorInfo, tensor, tidy } from "@modewise/tensor";
import type { LinalgHost } from "../kernels/linalg-host.js";
import { recordExecutor } from "../kernels/linalg-host.js";

/** The executor name every fallback call records. */
export const CPU_KERNEL_EXECUTOR = "cpu-kernel";

/** The Float32Array behind a wasm-backend tensor (no copy when the backend hands out its own). */
export function hostValues(host: LinalgHost, info: TensorInfo): Float32Array {
  const v = host.deviceValue(info.dataId);
  if (v instanceof Float32Array) return v;
  const copy = host.readSync?.(info.dataId);
  if (copy instanceof Float32Array) return copy;
  throw new TypeError(`wasm fallback: tensor storage is not a Float32Array (${typeof v})`);
}

/**
 * Evaluate `compute` on CPU tensors holding copies of `inputs`, and adopt its result (a
 * float32 / complex64 CPU tensor) on `host`. Everything created on the CPU is freed here.
 */
export function onCpu(
  op: string,
  host: LinalgHost,
  inputs: readonly TensorInfo[],
  compute: (cpuInputs: Tensor[]) => Tensor,
  executor: string = CPU_KERNEL_EXECUTOR,
): TensorInfo {
  let shape: number[] = [];
  let dtype: DType = "float32";
  const values = tidy(() => {
    const cpuInputs = inputs.map((t) =>
      tensor(hostValues(host, t), { dtype: t.dtype, shape: t.shape, device: "cpu" }),
    );
    const out = compute(cpuInputs);
    shape = out.shape.slice();
    dtype = out.dtype;
    return out.dataSync() as Float32Array;
  });
  recordExecutor(op, executor);
  return host.adopt(values, shape, dtype);
}
