/**
 * Typed errors of the standalone API (ShapeError / DTypeError / ValueError from
 * @modewise/tensor), each naming the public function and the argument.
 */
import * as F from "@modewise/fft";
import { DTypeError, type ModewiseError, ShapeError, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

function expectError(
  f: () => unknown,
  type: typeof ShapeError | typeof DTypeError | typeof ValueError,
  fn: string,
  argument?: string,
): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, `${fn}: no error thrown`).toBeInstanceOf(type);
  const e = err as ModewiseError;
  expect(e.fn).toBe(fn);
  if (argument !== undefined) expect(e.argument).toBe(argument);
  expect(e.message.startsWith(`${fn}: argument '`)).toBe(true);
}

const x = new Float64Array(8);
const v = { data: new Float64Array(24), shape: [3, 4, 2] };

describe("ShapeError", () => {
  it("empty transform axes (without n), odd interleaved lengths, mismatched split lengths", () => {
    expectError(() => F.fft(new Float64Array(0)), ShapeError, "fft", "x");
    expectError(() => F.rfft(new Float64Array(0)), ShapeError, "rfft", "x");
    expectError(() => F.dct(new Float64Array(0)), ShapeError, "dct", "x");
    expectError(
      () => F.fftn({ data: new Float64Array(0), shape: [3, 0, 2] }),
      ShapeError,
      "fftn",
      "x",
    );
    expectError(() => F.irfft(new Float64Array(0)), ShapeError, "irfft", "x");
    expectError(() => F.fft(new Float64Array(7)), ShapeError, "fft", "x");
    expectError(() => F.ifftbr(new Float32Array(3)), ShapeError, "ifftbr", "x");
    expectError(
      () => F.fft({ re: new Float64Array(4), im: new Float64Array(5) }),
      ShapeError,
      "fft",
      "x.im",
    );
    expectError(
      () =>
        F.fftn({
          re: { data: new Float64Array(6), shape: [2, 3] },
          im: { data: new Float64Array(6), shape: [3, 2] },
        }),
      ShapeError,
      "fftn",
      "x.im",
    );
  });

  it("views: a complex view without a trailing axis of 2, bad shapes, strides, out-of-bounds", () => {
    expectError(
      () => F.fftn({ data: new Float64Array(12), shape: [3, 4] }),
      ShapeError,
      "fftn",
      "x.shape",
    );
    expectError(() => F.fft({ data: x, shape: [2.5] }), ShapeError, "fft", "x.shape");
    expectError(
      () => F.rfft({ data: x, shape: [3], stride: [1, 1] }),
      ShapeError,
      "rfft",
      "x.stride",
    );
    expectError(() => F.rfft({ data: x, shape: [3], stride: [4] }), ShapeError, "rfft", "x");
    expectError(() => F.rfft({ data: x, shape: [9] }), ShapeError, "rfft", "x");
  });

  it("out of the wrong shape", () => {
    expectError(() => F.fft(x, { out: new Float64Array(10) }), ShapeError, "fft", "out");
    expectError(
      () => F.fftn(v, { out: { data: new Float64Array(24), shape: [4, 3, 2] } }),
      ShapeError,
      "fftn",
      "out",
    );
  });
});

describe("DTypeError", () => {
  it("non-float input, mixed precisions, out of the wrong precision", () => {
    expectError(() => F.fft(new Int32Array(8) as never), DTypeError, "fft", "x");
    expectError(() => F.rfft(new Uint8Array(8) as never), DTypeError, "rfft", "x");
    expectError(
      () => F.fftn({ data: new Int32Array(8), shape: [4, 2] } as never),
      DTypeError,
      "fftn",
      "x.data",
    );
    expectError(
      () => F.fft({ re: new Float64Array(4), im: new Float32Array(4) } as never),
      DTypeError,
      "fft",
      "x.im",
    );
    expectError(() => F.fft({ re: new Int32Array(4) } as never), DTypeError, "fft", "x.re");
    expectError(() => F.fft(x, { out: new Float32Array(8) }), DTypeError, "fft", "out");
    expectError(() => F.dct({ re: x } as never), DTypeError, "dct", "x");
  });
});

describe("ValueError", () => {
  it("axes: non-integer, out of range, repeated", () => {
    expectError(() => F.fftn(v, { axes: [0.5] }), ValueError, "fftn", "axes[0]");
    expectError(() => F.fftn(v, { axes: [2] }), ValueError, "fftn", "axes[0]");
    expectError(() => F.fftn(v, { axes: [-3] }), ValueError, "fftn", "axes[0]");
    expectError(() => F.fftn(v, { axes: [1, -1] }), ValueError, "fftn", "axes");
    expectError(
      () => F.rfftn({ data: x, shape: [2, 4] }, { axes: [0, 0] }),
      ValueError,
      "rfftn",
      "axes",
    );
    expectError(() => F.fft(v, { axis: 2 }), ValueError, "fft", "axis");
    expectError(
      () => F.dct({ data: x, shape: [2, 4] }, { axis: "1" as never }),
      ValueError,
      "dct",
      "axis",
    );
    expectError(() => F.fftshift(x, { axes: [0, 0] }), ValueError, "fftshift", "axes");
    expectError(() => F.rfftn({ data: x, shape: [8] }, { axes: [] }), ValueError, "rfftn", "axes");
  });

  it("lengths n / s, irfft's default length, s and axes of different lengths", () => {
    expectError(() => F.fft(x, { n: 0 }), ValueError, "fft", "n");
    expectError(() => F.fft(x, { n: 2.5 }), ValueError, "fft", "n");
    expectError(() => F.irfft(new Float64Array(2)), ValueError, "irfft", "n");
    expectError(() => F.fftn(v, { s: [3, 0] }), ValueError, "fftn", "s[1]");
    expectError(() => F.fftn(v, { s: [3, 4], axes: [0] }), ValueError, "fftn", "s");
    expectError(() => F.fftn(v, { s: [1, 2, 3] }), ValueError, "fftn", "s");
    expectError(
      () => F.irfftn({ data: new Float64Array(6), shape: [3, 1, 2] }),
      ValueError,
      "irfftn",
      "s[1]",
    );
  });

  it("options: norm, type, orthogonalize, layout, frequencies, bit-reversal lengths", () => {
    expectError(() => F.fft(x, { norm: "unitary" as never }), ValueError, "fft", "norm");
    expectError(() => F.dct(x, { type: 5 as never }), ValueError, "dct", "type");
    expectError(() => F.dct(x, { orthogonalize: 1 as never }), ValueError, "dct", "orthogonalize");
    expectError(() => F.dct(new Float64Array(1), { type: 1 }), ValueError, "dct", "n");
    expectError(() => F.rfft(x, { layout: "planar" as never }), ValueError, "rfft", "layout");
    expectError(() => F.fftfreq(0), ValueError, "fftfreq", "n");
    expectError(() => F.rfftfreq(3.5), ValueError, "rfftfreq", "n");
    expectError(() => F.fftfreq(4, "1" as never), ValueError, "fftfreq", "d");
    expectError(() => F.fftbr(new Float64Array(12)), ValueError, "fftbr", "x");
    expectError(() => F.fft("abc" as never), ValueError, "fft", "x");
    expectError(() => F.fft(x, 3 as never), ValueError, "fft", "options");
  });

  it("out of another form", () => {
    expectError(
      () => F.fft(x, { out: { re: new Float64Array(4), im: new Float64Array(4) } }),
      ValueError,
      "fft",
      "out",
    );
  });
});
