/**
 * Rank-1 lattices: QMCPy's reference points, every order against frac(i a / n) formed in exact
 * integer arithmetic (BigInt), the shipped vector against checksums of Kuo's text file, and the
 * random shift (shifted differences stay lattice points).
 */
import { Lattice, type LatticeOrder } from "@modewise/qmc";
import { ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { CHI2_9DOF_1E6, chiSquare, sortedRows } from "./generators-helpers.js";

/** Bit reversal of i on m bits (BigInt, independent of the package's 32-bit code). */
function reverseBits(i: number, m: number): bigint {
  let r = 0n;
  let v = BigInt(i);
  for (let k = 0; k < m; k++) {
    r = (r << 1n) | (v & 1n);
    v >>= 1n;
  }
  return r;
}

/** frac(i a / n) exactly as a rational, rounded once to float64. */
function exactPoint(i: bigint, a: number, n: bigint): number {
  return Number((i * BigInt(a)) % n) / Number(n);
}

describe("reference points", () => {
  it("natural order, 2-D, 4 points (QMCPy)", () => {
    const x = new Lattice(2, { randomize: "none" }).gen(4);
    expect(Array.from(x)).toEqual([0, 0, 0.5, 0.5, 0.25, 0.75, 0.75, 0.25]);
  });

  it("linear order, 2-D, 4 points (QMCPy)", () => {
    const x = new Lattice(2, { randomize: "none", order: "linear" }).gen(4);
    expect(Array.from(x)).toEqual([0, 0, 0.25, 0.75, 0.5, 0.5, 0.75, 0.25]);
  });

  it("ships Kuo's lattice-33002-1024-1048576.9125 vector exactly (file checksums)", () => {
    const v = new Lattice(9125, { randomize: "none" }).generatingVector;
    expect(Array.from(v.subarray(0, 5))).toEqual([1, 182667, 213731, 255351, 96013]);
    expect(v[9124]).toBe(256517);
    let sum = 0;
    let weighted = 0;
    v.forEach((a, j) => {
      sum += a;
      weighted += (j + 1) * a;
    });
    expect([sum, weighted]).toEqual([2361684091, 10745712269701]);
  });
});

describe("exact integer reference", () => {
  it("natural order: first 2^m points are frac(rev_m(i) a / 2^m) for every m", () => {
    const dim = 40;
    const lat = new Lattice(dim, { randomize: "none" });
    const a = lat.generatingVector;
    for (const m of [4, 10, 20]) {
      const n = 2 ** m;
      const idx =
        m === 20 ? [1, 2, 3, 12345, 524287, 1048575] : Array.from({ length: n }, (_, i) => i);
      for (const i of idx) {
        const row = lat.gen(1, { start: i });
        for (let j = 0; j < dim; j++)
          expect(row[j]).toBe(exactPoint(reverseBits(i, m), a[j], BigInt(n)));
      }
    }
  });

  it("user vector with mMax = 32: indices near 2^32", () => {
    const vector = [1, 2 ** 32 - 1, 2654435769, 3];
    const lat = new Lattice(4, { generatingVector: vector, randomize: "none" });
    const start = 2 ** 32 - 3;
    const x = lat.gen(3, { start });
    for (let r = 0; r < 3; r++)
      for (let j = 0; j < 4; j++)
        expect(x[r * 4 + j]).toBe(exactPoint(reverseBits(start + r, 32), vector[j], 2n ** 32n));
  });

  it("linear order for n = 1000 (not a power of 2) with a user vector", () => {
    const vector = [1, 433, 2 ** 31 + 7];
    const x = new Lattice(3, { generatingVector: vector, order: "linear", randomize: "none" }).gen(
      1000,
    );
    for (let i = 0; i < 1000; i++)
      for (let j = 0; j < 3; j++)
        expect(x[i * 3 + j]).toBe(exactPoint(BigInt(i), vector[j], 1000n));
  });

  for (const order of ["linear", "gray"] as LatticeOrder[]) {
    it(`${order} order gives the same 2^m-point set as natural order`, () => {
      const a = new Lattice(6, { randomize: "none" }).gen(1024);
      const b = new Lattice(6, { randomize: "none", order }).gen(1024);
      expect(sortedRows(b, 6)).toEqual(sortedRows(a, 6));
      expect(Array.from(b)).not.toEqual(Array.from(a)); // a different order
    });
  }
});

describe("random shift", () => {
  it("shifted differences stay lattice points; point - shift is the unshifted point", () => {
    const dim = 8;
    const m = 10;
    const n = 2 ** m;
    const plain = new Lattice(dim, { randomize: "none" }).gen(n);
    const lat = new Lattice(dim, { seed: 123 });
    const x = lat.gen(n);
    const shift = lat.shift as Float64Array;
    // frac(u + D) rounds once (|error| <= 2^-53 since the sum is < 2); subtracting D again and
    // reducing mod 1 adds at most one more rounding: |x - D mod 1 - u| <= 2^-52.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dim; j++) {
        let back = x[i * dim + j] - shift[j];
        if (back < 0) back += 1;
        const err = Math.min(
          Math.abs(back - plain[i * dim + j]),
          1 - Math.abs(back - plain[i * dim + j]),
        );
        expect(err).toBeLessThanOrEqual(2 ** -52);
        // (x_i - x_0) mod 1 times n is an integer up to 2 roundings of size <= 2^-53 each.
        let diff = x[i * dim + j] - x[j];
        if (diff < 0) diff += 1;
        const k = diff * n;
        const frac = Math.abs(k - Math.round(k));
        expect(frac).toBeLessThanOrEqual(n * 2 ** -51);
        expect(((Math.round(k) % n) + n) % n).toBe(Math.round(plain[i * dim + j] * n) % n);
      }
    }
  });

  it("shift is uniform over seeds (chi-square 10 bins, p = 1e-6) and reproducible", () => {
    const counts = new Uint32Array(10);
    for (let seed = 0; seed < 2000; seed++) {
      const s = new Lattice(3, { seed }).shift as Float64Array;
      counts[Math.floor(s[2] * 10)]++;
    }
    expect(chiSquare(counts)).toBeLessThan(CHI2_9DOF_1E6);
    const a = new Lattice(3, { seed: 9 }).gen(16);
    expect(Array.from(new Lattice(3, { seed: 1 }).spawn(9).gen(16))).toEqual(Array.from(a));
    expect(Array.from(new Lattice(3, { seed: 10 }).gen(16))).not.toEqual(Array.from(a));
  });
});

describe("argument checks", () => {
  it("rejects bad input with typed errors naming the argument", () => {
    expect(() => new Lattice(9126)).toThrow(ValueError);
    expect(() => new Lattice(2).gen(2 ** 20 + 1)).toThrow(/start \+ n/);
    expect(() => new Lattice(2, { mMax: 33 })).toThrow(/mMax/);
    expect(() => new Lattice(2, { generatingVector: [1, -3] })).toThrow(/generatingVector\[1\]/);
    expect(() => new Lattice(3, { generatingVector: [1, 3] })).toThrow(/dim/);
    expect(() => new Lattice(2, { order: "linear" }).gen(4, { start: 4 })).toThrow(/start/);
    expect(() => new Lattice(2, { order: "lin" as LatticeOrder })).toThrow(/order/);
    expect(() => new Lattice(2).gen(4, { out: new Float64Array(7) })).toThrow(ShapeError);
  });
});
