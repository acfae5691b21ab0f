/**
 * DCT / DST types I-IV against their O(N^2) definitions (scipy.fft's, evaluated here in float64
 * with the cos/sin arguments reduced exactly through integer index products), for every length
 * 1..40 and a few larger ones; inverses; the orthogonality of the "ortho" transforms; scipy's
 * orthogonalize flag; axes of n-D views; float32. (scipy's own outputs are compared in
 * api-numpy.test.ts.) Bound: tol(2N + 2), api-helpers.ts.
 */
import * as F from "@modewise/fft";
import { describe, expect, it } from "vitest";
import { expectNear, randomValues } from "./api-helpers.js";

type Kind = "dct" | "dst";
type Type = 1 | 2 | 3 | 4;

/** cos(pi p / q) and sin(pi p / q) with p reduced mod 2q first (exact integer arithmetic). */
const cosPi = (p: number, q: number): number => Math.cos((Math.PI * (p % (2 * q))) / q);
const sinPi = (p: number, q: number): number => Math.sin((Math.PI * (p % (2 * q))) / q);

/** scipy.fft.dct / dst, norm "backward", by the defining sums. */
function definition(kind: Kind, type: Type, x: ArrayLike<number>): Float64Array {
  const N = x.length;
  const y = new Float64Array(N);
  for (let k = 0; k < N; k++) {
    let s = 0;
    if (kind === "dct") {
      if (type === 1) {
        s = x[0] + (k % 2 === 0 ? 1 : -1) * x[N - 1];
        for (let n = 1; n < N - 1; n++) s += 2 * x[n] * cosPi(k * n, N - 1);
      } else if (type === 2) {
        for (let n = 0; n < N; n++) s += 2 * x[n] * cosPi(k * (2 * n + 1), 2 * N);
      } else if (type === 3) {
        s = x[0];
        for (let n = 1; n < N; n++) s += 2 * x[n] * cosPi((2 * k + 1) * n, 2 * N);
      } else {
        for (let n = 0; n < N; n++) s += 2 * x[n] * cosPi((2 * k + 1) * (2 * n + 1), 4 * N);
      }
    } else if (type === 1) {
      for (let n = 0; n < N; n++) s += 2 * x[n] * sinPi((k + 1) * (n + 1), N + 1);
    } else if (type === 2) {
      for (let n = 0; n < N; n++) s += 2 * x[n] * sinPi((k + 1) * (2 * n + 1), 2 * N);
    } else if (type === 3) {
      s = (k % 2 === 0 ? 1 : -1) * x[N - 1];
      for (let n = 0; n < N - 1; n++) s += 2 * x[n] * sinPi((2 * k + 1) * (n + 1), 2 * N);
    } else {
      for (let n = 0; n < N; n++) s += 2 * x[n] * sinPi((2 * k + 1) * (2 * n + 1), 4 * N);
    }
    y[k] = s;
  }
  return y;
}

/** scipy's norm / orthogonalize applied to the definition: the orthonormal variant by hand. */
function orthoDefinition(kind: Kind, type: Type, x: ArrayLike<number>): Float64Array {
  const N = x.length;
  const xs = Float64Array.from(x);
  const r = Math.SQRT2;
  if (kind === "dct" && type === 1) {
    xs[0] *= r;
    xs[N - 1] *= r;
  }
  if (kind === "dct" && type === 3) xs[0] *= r;
  if (kind === "dst" && type === 3) xs[N - 1] *= r;
  const y = definition(kind, type, xs);
  const g = type === 1 ? (kind === "dct" ? 2 * (N - 1) : 2 * (N + 1)) : 2 * N;
  for (let k = 0; k < N; k++) y[k] /= Math.sqrt(g);
  if (kind === "dct" && type === 1) {
    y[0] /= r;
    y[N - 1] /= r;
  }
  if (kind === "dct" && type === 2) y[0] /= r;
  if (kind === "dst" && type === 2) y[N - 1] /= r;
  return y;
}

const LENGTHS = [...Array.from({ length: 40 }, (_, i) => i + 1), 63, 64, 100, 127, 128, 255];
const KINDS: [Kind, typeof F.dct, typeof F.idct][] = [
  ["dct", F.dct, F.idct],
  ["dst", F.dst, F.idst],
];

describe("against the O(N^2) definitions", () => {
  for (const [kind, f] of KINDS) {
    for (const type of [1, 2, 3, 4] as Type[]) {
      it(`${kind.toUpperCase()}-${type}, N = 1..40, 63, 64, 100, 127, 128, 255`, () => {
        for (const N of LENGTHS) {
          if (kind === "dct" && type === 1 && N < 2) continue;
          const x = randomValues(N, 31 * N + type);
          expectNear(
            f(x, { type }),
            definition(kind, type, x),
            2 * N + 2,
            "float64",
            `N ${N} backward`,
          );
          const g = type === 1 ? (kind === "dct" ? 2 * (N - 1) : 2 * (N + 1)) : 2 * N;
          const fwd = definition(kind, type, x).map((v) => v / g);
          expectNear(f(x, { type, norm: "forward" }), fwd, 2 * N + 2, "float64", `N ${N} forward`);
          expectNear(
            f(x, { type, norm: "ortho" }),
            orthoDefinition(kind, type, x),
            2 * N + 2,
            "float64",
            `N ${N} ortho`,
          );
          const plain = definition(kind, type, x).map((v) => v / Math.sqrt(g));
          expectNear(
            f(x, { type, norm: "ortho", orthogonalize: false }),
            plain,
            2 * N + 2,
            "float64",
            `N ${N} ortho, orthogonalize false`,
          );
        }
      });
    }
  }
});

describe("inverses and orthogonality", () => {
  it("idct(dct(x)) = x and idst(dst(x)) = x for every type, norm and orthogonalize, up to N = 4096", () => {
    for (const [, f, fi] of KINDS) {
      for (const type of [1, 2, 3, 4] as Type[]) {
        for (const norm of ["backward", "ortho", "forward"] as const) {
          for (const orthogonalize of [true, false]) {
            for (const N of [2, 3, 8, 17, 1000, 4096]) {
              const x = randomValues(N, N + type);
              const o = { type, norm, orthogonalize };
              expectNear(
                fi(f(x, o), o),
                x,
                4 * N + 4,
                "float64",
                `${type} ${norm} ${orthogonalize} N ${N}`,
              );
              expectNear(
                f(fi(x, o), o),
                x,
                4 * N + 4,
                "float64",
                `${type} ${norm} ${orthogonalize} N ${N} (other order)`,
              );
            }
          }
        }
      }
    }
  });

  it("the orthonormal transforms are orthogonal matrices: Q^T = Q^-1 (columns are orthonormal)", () => {
    for (const [kind, f] of KINDS) {
      for (const type of [1, 2, 3, 4] as Type[]) {
        for (const N of [2, 3, 5, 8]) {
          const cols: Float64Array[] = [];
          for (let j = 0; j < N; j++) {
            const e = new Float64Array(N);
            e[j] = 1;
            cols.push(f(e, { type, norm: "ortho" }));
          }
          for (let i = 0; i < N; i++) {
            for (let j = 0; j < N; j++) {
              let dot = 0;
              for (let k = 0; k < N; k++) dot += cols[i][k] * cols[j][k];
              expect(
                Math.abs(dot - (i === j ? 1 : 0)),
                `${kind}${type} N ${N} (${i}, ${j})`,
              ).toBeLessThan(1e-14);
            }
          }
        }
      }
    }
  });

  it("DCT-II and DCT-III ortho are each other's transposes, and DCT-I / IV, DST-I / IV are symmetric", () => {
    const N = 6;
    const mat = (g: (e: Float64Array) => Float64Array): number[][] =>
      Array.from({ length: N }, (_, j) => {
        const e = new Float64Array(N);
        e[j] = 1;
        return Array.from(g(e));
      });
    const t = (m: number[][]) => m[0].map((_, i) => m.map((r) => r[i]));
    const close = (a: number[][], b: number[][]): void => {
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++) expect(a[i][j]).toBeCloseTo(b[i][j], 14);
    };
    close(
      t(mat((e) => F.dct(e, { type: 2, norm: "ortho" }))),
      mat((e) => F.dct(e, { type: 3, norm: "ortho" })),
    );
    close(
      t(mat((e) => F.dst(e, { type: 2, norm: "ortho" }))),
      mat((e) => F.dst(e, { type: 3, norm: "ortho" })),
    );
    for (const type of [1, 4] as Type[]) {
      close(
        t(mat((e) => F.dct(e, { type, norm: "ortho" }))),
        mat((e) => F.dct(e, { type, norm: "ortho" })),
      );
      close(
        t(mat((e) => F.dst(e, { type, norm: "ortho" }))),
        mat((e) => F.dst(e, { type, norm: "ortho" })),
      );
    }
  });
});

describe("axes, padding, precision", () => {
  it("along an axis of a view equals the 1-D transform of each line", () => {
    const shape = [5, 7];
    const data = randomValues(35, 3);
    for (const axis of [0, 1]) {
      const y = F.dst({ data, shape }, { type: 3, axis, n: 6 });
      expect(y.shape).toEqual(axis === 0 ? [6, 7] : [5, 6]);
      for (let l = 0; l < shape[1 - axis]; l++) {
        const line = Array.from(
          { length: shape[axis] },
          (_, j) => data[axis === 0 ? j * 7 + l : l * 7 + j],
        );
        const want = F.dst(Float64Array.from(line), { type: 3, n: 6 });
        const got = Array.from({ length: 6 }, (_, j) => y.data[axis === 0 ? j * 7 + l : l * 6 + j]);
        expectNear(got, want, 14);
      }
    }
  });

  it("n = padding and truncation as scipy (zero-pad / truncate the input first)", () => {
    const x = randomValues(6, 4);
    const padded = Float64Array.from([...x, 0, 0, 0]);
    expectNear(F.dct(x, { type: 4, n: 9 }), F.dct(padded, { type: 4 }), 20);
    expectNear(F.idst(x, { type: 1, n: 4 }), F.idst(x.slice(0, 4), { type: 1 }), 12);
  });

  it("float32 in, float32 out, accurate to single precision", () => {
    for (const [kind, f] of KINDS) {
      for (const type of [1, 2, 3, 4] as Type[]) {
        const x = Float32Array.from(randomValues(33, type));
        const y = f(x, { type, norm: "ortho" });
        expect(y).toBeInstanceOf(Float32Array);
        expectNear(y, orthoDefinition(kind, type, x), 68, "float32");
      }
    }
  });

  it("DCT-I needs at least 2 points (as scipy)", () => {
    expect(() => F.dct(new Float64Array(1), { type: 1 })).toThrow(/DCT-I/);
    expect(Array.from(F.dst(new Float64Array([3]), { type: 1 }))).toEqual([6]);
  });
});
