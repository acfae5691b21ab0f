/**
 * DRIFT-Net's training loss (Li & Salim 2025, and its reference code):
 *
 *   L = mean |pred - target|  +  lambda * mean_k( w(k) |E_k|^2 ),   E = rfft2(pred - target) / (H W)
 *
 * with the frequency weight w(k) = (r(k) / r_max)^alpha, r(k) = sqrt(fy^2 + fx^2) where fy, fx
 * are the absolute row / column frequencies each divided by its maximum (numpy's fftfreq and
 * rfftfreq), so the error's high frequencies, which an L1 loss alone under-weights, are pushed
 * down. Defaults lambda = 0.3, alpha = 1.5 (the paper's). The mean runs over the batch, the
 * channels and the H x (W/2+1) half plane; the 1/(H W) ("forward") normalization of the FFT is
 * the reference code's.
 */
import { fftfreq, rfftfreq } from "@modewise/fft";
import { rfftn } from "@modewise/fft/tensor";
import { l1Loss } from "@modewise/nn";
import {
  add,
  imag,
  mean,
  mul,
  real,
  ShapeError,
  square,
  sub,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";
import { checkNumber, checkOptionsObject } from "../t1/validate.js";

export interface DriftNetLossOptions {
  /** Weight of the spectral term (default 0.3). */
  lambda?: number;
  /** Exponent of the radial weight (default 1.5). */
  alpha?: number;
}

/** The radial weights (r / r_max)^alpha on the [H, W/2+1] half plane, row-major. */
export function spectralErrorWeights(h: number, w: number, alpha: number): Float64Array {
  const fy = fftfreq(h).map(Math.abs);
  const fx = rfftfreq(w);
  const wf = fx.length;
  // A length-1 axis has only the zero frequency: divide by 1 instead of 0.
  const fyMax = Math.max(...fy) || 1;
  const fxMax = Math.max(...fx) || 1;
  const r = new Float64Array(h * wf);
  let rmax = 0;
  for (let i = 0; i < h; i++)
    for (let j = 0; j < wf; j++) {
      r[i * wf + j] = Math.hypot(fy[i] / fyMax, fx[j] / fxMax);
      rmax = Math.max(rmax, r[i * wf + j]);
    }
  return r.map((v) => (rmax > 0 ? (v / rmax) ** alpha : 0));
}

/** mean_k w(k) |rfft2(pred - target)_k / (H W)|^2 over batch, channels and the half plane. */
export function frequencyWeightedSpectralError(
  pred: Tensor,
  target: Tensor,
  opts: { alpha?: number } = {},
): Tensor {
  const fn = "frequencyWeightedSpectralError";
  const alpha = checkNumber(fn, "alpha", opts.alpha ?? 1.5, 0, 100);
  if (pred.rank < 2 || pred.shape.join() !== target.shape.join())
    throw new ShapeError(
      fn,
      "target",
      `[${pred.shape.join(", ")}] (pred's shape, rank >= 2)`,
      `[${target.shape.join(", ")}]`,
    );
  return tidy(() => {
    const [h, w] = pred.shape.slice(-2);
    const e = rfftn(sub(pred, target), { axes: [-2, -1], norm: "forward" });
    const weights = tensor(spectralErrorWeights(h, w, alpha), {
      dtype: pred.dtype === "float64" ? "float64" : "float32",
      shape: [h, Math.floor(w / 2) + 1],
    });
    return mean(mul(add(square(real(e)), square(imag(e))), weights));
  });
}

/** L1 + lambda * frequency-weighted spectral error (DRIFT-Net's loss). */
export function driftNetLoss(pred: Tensor, target: Tensor, opts: DriftNetLossOptions = {}): Tensor {
  const o = checkOptionsObject("driftNetLoss", opts);
  const lambda = checkNumber("driftNetLoss", "lambda", o.lambda ?? 0.3, 0, Number.MAX_VALUE);
  return tidy(() =>
    add(
      l1Loss(pred, target),
      mul(frequencyWeightedSpectralError(pred, target, { alpha: o.alpha }), lambda),
    ),
  );
}
