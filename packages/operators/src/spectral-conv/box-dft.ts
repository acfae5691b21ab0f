/**
 * The 2-D (and 1-D) spectral transforms of SpectralConv straight to and from the kept box, as dense DFT
 * matrices applied with the float32 sgemm of @modewise/tensor/cpu-kernels (CPU, float32 only):
 *
 *   "BoxDFT"  x [B, C, n1, n2] real -> Z [B, C, 2 m1, m2] complex
 *             Z[j1, j2] = w(j2) sum_{x1, x2} x[x1, x2] e^{-2 pi i (f1 x1 / n1 + j2 x2 / n2)}
 *   "BoxIDFT" Z [B, C, 2 m1, m2] complex -> y [B, C, n1, n2] real
 *             y[x1, x2] = Re sum_{j1, j2} w(j2) Z[j1, j2] e^{+2 pi i (f1 x1 / n1 + j2 x2 / n2)}
 *
 * with f1 = j1 - m1 (box.ts's order) and w(j2) = 1, or (weighted) c(j2) / (n1 n2) with c = 1 at
 * DC and Nyquist and 2 elsewhere. Unweighted BoxDFT is rfft2 followed by the box extraction;
 * weighted BoxIDFT is the zero embedding followed by irfft2 (irfft2 reads only Re of the DC
 * and Nyquist columns after the inverse transform of the other axis, which the Re above does
 * for every column, the others contributing in conjugate pairs). For m << n only the kept
 * frequencies are computed: 2 * 2 m1 m2 (n1 + n2)-term sums per channel instead of FFTs of the
 * whole grid, each a large matrix product. 1-D input is the case without a leading axis
 * (n1 = 1, m1 = 0 in the attributes): one product each way.
 *
 * Gradients (real x, PyTorch's convention grad = Re(A^H g) for a C-linear A of a real input,
 * A^H dy for y = Re(A Z)): the adjoint of BoxDFT(w) is BoxIDFT(w) and vice versa (the weights
 * are real and act on j2 only), so each kernel is the other's gradient.
 *
 * Each transform is two real matrix products, ordered so that the batch stays in the rows and
 * the data is never transposed. The forward transform stacks complex matrices as (Re; Im)
 * blocks and ends with a pass that combines them; the inverse reads the box in place through
 * index maps (sgemmIndexed) and applies the complex step as a real 2 x 2 block matrix, so it
 * has no pass of its own.
 * float32 accumulation: |error| <= gamma_n sum |terms| per pass (n the summed length).
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
} from "@modewise/tensor";
import { allocResident, freeResident, sgemm, sgemmIndexed } from "@modewise/tensor/cpu-kernels";
import { combineBoxResident } from "./box-combine-wasm.js";

interface BoxDFTAttrs {
  n1: number;
  n2: number;
  /** 0 for 1-D input (no leading axis; n1 = 1). */
  m1: number;
  m2: number;
  weighted: boolean;
}

const FORWARD = "BoxDFT";
const INVERSE = "BoxIDFT";

/** cos and sin of 2 pi k / n for an integer k, reduced mod n first (exact argument). */
function unitRoot(k: number, n: number): [number, number] {
  const r = ((k % n) + n) % n;
  const t = (2 * Math.PI * r) / n;
  return [Math.cos(t), Math.sin(t)];
}

function columnWeight(j2: number, a: BoxDFTAttrs): number {
  if (!a.weighted) return 1;
  const c = j2 === 0 || 2 * j2 === a.n2 ? 1 : 2;
  return c / (a.n1 * a.n2);
}

interface Matrices {
  /** [n2, 2 m2]: x2 -> (j2 re, j2 im) of w(j2) e^{-i theta}. */
  lastForward: Float32Array;
  /** [2 m2, n2]: (j2 re, j2 im) -> x2, Re of w(j2) Z e^{+i theta}. */
  lastInverse: Float32Array;
  /** [2 * 2 m1, n1]: rows cos, then -sin, of f1 x1 / n1 (e^{-i theta}). */
  leadForward: Float32Array;
  /**
   * [2 * 2 m1, 2 n1]: e^{+i theta} as a real 2 x 2 block matrix, rows (re | im, j1), columns
   * (re | im, x1): (zr, zi) -> (zr c - zi s, zr s + zi c).
   */
  leadInverse: Float32Array;
}

const cache = new Map<string, Matrices>();

function matrices(a: BoxDFTAttrs): Matrices {
  const key = `${a.n1},${a.n2},${a.m1},${a.m2},${a.weighted}`;
  let m = cache.get(key);
  if (m) return m;
  const { n1, n2, m1, m2 } = a;
  const lastForward = new Float32Array(n2 * 2 * m2);
  const lastInverse = new Float32Array(2 * m2 * n2);
  for (let j2 = 0; j2 < m2; j2++) {
    const w = columnWeight(j2, a);
    for (let x2 = 0; x2 < n2; x2++) {
      const [c, s] = unitRoot(j2 * x2, n2);
      lastForward[x2 * 2 * m2 + 2 * j2] = w * c;
      lastForward[x2 * 2 * m2 + 2 * j2 + 1] = -w * s;
      // Re((zr + i zi)(c + i s)) = zr c - zi s
      lastInverse[2 * j2 * n2 + x2] = w * c;
      lastInverse[(2 * j2 + 1) * n2 + x2] = -w * s;
    }
  }
  const R = 2 * m1;
  const leadForward = new Float32Array(2 * R * n1);
  const leadInverse = new Float32Array(2 * R * 2 * n1);
  for (let j1 = 0; j1 < R; j1++)
    for (let x1 = 0; x1 < n1; x1++) {
      const [c, s] = unitRoot((j1 - m1) * x1, n1);
      leadForward[j1 * n1 + x1] = c;
      leadForward[(R + j1) * n1 + x1] = -s;
      const re = j1 * 2 * n1; // row (re, j1); row (im, j1) is R rows further
      const im = (R + j1) * 2 * n1;
      leadInverse[re + x1] = c;
      leadInverse[re + n1 + x1] = s;
      leadInverse[im + x1] = -s;
      leadInverse[im + n1 + x1] = c;
    }
  m = { lastForward, lastInverse, leadForward, leadInverse };
  cache.set(key, m);
  return m;
}

// Scratch arrays reused across calls (kernels run one at a time): no per-call data-sized
// garbage (sgemmIndexed allocates only its small index tables per call). Resident in the
// products' memory where the CPU backend has one, so the products write and read them in
// place; they only grow (to the largest transform run so far).
const scratchArrays: Float32Array[] = [new Float32Array(0), new Float32Array(0)];
const scratchResident = [false, false];
function scratch(i: number, n: number): Float32Array {
  if (scratchArrays[i].length < n) {
    if (scratchResident[i]) freeResident(scratchArrays[i]);
    const resident = allocResident(n);
    scratchResident[i] = resident !== null;
    scratchArrays[i] = resident ?? new Float32Array(n);
  }
  return scratchArrays[i];
}

/**
 * x [nb, n1, n2] -> Z [nb, 2 m1, m2] (complex interleaved). Both products run with the batch
 * in the rows and no transposed copy of the data:
 *   T [(j2, re|im), (b, x1)]    = lastForward^T x^T
 *   U [(j2, re|im, b), (c|s, j1)] = T leadForward^T   (c: cos rows, s: -sin rows)
 * then Z[b, j1, j2] = (U[re, c] - U[im, s], U[im, c] + U[re, s]).
 */
function forwardCpu(x: Float32Array, nb: number, a: BoxDFTAttrs, z: Float32Array): void {
  const m = matrices(a);
  const { n1, n2, m2 } = a;
  const R = 2 * a.m1;
  if (R === 0) {
    // 1-D: one product x [nb, n2] lastForward [n2, 2 m2], already (re, im) interleaved
    sgemm(nb, 2 * m2, n2, x, 0, m.lastForward, 0, z, 0);
    return;
  }
  const T = scratch(0, 2 * m2 * nb * n1);
  sgemm(2 * m2, nb * n1, n2, m.lastForward, 0, x, 0, T, 0, false, true, true);
  const U = scratch(1, 2 * m2 * nb * 2 * R);
  sgemm(2 * m2 * nb, 2 * R, n1, T, 0, m.leadForward, 0, U, 0, false, false, true);
  if (combineBoxResident(U, z, nb, R, m2)) return;
  for (let j2 = 0; j2 < m2; j2++)
    for (let b = 0; b < nb; b++) {
      const re = (2 * j2 * nb + b) * 2 * R;
      const im = re + nb * 2 * R;
      let at = (b * R * m2 + j2) * 2;
      for (let j1 = 0; j1 < R; j1++) {
        z[at] = U[re + j1] - U[im + R + j1];
        z[at + 1] = U[im + j1] + U[re + R + j1];
        at += 2 * m2;
      }
    }
}

/**
 * Z [nb, 2 m1, m2] (complex interleaved) -> y [nb, n1, n2], two products whose operands are
 * read in place through index maps (sgemmIndexed: no reordering copy, no combining pass):
 *   V [(j2, b), (re|im, x1)] = Z [(j2, b), (re|im, j1)] leadInverse     (K = 2 * 2 m1)
 *   y [(b, x1), x2]          = V [(b, x1), (j2, re|im)] lastInverse     (K = 2 m2)
 * The complex product of the first axis is the real 2 x 2 block form of e^{+i theta}, so both
 * are plain real products.
 */
function inverseCpu(z: Float32Array, nb: number, a: BoxDFTAttrs, y: Float32Array): void {
  const m = matrices(a);
  const { n1, n2, m2 } = a;
  const R = 2 * a.m1;
  if (R === 0) {
    // 1-D: one product z [nb, 2 m2] lastInverse [2 m2, n2]
    sgemm(nb, n2, 2 * m2, z, 0, m.lastInverse, 0, y, 0);
    return;
  }
  const zBatch = 2 * R * m2; // floats of one batch element of Z
  const vRow = 2 * n1; // floats of one row (j2, b) of V
  const V = scratch(0, m2 * nb * vRow);
  sgemmIndexed(
    m2 * nb,
    vRow,
    2 * R,
    {
      data: z,
      floats: nb * zBatch,
      // k = (re|im) R + j1: Z[b, j1, j2] is at b zBatch + 2 (j1 m2 + j2), its Im one further
      kOff: { inner: 2 * m2, len: R, outer: 1 },
      // t = j2 nb + b
      wOff: { inner: zBatch, len: nb, outer: 2 },
    },
    { data: m.leadInverse, kOff: { inner: vRow }, wOff: { inner: 1 } },
    V,
  );
  sgemmIndexed(
    nb * n1,
    n2,
    2 * m2,
    {
      data: V,
      floats: m2 * nb * vRow,
      // k = 2 j2 + (re|im), the row order of lastInverse
      kOff: { inner: n1, len: 2, outer: nb * vRow },
      // t = b n1 + x1
      wOff: { inner: 1, len: n1, outer: vRow },
    },
    { data: m.lastInverse, kOff: { inner: n2 }, wOff: { inner: 1 } },
    y,
  );
}

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  registerKernel<BoxDFTAttrs>(FORWARD, "cpu", ([x], a, backend) => {
    const [b, c] = x.shape;
    const box = a.m1 === 0 ? [a.m2] : [2 * a.m1, a.m2];
    // every element is written: no zero fill of the (recycled) output
    const out = allocOutput([b, c, ...box], "complex64", backend, false);
    forwardCpu(borrowSync(x, backend) as Float32Array, b * c, a, out.values as Float32Array);
    return out.finish();
  });
  registerKernel<BoxDFTAttrs>(INVERSE, "cpu", ([z], a, backend) => {
    const [b, c] = z.shape;
    const grid = a.m1 === 0 ? [a.n2] : [a.n1, a.n2];
    // every element is written (the last product's output): no zero fill
    const out = allocOutput([b, c, ...grid], "float32", backend, false);
    inverseCpu(borrowSync(z, backend) as Float32Array, b * c, a, out.values as Float32Array);
    return out.finish();
  });
  registerGradient<BoxDFTAttrs>(FORWARD, (dy, _x, _y, a) => [
    runKernel<BoxDFTAttrs>(INVERSE, [dy], a, "SpectralConv (gradient)"),
  ]);
  registerGradient<BoxDFTAttrs>(INVERSE, (dy, _z, _y, a) => [
    runKernel<BoxDFTAttrs>(FORWARD, [dy], a, "SpectralConv (gradient)"),
  ]);
}

/**
 * How many times more multiply-adds per second the sgemm-based DFTs run than the FFT path
 * (measured on the FNO layer, 32^2, modes 8: 2.5x the FFT's flops in half its time).
 */
const DFT_EFFICIENCY = 8;

/**
 * Whether the box DFTs run here: float32 input [b, c, ...grid] in 1-D or 2-D on a backend with
 * the kernels, and a box small enough that the dense DFT is cheaper than FFTs even counting its
 * higher efficiency: per channel 2 m2 n1 n2 + 8 m1 m2 n1 multiply-adds against ~2.5 n1 n2 log2 n2
 * + 5 m2 n1 log2 n1 flops for the pruned FFTs. (Wide boxes on large grids, e.g. all modes at
 * 256^2, take the FFT path; it also keeps the float32 error growth at log n there.)
 */
export function boxDFTApplies(x: Tensor, modes: readonly number[]): boolean {
  const d = modes.length;
  if (x.dtype !== "float32" || d > 2 || x.shape.length !== d + 2) return false;
  const [n1, n2] =
    d === 1 ? [1, x.shape[2] as number] : [x.shape[2] as number, x.shape[3] as number];
  const [m1, m2] = d === 1 ? [0, modes[0] as number] : [modes[0] as number, modes[1] as number];
  const dft = 2 * m2 * n1 * n2 + 8 * m1 * m2 * n1;
  const fft = 2.5 * n1 * n2 * Math.log2(Math.max(2, n2)) + 5 * m2 * n1 * Math.log2(Math.max(2, n1));
  if (dft > DFT_EFFICIENCY * fft) return false;
  ensureRegistered();
  return hasKernel(FORWARD, getBackend());
}

/** Attributes for `modes` on `grid` (1-D: an empty leading axis, n1 = 1, m1 = 0). */
function attrsOf(
  modes: readonly number[],
  grid: readonly number[],
  weighted: boolean,
): BoxDFTAttrs {
  return modes.length === 1
    ? { n1: 1, n2: grid[0], m1: 0, m2: modes[0], weighted }
    : { n1: grid[0], n2: grid[1], m1: modes[0], m2: modes[1], weighted };
}

/** rfftn of x [b, c, ...grid] (1-D or 2-D) restricted to the box of `modes`. */
export function boxDFT(x: Tensor, modes: readonly number[]): Tensor {
  const a = attrsOf(modes, x.shape.slice(2), false);
  return runKernel<BoxDFTAttrs>(FORWARD, [x], a, "SpectralConv.forward");
}

/** irfftn onto `grid` of the box Z [b, c, ...box] embedded in zeros. */
export function boxIDFT(z: Tensor, modes: readonly number[], grid: readonly number[]): Tensor {
  return runKernel<BoxDFTAttrs>(INVERSE, [z], attrsOf(modes, grid, true), "SpectralConv.forward");
}
