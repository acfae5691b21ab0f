import { T1, t1FrequencyRelativeL2, t1InitStd } from "@modewise/operators";
import {
  DTypeError,
  dispose,
  div,
  Generator,
  memory,
  ShapeError,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkModelGradients, expectClose, smoothTask, trainWithAdamW } from "./t1-helpers.js";

/** Independent reference: the orthonormal 2-D DCT-II by its defining double sum (f64). */
function directDct2(x: Float64Array, h: number, w: number): Float64Array {
  const out = new Float64Array(h * w);
  for (let k1 = 0; k1 < h; k1++) {
    for (let k2 = 0; k2 < w; k2++) {
      let acc = 0;
      for (let i = 0; i < h; i++)
        for (let j = 0; j < w; j++)
          acc +=
            x[i * w + j] *
            Math.cos((Math.PI * k1 * (2 * i + 1)) / (2 * h)) *
            Math.cos((Math.PI * k2 * (2 * j + 1)) / (2 * w));
      const a1 = k1 === 0 ? Math.sqrt(1 / h) : Math.sqrt(2 / h);
      const a2 = k2 === 0 ? Math.sqrt(1 / w) : Math.sqrt(2 / w);
      out[k1 * w + k2] = a1 * a2 * acc;
    }
  }
  return out;
}

function relL2(pred: Tensor, y: Tensor): Tensor {
  return tidy(() =>
    div(sqrt(sum(square(sub(pred, y)), [1, 2, 3])), sqrt(sum(square(y), [1, 2, 3]))),
  );
}

const tiny = () =>
  new T1({
    inChannels: 2,
    outChannels: 1,
    modes: [3, 2],
    width: 3,
    nLayers: 2,
    gridSize: [6, 5],
    dtype: "float64",
    generator: new Generator(3),
  });

describe("T1", () => {
  it("maps [b, 1, 32, 32] to [b, 1, 32, 32] and counts its parameters", { timeout: 30_000 }, () => {
    const before = memory().numTensors;
    const model = new T1({
      inChannels: 1,
      outChannels: 1,
      modes: [8, 8],
      width: 20,
      nLayers: 4,
      gridSize: [32, 32],
      generator: new Generator(0),
    });
    const x = new Generator(1).normal([3, 1, 32, 32]);
    const y = model.forward(x);
    expect(y.shape).toEqual([3, 1, 32, 32]);
    expect(y.dtype).toBe("float32");
    // lift 20 + 20, per layer 20*20*64 + 64 + 64, projection 20 + 1
    expect(model.numParameters()).toBe(40 + 4 * (400 * 64 + 128) + 21);
    dispose([x, y]);
    model.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it("encode is the orthonormal DCT-II restricted to the kept modes (vs a direct f64 sum)", () => {
    const model = tiny();
    const x = new Generator(5).normal([1, 2, 6, 5], { dtype: "float64" });
    const e = model.encode(x);
    expect(e.shape).toEqual([1, 2, 3, 2]);
    const data = x.dataSync() as Float64Array;
    const got = e.dataSync();
    for (let c = 0; c < 2; c++) {
      const ref = directDct2(data.subarray(c * 30, (c + 1) * 30), 6, 5);
      const want: number[] = [];
      for (let k1 = 0; k1 < 3; k1++) for (let k2 = 0; k2 < 2; k2++) want.push(ref[k1 * 5 + k2]);
      // an N-term f64 sum of terms bounded by |x| max: 30 * 2^-53 * scale, with margin 4
      expectClose(got.subarray(c * 6, (c + 1) * 6), want, 0, 4 * 30 * 2 ** -53 * 4);
    }
    dispose([x, e]);
    model.dispose();
  });

  it("decode(encode(x)) keeps exactly the low modes; with all modes it is the identity", () => {
    const full = new T1({
      inChannels: 1,
      outChannels: 1,
      modes: [6, 5],
      width: 2,
      gridSize: [6, 5],
      dtype: "float64",
    });
    const x = new Generator(6).normal([2, 1, 6, 5], { dtype: "float64" });
    const back = full.decode(full.encode(x));
    expectClose(back, x.dataSync(), 0, 1e-14);
    dispose([x, back]);
    full.dispose();
  });

  it("is resolution-consistent: cosine fields give the same kept coefficients on 16^2 and 32^2", () => {
    const model = new T1({
      inChannels: 1,
      outChannels: 1,
      modes: [4, 4],
      width: 3,
      nLayers: 1,
      gridSize: [16, 16],
      dtype: "float64",
      generator: new Generator(12),
    });
    // f(x, y) = sum a_kl cos(pi k x) cos(pi l y), k, l < 4, sampled at cell centres: on an N-point
    // grid the DCT-II basis IS cos(pi k x_i), so the orthonormal coefficients are a_kl times
    // sqrt(N)-type factors that the model's sqrt(N0 / N) rescaling removes
    const a = new Generator(13).normal([4, 4], { dtype: "float64" }).dataSync();
    const field = (n: number) => {
      const v = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          for (let k = 0; k < 4; k++)
            for (let l = 0; l < 4; l++)
              v[i * n + j] +=
                a[k * 4 + l] *
                Math.cos((Math.PI * k * (i + 0.5)) / n) *
                Math.cos((Math.PI * l * (j + 0.5)) / n);
      return tensor(v, { dtype: "float64", shape: [1, 1, n, n] });
    };
    const [x16, x32] = [field(16), field(32)];
    const [e16, e32] = [model.encode(x16), model.encode(x32)];
    expectClose(e32, e16.dataSync(), 0, 1e-13);
    // and the 32^2 prediction is the 16^2 one's function sampled on the finer grid
    const [y16, y32] = [model.forward(x16), model.forward(x32)];
    const back = model.encode(y32);
    expectClose(back, model.encode(y16).dataSync(), 0, 1e-12);
    dispose([x16, x32, e16, e32, y16, y32, back]);
    model.dispose();
  });

  it("the frequency-space loss equals the spatial relative L2 of forward(x) (Parseval)", () => {
    const model = tiny();
    const x = new Generator(7).normal([3, 2, 6, 5], { dtype: "float64" });
    const y = new Generator(8).normal([3, 1, 6, 5], { dtype: "float64" });
    const perSample = model.frequencyLoss(x, y, { reduction: "none" });
    const spatial = relL2(model.forward(x), y);
    expectClose(perSample, spatial.dataSync(), 1e-13, 0);
    // without the truncation floor the loss is smaller by exactly the truncated energy
    const kept = model.frequencyLoss(x, y, { reduction: "none", includeTruncated: false });
    const k = kept.dataSync();
    const p = perSample.dataSync();
    for (let i = 0; i < 3; i++) expect(k[i]).toBeLessThan(p[i]);
    dispose([x, y, perSample, spatial, kept]);
    model.dispose();
  });

  for (const grid of [
    [6, 5],
    [12, 10],
  ])
    it(`referenceNorm replaces the denominator: loss * referenceNorm = ||forward(x) - y|| (${grid.join(" x ")} grid)`, () => {
      const model = tiny();
      const x = new Generator(7).normal([3, 2, ...grid], { dtype: "float64" });
      const y = new Generator(8).normal([3, 1, ...grid], { dtype: "float64" });
      const ref = tensor([0.5, 2, 7], { dtype: "float64" });
      const perSample = model.frequencyLoss(x, y, { reduction: "none", referenceNorm: ref });
      // the error norm on the grid, by the decoded prediction (independent of the coefficients)
      const errNorm = sqrt(sum(square(sub(model.forward(x), y)), [1, 2, 3])).dataSync();
      const p = perSample.dataSync();
      for (let i = 0; i < 3; i++)
        expect(Math.abs((p[i] as number) * [0.5, 2, 7][i]! - errNorm[i]!)).toBeLessThan(
          1e-13 * errNorm[i]!,
        );
      const wrong = tensor([1, 2], { dtype: "float64" });
      expect(() => model.frequencyLoss(x, y, { referenceNorm: wrong })).toThrow(/referenceNorm/);
      dispose([x, y, ref, perSample, wrong]);
      model.dispose();
    });

  it("learnResidual: forward = x + decode(P), and the loss is still its exact spatial relative L2", () => {
    const model = new T1({
      inChannels: 2,
      outChannels: 2,
      modes: [3, 2],
      width: 3,
      nLayers: 2,
      gridSize: [6, 5],
      learnResidual: true,
      dtype: "float64",
      generator: new Generator(3),
    });
    const x = new Generator(7).normal([3, 2, 6, 5], { dtype: "float64" });
    const y = new Generator(8).normal([3, 2, 6, 5], { dtype: "float64" });
    const out = model.forward(x);
    const inc = model.decode(model.forwardFrequency(model.encode(x)));
    expectClose(sub(out, x), inc.dataSync(), 0, 1e-14);
    const perSample = model.frequencyLoss(x, y, { reduction: "none" });
    const spatial = relL2(out, y);
    expectClose(perSample, spatial.dataSync(), 1e-13, 0);
    expect(
      () =>
        new T1({
          inChannels: 2,
          outChannels: 1,
          modes: [2, 2],
          width: 2,
          gridSize: [4, 4],
          learnResidual: true,
        }),
    ).toThrow(ValueError);
    dispose([x, y, out, inc, perSample, spatial]);
    model.dispose();
  });

  it("variance-preserving init: std = sqrt((1/fan_in) N/m)", () => {
    const model = new T1({
      inChannels: 1,
      outChannels: 1,
      modes: [8, 8],
      width: 16,
      nLayers: 1,
      gridSize: [32, 32],
      dtype: "float64",
      generator: new Generator(11),
    });
    const w = model.layers[0].modeWeight.value.dataSync();
    const n = w.length; // 16 * 16 * 64 = 16384
    let ss = 0;
    for (let i = 0; i < n; i++) ss += w[i] * w[i];
    const std = Math.sqrt(ss / n);
    const want = t1InitStd(16, 32 * 32, 64);
    expect(want).toBeCloseTo(Math.sqrt((1 / 16) * 16), 15);
    // the sample std of n normals has relative standard error 1/sqrt(2n); allow 6 of them
    expect(Math.abs(std / want - 1)).toBeLessThan(6 / Math.sqrt(2 * n));
    model.dispose();
  });

  it("gradients of every parameter and of the input pass a float64 finite-difference check", {
    timeout: 60_000,
  }, () => {
    const model = tiny();
    const x = new Generator(9).normal([2, 2, 6, 5], { dtype: "float64" });
    const names = checkModelGradients(model, x);
    expect(names).toContain("layers.1.modeWeight");
    expect(names).toContain("layers.0.modeMix2");
    x.dispose();
    model.dispose();
  });

  it("the frequency loss has correct gradients (f64)", { timeout: 60_000 }, () => {
    const model = tiny();
    const x = new Generator(9).normal([2, 2, 6, 5], { dtype: "float64" });
    const y = new Generator(10).normal([2, 1, 6, 5], { dtype: "float64" });
    const names = checkModelGradients(model, x, {
      forward: (xi: Tensor) => model.frequencyLoss(xi, y),
    });
    expect(names.length).toBe(model.parameters().length);
    dispose([x, y]);
    model.dispose();
  });

  it("validates options and inputs with typed errors", () => {
    const base = {
      inChannels: 1,
      outChannels: 1,
      modes: [4, 4] as [number, number],
      width: 4,
      gridSize: [8, 8] as [number, number],
    };
    expect(() => new T1({ ...base, width: 0 })).toThrow(ValueError);
    expect(() => new T1({ ...base, modes: [9, 4] })).toThrow(/modes/);
    expect(() => new T1({ ...base, dtype: "int32" as never })).toThrow(DTypeError);
    expect(() => new T1({ ...base, basis: "wavelet" as never })).toThrow(/basis/);
    const model = new T1(base);
    const bad = new Generator(1).normal([1, 2, 8, 8]);
    expect(() => model.forward(bad)).toThrow(ShapeError);
    const small = new Generator(1).normal([1, 1, 3, 8]);
    expect(() => model.forward(small)).toThrow(/at least 4 x 4/);
    expect(() => t1FrequencyRelativeL2(bad, small)).toThrow(ShapeError);
    dispose([bad, small]);
    model.dispose();
  });

  it("trains: AdamW lowers the frequency loss on a smooth task, without leaking tensors", {
    timeout: 30_000,
  }, () => {
    const { x, y } = smoothTask(16, 16, 1);
    const model = new T1({
      inChannels: 1,
      outChannels: 1,
      modes: [6, 6],
      width: 12,
      nLayers: 2,
      gridSize: [16, 16],
      generator: new Generator(2),
    });
    const { losses, leaked } = trainWithAdamW(model, () => model.frequencyLoss(x, y), {
      lr: 3e-3,
      steps: 60,
    });
    expect(leaked).toBe(0);
    expect(Math.min(...losses.slice(-5))).toBeLessThan(0.5 * losses[0]);
    dispose([x, y]);
    model.dispose();
  });
});

describe("T1 with the real Fourier basis (basis: 'fourier')", () => {
  const fourierModel = (modes: [number, number], grid: [number, number], seed = 3) =>
    new T1({
      inChannels: 2,
      outChannels: 1,
      modes,
      width: 3,
      nLayers: 2,
      gridSize: grid,
      basis: "fourier",
      dtype: "float64",
      generator: new Generator(seed),
    });

  it("encode gives rfft2's coefficients as real pairs (cos = sqrt2 Re, sin = -sqrt2 Im), vs a direct f64 sum", () => {
    // odd and even axes: 5 has no Nyquist row, 6 has one ((-1)^j / sqrt(n))
    const [h, w] = [6, 5];
    const model = fourierModel([6, 5], [6, 5]);
    const x = new Generator(21).normal([1, 2, h, w], { dtype: "float64" });
    const got = model.encode(x).dataSync();
    const xd = x.dataSync();
    // 1-D basis functions by their definition, evaluated directly
    const phi = (k: number, j: number, n: number): number => {
      if (k === 0) return 1 / Math.sqrt(n);
      if (n % 2 === 0 && k === n - 1) return (j % 2 === 0 ? 1 : -1) / Math.sqrt(n);
      const f = Math.ceil(k / 2);
      const t = (2 * Math.PI * f * j) / n;
      return Math.sqrt(2 / n) * (k % 2 === 1 ? Math.cos(t) : Math.sin(t));
    };
    for (let c = 0; c < 2; c++)
      for (let k1 = 0; k1 < h; k1++)
        for (let k2 = 0; k2 < w; k2++) {
          let acc = 0;
          for (let i = 0; i < h; i++)
            for (let j = 0; j < w; j++)
              acc += xd[(c * h + i) * w + j] * phi(k1, i, h) * phi(k2, j, w);
          // 30 terms of size O(1): 1e-13 leaves a wide margin over the f64 rounding
          expect(Math.abs(got[(c * h + k1) * w + k2] - acc)).toBeLessThan(1e-13);
        }
    dispose([x]);
    model.dispose();
  });

  it("the basis is orthonormal and its 1-D coefficients are rfft's (sqrt2 Re, -sqrt2 Im)", async () => {
    const { realFourierMatrix } = await import("@modewise/operators");
    const { rfft } = await import("@modewise/fft/tensor");
    for (const n of [7, 8]) {
      const m = realFourierMatrix(n);
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++) {
          let dot = 0;
          for (let j = 0; j < n; j++) dot += m[a * n + j] * m[b * n + j];
          expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-15 * n);
        }
      const x = new Generator(30 + n).normal([n], { dtype: "float64" });
      const z = rfft(x, { norm: "ortho" }).dataSync(); // interleaved re, im
      const xd = x.dataSync();
      for (let k = 1; 2 * k < n; k++) {
        let cs = 0;
        let sn = 0;
        for (let j = 0; j < n; j++) {
          cs += m[(2 * k - 1) * n + j] * xd[j];
          sn += m[2 * k * n + j] * xd[j];
        }
        expect(Math.abs(cs - Math.SQRT2 * z[2 * k])).toBeLessThan(1e-14);
        expect(Math.abs(sn + Math.SQRT2 * z[2 * k + 1])).toBeLessThan(1e-14);
      }
      x.dispose();
    }
  });

  it("decode(encode(x)) is the identity with all modes; the loss is the spatial relative L2 (Parseval)", () => {
    const full = fourierModel([6, 5], [6, 5]);
    const x = new Generator(22).normal([2, 2, 6, 5], { dtype: "float64" });
    const back = full.decode(full.encode(x));
    expectClose(back, x.dataSync(), 0, 1e-14);
    const model = fourierModel([3, 3], [6, 5]);
    const y = new Generator(23).normal([2, 1, 6, 5], { dtype: "float64" });
    const perSample = model.frequencyLoss(x, y, { reduction: "none" });
    expectClose(perSample, relL2(model.forward(x), y).dataSync(), 1e-13, 0);
    dispose([x, y, back, perSample]);
    full.dispose();
    model.dispose();
  });

  it("is resolution-consistent: a band-limited periodic field gives the same kept coefficients on 8^2 and 16^2", () => {
    const model = fourierModel([5, 5], [8, 8], 12);
    const a = new Generator(24).normal([2, 5, 5], { dtype: "float64" }).dataSync();
    // frequencies |k| <= 2 per axis as cos/sin products: the same function on both grids
    const basis1 = (k: number, t: number) =>
      k === 0
        ? 1
        : k % 2 === 1
          ? Math.cos(2 * Math.PI * Math.ceil(k / 2) * t)
          : Math.sin(2 * Math.PI * (k / 2) * t);
    const field = (n: number) => {
      const v = new Float64Array(2 * n * n);
      for (let c = 0; c < 2; c++)
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            for (let k = 0; k < 5; k++)
              for (let l = 0; l < 5; l++)
                v[(c * n + i) * n + j] +=
                  a[(c * 5 + k) * 5 + l] * basis1(k, i / n) * basis1(l, j / n);
      return tensor(v, { dtype: "float64", shape: [1, 2, n, n] });
    };
    const [x8, x16] = [field(8), field(16)];
    const [e8, e16] = [model.encode(x8), model.encode(x16)];
    expectClose(e16, e8.dataSync(), 0, 1e-12);
    dispose([x8, x16, e8, e16]);
    model.dispose();
  });

  it("gradients of every parameter and the input pass a float64 finite-difference check", {
    timeout: 60_000,
  }, () => {
    const model = fourierModel([3, 2], [6, 5]);
    const x = new Generator(25).normal([2, 2, 6, 5], { dtype: "float64" });
    const names = checkModelGradients(model, x);
    expect(names).toContain("layers.1.modeWeight");
    x.dispose();
    model.dispose();
  });
});
