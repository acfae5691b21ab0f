/**
 * Streaming and ranges: chunks concatenate to gen(n), gen with start equals the matching slice
 * of a longer gen, `out` is filled and returned; plus the documented PRNG.
 */
import { DigitalNetB2, Halton, Lattice, type PointSet, Rng, Sobol } from "@modewise/qmc";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

interface Streaming extends PointSet {
  stream(n: number, chunkSize: number, options?: { start?: number }): Generator<Float64Array>;
}

const GENERATORS: [string, () => Streaming][] = [
  ["Lattice natural shift", () => new Lattice(7, { seed: 1 })],
  ["Lattice gray", () => new Lattice(7, { seed: 1, order: "gray" })],
  ["Sobol LMS_DS natural", () => new Sobol(7, { seed: 1 })],
  [
    "Sobol DS gray 64-bit",
    () => new Sobol(7, { seed: 1, order: "gray", randomize: "DS", bits: 64 }),
  ],
  ["Sobol NUS", () => new Sobol(7, { seed: 1, randomize: "NUS" })],
  ["DigitalNetB2 alpha 3", () => new DigitalNetB2(3, { seed: 1, alpha: 3 })],
  ["Halton LMS_PERM", () => new Halton(7, { seed: 1 })],
  ["Halton none", () => new Halton(7, { randomize: "none" })],
  ["Halton NUS", () => new Halton(7, { randomize: "NUS", seed: 1 })],
  ["Halton LMS_DS", () => new Halton(7, { randomize: "LMS_DS", seed: 1 })],
];

describe("streaming is consistent with gen", () => {
  for (const [name, make] of GENERATORS) {
    it(name, () => {
      const g = make();
      const whole = g.gen(1000);
      const chunks = [...g.stream(1000, 128)];
      expect(chunks.map((c) => c.length / g.dim)).toEqual([128, 128, 128, 128, 128, 128, 128, 104]);
      const joined = new Float64Array(whole.length);
      let at = 0;
      for (const c of chunks) {
        joined.set(c, at);
        at += c.length;
      }
      expect(Array.from(joined)).toEqual(Array.from(whole));
      // start offsets: stream and gen from 300 equal the slice of the first 1000 points
      const tail = Array.from(whole.subarray(300 * g.dim));
      expect(Array.from(g.gen(700, { start: 300 }))).toEqual(tail);
      const streamed = [...g.stream(700, 333, { start: 300 })].flatMap((c) => Array.from(c));
      expect(streamed).toEqual(tail);
      // out is filled in place and returned
      const out = new Float64Array(50 * g.dim);
      expect(g.gen(50, { start: 10, out })).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(whole.subarray(10 * g.dim, 60 * g.dim)));
    });
  }

  it("linear lattice streams its n-point set (start 0 only)", () => {
    const lat = new Lattice(3, { order: "linear", seed: 2 });
    const whole = lat.gen(1000);
    expect([...lat.stream(1000, 256)].flatMap((c) => Array.from(c))).toEqual(Array.from(whole));
    expect(() => lat.stream(1000, 256, { start: 1 })).toThrow(/start/);
  });

  it("stream checks its arguments eagerly, before iteration", () => {
    const s = new Sobol(2, { seed: 0 });
    expect(() => s.stream(10, 0)).toThrow(/chunkSize/);
    expect(() => s.stream(-1, 4)).toThrow(/'n'/);
    expect(() => s.stream(2 ** 33, 4)).toThrow(/start \+ n/);
    expect(() => new Halton(2).stream(4, 1.5)).toThrow(ValueError);
  });

  it("gen rejects a wrong-sized or wrong-typed out", () => {
    const s = new Sobol(3, { seed: 0 });
    expect(() => s.gen(4, { out: new Float64Array(11) })).toThrow(ShapeError);
    expect(() => s.gen(4, { out: new Float32Array(12) as unknown as Float64Array })).toThrow(/out/);
  });
});

describe("Rng (documented PRNG)", () => {
  it("is reproducible and seed-sensitive in both 32-bit halves", () => {
    const a = new Rng(12345);
    const first = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
    const b = new Rng(12345);
    expect([b.nextUint32(), b.nextUint32(), b.nextUint32()]).toEqual(first);
    expect(new Rng(12345 + 2 ** 32).nextUint32()).not.toBe(first[0]);
    expect(new Rng(12346).nextUint32()).not.toBe(first[0]);
  });

  it("floats are uniform on [0,1): mean and variance within 5 sigma for 10^5 draws", () => {
    const r = new Rng(7);
    const n = 100000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      s2 += u * u;
    }
    // mean: sd sqrt(1/12 / n); E[u^2] = 1/3 with sd sqrt(4/45 / n)
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - 1 / 3)).toBeLessThan(5 * Math.sqrt(4 / 45 / n));
  });

  it("nextInt(m) stays in range and hits every value", () => {
    const r = new Rng(3);
    const seen = new Uint32Array(7);
    for (let i = 0; i < 7000; i++) seen[r.nextInt(7)]++;
    expect(Array.from(seen).every((c) => c > 850 && c < 1150)).toBe(true); // 1000 +- 5 sigma (sigma = sqrt(7000 * 6/49) = 29.3)
  });
});
