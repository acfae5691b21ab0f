/**
 * Per-mode complex channel mixing: out[b, o, k] = sum_i x[b, i, k] W[i, o, k] for every kept
 * frequency k of the box (k flattened).
 *
 * On the CPU backend this is one kernel "SpectralMix" with three variants (attribute `variant`),
 * each a batch over k of small complex matrix products:
 *   "mix"   (x, W)  -> out[b, o, k] = sum_i x[b, i, k] W[i, o, k]
 *   "gradX" (g, W)  -> out[b, i, k] = sum_o g[b, o, k] conj W[i, o, k]
 *   "gradW" (x, g)  -> out[i, o, k] = sum_b conj x[b, i, k] g[b, o, k]
 * Elsewhere (hasKernel false) each variant is the same complex einsum of core ops.
 *
 * Gradients (PyTorch's convention: for a C-linear map grad = A^H g; for an antilinear one
 * u = conj(M v), grad v = M^H conj(g)):
 *   mix:   grad x = gradX(dy, W),  grad W = gradW(x, dy)
 *   gradX: grad g = mix(dy, W),    grad W = gradW(dy, g)
 *   gradW: grad x = gradX(g, dy),  grad g = mix(x, dy)
 * so the three variants are closed under differentiation (gradients of gradients work) and the
 * backward pass needs no transposed or conjugated copies of the operands.
 *
 * The kernel (mix-wasm.ts, WebAssembly SIMD) copies both operands k-major with the summed index
 * innermost ([K, P, R] and [K, Q, R]), so every output entry is a contiguous complex dot
 * product accumulated in registers: complex64 in float32, two complex numbers per vector (as
 * PyTorch's complex64 einsum; |error| <= gamma_{R+2}(2^-24) sum |a||b| per part), complex128 in
 * float64. The conjugations are signs applied once per output. Without WebAssembly SIMD no
 * kernel is registered and the einsums run.
 */
import {
  allocOutput,
  borrowSync,
  conj,
  DTypeError,
  einsum,
  getBackend,
  hasKernel,
  registerGradient,
  registerKernel,
  reshape,
  runKernel,
  ShapeError,
  type Tensor,
  tidy,
  writeOutput,
} from "@modewise/tensor";
import {
  allocResident,
  freeResident,
  onRuntimeStart,
  residentAddress,
  runModuleJob,
} from "@modewise/tensor/cpu-kernels";
import { mixWasm, residentMixWasm, UNIT_ARGS } from "./mix-wasm.js";

const KERNEL = "SpectralMix";

type Variant = "mix" | "gradX" | "gradW";
interface MixAttrs {
  variant: Variant;
}

/**
 * How each variant reads its operands [d0, d1, K]: the batch index p of the output, the output
 * index q and the summed index r, as (transposed?, conjugated?) per operand, and the output
 * shape [P, Q, K].
 *   mix:   A = x [b, i] (p = b, r = i),          B = W [i, o] transposed (q = o, r = i)
 *   gradX: A = g [b, o] (p = b, r = o),          B = conj W [i, o] (q = i, r = o)
 *   gradW: A = conj x [b, i] transposed (p = i), B = g [b, o] transposed (q = o, r = b)
 */
const LAYOUT: Record<Variant, { tA: boolean; cA: boolean; tB: boolean; cB: boolean }> = {
  mix: { tA: false, cA: false, tB: true, cB: false },
  gradX: { tA: false, cA: false, tB: false, cB: true },
  gradW: { tA: true, cA: true, tB: true, cB: false },
};

/** (s1, s2) of the float64 kernel (dotsBody) for the conjugation flags. */
function signs64(conjA: boolean, conjB: boolean): number[] {
  if (conjB) return [1, -1, 1, -1];
  if (conjA) return [1, -1, 1, 1];
  return [-1, 1, 1, 1];
}

/** (sRe, sIm) of the float32 kernel (dotsC64Body) for the conjugation flags. */
function signs32(conjA: boolean, conjB: boolean): number[] {
  if (conjB) return [1, 1, 1, 1, -1, 1, -1, 1];
  if (conjA) return [1, 1, 1, 1, 1, -1, 1, -1];
  return [1, -1, 1, -1, 1, 1, 1, 1];
}

/**
 * The destination strides (s0, s1) that pack gives an operand of shape [d0, d1, K] with `e`
 * bytes per entry: rows along d1 as stored, or transposed (rows along d0).
 */
function packStrides(shape: readonly number[], transposed: boolean, e: number): [number, number] {
  const [d0, d1] = shape as [number, number];
  return transposed ? [e, d0 * e] : [d1 * e, e];
}

/** Output shape [P, Q, K] of a variant from its operand shapes. */
function outputShape(variant: Variant, s0: readonly number[], s1: readonly number[]): number[] {
  if (variant === "mix") return [s0[0], s1[1], s0[2]]; // x [B, I, K], W [I, O, K]
  if (variant === "gradX") return [s0[0], s1[0], s0[2]]; // g [B, O, K], W [I, O, K]
  return [s0[1], s1[1], s0[2]]; // x [B, I, K], g [B, O, K]
}

// Compile the resident kernels when the CPU kernels' runtime starts: they register with the
// gemm threads, which must happen before the first large product starts the workers (workers
// started earlier run no mixes).
onRuntimeStart(() => void residentMixWasm());

let lastPath: "resident" | "copy" | null = null;

/**
 * Which memory the last complex64 CPU spectral mix ran in: "resident" (the backend's resident
 * memory, no copies) or "copy" (the kernels' own memory, operands copied in and out); null
 * before the first. For tests and diagnostics.
 */
export function lastSpectralMixPath(): "resident" | "copy" | null {
  return lastPath;
}

/** Scratch in the resident memory (signs and the packed operands), grown as needed. */
let scratch: Float32Array | null = null;

/**
 * The complex64 kernel in the CPU backend's resident memory: resident operands read in place,
 * packed into resident scratch, the dots written straight into the (resident) output: no copy
 * in or out. Null (nothing done) where that memory, the kernels or a resident output are
 * unavailable; then the copying path runs. Same kernels, same bits.
 */
function inResidentMemory(
  a: Float32Array,
  b: Float32Array,
  variant: Variant,
  P: number,
  Q: number,
  K: number,
  R: number,
  aShape: readonly number[],
  bShape: readonly number[],
  backend: Parameters<typeof allocOutput>[2],
): ReturnType<ReturnType<typeof allocOutput>["finish"]> | null {
  const wasm = residentMixWasm();
  if (wasm === null) return null;
  const out = allocOutput([P, Q, K], "complex64", backend, false);
  const cAt = residentAddress(out.values as Float32Array);
  if (cAt < 0) return null; // (the output is released with the rest of the call's garbage)
  let aRaw = residentAddress(a);
  let bRaw = residentAddress(b);
  // floats: signs 8, the unit arguments (UNIT_ARGS int32, padded to 24), packed A and B, then
  // copies of operands that are not resident
  const need = 32 + a.length + b.length + (aRaw < 0 ? a.length : 0) + (bRaw < 0 ? b.length : 0);
  if (scratch === null || scratch.length < need) {
    if (scratch !== null) freeResident(scratch);
    scratch = allocResident(need);
    if (scratch === null) return null;
  }
  const base = residentAddress(scratch);
  scratch.set(signs32(LAYOUT[variant].cA, LAYOUT[variant].cB), 0);
  const argsAt = base + 4 * 8;
  const aAt = base + 4 * 32;
  const bAt = aAt + 4 * a.length;
  let extra = bAt + 4 * b.length;
  if (aRaw < 0) {
    scratch.set(a, (extra - base) / 4);
    aRaw = extra;
    extra += 4 * a.length;
  }
  if (bRaw < 0) {
    scratch.set(b, (extra - base) / 4);
    bRaw = extra;
  }
  const { tA, tB } = LAYOUT[variant];
  const e = 8;
  const [a0, a1] = aShape;
  const [b0, b1] = bShape;
  // frequencies in units of kPer, on the gemm threads when the mix is large enough (each unit
  // writes its own frequencies; the same dots calls whichever thread runs them: same bits)
  const kPer = Math.max(1, Math.ceil(K / 16));
  // each unit packs its frequencies of both operands, then computes them
  new Int32Array(scratch.buffer, argsAt, UNIT_ARGS).set([
    aAt,
    bAt,
    cAt,
    P,
    Q,
    R,
    K,
    kPer,
    base,
    aRaw,
    bRaw,
    a0,
    a1,
    ...packStrides(aShape, tA, e),
    b0,
    b1,
    ...packStrides(bShape, tB, e),
  ]);
  runModuleJob(wasm.threadIndex, wasm.unit, Math.ceil(K / kPer), argsAt, 4 * P * Q * R * K);
  return out.finish();
}

let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  const wasm = mixWasm();
  // Without WebAssembly SIMD no CPU kernel is registered and run() composes einsums.
  if (wasm === null) return;
  registerKernel<MixAttrs>(KERNEL, "cpu", (inputs, attrs, backend) => {
    const [ai, bi] = inputs;
    const [P, Q, K] = outputShape(attrs.variant, ai.shape, bi.shape);
    const { tA, cA, tB, cB } = LAYOUT[attrs.variant];
    // the summed index: the operands' non-output axis
    const R = tA ? ai.shape[0] : ai.shape[1];
    const n = 2 * P * Q * K;
    const f32 = ai.dtype === "complex64";
    if (n === 0 || R === 0)
      return writeOutput(
        f32 ? new Float32Array(n) : new Float64Array(n),
        [P, Q, K],
        ai.dtype,
        backend,
      );
    const a = borrowSync(ai, backend) as Float32Array | Float64Array;
    const b = borrowSync(bi, backend) as Float32Array | Float64Array;
    if (f32) {
      const done = inResidentMemory(
        a as Float32Array,
        b as Float32Array,
        attrs.variant,
        P,
        Q,
        K,
        R,
        ai.shape,
        bi.shape,
        backend,
      );
      lastPath = done === null ? "copy" : "resident";
      if (done !== null) return done;
    }
    // memory: signs (32 bytes); the operands as copied; packed k-major [K, P, R] and
    // [K, Q, R]; the output [P, Q, K]
    const e = f32 ? 8 : 16; // bytes per complex entry
    const aRaw = 32;
    const bRaw = aRaw + a.length * (e / 2);
    const aAt = bRaw + b.length * (e / 2);
    const bAt = aAt + a.length * (e / 2);
    const cAt = bAt + b.length * (e / 2);
    wasm.reserve(cAt + n * (e / 2));
    const buffer = wasm.memory.buffer;
    const View = f32 ? Float32Array : Float64Array;
    if (f32) new Float32Array(buffer, 0, 8).set(signs32(cA, cB));
    else new Float64Array(buffer, 0, 4).set(signs64(cA, cB));
    new View(buffer, aRaw, a.length).set(a);
    new View(buffer, bRaw, b.length).set(b);
    const pack = f32 ? wasm.packF32 : wasm.packF64;
    const [a0, a1] = ai.shape;
    const [b0, b1] = bi.shape;
    pack(aRaw, aAt, a0, a1, K, ...packStrides(ai.shape, tA, e), a0 * a1 * e, 0);
    pack(bRaw, bAt, b0, b1, K, ...packStrides(bi.shape, tB, e), b0 * b1 * e, 0);
    const dots = f32 ? wasm.dotsF32 : wasm.dotsF64;
    for (let k = 0; k < K; k++)
      dots(
        aAt + k * P * R * e,
        bAt + k * Q * R * e,
        cAt + k * e,
        P,
        Q,
        R,
        R * e,
        e,
        R * e,
        e,
        Q * K * e,
        K * e,
        0,
      );
    // copied into a recycled output (every element written: no zero fill)
    const out = allocOutput([P, Q, K], ai.dtype, backend, false);
    out.values.set(new View(buffer, cAt, n));
    return out.finish();
  });
  registerGradient<MixAttrs>(KERNEL, (dy, [u, v], _y, { variant }) => {
    if (variant === "mix") return [run("gradX", dy, v), run("gradW", u, dy)];
    if (variant === "gradX") return [run("mix", dy, v), run("gradW", dy, u)];
    return [run("gradX", v, dy), run("mix", u, dy)];
  });
}

/** One variant on [*, *, K] operands: the fused kernel where the backend has it, else einsum. */
function run(variant: Variant, u: Tensor, v: Tensor): Tensor {
  ensureRegistered();
  if (hasKernel(KERNEL, getBackend()) && u.dtype === v.dtype)
    return runKernel<MixAttrs>(KERNEL, [u, v], { variant }, "spectralMix");
  if (variant === "mix") return einsum("bik,iok->bok", u, v);
  if (variant === "gradX") return einsum("bok,iok->bik", u, conj(v));
  return einsum("bik,bok->iok", conj(u), v);
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
    const out = run("mix", reshape(xHat, [xs[0], xs[1], k]), reshape(weight, [ws[0], ws[1], k]));
    return reshape(out, [xs[0], ws[1], ...box]);
  });
}
