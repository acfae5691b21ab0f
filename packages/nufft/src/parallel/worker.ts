/**
 * Worker entry of the thread pool (pool.ts). The first message hands over a MessagePort; each
 * later message on that port is { job, done }: run JOBS[job.kind](job.args), post the reply on
 * the port, then increment the shared counter `done` and wake the waiting main thread. Every
 * job ends in a reply and an increment, errors included, so the main thread never waits on a
 * job that already failed.
 */
import { type MessagePort, parentPort } from "node:worker_threads";
import { JOBS } from "./jobs.js";
import type { JobReply, PoolJob } from "./pool.js";

interface JobMessage {
  job: PoolJob;
  done: Int32Array;
}

function runJob({ job, done }: JobMessage, port: MessagePort): void {
  let reply: JobReply;
  try {
    const fn = JOBS[job.kind];
    if (!fn) throw new Error(`unknown job kind ${JSON.stringify(job.kind)}`);
    fn(job.args);
    reply = { ok: true };
  } catch (e) {
    reply = { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
}

parentPort?.once("message", ({ port, ready }: { port: MessagePort; ready: Int32Array }) => {
  port.on("message", (msg: JobMessage) => runJob(msg, port));
  Atomics.add(ready, 0, 1);
  Atomics.notify(ready, 0);
});
