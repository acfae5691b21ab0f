/**
 * SpectralConv's bias in frequency space: a bias b [out, 1, ..., 1] constant in space is b N at
 * frequency 0 (the inverse transform divides by N), so it is added to the zero-frequency entry of
 * each (batch, channel) box instead of to every grid point.
 *
 * "SpectralBias" (box, bias; dc, boxSize, n): out = box, out[b, o, dc] += fl(b[o] N) on the
 * real part, with fl the rounding to the box's precision (as the composition
 * pad(toComplex(b N)) + box, which it replaces, rounds it). One copy of the box, forward; the
 * gradient is dy for the box and N Re(sum_b dy[b, o, dc]) for the bias: a slice of the batch's
 * DC entries and a sum over the batch (the composition's broadcast gradient summed the whole
 * [batch, out, box] and sliced afterwards: two passes over the box per layer and step).
 * Same values as the composition (the sums use the same tree); one difference in bits: an
 * entry -0 stays -0 (adding the zero padding made it +0). Backends without the kernel use the
 * composition.
 */
import {
  add,
  allocOutput,
  borrowSync,
  getBackend,
  hasKernel,
  mul,
  pad,
  real,
  registerGradient,
  registerKernel,
  reshape,
  runKernel,
  slice,
  sum,
  type Tensor,
  toComplex,
} from "@modewise/tensor";

interface BiasAttrs {
  /** Flat offset of frequency 0 in one (batch, channel) box. */
  dc: number;
  /** Entries of one box. */
  boxSize: number;
  /** Grid points N (the scale of the bias at frequency 0). */
  n: number;
  /** Index of frequency 0 along each box axis (m_i on the leading axes, 0 on the last). */
  at: readonly number[];
}

const KERNEL = "SpectralBias";

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  registerKernel<BiasAttrs>(KERNEL, "cpu", ([box, bias], a, backend) => {
    const src = borrowSync(box, backend) as Float32Array | Float64Array;
    const b = borrowSync(bias, backend) as Float32Array | Float64Array;
    // every element is written (the copy): no zero fill
    const out = allocOutput(box.shape.slice(), box.dtype, backend, false);
    const v = out.values as Float32Array | Float64Array;
    v.set(src);
    const channels = box.shape[1] as number;
    const batch = box.shape[0] as number;
    const f32 = v instanceof Float32Array;
    for (let o = 0; o < channels; o++) {
      // b N rounded to the dtype, as mul(bias, N) stores it
      const shift = f32 ? Math.fround((b[o] as number) * a.n) : (b[o] as number) * a.n;
      for (let q = 0; q < batch; q++) {
        const i = 2 * ((q * channels + o) * a.boxSize + a.dc);
        v[i] = (src[i] as number) + shift;
      }
    }
    return out.finish();
  });
  registerGradient<BiasAttrs>(KERNEL, (dy, [, bias], _y, a, needs) => {
    if (!needs[1]) return [dy, null];
    // dy[:, :, m_1:m_1+1, ..., 0:1]: every batch's and channel's frequency-0 entry
    const dc = sum(slice(dy, [null, null, ...a.at.map((i) => ({ start: i, stop: i + 1 }))]), 0);
    return [dy, reshape(mul(real(dc), a.n), bias.shape)];
  });
}

/**
 * box [batch, out, ...box] (complex) plus the spectral image of `bias` [out, 1, ..., 1] (real, of
 * the box's precision) for a grid of `grid` points and box half-widths `modes`.
 */
export function addSpectralBias(
  box: Tensor,
  bias: Tensor,
  modes: readonly number[],
  grid: readonly number[],
): Tensor {
  const n = grid.reduce((p, q) => p * q, 1);
  const d = modes.length;
  // frequency 0 sits at box index m_i on the leading axes and 0 on the last
  const at = modes.map((m, i) => (i === d - 1 ? 0 : m));
  ensureRegistered();
  if (hasKernel(KERNEL, getBackend())) {
    const boxShape = box.shape.slice(2);
    let dc = 0;
    for (let i = 0; i < d; i++) dc = dc * (boxShape[i] as number) + (at[i] as number);
    const boxSize = boxShape.reduce((p, q) => p * q, 1);
    return runKernel<BiasAttrs>(KERNEL, [box, bias], { dc, boxSize, n, at }, "SpectralConv");
  }
  const padding: [number, number][] = modes.map((m, i) => (i === d - 1 ? [0, m - 1] : [m, m - 1]));
  return add(box, pad(toComplex(mul(bias, n)), [[0, 0], ...padding]));
}
