/**
 * A synchronous worker_threads pool for the spreading / interpolation stages (Node only).
 *
 * Why synchronous: a NUFFT plan's execute() is synchronous, so the pool must be too. The main
 * thread posts one job per worker (data in SharedArrayBuffers, so nothing large is copied per
 * message), does a share of the work itself, then blocks in Atomics.wait on a shared counter
 * that every worker increments when it is done (Atomics.wait is allowed on Node's main thread;
 * worker start-up and module loading run on the workers' own threads, so blocking never
 * deadlocks). Results and errors come back on a MessagePort read with receiveMessageOnPort,
 * also synchronously.
 *
 * Lifetime: workers and ports are unref()'d, so an idle pool never keeps the process alive;
 * dispose() terminates them (a later run() starts fresh ones). In browsers (no
 * process.getBuiltinModule("node:worker_threads")) every pool has size 1 and runs nothing in
 * parallel: callers fall back to the single-threaded path.
 */

import type { MessagePort as NodeMessagePort, Worker as NodeWorker } from "node:worker_threads";
import { ValueError } from "@modewise/tensor";

type WorkerThreads = typeof import("node:worker_threads");
type OS = typeof import("node:os");

/** A job message: `kind` names a function in jobs.ts; `args` holds numbers and shared arrays. */
export interface PoolJob {
  kind: string;
  args: Record<string, unknown>;
}

interface WorkerSlot {
  worker: NodeWorker;
  port: NodeMessagePort;
}

/** Replies a worker posts on its port after each job. */
export type JobReply = { ok: true } | { ok: false; message: string };

function builtin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (!proc || typeof proc.getBuiltinModule !== "function") return undefined;
  return proc.getBuiltinModule(id) as T | undefined;
}

const workerThreads = builtin<WorkerThreads>("node:worker_threads");

/** True where worker_threads and SharedArrayBuffer exist (Node), false in browsers. */
export const threadsAvailable: boolean =
  workerThreads !== undefined && typeof SharedArrayBuffer === "function";

/** The default thread count: the available cores in Node, 1 where threads are unavailable. */
export function defaultThreads(): number {
  if (!threadsAvailable) return 1;
  const os = builtin<OS>("node:os");
  const n = os
    ? typeof os.availableParallelism === "function"
      ? os.availableParallelism()
      : os.cpus().length
    : 1;
  return Math.max(1, n);
}

/** Validate a `threads` option (undefined: the default). */
export function checkThreads(threads: unknown, fn: string): number {
  if (threads === undefined || threads === null) return defaultThreads();
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1)
    throw new ValueError(fn, "threads", "a positive integer", String(threads));
  return threads;
}

/** Worker waits are sliced so a worker that died without replying is reported, never a hang. */
const WAIT_SLICE_MS = 1000;
const DEFAULT_DEADLINE_MS = 10 * 60 * 1000;
const STARTUP_DEADLINE_MS = 30 * 1000;

export class ThreadPool {
  private slots: WorkerSlot[] = [];

  /** `workers` helper threads (the calling thread is the extra one that also works). */
  constructor(readonly workers: number) {}

  /** Total parallelism: the helper threads plus the caller. */
  get size(): number {
    return threadsAvailable ? this.workers + 1 : 1;
  }

  private ensureWorkers(count: number): void {
    if (!workerThreads)
      throw new ValueError("ThreadPool.run", "threads", "Node worker_threads", "none");
    if (this.slots.length >= count) return;
    // Workers inherit the parent's execArgv; --input-type (node -e scripts) is rejected for a
    // file entry point and would kill every worker at start-up.
    const execArgv = process.execArgv.filter((a) => !a.startsWith("--input-type"));
    const ready = new Int32Array(new SharedArrayBuffer(4));
    const starting = count - this.slots.length;
    while (this.slots.length < count) {
      const worker = new workerThreads.Worker(new URL("./worker.js", import.meta.url), {
        execArgv,
      });
      worker.unref();
      // An 'error' event (a worker that crashed outside a job) must not become an uncaught
      // exception; the missing start-up signal or reply is reported instead.
      worker.on("error", () => {});
      const channel = new workerThreads.MessageChannel();
      channel.port1.unref();
      worker.postMessage({ port: channel.port2, ready }, [channel.port2]);
      this.slots.push({ worker, port: channel.port1 });
    }
    // A worker that cannot start never runs its script: wait for each one's start-up signal
    // with a deadline instead of waiting for a reply that will never come.
    const start = Date.now();
    for (;;) {
      const n = Atomics.load(ready, 0);
      if (n >= starting) return;
      if (Date.now() - start > STARTUP_DEADLINE_MS) {
        this.dispose();
        throw new ValueError(
          "ThreadPool.run",
          "threads",
          `${starting} worker threads started within ${STARTUP_DEADLINE_MS} ms (or threads: 1)`,
          `${n} started`,
        );
      }
      Atomics.wait(ready, 0, n, WAIT_SLICE_MS);
    }
  }

  /**
   * Run jobs[0..] on the helper threads and `own` on the calling thread, all at once; return
   * when every job is done. At most `workers` jobs. A job's error is rethrown here.
   */
  run(jobs: readonly PoolJob[], own: () => void, deadlineMs = DEFAULT_DEADLINE_MS): void {
    if (jobs.length > this.workers)
      throw new ValueError(
        "ThreadPool.run",
        "jobs",
        `at most ${this.workers} jobs`,
        String(jobs.length),
      );
    if (jobs.length === 0) {
      own();
      return;
    }
    this.ensureWorkers(jobs.length);
    const done = new Int32Array(new SharedArrayBuffer(4));
    jobs.forEach((job, i) => {
      this.slots[i].port.postMessage({ job, done });
    });
    let ownError: unknown = null;
    try {
      own();
    } catch (e) {
      ownError = e;
    }
    const start = Date.now();
    for (;;) {
      const finished = Atomics.load(done, 0);
      if (finished >= jobs.length) break;
      if (Date.now() - start > deadlineMs) {
        this.dispose();
        throw new ValueError(
          "ThreadPool.run",
          "jobs",
          `all ${jobs.length} worker jobs finished within ${deadlineMs} ms`,
          `${finished} finished (workers terminated)`,
        );
      }
      Atomics.wait(done, 0, finished, WAIT_SLICE_MS);
    }
    const errors: string[] = [];
    for (let i = 0; i < jobs.length; i++) {
      const got = workerThreads!.receiveMessageOnPort(this.slots[i].port);
      const reply = got?.message as JobReply | undefined;
      if (!reply) errors.push(`worker ${i}: no reply`);
      else if (!reply.ok) errors.push(`worker ${i}: ${reply.message}`);
    }
    if (ownError) throw ownError;
    if (errors.length > 0)
      throw new ValueError("ThreadPool.run", "jobs", "jobs that complete", errors.join("; "));
  }

  /** Terminate the workers (idempotent). The pool may be used again: it restarts them. */
  dispose(): void {
    for (const s of this.slots) {
      s.port.close();
      void s.worker.terminate();
    }
    this.slots = []; // a later run() starts fresh workers
  }
}

const pools = new Map<number, ThreadPool>();

/** The shared pool for `threads` total threads (threads - 1 helpers), created on first use. */
export function sharedPool(threads: number): ThreadPool {
  let p = pools.get(threads);
  if (!p) {
    p = new ThreadPool(Math.max(0, threads - 1));
    pools.set(threads, p);
  }
  return p;
}

/**
 * Shared scratch arrays reused across calls (subgrids, copies of strengths, output blocks):
 * allocating tens of MB of fresh SharedArrayBuffer per call costs page faults every time.
 * Valid until the next sharedScratch call with the same key; freed by disposeThreadPools.
 */
const scratch = new Map<string, Float64Array | Float32Array>();
export function sharedScratch(
  key: string,
  length: number,
  f32 = false,
  zero = true,
): Float64Array | Float32Array {
  let buf = scratch.get(key);
  if (!buf || buf.length < length || buf instanceof Float32Array !== f32) {
    const bytes = length * (f32 ? 4 : 8);
    buf = f32
      ? new Float32Array(new SharedArrayBuffer(bytes))
      : new Float64Array(new SharedArrayBuffer(bytes));
    scratch.set(key, buf);
    return buf; // fresh memory is zero
  }
  const view = buf.subarray(0, length);
  if (zero) view.fill(0);
  return view;
}

/** Terminate every shared pool's workers (they restart on the next parallel call) and free the
 * shared scratch memory. */
export function disposeThreadPools(): void {
  for (const p of pools.values()) p.dispose();
  pools.clear();
  scratch.clear();
}

/** A SharedArrayBuffer-backed copy of `a` (workers read it without a per-message copy). */
export function sharedCopy(a: Float64Array): Float64Array {
  const s = new Float64Array(new SharedArrayBuffer(a.byteLength));
  s.set(a);
  return s;
}

/** A zeroed SharedArrayBuffer-backed Float64Array of length n. */
export function sharedZeros(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(n * 8));
}
