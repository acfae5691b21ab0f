/**
 * The seeded generator behind every random field: xoshiro128** (Blackman & Vigna 2018, 32-bit
 * integer arithmetic only, so the stream is bit-identical on every JS engine and machine),
 * seeded through splitmix32 from (seed, stream). Uniform doubles use 53 random bits from two
 * outputs; normals use the Box-Muller transform (both outputs of a pair are used).
 * Each sample of a batch gets its own stream (stream = sample index), so sample b of a batch is
 * the same whatever the batch size or the first sample index: generation can be resumed.
 */
import { ValueError } from "@modewise/tensor";

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /** seed and stream: non-negative integers below 2^32. */
  constructor(seed = 0, stream = 0) {
    for (const [name, v] of [
      ["seed", seed],
      ["stream", stream],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
        throw new ValueError("SeededRandom", name, "an integer in [0, 2^32)", String(v));
    }
    // Mix seed and stream into one 32-bit splitmix state, then draw the 128-bit state.
    let st = (seed ^ Math.imul(stream, 0x27d4eb2d) ^ 0x5bd1e995) | 0;
    let st2 = 0;
    [st, st2] = splitmix32(st);
    st = (st2 ^ stream) | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      let z: number;
      [st, z] = splitmix32(st);
      words.push(z | 0);
    }
    this.s0 = words[0] as number;
    this.s1 = words[1] as number;
    this.s2 = words[2] as number;
    this.s3 = words[3] as number;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal sample (Box-Muller on (0, 1] uniforms, so log never sees 0). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spare = r * Math.sin(theta);
    this.hasSpare = true;
    return r * Math.cos(theta);
  }

  /** Fill `out` (from `offset`, `count` values) with standard normals. */
  fillNormal(out: Float64Array, offset = 0, count = out.length - offset): Float64Array {
    for (let i = 0; i < count; i++) out[offset + i] = this.normal();
    return out;
  }
}

/** `count` standard normals of stream `stream` of `seed`. */
export function normalSamples(count: number, seed = 0, stream = 0): Float64Array {
  if (!Number.isInteger(count) || count < 0)
    throw new ValueError("normalSamples", "count", "a non-negative integer", String(count));
  return new SeededRandom(seed, stream).fillNormal(new Float64Array(count));
}
