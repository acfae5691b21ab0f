/**
 * Input features of the SFNO: the sinusoidal space-time encoding (sin/cos of one period over the
 * unit torus in x and y and over the input window in time: 6 channels, periodic like the
 * spectral layers that follow) and a LayerNorm over channels at every grid point.
 */
import { init, Module, Parameter } from "@modewise/nn";
import {
  add,
  broadcastTo,
  concat,
  type Generator,
  mean,
  mul,
  type RealFloatDType,
  rsqrt,
  square,
  sub,
  type Tensor,
  tensor,
  tidy,
} from "@modewise/tensor";

/** Number of channels spaceTimeEncoding adds. */
export const ENCODING_CHANNELS = 6;

/**
 * [1, 6, X, Y, T]: sin, cos of 2 pi x, 2 pi y (x_i = i / X) and 2 pi t / T (frame k at t = k).
 */
export function spaceTimeEncoding(
  nx: number,
  ny: number,
  nt: number,
  dtype: RealFloatDType,
): Tensor {
  const size = nx * ny * nt;
  const data = new Float64Array(ENCODING_CHANNELS * size);
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++)
      for (let k = 0; k < nt; k++) {
        const p = (i * ny + j) * nt + k;
        const ax = (2 * Math.PI * i) / nx;
        const ay = (2 * Math.PI * j) / ny;
        const at = (2 * Math.PI * k) / nt;
        data[p] = Math.sin(ax);
        data[size + p] = Math.cos(ax);
        data[2 * size + p] = Math.sin(ay);
        data[3 * size + p] = Math.cos(ay);
        data[4 * size + p] = Math.sin(at);
        data[5 * size + p] = Math.cos(at);
      }
  return tensor(dtype === "float32" ? Float32Array.from(data) : data, {
    dtype,
    shape: [1, ENCODING_CHANNELS, nx, ny, nt],
  });
}

/** x [b, c, X, Y, T] -> [b, c + 6, X, Y, T]. */
export function appendSpaceTimeEncoding(x: Tensor): Tensor {
  return tidy(() => {
    const [b, , nx, ny, nt] = x.shape;
    const enc = spaceTimeEncoding(nx, ny, nt, x.dtype as RealFloatDType);
    return concat([x, broadcastTo(enc, [b, ENCODING_CHANNELS, nx, ny, nt])], 1);
  });
}

/**
 * LayerNorm over the channel axis of [b, c, ...spatial] (per grid point), with learnable
 * per-channel gain (init 1) and shift (init 0), eps 1e-5 as torch.
 */
export class ChannelLayerNorm extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter;

  constructor(
    readonly channels: number,
    opts: { dtype: RealFloatDType; generator?: Generator; spatialDims?: number },
    readonly eps = 1e-5,
  ) {
    super();
    const shape = [channels, ...new Array<number>(opts.spatialDims ?? 3).fill(1)];
    this.weight = new Parameter(init.ones(shape, { dtype: opts.dtype }));
    this.bias = new Parameter(init.zeros(shape, { dtype: opts.dtype }));
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const centred = sub(x, mean(x, 1, true));
      const scale = rsqrt(add(mean(square(centred), 1, true), this.eps));
      return add(mul(mul(centred, scale), this.weight.value), this.bias.value);
    });
  }
}
