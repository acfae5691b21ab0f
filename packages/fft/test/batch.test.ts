/**
 * fftLines (src/batch.ts): many 1-D transforms in one call.
 *
 * - Against the per-line engine: the batched path runs the same passes with the same twiddles
 *   and the same float64 operations in the same order as plan.execute, so every value must be
 *   BIT-IDENTICAL to a loop of per-line calls (any difference means a wrong pass argument,
 *   table or output offset, not round-off). Covered: batched lengths (pair mode, 16..4096),
 *   the per-line fallbacks (JS engine n < 16, interleaved, Rader, Bluestein, blocked n > 2^13,
 *   float32), both directions, scales, layouts, offsets, line strides, counts up to 3000
 *   (several chunks) and repeat.
 * - Against the independent double-double DFT (test/reference): relative L2 error of every
 *   line within fftErrorBound(n) = 2 u sqrt(log2 n + 1), the engine's own a-priori bound; for
 *   repeat 2 (a 2-D DFT of n x n arrays) within fftErrorBound(n^2): the two passes' errors add
 *   in quadrature, 2 u sqrt(2 log2 n + 2) >= sqrt(2) * 2 u sqrt(log2 n + 1).
 */
import { type ComplexPlan, complexPlan, fftLines, type LinesOptions } from "@modewise/fft";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { fftErrorBound } from "./reference/bounds.js";
import { ddComplex, fftRef, fromInterleaved, normals, relL2Error } from "./reference/index.js";

/** What fftLines must produce, by one plan.execute per line (the engine's contract). */
function perLineReference(
  plan: ComplexPlan,
  src: Float64Array | Float32Array,
  count: number,
  o: Required<Pick<LinesOptions, "direction" | "scale">> & LinesOptions,
  dstLength: number,
): Float64Array | Float32Array {
  const n = plan.n;
  const dst =
    src instanceof Float64Array ? new Float64Array(dstLength) : new Float32Array(dstLength);
  const ss = o.srcLineStride ?? n;
  const ds = o.dstLineStride ?? n;
  for (let j = 0; j < count; j++) {
    const from = (o.srcOffset ?? 0) + j * ss;
    if (o.layout === "transposed")
      plan.execute(src, from, 1, dst, (o.dstOffset ?? 0) + j, count, o.direction, o.scale);
    else plan.execute(src, from, 1, dst, (o.dstOffset ?? 0) + j * ds, 1, o.direction, o.scale);
  }
  return dst;
}

function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let bad = a.length === b.length ? 0 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}

describe("fftLines = a loop of plan.execute, bit for bit", () => {
  // [n, count]: pair-mode wasm (16, 64, 1024, 4096; 16 x 3000 = 48000 values runs in two
  // chunks), JS engine (12), interleaved wasm (30), Rader (1009), Bluestein (17), blocked (16384)
  const cases: [number, number][] = [
    [16, 3000],
    [64, 172],
    [1024, 40],
    [4096, 12],
    [12, 9],
    [30, 7],
    [17, 5],
    [1009, 3],
    [16384, 2],
  ];
  for (const [n, count] of cases) {
    it(`n = ${n}, count = ${count}: both directions, scales, layouts, offsets and strides`, () => {
      const plan = complexPlan(n);
      const pad = 3; // extra complex values between lines and around the data
      const ss = n + pad;
      const src = normals(2 * (pad + count * ss), n + count);
      for (const direction of [-1, 1] as const) {
        for (const scale of [1, 1 / n]) {
          for (const o of [
            { layout: "lines" },
            { layout: "transposed" },
            { layout: "lines", srcOffset: pad, srcLineStride: ss, dstOffset: 2, dstLineStride: ss },
            { layout: "transposed", srcOffset: pad, srcLineStride: ss, dstOffset: 5 },
          ] as LinesOptions[]) {
            const opts = { ...o, direction, scale };
            const len = 2 * (8 + count * ss);
            const want = perLineReference(plan, src, count, opts, len);
            const got = new Float64Array(len);
            fftLines(plan, src, got, count, opts);
            expect(mismatches(got, want)).toBe(0);
          }
        }
      }
    });
  }

  it("in place (layout 'lines', same offset and stride), float32 plans and arrays", () => {
    const n = 64;
    const count = 1200;
    const plan = complexPlan(n);
    const x = normals(2 * n * count, 7);
    const want = perLineReference(plan, x, count, { direction: 1, scale: 0.5 }, x.length);
    const y = x.slice();
    fftLines(plan, y, y, count, { direction: 1, scale: 0.5 });
    expect(mismatches(y, want)).toBe(0);
    const p32 = complexPlan(n, "float32");
    const x32 = Float32Array.from(x);
    const w32 = perLineReference(p32, x32, count, { direction: -1, scale: 1 }, x.length);
    const g32 = new Float32Array(x.length);
    fftLines(p32, x32, g32, count);
    expect(mismatches(g32, w32)).toBe(0);
  });

  it("repeat k = k transposed calls in a row (scale once, at the end)", () => {
    for (const [n, count] of [
      [64, 256],
      [16, 48],
      [12, 24],
    ] as const) {
      const plan = complexPlan(n);
      const x = normals(2 * n * count, n);
      for (const repeat of [2, 3]) {
        let want: Float64Array = x;
        for (let t = 0; t < repeat; t++) {
          const next = new Float64Array(x.length);
          const scale = t === repeat - 1 ? 1 / n : 1;
          fftLines(plan, want, next, count, { layout: "transposed", direction: 1, scale });
          want = next;
        }
        const got = new Float64Array(x.length);
        fftLines(plan, x, got, count, { layout: "transposed", direction: 1, scale: 1 / n, repeat });
        expect(mismatches(got, want)).toBe(0);
      }
    }
  });
});

describe("fftLines against the exact (double-double) DFT", () => {
  it("every line within the a-priori bound 2u sqrt(log2 n + 1), both layouts", () => {
    for (const [n, count] of [
      [64, 5],
      [1024, 3],
      [30, 4],
    ] as const) {
      const plan = complexPlan(n);
      const x = normals(2 * n * count, 100 + n);
      const lines = new Float64Array(x.length);
      const tr = new Float64Array(x.length);
      fftLines(plan, x, lines, count);
      fftLines(plan, x, tr, count, { layout: "transposed" });
      const bound = fftErrorBound(n);
      let worst = 0;
      for (let j = 0; j < count; j++) {
        const ref = fftRef(fromInterleaved(x, n, j * n), -1);
        const eL = relL2Error(lines, ref, n, j * n, 1);
        const eT = relL2Error(tr, ref, n, j, count);
        worst = Math.max(worst, eL, eT);
      }
      console.log(
        `fftLines n = ${n}: worst line rel L2 ${worst.toExponential(2)} (bound ${bound.toExponential(2)})`,
      );
      expect(worst).toBeLessThan(bound);
      expect(worst).toBeGreaterThan(0); // a copy of the input would not be the DFT
    }
  });

  it("repeat 2 on b arrays of n x n is their 2-D DFT, output [k_row, k_col, array]", () => {
    const n = 32;
    const b = 3;
    const plan = complexPlan(n);
    const x = normals(2 * b * n * n, 5);
    const out = new Float64Array(x.length);
    fftLines(plan, x, out, b * n, { layout: "transposed", repeat: 2 });
    let worst = 0;
    for (let a = 0; a < b; a++) {
      // exact 2-D DFT of array a: dd transforms of its rows, then of the columns of those
      const rows = ddComplex(n * n);
      for (let i = 0; i < n; i++)
        rows.set(fftRef(fromInterleaved(x, n, (a * n + i) * n), -1), 4 * i * n);
      for (let kc = 0; kc < n; kc++) {
        const col = ddComplex(n);
        for (let i = 0; i < n; i++)
          col.set(rows.subarray(4 * (i * n + kc), 4 * (i * n + kc + 1)), 4 * i);
        const ref = fftRef(col, -1); // ref[kr] = bin (kr, kc), at out[(kr n + kc) b + a]
        worst = Math.max(worst, relL2Error(out, ref, n, kc * b + a, n * b));
      }
    }
    console.log(`fftLines repeat 2, ${n}x${n}: worst rel L2 ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(fftErrorBound(n * n));
    expect(worst).toBeGreaterThan(0);
  });
});

describe("fftLines argument checks", () => {
  const plan = complexPlan(8);
  const x = new Float64Array(2 * 8 * 4);
  it("typed errors naming the argument", () => {
    const y = new Float64Array(x.length);
    expect(() => fftLines(plan, x, y, -1)).toThrow(ValueError);
    expect(() => fftLines(plan, x, y, 1.5)).toThrow(/count/);
    expect(() => fftLines(plan, x, y, 5)).toThrow(ShapeError); // src holds 4 lines
    expect(() => fftLines(plan, x, new Float64Array(10), 4)).toThrow(/'dst'/);
    expect(() => fftLines(plan, x, y, 2, { srcLineStride: 7 })).toThrow(/srcLineStride/);
    expect(() => fftLines(plan, x, y, 2, { repeat: 2 })).toThrow(/repeat/);
    expect(() => fftLines(plan, x, y, 2, { layout: "rows" as "lines" })).toThrow(/layout/);
    expect(() => fftLines(plan, x, y, 2, { direction: 0 as 1 })).toThrow(/direction/);
    expect(() => fftLines(plan, x, y, 2, { scale: Number.NaN })).toThrow(/scale/);
    expect(() => fftLines({} as ComplexPlan, x, y, 2)).toThrow(/plan/);
    expect(() => fftLines(plan, x, y, 2, { layout: "transposed", dstLineStride: 8 })).toThrow(
      /dstLineStride/,
    );
  });
  it("overlap other than in place is refused; count 0 does nothing", () => {
    expect(() => fftLines(plan, x, x, 4, { layout: "transposed" })).toThrow(/overlap/);
    expect(() => fftLines(plan, x, x, 2, { dstOffset: 4 })).toThrow(/overlap/);
    const view = x.subarray(16); // same buffer, overlapping range
    expect(() => fftLines(plan, x, view, 2)).toThrow(ValueError);
    const y = new Float64Array(4).fill(7);
    fftLines(plan, x, y, 0);
    expect(Array.from(y)).toEqual([7, 7, 7, 7]);
  });
});
