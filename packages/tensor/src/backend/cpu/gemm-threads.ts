/**
 * The sgemm memory and its thread pool: a synchronous parallel float32 gemm for a synchronous
 * CPU backend.
 *
 * - One WebAssembly.Memory, shared (threads proposal) where SharedArrayBuffer exists, holds the
 *   operands, the offset tables, C and each thread's packing scratch, after a control area of
 *   one 128-byte slot per thread. It only grows (no allocation per call once large enough).
 * - Workers (node:worker_threads in Node; Web Workers in browsers, only when
 *   crossOriginIsolated) instantiate the same compiled module over the same memory and block in
 *   Atomics.wait on their slot. For a product, the main thread pre-packs the operand all
 *   units share, writes the job into each worker's slot, bumps the slot's sequence number and
 *   notifies; then every thread (main included) takes units (column or row blocks of C) from a
 *   shared atomic counter until none is left, and the main thread waits (Atomics.wait; a spin
 *   where the main thread may not block, as in browsers) for every worker that claimed the job
 *   to publish `done`; a worker that has not woken up by then is withdrawn (JobField.claim)
 *   rather than waited for. Dynamic units keep a thread slowed by other processes from
 *   holding up the product.
 * - Workers start lazily at the first product large enough to split, asynchronously: until
 *   they report ready, products run on the main thread alone, with identical results (see
 *   sgemm-job.ts). They are unref()'d and never keep Node alive. A worker that fails inside a
 *   product reports it and is retired; the main thread then recomputes the product.
 * - Thread count: min(2, available parallelism) by default; env MODEWISE_THREADS or
 *   setNumThreads(n) override (1 = single-threaded).
 * - Besides products, the threads run map jobs (map-job.ts): the float32 GELU kernels over
 *   parts of a large array that the caller copied into the memory (JobField.kind).
 */
import { DeviceError, ValueError } from "../../errors.js";
import { dotTiles, runDotUnits } from "./dot-job.js";
import { MapField, runMapUnits } from "./map-job.js";
import { ModuleField, runModuleUnits } from "./module-job.js";
import {
  COUNTER_INDEX,
  JobField,
  JobKind,
  prepack,
  runUnits,
  SGEMM_MC,
  SGEMM_NU,
  SLOT_INTS,
  SPIN_MS,
} from "./sgemm-job.js";
import { SGEMM_MR, SGEMM_NR, type SgemmExports, sgemmModuleBytes } from "./sgemm-module.js";
import { type DotKernels, dotModuleBytes } from "./simd-dot-module.js";
import { type GeluKernels, geluModuleBytes } from "./simd-gelu-module.js";
import { type RowsKernels, rowsModuleBytes } from "./simd-rows-module.js";

/** Most threads the control area has slots for. */
const MAX_THREADS = 16;
/** Bytes of the control area (slots), before the first allocation. */
export const CONTROL_BYTES = MAX_THREADS * SLOT_INTS * 4;
/** 4 GiB address space is the wasm32 limit; reserve at most 2 GiB for a shared memory. */
export const MAX_PAGES = 32768;
/** Products below this many multiply-adds run on one thread (thread hand-off costs ~20-50 us). */
export const THREAD_MIN_MACS = 1 << 20;

export interface SgemmRuntime {
  memory: WebAssembly.Memory;
  shared: boolean;
  module: WebAssembly.Module;
  exports: SgemmExports;
  /** The GELU kernels over this memory, for map jobs (null where they failed to compile). */
  geluModule: WebAssembly.Module | null;
  gelu: GeluKernels | null;
  /** The batched dot-product kernel over this memory (simd-dot-module.ts), and its module for the workers (dot jobs, dot-job.ts). */
  dotModule: WebAssembly.Module | null;
  dot: DotKernels | null;
  /**
   * The row-streaming product kernel over this memory (simd-rows-module.ts) and its index among the
   * thread modules (module jobs; -1 where there are no threads).
   */
  rows: RowsKernels | null;
  rowsIndex: number;
}

let runtime: SgemmRuntime | null | undefined;

/** The module over its memory, or null where WebAssembly SIMD is unavailable. */
export function sgemmRuntime(): SgemmRuntime | null {
  if (runtime !== undefined) return runtime;
  runtime = null;
  for (const shared of [true, false]) {
    try {
      if (shared && typeof SharedArrayBuffer === "undefined") continue;
      const memory = new WebAssembly.Memory(
        shared ? { initial: 16, maximum: MAX_PAGES, shared: true } : { initial: 16 },
      );
      const module = new WebAssembly.Module(sgemmModuleBytes(shared, MAX_PAGES));
      const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
      let geluModule: WebAssembly.Module | null = null;
      let gelu: GeluKernels | null = null;
      try {
        geluModule = new WebAssembly.Module(geluModuleBytes({ shared, maxPages: MAX_PAGES }));
        gelu = new WebAssembly.Instance(geluModule, { env: { mem: memory } })
          .exports as unknown as GeluKernels;
      } catch {
        geluModule = null; // products still run; GELU stays on its own single-thread path
      }
      let dot: DotKernels | null = null;
      let dotModule: WebAssembly.Module | null = null;
      try {
        dotModule = new WebAssembly.Module(dotModuleBytes(shared, MAX_PAGES));
        dot = new WebAssembly.Instance(dotModule, { env: { mem: memory } })
          .exports as unknown as DotKernels;
      } catch {
        dot = null; // the folded sgemm product serves instead
        dotModule = null;
      }
      let rows: RowsKernels | null = null;
      let rowsIndex = -1;
      try {
        const rowsModule = new WebAssembly.Module(rowsModuleBytes(shared, MAX_PAGES));
        rows = new WebAssembly.Instance(rowsModule, { env: { mem: memory } })
          .exports as unknown as RowsKernels;
        // the first thread module: every worker instantiates it
        if (shared) rowsIndex = threadModules.push(rowsModule) - 1;
      } catch {
        rows = null; // the packed product serves instead
      }
      const exports = instance.exports as unknown as SgemmExports;
      runtime = {
        memory,
        shared,
        module,
        exports,
        geluModule,
        gelu,
        dotModule,
        dot,
        rows,
        rowsIndex,
      };
      break;
    } catch {
      // Shared memory refused (e.g. a browser page that is not cross-origin isolated): try plain.
    }
  }
  if (runtime !== null) for (const hook of runtimeHooks.splice(0)) hook();
  return runtime;
}

const runtimeHooks: (() => void)[] = [];

/**
 * Runs `hook` once the runtime exists (now, if it does): kernels of this package that want the
 * gemm threads build and register their modules there, before any worker starts (workers
 * instantiate the modules registered by then), without creating the runtime at import.
 */
export function onRuntimeStart(hook: () => void): void {
  if (runtime) hook();
  else runtimeHooks.push(hook);
}

/**
 * Grows the memory so that `bytes` are addressable; false when that is beyond its maximum (or
 * the engine refuses): callers then take their float64-accumulating path.
 */
export function ensureBytes(rt: SgemmRuntime, bytes: number): boolean {
  const have = rt.memory.buffer.byteLength;
  if (bytes <= have) return true;
  if (bytes > MAX_PAGES * 65536) return false;
  const pages = Math.ceil((bytes - have) / 65536);
  // Grow by at least a quarter so that slowly increasing sizes do not grow on every call.
  const extra = Math.min(MAX_PAGES - have / 65536, Math.max(pages, Math.ceil(have / 65536 / 4)));
  try {
    rt.memory.grow(extra);
    return true;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------------------ thread count

let requestedThreads: number | undefined;

/** env MODEWISE_THREADS, read once (process.env is a slow lookup, and products ask per call). */
let envRead = false;
let envValue: number | undefined;
function envThreads(): number | undefined {
  if (envRead) return envValue;
  envRead = true;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  const v = env?.MODEWISE_THREADS;
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  envValue = Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_THREADS) : undefined;
  return envValue;
}

/** os.availableParallelism() in Node, once node:os is loaded (see loadNodeWorker). */
let nodeCores: number | undefined;

function hardwareThreads(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const n = nav?.hardwareConcurrency ?? nodeCores;
  if (typeof n === "number" && n >= 1) return n;
  // Node 20 has no navigator: assume 2 until node:os answers (the workers load meanwhile).
  return isNode() ? 2 : 1;
}

/**
 * Sets the number of threads of the float32 gemm / convolution (1 .. 16; 1 = main thread
 * only). Results do not depend on it. Returns the new setting.
 */
export function setNumThreads(n: number): number {
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_THREADS))
    throw new ValueError("setNumThreads", "n", `an integer in [1, ${MAX_THREADS}]`, String(n));
  requestedThreads = n;
  return n;
}

/** The thread count products use once the workers are up: setNumThreads, MODEWISE_THREADS, or min(2, cores). */
export function getNumThreads(): number {
  return requestedThreads ?? envThreads() ?? Math.min(2, hardwareThreads());
}

// ------------------------------------------------------------------------------ workers

interface WorkerHandle {
  slot: number;
  /** Int32 view of the slot; the control area never moves, so the view stays valid. */
  ctl: Int32Array;
  seq: number;
  /** How many thread modules (registerThreadModule) the worker was started with. */
  modules: number;
  terminate(): void;
}

/** Modules other packages registered for module jobs, in registration order. */
const threadModules: WebAssembly.Module[] = [];

/**
 * Registers a WebAssembly module for module jobs (runModuleJob): it imports the sgemm memory as
 * env.mem (shared, MAX_PAGES) and exports `unit(u, args)`, which computes unit u of a job whose
 * arguments it reads at byte address `args`. Workers started from now on instantiate it; jobs
 * only go to workers that have it (the others' share runs on the calling thread). Returns its
 * index, or -1 where there are no threads (no shared memory). Register at load time, before
 * the first large product starts the workers.
 */
export function registerThreadModule(module: WebAssembly.Module): number {
  const rt = sgemmRuntime();
  if (rt === null || !rt.shared) return -1;
  threadModules.push(module);
  return threadModules.length - 1;
}

/** Minimal shapes of the two Worker APIs (no DOM / @types/node dependency in the types). */
interface NodeWorkerLike {
  unref(): void;
  on(event: string, fn: (e: unknown) => void): void;
  postMessage(m: unknown): void;
  terminate(): unknown;
}
type NodeWorkerCtor = new (
  url: URL,
  opts?: { workerData?: unknown; execArgv?: string[] },
) => NodeWorkerLike;

const workers: WorkerHandle[] = [];
let spawnFailed = false;
let nodeWorkerCtor: NodeWorkerCtor | null | undefined;
let nodeWorkerLoading: Promise<void> | undefined;

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === "string";
}

interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}

/**
 * Loads node:worker_threads and node:os: synchronously through process.getBuiltinModule
 * (Node >= 20.16 / 22.3), so that even a program that never yields to the event loop gets its
 * threads; else by dynamic import (the first products run single-threaded meanwhile).
 */
function loadNodeWorker(): Promise<void> {
  if (nodeWorkerLoading === undefined) {
    const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    if (typeof p?.getBuiltinModule === "function") {
      try {
        const wt = p.getBuiltinModule("node:worker_threads") as { Worker: NodeWorkerCtor };
        const os = p.getBuiltinModule("node:os") as NodeOs;
        nodeWorkerCtor = wt.Worker;
        nodeCores = os.availableParallelism?.() ?? os.cpus().length;
        nodeWorkerLoading = Promise.resolve();
        return nodeWorkerLoading;
      } catch {
        // Fall through to the dynamic import.
      }
    }
    // A computed specifier keeps browser bundlers from trying to resolve the Node built-in.
    const spec = ["node", "worker_threads"].join(":");
    const osSpec = ["node", "os"].join(":");
    nodeWorkerLoading = Promise.all([
      import(/* @vite-ignore */ spec),
      import(/* @vite-ignore */ osSpec),
    ]).then(
      ([m, os]: [
        { Worker: NodeWorkerCtor },
        { availableParallelism?: () => number; cpus(): unknown[] },
      ]) => {
        nodeWorkerCtor = m.Worker;
        nodeCores = os.availableParallelism?.() ?? os.cpus().length;
      },
      () => {
        nodeWorkerCtor = null;
      },
    );
  }
  return nodeWorkerLoading;
}

function workerUrl(): URL {
  return new URL("./gemm-worker.js", import.meta.url);
}

/** Spawns one worker for control slot `slot`; false when the platform cannot. */
function spawn(rt: SgemmRuntime, slot: number): boolean {
  const ctl = new Int32Array(rt.memory.buffer, slot * SLOT_INTS * 4, SLOT_INTS);
  ctl.fill(0);
  const init = {
    memory: rt.memory,
    module: rt.module,
    geluModule: rt.geluModule,
    dotModule: rt.dotModule,
    threadModules: threadModules.slice(),
    slot,
  };
  try {
    if (isNode()) {
      if (!nodeWorkerCtor) return false;
      // No inherited execArgv: flags such as --input-type (node -e) make a file worker fail,
      // and the worker needs none.
      const w = new nodeWorkerCtor(workerUrl(), { workerData: init, execArgv: [] });
      w.unref();
      w.on("error", () => Atomics.store(ctl, JobField.ready, -1));
      workers.push({
        slot,
        ctl,
        seq: 0,
        modules: init.threadModules.length,
        terminate: () => void w.terminate(),
      });
      return true;
    }
    const g = globalThis as {
      crossOriginIsolated?: boolean;
      Worker?: new (
        url: URL,
        opts: { type: "module" },
      ) => { postMessage(m: unknown): void; terminate(): void; onerror: unknown };
    };
    if (!g.crossOriginIsolated || g.Worker === undefined) return false;
    const w = new g.Worker(workerUrl(), { type: "module" });
    w.onerror = () => Atomics.store(ctl, JobField.ready, -1);
    w.postMessage(init);
    workers.push({
      slot,
      ctl,
      seq: 0,
      modules: init.threadModules.length,
      terminate: () => w.terminate(),
    });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure `n - 1` workers exist or are starting; returns the ones that are ready. */
function readyWorkers(rt: SgemmRuntime, n: number): WorkerHandle[] {
  if (n > 1 && rt.shared && !spawnFailed && workers.length < n - 1) {
    if (isNode() && nodeWorkerCtor === undefined) void loadNodeWorker();
    if (!isNode() || nodeWorkerCtor !== undefined) {
      while (workers.length < n - 1) {
        if (!spawn(rt, workers.length + 1)) {
          spawnFailed = true;
          break;
        }
      }
    }
  }
  const ready: WorkerHandle[] = [];
  for (const w of workers) {
    if (ready.length >= n - 1) break;
    if (Atomics.load(w.ctl, JobField.ready) === 1) ready.push(w);
  }
  return ready;
}

/**
 * Resolves when the workers for the current thread count are ready (or cannot start), with
 * the number of threads products will use. Products never need this (they run on the threads
 * that are up); tests and benchmarks call it to measure the steady state.
 */
export async function threadsReady(timeoutMs = 5000): Promise<number> {
  const rt = sgemmRuntime();
  if (rt === null) return 1;
  const n = getNumThreads();
  if (isNode()) await loadNodeWorker();
  const t0 = Date.now();
  for (;;) {
    const ready = readyWorkers(rt, n);
    const pending = workers.slice(0, n - 1).some((w) => Atomics.load(w.ctl, JobField.ready) === 0);
    if (ready.length >= n - 1 || !pending || Date.now() - t0 > timeoutMs) return ready.length + 1;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Stops every worker (they restart lazily at the next large product). */
export function terminateThreads(): void {
  for (const w of workers.splice(0)) w.terminate();
  spawnFailed = false;
}

/** How long the main thread spins for a worker to finish before it sleeps (see SPIN_MS). */
const MAIN_SPIN_MS = Math.min(1, SPIN_MS);

/** Whether the main thread may block in Atomics.wait (not in a browser window). */
let canBlock = true;

function waitDone(w: WorkerHandle): void {
  // Spin first (up to MAIN_SPIN_MS): the worker's last unit usually ends within a fraction of a
  // millisecond, and a main thread asleep in Atomics.wait wakes tens of microseconds late.
  const until = MAIN_SPIN_MS > 0 ? performance.now() + MAIN_SPIN_MS : 0;
  for (let spins = 0; ; spins++) {
    const d = Atomics.load(w.ctl, JobField.done);
    if (d === w.seq) return;
    if (spins < 2000 || !canBlock || ((spins & 63) !== 0 ? true : performance.now() < until))
      continue;
    try {
      Atomics.wait(w.ctl, JobField.done, d, 50);
    } catch {
      canBlock = false;
    }
  }
}

/**
 * Runs the job in `job` (fields K .. packed set, see sgemm-job.ts) on up to getNumThreads()
 * threads: the main thread pre-packs the shared operand, then every thread takes units from
 * the shared counter. `packs[t]` is thread t's packing scratch.
 */
export function runJob(rt: SgemmRuntime, job: Int32Array, packs: readonly number[]): void {
  const M = job[JobField.M];
  const N = job[JobField.N];
  const want =
    M * N * job[JobField.K] >= THREAD_MIN_MACS ? Math.min(getNumThreads(), packs.length) : 1;
  const pool = want > 1 ? readyWorkers(rt, want) : [];
  const threads = pool.length + 1;
  // Units: about four per thread (a slowed thread takes fewer), tile-aligned, bounded by the
  // packing scratch.
  const splitN = N >= M;
  const W = splitN ? SGEMM_NR : SGEMM_MR;
  const cap = splitN ? SGEMM_NU : SGEMM_MC;
  const len = splitN ? N : M;
  const unit = Math.min(cap, Math.max(W, Math.ceil(len / (4 * threads) / W) * W));
  job[JobField.kind] = JobKind.sgemm;
  job[JobField.splitN] = splitN ? 1 : 0;
  job[JobField.unit] = unit;
  job[JobField.units] = Math.ceil(len / unit);
  prepack(rt.exports, job);
  const failed = runOnThreads(rt, job, pool, packs, () =>
    runUnits(rt.exports, job, controlView(rt)),
  );
  if (failed) {
    // A worker failed inside a unit it had taken (short of a broken platform, never): the
    // failed workers are retired; recompute the whole product here (same code, same results)
    // — possible only when C is overwritten, not when the product was added to it.
    if (job[JobField.accumulate] !== 0)
      throw new DeviceError("sgemm", "worker", "a gemm worker completing its part", "a failure");
    rerunHere(rt, job, () => runUnits(rt.exports, job, controlView(rt)));
  }
}

/** Map jobs below this many kernel iterations (12 floats each) run on the calling thread. */
export const MAP_THREAD_MIN_ITERATIONS = 4096;

/**
 * Runs the map job in `job` (map-job.ts: call, addresses, iterations set) on up to
 * getNumThreads() threads; false (nothing done) where no GELU kernels or fewer than two
 * threads are available: the caller then runs its single-thread path.
 */
export function runMapJob(rt: SgemmRuntime, job: Int32Array): boolean {
  const gelu = rt.gelu;
  const iterations = job[MapField.iterations];
  if (gelu === null || iterations < MAP_THREAD_MIN_ITERATIONS || getNumThreads() < 2) return false;
  const pool = readyWorkers(rt, getNumThreads());
  if (pool.length === 0) return false;
  runMapOn(rt, gelu, job, pool);
  return true;
}

/**
 * Whether a map job of `iterations` would run on more than one thread now (the GELU kernels
 * exist, threads are wanted and at least one worker is up): callers check before laying out
 * their data in the sgemm memory.
 */
export function mapJobThreaded(rt: SgemmRuntime, iterations: number): boolean {
  return (
    rt.gelu !== null &&
    iterations >= MAP_THREAD_MIN_ITERATIONS &&
    getNumThreads() >= 2 &&
    readyWorkers(rt, getNumThreads()).length > 0
  );
}

function runMapOn(
  rt: SgemmRuntime,
  gelu: GeluKernels,
  job: Int32Array,
  pool: readonly WorkerHandle[],
): void {
  const iterations = job[MapField.iterations];
  const threads = pool.length + 1;
  // About 16 units per thread, at least 256 iterations (3072 floats, ~5 us of GELU): the main
  // thread waits at the end for the worker's last unit, on average half a unit. With four per
  // thread that was ~210 us per GELU of an FNO-2D step (a unit of 2.6 M / 8 floats is ~0.5
  // ms); with 16, ~50 us.
  const unit = Math.max(256, Math.ceil(iterations / (16 * threads)));
  job[JobField.kind] = JobKind.gelu;
  job[JobField.unit] = unit;
  job[JobField.units] = Math.ceil(iterations / unit);
  runHereOrOnThreads(rt, job, pool, () => runMapUnits(gelu, job, controlView(rt)));
}

/**
 * Runs the units of `job` (its kind, unit and units set) with `here` taking them on this
 * thread: alone (static schedule) when `pool` is empty, else together with the workers of
 * `pool`; a failed worker's units are recomputed here (jobs run this way only overwrite their
 * outputs).
 */
function runHereOrOnThreads(
  rt: SgemmRuntime,
  job: Int32Array,
  pool: readonly WorkerHandle[],
  here: () => void,
): void {
  if (pool.length === 0) {
    job[JobField.thread] = 0;
    job[JobField.staticThreads] = 1;
    here();
    return;
  }
  const packs = new Array<number>(pool.length + 1).fill(0);
  if (runOnThreads(rt, job, pool, packs, here)) rerunHere(rt, job, here);
}

/**
 * Runs the dot job in `job` (dot-job.ts: DotField set) on the gemm threads when it is large
 * enough and workers are up, else here alone; the same tiles and kernel either way (same bits).
 */
export function runDotJob(rt: SgemmRuntime, dot: DotKernels, job: Int32Array, macs: number): void {
  const tiles = dotTiles(job);
  const want = macs >= THREAD_MIN_MACS && rt.dotModule !== null ? getNumThreads() : 1;
  const pool = want > 1 ? readyWorkers(rt, want) : [];
  // about four units per thread
  const unit = Math.max(1, Math.ceil(tiles / (4 * (pool.length + 1))));
  job[JobField.kind] = JobKind.dot;
  job[JobField.unit] = unit;
  job[JobField.units] = Math.ceil(tiles / unit);
  runHereOrOnThreads(rt, job, pool, () => runDotUnits(dot, job, controlView(rt)));
}

const moduleJob = new Int32Array(SLOT_INTS);

/**
 * Runs units 0 .. units - 1 of a module job: `unit(u, args)` of thread module `index`
 * (registerThreadModule), `here` being this thread's instance of it, on the gemm threads that
 * have the module (dynamic units), else here alone. `work` (multiply-adds or the like) below
 * THREAD_MIN_MACS runs here alone. Each unit must write only its own outputs.
 */
export function runModuleJob(
  index: number,
  here: (u: number, args: number) => void,
  units: number,
  args: number,
  work: number,
): void {
  const job = moduleJob;
  job[ModuleField.index] = index;
  job[ModuleField.args] = args;
  job[JobField.kind] = JobKind.module;
  job[JobField.unit] = 1;
  job[JobField.units] = units;
  const rt = sgemmRuntime();
  if (rt === null) {
    // no threads: every unit here, in order
    for (let u = 0; u < units; u++) here(u, args);
    return;
  }
  const pool =
    index >= 0 && work >= THREAD_MIN_MACS && getNumThreads() > 1
      ? readyWorkers(rt, getNumThreads()).filter((w) => w.modules > index)
      : [];
  const mine = { unit: here };
  runHereOrOnThreads(rt, job, pool, () => runModuleUnits(mine, job, controlView(rt)));
}

/**
 * Hands the job in `job` to the workers of `pool` (its fields copied into their slots), runs
 * units here meanwhile (`here`), then waits for every worker that claimed it. True when a
 * worker failed in the job (those workers are then retired).
 */
function runOnThreads(
  rt: SgemmRuntime,
  job: Int32Array,
  pool: readonly WorkerHandle[],
  packs: readonly number[],
  here: () => void,
): boolean {
  const threads = pool.length + 1;
  job[JobField.staticThreads] = staticSchedule ? threads : 0;
  const counter = controlView(rt);
  Atomics.store(counter, COUNTER_INDEX, 0);
  for (let t = 1; t < threads; t++) {
    const w = pool[t - 1];
    w.ctl.set(job.subarray(JobField.K, JobField.pack), JobField.K);
    w.ctl[JobField.pack] = packs[t];
    w.ctl[JobField.thread] = t;
    w.ctl[JobField.staticThreads] = job[JobField.staticThreads];
    w.ctl[JobField.kind] = job[JobField.kind];
    w.ctl[JobField.cBatchCols] = job[JobField.cBatchCols];
    w.ctl[JobField.cBatchStride] = job[JobField.cBatchStride];
    w.ctl[JobField.kContiguous] = job[JobField.kContiguous];
    w.ctl[JobField.bias] = job[JobField.bias];
    w.seq = (w.seq + 1) | 0 || 1;
    Atomics.store(w.ctl, JobField.claim, -w.seq);
    Atomics.store(w.ctl, JobField.seq, w.seq);
    if (Atomics.load(w.ctl, JobField.sleeping) !== 0) Atomics.notify(w.ctl, JobField.seq);
  }
  job[JobField.pack] = packs[0];
  job[JobField.thread] = 0;
  // The workers are waited for (or withdrawn) even if this thread's part throws: their slots
  // and the memory they write must not be reused while they run.
  let thrown: { error: unknown } | null = null;
  try {
    here();
  } catch (error) {
    thrown = { error };
  }
  let failed = false;
  for (let t = 1; t < threads; t++) {
    const w = pool[t - 1];
    // A worker that has not claimed the job yet has taken no unit: withdraw it instead of
    // waiting for it to wake (on a loaded machine that can take milliseconds). Static
    // schedules assign it units, so there it must run.
    const open = -w.seq;
    if (!staticSchedule && Atomics.compareExchange(w.ctl, JobField.claim, open, 0) === open)
      continue;
    waitDone(w);
    if (Atomics.load(w.ctl, JobField.error) === w.seq) failed = true;
  }
  if (failed)
    for (const w of pool)
      if (Atomics.load(w.ctl, JobField.error) === w.seq) Atomics.store(w.ctl, JobField.ready, -1);
  if (thrown) throw thrown.error;
  return failed;
}

/** Recomputes a whole job on this thread after a worker failed in it. */
function rerunHere(rt: SgemmRuntime, job: Int32Array, here: () => void): void {
  job[JobField.staticThreads] = 0;
  job[JobField.thread] = 0;
  Atomics.store(controlView(rt), COUNTER_INDEX, 0);
  here();
}

let staticSchedule = false;

/**
 * "static": thread t computes units t, t + T, ... (so every thread gets work, whatever the
 * timing: tests use it to prove the workers compute); "dynamic" (default): units go to
 * whichever thread asks first. Results are the same either way.
 */
export function setThreadSchedule(schedule: "dynamic" | "static"): void {
  staticSchedule = schedule === "static";
}

/** Units of work each worker has computed since it started (index 0: worker 1). */
export function workerUnitsDone(): number[] {
  return workers.map((w) => Atomics.load(w.ctl, JobField.unitsDone));
}

let counterView: Int32Array | undefined;
/** Int32 view of the control area (slot 0 holds the unit counter); it never moves. */
function controlView(rt: SgemmRuntime): Int32Array {
  if (counterView === undefined || counterView.buffer !== rt.memory.buffer)
    counterView = new Int32Array(rt.memory.buffer, 0, SLOT_INTS);
  return counterView;
}
