/**
 * Conv / ConvBackpropInput / ConvBackpropFilter kernels vs float64 direct sums written from the
 * definition (cross-correlation, zero padding, strides, dilations, groups). Tolerance per
 * output (deterministic): gamma_T sum |terms| with T the number of terms of that output's sum
 * (u = 2^-24), as for any f32 dot product of exact f32 inputs.
 */
import { DTypeError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { convKernels } from "../src/kernels/conv.js";
import { linalgExecutor } from "../src/kernels/linalg-host.js";
import { seeded, TestHost } from "./linalg-host.js";

const U = 2 ** -24;

interface Case {
  x: number[]; // [B, Cin, ...spatial]
  w: number[]; // [Cout, Cin/groups, ...kernel]
  stride: number[];
  pad: [number, number][];
  dil: number[];
  groups: number;
}

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** All (output index, x index, w index) triples of the convolution, by direct enumeration. */
function taps(c: Case): { outShape: number[]; triples: [number, number, number][] } {
  const s = c.x.length - 2;
  const [B, Cin] = c.x;
  const Cout = c.w[0];
  const cg = Cin / c.groups;
  const og = Cout / c.groups;
  const inSp = c.x.slice(2);
  const kSp = c.w.slice(2);
  const outSp = inSp.map(
    (n, i) =>
      Math.floor((n + c.pad[i][0] + c.pad[i][1] - c.dil[i] * (kSp[i] - 1) - 1) / c.stride[i]) + 1,
  );
  const triples: [number, number, number][] = [];
  const outVol = prod(outSp);
  const kVol = prod(kSp);
  const unflat = (v: number, shape: number[]) => {
    const r: number[] = [];
    for (let i = shape.length - 1; i >= 0; i--) {
      r[i] = v % shape[i];
      v = Math.floor(v / shape[i]);
    }
    return r;
  };
  const flat = (idx: number[], shape: number[]) => idx.reduce((a, v, i) => a * shape[i] + v, 0);
  for (let b = 0; b < B; b++)
    for (let o = 0; o < Cout; o++)
      for (let p = 0; p < outVol; p++) {
        const op = unflat(p, outSp);
        const grp = Math.floor(o / og);
        for (let cl = 0; cl < cg; cl++)
          for (let k = 0; k < kVol; k++) {
            const kp = unflat(k, kSp);
            const ip = op.map((v, i) => v * c.stride[i] - c.pad[i][0] + kp[i] * c.dil[i]);
            if (ip.some((v, i) => v < 0 || v >= inSp[i])) continue;
            const xi = flat([b, grp * cg + cl, ...ip], c.x);
            const wi = flat([o, cl, ...kp], c.w);
            const yi = flat([b, o, ...op], [B, Cout, ...outSp]);
            triples.push([yi, xi, wi]);
          }
      }
  void s;
  return { outShape: [B, Cout, ...outSp], triples };
}

/** Accumulate sum over triples of u[i1] v[i2] into out[i0] in f64, with term counts and |.| sums. */
function accumulate(
  n: number,
  triples: [number, number, number][],
  pick: (t: [number, number, number]) => [number, number, number],
  u: Float32Array,
  v: Float32Array,
) {
  const want = new Float64Array(n);
  const abs = new Float64Array(n);
  const count = new Float64Array(n);
  for (const t of triples) {
    const [o, i, j] = pick(t);
    want[o] += u[i] * v[j];
    abs[o] += Math.abs(u[i] * v[j]);
    count[o]++;
  }
  return { want, abs, count };
}

function expectClose(got: Float32Array, ref: ReturnType<typeof accumulate>): void {
  expect(got.length).toBe(ref.want.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const k = Math.max(ref.count[i], 1);
    const bound = ((k * U) / (1 - k * U)) * ref.abs[i];
    worst = Math.max(worst, Math.abs(got[i] - ref.want[i]) / Math.max(bound, 1e-30));
  }
  expect(worst).toBeLessThanOrEqual(1);
}

function runCase(host: TestHost, c: Case): void {
  const attrs = { strides: c.stride, padding: c.pad, dilations: c.dil, groups: c.groups };
  const x = seeded(prod(c.x), 3 + prod(c.x));
  const w = seeded(prod(c.w), 5 + prod(c.w));
  const { outShape, triples } = taps(c);
  const dy = seeded(prod(outShape), 9 + prod(outShape));
  const y = convKernels.Conv([host.info(x, c.x), host.info(w, c.w)], attrs, host);
  expect(y.shape).toEqual(outShape);
  expectClose(
    host.values(y),
    accumulate(prod(outShape), triples, ([o, i, j]) => [o, i, j], x, w),
  );
  const dx = convKernels.ConvBackpropInput(
    [host.info(dy, outShape), host.info(w, c.w)],
    { ...attrs, inputShape: c.x },
    host,
  );
  expect(dx.shape).toEqual(c.x);
  expectClose(
    host.values(dx),
    accumulate(prod(c.x), triples, ([o, i, j]) => [i, o, j], dy, w),
  );
  const dw = convKernels.ConvBackpropFilter(
    [host.info(x, c.x), host.info(dy, outShape)],
    { ...attrs, filterShape: c.w },
    host,
  );
  expect(dw.shape).toEqual(c.w);
  expectClose(
    host.values(dw),
    accumulate(prod(c.w), triples, ([o, i, j]) => [j, i, o], x, dy),
  );
}

const CASES: Record<string, Case> = {
  "1-D stride 2, asymmetric padding, dilation 2": {
    x: [2, 3, 17],
    w: [4, 3, 3],
    stride: [2],
    pad: [[2, 1]],
    dil: [2],
    groups: 1,
  },
  "2-D k3 p1 (the FNO / CNN workhorse)": {
    x: [2, 4, 9, 8],
    w: [5, 4, 3, 3],
    stride: [1, 1],
    pad: [
      [1, 1],
      [1, 1],
    ],
    dil: [1, 1],
    groups: 1,
  },
  "2-D groups 2, stride (2, 1), dilation (1, 2)": {
    x: [1, 4, 10, 9],
    w: [6, 2, 3, 2],
    stride: [2, 1],
    pad: [
      [0, 1],
      [2, 0],
    ],
    dil: [1, 2],
    groups: 2,
  },
  "2-D depthwise (groups = Cin = Cout)": {
    x: [2, 3, 7, 7],
    w: [3, 1, 3, 3],
    stride: [1, 1],
    pad: [
      [1, 1],
      [1, 1],
    ],
    dil: [1, 1],
    groups: 3,
  },
  "2-D pointwise 1x1 (matmul fast path)": {
    x: [3, 5, 4, 6],
    w: [7, 5, 1, 1],
    stride: [1, 1],
    pad: [
      [0, 0],
      [0, 0],
    ],
    dil: [1, 1],
    groups: 1,
  },
  "1-D pointwise, batch 1 (filter gradient as one matmul)": {
    x: [1, 6, 40],
    w: [4, 6, 1],
    stride: [1],
    pad: [[0, 0]],
    dil: [1],
    groups: 1,
  },
  "3-D k2 stride 2 padding 1": {
    x: [1, 2, 5, 4, 6],
    w: [3, 2, 2, 3, 2],
    stride: [2, 1, 2],
    pad: [
      [1, 0],
      [1, 1],
      [0, 1],
    ],
    dil: [1, 1, 1],
    groups: 1,
  },
  "1-D, filter-gradient loop over B x out = 1200 terms (> 1000)": {
    x: [4, 2, 302],
    w: [2, 2, 3],
    stride: [1],
    pad: [[0, 0]],
    dil: [1],
    groups: 1,
  },
};

describe("convolution kernels (gpu.js, run on webasm)", () => {
  const host = new TestHost("linalg-test-gl", "webgl2");
  for (const [name, c] of Object.entries(CASES))
    it(name, () => {
      runCase(host, c);
      expect(linalgExecutor("ConvBackpropFilter")).toBe("gpu.js:webasm");
    });
  it("the pointwise case ran through the matmul kernel", () => {
    runCase(host, CASES["2-D pointwise 1x1 (matmul fast path)"]);
    expect(linalgExecutor("Conv")).toBe("gpu.js:webasm");
  });
});

describe("convolutions on the wasm backend route to the core's WASM SIMD conv / CPU conv (reported)", () => {
  // Every geometry on the wasm routing: forward on the CPU conv, gradients on the CPU where they
  // are forward convolutions (input gradient: unit stride, paddings <= dilation (k - 1); filter
  // gradient: one group), else gpu.js webasm.
  for (const [name, c] of Object.entries(CASES))
    it(`wasm routing: ${name}`, () => {
      const host = new TestHost("linalg-test-wasm", "webasm");
      runCase(host, c);
      const reach = c.w.slice(2).map((k, i) => c.dil[i] * (k - 1));
      const pointwise = c.w.slice(2).every((k) => k === 1) && c.groups === 1;
      const dxOnCpu =
        pointwise ||
        (c.stride.every((st) => st === 1) &&
          c.pad.every(([b, a], i) => b <= reach[i] && a <= reach[i]));
      expect(linalgExecutor("Conv")).toBe("wasm-gemm");
      expect(linalgExecutor("ConvBackpropInput")).toBe(
        pointwise ? "wasm-gemm" : dxOnCpu ? "cpu-kernel" : "gpu.js:webasm",
      );
      expect(linalgExecutor("ConvBackpropFilter")).toBe(
        pointwise ? "wasm-gemm" : c.groups === 1 ? "cpu-kernel" : "gpu.js:webasm",
      );
    });

  it("1x1 convolutions and both their gradients run on the WASM SIMD sgemm (wasm-gemm)", () => {
    const host = new TestHost("linalg-test-wasm", "webasm");
    for (const name of [
      "2-D pointwise 1x1 (matmul fast path)",
      "1-D pointwise, batch 1 (filter gradient as one matmul)",
    ]) {
      runCase(host, CASES[name]);
      for (const op of ["Conv", "ConvBackpropInput", "ConvBackpropFilter"])
        expect(linalgExecutor(op)).toBe("wasm-gemm");
    }
  });
});

describe("convolution kernels refuse every non-float32 operand", () => {
  // A complex64 operand would be read as interleaved floats: a wrong result, never an error,
  // unless each kernel checks BOTH of its inputs (the gradients once checked only the first).
  const attrs = {
    strides: [1],
    padding: [[1, 1]] as [number, number][],
    dilations: [1],
    groups: 1,
  };
  for (const mode of ["webasm", "webgl2"] as const)
    it(`on ${mode}: Conv, ConvBackpropInput and ConvBackpropFilter throw DTypeError naming the argument`, () => {
      const host = new TestHost(`linalg-test-dtype-${mode}`, mode);
      const f32 = (shape: number[]) => ({
        dataId: host.write(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, "float32"),
        shape,
        dtype: "float32" as const,
      });
      const c64 = (shape: number[]) => ({
        dataId: host.write(
          new Float32Array(2 * shape.reduce((a, b) => a * b, 1)),
          shape,
          "complex64",
        ),
        shape,
        dtype: "complex64" as const,
      });
      const x = [1, 2, 5];
      const w = [3, 2, 3];
      const y = [1, 3, 5];
      expect(() => convKernels.Conv([f32(x), c64(w)], attrs, host)).toThrow(DTypeError);
      expect(() =>
        convKernels.ConvBackpropInput([f32(y), c64(w)], { ...attrs, inputShape: x }, host),
      ).toThrow(/conv \(input gradient\): argument 'w'/);
      expect(() =>
        convKernels.ConvBackpropFilter([f32(x), c64(y)], { ...attrs, filterShape: w }, host),
      ).toThrow(/conv \(filter gradient\): argument 'dy'/);
    });
});
