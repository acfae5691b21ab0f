/**
 * The two transforms T1 uses, behind one small interface so that a caller can observe them
 * (the tests wrap them with counters to prove that a training step runs exactly one forward
 * DCT of the input, one of the target, and no inverse transform).
 */
import { dctn, idctn } from "@modewise/fft/tensor";
import type { Tensor } from "@modewise/tensor";

export interface T1Transforms {
  /** Orthonormal 2-D DCT-II over the last two axes. */
  forward(x: Tensor): Tensor;
  /** Its inverse (orthonormal DCT-III) over the last two axes. */
  inverse(xHat: Tensor): Tensor;
}

/** scipy.fft.dctn / idctn with norm "ortho" over the last two axes. */
export const orthonormalDct2: T1Transforms = {
  forward: (x) => dctn(x, { axes: [-2, -1], norm: "ortho" }),
  inverse: (xHat) => idctn(xHat, { axes: [-2, -1], norm: "ortho" }),
};
