import { irfftn, rfftn } from "@modewise/fft/tensor";
import {
  channelLayerNorm,
  DriftNet,
  driftNetLoss,
  frequencyWeightedSpectralError,
  radialBands,
  SpectralCoupledBlock,
  spectralErrorWeights,
} from "@modewise/operators";
import {
  dispose,
  full,
  Generator,
  memory,
  mul,
  ShapeError,
  sub,
  tensor,
  tidy,
  ValueError,
  zerosLike,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  checkGrad,
  checkModelGradients,
  expectClose,
  smoothTask,
  trainWithAdamW,
} from "./t1-helpers.js";

/** Close the gate: the last gate layer's weights 0 and bias -1000, so alpha = sigmoid(-1000) = 0. */
function closeGate(block: SpectralCoupledBlock): void {
  block.gate.fc2.weight.assign(zerosLike(block.gate.fc2.weight.value));
  block.gate.fc2.bias!.assign(full([block.gate.numBands], -1000, { dtype: block.dtype }));
}

const f64Block = (c = 3, seed = 1) =>
  new SpectralCoupledBlock({
    channels: c,
    gateHidden: 8,
    initScale: 0.5,
    dtype: "float64",
    generator: new Generator(seed),
  });

describe("SpectralCoupledBlock", () => {
  it("the gate alpha lies in [0, 1] and is constant on each radial band", () => {
    const block = new SpectralCoupledBlock({ channels: 4, generator: new Generator(2) });
    const x = new Generator(3).normal([2, 4, 16, 16], { std: 10 });
    const { out, alpha } = block.spectralPath(x);
    expect(alpha.shape).toEqual([2, 4, 16, 9]);
    const a = alpha.dataSync();
    for (const v of a) expect(v >= 0 && v <= 1).toBe(true);
    const band = radialBands(16, 16, 6);
    const seen = new Map<number, number>();
    for (let k = 0; k < band.length; k++) {
      const prev = seen.get(band[k]);
      if (prev === undefined) seen.set(band[k], a[k]);
      else expect(a[k]).toBe(prev);
    }
    expect(seen.size).toBe(6);
    dispose([x, out, alpha]);
    block.dispose();
  });

  it("alpha = 0: the spectral path returns X_high = X - lowpass(X); with the box closed too, X", () => {
    const block = f64Block();
    closeGate(block);
    const x = new Generator(4).normal([2, 3, 8, 6], { dtype: "float64" });
    const { out, alpha } = block.spectralPath(x);
    for (const v of alpha.dataSync()) expect(v).toBe(0);
    // independent low-pass: the block's own mask applied to numpy-style rfft2 / irfft2
    const want = tidy(() => {
      const spec = rfftn(x, { axes: [2, 3], norm: "ortho" });
      const low = irfftn(mul(spec, block.lowMask(8, 6)), {
        s: [8, 6],
        axes: [2, 3],
        norm: "ortho",
      });
      return sub(x, low);
    });
    expectClose(out, want.dataSync(), 0, 1e-14);
    block.boxLogits.assign(tensor([-1000, -1000], { dtype: "float64" }));
    const closed = block.spectralPath(x);
    expectClose(closed.out, x.dataSync(), 0, 1e-14);
    dispose([x, out, alpha, want, closed]);
    block.dispose();
  });

  it("the soft box is 1 inside, 0 outside, and linear in K on the boundary mode", () => {
    const block = f64Block();
    // sigmoid(0) = 1/2: K1 = 0.5 * (8/2 + 1) = 2.5 rows of |k1|, K2 = 0.5 * 4 = 2 columns
    block.boxLogits.assign(tensor([0, 0], { dtype: "float64" }));
    const m = block.lowMask(8, 6).arraySync() as number[][];
    const rows = [1, 1, 0.5, 0, 0, 0, 0.5, 1]; // |k1| = 0,1,2,3,4,3,2,1
    const cols = [1, 1, 0, 0];
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 4; j++) expect(m[i][j]).toBeCloseTo(rows[i] * cols[j], 15);
    block.dispose();
  });

  it("channelLayerNorm normalizes over channels at every grid point (explicit loops, f64)", () => {
    const g = new Generator(21);
    const [B, C, H, W] = [2, 5, 3, 4];
    const x = g.normal([B, C, H, W], { dtype: "float64", std: 3 });
    const w = g.normal([C], { dtype: "float64" });
    const b = g.normal([C], { dtype: "float64" });
    const y = channelLayerNorm(x, w, b, 1e-5);
    const [xd, wd, bd] = [x.dataSync(), w.dataSync(), b.dataSync()];
    const want = new Float64Array(B * C * H * W);
    for (let n = 0; n < B; n++)
      for (let p = 0; p < H * W; p++) {
        let m = 0;
        for (let c = 0; c < C; c++) m += xd[(n * C + c) * H * W + p] / C;
        let v = 0;
        for (let c = 0; c < C; c++) v += (xd[(n * C + c) * H * W + p] - m) ** 2 / C;
        for (let c = 0; c < C; c++) {
          const i = (n * C + c) * H * W + p;
          want[i] = ((xd[i] - m) / Math.sqrt(v + 1e-5)) * wd[c] + bd[c];
        }
      }
    expectClose(y, want, 0, 1e-13);
    checkGrad((a, ww, bb) => channelLayerNorm(a, ww, bb, 1e-5), [x, w, b]);
    dispose([x, w, b, y]);
  });

  it("maps [b, C, h, w] to the same shape and checks its input", { timeout: 30_000 }, () => {
    const block = new SpectralCoupledBlock({ channels: 4, generator: new Generator(5) });
    const x = new Generator(6).normal([2, 4, 8, 8]);
    const y = block.forward(x);
    expect(y.shape).toEqual([2, 4, 8, 8]);
    const bad = new Generator(6).normal([2, 3, 8, 8]);
    expect(() => block.forward(bad)).toThrow(ShapeError);
    expect(() => new SpectralCoupledBlock({ channels: 0 })).toThrow(ValueError);
    dispose([x, y, bad]);
    block.dispose();
  });

  it("gradients (theta of the box, the complex mixing matrix, gate, image branch, norm) pass f64 checks", {
    timeout: 60_000,
  }, () => {
    const block = f64Block(2, 7);
    // keep K away from integers, where the ramp has kinks: theta = 0.3 -> K1 = 3 * 0.574, K2 = 3 * 0.574
    block.boxLogits.assign(tensor([0.3, 0.3], { dtype: "float64" }));
    const x = new Generator(8).normal([2, 2, 4, 4], { dtype: "float64" });
    const names = checkModelGradients(block, x);
    expect(names).toContain("boxLogits");
    expect(names).toContain("lowMix");
    expect(names).toContain("gate.fc1.weight");
    x.dispose();
    block.dispose();
  });
});

describe("DriftNet loss", () => {
  it("L1 + 0.3 x the r^1.5-weighted spectral error, against a direct DFT", () => {
    const g = new Generator(9);
    const p = g.normal([2, 1, 4, 6], { dtype: "float64" });
    const t = g.normal([2, 1, 4, 6], { dtype: "float64" });
    const pd = p.dataSync();
    const td = t.dataSync();
    const w = spectralErrorWeights(4, 6, 1.5);
    let l1 = 0;
    for (let i = 0; i < pd.length; i++) l1 += Math.abs(pd[i] - td[i]);
    l1 /= pd.length;
    let spec = 0;
    for (let b = 0; b < 2; b++)
      for (let k1 = 0; k1 < 4; k1++)
        for (let k2 = 0; k2 < 4; k2++) {
          let re = 0;
          let im = 0;
          for (let i = 0; i < 4; i++)
            for (let j = 0; j < 6; j++) {
              const e = pd[b * 24 + i * 6 + j] - td[b * 24 + i * 6 + j];
              const th = -2 * Math.PI * ((k1 * i) / 4 + (k2 * j) / 6);
              re += (e * Math.cos(th)) / 24;
              im += (e * Math.sin(th)) / 24;
            }
          spec += w[k1 * 4 + k2] * (re * re + im * im);
        }
    spec /= 2 * 4 * 4;
    // weights: fy = |fftfreq(4)| / max = [0, .5, 1, .5], fx = rfftfreq(6) / max = [0, 1/3, 2/3, 1]
    expect(w[0]).toBe(0);
    expect(w[2 * 4 + 3]).toBeCloseTo(1, 15);
    expect(w[1 * 4 + 0]).toBeCloseTo((0.5 / Math.SQRT2) ** 1.5, 15);
    const got = driftNetLoss(p, t);
    expect(got.item()).toBeCloseTo(l1 + 0.3 * spec, 13);
    const s = frequencyWeightedSpectralError(p, t);
    expect(s.item()).toBeCloseTo(spec, 14);
    checkGrad((a) => driftNetLoss(a, t), [p]);
    expect(() => driftNetLoss(p, g.normal([2, 1, 4, 4], { dtype: "float64" }))).toThrow(ShapeError);
    dispose([p, t, got, s]);
  });
});

describe("DriftNet", () => {
  it("maps [b, 1, 32, 32] to [b, 1, 32, 32] without leaking, any level count", {
    timeout: 30_000,
  }, () => {
    const before = memory().numTensors;
    for (const levels of [0, 1, 2]) {
      const model = new DriftNet({
        inChannels: 1,
        outChannels: 1,
        width: 8,
        levels,
        generator: new Generator(0),
      });
      const x = new Generator(1).normal([2, 1, 32, 32]);
      const y = model.forward(x);
      expect(y.shape).toEqual([2, 1, 32, 32]);
      dispose([x, y]);
      model.dispose();
    }
    expect(memory().numTensors).toBe(before);
    const model = new DriftNet({ inChannels: 1, outChannels: 1, levels: 2 });
    const odd = new Generator(1).normal([1, 1, 30, 30]);
    expect(() => model.forward(odd)).toThrow(/divisible/);
    odd.dispose();
    model.dispose();
  });

  it("patches and learnResidual: shapes, and x + the same network's output", () => {
    const opts = {
      inChannels: 1,
      outChannels: 1,
      width: 4,
      levels: 1,
      patchSize: 2,
      dtype: "float64" as const,
    };
    const plain = new DriftNet({ ...opts, generator: new Generator(4) });
    const res = new DriftNet({ ...opts, learnResidual: true, generator: new Generator(4) });
    const x = new Generator(5).normal([2, 1, 8, 8], { dtype: "float64" });
    const [a, b] = [plain.forward(x), res.forward(x)];
    expect(a.shape).toEqual([2, 1, 8, 8]);
    expectClose(
      b,
      Array.from(a.dataSync(), (v, i) => v + x.dataSync()[i]),
      0,
      1e-15,
    );
    expect(() => new DriftNet({ ...opts, outChannels: 2, learnResidual: true })).toThrow(
      ValueError,
    );
    const odd = new Generator(1).normal([1, 1, 6, 6], { dtype: "float64" });
    expect(() => plain.forward(odd)).toThrow(/patchSize \* 2\^levels = 4/);
    dispose([x, a, b, odd]);
    plain.dispose();
    res.dispose();
  });

  it("model gradients pass an f64 finite-difference check (one level)", { timeout: 60_000 }, () => {
    const model = new DriftNet({
      inChannels: 1,
      outChannels: 1,
      width: 2,
      levels: 1,
      gateHidden: 4,
      dtype: "float64",
      generator: new Generator(3),
    });
    const x = new Generator(4).normal([1, 1, 4, 4], { dtype: "float64" });
    // theta sits at 0.25: K = sigmoid(0.25) * n is not an integer for n = 3, 2 (no kinks)
    checkModelGradients(model, x);
    x.dispose();
    model.dispose();
  });

  it("trains: AdamW lowers the DRIFT-Net loss on a smooth task", { timeout: 30_000 }, () => {
    const { x, y } = smoothTask(8, 16, 1);
    const model = new DriftNet({
      inChannels: 1,
      outChannels: 1,
      width: 8,
      levels: 1,
      generator: new Generator(2),
    });
    const { losses, leaked } = trainWithAdamW(model, () => driftNetLoss(model.forward(x), y), {
      lr: 3e-3,
      steps: 30,
    });
    expect(leaked).toBe(0);
    expect(Math.min(...losses.slice(-5))).toBeLessThan(0.5 * losses[0]);
    dispose([x, y]);
    model.dispose();
  });
});
