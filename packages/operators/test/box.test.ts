/**
 * The box moves (extractAxis / embedAxis: single CPU kernels, each the other's gradient)
 * against their index definitions, and their float64 gradients by finite differences.
 */
import { embedAxis, extractAxis, hermitianProject } from "@modewise/operators";
import { complex, Generator, memory, tidy } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad } from "../../tensor/test/helpers.js";

describe("extractAxis / embedAxis", () => {
  const shape = [2, 3, 10, 4];
  const axis = 2;
  const m = 3;
  const n = shape[axis];

  for (const dtype of ["float32", "float64"] as const)
    it(`move the exact values (complex, ${dtype})`, () => {
      const base = memory().numTensors;
      tidy(() => {
        const g = new Generator(3);
        const t = complex(g.normal(shape, { dtype }), g.normal(shape, { dtype }));
        const src = t.dataSync();
        const box = extractAxis(t, axis, m);
        expect(box.shape).toEqual([2, 3, 2 * m, 4]);
        expect(box.dtype).toBe(t.dtype);
        const got = box.dataSync();
        // box row j holds frequency j - m: source row (j - m) mod n
        const row = 2 * shape[3];
        for (let o = 0; o < 6; o++)
          for (let j = 0; j < 2 * m; j++)
            for (let e = 0; e < row; e++)
              expect(got[(o * 2 * m + j) * row + e]).toBe(
                src[(o * n + ((j - m + n) % n)) * row + e],
              );
        // embedding the box back: the same values at their rows, zeros elsewhere
        const back = embedAxis(box, axis, m, n).dataSync();
        for (let o = 0; o < 6; o++)
          for (let i = 0; i < n; i++) {
            const kept = i < m || i >= n - m;
            for (let e = 0; e < row; e++)
              expect(back[(o * n + i) * row + e]).toBe(kept ? src[(o * n + i) * row + e] : 0);
          }
      });
      expect(memory().numTensors).toBe(base);
    });

  it("has float64 gradients (real and complex; n = 2m too)", () => {
    tidy(() => {
      const g = new Generator(4);
      const x = g.normal([2, 7, 3], { dtype: "float64" });
      checkGrad((t) => extractAxis(t, 1, 2), [x]);
      checkGrad((t) => embedAxis(t, 1, 2, 7), [g.normal([2, 4, 3], { dtype: "float64" })]);
      checkGrad((t) => embedAxis(t, 1, 2, 4), [g.normal([2, 4, 3], { dtype: "float64" })]);
      const z = complex(
        g.normal([6, 2], { dtype: "float64" }),
        g.normal([6, 2], { dtype: "float64" }),
      );
      checkGrad((t) => extractAxis(t, 0, 3), [z]);
    });
  });

  it("hermitianProject: Hermitian DC / Nyquist columns, everything else untouched, idempotent", () => {
    const base = memory().numTensors;
    tidy(() => {
      const g = new Generator(5);
      // modes [3, 5] on grid [8, 8]: leading box 6 < 8 (index 0, frequency -3, has no partner),
      // last axis 5 = 8 / 2 + 1 bins: DC and Nyquist columns both projected
      const modes = [3, 5];
      const grid = [8, 8];
      const shape = [2, 2, 6, 5];
      const z = complex(
        g.normal(shape, { dtype: "float64" }),
        g.normal(shape, { dtype: "float64" }),
      );
      const src = z.dataSync();
      const p = hermitianProject(z, modes, grid);
      const out = p.dataSync();
      const at = (o: number, j: number, c: number) => 2 * ((o * 6 + j) * 5 + c);
      for (let o = 0; o < 4; o++)
        for (let j = 0; j < 6; j++)
          for (let c = 0; c < 5; c++) {
            const i = at(o, j, c);
            if ((c !== 0 && c !== 4) || j === 0) {
              expect([out[i], out[i + 1]]).toEqual([src[i], src[i + 1]]);
              continue;
            }
            // frequency j - 3 and its negative (box index 6 - j) are conjugates
            const q = at(o, 6 - j, c);
            expect(out[i]).toBeCloseTo(out[q], 15);
            expect(out[i + 1]).toBeCloseTo(-out[q + 1], 15);
            expect(out[i]).toBeCloseTo((src[i] + src[q]) / 2, 15);
          }
      expect(Array.from(hermitianProject(p, modes, grid).dataSync())).toEqual(Array.from(out));
      checkGrad((t) => hermitianProject(t, modes, grid), [z]);
      checkGrad(
        (t) => hermitianProject(t, [2, 3], [4, 5]),
        [
          complex(
            g.normal([1, 2, 4, 3], { dtype: "float64" }),
            g.normal([1, 2, 4, 3], { dtype: "float64" }),
          ),
        ],
      );
    });
    expect(memory().numTensors).toBe(base);
  });
});
