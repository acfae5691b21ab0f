/**
 * @modewise/nufft/tensor forward values against direct f64 sums (test/tensor-helpers.ts), in
 * 1-D, 2-D and 3-D, with a batch axis, both signs, both mode orders, float32, real inputs, and
 * the typed errors for bad arguments.
 *
 * Tolerance: the NUFFT contract (types.ts, FINUFFT) is a relative L2 error <= 4 eps vs the
 * exact sum; the direct sums here are exact to ~1e-15 relative (M <= 300 terms of O(1) with
 * correctly rounded sin/cos), far below every eps tested.
 */
import { clearNufftPlanCache, nufft1, nufft2 } from "@modewise/nufft/tensor";
import { DTypeError, ShapeError, type Tensor, tensor, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { directType1, directType2, relL2, uniform } from "./tensor-helpers.js";

function points(d: number, m: number, seed: number): number[][] {
  return Array.from({ length: d }, (_, a) =>
    uniform(m, seed + a).map((u) => Math.PI * (2 * u - 1)),
  );
}
const pointsTensor = (p: number[][]): Tensor =>
  tensor(Float64Array.from(p.flat()), { shape: [p.length, p[0].length] });
const complexValues = (n: number, seed: number): Float64Array =>
  Float64Array.from(uniform(2 * n, seed), (u) => 2 * u - 1);

describe("nufft1 / nufft2 values vs the direct sum", () => {
  const CASES = [
    { nModes: [33], m: 200 },
    { nModes: [12, 9], m: 150 },
    { nModes: [6, 5, 7], m: 120 },
  ];
  for (const { nModes, m } of CASES) {
    for (const eps of [1e-6, 1e-12]) {
      it(`${nModes.length}-D ${nModes.join("x")}, M = ${m}, batch 2, eps ${eps}`, () => {
        const p = points(nModes.length, m, nModes.length);
        const x = pointsTensor(p);
        const cells = nModes.reduce((a, b) => a * b, 1);
        const c = complexValues(2 * m, 1);
        const f1 = nufft1(x, tensor(c, { dtype: "complex128", shape: [2, m] }), nModes, { eps });
        expect(f1.shape).toEqual([2, ...nModes]);
        expect(f1.dtype).toBe("complex128");
        expect(relL2(f1.dataSync(), directType1(p, c, nModes, 1))).toBeLessThan(4 * eps);
        const f = complexValues(2 * cells, 2);
        const c2 = nufft2(x, tensor(f, { dtype: "complex128", shape: [2, ...nModes] }), { eps });
        expect(c2.shape).toEqual([2, m]);
        expect(relL2(c2.dataSync(), directType2(p, f, nModes, -1))).toBeLessThan(4 * eps);
      });
    }
  }

  it("isign and modeOrder options; 1-D points as a rank-1 tensor; points outside [-pi, pi)", () => {
    const m = 60;
    const p = points(2, m, 9);
    const shifted = p.map((row, a) => row.map((v, j) => v + 2 * Math.PI * (((j + a) % 3) - 1)));
    const c = complexValues(m, 3);
    for (const isign of [1, -1] as const) {
      for (const modeOrder of ["cmcl", "fft"] as const) {
        const f = nufft1(pointsTensor(shifted), tensor(c, { dtype: "complex128" }), [8, 7], {
          eps: 1e-10,
          isign,
          modeOrder,
        });
        expect(relL2(f.dataSync(), directType1(p, c, [8, 7], isign, modeOrder))).toBeLessThan(
          4e-10,
        );
        const g = complexValues(56, 4);
        const v = nufft2(pointsTensor(shifted), tensor(g, { dtype: "complex128", shape: [8, 7] }), {
          eps: 1e-10,
          isign,
          modeOrder,
        });
        expect(relL2(v.dataSync(), directType2(p, g, [8, 7], isign, modeOrder))).toBeLessThan(
          4e-10,
        );
      }
    }
    // rank-1 points are the (1, M) points: the same op, the same bits
    const x1 = tensor(Float64Array.from(p[0]));
    const f1 = nufft1(x1, tensor(c, { dtype: "complex128" }), 10, { eps: 1e-12 });
    expect(f1.shape).toEqual([10]);
    const f1b = nufft1(pointsTensor([p[0]]), tensor(c, { dtype: "complex128" }), [10], {
      eps: 1e-12,
    });
    expect(f1.dataSync()).toEqual(f1b.dataSync());
    expect(relL2(f1.dataSync(), directType1([p[0]], c, [10], 1))).toBeLessThan(4e-12);
  });

  it("real inputs are promoted; float32 points give complex64 results accurate to 4 eps", () => {
    const m = 80;
    const p = points(1, m, 5);
    const re = Float64Array.from(uniform(m, 6));
    const asComplex = new Float64Array(2 * m);
    re.forEach((v, j) => {
      asComplex[2 * j] = v;
    });
    const f = nufft1(pointsTensor(p), tensor(re), [16], { eps: 1e-9 });
    expect(relL2(f.dataSync(), directType1(p, asComplex, [16], 1))).toBeLessThan(4e-9);
    const x32 = tensor(Float32Array.from(p[0]), { dtype: "float32", shape: [1, m] });
    const p32 = [Array.from(Float32Array.from(p[0]))]; // the points the op really sees
    const f32 = nufft1(x32, tensor(Float32Array.from(asComplex), { dtype: "complex64" }), [16], {
      eps: 1e-5,
    });
    expect(f32.dtype).toBe("complex64");
    // data rounded to float32 (2^-24 relative) adds ~6e-8 to the 4 eps budget
    expect(
      relL2(
        f32.dataSync(),
        directType1(p32, Float64Array.from(Float32Array.from(asComplex)), [16], 1),
      ),
    ).toBeLessThan(4e-5);
  });

  it("no points: type 1 gives zeros, type 2 an empty result", () => {
    const x = tensor(new Float64Array(0), { shape: [2, 0] });
    const f = nufft1(
      x,
      tensor(new Float64Array(0), { dtype: "complex128", shape: [3, 0] }),
      [4, 5],
    );
    expect(f.shape).toEqual([3, 4, 5]);
    expect(Array.from(f.dataSync()).every((v) => v === 0)).toBe(true);
    const c = nufft2(x, tensor(new Float64Array(40), { dtype: "complex128", shape: [4, 5] }));
    expect(c.shape).toEqual([0]);
  });
});

describe("plan cache (plans keyed by the points' storage)", () => {
  it("alternating point sets and options never reuse a stale plan", () => {
    const m = 50;
    const pa = points(2, m, 60);
    const pb = points(2, m, 61);
    const xa = pointsTensor(pa);
    const xb = pointsTensor(pb);
    const c = complexValues(m, 62);
    const ct = tensor(c, { dtype: "complex128" });
    // more distinct (points, options) pairs than the cache holds, visited twice
    const runs: [number[][], Tensor, number[], 1 | -1][] = [
      [pa, xa, [6, 5], 1],
      [pb, xb, [6, 5], 1],
      [pa, xa, [6, 5], -1],
      [pb, xb, [4, 7], 1],
      [pa, xa, [4, 7], -1],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [p, x, nModes, isign] of runs) {
        const f = nufft1(x, ct, nModes, { eps: 1e-10, isign });
        expect(relL2(f.dataSync(), directType1(p, c, nModes, isign))).toBeLessThan(4e-10);
      }
      if (round === 0) clearNufftPlanCache();
    }
  });
});

describe("typed errors", () => {
  const x = tensor(new Float64Array([0.1, 0.2, 0.3, 0.4]), { shape: [2, 2] });
  const c = tensor(new Float64Array(4), { dtype: "complex128", shape: [2] });
  it("bad points, data, modes and options name the argument", () => {
    expect(() => nufft1(x, c, [4])).toThrow(ShapeError); // 2-D points, 1-D modes
    expect(() => nufft1(x, tensor(new Float64Array(6), { dtype: "complex128" }), [4, 4])).toThrow(
      /M from points/,
    );
    expect(() => nufft1(tensor(new Int32Array([1, 2]), { dtype: "int32" }), c, [4])).toThrow(
      DTypeError,
    );
    expect(() => nufft1(x, tensor(new Float32Array(4), { dtype: "complex64" }), [4, 4])).toThrow(
      DTypeError,
    );
    expect(() => nufft1(x, c, [4, 0])).toThrow(/nModes\[1\]/);
    expect(() => nufft1(x, c, [4, 4], { eps: 0 })).toThrow(ValueError);
    expect(() => nufft1(x, c, [4, 4], { threads: 0 })).toThrow(/threads/);
    expect(() => nufft1(x, c, [4, 4], { isign: 2 as 1 })).toThrow(ValueError);
    expect(() => nufft1([1, 2] as unknown as Tensor, c, [4])).toThrow(/points/);
    expect(() =>
      nufft2(x, tensor(new Float64Array(8), { dtype: "complex128", shape: [4] })),
    ).toThrow(ShapeError);
    expect(() => nufft2(tensor(new Float64Array(8), { shape: [4, 2] }), c)).toThrow(ShapeError);
  });
});
