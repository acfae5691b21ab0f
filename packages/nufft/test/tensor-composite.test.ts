/**
 * The composite NUFFT (src/tensor-composite/: weights and indices as tensor ops of the points,
 * gather / scatterAdd on the flattened fine grid, @modewise/fft/tensor's fftn, deconvolution
 * by the plan's own 1/psihat) on the CPU backend, forced with `path: "composite"`:
 *   - values against direct f64 sums (test/tensor-helpers.ts) in 1-3 D, types 1 and 2, at
 *     eps 1e-3, 1e-6, 1e-9, float64 and float32, both signs and mode orders, a batch axis;
 *   - gradients w.r.t. the data and the points by central finite differences in f64;
 *   - live tensor count back to its baseline; dispatch (the native kernel is not called on the
 *     composite path, auto picks the composite on a backend without the native kernel).
 *
 * Tolerances. f64: FINUFFT's contract, relative L2 error <= 4 eps vs the exact sum (the direct
 * sums are exact to ~1e-15). f32: the request is clamped to the f32 floor (EPS_FLOOR.f32 = 1e-6,
 * es-kernel.ts), and the composite computes the grid coordinate G = (x + pi) n / 2 pi of each
 * point in f32 as FINUFFT's single precision does: about 4 roundings of magnitude <= 2 pi (the
 * test points lie in [-2 pi, 2 pi) to exercise the fold) shift x by up to 8 pi u (u = 2^-24),
 * turning each term's phase by up to sum_a |k_a| 8 pi u <= sum_a (N_a / 2) 8 pi u; so
 *   f32 tol = 4 max(eps, 1e-6) + 8 pi u sum_a N_a / 2.
 */
import { nufft1, nufft2 } from "@modewise/nufft/tensor";
import {
  conj,
  getBackend,
  gradientsOf,
  memory,
  mul,
  readSync,
  real,
  registerBackend,
  registerKernel,
  setBackend,
  sum,
  type Tensor,
  tensor,
  ValueError,
  writeOutput,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "../../tensor/test/helpers.js";
import { directType1, directType2, relL2, uniform } from "./tensor-helpers.js";

type Precision = "f64" | "f32";

/** Unnormalized DFT with exponent sign `sign` along `axis` of interleaved complex data. */
function naiveDFTAlong(v: Float64Array, shape: readonly number[], axis: number, sign: number) {
  const n = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = v.length / (2 * n * inner);
  const out = new Float64Array(v.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++)
      for (let k = 0; k < n; k++) {
        let re = 0;
        let im = 0;
        for (let l = 0; l < n; l++) {
          const q = 2 * ((o * n + l) * inner + i);
          const t = (sign * 2 * Math.PI * ((k * l) % n)) / n;
          re += v[q] * Math.cos(t) - v[q + 1] * Math.sin(t);
          im += v[q] * Math.sin(t) + v[q + 1] * Math.cos(t);
        }
        const q = 2 * ((o * n + k) * inner + i);
        out[q] = re;
        out[q + 1] = im;
      }
  return out;
}

/** d rows of M coordinates in [-2 pi, 2 pi), rounded to f32 for f32 (what the op sees). */
function points(d: number, m: number, seed: number, precision: Precision): number[][] {
  return Array.from({ length: d }, (_, a) => {
    const row = uniform(m, seed + a).map((u) => Math.PI * (4 * u - 2));
    return precision === "f32" ? Array.from(Float32Array.from(row)) : row;
  });
}

function complexValues(n: number, seed: number, precision: Precision): Float64Array {
  const v = Float64Array.from(uniform(2 * n, seed), (u) => 2 * u - 1);
  return precision === "f32" ? Float64Array.from(Float32Array.from(v)) : v;
}

const pointsTensor = (p: number[][], precision: Precision): Tensor =>
  tensor(precision === "f32" ? Float32Array.from(p.flat()) : Float64Array.from(p.flat()), {
    dtype: precision === "f32" ? "float32" : "float64",
    shape: [p.length, p[0].length],
  });

const complexTensor = (v: Float64Array, shape: number[], precision: Precision): Tensor =>
  tensor(precision === "f32" ? Float32Array.from(v) : v, {
    dtype: precision === "f32" ? "complex64" : "complex128",
    shape,
  });

function tolerance(eps: number, precision: Precision, nModes: number[]): number {
  if (precision === "f64") return 4 * eps;
  const halfModes = nModes.reduce((s, n) => s + n / 2, 0);
  return 4 * Math.max(eps, 1e-6) + 8 * Math.PI * 2 ** -24 * halfModes;
}

describe("composite nufft1 / nufft2 vs direct sums", () => {
  const SHAPES = [
    { nModes: [33], m: 120 },
    { nModes: [12, 9], m: 100 },
    { nModes: [6, 5, 7], m: 80 },
  ];
  for (const { nModes, m } of SHAPES) {
    for (const precision of ["f64", "f32"] as const) {
      it(`${nModes.length}-D ${nModes.join("x")}, M = ${m}, ${precision}, eps 1e-3 / 1e-6 / 1e-9`, () => {
        const d = nModes.length;
        const p = points(d, m, 10 * d, precision);
        const x = pointsTensor(p, precision);
        const cells = nModes.reduce((a, b) => a * b, 1);
        const c = complexValues(m, 3, precision);
        const f = complexValues(cells, 4, precision);
        const ref1 = directType1(p, c, nModes, 1);
        const ref2 = directType2(p, f, nModes, -1, "fft");
        for (const eps of [1e-3, 1e-6, 1e-9]) {
          const tol = tolerance(eps, precision, nModes);
          const y1 = nufft1(x, complexTensor(c, [m], precision), nModes, {
            eps,
            path: "composite",
          });
          expect(y1.dtype).toBe(precision === "f32" ? "complex64" : "complex128");
          expect(y1.shape).toEqual(nModes);
          expect(relL2(y1.dataSync(), ref1)).toBeLessThan(tol);
          const y2 = nufft2(x, complexTensor(f, nModes, precision), {
            eps,
            modeOrder: "fft",
            path: "composite",
          });
          expect(y2.shape).toEqual([m]);
          expect(relL2(y2.dataSync(), ref2)).toBeLessThan(tol);
        }
      });
    }
  }

  it("batch axis, isign -1 / +1, upsampfac 1.25, and agreement with the native kernels", () => {
    const nModes = [10, 7];
    const m = 60;
    const p = points(2, m, 40, "f64");
    const x = pointsTensor(p, "f64");
    const c = complexValues(2 * m, 41, "f64");
    const f = complexValues(2 * 70, 42, "f64");
    const opts = { eps: 1e-6, upsampfac: 1.25 as const };
    const y1 = nufft1(x, complexTensor(c, [2, m], "f64"), nModes, {
      ...opts,
      isign: -1,
      path: "composite",
    });
    expect(y1.shape).toEqual([2, 10, 7]);
    expect(relL2(y1.dataSync(), directType1(p, c, nModes, -1))).toBeLessThan(4e-6);
    const y2 = nufft2(x, complexTensor(f, [2, ...nModes], "f64"), {
      ...opts,
      isign: 1,
      path: "composite",
    });
    expect(y2.shape).toEqual([2, m]);
    const ref2 = directType2(p, f, nModes, 1);
    expect(relL2(y2.dataSync(), ref2)).toBeLessThan(4e-6);
    // Native and composite each within 4 eps of the exact sum: within 8 eps of each other.
    const n2 = nufft2(x, complexTensor(f, [2, ...nModes], "f64"), { ...opts, isign: 1 });
    expect(relL2(y2.dataSync(), n2.dataSync())).toBeLessThan(8e-6);
  });

  it("no points: type 1 gives zeros, type 2 an empty result", () => {
    const x = tensor(new Float64Array(0), { shape: [2, 0] });
    const f = nufft1(x, tensor(new Float64Array(0), { dtype: "complex128", shape: [0] }), [4, 3], {
      path: "composite",
    });
    expect(f.shape).toEqual([4, 3]);
    expect(Array.from(f.dataSync()).every((v) => v === 0)).toBe(true);
    const c = nufft2(x, complexTensor(complexValues(12, 5, "f64"), [4, 3], "f64"), {
      path: "composite",
    });
    expect(c.shape).toEqual([0]);
  });

  it("refuses an unknown path with a typed error", () => {
    const x = pointsTensor(points(1, 4, 1, "f64"), "f64");
    const c = complexTensor(complexValues(4, 2, "f64"), [4], "f64");
    expect(() => nufft1(x, c, [8], { path: "gpu" as "native" })).toThrow(ValueError);
  });
});

describe("composite gradients (f64 finite differences)", () => {
  // eps = 1e-12 as in tensor-grad.test.ts: at a coarse eps the footprint's jumps (a point
  // crossing a grid line moves its w-point window; the dropped weight is ~eps) divided by the
  // step h = 1e-6 would swamp the check; at 1e-12 they are ~1e-6 relative at worst.
  const EPS = 1e-12;
  const pts = (d: number, m: number, seed: number): Tensor =>
    pointsTensor(points(d, m, seed, "f64"), "f64");
  const CASES = [
    { nModes: [7], m: 5, batch: [2] },
    { nModes: [4, 5], m: 4, batch: [] as number[] },
    { nModes: [3, 4, 3], m: 3, batch: [] as number[] },
  ];
  for (const { nModes, m, batch } of CASES) {
    it(`${nModes.length}-D ${nModes.join("x")}: nufft1 and nufft2 w.r.t. data and points`, () => {
      const x = pts(nModes.length, m, 50 + nModes.length);
      checkGrad(
        (xx, cc) => nufft1(xx, cc, nModes, { eps: EPS, path: "composite" }),
        [x, randomTensor([...batch, m], "complex128", 3)],
      );
      checkGrad(
        (xx, ff) => nufft2(xx, ff, { eps: EPS, isign: 1, modeOrder: "fft", path: "composite" }),
        [x, randomTensor([...batch, ...nModes], "complex128", 4)],
      );
    });
  }
});

describe("composite gradients at the kernel's edge", () => {
  it("a point on a grid line with an even width (z = -1 exactly) gets a finite gradient", () => {
    // eps 1e-5 gives w = 6 (kernelParams): x = 0 sits at G = nf / 2, so G - w/2 is an integer
    // and the first footprint entry has z = -1, where d sqrt(1 - z^2)/dz is infinite.
    const x = tensor([0, 1.3, -2.1], { dtype: "float64", shape: [1, 3] });
    const c = complexTensor(complexValues(3, 80, "f64"), [3], "f64");
    const { grads } = gradientsOf(() => {
      const f = nufft1(x, c, [10], { eps: 1e-5, path: "composite" });
      return sum(real(mul(conj(f), f)));
    }, [x, c]);
    for (const g of grads) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  });
});

describe("composite bookkeeping and dispatch", () => {
  it("returns the live tensor count to its baseline (forward and gradient)", () => {
    const x = pointsTensor(points(2, 30, 60, "f64"), "f64");
    const c = complexTensor(complexValues(30, 61, "f64"), [30], "f64");
    const before = memory().numTensors;
    nufft1(x, c, [8, 6], { path: "composite" }).dispose();
    const f = nufft1(x, c, [8, 6], { path: "composite" });
    nufft2(x, f, { path: "composite" }).dispose();
    f.dispose();
    expect(memory().numTensors).toBe(before);
  });

  // Runs last in this file: it replaces the CPU "NUFFT1"/"NUFFT2" kernels with counting ones
  // (vitest isolates test files, so other files keep the real kernels).
  it("'composite' never calls the native kernel; auto uses it where registered, the composite elsewhere", () => {
    const nModes = [9];
    const m = 20;
    const p = points(1, m, 70, "f64");
    const c = complexValues(m, 71, "f64");
    const ref = directType1(p, c, nModes, 1);
    let nativeCalls = 0;
    for (const name of ["NUFFT1", "NUFFT2"])
      registerKernel(name, "cpu", ([, data], _attrs, backend) => {
        nativeCalls++;
        return writeOutput(readSync(data, backend), data.shape.slice(), data.dtype, backend);
      });
    const x = pointsTensor(p, "f64");
    const ct = complexTensor(c, [m], "f64");
    expect(relL2(nufft1(x, ct, nModes, { path: "composite" }).dataSync(), ref)).toBeLessThan(4e-6);
    nufft2(x, complexTensor(complexValues(9, 72, "f64"), nModes, "f64"), { path: "composite" });
    expect(nativeCalls).toBe(0);
    nufft1(x, ct, [m]).dispose(); // auto on cpu: the (counting) native kernel
    expect(nativeCalls).toBe(1);

    // A backend with the core kernels but no NUFFT kernels: the CPU backend under another name,
    // with a naive DFT standing in for the FFT kernel a GPU backend brings (the primitives the
    // composite needs: core ops + "FFT").
    const cpu = x.backend;
    registerBackend("cpu-without-nufft", () =>
      Object.create(cpu, { name: { value: "cpu-without-nufft" } }),
    );
    registerKernel<{ axes: number[]; sign: number; scale: number }>(
      "FFT",
      "cpu-without-nufft",
      ([t], { axes, sign, scale }, backend) => {
        let v = Float64Array.from(readSync(t, backend));
        for (const a of axes) v = naiveDFTAlong(v, t.shape, a, sign);
        return writeOutput(
          v.map((e) => e * scale),
          t.shape.slice(),
          t.dtype,
          backend,
        );
      },
    );
    const previous = getBackend();
    setBackend("cpu-without-nufft");
    try {
      const xo = pointsTensor(p, "f64");
      expect(xo.backend.name).toBe("cpu-without-nufft");
      const y = nufft1(xo, complexTensor(c, [m], "f64"), nModes);
      expect(y.backend.name).toBe("cpu-without-nufft");
      expect(relL2(y.dataSync(), ref)).toBeLessThan(4e-6);
      expect(nativeCalls).toBe(1);
      expect(() => nufft1(xo, complexTensor(c, [m], "f64"), nModes, { path: "native" })).toThrow(
        /not implemented on backend/,
      );
    } finally {
      setBackend(previous);
    }
  });
});
