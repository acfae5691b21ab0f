// Type-level smoke test of the published @modewise/operators, compiled by
// tools/release-check/run.mjs with `tsc --noEmit --module nodenext --moduleResolution nodenext
// --strict` in an empty project.
import * as ops from "@modewise/operators";
import type { Tensor } from "@modewise/tensor";

const options: ops.FNOOptions = { inChannels: 1, outChannels: 1, modes: [8, 8], width: 20 };
const model: ops.FNO = new ops.FNO({
  ...options,
  skip: "soft-gating",
  factorization: "cp",
  rank: 4,
});
const conv: ops.SpectralConv = new ops.SpectralConv({ inChannels: 2, outChannels: 2, modes: [4] });
const forward: (x: Tensor) => Tensor = (x) => model.forward(conv.forward(x));
const loss: (a: Tensor, b: Tensor) => Tensor = (a, b) =>
  ops.relativeL2Loss(a, b, { reduction: "mean" });
const h1: (a: Tensor, b: Tensor) => Tensor = (a, b) => ops.h1Loss(a, b, { nDims: 2 });
const hm1: (a: Tensor, b: Tensor) => Tensor = (a, b) => ops.hMinus1Loss(a, b, { alpha: 0.1 });
const bytes: Uint8Array = ops.saveNeuralOperatorState(model);
ops.loadNeuralOperatorState(model, bytes);
void [forward, loss, h1, hm1];
