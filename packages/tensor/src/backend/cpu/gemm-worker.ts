/**
 * Entry point of a gemm worker (see gemm-threads.ts): instantiates the sgemm module over the
 * shared memory, reports ready in its control slot, then forever waits for a new sequence
 * number, claims the job (JobField.claim), takes units of the job written in its slot (a product,
 * sgemm-job.ts, a GELU map job, map-job.ts, a dot job, dot-job.ts, or a module job,
 * module-job.ts), and publishes `done`. It blocks
 * in Atomics.wait between jobs, so it never returns to its event loop after starting.
 * Started with workerData (Node) or one message (browsers): { memory, module, geluModule, dotModule, threadModules, slot }.
 */
import { runDotUnits } from "./dot-job.js";
import { runMapUnits } from "./map-job.js";
import { ModuleField, runModuleUnits, type ThreadModuleExports } from "./module-job.js";
import { JobField, JobKind, runUnits, SLOT_INTS, SPIN_MS } from "./sgemm-job.js";
import type { SgemmExports } from "./sgemm-module.js";
import type { DotKernels } from "./simd-dot-module.js";
import type { GeluKernels } from "./simd-gelu-module.js";

interface Init {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  /** The GELU kernels over the same memory (null where they could not be compiled). */
  geluModule: WebAssembly.Module | null;
  /** The batched dot kernel over the same memory (null where it could not be compiled). */
  dotModule: WebAssembly.Module | null;
  /** Other packages' thread modules (module jobs, module-job.ts), in registration order. */
  threadModules: WebAssembly.Module[];
  slot: number;
}

function serve({ memory, module, geluModule, dotModule, threadModules, slot }: Init): void {
  const ctl = new Int32Array(memory.buffer, slot * SLOT_INTS * 4, SLOT_INTS);
  const counter = new Int32Array(memory.buffer, 0, SLOT_INTS);
  let x: SgemmExports;
  let gelu: GeluKernels | null = null;
  let dot: DotKernels | null = null;
  const extra: ThreadModuleExports[] = [];
  try {
    const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
    x = instance.exports as unknown as SgemmExports;
    if (geluModule)
      gelu = new WebAssembly.Instance(geluModule, { env: { mem: memory } })
        .exports as unknown as GeluKernels;
    if (dotModule)
      dot = new WebAssembly.Instance(dotModule, { env: { mem: memory } })
        .exports as unknown as DotKernels;
    for (const m of threadModules ?? [])
      extra.push(
        new WebAssembly.Instance(m, { env: { mem: memory } })
          .exports as unknown as ThreadModuleExports,
      );
  } catch {
    Atomics.store(ctl, JobField.ready, -1);
    return;
  }
  Atomics.store(ctl, JobField.ready, 1);
  let seen = Atomics.load(ctl, JobField.seq);
  for (;;) {
    // spin for the next job before sleeping (see SPIN_MS)
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(ctl, JobField.seq) === seen && performance.now() < until);
    if (Atomics.load(ctl, JobField.seq) === seen) {
      // announce the sleep, then look once more: a job published before the main thread could
      // see the flag is caught here; one published after it is notified
      Atomics.store(ctl, JobField.sleeping, 1);
      if (Atomics.load(ctl, JobField.seq) === seen) Atomics.wait(ctl, JobField.seq, seen);
      Atomics.store(ctl, JobField.sleeping, 0);
    }
    seen = Atomics.load(ctl, JobField.seq);
    // Too late (the main thread withdrew this job and finished it alone) or a job that was
    // superseded while we read seq: skip it; a newer seq wakes the wait at once.
    if (Atomics.compareExchange(ctl, JobField.claim, -seen, seen) !== -seen) continue;
    try {
      if (ctl[JobField.kind] === JobKind.gelu) {
        // never sent without the kernels (gemm-threads.ts checks runtime.gelu); fail loudly
        if (!gelu) throw new Error("no GELU kernels in this worker");
        runMapUnits(gelu, ctl, counter);
      } else if (ctl[JobField.kind] === JobKind.module) {
        const m = extra[ctl[ModuleField.index]];
        // never sent to a worker started without the module (gemm-threads.ts checks); fail loudly
        if (!m) throw new Error("module job for a module this worker does not have");
        runModuleUnits(m, ctl, counter);
      } else if (ctl[JobField.kind] === JobKind.dot) {
        if (!dot) throw new Error("no dot kernel in this worker");
        runDotUnits(dot, ctl, counter);
      } else runUnits(x, ctl, counter);
    } catch {
      Atomics.store(ctl, JobField.error, seen);
    }
    Atomics.store(ctl, JobField.done, seen);
    Atomics.notify(ctl, JobField.done);
  }
}

const scope = globalThis as {
  process?: { versions?: { node?: string } };
  onmessage?: ((e: { data: Init }) => void) | null;
};
if (typeof scope.process?.versions?.node === "string") {
  const spec = ["node", "worker_threads"].join(":");
  const { workerData } = (await import(/* @vite-ignore */ spec)) as { workerData: Init };
  serve(workerData);
} else {
  scope.onmessage = (e) => serve(e.data);
}
