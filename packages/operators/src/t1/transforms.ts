/**
 * The two transforms T1 uses, behind one small interface so that a caller can observe them
 * (the tests wrap them with counters to prove that a training step runs exactly one forward
 * DCT of the input, one of the target, and no inverse transform).
 */
import { dctn, idctn } from "@modewise/fft/tensor";
import { matmul, type Tensor, tensor } from "@modewise/tensor";

export interface T1Transforms {
  /** An orthonormal 2-D transform over the last two axes, lowest frequencies first. */
  forward(x: Tensor): Tensor;
  /** Its inverse over the last two axes. */
  inverse(xHat: Tensor): Tensor;
}

/** scipy.fft.dctn / idctn with norm "ortho" over the last two axes. */
export const orthonormalDct2: T1Transforms = {
  forward: (x) => dctn(x, { axes: [-2, -1], norm: "ortho" }),
  inverse: (xHat) => idctn(xHat, { axes: [-2, -1], norm: "ortho" }),
};

/**
 * The orthonormal real Fourier basis of R^n as an [n, n] matrix, lowest frequencies first:
 * row 0 = 1 / sqrt(n), rows 2k - 1 and 2k = sqrt(2 / n) cos / sin(2 pi k j / n) for
 * 0 < k < n / 2, and for even n the last row (-1)^j / sqrt(n). These are rfft's coefficients
 * as real pairs: cos_k = sqrt(2) Re Z_k, sin_k = -sqrt(2) Im Z_k with Z = rfft(x, norm "ortho").
 */
export function realFourierMatrix(n: number): Float64Array {
  const m = new Float64Array(n * n);
  const [c0, c] = [1 / Math.sqrt(n), Math.sqrt(2 / n)];
  for (let j = 0; j < n; j++) m[j] = c0;
  for (let k = 1; 2 * k < n; k++)
    for (let j = 0; j < n; j++) {
      const t = (2 * Math.PI * ((k * j) % n)) / n; // exact reduction of the integer part
      m[(2 * k - 1) * n + j] = c * Math.cos(t);
      m[2 * k * n + j] = c * Math.sin(t);
    }
  if (n % 2 === 0) for (let j = 0; j < n; j++) m[(n - 1) * n + j] = j % 2 === 0 ? c0 : -c0;
  return m;
}

/**
 * The 2-D transform in the real Fourier basis (T1's rfft option, as real cos/sin coefficient
 * pairs so that every layer stays real): X = R_h x R_w^T, x = R_h^T X R_w, two small products
 * each way. For periodic fields: the DCT's even extension puts a kink at the boundary, so
 * its coefficients decay like k^-2 (the NS increment keeps 1.2e-3 of the field outside 16 x 16
 * DCT modes), while a band-limited periodic field is exact in few Fourier modes.
 */
export const orthonormalRealFourier2: T1Transforms = {
  forward: (x) => {
    const [rh, rw] = basisPair(x);
    return matmul(matmul(rh, x), rw, { transposeB: true });
  },
  inverse: (xHat) => {
    const [rh, rw] = basisPair(xHat);
    return matmul(matmul(rh, xHat, { transposeA: true }), rw);
  },
};

function basisPair(x: Tensor): [Tensor, Tensor] {
  const [h, w] = x.shape.slice(-2);
  const of = (n: number) => tensor(realFourierMatrix(n), { dtype: x.dtype, shape: [n, n] });
  return [of(h), of(w)];
}
