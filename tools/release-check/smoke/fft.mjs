// Smoke test of the published @modewise/fft, run by tools/release-check/run.mjs in an empty
// project that installed only this package (and its declared dependencies) from a local registry.
import assert from "node:assert/strict";
import * as fft from "@modewise/fft";
import * as fftTensor from "@modewise/fft/tensor";
import * as T from "@modewise/tensor";

const EXPECTED_EXPORTS = [
  "fft",
  "ifft",
  "rfft",
  "irfft",
  "fftn",
  "fft2",
  "rfftn",
  "dct",
  "idct",
  "dst",
  "fftbr",
  "fftfreq",
  "fftshift",
  "planFFT",
  "planRFFT",
  "complexPlan",
  "realPlan",
];
const missing = EXPECTED_EXPORTS.filter((name) => !(name in fft));
assert.deepEqual(missing, [], `@modewise/fft is missing exports: ${missing.join(", ")}`);

// DFT of [1, 2, 3, 4] is [10, -2+2i, -2, -2-2i]; any length works (7 is prime).
const close = (a, b, what) => {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) < 1e-12, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
};
close(fft.fft(new Float64Array([1, 0, 2, 0, 3, 0, 4, 0])), [10, 0, -2, 2, -2, 0, -2, -2], "fft");
const x = Float64Array.from({ length: 7 }, (_, i) => Math.cos(i) + i);
close(fft.irfft(fft.rfft(x), { n: 7 }), x, "irfft(rfft)");
close(fft.fftfreq(4, 0.5), [0, 0.5, -1, -0.5], "fftfreq");

// The tensor entry registers differentiable FFT kernels into @modewise/tensor.
const t = T.tensor([1, 2, 3, 4], { dtype: "float64" });
const g = T.grad((v) => T.sum(T.square(T.abs(fftTensor.fft(v)))))(t);
close(g.dataSync(), [8, 16, 24, 32], "grad |fft|^2 = 2 n x");

console.log(`@modewise/fft: ${EXPECTED_EXPORTS.length} expected exports present, smoke calls ok`);
