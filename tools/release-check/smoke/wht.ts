// Type-level smoke test of the published @modewise/wht (tsc --strict, nodenext).

import { type Tensor, tensor } from "@modewise/tensor";
import {
  type FWHTOptions,
  fwht,
  ifwht,
  type SparseWHTOptions,
  type SparseWHTResult,
  sparseWHT,
  sparseWHTAsync,
} from "@modewise/wht";
import { fwht as tensorFwht } from "@modewise/wht/tensor";

const opts: FWHTOptions = { order: "dyadic", norm: "ortho", batch: 2 };
const a: Float64Array = fwht(new Float64Array(8), opts);
const b: Float32Array = ifwht(new Float32Array(4));
const sopts: SparseWHTOptions = { n: 12, sparsity: 4, decoder: "spright", seed: 3 };
const r: SparseWHTResult = sparseWHT(() => 0, sopts);
const pending: Promise<SparseWHTResult> = sparseWHTAsync(
  async (idx: Uint32Array) => new Float64Array(idx.length),
  { n: 12, sparsity: 4 },
);
const t: Tensor = tensorFwht(tensor([1, 2, 3, 4], { dtype: "float64" }), { axis: -1 });

export const smoke = { a, b, indices: r.indices, samples: r.samples, pending, t };
