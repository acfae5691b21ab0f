/**
 * The Spectral-Refiner stage (Cao et al.): improve one SFNO prediction without data by
 * minimising the H^-1 norm of its Navier-Stokes residual over the weights of a rebuilt LAST
 * spectral layer only.
 *
 * 1. Everything is frozen: the latent entering the last spectral layer is computed once.
 * 2. The last spectral layer is rebuilt with more modes (default: no truncation, all modes of
 *    the grid: m_x = X/2, m_y = Y/2, m_t = T_lat/2 + 1) and the trained low-mode weights are
 *    copied into the matching frequencies of the larger box (the new modes start at zero, so the
 *    refined layer starts as the trained one and the first prediction is unchanged).
 * 3. Adam minimises ||R(model head(latent; refined layer))||_{-1} (ns-residual.ts) over that
 *    layer's weight and bias. The FFN, skip and projection after it stay frozen.
 */
import { Adam, gradientsOfParameters } from "@modewise/nn";
import { add, concat, dispose, pad, type Tensor, tidy, ValueError } from "@modewise/tensor";
import { type HMinus1ResidualOptions, navierStokesResidualHMinus1 } from "./ns-residual.js";
import type { SFNO } from "./sfno.js";
import { SpaceTimeSpectralConv } from "./space-time-spectral-conv.js";

export interface RefineOptions extends Omit<HMinus1ResidualOptions, "reduction"> {
  /** Adam iterations (default 100). */
  iterations?: number;
  /** Adam learning rate (default 3e-3: best of 1e-3 / 3e-3 / 1e-2 / 5e-2 on a trained 32^2 model). */
  lr?: number;
  /** Modes of the rebuilt layer (default: all the latent grid holds). */
  refinedModes?: number[];
  /** Output frames (default the model's outSteps). */
  outSteps?: number;
  /**
   * Prepend the last input frame (time t0) to the prediction (t0 + dt ...) when forming the
   * residual, so the time derivative at the first predicted frame sees the known state
   * (default true).
   */
  includeLastInputFrame?: boolean;
  /** Called after each iteration with the residual norm before the step. */
  onIteration?: (iteration: number, residual: number) => void;
}

export interface RefineResult {
  /** The prediction before refinement [b, 1, X, Y, T_out]. */
  initialPrediction: Tensor;
  /** The refined prediction [b, 1, X, Y, T_out]. */
  refinedPrediction: Tensor;
  /** H^-1 residual norm (batch mean) at every iteration and after the last (iterations + 1). */
  residualHistory: number[];
  /** The rebuilt, optimised last spectral layer (owned by the caller). */
  refinedLayer: SpaceTimeSpectralConv;
  /** Modes of the refined layer. */
  refinedModes: number[];
}

/** The refined layer with `modes`, holding `trained`'s weights at its low frequencies. */
export function enlargeSpectralLayer(
  trained: SpaceTimeSpectralConv,
  modes: readonly number[],
): SpaceTimeSpectralConv {
  const fn = "enlargeSpectralLayer";
  const [mx, my, mt] = trained.modes;
  if (modes.length !== 3 || modes[0] < mx || modes[1] < my || modes[2] < mt)
    throw new ValueError(
      fn,
      "modes",
      `three counts >= the trained modes [${trained.modes.join(", ")}]`,
      `[${modes.join(", ")}]`,
    );
  const layer = new SpaceTimeSpectralConv({
    inChannels: trained.inChannels,
    outChannels: trained.outChannels,
    modes: modes.slice(),
    bias: trained.bias !== undefined,
    dtype: trained.dtype,
  });
  // box layout along x, y: frequencies -m..m-1, so the old box sits centred in the new one.
  // (x + 0 makes a fresh tensor: pad without padding and a one-tensor concat may return x
  // itself, which the refined layer must not share with the frozen model.)
  const weight = tidy(() =>
    pad(add(trained.weight.value, 0), [
      [0, 0],
      [0, 0],
      [modes[0] - mx, modes[0] - mx],
      [modes[1] - my, modes[1] - my],
      [0, modes[2] - mt],
    ]),
  );
  layer.weight.assign(weight);
  if (layer.bias !== undefined && trained.bias !== undefined)
    layer.bias.assign(tidy(() => add(trained.bias?.value as Tensor, 0)));
  return layer;
}

export function refineSpectral(model: SFNO, input: Tensor, opts: RefineOptions): RefineResult {
  const fn = "refineSpectral";
  if (opts === null || typeof opts !== "object")
    throw new ValueError(fn, "opts", "an options object { nu, dt, ... }", String(opts));
  const iterations = opts.iterations ?? 100;
  if (!Number.isInteger(iterations) || iterations < 0)
    throw new ValueError(fn, "iterations", "a non-negative integer", String(iterations));
  const lr = opts.lr ?? 3e-3;
  if (!(lr > 0)) throw new ValueError(fn, "lr", "a positive number", String(lr));
  const outSteps = opts.outSteps ?? model.outSteps;
  const includeLast = opts.includeLastInputFrame ?? true;
  const captured = model.latentBeforeLastSpectral(input, outSteps);
  const [, , nx, ny, tLat] = captured.latent.shape;
  const modes = opts.refinedModes ?? [
    Math.floor(nx / 2),
    Math.floor(ny / 2),
    Math.floor(tLat / 2) + 1,
  ];
  const last = model.spectral[model.nLayers - 1];
  const layer = enlargeSpectralLayer(last, modes);
  // validates the grid against the refined modes before any work
  layer.checkInput(fn, captured.latent, tLat);
  const residualOpts: HMinus1ResidualOptions = { ...opts, reduction: "mean" };
  const predict = (): Tensor => model.headFromLatent(captured, outSteps, layer);
  const residualOf = (pred: Tensor): Tensor =>
    navierStokesResidualHMinus1(
      includeLast ? concat([captured.lastFrame, pred], 4) : pred,
      residualOpts,
    );
  const initialPrediction = model.headFromLatent(captured, outSteps);
  const params = layer.parameters();
  const optimizer = new Adam(params, { lr });
  const history: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const { value, grads } = gradientsOfParameters(() => residualOf(predict()), params);
    const r = value.item() as number;
    history.push(r);
    value.dispose();
    optimizer.step(grads);
    dispose(grads);
    opts.onIteration?.(it, r);
  }
  optimizer.dispose();
  const refinedPrediction = predict();
  const final = tidy(() => residualOf(refinedPrediction));
  history.push(final.item() as number);
  final.dispose();
  dispose([captured.latent, captured.lastFrame]);
  return {
    initialPrediction,
    refinedPrediction,
    residualHistory: history,
    refinedLayer: layer,
    refinedModes: modes.slice(),
  };
}
