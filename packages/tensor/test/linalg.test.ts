/**
 * matmul, dot, outer and einsum against PyTorch (fixtures/linalg.json, made by
 * fixtures/generate_linalg.py), finite-difference gradient checks, float32/complex64 against a
 * float64 reference computed here, and the typed errors.
 *
 * Tolerances are rounding-error bounds, not tuned constants (see fixtures/fixtures.ts): a
 * float64 result that sums K products may differ from PyTorch's by 2 gamma_{K+1} sum |a_i b_i|
 * (gamma_n = n 2^-53 / (1 - n 2^-53)), complex results by 2 sqrt(2) gamma_{K+3} sum |a_i||b_i|.
 * Single-precision results are compared to the exact-input float64 product with gamma_{K+1} at
 * u = 2^-24, which every correct float32 implementation (float32 or float64 accumulation) meets.
 */
import {
  broadcastTo,
  conj,
  DTypeError,
  dot,
  einsum,
  grad,
  gradientsOf,
  matmul,
  mul,
  outer,
  real,
  ShapeError,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import {
  decode,
  type EinsumCase,
  expectWithinBound,
  FIXTURES,
  type FixtureCase,
  gamma,
  type MatmulCase,
  pairBound,
  U32,
} from "./fixtures/fixtures.js";
import { checkGrad, randomTensor } from "./helpers.js";

/** Gradients of L = Re(sum(conj(C) * f(xs))) (real: sum(C * f(xs))), as the fixtures define them. */
function lossGrads(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], cot: Tensor): Tensor[] {
  const { value, grads } = gradientsOf(() => {
    const out = f(...xs);
    return cot.dtype === "complex128" ? sum(real(mul(conj(cot), out))) : sum(mul(cot, out));
  }, xs);
  value.dispose();
  return grads;
}

/** Forward value and PyTorch's gradients for one fixture case, within the rounding bound. */
function checkAgainstFixture(c: FixtureCase, f: (...xs: Tensor[]) => Tensor): void {
  tidy(() => {
    const xs = c.inputs.map(decode);
    const factors = c.inputs.length;
    const complex = c.out.dtype === "complex128";
    expectWithinBound(
      f(...xs),
      c.out,
      c.mag,
      pairBound(c.terms, factors, complex),
      `${c.name} value`,
    );
    if (c.grads.length === 0) return;
    const gs = lossGrads(f, xs, decode(c.cotangent));
    c.grads.forEach((ref, i) => {
      // Each gradient is a sum over `ref.terms` products of the cotangent and the other operands.
      expectWithinBound(
        gs[i],
        ref.value,
        ref.mag,
        pairBound(ref.terms, factors, complex),
        `${c.name} grad ${i}`,
      );
    });
  });
}

const gradCases = <C extends FixtureCase>(cases: C[]): C[] =>
  cases.filter((c) => c.grads.length > 0);

describe("matmul against PyTorch (float64, complex128)", () => {
  it.each(FIXTURES.matmul.map((c) => [c.name, c] as const))("%s", (_name, c: MatmulCase) => {
    checkAgainstFixture(c, (a, b) =>
      matmul(a, b, { transposeA: c.transposeA, transposeB: c.transposeB }),
    );
  });

  it("dot agrees with the 1-D @ 1-D and 2-D @ 2-D references", () => {
    for (const name of ["1-D @ 1-D", "2-D @ 2-D", "complex128 1-D @ 1-D"]) {
      const c = FIXTURES.matmul.find((m) => m.name === name)!;
      tidy(() => {
        const [a, b] = c.inputs.map(decode);
        expectWithinBound(
          dot(a, b),
          c.out,
          c.mag,
          pairBound(c.terms, 2, c.out.dtype === "complex128"),
          name,
        );
      });
    }
  });

  it("1-D operands ignore the transpose flags (a vector has no second axis)", () => {
    tidy(() => {
      const a = randomTensor([5], "float64", 3);
      const b = randomTensor([5, 2], "float64", 4);
      const plain = matmul(a, b).dataSync();
      expect(Array.from(matmul(a, b, { transposeA: true }).dataSync())).toEqual(Array.from(plain));
      const c = randomTensor([2, 5], "float64", 5);
      expect(Array.from(matmul(c, a, { transposeB: true }).dataSync())).toEqual(
        Array.from(matmul(c, a).dataSync()),
      );
    });
  });

  it("output shapes follow numpy.matmul", () => {
    tidy(() => {
      const z = (s: number[]) =>
        tensor(new Float64Array(s.reduce((p, q) => p * q, 1)), { shape: s });
      expect(matmul(z([4]), z([4])).shape).toEqual([]);
      expect(matmul(z([4]), z([3, 4, 2])).shape).toEqual([3, 2]);
      expect(matmul(z([3, 2, 4]), z([4])).shape).toEqual([3, 2]);
      expect(matmul(z([5, 1, 2, 4]), z([3, 4, 6])).shape).toEqual([5, 3, 2, 6]);
      expect(matmul(z([2, 0]), z([0, 3])).shape).toEqual([2, 3]);
      expect(Array.from(matmul(z([2, 0]), z([0, 3])).dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    });
  });
});

describe("matmul IEEE semantics", () => {
  it("0 * Inf and 0 * NaN terms give NaN (as PyTorch), in unrolled and remainder positions of K", () => {
    tidy(() => {
      for (const dtype of ["float64", "float32"] as const) {
        for (const K of [1, 3, 4, 5, 9]) {
          for (const bad of [Number.POSITIVE_INFINITY, Number.NaN]) {
            for (let at = 0; at < K; at++) {
              const a = tensor(new Float64Array(K), { dtype, shape: [1, K] });
              const col = Float64Array.from({ length: K }, (_, k) => (k === at ? bad : 1));
              const b = tensor(col, { dtype, shape: [K, 1] });
              const v = matmul(a, b).dataSync()[0];
              if (!Number.isNaN(v)) throw new Error(`${dtype} K=${K}, ${bad} at ${at}: got ${v}`);
            }
          }
        }
      }
      const z = matmul(
        tensor([[0, 0]], { dtype: "complex128" }),
        tensor([[Number.POSITIVE_INFINITY, 0]], { dtype: "complex128" }),
      );
      expect(Number.isNaN(z.dataSync()[0])).toBe(true);
    });
  });
});

describe("matmul in single precision", () => {
  /** Exact-input float64 product and sum |a||b| by the textbook triple loop (real or complex). */
  function reference(
    A: Float64Array,
    B: Float64Array,
    M: number,
    K: number,
    N: number,
    complex: boolean,
  ) {
    const c = complex ? 2 : 1;
    const out = new Float64Array(M * N * c);
    const mag = new Float64Array(M * N);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let re = 0;
        let im = 0;
        let m = 0;
        for (let k = 0; k < K; k++) {
          const ar = A[(i * K + k) * c];
          const br = B[(k * N + j) * c];
          if (complex) {
            const ai = A[(i * K + k) * 2 + 1];
            const bi = B[(k * N + j) * 2 + 1];
            re += ar * br - ai * bi;
            im += ar * bi + ai * br;
            m += Math.hypot(ar, ai) * Math.hypot(br, bi);
          } else {
            re += ar * br;
            m += Math.abs(ar * br);
          }
        }
        out[(i * N + j) * c] = re;
        if (complex) out[(i * N + j) * 2 + 1] = im;
        mag[i * N + j] = m;
      }
    return { out, mag };
  }

  it.each([
    ["float32", 7, 1100, 3],
    ["complex64", 4, 300, 5],
  ] as const)(
    "%s [%i x %i] @ [%i]: within gamma_{K+1}(2^-24) sum |a b| of the exact product",
    (dtype, M, K, N) => {
      tidy(() => {
        const a = randomTensor([M, K], dtype, 11);
        const b = randomTensor([K, N], dtype, 12);
        const out = matmul(a, b);
        expect(out.dtype).toBe(dtype);
        const { out: ref, mag } = reference(
          Float64Array.from(a.dataSync()),
          Float64Array.from(b.dataSync()),
          M,
          K,
          N,
          dtype === "complex64",
        );
        const got = out.dataSync();
        const c = dtype === "complex64" ? 2 : 1;
        // Complex: sqrt(2) gamma_{K+2} per component; the float64 reference's own error is
        // gamma_{K+2}(2^-53) sum |a||b|, included by using K + 3 terms.
        const scale = dtype === "complex64" ? Math.SQRT2 * gamma(K + 3, U32) : gamma(K + 1, U32);
        for (let i = 0; i < got.length; i++) {
          const tol = scale * mag[Math.floor(i / c)];
          if (!(Math.abs(got[i] - ref[i]) <= tol))
            throw new Error(`component ${i}: ${got[i]} vs ${ref[i]}, bound ${tol}`);
        }
      });
    },
  );

  it("float32 @ float64 promotes to float64; a nested array adopts the tensor's dtype", () => {
    tidy(() => {
      const a = tensor([[1, 2]], { dtype: "float32" });
      const b = tensor([[3], [4]], { dtype: "float64" });
      expect(matmul(a, b).dtype).toBe("float64");
      expect(matmul(b, [[1, 2]]).dtype).toBe("float64");
      expect(matmul(a, b).item()).toBe(11);
    });
  });
});

describe("matmul gradients: finite differences in float64", () => {
  it.each(gradCases(FIXTURES.matmul).map((c) => [c.name, c] as const))(
    "%s",
    (_name, c: MatmulCase) => {
      tidy(() => {
        checkGrad(
          (a, b) => matmul(a, b, { transposeA: c.transposeA, transposeB: c.transposeB }),
          c.inputs.map(decode),
        );
      });
    },
  );
});

describe("matmul gradient of a weight shared by the batch (folded into one product)", () => {
  it("finite differences in float64, plain and with transposeB, complex too", () => {
    tidy(() => {
      checkGrad(
        (a, b) => matmul(a, b),
        [randomTensor([2, 3, 4, 5], "float64", 1), randomTensor([5, 6], "float64", 2)],
      );
      checkGrad(
        (a, b) => matmul(a, b, { transposeB: true }),
        [randomTensor([3, 4, 5], "float64", 3), randomTensor([1, 6, 5], "float64", 4)],
      );
      checkGrad(
        (a, b) => matmul(a, b),
        [randomTensor([3, 2, 4], "complex128", 5), randomTensor([4, 3], "complex128", 6)],
      );
    });
  });

  it("zero-size contraction or output (K = 0, N = 0, M = 0) gives zero / empty gradients", () => {
    tidy(() => {
      for (const [as, bs] of [
        [
          [2, 3, 0],
          [0, 4],
        ],
        [
          [2, 3, 5],
          [5, 0],
        ],
        [
          [2, 0, 5],
          [5, 4],
        ],
      ] as const) {
        const a = randomTensor([...as], "float64", 1);
        const b = randomTensor([...bs], "float64", 2);
        const [ga, gb] = gradientsOf(() => sum(matmul(a, b)), [a, b]).grads;
        expect(ga.shape).toEqual([...as]);
        expect(gb.shape).toEqual([...bs]);
        expect(Array.from(gb.dataSync()).every((v) => v === 0)).toBe(true);
      }
    });
  });

  it("equals the sum of the per-batch gradients (the unfolded route) to rounding", () => {
    tidy(() => {
      const a = randomTensor([6, 7, 5], "float64", 7);
      const w = randomTensor([5, 4], "float64", 8);
      const dy = randomTensor([6, 7, 4], "float64", 9);
      const folded = grad((t: Tensor) => sum(mul(matmul(a, t), dy)))(w).dataSync();
      // unfolded: the weight broadcast explicitly to the batch, its gradient summed afterwards
      const unfolded = grad((t: Tensor) => sum(mul(matmul(a, broadcastTo(t, [6, 5, 4])), dy)))(
        w,
      ).dataSync();
      const ad = a.dataSync();
      const dyd = dy.dataSync();
      for (let k = 0; k < 5; k++)
        for (let n = 0; n < 4; n++) {
          let ref = 0;
          let mag = 0;
          for (let s = 0; s < 6 * 7; s++) {
            ref += ad[s * 5 + k] * dyd[s * 4 + n];
            mag += Math.abs(ad[s * 5 + k] * dyd[s * 4 + n]);
          }
          // 42 products summed: within 42 u of the magnitudes either way
          const tol = 42 * 2 ** -53 * mag;
          expect(Math.abs(folded[k * 4 + n] - ref)).toBeLessThanOrEqual(tol);
          expect(Math.abs(unfolded[k * 4 + n] - ref)).toBeLessThanOrEqual(tol);
        }
    });
  });
});

describe("outer", () => {
  it("matches the einsum i,j->ij reference, and does not conjugate", () => {
    const c = FIXTURES.einsum.find((e) => e.name.startsWith("outer"))!;
    tidy(() => {
      const [a, b] = c.inputs.map(decode);
      expectWithinBound(outer(a, b), c.out, c.mag, pairBound(1, 2, false), "outer");
      const z = tensor([[1, 2]], { dtype: "complex128" });
      expect(outer(z, z).arraySync()).toEqual([[[-3, 4]]]);
    });
  });

  it("flattens its operands (numpy.outer) and has the right gradient", () => {
    tidy(() => {
      expect(outer(tensor([[1, 2]]), tensor([3, 4, 5])).shape).toEqual([2, 3]);
      checkGrad(outer, [randomTensor([3], "complex128", 1), randomTensor([4], "complex128", 2)]);
    });
  });
});

describe("einsum against PyTorch", () => {
  it.each(FIXTURES.einsum.map((c) => [c.name, c] as const))("%s", (_name, c: EinsumCase) => {
    checkAgainstFixture(c, (...xs) => einsum(c.equation, ...xs));
  });
});

describe("einsum gradients: finite differences in float64", () => {
  it.each(gradCases(FIXTURES.einsum).map((c) => [c.name, c] as const))(
    "%s",
    (_name, c: EinsumCase) => {
      tidy(() => {
        checkGrad((...xs) => einsum(c.equation, ...xs), c.inputs.map(decode));
      });
    },
  );
});

describe("einsum semantics", () => {
  it("implicit output is the once-used letters in code-point order; explicit output reorders", () => {
    tidy(() => {
      const a = randomTensor([2, 3], "float64", 1);
      const b = randomTensor([3, 4], "float64", 2);
      expect(einsum("ij,jk", a, b).shape).toEqual([2, 4]);
      expect(einsum("ij,jk->ki", a, b).shape).toEqual([4, 2]);
      // Transposing via the output matches the transpose op exactly (no arithmetic).
      expect(einsum("ij,jk->ki", a, b).arraySync()).toEqual(
        einsum("ik->ki", einsum("ij,jk", a, b)).arraySync(),
      );
      expect(einsum("ij", a).arraySync()).toEqual(a.arraySync());
      expect(einsum("ji", a).shape).toEqual([3, 2]);
      expect(einsum(" i j , j k -> i k ", a, b).shape).toEqual([2, 4]);
    });
  });

  it("an output letter kept from a single operand is not summed", () => {
    tidy(() => {
      const a = tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: "float64" },
      );
      expect(einsum("ij->i", a).arraySync()).toEqual([3, 7]);
      expect(einsum("ij->j", a).arraySync()).toEqual([4, 6]);
      expect(einsum("ij,k->ik", a, tensor([1, 10], { dtype: "float64" })).arraySync()).toEqual([
        [3, 30],
        [7, 70],
      ]);
    });
  });

  it("promotes operand dtypes (int32 with float64, real with complex)", () => {
    tidy(() => {
      const i = tensor(new Int32Array([1, 2]));
      expect(einsum("i,i->", i, tensor([3, 4], { dtype: "float64" })).item()).toBe(11);
      const r = einsum(
        "i,i->",
        tensor([1, 2], { dtype: "float64" }),
        tensor(
          [
            [0, 1],
            [1, 0],
          ],
          { dtype: "complex128" },
        ),
      );
      expect(r.dtype).toBe("complex128");
      expect(r.arraySync()).toEqual([2, 1]);
    });
  });

  it("rejects traces and diagonals (repeated subscripts within one operand) with a ValueError", () => {
    tidy(() => {
      const a = tensor([
        [1, 2],
        [3, 4],
      ]);
      for (const eq of ["ii->", "ii", "ii->i", "ij,jj->i"]) {
        const args = eq.includes(",") ? [a, a] : [a];
        let err: unknown;
        try {
          einsum(eq, ...args);
        } catch (e) {
          err = e;
        }
        expect(err, eq).toBeInstanceOf(ValueError);
        expect((err as ValueError).argument).toBe("equation");
        expect((err as ValueError).expected).toMatch(/repeated subscript/);
      }
    });
  });

  it("typed errors name the argument, the expectation and what was received", () => {
    tidy(() => {
      const a = tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      const b = tensor([
        [1, 2],
        [3, 4],
      ]);
      const grab = (f: () => unknown) => {
        try {
          f();
        } catch (e) {
          return e as ValueError;
        }
        throw new Error("expected an error");
      };
      let e = grab(() => einsum("ij,jk->ik", a, b)); // j: 3 vs 2
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toMatch(/size 3 for subscript 'j'/);
      expect(e.received).toBe("size 2");
      e = grab(() => einsum("ijk,jk->i", a, b));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("operands[0]");
      expect(e.expected).toBe("rank 3 for 'ijk'");
      expect(e.received).toBe("shape [2,3]");
      e = grab(() => einsum("ij,jk->ik", a));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("operands");
      e = grab(() => einsum("ij->q", a));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.expected).toMatch(/'q'/);
      e = grab(() => einsum("ij->ii", a));
      expect(e.expected).toMatch(/distinct output/);
      e = grab(() => einsum("...j->j", a));
      expect(e).toBeInstanceOf(ValueError);
      e = grab(() => einsum("i1->i", a));
      expect(e).toBeInstanceOf(ValueError);
    });
  });
});

describe("matmul typed errors", () => {
  const grab = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e as ShapeError;
    }
    throw new Error("expected an error");
  };

  it("contraction mismatch names b, the expected size and the received shape", () => {
    tidy(() => {
      const e = grab(() => matmul(tensor([[1, 2, 3]]), tensor([[1], [2]])));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.fn).toBe("matmul");
      expect(e.argument).toBe("b");
      expect(e.expected).toMatch(/contraction size of 3/);
      expect(e.received).toMatch(/\[2,1\].*size 2/);
      // With transposeB the contraction is b's last axis.
      expect(
        grab(() => matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]), { transposeB: true })).received,
      ).toMatch(/size 2/);
    });
  });

  it("non-broadcastable batch axes, scalars and integer operands", () => {
    tidy(() => {
      const z = (s: number[]) =>
        tensor(new Float64Array(s.reduce((p, q) => p * q, 1)), { shape: s });
      const e = grab(() => matmul(z([2, 3, 4]), z([3, 4, 5])));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("b");
      expect(e.received).toBe("[3]");
      expect(grab(() => matmul(tensor(2), z([2])))).toBeInstanceOf(ShapeError);
      expect(grab(() => matmul(z([2]), tensor(2))).argument).toBe("b");
      const i = tensor(new Int32Array([1, 2]));
      expect(grab(() => matmul(i, i))).toBeInstanceOf(DTypeError);
    });
  });
});
