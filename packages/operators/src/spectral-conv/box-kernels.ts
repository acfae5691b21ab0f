/**
 * The box moves of box.ts as single CPU kernels (one copy each, forward and backward, instead
 * of two slices and a concat, whose gradient is two slices, two zero pads and an add):
 *   "BoxExtract" (t, axis, m):    [.., n, ..] -> [.., 2m, ..]  rows n-m..n-1 then 0..m-1
 *   "BoxEmbed"   (t, axis, m, n): [.., 2m, ..] -> [.., n, ..]  the adjoint: rows back, zeros between
 * Each is the other's gradient (a selection and its transpose; C-linear, so PyTorch's complex
 * gradient is the same adjoint). And
 *   "HermitianProject" (box, modes, grid): box.ts's hermitianProject in one pass; an orthogonal
 *   projection in the real inner product Re<u, v> (the identity on partner-less entries), hence
 *   self-adjoint: its gradient is the same kernel applied to dy.
 * Backends without the kernels use the slice / concat composition (box.ts).
 */
import {
  allocOutput,
  borrowSync,
  getBackend,
  hasKernel,
  registerGradient,
  registerKernel,
  runKernel,
  type Tensor,
  writeOutput,
} from "@modewise/tensor";

interface BoxAttrs {
  axis: number;
  m: number;
  /** The full length along axis. */
  n: number;
}

interface HermitianAttrs {
  modes: readonly number[];
  grid: readonly number[];
}

const EXTRACT = "BoxExtract";
const HERMITIAN = "HermitianProject";
const EMBED = "BoxEmbed";

function components(dtype: string): number {
  return dtype === "complex64" || dtype === "complex128" ? 2 : 1;
}

/** (outer, row): the count of slabs before `axis` and the numbers per row along it. */
function geometry(shape: readonly number[], axis: number, dtype: string): [number, number] {
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let row = components(dtype);
  for (let i = axis + 1; i < shape.length; i++) row *= shape[i];
  return [outer, row];
}

function allocLike(src: ArrayLike<number>, n: number): Float32Array | Float64Array {
  return src instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
}

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  registerKernel<BoxAttrs>(EXTRACT, "cpu", ([t], { axis, m, n }, backend) => {
    const src = borrowSync(t, backend) as Float32Array | Float64Array;
    const [outer, row] = geometry(t.shape, axis, t.dtype);
    const out = allocLike(src, outer * 2 * m * row);
    for (let o = 0; o < outer; o++) {
      const from = o * n * row;
      const to = o * 2 * m * row;
      out.set(src.subarray(from + (n - m) * row, from + n * row), to);
      out.set(src.subarray(from, from + m * row), to + m * row);
    }
    const shape = t.shape.slice();
    shape[axis] = 2 * m;
    return writeOutput(out, shape, t.dtype, backend);
  });
  registerKernel<BoxAttrs>(EMBED, "cpu", ([t], { axis, m, n }, backend) => {
    const src = borrowSync(t, backend) as Float32Array | Float64Array;
    const [outer, row] = geometry(t.shape, axis, t.dtype);
    const out = allocLike(src, outer * n * row);
    for (let o = 0; o < outer; o++) {
      const from = o * 2 * m * row;
      const to = o * n * row;
      out.set(src.subarray(from + m * row, from + 2 * m * row), to);
      out.set(src.subarray(from, from + m * row), to + (n - m) * row);
    }
    const shape = t.shape.slice();
    shape[axis] = n;
    return writeOutput(out, shape, t.dtype, backend);
  });
  registerKernel<HermitianAttrs>(HERMITIAN, "cpu", ([t], attrs, backend) => {
    const src = borrowSync(t, backend) as Float32Array | Float64Array;
    // every element is written (a copy of src, then the projected columns): no zero fill
    const out = allocOutput(t.shape.slice(), t.dtype, backend, false);
    hermitianCpu(src, t.shape, attrs, out.values as Float32Array | Float64Array);
    return out.finish();
  });
  registerGradient<HermitianAttrs>(HERMITIAN, (dy, _inputs, _y, attrs) => [
    runKernel<HermitianAttrs>(HERMITIAN, [dy], attrs, "hermitianProject (gradient)"),
  ]);
  registerGradient<BoxAttrs>(EXTRACT, (dy, _inputs, _y, attrs) => [
    runKernel<BoxAttrs>(EMBED, [dy], attrs, "extractAxis (gradient)"),
  ]);
  registerGradient<BoxAttrs>(EMBED, (dy, _inputs, _y, attrs) => [
    runKernel<BoxAttrs>(EXTRACT, [dy], attrs, "embedAxis (gradient)"),
  ]);
}

/**
 * Over the leading box axes (sizes 2 m_i, flattened row-major): the partner index of each entry
 * (box index j -> 2m - j, 0 -> 0 on every axis), or -1 for an entry without a partner in the
 * box (index 0, frequency -m, on an axis with n > 2m), which the projection leaves as is.
 */
function partners(modes: readonly number[], grid: readonly number[]): Int32Array {
  const lead = modes.slice(0, -1).map((m) => 2 * m);
  const total = lead.reduce((a, b) => a * b, 1);
  const out = new Int32Array(total);
  for (let flat = 0; flat < total; flat++) {
    let r = flat;
    let partner = 0;
    let stride = 1;
    for (let i = lead.length - 1; i >= 0; i--) {
      const j = r % lead[i];
      r = Math.floor(r / lead[i]);
      if (j === 0 && grid[i] !== lead[i]) {
        partner = -1;
        break;
      }
      partner += (j === 0 ? 0 : lead[i] - j) * stride;
      stride *= lead[i];
    }
    out[flat] = partner;
  }
  return out;
}

function hermitianCpu(
  src: Float32Array | Float64Array,
  shape: readonly number[],
  { modes, grid }: HermitianAttrs,
  out: Float32Array | Float64Array,
): void {
  out.set(src);
  const d = modes.length;
  const mLast = shape[shape.length - 1];
  const nLast = grid[d - 1];
  const hasNyquist = nLast % 2 === 0 && mLast === nLast / 2 + 1 && mLast > 1;
  const columns = hasNyquist ? [0, mLast - 1] : [0];
  const partner = partners(modes, grid);
  const lead = partner.length;
  const outer = shape[0] * shape[1];
  for (let o = 0; o < outer; o++) {
    const slab = o * lead * mLast;
    for (const col of columns) {
      for (let j = 0; j < lead; j++) {
        const pj = partner[j];
        if (pj < 0) continue;
        const at = 2 * (slab + j * mLast + col);
        const from = 2 * (slab + pj * mLast + col);
        // (z_j + conj z_partner) / 2
        out[at] = (src[at] + src[from]) * 0.5;
        out[at + 1] = (src[at + 1] - src[from + 1]) * 0.5;
      }
    }
  }
}

/** Whether the current backend runs the box kernels (else box.ts composes core ops). */
export function boxKernelsAvailable(): boolean {
  ensureRegistered();
  return hasKernel(EXTRACT, getBackend());
}

export function extractKernel(t: Tensor, axis: number, m: number): Tensor {
  return runKernel<BoxAttrs>(EXTRACT, [t], { axis, m, n: t.shape[axis] }, "extractAxis");
}

export function embedKernel(t: Tensor, axis: number, m: number, n: number): Tensor {
  return runKernel<BoxAttrs>(EMBED, [t], { axis, m, n }, "embedAxis");
}

export function hermitianKernel(
  box: Tensor,
  modes: readonly number[],
  grid: readonly number[],
): Tensor {
  return runKernel<HermitianAttrs>(HERMITIAN, [box], { modes, grid }, "hermitianProject");
}
