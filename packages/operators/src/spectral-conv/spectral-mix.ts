/**
 * Per-mode complex channel mixing: out[b, o, k] = sum_i x[b, i, k] W[i, o, k] for every kept
 * frequency k of the box (k flattened).
 *
 * On the CPU backend this is one fused kernel "SpectralMix" (below): for each (b, o) it
 * accumulates the rows x[b, i, :] * W[i, o, :] over i, streaming contiguous memory along k,
 * with float64 accumulation for float32 inputs. Elsewhere (hasKernel false) the same product is
 * a complex einsum of core ops. Either way autograd records one op.
 *
 * Gradients (PyTorch's convention; the map is C-linear in each argument, so grad = A^H g):
 *   grad x[b, i, k] = sum_o g[b, o, k] conj W[i, o, k] = SpectralMix(g, conj W^T)  (W^T: swap in/out)
 *   grad W[i, o, k] = sum_b conj x[b, i, k] g[b, o, k] = SpectralMix(conj x^T, g)  (x^T: swap b/i)
 * so the gradient is the same op (gradients of gradients work) plus two small transposes of
 * the box-sized tensors.
 */
import {
  conj,
  DTypeError,
  einsum,
  getBackend,
  hasKernel,
  readSync,
  registerGradient,
  registerKernel,
  reshape,
  runKernel,
  ShapeError,
  type Tensor,
  tidy,
  transpose,
  writeOutput,
} from "@modewise/tensor";

const KERNEL = "SpectralMix";

/** x [B, I, K] and w [I, O, K] complex, interleaved (re, im) -> [B, O, K]. */
function mixCpu(
  x: Float32Array | Float64Array,
  w: Float32Array | Float64Array,
  B: number,
  I: number,
  O: number,
  K: number,
  out: Float32Array | Float64Array,
): void {
  const acc = new Float64Array(2 * K);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < O; o++) {
      acc.fill(0);
      for (let i = 0; i < I; i++) {
        const xo = 2 * K * (b * I + i);
        const wo = 2 * K * (i * O + o);
        for (let k = 0; k < 2 * K; k += 2) {
          const xr = x[xo + k];
          const xi = x[xo + k + 1];
          const wr = w[wo + k];
          const wi = w[wo + k + 1];
          acc[k] += xr * wr - xi * wi;
          acc[k + 1] += xr * wi + xi * wr;
        }
      }
      out.set(acc, 2 * K * (b * O + o));
    }
  }
}

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  registerKernel<Record<string, never>>(KERNEL, "cpu", (inputs, _attrs, backend) => {
    const [xi, wi] = inputs;
    const [B, I, K] = xi.shape;
    const O = wi.shape[1];
    const x = readSync(xi, backend) as Float32Array | Float64Array;
    const w = readSync(wi, backend) as Float32Array | Float64Array;
    const out =
      xi.dtype === "complex64" ? new Float32Array(2 * B * O * K) : new Float64Array(2 * B * O * K);
    mixCpu(x, w, B, I, O, K, out);
    return writeOutput(out, [B, O, K], xi.dtype, backend);
  });
  registerGradient<Record<string, never>>(KERNEL, (dy, inputs) => {
    const [x, w] = inputs;
    const gx = mix3(dy, conj(transpose(w, [1, 0, 2])));
    const gw = mix3(conj(transpose(x, [1, 0, 2])), dy);
    return [gx, gw];
  });
}

/** [B, I, K] x [I, O, K] -> [B, O, K], fused where the backend has the kernel. */
function mix3(x: Tensor, w: Tensor): Tensor {
  ensureRegistered();
  if (hasKernel(KERNEL, getBackend()) && x.dtype === w.dtype)
    return runKernel(KERNEL, [x, w], {}, "spectralMix");
  return einsum("bik,iok->bok", x, w);
}

/**
 * `xHat` [batch, in, ...box] (complex) times `weight` [in, out, ...box] (complex) ->
 * [batch, out, ...box].
 */
export function spectralMix(xHat: Tensor, weight: Tensor): Tensor {
  const xs = xHat.shape;
  const ws = weight.shape;
  const box = xs.slice(2);
  if (ws.length !== xs.length || ws[0] !== xs[1] || !ws.slice(2).every((s, i) => s === box[i]))
    throw new ShapeError(
      "spectralMix",
      "weight",
      `shape [${xs[1]}, out, ${box.join(", ")}] matching xHat [${xs.join(", ")}]`,
      `[${ws.join(", ")}]`,
    );
  if (!(xHat.dtype === "complex64" || xHat.dtype === "complex128") || weight.dtype !== xHat.dtype)
    throw new DTypeError(
      "spectralMix",
      "weight",
      "complex xHat and weight of the same dtype",
      `xHat ${xHat.dtype}, weight ${weight.dtype}`,
    );
  return tidy(() => {
    const k = box.reduce((a, b) => a * b, 1);
    const out = mix3(reshape(xHat, [xs[0], xs[1], k]), reshape(weight, [ws[0], ws[1], k]));
    return reshape(out, [xs[0], ws[1], ...box]);
  });
}
