// Type-level smoke test of the published @modewise/tensor, compiled by tools/release-check/run.mjs
// with `tsc --noEmit --module nodenext --moduleResolution nodenext --strict` in an empty project.
import * as T from "@modewise/tensor";
import * as W from "@modewise/tensor/wasm";

const t: T.Tensor = T.tensor(
  [
    [1, 2],
    [3, 4],
  ],
  { dtype: "float64" },
);
const shape: readonly number[] = t.shape;
const dtype: T.DType = t.dtype;
const data: T.DataArray = t.dataSync();
const { value, grads }: T.ValueAndGrads = T.gradientsOf(() => T.sum(T.square(t)), [t]);
const info: T.MemoryInfo = T.memory();

const leb: number[] = W.uleb(300);
const body = new W.FunctionBody(1);
const local: number = body.local(W.I32);

export const smoke = { shape, dtype, data, value, grads, info, leb, body, local };
