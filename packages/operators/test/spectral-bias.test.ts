/**
 * addSpectralBias (the "SpectralBias" CPU kernel): SpectralConv's bias b [out, 1, ..., 1] added
 * as b N at frequency 0 of each box. Checked against the composition it replaces
 * (box + pad(toComplex(b N))) for values and gradients, float32 and float64, 1-D and 2-D boxes,
 * and by finite differences in float64.
 */
import { addSpectralBias } from "@modewise/operators";
import {
  add,
  complex,
  Generator,
  grads,
  memory,
  mul,
  pad,
  real,
  sum,
  type Tensor,
  tidy,
  toComplex,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad } from "../../tensor/test/helpers.js";

/** The composition: box + pad(toComplex(b N)), frequency 0 at m_i on leading axes, 0 on the last. */
function composed(box: Tensor, bias: Tensor, modes: number[], grid: number[]): Tensor {
  const n = grid.reduce((p, q) => p * q, 1);
  const d = modes.length;
  const padding: [number, number][] = modes.map((m, i) => (i === d - 1 ? [0, m - 1] : [m, m - 1]));
  return add(box, pad(toComplex(mul(bias, n)), [[0, 0], ...padding]));
}

const CASES: { modes: number[]; grid: number[] }[] = [
  { modes: [4, 3], grid: [12, 10] }, // box [8, 3]
  { modes: [5], grid: [16] }, // 1-D box [5]
];

describe("addSpectralBias", () => {
  for (const { modes, grid } of CASES)
    for (const dtype of ["float32", "float64"] as const)
      it(`equals the composition, values and gradients (${dtype}, box ${modes.length}-D)`, () => {
        const base = memory().numTensors;
        tidy(() => {
          const g = new Generator(7);
          const d = modes.length;
          const box = [...modes.slice(0, -1).map((m) => 2 * m), modes[d - 1]];
          const shape = [3, 4, ...box];
          const z = complex(g.normal(shape, { dtype }), g.normal(shape, { dtype }));
          const b = g.normal([4, ...modes.map(() => 1)], { dtype });
          const w = complex(g.normal(shape, { dtype }), g.normal(shape, { dtype }));
          // a real loss that weighs every entry differently
          const loss = (f: typeof composed) => (zz: Tensor, bb: Tensor) =>
            sum(real(mul(f(zz, bb, modes, grid), w)));
          const mine = addSpectralBias(z, b, modes, grid).dataSync();
          const theirs = composed(z, b, modes, grid).dataSync();
          expect(mine.length).toBe(theirs.length);
          for (let i = 0; i < mine.length; i++) expect(mine[i]).toBe(theirs[i]);
          const [gz, gb] = grads(loss(addSpectralBias))([z, b]);
          const [hz, hb] = grads(loss(composed))([z, b]);
          expect(Array.from(gz.dataSync())).toEqual(Array.from(hz.dataSync()));
          expect(Array.from(gb.dataSync())).toEqual(Array.from(hb.dataSync()));
          expect(gb.shape).toEqual(b.shape);
        });
        expect(memory().numTensors).toBe(base);
      });

  it("runs the kernel: a -0 entry stays -0 (the composition's padded add gives +0)", () => {
    tidy(() => {
      const z = complex(
        mul(new Generator(1).normal([1, 1, 2, 2], { dtype: "float32" }), 0),
        mul(new Generator(2).normal([1, 1, 2, 2], { dtype: "float32" }), -0),
      );
      const b = new Generator(3).normal([1, 1, 1], { dtype: "float32" });
      const out = addSpectralBias(z, b, [1, 2], [4, 4]).dataSync();
      // imaginary parts: -0 times a normal draw is -0 or +0; the kernel keeps each sign
      const im = z.dataSync();
      for (let i = 1; i < out.length; i += 2) expect(Object.is(out[i], im[i])).toBe(true);
      expect(im.some((v, i) => i % 2 === 1 && Object.is(v, -0))).toBe(true);
    });
  });

  it("has float64 gradients (finite differences)", () => {
    tidy(() => {
      const g = new Generator(9);
      const z = complex(
        g.normal([2, 3, 4, 3], { dtype: "float64" }),
        g.normal([2, 3, 4, 3], { dtype: "float64" }),
      );
      const b = g.normal([3, 1, 1], { dtype: "float64" });
      checkGrad((zz, bb) => addSpectralBias(zz, bb, [2, 3], [8, 6]), [z, b]);
    });
  });
});
