/**
 * Independent references for the NUFFT core tests: DIRECT sums in float64 with Kahan
 * (compensated) summation, written from the definitions in src/types.ts and sharing no code
 * with the library (no kernel, no FFT, no mode tables).
 *
 * Round-off of the reference: each term's phase k.x is formed in f64 (absolute error about
 * |k.x| 2^-53 <= 3e-14 for the sizes used here), cos/sin are correctly rounded to ~1 ulp and
 * compensated summation keeps the accumulated error at O(2^-53) relative to sum |terms|; so the
 * reference is accurate to ~1e-13 relative or better, 40x under the tightest bar (4e-12).
 */

/** Deterministic uniform [0, 1) generator (mulberry32) so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function uniform(n: number, lo: number, hi: number, rand: () => number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

/** Complex normal-ish strengths (uniform in [-1, 1]^2 is enough for L2 errors). */
export function complexData(n: number, rand: () => number): Float64Array {
  return uniform(2 * n, -1, 1, rand);
}

class Kahan {
  sum = 0;
  private comp = 0;
  add(v: number): void {
    const y = v - this.comp;
    const t = this.sum + y;
    this.comp = t - this.sum - y;
    this.sum = t;
  }
}

/** Integer modes of dimension with n modes, in "cmcl" or "fft" array order (types.ts). */
export function modeList(n: number, order: "cmcl" | "fft"): number[] {
  const out: number[] = [];
  const lo = -Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    if (order === "cmcl") out.push(lo + i);
    else out.push(i < Math.ceil(n / 2) ? i : i - n);
  }
  return out;
}

/** All mode multi-indices in array order (k1 fastest). */
export function modeGrid(nModes: readonly number[], order: "cmcl" | "fft"): number[][] {
  const lists = nModes.map((n) => modeList(n, order));
  const out: number[][] = [];
  const [l0, l1 = [0], l2 = [0]] = lists;
  for (const c of l2)
    for (const b of l1) for (const a of l0) out.push([a, b, c].slice(0, nModes.length));
  return out;
}

/** out_k = sum_j in_j exp(isign i freq_k . pts_j), Kahan-summed; freq and pts per dimension. */
export function directSum(
  freqs: readonly number[][],
  pts: readonly Float64Array[],
  data: ArrayLike<number>,
  isign: number,
): Float64Array {
  const m = pts[0].length;
  const out = new Float64Array(2 * freqs.length);
  for (let k = 0; k < freqs.length; k++) {
    const re = new Kahan();
    const im = new Kahan();
    const f = freqs[k];
    for (let j = 0; j < m; j++) {
      let phase = 0;
      for (let d = 0; d < pts.length; d++) phase += f[d] * pts[d][j];
      const cs = Math.cos(isign * phase);
      const sn = Math.sin(isign * phase);
      const ar = data[2 * j];
      const ai = data[2 * j + 1];
      re.add(ar * cs - ai * sn);
      im.add(ar * sn + ai * cs);
    }
    out[2 * k] = re.sum;
    out[2 * k + 1] = im.sum;
  }
  return out;
}

/** Direct type 1: modes in array order. */
export function direct1(
  pts: readonly Float64Array[],
  c: ArrayLike<number>,
  isign: number,
  nModes: readonly number[],
  order: "cmcl" | "fft",
): Float64Array {
  return directSum(modeGrid(nModes, order), pts, c, isign);
}

/** Direct type 2: c_j = sum_k f_k exp(isign i k . x_j). */
export function direct2(
  pts: readonly Float64Array[],
  f: ArrayLike<number>,
  isign: number,
  nModes: readonly number[],
  order: "cmcl" | "fft",
): Float64Array {
  const modes = modeGrid(nModes, order);
  // Swap roles: "points" are the modes, "frequencies" are the nonuniform points.
  const modePts = nModes.map((_, d) => Float64Array.from(modes, (k) => k[d]));
  const m = pts[0].length;
  const freqs: number[][] = [];
  for (let j = 0; j < m; j++) freqs.push(pts.map((p) => p[j]));
  return directSum(freqs, modePts, f, isign);
}

/** Direct type 3. */
export function direct3(
  pts: readonly Float64Array[],
  c: ArrayLike<number>,
  isign: number,
  targets: readonly Float64Array[],
): Float64Array {
  const n = targets[0].length;
  const freqs: number[][] = [];
  for (let k = 0; k < n; k++) freqs.push(targets.map((t) => t[k]));
  return directSum(freqs, pts, c, isign);
}

export function relL2(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    num += (got[i] - want[i]) ** 2;
    den += want[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** Re <a, b> = Re sum conj(a) b for interleaved complex arrays, and the imaginary part. */
export function innerProduct(a: ArrayLike<number>, b: ArrayLike<number>): [number, number] {
  let re = 0;
  let im = 0;
  for (let i = 0; i < a.length; i += 2) {
    re += a[i] * b[i] + a[i + 1] * b[i + 1];
    im += a[i] * b[i + 1] - a[i + 1] * b[i];
  }
  return [re, im];
}
