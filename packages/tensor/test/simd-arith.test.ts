/**
 * float32 add / sub / mul / div on WebAssembly SIMD (src/backend/cpu/simd-arith-module.ts): the
 * binary kernel's float32 path for equal sizes, one-element operands and rows against one
 * element per row. Reference: each element's float64 result rounded once to float32
 * (Math.fround(a op b)), which for these four ops IS the correctly rounded float32 result
 * (double rounding is harmless: 53 >= 2 * 24 + 2), so the check is bit-exact; the JavaScript
 * loops (setArithSimd(false)) must give the same bits. Sizes straddle the 8192-float chunks and
 * the two-vector loop's tail; specials cover NaN, infinities, signed zeros, subnormals and
 * division by zero.
 */
import { add, div, memory, mul, sub, type Tensor, tensor, tidy } from "@modewise/tensor";
import { cpuKernelInfo, setArithSimd } from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";

type Op = "add" | "sub" | "mul" | "div";
const OPS: Record<
  Op,
  { f: (a: Tensor | number, b: Tensor | number) => Tensor; ref: (a: number, b: number) => number }
> = {
  add: { f: add, ref: (a, b) => a + b },
  sub: { f: sub, ref: (a, b) => a - b },
  mul: { f: mul, ref: (a, b) => a * b },
  div: { f: div, ref: (a, b) => a / b },
};

const SPECIALS = [
  Number.NaN,
  Infinity,
  -Infinity,
  0,
  -0,
  1.401298464324817e-45,
  -1.1754943508222875e-38,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  1,
  -1,
];

/** Deterministic float32 values over many magnitudes, specials mixed in. */
function values(n: number, seed: number): Float32Array {
  const v = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) | 0;
    const u = (s >>> 0) / 2 ** 32;
    v[i] = i % 97 === 5 ? SPECIALS[i % SPECIALS.length] : (u - 0.5) * 10 ** ((i % 13) - 6);
  }
  return v;
}

function expectBits(got: Float32Array, want: (i: number) => number, what: string): void {
  for (let i = 0; i < got.length; i++) {
    const w = Math.fround(want(i));
    if (!Object.is(got[i], w))
      throw new Error(`${what}: element ${i}: got ${got[i]}, expected ${w}`);
  }
}

/** The op on the SIMD path and on the JavaScript loops; asserts the path each took. */
function both(run: () => Tensor): [Float32Array, Float32Array] {
  const simd = tidy(() => run().dataSync() as Float32Array);
  expect(cpuKernelInfo().lastArithPath).toBe("simd");
  const was = setArithSimd(false);
  try {
    const scalar = tidy(() => run().dataSync() as Float32Array);
    expect(cpuKernelInfo().lastArithPath).toBe("scalar");
    return [simd, scalar];
  } finally {
    setArithSimd(was);
  }
}

describe("float32 add / sub / mul / div on WebAssembly SIMD", () => {
  it("is available in Node 20", () => {
    expect(cpuKernelInfo().arithSimd).toBe(true);
  });

  for (const op of Object.keys(OPS) as Op[]) {
    const { f, ref } = OPS[op];
    it(`${op}: equal shapes, correctly rounded, same bits as the loops, chunk edges`, () => {
      const before = memory().numTensors;
      for (const n of [1024, 1031, 8191, 8192, 8193, 20_011]) {
        const a = values(n, 1 + n);
        const b = values(n, 7 + n);
        const [simd, scalar] = both(() => f(tensor(a), tensor(b)));
        expectBits(simd, (i) => ref(a[i], b[i]), `${op} n=${n}`);
        expectBits(scalar, (i) => simd[i], `${op} loops n=${n}`);
      }
      expect(memory().numTensors).toBe(before);
    });

    it(`${op}: one-element operands on either side`, () => {
      const n = 9000;
      const a = values(n, 3);
      for (const s of [0.7, -0, Number.NaN, 3e-39, Infinity]) {
        const [right] = both(() => f(tensor(a), tensor(new Float32Array([s]), { shape: [1, 1] })));
        expectBits(right, (i) => ref(a[i], Math.fround(s)), `${op} a op ${s}`);
        const [left] = both(() =>
          f(tensor(new Float32Array([s])), tensor(a, { shape: [9, 1000] })),
        );
        expectBits(left, (i) => ref(Math.fround(s), a[i]), `${op} ${s} op a`);
      }
    });

    it(`${op}: rows against one element per row (a bias), both operand orders`, () => {
      // [N, C, L] op [C, 1] and [C, 1] op [N, C, L]: rows of L (some not a multiple of the
      // two-vector step, some unaligned) against the row's channel value; short rows fit many
      // to a chunk.
      for (const [N, C, L] of [
        [3, 5, 1024],
        [20, 7, 12],
        [4, 3, 1001],
        [30, 4, 10],
      ] as const) {
        const x = values(N * C * L, 11);
        const bias = values(C, 13);
        const [xb] = both(() =>
          f(tensor(x, { shape: [N, C, L] }), tensor(bias, { shape: [C, 1] })),
        );
        expectBits(xb, (i) => ref(x[i], bias[Math.floor(i / L) % C]), `${op} rows x op b`);
        const [bx] = both(() =>
          f(tensor(bias, { shape: [C, 1] }), tensor(x, { shape: [N, C, L] })),
        );
        expectBits(bx, (i) => ref(bias[Math.floor(i / L) % C], x[i]), `${op} rows b op x`);
      }
    });
  }

  it("the check can fail: one flipped bit of one element is caught", () => {
    const a = values(2048, 5);
    const b = values(2048, 6);
    const got = tidy(() => add(tensor(a), tensor(b)).dataSync() as Float32Array);
    const bad = Float32Array.from(got);
    const bits = new Uint32Array(bad.buffer);
    bits[100] ^= 1;
    expect(() => expectBits(bad, (i) => a[i] + b[i], "flipped")).toThrow(/element 100/);
  });

  it("broadcasts outside the forms (a row vector against columns) take the loops", () => {
    const a = values(64 * 32, 21);
    const b = values(32, 22);
    // [64, 32] + [32]: rows of a against a whole row of b, not one element per row
    const got = tidy(
      () =>
        add(tensor(a, { shape: [64, 32] }), tensor(b, { shape: [32] })).dataSync() as Float32Array,
    );
    expect(cpuKernelInfo().lastArithPath).toBe("scalar");
    expectBits(got, (i) => a[i] + b[i % 32], "row vector");
  });
});
