/**
 * 1-D and 2-D float32 SpectralConv on the CPU runs its transforms as DFT matrix products (box-dft.ts),
 * a different algorithm from the float64 path (FFTs; checked against direct DFT sums and by
 * finite differences in spectral-conv.test.ts). Here the float32 forward and gradients are
 * compared with that float64 path on the same values.
 */
import { lastSpectralConvPath, lastSpectralMixPath, SpectralConv } from "@modewise/operators";
import {
  add,
  astype,
  Generator,
  gradientsOf,
  memory,
  mul,
  sum,
  type Tensor,
  tidy,
} from "@modewise/tensor";
import { setResidentFloat32 } from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";

const U32 = 2 ** -24;

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("SpectralConv float32, 1-D and 2-D (DFT matrix products)", () => {
  const cases = [
    { grid: [12, 10], modes: [3, 4] },
    { grid: [8, 8], modes: [4, 5] }, // n1 = 2 m1, last axis reaches Nyquist
    { grid: [9, 7], modes: [2, 3] }, // odd sizes
    { grid: [16], modes: [5] }, // 1-D
    { grid: [10], modes: [6] }, // 1-D reaching Nyquist
  ];
  for (const { grid, modes } of cases)
    it(`forward and gradients match the float64 FFT path (grid ${grid.join("x")}, modes ${modes.join(",")})`, () => {
      const base = memory().numTensors;
      tidy(() => {
        const [B, I, O] = [2, 3, 4];
        const g = new Generator(21);
        const conv = new SpectralConv({ inChannels: I, outChannels: O, modes, generator: g });
        const conv64 = new SpectralConv({ inChannels: I, outChannels: O, modes, dtype: "float64" });
        conv64.loadStateDict(conv.stateDict());
        const x = g.normal([B, I, ...grid]);
        const dy = g.normal([B, O, ...grid]);
        const run = (c: SpectralConv, xi: Tensor, d: Tensor) =>
          gradientsOf(
            () => sum(mul(c.forward(xi), d)),
            [xi, ...c.parameters().map((p) => p.value)],
          );
        const y32 = conv.forward(x).dataSync();
        // the paths compared are the ones this file is about
        expect(lastSpectralConvPath()).toBe("box-dft");
        const y64 = conv64.forward(astype(x, "float64")).dataSync();
        expect(lastSpectralConvPath()).toBe("fft");
        const r32 = run(conv, x, dy);
        const r64 = run(conv64, astype(x, "float64"), astype(dy, "float64"));
        // Bounds (first order): each of the passes (n2, n1 terms forward; I + 2 in the float32
        // mixing, O + 2 and B + 2 in its gradients; 4 m1 (the 2 x 2 block form) and 2 m2
        // inverse) adds gamma_len of the sum of |terms|, and the sums of |terms|
        // are bounded by |y| <= 2 K I max|W| max|x| (K box modes, c_k <= 2, 1/N against N
        // terms); likewise grad x with dy for x, grad W <= B N max|x| 2 max|dy|, grad bias
        // <= B N max|dy|.
        const N = grid.reduce((a, b) => a * b, 1);
        const K = modes.reduce((a, m, i) => a * (i === modes.length - 1 ? m : 2 * m), 1);
        const passes =
          grid.reduce((a, b) => a + b, 0) +
          2 * modes.reduce((a, b) => a + b, 0) +
          2 * (modes[0] as number) + // 4 m1 in the inverse's first pass (1-D: an upper bound)
          I +
          O +
          B +
          6 +
          8;
        const mx = maxAbs(x.dataSync());
        const mdy = maxAbs(dy.dataSync());
        const mw = maxAbs(conv.denseWeight().dataSync());
        const mb = maxAbs(conv.bias!.value.dataSync());
        const yScale = 2 * K * I * mw * mx + mb;
        expect(maxAbsDiff(y32, y64)).toBeLessThanOrEqual(passes * U32 * yScale);
        const scales = [2 * K * O * mw * mdy, B * N * mx * 2 * mdy, B * N * mdy];
        r64.grads.forEach((ref, i) => {
          expect(r32.grads[i].shape).toEqual(ref.shape);
          expect(maxAbsDiff(r32.grads[i].dataSync(), ref.dataSync())).toBeLessThanOrEqual(
            passes * U32 * scales[i],
          );
        });
        // the comparison can fail: the values are far above the bounds
        expect(maxAbs(y64)).toBeGreaterThan(100 * passes * U32 * yScale);
        conv.dispose();
        conv64.dispose();
      });
      expect(memory().numTensors).toBe(base);
    });

  it("in the resident memory (no copies) gives the copying paths' bits, forward and gradients", () => {
    // an FNO layer's size: box DFT scratch, spectral mix, bias and the combining pass all
    // resident and in place; with residency off every kernel takes its copying path
    const run = (resident: boolean): Float32Array[] => {
      const was = setResidentFloat32(resident);
      try {
        return tidy(() => {
          const g = new Generator(31);
          const conv = new SpectralConv({
            inChannels: 20,
            outChannels: 20,
            modes: [8, 8],
            dtype: "float32",
            generator: g,
          });
          const x = add(g.normal([20, 20, 32, 32], { dtype: "float32" }), 0);
          const w = g.normal([20, 20, 32, 32], { dtype: "float32" });
          const y = conv.forward(x);
          expect(lastSpectralConvPath()).toBe("box-dft");
          expect(lastSpectralMixPath()).toBe(resident ? "resident" : "copy");
          const params = conv.parameters().map((p) => p.value);
          const { grads } = gradientsOf(() => sum(mul(conv.forward(x), w)), [x, ...params]);
          const out = [y, ...grads].map((t) => t.dataSync() as Float32Array);
          conv.dispose();
          return out;
        });
      } finally {
        setResidentFloat32(was);
      }
    };
    const base = memory().numTensors;
    const inPlace = run(true);
    const copied = run(false);
    expect(inPlace.length).toBe(copied.length);
    for (let t = 0; t < copied.length; t++)
      for (let i = 0; i < copied[t].length; i++)
        if (!Object.is(inPlace[t][i], copied[t][i]))
          throw new Error(`output ${t} element ${i}: ${inPlace[t][i]} vs ${copied[t][i]}`);
    expect(memory().numTensors).toBe(base);
  });
});
