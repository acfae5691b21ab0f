/**
 * convF32 (@modewise/tensor/cpu-kernels: implicit im2col on the float32 sgemm) against a
 * direct float64 nested-loop convolution written here.
 *
 * Tolerance: an output sums n = (in channels per group) * (kernel volume) float32 products
 * with float32 accumulation: |error| <= gamma_n(2^-24) sum |x w| (Higham 3.1), plus the
 * float64 reference's gamma_n(2^-53) sum |x w|; `mag` is that sum of magnitudes. Inputs are
 * float32 values, so the reference's products are exact.
 */
import {
  conv2d,
  memory,
  ShapeError,
  tensor,
  tidy,
  ValueError,
  valueAndGrads,
} from "@modewise/tensor";
import { convF32 } from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";

const gamma = (n: number, u: number) => (n * u) / (1 - n * u);

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

/** out[b, o, p] = sum_{c in group(o), t} x[b, c, p s + t d - padBefore] w[o, c, t]; zero outside x. */
function direct(
  x: Float32Array,
  xShape: number[],
  w: Float32Array,
  wShape: number[],
  strides: number[],
  pads: [number, number][],
  dil: number[],
  groups: number,
): { out: Float64Array; mag: Float64Array; shape: number[] } {
  const [B, Cin, ...inSize] = xShape;
  const [Cout, Cg, ...kSize] = wShape;
  const S = inSize.length;
  const outSize = inSize.map(
    (n, i) =>
      Math.floor((n + pads[i][0] + pads[i][1] - dil[i] * (kSize[i] - 1) - 1) / strides[i]) + 1,
  );
  const prod = (a: number[]) => a.reduce((p, q) => p * q, 1);
  const outVol = prod(outSize);
  const kVol = prod(kSize);
  const inVol = prod(inSize);
  const og = Cout / groups;
  const out = new Float64Array(B * Cout * outVol);
  const mag = new Float64Array(out.length);
  const unravel = (i: number, dims: number[]) => {
    const idx = new Array<number>(dims.length);
    for (let a = dims.length - 1; a >= 0; a--) {
      idx[a] = i % dims[a];
      i = Math.floor(i / dims[a]);
    }
    return idx;
  };
  for (let b = 0; b < B; b++)
    for (let o = 0; o < Cout; o++)
      for (let p = 0; p < outVol; p++) {
        const op = unravel(p, outSize);
        let s = 0;
        let m = 0;
        for (let c = 0; c < Cg; c++) {
          const ci = Math.floor(o / og) * Cg + c;
          for (let t = 0; t < kVol; t++) {
            const tk = unravel(t, kSize);
            let off = 0;
            let inside = true;
            for (let a = 0; a < S; a++) {
              const q = op[a] * strides[a] + tk[a] * dil[a] - pads[a][0];
              if (q < 0 || q >= inSize[a]) inside = false;
              off = off * inSize[a] + q;
            }
            if (!inside) continue;
            const v = x[(b * Cin + ci) * inVol + off] * w[(o * Cg + c) * kVol + t];
            s += v;
            m += Math.abs(v);
          }
        }
        out[(b * Cout + o) * outVol + p] = s;
        mag[(b * Cout + o) * outVol + p] = m;
      }
  return { out, mag, shape: [B, Cout, ...outSize] };
}

interface Case {
  name: string;
  xShape: number[];
  wShape: number[];
  strides: number[];
  pads: [number, number][];
  dil: number[];
  groups: number;
}

const CASES: Case[] = [
  {
    name: "1d stride 2, asymmetric padding",
    xShape: [2, 3, 37],
    wShape: [5, 3, 4],
    strides: [2],
    pads: [[2, 1]],
    dil: [1],
    groups: 1,
  },
  {
    name: "2d 3x3 pad 1 (the benchmark's shape, small)",
    xShape: [2, 8, 20, 19],
    wShape: [12, 8, 3, 3],
    strides: [1, 1],
    pads: [
      [1, 1],
      [1, 1],
    ],
    dil: [1, 1],
    groups: 1,
  },
  {
    name: "2d dilation 2, groups 2, stride (2, 1)",
    xShape: [3, 4, 15, 17],
    wShape: [6, 2, 3, 2],
    strides: [2, 1],
    pads: [
      [0, 2],
      [3, 0],
    ],
    dil: [2, 2],
    groups: 2,
  },
  {
    name: "2d 1x1 no padding (x is the column matrix)",
    xShape: [2, 16, 9, 10],
    wShape: [7, 16, 1, 1],
    strides: [1, 1],
    pads: [
      [0, 0],
      [0, 0],
    ],
    dil: [1, 1],
    groups: 1,
  },
  {
    name: "2d depthwise 5x5",
    xShape: [1, 6, 12, 12],
    wShape: [6, 1, 5, 5],
    strides: [1, 1],
    pads: [
      [2, 2],
      [2, 2],
    ],
    dil: [1, 1],
    groups: 6,
  },
  {
    name: "3d 2x3x3 stride (1, 2, 2)",
    xShape: [2, 3, 5, 9, 8],
    wShape: [4, 3, 2, 3, 3],
    strides: [1, 2, 2],
    pads: [
      [1, 0],
      [1, 1],
      [0, 1],
    ],
    dil: [1, 1, 1],
    groups: 1,
  },
  {
    name: "2d K = 9 * 130 > 1000 terms",
    xShape: [1, 130, 10, 11],
    wShape: [9, 130, 3, 3],
    strides: [1, 1],
    pads: [
      [1, 1],
      [1, 1],
    ],
    dil: [1, 1],
    groups: 1,
  },
];

describe("convF32 against a direct float64 convolution", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const x = random(
        c.xShape.reduce((a, b) => a * b, 1),
        11,
      );
      const w = random(
        c.wShape.reduce((a, b) => a * b, 1),
        12,
      );
      const got = convF32(x, c.xShape, w, c.wShape, {
        strides: c.strides,
        padding: c.pads,
        dilations: c.dil,
        groups: c.groups,
      });
      const ref = direct(x, c.xShape, w, c.wShape, c.strides, c.pads, c.dil, c.groups);
      expect(got.shape).toEqual(ref.shape);
      const n = c.wShape[1] * c.wShape.slice(2).reduce((a, b) => a * b, 1);
      const g = gamma(n, 2 ** -24) + gamma(n, 2 ** -53);
      for (let i = 0; i < ref.out.length; i++) {
        const err = Math.abs(got.values[i] - ref.out[i]);
        if (!(err <= g * ref.mag[i]))
          throw new Error(
            `${c.name}: out[${i}] = ${got.values[i]}, reference ${ref.out[i]}, |err| ${err} > ${g * ref.mag[i]}`,
          );
      }
    });
  }

  it("rejects inconsistent arguments with typed errors naming convF32", () => {
    const x = new Float32Array(2 * 3 * 8);
    expect(() => convF32(x, [2, 3, 8], new Float32Array(4 * 3 * 3), [4, 3, 3, 1])).toThrow(
      ShapeError,
    );
    expect(() => convF32(x, [2, 3, 9], new Float32Array(36), [4, 3, 3])).toThrow(/convF32/);
    expect(() => convF32(x, [2, 3, 8], new Float32Array(36), [4, 3, 3], { groups: 2 })).toThrow(
      ValueError,
    );
    expect(() =>
      convF32(x, [2, 3, 8], new Float32Array(36), [4, 3, 3], { padding: [[-1, 0]] }),
    ).toThrow(ValueError);
    expect(() => convF32(x, [2, 3, 8], new Float32Array(4 * 3 * 9), [4, 3, 9])).toThrow(ShapeError);
  });
});

/**
 * Gradients of a float32 conv2d through the public API (the CPU backend's ConvBackpropInput,
 * whose unit-stride case is a forward convolution on the sgemm, and ConvBackpropFilter, the
 * transposed product on the sgemm) against float64 sums scattered here:
 *   dw[o, c, t] = sum_{b, p} dy[b, o, p] x[b, ci, p s + t d - pad],
 *   dx[b, ci, q] = sum_{o, p, t : p s + t d - pad = q} dy[b, o, p] w[o, c, t].
 * Each float32 result sums at most n terms: n = batch * outVol for dw and og * kVol for dx
 * (the flipped-filter formulation adds zero terms in the padding, which do not change the
 * bound's sum of magnitudes), so |error| <= (gamma_n(2^-24) + gamma_n(2^-53)) * sum |terms|.
 */
describe("float32 conv2d gradients (sgemm paths) against float64 sums", () => {
  const cases = [
    { name: "stride 1, pad 1, groups 2 (dX as a flipped forward conv)", stride: 1, groups: 2 },
    { name: "stride 2, pad 1 (dX through col2im)", stride: 2, groups: 1 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [B, Cin, H, W, Cout, k, pad] = [3, 4, 13, 11, 6, 3, 1];
      const Cg = Cin / c.groups;
      const og = Cout / c.groups;
      const x = random(B * Cin * H * W, 21);
      const w = random(Cout * Cg * k * k, 22);
      const oH = Math.floor((H + 2 * pad - k) / c.stride) + 1;
      const oW = Math.floor((W + 2 * pad - k) / c.stride) + 1;
      const dy = random(B * Cout * oH * oW, 23);
      const before = memory().numTensors;
      const { grads } = tidy(() => {
        const xt = tensor(x, { shape: [B, Cin, H, W], dtype: "float32" });
        const wt = tensor(w, { shape: [Cout, Cg, k, k], dtype: "float32" });
        const dyt = tensor(dy, { shape: [B, Cout, oH, oW], dtype: "float32" });
        const r = valueAndGrads((a, b) =>
          conv2d(a, b, { stride: c.stride, padding: pad, groups: c.groups }),
        )([xt, wt], dyt);
        return { grads: r.grads.map((t) => t.dataSync() as Float32Array) };
      });
      expect(memory().numTensors).toBe(before);
      const dx = new Float64Array(x.length);
      const dxMag = new Float64Array(x.length);
      const dw = new Float64Array(w.length);
      const dwMag = new Float64Array(w.length);
      for (let b = 0; b < B; b++)
        for (let o = 0; o < Cout; o++)
          for (let oh = 0; oh < oH; oh++)
            for (let ow = 0; ow < oW; ow++) {
              const g = dy[((b * Cout + o) * oH + oh) * oW + ow];
              for (let cc = 0; cc < Cg; cc++) {
                const ci = Math.floor(o / og) * Cg + cc;
                for (let kh = 0; kh < k; kh++)
                  for (let kw = 0; kw < k; kw++) {
                    const ih = oh * c.stride + kh - pad;
                    const iw = ow * c.stride + kw - pad;
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                    const xi = ((b * Cin + ci) * H + ih) * W + iw;
                    const wi = ((o * Cg + cc) * k + kh) * k + kw;
                    dw[wi] += g * x[xi];
                    dwMag[wi] += Math.abs(g * x[xi]);
                    dx[xi] += g * w[wi];
                    dxMag[xi] += Math.abs(g * w[wi]);
                  }
              }
            }
      const check = (
        got: Float32Array,
        ref: Float64Array,
        mag: Float64Array,
        n: number,
        what: string,
      ) => {
        const tol = gamma(n, 2 ** -24) + gamma(n, 2 ** -53);
        for (let i = 0; i < ref.length; i++)
          if (!(Math.abs(got[i] - ref[i]) <= tol * mag[i]))
            throw new Error(
              `${c.name} ${what}[${i}] = ${got[i]}, reference ${ref[i]}, bound ${tol * mag[i]}`,
            );
      };
      check(grads[0], dx, dxMag, og * k * k, "dx");
      check(grads[1], dw, dwMag, B * oH * oW, "dw");
    });
  }
});
