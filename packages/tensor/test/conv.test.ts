/**
 * conv1d/2d/3d against (1) PyTorch (fixtures/linalg.json: values and gradients) and (2) a direct
 * nested-loop float64 convolution written here, independent of the kernel's im2col + gemm.
 * Finite-difference gradient checks cover stride, dilation, groups, padding pairs, 'same' and bias.
 *
 * Tolerance: an output element sums n = (in channels per group) * (kernel volume) products
 * (+ the bias), so two correctly rounded float64 evaluations differ by at most
 * 2 gamma_{n+1} sum |x w| (+ |b|) with gamma_n = n 2^-53 / (1 - n 2^-53) (Higham eq. 3.5);
 * `mag` below is that sum of magnitudes, computed alongside the reference.
 */
import {
  type ConvOptions,
  conv1d,
  conv2d,
  conv3d,
  DTypeError,
  ShapeError,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  valueAndGrads,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  type ConvCase,
  decode,
  expectWithinBound,
  FIXTURES,
  pairBound,
} from "./fixtures/fixtures.js";
import { checkGrad, randomTensor } from "./helpers.js";

const CONV = { 1: conv1d, 2: conv2d, 3: conv3d } as const;

/**
 * Direct definition: out[b, o, p] = bias[o] + sum_{c in group(o), t} x[b, c, p * s + t * d - padBefore] w[o, c, t]
 * over every output position p and kernel tap t (N-d index vectors, zero outside x).
 */
function convDirect(
  x: Float64Array,
  xShape: number[],
  w: Float64Array,
  wShape: number[],
  strides: number[],
  pads: [number, number][],
  dilations: number[],
  groups: number,
  bias?: Float64Array,
): { out: Float64Array; shape: number[]; mag: Float64Array } {
  const [B, Cin, ...inSize] = xShape;
  const [Cout, Cg, ...kSize] = wShape;
  const S = inSize.length;
  const outSize = inSize.map(
    (n, i) =>
      Math.floor((n + pads[i][0] + pads[i][1] - dilations[i] * (kSize[i] - 1) - 1) / strides[i]) +
      1,
  );
  const og = Cout / groups;
  const prod = (a: number[]) => a.reduce((p, q) => p * q, 1);
  const outVol = prod(outSize);
  const kVol = prod(kSize);
  const inVol = prod(inSize);
  const out = new Float64Array(B * Cout * outVol);
  const mag = new Float64Array(B * Cout * outVol);
  const unravel = (flat: number, dims: number[]) => {
    const idx = new Array<number>(dims.length);
    for (let i = dims.length - 1; i >= 0; i--) {
      idx[i] = flat % dims[i];
      flat = Math.floor(flat / dims[i]);
    }
    return idx;
  };
  for (let b = 0; b < B; b++)
    for (let o = 0; o < Cout; o++) {
      const g = Math.floor(o / og);
      for (let p = 0; p < outVol; p++) {
        const pos = unravel(p, outSize);
        let acc = bias ? bias[o] : 0;
        let m = bias ? Math.abs(bias[o]) : 0;
        for (let c = 0; c < Cg; c++) {
          const cin = g * Cg + c;
          for (let t = 0; t < kVol; t++) {
            const tap = unravel(t, kSize);
            let inside = true;
            let flat = 0;
            for (let i = 0; i < S; i++) {
              const q = pos[i] * strides[i] + tap[i] * dilations[i] - pads[i][0];
              if (q < 0 || q >= inSize[i]) inside = false;
              flat = flat * inSize[i] + q;
            }
            if (!inside) continue;
            const xv = x[(b * Cin + cin) * inVol + flat];
            const wv = w[(o * Cg + c) * kVol + t];
            acc += xv * wv;
            m += Math.abs(xv * wv);
          }
        }
        out[(b * Cout + o) * outVol + p] = acc;
        mag[(b * Cout + o) * outVol + p] = m;
      }
    }
  return { out, shape: [B, Cout, ...outSize], mag };
}

function optionsOf(c: ConvCase, xs: Tensor[]): ConvOptions {
  const o = c.options;
  return {
    stride: o.stride,
    padding: o.padding as ConvOptions["padding"],
    dilation: o.dilation,
    groups: o.groups,
    ...(xs.length > 2 ? { bias: xs[2] } : {}),
  };
}

function convOf(c: ConvCase) {
  const spatial = (c.inputs[0].shape.length - 2) as 1 | 2 | 3;
  return (x: Tensor, w: Tensor, b?: Tensor) =>
    CONV[spatial](x, w, optionsOf(c, b ? [x, w, b] : [x, w]));
}

describe("conv against PyTorch (float64)", () => {
  it.each(FIXTURES.conv.map((c) => [c.name, c] as const))("%s", (_name, c: ConvCase) => {
    tidy(() => {
      const xs = c.inputs.map(decode);
      const f = convOf(c);
      expectWithinBound(
        f(...(xs as [Tensor, Tensor])),
        c.out,
        c.mag,
        pairBound(c.terms, 2, false),
        `${c.name} value`,
      );
      if (c.grads.length === 0) return;
      // Gradient of sum(C * conv(x, w) + b): seeding the backward pass with dy = C.
      const { grads } = valueAndGrads(f)(xs, decode(c.cotangent));
      c.grads.forEach((ref, i) => {
        const bound = pairBound(ref.terms, 2, false);
        expectWithinBound(grads[i], ref.value, ref.mag, bound, `${c.name} grad ${i}`);
      });
    });
  });
});

describe("conv against a direct nested-loop float64 convolution", () => {
  it.each(FIXTURES.conv.map((c) => [c.name, c] as const))("%s", (_name, c: ConvCase) => {
    tidy(() => {
      const xs = c.inputs.map(decode);
      const spatial = c.inputs[0].shape.length - 2;
      const per = (v: number | number[]) =>
        typeof v === "number" ? new Array(spatial).fill(v) : v;
      const ref = convDirect(
        Float64Array.from(c.inputs[0].data),
        c.inputs[0].shape,
        Float64Array.from(c.inputs[1].data),
        c.inputs[1].shape,
        per(c.options.stride),
        c.paddingPairs,
        per(c.options.dilation),
        c.options.groups,
        c.inputs[2] ? Float64Array.from(c.inputs[2].data) : undefined,
      );
      const got = convOf(c)(...(xs as [Tensor, Tensor]));
      // The direct loop is checked against PyTorch too, so all three agree.
      expect(ref.shape).toEqual(c.out.shape);
      const encoded = { shape: ref.shape, dtype: "float64" as const, data: Array.from(ref.out) };
      expectWithinBound(
        got,
        encoded,
        Array.from(ref.mag),
        pairBound(c.terms, 2, false),
        `${c.name} vs direct`,
      );
      expectWithinBound(
        decode(encoded),
        c.out,
        Array.from(ref.mag),
        pairBound(c.terms, 2, false),
        `${c.name} direct vs torch`,
      );
    });
  });

  it("float32 conv2d with stride, dilation and groups is within gamma_{n+1}(2^-24) sum |x w| of the float64 direct result", () => {
    tidy(() => {
      const x = randomTensor([2, 4, 9, 8], "float32", 5);
      const w = randomTensor([6, 2, 3, 2], "float32", 6);
      const opts = {
        stride: [2, 1],
        padding: [
          [1, 2],
          [0, 1],
        ] as [number, number][],
        dilation: [1, 2],
        groups: 2,
      };
      const got = conv2d(x, w, opts);
      expect(got.dtype).toBe("float32");
      const ref = convDirect(
        Float64Array.from(x.dataSync()),
        [2, 4, 9, 8],
        Float64Array.from(w.dataSync()),
        [6, 2, 3, 2],
        [2, 1],
        opts.padding,
        [1, 2],
        2,
      );
      expect(got.shape).toEqual(ref.shape);
      const n = 2 * 3 * 2;
      const u = 2 ** -24;
      const g = got.dataSync();
      for (let i = 0; i < g.length; i++) {
        const tol = (((n + 1) * u) / (1 - (n + 1) * u)) * ref.mag[i];
        if (!(Math.abs(g[i] - ref.out[i]) <= tol))
          throw new Error(`element ${i}: ${g[i]} vs ${ref.out[i]}`);
      }
    });
  });
});

describe("conv gradients: finite differences in float64", () => {
  it.each(FIXTURES.conv.filter((c) => c.grads.length > 0).map((c) => [c.name, c] as const))(
    "%s",
    (_name, c: ConvCase) => {
      tidy(() => {
        const f = convOf(c);
        checkGrad((x, w, b) => f(x, w, b), c.inputs.map(decode));
      });
    },
  );
});

describe("conv options", () => {
  it("'same' keeps the size at stride 1 (odd and even dilated kernels) and gives ceil(n / stride) otherwise", () => {
    tidy(() => {
      const x = randomTensor([1, 1, 11, 10], "float64", 1);
      for (const k of [1, 2, 3, 4]) {
        for (const d of [1, 2]) {
          const w = randomTensor([1, 1, k, k], "float64", 2);
          expect(conv2d(x, w, { padding: "same", dilation: d }).shape).toEqual([1, 1, 11, 10]);
        }
        const w = randomTensor([1, 1, k, k], "float64", 2);
        expect(conv2d(x, w, { padding: "same", stride: 3 }).shape).toEqual([1, 1, 4, 4]);
      }
    });
  });

  it("padding as a number, per-axis numbers and [before, after] pairs agree when they mean the same", () => {
    tidy(() => {
      const x = randomTensor([1, 2, 6, 5], "float64", 3);
      const w = randomTensor([3, 2, 3, 3], "float64", 4);
      const a = conv2d(x, w, { padding: 1 }).dataSync();
      expect(Array.from(conv2d(x, w, { padding: [1, 1] }).dataSync())).toEqual(Array.from(a));
      expect(
        Array.from(
          conv2d(x, w, {
            padding: [
              [1, 1],
              [1, 1],
            ],
          }).dataSync(),
        ),
      ).toEqual(Array.from(a));
      expect(Array.from(conv2d(x, w, { padding: "valid" }).dataSync())).toEqual(
        Array.from(conv2d(x, w).dataSync()),
      );
    });
  });

  it("a 1x1 kernel is a channel-mixing matmul; groups = channels with one filter each is depthwise", () => {
    tidy(() => {
      const x = tensor(
        [
          [
            [1, 2],
            [3, 4],
          ],
        ],
        { dtype: "float64" },
      ); // [1, 2, 2]
      const w = tensor([[[10], [1]]], { dtype: "float64" }); // [1, 2, 1]
      expect(conv1d(x, w).arraySync()).toEqual([[[13, 24]]]);
      const dw = tensor([[[2]], [[-1]]], { dtype: "float64" }); // [2, 1, 1]
      expect(conv1d(x, dw, { groups: 2 }).arraySync()).toEqual([
        [
          [2, 4],
          [-3, -4],
        ],
      ]);
      expect(conv1d(x, dw, { groups: 2, bias: [0.5, 1] }).arraySync()).toEqual([
        [
          [2.5, 4.5],
          [-2, -3],
        ],
      ]);
    });
  });

  it("0 * Inf in the sum gives NaN, in the forward pass and in both gradients (as PyTorch)", () => {
    tidy(() => {
      const x = tensor([[[1, Number.POSITIVE_INFINITY, 2]]], { dtype: "float64" });
      const w = tensor([[[0, 1]]], { dtype: "float64" });
      // out[0] = 0 * 1 + 1 * Inf = Inf; out[1] = 0 * Inf + 1 * 2 = NaN.
      expect(Array.from(conv1d(x, w).dataSync())).toEqual([Number.POSITIVE_INFINITY, Number.NaN]);
      const g = valueAndGrads((a, b) => conv1d(a, b))(
        [tensor([[[1, 2, 3]]], { dtype: "float64" }), w],
        tensor([[[Number.POSITIVE_INFINITY, 0]]], { dtype: "float64" }),
      );
      // dx[0] = dy[0] w[0] = Inf * 0 = NaN; dw[1] = dy[0] x[1] + dy[1] x[2] = Inf.
      expect(Number.isNaN(g.grads[0].dataSync()[0])).toBe(true);
      expect(Array.from(g.grads[1].dataSync())).toEqual([
        Number.POSITIVE_INFINITY,
        Number.POSITIVE_INFINITY,
      ]);
    });
  });

  it("typed errors name the argument, the expectation and what was received", () => {
    tidy(() => {
      const x = randomTensor([1, 4, 5], "float64", 1);
      const w = randomTensor([2, 4, 3], "float64", 2);
      const grab = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          return e as ShapeError;
        }
        throw new Error("expected an error");
      };
      let e = grab(() => conv1d(x, randomTensor([2, 3, 3], "float64", 2)));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("weight");
      expect(e.expected).toMatch(/\[out, 4, \.\.\.kernel\]/);
      expect(e.received).toBe("[2, 3, 3]");
      e = grab(() => conv2d(x, w));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("x");
      expect(e.expected).toMatch(/rank 4/);
      e = grab(() => conv1d(x, w, { groups: 3 }));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("groups");
      e = grab(() => conv1d(x, w, { stride: 0 }));
      expect(e.argument).toBe("stride");
      e = grab(() => conv1d(x, w, { dilation: [1, 1] }));
      expect(e.argument).toBe("dilation");
      e = grab(() => conv1d(x, w, { padding: [[1, -1]] }));
      expect(e.argument).toBe("padding");
      e = grab(() => conv1d(x, w, { bias: [1, 2, 3] }));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("bias");
      expect(e.expected).toBe("shape [2]");
      e = grab(() => conv1d(x, randomTensor([2, 4, 7], "float64", 2)));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.expected).toMatch(/dilated kernel \(7\)/);
      e = grab(() => conv1d(randomTensor([1, 4, 5], "complex128", 1), w));
      expect(e).toBeInstanceOf(DTypeError);
    });
  });
});
