/**
 * Moving between the full half-spectrum of rfftn and the kept low-frequency box (see modes.ts
 * for the convention), and the Hermitian projection of the box before the inverse transform.
 */
import {
  add,
  concat,
  conj,
  flip,
  isFloat,
  mul,
  type SliceSpec,
  slice,
  sub,
  type Tensor,
  tensor,
  zeros,
} from "@modewise/tensor";
import { boxKernelsAvailable, embedKernel, extractKernel, hermitianKernel } from "./box-kernels.js";

/** x[..., start:stop, ...] on one axis. */
export function sliceAxis(x: Tensor, axis: number, start: number, stop: number): Tensor {
  const spec: SliceSpec[] = new Array(x.shape.length).fill(null);
  spec[axis] = { start, stop };
  return slice(x, spec);
}

/** Along one leading axis of size n: the 2m bins of frequencies -m..-1 then 0..m-1. */
export function extractAxis(t: Tensor, axis: number, m: number): Tensor {
  if (isFloat(t.dtype) && boxKernelsAvailable()) return extractKernel(t, axis, m);
  const n = t.shape[axis];
  return concat([sliceAxis(t, axis, n - m, n), sliceAxis(t, axis, 0, m)], axis);
}

/** The adjoint of extractAxis: the 2m bins back at their places in n zero bins. */
export function embedAxis(t: Tensor, axis: number, m: number, n: number): Tensor {
  if (isFloat(t.dtype) && boxKernelsAvailable()) return embedKernel(t, axis, m, n);
  const negative = sliceAxis(t, axis, 0, m);
  const positive = sliceAxis(t, axis, m, 2 * m);
  if (n === 2 * m) return concat([positive, negative], axis);
  const gapShape = t.shape.slice();
  gapShape[axis] = n - 2 * m;
  return concat([positive, zeros(gapShape, { dtype: t.dtype }), negative], axis);
}

/**
 * From the half-spectrum [b, c, n_1, ..., n_d/2+1] to the box [b, c, 2 m_1, ..., m_d]: on a
 * non-last axis the frequencies -m..-1 (the last m bins) followed by 0..m-1; on the last axis
 * the first m_d bins.
 */
export function extractBox(xHat: Tensor, modes: readonly number[]): Tensor {
  const d = modes.length;
  let t = sliceAxis(xHat, d + 1, 0, modes[d - 1]);
  for (let i = 0; i < d - 1; i++) t = extractAxis(t, i + 2, modes[i]);
  return t;
}

/**
 * The inverse of extractBox: places the box into a zero half-spectrum whose non-last axes have
 * the grid sizes `grid` (the last axis stays m_d long; irfftn zero-extends it).
 */
export function embedBox(box: Tensor, modes: readonly number[], grid: readonly number[]): Tensor {
  let t = box;
  for (let i = 0; i < modes.length - 1; i++) t = embedAxis(t, i + 2, modes[i], grid[i]);
  return t;
}

/**
 * The partner column of the Hermitian pair: along each non-last axis, box index j (frequency
 * f = j - m) maps to the index of -f, i.e. 2m - j for j >= 1, and j = 0 (frequency -m) to
 * itself. Its true partner +m lies outside the box unless n = 2m (then -m and +m are one bin);
 * those "partner-less" entries are masked out by hermitianProject.
 */
function mirrorColumn(col: Tensor, modes: readonly number[]): Tensor {
  let t = col;
  for (let i = 0; i < modes.length - 1; i++) {
    const axis = i + 2;
    t = concat([sliceAxis(t, axis, 0, 1), flip(sliceAxis(t, axis, 1, 2 * modes[i]), axis)], axis);
  }
  return t;
}

/** 1 where a column entry has no partner inside the box (frequency -m on an axis with n > 2m). */
function partnerlessMask(
  modes: readonly number[],
  grid: readonly number[],
  dtype: "float32" | "float64",
): Tensor | null {
  const lead = modes.slice(0, -1).map((m) => 2 * m);
  if (lead.every((_, i) => grid[i] === 2 * modes[i])) return null;
  const total = lead.reduce((a, b) => a * b, 1);
  const mask = new Float64Array(total);
  for (let flat = 0; flat < total; flat++) {
    let r = flat;
    for (let i = lead.length - 1; i >= 0; i--) {
      const j = r % lead[i];
      r = Math.floor(r / lead[i]);
      if (j === 0 && grid[i] !== 2 * modes[i]) mask[flat] = 1;
    }
  }
  return tensor(dtype === "float32" ? Float32Array.from(mask) : mask, {
    dtype,
    shape: [1, 1, ...lead, 1],
  });
}

/**
 * Enforces Hermitian symmetry on the DC column (and the Nyquist column, when the box reaches
 * it) of the last axis: those bins must satisfy Z(-k) = conj Z(k) for a real inverse. An entry
 * whose partner -k is in the box is replaced by (Z(k) + conj Z(-k)) / 2, the orthogonal
 * projection onto Hermitian columns. An entry whose partner is outside the box (frequency -m on
 * a leading axis with n > 2m) is left as is: the projection would move half of it to the
 * zero bin +m, and the inverse real FFT (which reads only the real part of the transform over
 * the other axes) performs exactly that. The result equals neuraloperator's (zero the imaginary
 * part of those columns after the inverse FFT over the other axes) and does not depend on how a
 * particular irfftn treats non-Hermitian input within the box.
 */
export function hermitianProject(
  box: Tensor,
  modes: readonly number[],
  grid: readonly number[],
): Tensor {
  if ((box.dtype === "complex64" || box.dtype === "complex128") && boxKernelsAvailable())
    return hermitianKernel(box, modes, grid);
  const d = modes.length;
  const axis = d + 1;
  const mLast = modes[d - 1];
  const nLast = grid[d - 1];
  const hasNyquist = nLast % 2 === 0 && mLast === nLast / 2 + 1 && mLast > 1;
  const dtype = box.dtype === "complex64" ? "float32" : "float64";
  const mask = partnerlessMask(modes, grid, dtype);
  const project = (col: Tensor): Tensor => {
    const sym = mul(add(col, conj(mirrorColumn(col, modes))), 0.5);
    // mask: keep partner-less entries, project the others
    return mask === null ? sym : add(sym, mul(sub(col, sym), mask));
  };
  const parts: Tensor[] = [project(sliceAxis(box, axis, 0, 1))];
  const interiorStop = hasNyquist ? mLast - 1 : mLast;
  if (interiorStop > 1) parts.push(sliceAxis(box, axis, 1, interiorStop));
  if (hasNyquist) parts.push(project(sliceAxis(box, axis, mLast - 1, mLast)));
  return parts.length === 1 ? parts[0] : concat(parts, axis);
}
