/**
 * Float64Array kernels of the natural-order FWHT (see butterfly.ts for the algorithm). float32
 * data runs through these too (butterfly.ts widens a block to float64 and rounds once at the
 * end): V8 specializes element access per function, and one function fed both array types ran
 * ~3x slower (measured), while the widening copy costs two sweeps against the kernels' seven.
 */
/** Tile length (elements) for the in-cache stages: 2^12 f64 = 32 KiB, 2^12 f32 = 16 KiB. */
const TILE_LOG2 = 12;

/** Radix-4 pass over the whole span [off, off + len): combines stages with spans h and 2h. */
function radix4Pass(x: Float64Array, off: number, len: number, h: number): void {
  const h4 = 4 * h;
  for (let base = off; base < off + len; base += h4) {
    const end = base + h;
    for (let i = base; i < end; i++) {
      const a0 = x[i];
      const a1 = x[i + h];
      const a2 = x[i + 2 * h];
      const a3 = x[i + 3 * h];
      const s01 = a0 + a1;
      const d01 = a0 - a1;
      const s23 = a2 + a3;
      const d23 = a2 - a3;
      x[i] = s01 + s23;
      x[i + h] = d01 + d23;
      x[i + 2 * h] = s01 - s23;
      x[i + 3 * h] = d01 - d23;
    }
  }
}

/** Radix-8 pass over [off, off + len): combines the stages with spans h, 2h and 4h. */
function radix8Pass(x: Float64Array, off: number, len: number, h: number): void {
  const h8 = 8 * h;
  for (let base = off; base < off + len; base += h8) {
    const end = base + h;
    for (let i0 = base; i0 < end; i0++) {
      const i1 = i0 + h;
      const i2 = i1 + h;
      const i3 = i2 + h;
      const i4 = i3 + h;
      const i5 = i4 + h;
      const i6 = i5 + h;
      const i7 = i6 + h;
      const a0 = x[i0];
      const a1 = x[i1];
      const a2 = x[i2];
      const a3 = x[i3];
      const a4 = x[i4];
      const a5 = x[i5];
      const a6 = x[i6];
      const a7 = x[i7];
      // span h
      const b0 = a0 + a1;
      const b1 = a0 - a1;
      const b2 = a2 + a3;
      const b3 = a2 - a3;
      const b4 = a4 + a5;
      const b5 = a4 - a5;
      const b6 = a6 + a7;
      const b7 = a6 - a7;
      // span 2h
      const c0 = b0 + b2;
      const c1 = b1 + b3;
      const c2 = b0 - b2;
      const c3 = b1 - b3;
      const c4 = b4 + b6;
      const c5 = b5 + b7;
      const c6 = b4 - b6;
      const c7 = b5 - b7;
      // span 4h
      x[i0] = c0 + c4;
      x[i1] = c1 + c5;
      x[i2] = c2 + c6;
      x[i3] = c3 + c7;
      x[i4] = c0 - c4;
      x[i5] = c1 - c5;
      x[i6] = c2 - c6;
      x[i7] = c3 - c7;
    }
  }
}

/** Radix-2 pass (one stage with span h) over [off, off + len). */
function radix2Pass(x: Float64Array, off: number, len: number, h: number): void {
  const h2 = 2 * h;
  for (let base = off; base < off + len; base += h2) {
    const end = base + h;
    for (let i = base; i < end; i++) {
      const a = x[i];
      const b = x[i + h];
      x[i] = a + b;
      x[i + h] = a - b;
    }
  }
}

/** The two smallest stages (spans 1 and 2) fused: a 4-point WHT on each contiguous quad. */
function firstTwoStages(x: Float64Array, off: number, len: number): void {
  for (let i = off; i < off + len; i += 4) {
    const a0 = x[i];
    const a1 = x[i + 1];
    const a2 = x[i + 2];
    const a3 = x[i + 3];
    const s01 = a0 + a1;
    const d01 = a0 - a1;
    const s23 = a2 + a3;
    const d23 = a2 - a3;
    x[i] = s01 + s23;
    x[i + 1] = d01 + d23;
    x[i + 2] = s01 - s23;
    x[i + 3] = d01 - d23;
  }
}

/** The three smallest stages (spans 1, 2, 4) fused: an 8-point WHT on each contiguous octet. */
function firstThreeStages(x: Float64Array, off: number, len: number): void {
  for (let i = off; i < off + len; i += 8) {
    const b0 = x[i] + x[i + 1];
    const b1 = x[i] - x[i + 1];
    const b2 = x[i + 2] + x[i + 3];
    const b3 = x[i + 2] - x[i + 3];
    const b4 = x[i + 4] + x[i + 5];
    const b5 = x[i + 4] - x[i + 5];
    const b6 = x[i + 6] + x[i + 7];
    const b7 = x[i + 6] - x[i + 7];
    const c0 = b0 + b2;
    const c1 = b1 + b3;
    const c2 = b0 - b2;
    const c3 = b1 - b3;
    const c4 = b4 + b6;
    const c5 = b5 + b7;
    const c6 = b4 - b6;
    const c7 = b5 - b7;
    x[i] = c0 + c4;
    x[i + 1] = c1 + c5;
    x[i + 2] = c2 + c6;
    x[i + 3] = c3 + c7;
    x[i + 4] = c0 - c4;
    x[i + 5] = c1 - c5;
    x[i + 6] = c2 - c6;
    x[i + 7] = c3 - c7;
  }
}

/** All stages with spans 2^from .. 2^(to-1) over [off, off + len), radix-4 where possible. */
function stages(x: Float64Array, off: number, len: number, from: number, to: number): void {
  let s = from;
  if (s === 0 && to - s >= 3) {
    firstThreeStages(x, off, len);
    s = 3;
  } else if (s === 0 && to - s >= 2) {
    firstTwoStages(x, off, len);
    s = 2;
  }
  while (to - s >= 3) {
    radix8Pass(x, off, len, 1 << s);
    s += 3;
  }
  if (to - s === 2) {
    radix4Pass(x, off, len, 1 << s);
    s += 2;
  }
  if (s < to) radix2Pass(x, off, len, 1 << s);
}

/** Unnormalized natural-order FWHT of x[off .. off + 2^log2n), in place. */
export function fwhtNaturalBlockF64(x: Float64Array, off: number, log2n: number): void {
  const len = 2 ** log2n;
  if (log2n <= TILE_LOG2) {
    stages(x, off, len, 0, log2n);
    return;
  }
  const tile = 1 << TILE_LOG2;
  for (let t = off; t < off + len; t += tile) stages(x, t, tile, 0, TILE_LOG2);
  stages(x, off, len, TILE_LOG2, log2n);
}
