/**
 * One training run: data -> pairs -> normalization -> model -> Adam/AdamW + schedule -> loop
 * with validation, atomic checkpoints every `checkpointEvery` steps and at the end, and resume
 * from the last checkpoint when the run folder already holds one.
 *
 * Reproducibility: the model is initialized from Generator(seed), epoch e visits the samples in
 * the order of stream e + 1, and a checkpoint stores parameters, optimizer moments and the step,
 * so kill + rerun gives the same final weights as an uninterrupted run (the scheduler is
 * replayed to the stored step). With `budgetSeconds` the number of steps is estimated at the
 * start from timed steps and re-estimated from the measured rate after 30 steps and again a
 * fifth of the way through (stored in the checkpoint with a `calibrations` count, so a resumed
 * run keeps them); a run can still stop early when the wall-clock budget is spent.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  gradientsOfParameters,
  type LRScheduler,
  OneCycleLR,
  type Optimizer,
  StepLR,
  save,
} from "@modewise/nn";
import { relL2 } from "@modewise/pde";
import { writeFileAtomic } from "@modewise/pde/io";
import { Generator, tensor, tidy, ValueError } from "@modewise/tensor";
import { validate } from "../config.js";
import { renderLineChart, SERIES_COLORS } from "../plot/line-chart.js";
import type { RGB } from "../plot/raster.js";
import { augmentedBatch, epochElements, symmetryGroup } from "./augment.js";
import { epochOrder, gather } from "./batches.js";
import { type LoopState, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import type { TrainConfig } from "./config.js";
import {
  defaultTask,
  type FieldDataset,
  fitNormalization,
  increments,
  loadDataset,
  makePairs,
  normalizeTo32,
  parseGeneratorSpec,
  type TaskSpec,
} from "./data.js";
import { predict, trainingLoss } from "./inference.js";
import { buildModel, MODEL_SCHEMAS } from "./models.js";
import { RUN_FILES, type RunInfo } from "./run-info.js";

export interface TrainProgress {
  step: number;
  totalSteps: number;
  epoch: number;
  loss: number;
  val?: number;
  lr: number;
  resumedFrom: number;
}

export interface TrainResult {
  runDir: string;
  info: RunInfo;
  loop: LoopState;
  /** Last validation relative L2 (NaN without a validation split). */
  val: number;
  wallSeconds: number;
}

/** The configuration fields a resumed run must share with the one that started the folder. */
function fingerprint(config: TrainConfig): string {
  const { throttleMs: _t, maxSteps: _m, out: _o, predict, augment, ...rest } = config;
  // predict "field" and augment "none" are the defaults: spelled out or omitted, it is the same
  // run (and folders made before the options existed still resume).
  return JSON.stringify({
    ...rest,
    ...(predict === undefined || predict === "field" ? {} : { predict }),
    ...(augment === undefined || augment === "none" ? {} : { augment }),
  });
}

function taskOf(config: TrainConfig, ds: FieldDataset): TaskSpec {
  const kind = config.task ?? defaultTask(ds.problem).kind;
  return kind === "trajectory"
    ? { kind, inSteps: config.inSteps, outSteps: config.outSteps }
    : { kind };
}

/** Steps after which a budgeted run re-estimates its length from the measured speed. */
const CALIBRATION_STEPS = 30;
/**
 * A budgeted run re-estimates its length a second time once it has run this fraction of the
 * steps left after the first estimate, from the rate measured since then. Thirty steps are
 * under two seconds of a fast model, still warming up (pools, compiled code, the threads): a T1
 * run on the 5-minute NS task ended after 233 s of its 300 s. At a fifth of the run a
 * cosine schedule moves by about 4% of its range when the length changes by 20%.
 */
const RECALIBRATION_FRACTION = 0.2;

function makeScheduler(
  config: TrainConfig,
  optimizer: Optimizer<{ lr: number }>,
  totalSteps: number,
): LRScheduler | undefined {
  switch (config.schedule) {
    case "constant":
      return undefined;
    case "cosine":
      return new CosineAnnealingLR(optimizer, { tMax: totalSteps });
    case "step":
      return new StepLR(optimizer, { stepSize: config.stepSize, gamma: config.gamma });
    case "onecycle":
      return new OneCycleLR(optimizer, { maxLr: config.lr, totalSteps: Math.max(totalSteps, 2) });
  }
}

/** Loss/validation curves as a PNG (log y, step on x, legend: train loss vs val rel. L2). */
export function writeCurves(path: string, loop: LoopState): void {
  const train = loop.history;
  const val = train.filter((h) => h.val !== undefined);
  const series = [
    {
      x: train.map((h) => h.step),
      y: train.map((h) => h.train),
      color: SERIES_COLORS[0] as RGB,
      label: "train loss",
    },
    {
      x: val.map((h) => h.step),
      y: val.map((h) => h.val as number),
      color: SERIES_COLORS[1] as RGB,
      label: "val rel. L2",
    },
  ].filter((s) => s.x.length > 1);
  // A chart needs two points (a single one gives an empty axis range).
  if (series.length === 0) return;
  const img = renderLineChart(series, {
    logY: true,
    xLabel: "optimizer step",
    yLabel: "loss, rel. L2",
  });
  writeFileAtomic(path, img.toPng());
}

export async function runTrain(
  config: TrainConfig,
  onProgress: (p: TrainProgress) => void = () => {},
): Promise<TrainResult> {
  const started = performance.now();
  const runDir = resolve(config.out);
  mkdirSync(runDir, { recursive: true });
  const infoPath = join(runDir, RUN_FILES.info);
  const ckptPath = join(runDir, RUN_FILES.checkpoint);
  let previous: RunInfo | undefined;
  if (existsSync(infoPath)) {
    previous = JSON.parse(readFileSync(infoPath, "utf8")) as RunInfo;
    if (JSON.stringify(previous.config) !== fingerprint(config))
      throw new ValueError(
        "train",
        "out",
        "a new folder, or the folder of a run with the same configuration (to resume it)",
        `'${config.out}' holds a run with a different configuration`,
      );
  }

  const hyper = validate(
    MODEL_SCHEMAS[config.modelName],
    config.model,
    `model options of '${config.modelName}'`,
  ) as Record<string, unknown>;
  const incrementNeedsOneStep = (kind: string): ValueError =>
    new ValueError(
      "train",
      "predict",
      "'field' for a map or trajectory task ('increment' needs the one-step task)",
      `'increment' with task '${kind}'`,
    );
  // An explicit task is known before the (possibly minutes-long) data generation: fail first.
  if (config.predict === "increment" && config.task !== undefined && config.task !== "one-step")
    throw incrementNeedsOneStep(config.task);
  // A generator spec without a symmetry group fails before its data is computed; a file's
  // dataset as soon as it is read.
  if (config.augment === "symmetries" && !existsSync(config.data)) {
    const { spec, subsample } = parseGeneratorSpec(config.data);
    const side = spec.s / subsample;
    symmetryGroup(
      spec.problem,
      spec.problem === "burgers" ? [side] : [side, side],
      spec.problem === "navier-stokes" ? spec.forcing : undefined,
    );
  }
  const ds = await loadDataset(config.data);
  const group =
    config.augment === "symmetries" ? symmetryGroup(ds.problem, ds.spatial, ds.forcing) : undefined;
  const task = taskOf(config, ds);
  const target = config.predict ?? "field";
  if (target === "increment" && task.kind !== "one-step") throw incrementNeedsOneStep(task.kind);
  const nVal = Math.min(ds.n - 1, Math.round(config.valFraction * ds.n));
  const nTrainSamples = ds.n - nVal;
  const trainPairs = makePairs(ds, task, 0, nTrainSamples);
  const valPairs = nVal > 0 ? makePairs(ds, task, nTrainSamples, ds.n) : undefined;
  // Resumed runs reuse the stored statistics (identical anyway: same data, same split).
  // SFNO runs unnormalized: its refinement stage needs the physical vorticity (and the model
  // normalizes its input internally).
  const norm =
    previous?.normalization ??
    fitNormalization(
      config.modelName === "sfno" ? "none" : config.normalization,
      trainPairs,
      target,
    );
  const xs = normalizeTo32(trainPairs.x, norm.x);
  // The network's targets: normalized fields, or normalized increments (fieldOf maps either
  // back to the physical field).
  const ys = norm.increment
    ? normalizeTo32(increments(trainPairs), norm.increment)
    : normalizeTo32(trainPairs.y, norm.y);

  const built = buildModel(config.modelName, hyper, {
    inChannels: trainPairs.xShape[0] as number,
    outChannels: trainPairs.yShape[0] as number,
    spatial: ds.spatial,
    ...(task.kind === "trajectory" ? { inSteps: task.inSteps, outSteps: task.outSteps } : {}),
    generator: new Generator(config.seed),
  });
  const model = built.module;
  const info: RunInfo = {
    format: "modewise-pde-run/1",
    modelName: config.modelName,
    hyper,
    modelOptions: built.options,
    numParameters: model.numParameters(),
    seed: config.seed,
    config: JSON.parse(fingerprint(config)) as Record<string, unknown>,
    problem: ds.problem,
    task,
    predict: target,
    dataSource: ds.source,
    ...(ds.startTime !== undefined ? { startTime: ds.startTime } : {}),
    spatial: ds.spatial,
    xShape: trainPairs.xShape,
    yShape: trainPairs.yShape,
    nTrain: trainPairs.n,
    nVal: valPairs?.n ?? 0,
    normalization: norm,
    ...(ds.nu !== undefined ? { nu: ds.nu } : {}),
    ...(ds.dt !== undefined ? { dt: ds.dt } : {}),
    ...(ds.solverSecondsPerSample !== undefined
      ? { solverSecondsPerSample: ds.solverSecondsPerSample }
      : {}),
    createdAt: previous?.createdAt ?? new Date().toISOString(),
  };
  if (!previous) writeFileAtomic(infoPath, `${JSON.stringify(info, null, 2)}\n`);

  const optimizer: Optimizer<{ lr: number }> =
    config.optimizer === "adamw"
      ? new AdamW(model, { lr: config.lr, weightDecay: config.weightDecay })
      : new Adam(model, { lr: config.lr, weightDecay: config.weightDecay });

  const { yShape, xShape } = trainPairs;
  const nTrain = trainPairs.n;
  const stepsPerEpoch = Math.ceil(nTrain / config.batchSize);
  const lossOf = trainingLoss(built, norm);
  const plane = ds.spatial.reduce((a, b) => a * b, 1);
  const yNorm = norm.increment ?? norm.y;
  /** The pair tensors of a batch, each sample moved by its group element when augmenting. */
  const batchOf = (indices: Uint32Array, elements: Uint32Array | undefined) => {
    if (!group || !elements)
      return { x: gather(xs, xShape, indices), y: gather(ys, yShape, indices) };
    const pairs = { xs, ys, xShape, yShape, plane, xNorm: norm.x, yNorm };
    const { x, y } = augmentedBatch(group, pairs, indices, elements);
    const n = indices.length;
    return {
      x: tensor(x, { shape: [n, ...xShape], dtype: "float32" }),
      y: tensor(y, { shape: [n, ...yShape], dtype: "float32" }),
    };
  };
  const trainStep = (indices: Uint32Array, elements?: Uint32Array): number =>
    tidy(() => {
      const { x, y } = batchOf(indices, elements);
      const { value, grads } = gradientsOfParameters(() => lossOf(x, y), model);
      optimizer.step(grads);
      return value.item();
    });
  const validation = (): number | undefined =>
    valPairs
      ? relL2(
          predict(model, valPairs.x, valPairs.n, xShape, norm, config.batchSize),
          valPairs.y,
          valPairs.n,
        )
      : undefined;

  let loop = loadCheckpoint(ckptPath, model, optimizer);
  let validationSeconds: number | undefined;
  const resumedFrom = loop?.step ?? 0;
  if (!loop) {
    let totalSteps = config.epochs * stepsPerEpoch;
    if (config.budgetSeconds !== undefined) {
      // Time steps (their updates are discarded: gradients only) and one validation pass; the
      // first step also pays for warm-up (kernel compilation, plans, pools), and single steps
      // vary with garbage collection and the other processes, so take the median of three after
      // it (one timed step overestimated some models' steps by 1.5x and left 40% of the budget
      // unused).
      const idx = epochOrder(nTrain, config.seed, 0).subarray(0, config.batchSize);
      const timedStep = () => {
        const t0 = performance.now();
        tidy(() => {
          gradientsOfParameters(
            () => lossOf(gather(xs, xShape, idx), gather(ys, yShape, idx)),
            model,
          );
        });
        return (performance.now() - t0) / 1000;
      };
      timedStep();
      const stepSeconds = [timedStep(), timedStep(), timedStep()].sort((a, b) => a - b)[1];
      const t1 = performance.now();
      validation();
      validationSeconds = (performance.now() - t1) / 1000;
      const remaining = config.budgetSeconds - (performance.now() - started) / 1000;
      const perEpoch = stepsPerEpoch * stepSeconds + validationSeconds;
      totalSteps = Math.min(
        totalSteps,
        Math.max(1, Math.floor((0.95 * remaining * stepsPerEpoch) / perEpoch)),
      );
    }
    loop = {
      step: 0,
      totalSteps,
      stepsPerEpoch,
      rng: { seed: config.seed, stream: 1, position: 0 },
      history: [],
      pending: { sum: 0, count: 0 },
      elapsedSeconds: 0,
      done: false,
      ...(validationSeconds !== undefined ? { validationSeconds } : {}),
    };
  }
  const state = loop;
  let scheduler = makeScheduler(config, optimizer, state.totalSteps);
  for (let i = 0; i < state.step; i++) scheduler?.step();

  const valEvery = config.valEvery ?? stepsPerEpoch;
  const sessionStart = performance.now();
  const baseElapsed = state.elapsedSeconds;
  const elapsed = () => baseElapsed + (performance.now() - sessionStart) / 1000;
  const checkpoint = () => {
    state.elapsedSeconds = elapsed();
    saveCheckpoint(ckptPath, model, optimizer, state);
    writeFileSync(join(runDir, RUN_FILES.history), `${JSON.stringify(state.history, null, 1)}\n`);
  };
  const elementsOf = (epoch: number) =>
    group ? epochElements(nTrain, group.size, config.seed, epoch) : undefined;
  let order = epochOrder(nTrain, config.seed, Math.floor(state.step / stepsPerEpoch));
  let elements = elementsOf(Math.floor(state.step / stepsPerEpoch));
  let lastVal = Number.NaN;
  const budgetLeft = () =>
    config.budgetSeconds === undefined ||
    (performance.now() - started) / 1000 < config.budgetSeconds;
  /** Validate, append a history point with the pending mean train loss, reset it. */
  /** The history point of the pending window (mean train loss since the last point). */
  const pendingPoint = (lr: number, val: number | undefined) => ({
    step: state.step,
    epoch: state.step / stepsPerEpoch,
    train: state.pending.sum / state.pending.count,
    ...(val !== undefined ? { val } : {}),
    lr,
    seconds: elapsed(),
  });
  let loopValSeconds = 0;
  const recordHistory = (lr: number): number | undefined => {
    const t0 = performance.now();
    const val = validation();
    loopValSeconds += (performance.now() - t0) / 1000;
    if (val !== undefined) lastVal = val;
    state.history.push(pendingPoint(lr, val));
    state.pending = { sum: 0, count: 0 };
    return val;
  };
  let stopAt = Math.min(state.totalSteps, config.maxSteps ?? Number.POSITIVE_INFINITY);
  // The rate is measured from the end of this session's first step (which pays for warm-up).
  let loopStart = performance.now();
  /**
   * The steps timed before the loop run before the thread pool is up and the code is warm, and
   * next to whatever else the machine does then: they overestimated the step time by up to 1.7x
   * (runs ended at 55-60% of their budget). After CALIBRATION_STEPS steps the measured rate
   * re-fixes totalSteps, and again after RECALIBRATION_FRACTION of the rest (the rate since the
   * first re-estimate); the learning-rate schedule is rebuilt for the new length each time.
   */
  const calibrate = (perStep: number) => {
    if (config.budgetSeconds === undefined) return;
    const remaining = config.budgetSeconds - (performance.now() - started) / 1000;
    // the validation time measured when the run started (a resumed run reads it from the
    // checkpoint)
    const perEpoch = stepsPerEpoch * perStep + (state.validationSeconds ?? 0);
    const more = Math.max(1, Math.floor((0.95 * remaining * stepsPerEpoch) / perEpoch));
    state.totalSteps = Math.min(config.epochs * stepsPerEpoch, state.step + more);
    state.calibrated = true;
    state.calibrations = (state.calibrations ?? 0) + 1;
    state.calibratedAt = state.step;
    scheduler = makeScheduler(config, optimizer, state.totalSteps);
    for (let i = 0; i < state.step; i++) scheduler?.step();
    stopAt = Math.min(state.totalSteps, config.maxSteps ?? Number.POSITIVE_INFINITY);
  };
  /** Start of the window the second re-estimate measures (this session's step 30). */
  let mark: { step: number; time: number; valSeconds: number } | undefined;
  /** Training seconds per step since `from` (step, wall time, validation seconds then). */
  const perStepSince = (from: { step: number; time: number; valSeconds: number }) =>
    ((performance.now() - from.time) / 1000 - (loopValSeconds - from.valSeconds)) /
    (state.step - from.step);
  const maybeCalibrate = () => {
    if (config.budgetSeconds === undefined || state.step >= state.totalSteps) return;
    const done = state.calibrations ?? (state.calibrated ? 1 : 0);
    if (state.step - resumedFrom === CALIBRATION_STEPS) {
      // training steps only: validation passes are counted per epoch
      if (done === 0)
        calibrate(perStepSince({ step: resumedFrom + 1, time: loopStart, valSeconds: 0 }));
      mark = { step: state.step, time: performance.now(), valSeconds: loopValSeconds };
      return;
    }
    if (done !== 1 || mark === undefined) return;
    const window = Math.max(
      CALIBRATION_STEPS,
      Math.ceil(RECALIBRATION_FRACTION * (state.totalSteps - mark.step)),
    );
    if (state.step - mark.step >= window) calibrate(perStepSince(mark));
  };
  while (!state.done && state.step < stopAt && budgetLeft()) {
    const epoch = Math.floor(state.step / stepsPerEpoch);
    const k = state.step % stepsPerEpoch;
    if (k === 0) {
      order = epochOrder(nTrain, config.seed, epoch);
      elements = elementsOf(epoch);
    }
    const from = k * config.batchSize;
    const to = Math.min(nTrain, (k + 1) * config.batchSize);
    const lr = optimizer.lr;
    const loss = trainStep(order.subarray(from, to), elements?.subarray(from, to));
    if (!Number.isFinite(loss))
      throw new ValueError(
        "train",
        "lr",
        "a learning rate that keeps the loss finite",
        `loss ${loss} at step ${state.step}`,
      );
    scheduler?.step();
    state.step++;
    if (state.step === resumedFrom + 1) {
      loopStart = performance.now();
      loopValSeconds = 0;
    }
    maybeCalibrate();
    state.rng = { seed: config.seed, stream: epoch + 1, position: state.step % stepsPerEpoch };
    state.pending.sum += loss;
    state.pending.count++;
    const last = state.step === state.totalSteps;
    const val = state.step % valEvery === 0 || last ? recordHistory(lr) : undefined;
    onProgress({
      step: state.step,
      totalSteps: state.totalSteps,
      epoch,
      loss,
      ...(val !== undefined ? { val } : {}),
      lr,
      resumedFrom,
    });
    if (state.step % config.checkpointEvery === 0 && !last) {
      checkpoint();
      if (config.throttleMs > 0) await new Promise((r) => setTimeout(r, config.throttleMs));
    }
  }
  const finished = state.step >= state.totalSteps || !budgetLeft();
  if (finished && !state.done) {
    if (state.pending.count > 0) recordHistory(optimizer.lr);
    state.done = true;
  }
  if (Number.isNaN(lastVal))
    lastVal = [...state.history].reverse().find((h) => h.val !== undefined)?.val ?? Number.NaN;
  checkpoint();
  if (state.done) {
    const weights = model.stateDict();
    writeFileAtomic(join(runDir, RUN_FILES.model), save(weights, { modelName: config.modelName }));
    for (const t of Object.values(weights)) t.dispose();
  }
  // A maxSteps stop between validation points (resumable) keeps history and pending as they are,
  // so that a resumed run's history equals an uninterrupted one's; the curves still draw the
  // pending window's mean loss as a last point.
  const unrecorded = !state.done && state.pending.count > 0;
  writeCurves(join(runDir, RUN_FILES.curves), {
    ...state,
    history: unrecorded ? [...state.history, pendingPoint(optimizer.lr, undefined)] : state.history,
  });
  optimizer.dispose();
  return {
    runDir,
    info,
    loop: state,
    val: lastVal,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
