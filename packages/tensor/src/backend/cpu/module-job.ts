/**
 * Module jobs: units of work in WebAssembly modules that other packages register with the gemm
 * threads (registerThreadModule in gemm-threads.ts). Such a module imports the sgemm memory and
 * exports `unit(u, args)`; a job names the module and the byte address of its argument block,
 * and every thread (the main one and the workers that have the module) takes units from the
 * shared counter and calls `unit` on them. The same code runs on the main thread and in the
 * workers.
 */
import { COUNTER_INDEX, JobField } from "./sgemm-job.js";

/** Fields of a module job in a control slot (a product's K .. N fields, reused). */
export const ModuleField = {
  /** Index of the module (registration order). */
  index: JobField.K,
  /** Byte address of the job's argument block, passed to every unit call. */
  args: JobField.aSrc,
} as const;

/** The export a thread module provides. */
export interface ThreadModuleExports {
  unit(u: number, args: number): void;
}

/** Takes units of the module job in `slot` until none is left, calling `m` (this thread's instance). */
export function runModuleUnits(
  m: ThreadModuleExports,
  slot: Int32Array,
  counter: Int32Array,
): void {
  const units = slot[JobField.units];
  const args = slot[ModuleField.args];
  const fixed = slot[JobField.staticThreads];
  for (let next = slot[JobField.thread]; ; next += fixed) {
    const u = fixed > 0 ? next : Atomics.add(counter, COUNTER_INDEX, 1);
    if (u >= units) return;
    slot[JobField.unitsDone]++;
    m.unit(u, args);
  }
}
