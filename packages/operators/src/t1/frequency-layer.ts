/**
 * One T1 layer, entirely in frequency space (Poli et al. 2022, "Transform Once").
 *
 * The state is the block of the lowest m1 x m2 orthonormal DCT-II (or real Fourier) coefficients of a `width`
 * channel field, stored as [m1, m2, batch, C] so that every operation is one batched GEMM:
 *
 *   z <- z + A1 . act( W(k) z(k) ) . A2^T
 *
 *   W(k)  per-mode channel mixing, real weights stored (m1, m2, C_in, C_out): the layout the
 *         batched product uses, so no copy of the weights (and of their gradient) per step
 *         (neuraloperator's spectral weights are (C_in, C_out, m1, m2); T1 has no PyTorch
 *         counterpart to load, and the transposes were ~10% of a step); one [C, C] matrix per
 *         kept mode k = (k1, k2);
 *   act   a pointwise activation applied to the coefficients (T1 has no spatial domain to go
 *         back to, so the nonlinearity acts on the spectrum itself);
 *   A1    [m1, m1] mixes modes along the first axis, A2 [m2, m2] along the second: the
 *         nonlinearity moves energy between modes, and these let the layer reshape it, as the
 *         paper's "mode mixing" does; both start at the identity;
 *   +z    residual.
 */
import { Module, Parameter } from "@modewise/nn";
import {
  add,
  defaultGenerator,
  eye,
  type Generator,
  matmul,
  type RealFloatDType,
  reshape,
  type Tensor,
  tidy,
} from "@modewise/tensor";

export interface T1LayerOptions {
  width: number;
  modes: [number, number];
  /** Standard deviation of the channel-mixing weights (the model passes the VP value). */
  std: number;
  activation: (x: Tensor) => Tensor;
  dtype: RealFloatDType;
  generator: Generator | undefined;
}

export class T1FrequencyLayer extends Module {
  /**
   * (m1, m2, C_in, C_out). Named modeWeight, not weight: until 2026-11-28 the layer stored
   * `weight` as (C_in, C_out, m1, m2); a file saved then now fails to load (unknown key) instead
   * of loading transposed weights silently where width = m1 = m2.
   */
  readonly modeWeight: Parameter;
  /** Mode mixing along the first frequency axis, [m1, m1] (output, input). */
  readonly modeMix1: Parameter;
  /** Mode mixing along the second frequency axis, [m2, m2]. */
  readonly modeMix2: Parameter;
  private readonly _act: (x: Tensor) => Tensor;

  constructor(opts: T1LayerOptions) {
    super();
    const { width: c, modes, dtype } = opts;
    const gen = opts.generator ?? defaultGenerator();
    this.modeWeight = new Parameter(
      gen.normal([modes[0], modes[1], c, c], { dtype, std: opts.std }),
    );
    this.modeMix1 = new Parameter(eye(modes[0], modes[0], 0, { dtype }));
    this.modeMix2 = new Parameter(eye(modes[1], modes[1], 0, { dtype }));
    this._act = opts.activation;
  }

  /** z: [m1, m2, batch, C] -> same shape. */
  forward(z: Tensor): Tensor {
    return tidy(() => {
      const [m1, m2, b, c] = z.shape;
      // [m1, m2, C_in, C_out]: one GEMM per mode, batched over the m1 x m2 modes
      const w = this.modeWeight.value;
      let y = this._act(matmul(z, w));
      // A1 along k1: [m1, m1] @ [m1, m2 * b * C]
      y = matmul(this.modeMix1.value, reshape(y, [m1, m2 * b * c]));
      // A2 along k2: [m2, m2] @ [m1, m2, b * C], batched over k1
      y = matmul(this.modeMix2.value, reshape(y, [m1, m2, b * c]));
      return add(z, reshape(y, [m1, m2, b, c]));
    });
  }
}
