// Type-level smoke test of the published @modewise/tensor, compiled by tools/release-check/run.mjs
// with `tsc --noEmit --module nodenext --moduleResolution nodenext --strict` in an empty project.
import * as tensor from "@modewise/tensor";

// Use the public types. Replace once the core is exported, e.g.:
//   const t: tensor.Tensor = tensor.tensor([[1, 2], [3, 4]], { dtype: "float64" });
//   const shape: readonly number[] = t.shape;
//   const data: tensor.DataArray = t.dataSync();
const version: string = tensor.VERSION;

export const smoke = { version };
