// The memory test's training loop, written once: a linear layer fitted to y = x·wTrue with MSE and
// plain SGD through autograd, `steps` times. memory.test.ts runs it on wasm in Node and
// memory-entry.ts on webgl2 / webgpu in headless Chromium. No node: imports (it runs in both).
//
// Every step runs on the device: the only host readbacks are the loss before the first step, the
// warm-up step's weights and the loss after the last, all outside the counted window, so a leak
// per step cannot hide behind them.

import {
  dispose,
  grads,
  matmul,
  mean,
  memory,
  mul,
  square,
  sub,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import { gpuBackendInfo } from "@modewise/tensor-gpu";
import { lcgValues } from "../parity/cases-core.js";

export interface TrainingShape {
  /** Batch rows. */
  n: number;
  /** Input features (rows of the weight matrix). */
  din: number;
  /** Outputs (columns of the weight matrix). */
  dout: number;
  steps: number;
  learningRate: number;
}

export interface TrainingRun {
  firstLoss: number;
  lastLoss: number;
  /** memory().numTensors right before the first step and right after the last. */
  tensorsBefore: number;
  tensorsAfter: number;
  /** gpuBackendInfo().liveBuffers right before the first step. */
  buffersBefore: number;
  /**
   * liveBuffers right after the loop returned, before anything awaited. After the awaited
   * warm-up step every backend frees a released tensor's buffer at once (webgpu included: its
   * kernels submit synchronously once compiled), so this equals buffersBefore.
   */
  buffersAtLoopEnd: number;
  /** liveBuffers once the queued work has finished (see settledLiveBuffers). */
  buffersAfter: number;
  /** Wall time from the first step to the final loss on the host, in milliseconds. */
  stepsMs: number;
}

/**
 * Waits (yielding to the event loop) until liveBuffers equals `target` or `timeoutMs` passes,
 * and returns the last count: device records are freed when their asynchronous producer
 * resolves, after the engine released them.
 */
async function settledLiveBuffers(target: number, timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let live = gpuBackendInfo().liveBuffers;
  while (live !== target && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    live = gpuBackendInfo().liveBuffers;
  }
  return live;
}

/** Reads the one value of a scalar tensor and disposes it. */
async function readScalar(t: Tensor): Promise<number> {
  const value = (await t.data())[0];
  t.dispose();
  return Number(value);
}

/**
 * Trains on the ACTIVE backend (the caller did `await useGpu(...)`) and reports the counts
 * around the loop; releases everything it created before returning.
 */
export async function runTrainingLoop(shape: TrainingShape): Promise<TrainingRun> {
  const { n, din, dout, steps, learningRate } = shape;
  const x = tensor(Float32Array.from(lcgValues(n * din, 11)), { shape: [n, din] });
  const wTrue = tensor(Float32Array.from(lcgValues(din * dout, 12)), { shape: [din, dout] });
  const y = tidy(() => matmul(x, wTrue));
  let w: Tensor = tensor(new Float32Array(din * dout), { shape: [din, dout] });
  const lossOf = (wt: Tensor) => mean(square(sub(matmul(x, wt), y)));
  const firstLoss = await readScalar(tidy(() => lossOf(w)));
  const trainStep = (wt: Tensor): Tensor =>
    tidy(() => {
      const [g] = grads((v: Tensor) => lossOf(v))([wt]);
      return sub(wt, mul(g, learningRate));
    });
  // Warm-up step, awaited: on webgpu a kernel's first call compiles asynchronously, and until
  // every kernel of a step has compiled, a loop that never yields keeps each step pending (and
  // its released intermediates alive). After it, every kernel call submits synchronously.
  const warm = trainStep(w);
  await warm.data();
  w.dispose();
  w = warm;

  const tensorsBefore = memory().numTensors;
  const buffersBefore = gpuBackendInfo().liveBuffers;
  const started = performance.now();
  for (let step = 0; step < steps; step++) {
    const next = trainStep(w);
    w.dispose();
    w = next;
  }
  const tensorsAfter = memory().numTensors;
  const buffersAtLoopEnd = gpuBackendInfo().liveBuffers;
  // Reading the loss waits for every queued step (w depends on all of them), so the time
  // covers their execution too.
  const lastLoss = await readScalar(tidy(() => lossOf(w)));
  const stepsMs = performance.now() - started;
  const buffersAfter = await settledLiveBuffers(buffersBefore, 30_000);
  dispose([x, wTrue, y, w]);
  return {
    firstLoss,
    lastLoss,
    tensorsBefore,
    tensorsAfter,
    buffersBefore,
    buffersAtLoopEnd,
    buffersAfter,
    stepsMs,
  };
}
