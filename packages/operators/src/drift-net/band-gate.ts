/**
 * DRIFT-Net's radial band gate (Li & Salim 2025). The rfft2 half plane [h, w/2+1] is cut into
 * `numBands` rings by the normalized radius
 *
 *   r(k) = sqrt( (|k1| / (h/2))^2 + (k2 / (w/2))^2 ) / r_max,   band = min(floor(r numBands), numBands-1)
 *
 * (|k1| the signed row frequency, so the negative low frequencies of the rows fall into the low
 * bands as they should). A per-sample, per-channel descriptor, the band-mean of a spectral feature
 * (here ||X_high| - |X_low||), goes through an MLP numBands -> hidden -> numBands with ReLU and a
 * final sigmoid, giving one gate value alpha in (0, 1) per band, broadcast back to every frequency
 * of the band. Band means and the broadcast are two small matrix products with fixed [F, bands]
 * matrices (F = h (w/2+1)).
 */
import { Linear, Module } from "@modewise/nn";
import {
  type Generator,
  matmul,
  type RealFloatDType,
  relu,
  reshape,
  sigmoid,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";

/** The band of every frequency of an [h, w/2+1] half plane (row-major). */
export function radialBands(h: number, w: number, numBands: number): Int32Array {
  const wf = Math.floor(w / 2) + 1;
  const r = new Float64Array(h * wf);
  let rmax = 0;
  for (let i = 0; i < h; i++) {
    const f1 = Math.min(i, h - i) / Math.max(h / 2, 1);
    for (let j = 0; j < wf; j++) {
      const f2 = j / Math.max(w / 2, 1);
      r[i * wf + j] = Math.sqrt(f1 * f1 + f2 * f2);
      rmax = Math.max(rmax, r[i * wf + j]);
    }
  }
  const band = new Int32Array(h * wf);
  for (let k = 0; k < band.length; k++)
    band[k] = Math.min(Math.floor((r[k] / (rmax || 1)) * numBands), numBands - 1);
  return band;
}

export class RadialBandGate extends Module<[Tensor, number], Tensor> {
  readonly numBands: number;
  readonly fc1: Linear;
  readonly fc2: Linear;
  private readonly _dtype: RealFloatDType;

  constructor(numBands: number, hidden: number, dtype: RealFloatDType, generator: Generator) {
    super();
    this.numBands = numBands;
    this._dtype = dtype;
    this.fc1 = new Linear(numBands, hidden, { dtype, generator });
    this.fc2 = new Linear(hidden, numBands, { dtype, generator });
  }

  /**
   * feature [b, C, h, wf] (real, >= 0) on the half plane of an h x w grid -> alpha [b, C, h, wf]
   * in (0, 1), constant on each band.
   */
  forward(feature: Tensor, w: number): Tensor {
    return tidy(() => {
      const [b, c, h, wf] = feature.shape;
      const f = h * wf;
      const band = radialBands(h, w, this.numBands);
      const counts = new Float64Array(this.numBands);
      for (const k of band) counts[k]++;
      const meanOf = new Float64Array(f * this.numBands); // [F, bands]: 1 / count on membership
      const spread = new Float64Array(this.numBands * f); // [bands, F]: 1 on membership
      band.forEach((k, i) => {
        meanOf[i * this.numBands + k] = 1 / counts[k];
        spread[k * f + i] = 1;
      });
      const dtype = this._dtype;
      const means = matmul(
        reshape(feature, [b, c, f]),
        tensor(meanOf, { dtype, shape: [f, this.numBands] }),
      );
      const alphaBand = sigmoid(this.fc2.forward(relu(this.fc1.forward(means))));
      const alpha = matmul(alphaBand, tensor(spread, { dtype, shape: [this.numBands, f] }));
      return reshape(alpha, [b, c, h, wf]);
    });
  }
}
