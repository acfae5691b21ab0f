/**
 * Grid embedding (neuraloperator's GridEmbeddingND with boundaries [0, 1]): appends one channel
 * per spatial axis holding the coordinate i / n of each point (linspace(0, 1, n + 1)[:-1]), so
 * the coordinates of a finer grid interleave those of a coarser one (super-resolution).
 */
import { broadcastTo, concat, type Tensor, tensor, tidy } from "@modewise/tensor";

export function appendGrid(x: Tensor): Tensor {
  return tidy(() => {
    const [b, , ...spatial] = x.shape;
    const d = spatial.length;
    const channels: Tensor[] = [x];
    for (let axis = 0; axis < d; axis++) {
      const n = spatial[axis];
      const coords = new Float64Array(n);
      for (let i = 0; i < n; i++) coords[i] = i / n;
      const shape = spatial.map((s, j) => (j === axis ? s : 1));
      const t = tensor(x.dtype === "float32" ? Float32Array.from(coords) : coords, {
        dtype: x.dtype,
        shape: [1, 1, ...shape],
      });
      channels.push(broadcastTo(t, [b, 1, ...spatial]));
    }
    return concat(channels, 1);
  });
}
