/**
 * Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
 * as 1, 2, 3", SC 2011), the generator of cuRAND, JAX and PyTorch's CUDA backend. Output block
 * i of stream s under seed k is a pure function philox(counter = (i, s), key = k), so a stream
 * is reproducible across runs and machines and can be split without coordination.
 */
import { allocate, type DType, getDefaultFloatDType, isFloat } from "./dtype.js";
import { ENGINE } from "./engine.js";
import { DTypeError, show, ValueError } from "./errors.js";
import { sizeOf, validateShape } from "./shape.js";
import type { Tensor } from "./tensor.js";

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 (16-bit limbs: every partial sum is exact in a double). */
function mulhi(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const t0 = al * bl;
  const t1 = ah * bl + (t0 >>> 16);
  const t2 = al * bh + (t1 & 0xffff);
  return (ah * bh + Math.floor(t1 / 65536) + Math.floor(t2 / 65536)) >>> 0;
}

/** One Philox4x32-10 block: four uint32 from a 128-bit counter and a 64-bit key. */
export function philox4x32(
  counter: readonly number[],
  key: readonly number[],
  out = new Uint32Array(4),
): Uint32Array {
  let c0 = counter[0] >>> 0;
  let c1 = counter[1] >>> 0;
  let c2 = counter[2] >>> 0;
  let c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

const TWO_POW_32 = 4294967296;

export interface RandomOptions {
  dtype?: DType;
  device?: string;
}

/**
 * A reproducible random stream. `new Generator(seed)` draws blocks 0, 1, 2, ... of stream 0;
 * `fork(s)` gives the independent stream s under the same seed. Each draw advances the block
 * offset, so the sequence of draws (not their timing) determines the numbers.
 * float64 uniforms use 53 random bits, float32 ones 24.
 */
export class Generator {
  private readonly key: [number, number];
  private offset = 0;
  private readonly block = new Uint32Array(4);

  constructor(
    readonly seed: number | bigint = 0,
    readonly stream = 0,
  ) {
    if (typeof seed !== "bigint" && !Number.isInteger(seed))
      throw new ValueError("Generator", "seed", "an integer or bigint", show(seed));
    const s = BigInt.asUintN(64, BigInt(seed));
    this.key = [Number(s & 0xffffffffn), Number(s >> 32n)];
    if (!Number.isInteger(stream) || stream < 0 || stream >= TWO_POW_32 * TWO_POW_32) {
      throw new ValueError(
        "Generator",
        "stream",
        "a non-negative integer below 2^64",
        show(stream),
      );
    }
  }

  /** Independent stream number `stream` of the same seed. */
  fork(stream: number): Generator {
    return new Generator(this.seed, stream);
  }

  /** Blocks consumed so far (draws continue from here). */
  get position(): number {
    return this.offset;
  }

  /** Next n uint32 words (consumes ceil(n / 4) blocks). */
  words(n: number): Uint32Array {
    const out = new Uint32Array(Math.ceil(n / 4) * 4);
    const ctr = [0, 0, this.stream % TWO_POW_32, Math.floor(this.stream / TWO_POW_32)];
    for (let i = 0; i < out.length; i += 4) {
      ctr[0] = this.offset % TWO_POW_32;
      ctr[1] = Math.floor(this.offset / TWO_POW_32);
      philox4x32(ctr, this.key, this.block);
      out.set(this.block, i);
      this.offset++;
    }
    return out.subarray(0, n);
  }

  /** n uniforms in [0, 1): 53-bit for float64, 24-bit for float32. */
  uniforms(n: number, precision: "float32" | "float64"): Float64Array {
    const out = new Float64Array(n);
    if (precision === "float64") {
      const w = this.words(2 * n);
      for (let i = 0; i < n; i++)
        out[i] = ((w[2 * i] >>> 5) * 67108864 + (w[2 * i + 1] >>> 6)) / 9007199254740992;
    } else {
      const w = this.words(n);
      for (let i = 0; i < n; i++) out[i] = (w[i] >>> 8) / 16777216;
    }
    return out;
  }

  /** n standard normals by Box-Muller on pairs of uniforms. */
  normals(n: number): Float64Array {
    const m = n + (n & 1);
    const u = this.uniforms(m, "float64");
    const out = new Float64Array(m);
    for (let i = 0; i < m; i += 2) {
      const r = Math.sqrt(-2 * Math.log(1 - u[i]));
      const t = 2 * Math.PI * u[i + 1];
      out[i] = r * Math.cos(t);
      out[i + 1] = r * Math.sin(t);
    }
    return out.subarray(0, n);
  }

  /** Uniform on [low, high). */
  uniform(
    shape: readonly number[],
    opts: RandomOptions & { low?: number; high?: number } = {},
  ): Tensor {
    const s = validateShape(shape, "uniform");
    const dtype = floatDType(opts.dtype, "uniform");
    const low = opts.low ?? 0;
    const high = opts.high ?? 1;
    if (!(high >= low))
      throw new ValueError("uniform", "high", `a number >= low (${low})`, show(high));
    const n = sizeOf(s);
    const c = dtype.startsWith("complex") ? 2 : 1;
    const u = this.uniforms(
      n * c,
      dtype === "float64" || dtype === "complex128" ? "float64" : "float32",
    );
    const data = allocate(dtype, n);
    // low + (high - low) u can round up to high (float32: for about 2^-24 of draws on [1, 2)); keep it below.
    const top = largestBelow(high, dtype === "float32" || dtype === "complex64");
    for (let i = 0; i < n * c; i++) {
      data[i] = low + (high - low) * u[i];
      if (data[i] >= high && high > low) data[i] = top;
    }
    return ENGINE.makeTensor(data, s, dtype, backendOf(opts), "uniform");
  }

  /**
   * Normal with mean and std. For complex dtypes: the standard complex normal (real and
   * imaginary parts independent N(0, 1/2), so E|z|^2 = 1, as torch.randn), scaled by std.
   */
  normal(
    shape: readonly number[],
    opts: RandomOptions & { mean?: number; std?: number } = {},
  ): Tensor {
    const s = validateShape(shape, "normal");
    const dtype = floatDType(opts.dtype, "normal");
    const mean = opts.mean ?? 0;
    const std = opts.std ?? 1;
    if (!(std >= 0)) throw new ValueError("normal", "std", "a non-negative number", show(std));
    const n = sizeOf(s);
    const complex = dtype.startsWith("complex");
    const z = this.normals(n * (complex ? 2 : 1));
    const data = allocate(dtype, n);
    const scale = complex ? std * Math.SQRT1_2 : std;
    for (let i = 0; i < z.length; i++) data[i] = (complex && i % 2 === 1 ? 0 : mean) + scale * z[i];
    return ENGINE.makeTensor(data, s, dtype, backendOf(opts), "normal");
  }

  /** Integers uniform on [low, high) (int32), by rejection so there is no modulo bias. */
  randint(
    shape: readonly number[],
    low: number,
    high: number,
    opts: { device?: string } = {},
  ): Tensor {
    const s = validateShape(shape, "randint");
    if (
      !Number.isInteger(low) ||
      !Number.isInteger(high) ||
      high <= low ||
      high - low > TWO_POW_32
    ) {
      throw new ValueError("randint", "high", `an integer in (low, low + 2^32]`, show(high));
    }
    if (low < -2147483648 || high > 2147483648) {
      throw new ValueError(
        "randint",
        low < -2147483648 ? "low" : "high",
        "bounds within the int32 range [-2^31, 2^31]",
        show(low < -2147483648 ? low : high),
      );
    }
    const range = high - low;
    const limit = TWO_POW_32 - (TWO_POW_32 % range);
    const n = sizeOf(s);
    const data = new Int32Array(n);
    let filled = 0;
    while (filled < n) {
      const w = this.words(Math.max(4, n - filled));
      for (let i = 0; i < w.length && filled < n; i++)
        if (w[i] < limit) data[filled++] = low + (w[i] % range);
    }
    return ENGINE.makeTensor(data, s, "int32", backendOf(opts), "randint");
  }
}

const BITS = new DataView(new ArrayBuffer(8));

/** The largest float32 (or float64) value strictly below x (x finite). */
function largestBelow(x: number, f32: boolean): number {
  if (f32) {
    const h = Math.fround(x);
    if (h < x) return h;
    if (h === 0) return -1.401298464324817e-45;
    BITS.setFloat32(0, h);
    BITS.setUint32(0, BITS.getUint32(0) + (h > 0 ? -1 : 1));
    return BITS.getFloat32(0);
  }
  if (x === 0) return -Number.MIN_VALUE;
  BITS.setFloat64(0, x);
  BITS.setBigUint64(0, BITS.getBigUint64(0) + (x > 0 ? -1n : 1n));
  return BITS.getFloat64(0);
}

function floatDType(d: DType | undefined, fn: string): DType {
  const dtype = d ?? getDefaultFloatDType();
  if (!isFloat(dtype))
    throw new DTypeError(fn, "dtype", "a floating or complex dtype", show(dtype));
  return dtype;
}

function backendOf(opts: { device?: string }) {
  return opts.device ? ENGINE.findBackend(opts.device) : ENGINE.backend;
}

let globalGenerator = new Generator(0);

/** Reseed the default generator used by rand/randn. */
export function manualSeed(seed: number | bigint): void {
  globalGenerator = new Generator(seed);
}

/** The default generator (seed 0 until manualSeed). */
export function defaultGenerator(): Generator {
  return globalGenerator;
}

export const rand = (
  shape: readonly number[],
  opts?: RandomOptions & { low?: number; high?: number },
): Tensor => globalGenerator.uniform(shape, opts);
export const randn = (
  shape: readonly number[],
  opts?: RandomOptions & { mean?: number; std?: number },
): Tensor => globalGenerator.normal(shape, opts);
