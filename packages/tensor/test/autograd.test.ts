/**
 * The gradient API: grad, grads, valueAndGrad, valueAndGrads, gradientsOf, noGrad,
 * stopGradient; dy seeding; PyTorch's complex convention (grad = dL/dRe + i dL/dIm); unused and
 * disposed inputs; ownership of what the API returns; gradients of gradients. Expected values are
 * closed-form derivatives (exact in float64 for the polynomials used) or finite differences.
 */
import {
  add,
  conj,
  DisposedError,
  DTypeError,
  einsum,
  gather,
  grad,
  gradientsOf,
  grads,
  matmul,
  memory,
  mul,
  noGrad,
  pad,
  real,
  ShapeError,
  slice,
  stopGradient,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
  valueAndGrad,
  valueAndGrads,
} from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { checkGrad, randomTensor } from "./helpers.js";

const f64 = (v: number[] | number[][]) => tensor(v, { dtype: "float64" });
const c128 = (v: number[][] | number[][][]) => tensor(v, { dtype: "complex128" });
const cube = (y: Tensor) => sum(mul(y, mul(y, y)));

function grab(f: () => unknown): ValueError {
  try {
    f();
  } catch (e) {
    return e as ValueError;
  }
  throw new Error("expected an error");
}

describe("the five entry points agree", () => {
  it("grad, valueAndGrad, grads, valueAndGrads and gradientsOf give 3x^2 and sum(x^3)", () => {
    tidy(() => {
      const x = f64([1, -2, 0.5]);
      const want = [3, 12, 0.75];
      expect(grad(cube)(x).arraySync()).toEqual(want);
      const vg = valueAndGrad(cube)(x);
      expect(vg.value.item()).toBe(1 - 8 + 0.125);
      expect(vg.grad.arraySync()).toEqual(want);
      expect(grads((a) => cube(a))([x])[0].arraySync()).toEqual(want);
      const vgs = valueAndGrads((a, b) => add(cube(a), sum(mul(a, b))))([x, f64([1, 1, 1])]);
      expect(vgs.grads[0].arraySync()).toEqual([4, 13, 1.75]);
      expect(vgs.grads[1].arraySync()).toEqual([1, -2, 0.5]);
      // gradientsOf differentiates with respect to tensors the closure uses (module parameters).
      const w = f64([2, 3, 4]);
      const r = gradientsOf(() => sum(mul(w, x)), [w]);
      expect(r.grads[0].arraySync()).toEqual([1, -2, 0.5]);
      expect(r.value.item()).toBe(2 - 6 + 2);
    });
  });

  it("an input used several times accumulates; the same tensor listed twice gets the full gradient twice", () => {
    tidy(() => {
      const x = f64([1, 2]);
      expect(grad((t) => sum(add(mul(t, t), t)))(x).arraySync()).toEqual([3, 5]);
      const [g1, g2] = grads((a, b) => sum(mul(a, b)))([x, x]);
      expect(g1.arraySync()).toEqual([2, 4]);
      expect(g2.arraySync()).toEqual([2, 4]);
    });
  });
});

describe("complex convention: grad = dL/dRe + i dL/dIm (PyTorch)", () => {
  it("L = sum |z|^2 gives 2z; L = Re sum z^2 gives conj(2z); L = Re sum(conj(c) z) gives c", () => {
    tidy(() => {
      const z = c128([
        [1, 2],
        [3, -1],
      ]);
      expect(grad((t) => sum(real(mul(t, conj(t)))))(z).arraySync()).toEqual([
        [2, 4],
        [6, -2],
      ]);
      expect(grad((t) => sum(real(mul(t, t))))(z).arraySync()).toEqual([
        [2, -4],
        [6, 2],
      ]);
      const c = c128([
        [0.5, -3],
        [2, 7],
      ]);
      expect(grad((t) => sum(real(mul(conj(c), t))))(z).arraySync()).toEqual([
        [0.5, -3],
        [2, 7],
      ]);
    });
  });

  it("a real input feeding a complex computation gets the real part", () => {
    tidy(() => {
      const x = f64([1, 2]);
      const c = c128([
        [0, 1],
        [2, 3],
      ]);
      // L = Re sum(c x) = sum(Re(c) x)
      const g = grad((t) => sum(real(mul(c, t))))(x);
      expect(g.dtype).toBe("float64");
      expect(g.arraySync()).toEqual([0, 2]);
    });
  });
});

describe("dy seeding", () => {
  it("a non-scalar output needs dy: the vector-Jacobian product dy * conj(df/dx)", () => {
    tidy(() => {
      const x = c128([
        [1, 1],
        [0, 2],
      ]);
      const c = c128([
        [2, 0],
        [0, 1],
      ]);
      const dy = c128([
        [1, 0],
        [0, 1],
      ]);
      // y = c x (holomorphic): grad = dy * conj(c)
      expect(grad((t) => mul(c, t))(x, dy).arraySync()).toEqual([
        [2, 0],
        [1, 0],
      ]);
      const r = valueAndGrads((t) => mul(t, 3))([f64([1, 2])], f64([10, 20]));
      expect(r.value.arraySync()).toEqual([3, 6]);
      expect(r.grads[0].arraySync()).toEqual([30, 60]);
    });
  });

  it("dy equal to the loss's cotangent gives the same gradient as the scalar loss", () => {
    tidy(() => {
      const a = randomTensor([3, 4], "complex128", 1);
      const b = randomTensor([4, 2], "complex128", 2);
      const w = randomTensor([3, 2], "complex128", 3);
      const viaDy = grads((p, q) => matmul(p, q))([a, b], w);
      const viaLoss = grads((p, q) => sum(real(mul(conj(w), matmul(p, q)))))([a, b]);
      expect(viaDy[0].arraySync()).toEqual(viaLoss[0].arraySync());
      expect(viaDy[1].arraySync()).toEqual(viaLoss[1].arraySync());
    });
  });

  it("without dy a non-scalar or complex result is a ValueError naming 'f'; a mismatched dy a ShapeError naming 'dy'", () => {
    tidy(() => {
      const x = f64([1, 2]);
      let e = grab(() => grad((t) => mul(t, 2))(x));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("f");
      expect(e.received).toBe("shape [2] float64");
      e = grab(() => grad((t) => sum(mul(t, c128([[0, 1]]))))(x));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.received).toMatch(/complex128/);
      e = grab(() => grad((t) => mul(t, 2))(x, f64([1, 2, 3])));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.argument).toBe("dy");
      expect(e.expected).toBe("shape [2] float64");
      expect(e.received).toBe("shape [3] float64");
      e = grab(() => grad((t) => mul(t, 2))(x, tensor([1, 2], { dtype: "float32" })));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.received).toMatch(/float32/);
      // A scalar result may still be seeded.
      expect(grad((t) => sum(t))(x, tensor(5, { dtype: "float64" })).arraySync()).toEqual([5, 5]);
    });
  });
});

describe("unused, stopped and noGrad inputs", () => {
  it("the gradient of an unused input is zeros of its shape and dtype", () => {
    tidy(() => {
      const x = f64([1, 2]);
      const z = c128([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      const [gx, gz] = grads((a, _b) => sum(a))([x, z]);
      expect(gx.arraySync()).toEqual([1, 1]);
      expect(gz.dtype).toBe("complex128");
      expect(gz.shape).toEqual([3]);
      expect(gz.arraySync()).toEqual([
        [0, 0],
        [0, 0],
        [0, 0],
      ]);
      // A result that does not depend on x at all.
      const c = f64([4]);
      const r = gradientsOf(() => sum(c), [x]);
      expect(r.grads[0].arraySync()).toEqual([0, 0]);
    });
  });

  it("stopGradient and noGrad cut the tape (d/dx x * stop(x) = stop(x))", () => {
    tidy(() => {
      const x = f64([1, 2, 3]);
      expect(grad((t) => sum(mul(t, stopGradient(t))))(x).arraySync()).toEqual([1, 2, 3]);
      expect(
        grad((t) =>
          sum(
            mul(
              t,
              noGrad(() => mul(t, t)),
            ),
          ),
        )(x).arraySync(),
      ).toEqual([1, 4, 9]);
      expect(grad((t) => sum(stopGradient(mul(t, t))))(x).arraySync()).toEqual([0, 0, 0]);
      // stopGradient is a view: same values, shared storage.
      const before = memory().numDataBuffers;
      const s = stopGradient(x);
      expect(memory().numDataBuffers).toBe(before);
      expect(s.arraySync()).toEqual([1, 2, 3]);
      expect(noGrad(() => 7)).toBe(7);
    });
  });

  it("noGrad restores recording after it throws", () => {
    tidy(() => {
      const x = f64([2]);
      expect(() =>
        noGrad(() => {
          throw new Error("inside");
        }),
      ).toThrow("inside");
      expect(grad((t) => sum(mul(t, t)))(x).arraySync()).toEqual([4]);
    });
  });
});

describe("ownership of inputs and results", () => {
  it("inputs disposed inside f still differentiate", () => {
    tidy(() => {
      const x = f64([1, 2]);
      const g = grad((t) => {
        const u = mul(t, mul(t, t));
        t.dispose();
        return sum(u);
      })(x);
      expect(x.isDisposed).toBe(true);
      expect(g.arraySync()).toEqual([3, 12]);
    });
  });

  it("a result f did not create is returned as a new handle: disposing results never disposes the caller's tensors", () => {
    tidy(() => {
      const a = f64([1, 2]);
      const s = tensor(3, { dtype: "float64" });
      // grads() disposes the value; here the value is the caller's own s.
      const g = grads((_a, b) => b)([a, s]);
      expect(s.isDisposed).toBe(false);
      expect(g[0].arraySync()).toEqual([0, 0]);
      expect(g[1].item()).toBe(1);
      const x = tensor(2, { dtype: "float64" });
      expect(grad((t) => t)(x).item()).toBe(1);
      expect(x.isDisposed).toBe(false);
      // The gradient of the identity seeded with dy is not dy itself.
      const dy = f64([5, 6]);
      const gd = grad((t) => t)(a, dy);
      expect(gd).not.toBe(dy);
      gd.dispose();
      expect(dy.isDisposed).toBe(false);
      expect(dy.arraySync()).toEqual([5, 6]);
      const vg = valueAndGrad((t) => t)(s);
      vg.value.dispose();
      expect(s.isDisposed).toBe(false);
    });
  });

  it("typed errors for what is watched: non-tensors, disposed tensors, integer tensors", () => {
    tidy(() => {
      let e = grab(() => grads((a) => a)([3 as unknown as Tensor]));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("x[0]");
      const d = f64([1]);
      d.dispose();
      e = grab(() => grad((t) => sum(t))(d));
      expect(e).toBeInstanceOf(DisposedError);
      expect(e.argument).toBe("x[0]");
      e = grab(() => grad((t) => sum(t))(tensor(new Int32Array([1, 2]))));
      expect(e).toBeInstanceOf(DTypeError);
      e = grab(() => gradientsOf(() => 3 as unknown as Tensor, [f64([1])]));
      expect(e).toBeInstanceOf(ValueError);
      expect(e.argument).toBe("f");
    });
  });

  it("an error inside f propagates and leaves no tape behind (later ops are not recorded)", () => {
    const x = f64([1, 2]);
    const before = memory();
    expect(() =>
      grad((t) => {
        mul(t, 2);
        throw new Error("boom");
      })(x),
    ).toThrow("boom");
    const y = mul(x, 2); // would be retained by a leaked tape
    y.dispose();
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
    x.dispose();
  });
});

describe("gradients of gradients", () => {
  it("d/dx sum(d/dx sum(x^3)) = 6x, also through valueAndGrad's value", () => {
    tidy(() => {
      const x = f64([1, 2, 3]);
      expect(grad((t) => sum(grad(cube)(t)))(x).arraySync()).toEqual([6, 12, 18]);
      expect(grad((t) => valueAndGrad(cube)(t).value)(x).arraySync()).toEqual([3, 12, 27]);
    });
  });

  it("Hessian-vector products of matmul, einsum, slices, gather and pad agree with finite differences", () => {
    tidy(() => {
      const A = randomTensor([3, 3], "float64", 1);
      const quad = (y: Tensor) => sum(mul(matmul(A, y), y));
      checkGrad((t) => grad(quad)(t), [randomTensor([3], "float64", 2)]);
      const W = randomTensor([2, 3, 4], "complex128", 3);
      const mix = (z: Tensor) =>
        sum(real(mul(einsum("bi,bio->bo", z, W), conj(einsum("bi,bio->bo", z, W)))));
      checkGrad((t) => grad(mix)(t), [randomTensor([2, 3], "complex128", 4)]);
      const lay = (y: Tensor) =>
        sum(
          mul(
            pad(gather(slice(y, "::-1"), [0, 2, 2, -1]), [[2, 3]], { mode: "reflect" }),
            pad(mul(y, y), [[3, 2]], { mode: "circular" }),
          ),
        );
      checkGrad((t) => grad(lay)(t), [randomTensor([4], "float64", 5)]);
    });
  });

  it("leave memory where it was", () => {
    const x = f64([1, 2, 3]);
    const before = memory();
    for (let i = 0; i < 5; i++) grad((t) => sum(grad(cube)(t)))(x).dispose();
    expect(memory().numTensors).toBe(before.numTensors);
    expect(memory().numDataBuffers).toBe(before.numDataBuffers);
    x.dispose();
  });
});
