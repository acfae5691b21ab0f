/**
 * Map jobs: the GELU kernels (simd-gelu-module.ts) over parts of float32 arrays in the sgemm
 * memory, run by the gemm threads (gemm-threads.ts) like the units of a product. An array of
 * `iterations` kernel iterations (12 floats each) is cut into units of `unit` iterations; each
 * thread takes units from the shared counter. Every element gets the same operations wherever
 * it lands, so results are bit-identical to one thread.
 */
import { COUNTER_INDEX, JobField } from "./sgemm-job.js";
import { GELU_VECTORS_PER_ITERATION, type GeluKernels } from "./simd-gelu-module.js";

/** The kernel a map job runs. */
export const MapCall = { forward: 0, grad: 1, forwardWithGrad: 2 } as const;

/** Fields of a map job in a control slot (a product's K .. units fields, reused). */
export const MapField = {
  /** MapCall */
  call: JobField.K,
  /** Byte address of x. */
  x: JobField.aSrc,
  /** dy (grad) or d, written (forwardWithGrad); unused by forward. */
  second: JobField.bSrc,
  /** The output: y (forward, forwardWithGrad) or dx (grad). */
  out: JobField.cAddr,
  /** Kernel iterations in all. */
  iterations: JobField.M,
  /** Iterations per unit. */
  unit: JobField.unit,
  units: JobField.units,
} as const;

/** Bytes one kernel iteration covers. */
export const MAP_ITERATION_BYTES = 16 * GELU_VECTORS_PER_ITERATION;

/** Takes units of the map job in `slot` until none is left (the map twin of runUnits). */
export function runMapUnits(k: GeluKernels, slot: Int32Array, counter: Int32Array): void {
  const call = slot[MapField.call];
  const total = slot[MapField.iterations];
  const unit = slot[MapField.unit];
  const units = slot[MapField.units];
  const fixed = slot[JobField.staticThreads];
  for (let next = slot[JobField.thread]; ; next += fixed) {
    const u = fixed > 0 ? next : Atomics.add(counter, COUNTER_INDEX, 1);
    if (u >= units) return;
    slot[JobField.unitsDone]++;
    const first = u * unit;
    const it = Math.min(unit, total - first);
    const off = first * MAP_ITERATION_BYTES;
    runGeluCall(
      k,
      call,
      slot[MapField.x] + off,
      slot[MapField.second] + off,
      slot[MapField.out] + off,
      it,
    );
  }
}

/**
 * One GELU kernel call (MapCall) over `iterations` iterations at byte addresses: x, out, and
 * `second`, which is dy for grad, d (written) for forwardWithGrad, unused by forward.
 */
export function runGeluCall(
  k: GeluKernels,
  call: number,
  x: number,
  second: number,
  out: number,
  iterations: number,
): void {
  if (call === MapCall.forward) k.forward(x, out, iterations);
  else if (call === MapCall.grad) k.grad(x, second, out, iterations);
  else k.forwardWithGrad(x, out, second, iterations);
}
