/**
 * The hot path of the IF-RK4 Navier-Stokes step: the dealiased advection term
 *   N(w) = -mask * FFT(u w_x + v w_y) + f_hat
 * of TWO samples at once, for a state truncated to the 2/3 box (|k_x|, |k_y| <= s/3; see
 * NavierStokes2d.truncated). Same arithmetic as the per-sample path of navier-stokes.ts up to
 * round-off. Two for one: two real fields travel as one complex field: z1 = u + i v and
 * z2 = w_x + i w_y (per sample) come out of ONE inverse complex 2-D FFT each, built from the
 * full Hermitian spectrum; the two products n_a, n_b (samples a, b) go forward as one complex
 * field n_a + i n_b and are separated with N_a(k) = (C(k) + conj C(-k)) / 2,
 * N_b(k) = (C(k) - conj C(-k)) / (2i).
 *
 * Two ways to run the 1-D transforms, chosen by size (measured crossover s ~ 190):
 * - batched (s^2 <= BATCHED_MAX_POINTS, e.g. 64^2): two fftLines calls per pair, each a whole
 *   2-D transform of every field (y pass then x pass, data kept in the engine's memory; output
 *   [x, y, field]). At s = 64 the engine's fixed cost per 1-D call (~0.1-0.2 us) was about half
 *   the step, and the transposed output of fftLines makes each pass's output the next one's
 *   contiguous input, so no transpose runs in JavaScript. All s rows and columns are
 *   transformed, the dead ones (zero on input, unused on output) included: ~20% more wasm work
 *   than trimming to the 2/3 box, less than the gathers and scatters that trimming costs.
 * - per line (larger s, where 2-D passes over arrays beyond L2 cost more than the calls): only
 *   the W = 2L - 1 live y-columns (q = -(L-1)..L-1, L = floor(s/3) + 1) are transformed along
 *   x, and only the live x-rows are filled. Column (x) transforms run on column-major buffers
 *   [column, x] so every engine call is on contiguous data; row (y) transforms run one row at a
 *   time in an s-long buffer whose dead middle (q = L..s-L) stays zero, and the product and the
 *   forward row FFT are fused into the same row loop (everything it touches stays in L1).
 *
 * The Nyquist row and column are outside the 2/3 box (s/2 > s/3), so the full spectrum follows
 * from the half spectrum by F(-p, -q) = conj F(p, q) without special cases. The DC column
 * (q = 0) is replaced by its Hermitian part, which is exactly what irfft2 does with it (it keeps
 * Re of the column's inverse transform), so the results agree with the real-FFT path.
 */
import { type ComplexPlan, complexPlan, fftLines, type LinesOptions } from "@modewise/fft";
import { wavenumber } from "./real-fft-2d.js";

/** Number of complex fields inverse-transformed per pair: z1, z2 of sample a, then of b. */
const FIELDS = 4;
/**
 * Padding (complex values) after each column of the column-major buffers. The row loop reads one
 * value per column; with columns exactly s long (1 KiB at s = 64, 4 KiB at 256) those reads all
 * fall in the same few L1 sets and evict each other. 4 values = one cache line: the column
 * stride becomes an odd number of lines and the reads spread over every set.
 */
const COLUMN_PAD = 4;
/** Rows per block of the row loop (4 complex float64 = one 64-byte cache line). */
const ROWS = 4;
/**
 * Largest s^2 run batched: 4 fields of s^2 complex values (2 MiB at this bound, s <= 181) per
 * engine buffer. Measured (CPU time per pair, batched vs per line): 64: 164 vs 220 us, 128: 806
 * vs 854, 160: 1401 vs 1448, 192: 2074 vs 1983, 256: 4681 vs 3899.
 */
const BATCHED_MAX_POINTS = 1 << 15;
/**
 * fftLines options of the batched 2-D transforms: the y pass then the x pass of every field in
 * one call, the data staying in the engine's memory in between; output [x, y, field].
 */
const INVERSE_2D: LinesOptions = { direction: 1, layout: "transposed", repeat: 2 };
const FORWARD_2D: LinesOptions = { direction: -1, layout: "transposed", repeat: 2 };

export class DealiasedAdvection {
  readonly s: number;
  private readonly half: number;
  /** Live y-columns q = 0..L-1 (and their negatives). */
  private readonly live: number;
  /** W = 2L - 1 transformed columns: c < L is q = c, c >= L is q = c - W. */
  private readonly width: number;
  /** Live x-rows p (|k_x| <= s/3), ascending: the only rows a truncated state has nonzero. */
  readonly rows: Int32Array;
  private readonly plan: ComplexPlan;
  /** Whether this size runs batched (see the file comment). */
  private readonly batched: boolean;
  /**
   * Where bin (p, column c) of field f sits in the spectra buffer (colIn, or fields when
   * batched), in complex values: f fieldStride + p pStride + c cStride, columns c = 0..C-1 with
   * -q at column C - q (C = columns). Likewise specP / specC (same C) for the product's
   * spectrum that `separate` reads (colOut, or spec when batched).
   */
  private readonly fieldStride: number;
  private readonly pStride: number;
  private readonly cStride: number;
  private readonly columns: number;
  private readonly specP: number;
  private readonly specC: number;
  /** Batched: [FIELDS, s, s] full spectra, row-major (bin (p, q) of field f at (f s + p) s + q);
   * only the live box is ever written, the rest stays zero. */
  private readonly fields: Float64Array;
  /** Batched: [s, s, FIELDS], z1a, z2a, z1b, z2b of point (x, y) side by side. */
  private readonly points: Float64Array;
  /** Batched: [s, s], the packed products n_a + i n_b at (x, y). */
  private readonly prod: Float64Array;
  /** Batched: [s, s], their full spectrum C at (p, q). */
  private readonly spec: Float64Array;
  /**
   * Per line: [FIELDS, W, s] complex, column-major: column c of field f at (f W + c) s. Only the live
   * rows are ever written, so the others stay zero; the x transforms go out of place to colMid.
   */
  private readonly colIn: Float64Array;
  private readonly colMid: Float64Array;
  /** [W, s] complex: the forward row transforms of n_a + i n_b, column-major. */
  private readonly colOut: Float64Array;
  /**
   * ROWS s-long complex rows per field (rowIn[ROWS f + r]); their dead middle (q = L..s-L)
   * stays zero because the transforms write to rowOut: one array holding the row of every
   * field (field f at complex offset f s), so the product loop reads a single array.
   */
  private readonly rowInAll: Float64Array;
  private readonly rowIn: Float64Array[] = [];
  private readonly rowOut: Float64Array;
  /**
   * The packed products n_a + i n_b of the block's rows (row r at complex offset r s), transformed
   * in place through the exact-length views prodRows[r] (no per-call view for the engine).
   */
  private readonly prodAll: Float64Array;
  private readonly prodRows: Float64Array[] = [];
  /** 2 pi k_x / s^2 per row, 2 pi k_y / s^2 per column: wavenumbers with irfft2's scale. */
  private readonly kxs: Float64Array;
  private readonly kys: Float64Array;
  /** Distance (complex values) between columns of the column-major buffers. */
  private readonly stride: number;
  /**
   * One s-long view per column of colIn, colMid, colOut: the engine copies an array of exactly
   * its length with one memcpy and no allocation (a longer array costs it a subarray view per
   * call, i.e. garbage).
   */
  private readonly inCols: Float64Array[] = [];
  private readonly midCols: Float64Array[] = [];
  private readonly outCols: Float64Array[] = [];

  /**
   * kx, ky: 2 pi k per row / column; invLap: 1 / (4 pi^2 |k|^2) per bin (0 at k = 0); forceHat:
   * the forcing's half spectrum, ALREADY projected onto the 2/3 box (read at each call, so the
   * owner may fill it after construction). The outputs' bins outside the box are never written.
   */
  constructor(
    s: number,
    kx: Float64Array,
    ky: Float64Array,
    private readonly invLap: Float64Array,
    private readonly forceHat: Float64Array,
  ) {
    this.s = s;
    this.half = (s >> 1) + 1;
    const cut = s / 3;
    this.live = Math.floor(cut) + 1;
    this.width = 2 * this.live - 1;
    const rows: number[] = [];
    for (let p = 0; p < s; p++) if (Math.abs(wavenumber(p, s)) <= cut) rows.push(p);
    this.rows = Int32Array.from(rows);
    this.plan = complexPlan(s);
    const scale = 1 / (s * s);
    this.kxs = kx.map((v) => v * scale);
    this.kys = ky.map((v) => v * scale);
    this.stride = s + COLUMN_PAD;
    // fftLines batches only lengths its engine runs in pair mode (4 | s, factors 2..11); at
    // other lengths it loops over the lines and the per-line path is the faster one
    this.batched = s * s <= BATCHED_MAX_POINTS && s % 4 === 0 && smooth11(s);
    const none = new Float64Array(0);
    if (this.batched) {
      [this.fieldStride, this.pStride, this.cStride, this.columns] = [s * s, s, 1, s];
      [this.specP, this.specC] = [s, 1];
      this.fields = new Float64Array(2 * FIELDS * s * s);
      this.points = new Float64Array(2 * FIELDS * s * s);
      this.prod = new Float64Array(2 * s * s);
      this.spec = new Float64Array(2 * s * s);
      this.colIn = this.colMid = this.colOut = this.rowInAll = this.rowOut = this.prodAll = none;
      return;
    }
    [this.fieldStride, this.pStride, this.cStride, this.columns] = [
      this.width * this.stride,
      1,
      this.stride,
      this.width,
    ];
    [this.specP, this.specC] = [1, this.stride];
    this.fields = this.points = this.prod = this.spec = none;
    this.colIn = new Float64Array(2 * FIELDS * this.width * this.stride);
    this.colMid = new Float64Array(2 * FIELDS * this.width * this.stride);
    this.colOut = new Float64Array(2 * this.width * this.stride);
    const cs = 2 * this.stride;
    for (let col = 0; col < FIELDS * this.width; col++) {
      this.inCols.push(this.colIn.subarray(col * cs, col * cs + 2 * s));
      this.midCols.push(this.colMid.subarray(col * cs, col * cs + 2 * s));
    }
    for (let c = 0; c < this.width; c++)
      this.outCols.push(this.colOut.subarray(c * cs, c * cs + 2 * s));
    this.rowInAll = new Float64Array(2 * ROWS * FIELDS * s);
    for (let k = 0; k < ROWS * FIELDS; k++)
      this.rowIn.push(this.rowInAll.subarray(2 * k * s, 2 * (k + 1) * s));
    this.rowOut = new Float64Array(2 * FIELDS * s);
    this.prodAll = new Float64Array(2 * ROWS * s);
    for (let r = 0; r < ROWS; r++)
      this.prodRows.push(this.prodAll.subarray(2 * r * s, 2 * (r + 1) * s));
  }

  /**
   * outA = N(x_A), outB = N(x_B) for the stage inputs x = alpha * w + beta * k per bin (x = w
   * when k is null), samples A and B at complex offsets wOffA / kOffA and wOffB / kOffB of w and
   * k. Forming x here saves the RK4 stages a pass over memory. B may be A (then outB must not
   * overlap outA). Half spectra [s, s/2 + 1]; returns max(|u| + |v|) of both samples (0 when
   * withSpeed is false: the stages after the first do not need it).
   */
  pair(
    w: Float64Array,
    wOffA: number,
    wOffB: number,
    k: Float64Array | null,
    kOffA: number,
    kOffB: number,
    alpha: Float64Array | null,
    beta: Float64Array | null,
    outA: Float64Array,
    outAOff: number,
    outB: Float64Array,
    outBOff: number,
    withSpeed = true,
  ): number {
    this.spectraToColumns(w, wOffA, k, kOffA, alpha, beta, 0);
    this.spectraToColumns(w, wOffB, k, kOffB, alpha, beta, 2);
    if (this.batched) {
      // the 1/s^2 of irfft2 is already in the spectra (a scale != 1 costs the engine a pass)
      fftLines(this.plan, this.fields, this.points, FIELDS * this.s, INVERSE_2D);
      const speed = this.products(withSpeed);
      fftLines(this.plan, this.prod, this.spec, this.s, FORWARD_2D);
      this.separate(this.spec, outA, outAOff, outB, outBOff);
      return speed;
    }
    const { width, plan, inCols, midCols, outCols } = this;
    // inverse x transforms of the live columns (the 1/s^2 of irfft2 is already in colIn: a
    // scale != 1 would cost the engine one more pass per call)
    for (let col = 0; col < FIELDS * width; col++)
      plan.execute(inCols[col] as Float64Array, 0, 1, midCols[col] as Float64Array, 0, 1, 1, 1);
    const speed = this.rowPass(withSpeed);
    for (let c = 0; c < width; c++) {
      const col = outCols[c] as Float64Array;
      plan.execute(col, 0, 1, col, 0, 1, -1, 1);
    }
    this.separate(this.colOut, outA, outAOff, outB, outBOff);
    return speed;
  }

  /**
   * Fill fields f0 (z1 = U + iV) and f0 + 1 (z2 = Wx + iWy) of the spectra buffer from the half spectrum H:
   * psi = H / lap, U = i k_y psi, V = -i k_x psi, Wx = i k_x H, Wy = i k_y H. With
   * kappa = k_x + i k_y these are z1 = kappa psi and z2 = i kappa H at (p, q), and from
   * F(-p, -q) = conj F(p, q): z1 = -kappa conj(psi), z2 = -i kappa conj(H) at (-p, -q), so the
   * four products kappa H and kappa conj(H) give all eight values. The 1/s^2 of irfft2 is in the
   * scaled wavenumbers kxs, kys. The column q = 0 uses the Hermitian part of H(., 0).
   */
  private spectraToColumns(
    src: Float64Array,
    off: number,
    k: Float64Array | null,
    kOff: number,
    alpha: Float64Array | null,
    beta: Float64Array | null,
    f0: number,
  ): void {
    const combine = k !== null && alpha !== null && beta !== null;
    const kk = k ?? src;
    const al = alpha ?? this.invLap;
    const be = beta ?? this.invLap;
    const { s, half, live, rows, kxs, kys, invLap, pStride, cStride, columns } = this;
    const colIn = this.batched ? this.fields : this.colIn;
    const z1 = 2 * f0 * this.fieldStride;
    const z2 = z1 + 2 * this.fieldStride;
    for (let r = 0; r < rows.length; r++) {
      const p = rows[r] as number;
      const np = p === 0 ? 0 : s - p; // row of -p
      const kxp = kxs[p] as number;
      const m0 = p * half;
      // q = 0: the Hermitian part (H(p) + conj H(-p)) / 2 (k_y = 0, no mirrored column)
      {
        const n = np * half;
        let hr = src[2 * (off + m0)] as number;
        let hi = src[2 * (off + m0) + 1] as number;
        let gr = src[2 * (off + n)] as number;
        let gi = src[2 * (off + n) + 1] as number;
        if (combine) {
          const a = al[m0] as number;
          const b = be[m0] as number;
          hr = a * hr + b * (kk[2 * (kOff + m0)] as number);
          hi = a * hi + b * (kk[2 * (kOff + m0) + 1] as number);
          const c = al[n] as number;
          const d = be[n] as number;
          gr = c * gr + d * (kk[2 * (kOff + n)] as number);
          gi = c * gi + d * (kk[2 * (kOff + n) + 1] as number);
        }
        hr = 0.5 * (hr + gr);
        hi = 0.5 * (hi - gi);
        const il = invLap[m0] as number;
        const pr = kxp * hr; // kappa H with kappa = k_x
        const pi = kxp * hi;
        const at = 2 * p * pStride;
        colIn[z1 + at] = il * pr;
        colIn[z1 + at + 1] = il * pi;
        colIn[z2 + at] = -pi;
        colIn[z2 + at + 1] = pr;
      }
      for (let q = 1; q < live; q++) {
        const m = m0 + q;
        let hr = src[2 * (off + m)] as number;
        let hi = src[2 * (off + m) + 1] as number;
        if (combine) {
          const a = al[m] as number;
          const b = be[m] as number;
          hr = a * hr + b * (kk[2 * (kOff + m)] as number);
          hi = a * hi + b * (kk[2 * (kOff + m) + 1] as number);
        }
        const kyq = kys[q] as number;
        const xr = kxp * hr;
        const xi = kxp * hi;
        const yr = kyq * hr;
        const yi = kyq * hi;
        const pr = xr - yi; // kappa H
        const pi = yr + xi;
        const cr = xr + yi; // kappa conj(H)
        const ci = yr - xi;
        const il = invLap[m] as number;
        const at = 2 * (p * pStride + q * cStride);
        colIn[z1 + at] = il * pr;
        colIn[z1 + at + 1] = il * pi;
        colIn[z2 + at] = -pi;
        colIn[z2 + at + 1] = pr;
        const bt = 2 * (np * pStride + (columns - q) * cStride);
        colIn[z1 + bt] = -il * cr;
        colIn[z1 + bt + 1] = -il * ci;
        colIn[z2 + bt] = ci;
        colIn[z2 + bt + 1] = -cr;
      }
    }
  }

  /**
   * For every x-row i: inverse y transforms of the four fields, the products
   * n = Re z1 Re z2 + Im z1 Im z2 of both samples packed as n_a + i n_b, its forward y
   * transform, whose live columns go to colOut. Returns max(|u| + |v|) (0 without withSpeed).
   * Rows go in blocks of ROWS (when s allows): the transposing reads and writes then use whole
   * cache lines (4 complex values), which measured ~40% faster than row by row.
   */
  private rowPass(withSpeed: boolean): number {
    const { s } = this;
    let speed = 0;
    const blocked = s % ROWS === 0;
    for (let i0 = 0; i0 < s; i0 += blocked ? ROWS : 1) {
      const nr = blocked ? ROWS : 1;
      if (blocked) this.gatherBlock(i0);
      else this.gatherRow(i0);
      for (let r = 0; r < nr; r++) {
        const sp = this.rowProducts(r, withSpeed);
        if (!(sp <= speed)) speed = sp; // NaN sticks
      }
      if (blocked) this.scatterBlock(i0);
      else this.scatterRow(i0);
    }
    return speed;
  }

  /** Rows i0..i0+3 of the four fields from colMid into rowIn[4 f + r] (live entries only). */
  private gatherBlock(i0: number): void {
    const { s, width, live, colMid, rowInAll: rows, stride } = this;
    const cs = 2 * stride;
    const shift = 2 * (s - width); // row index 2 (s + q) of column c = W + q >= L
    const g = 2 * s;
    for (let f = 0; f < FIELDS; f++) {
      let from = 2 * (f * width * stride + i0);
      // columns c < L go to row index c, the others (q = c - W < 0) to s + q
      for (let c = 0, to = ROWS * f * g; c < width; c++, from += cs, to += 2) {
        if (c === live) to += shift;
        rows[to] = colMid[from] as number;
        rows[to + 1] = colMid[from + 1] as number;
        rows[to + g] = colMid[from + 2] as number;
        rows[to + g + 1] = colMid[from + 3] as number;
        rows[to + 2 * g] = colMid[from + 4] as number;
        rows[to + 2 * g + 1] = colMid[from + 5] as number;
        rows[to + 3 * g] = colMid[from + 6] as number;
        rows[to + 3 * g + 1] = colMid[from + 7] as number;
      }
    }
  }

  /** Row i of the four fields into rowIn[4 f] (s not a multiple of 4). */
  private gatherRow(i: number): void {
    const { s, width, live, colMid, rowIn, stride } = this;
    const cs = 2 * stride;
    const shift = 2 * (s - width);
    for (let f = 0; f < FIELDS; f++) {
      const row = rowIn[ROWS * f] as Float64Array;
      let from = 2 * (f * width * stride + i);
      for (let c = 0; c < width; c++, from += cs) {
        const to = c < live ? 2 * c : shift + 2 * c;
        row[to] = colMid[from] as number;
        row[to + 1] = colMid[from + 1] as number;
      }
    }
  }

  /**
   * Row r of the block: the four inverse y transforms, the packed product into prodRows[r] and
   * its forward y transform. Returns max(|u| + |v|) over the row (0 without withSpeed).
   */
  private rowProducts(r: number, withSpeed: boolean): number {
    const { s, plan, rowIn, rowOut, prodRows } = this;
    for (let f = 0; f < FIELDS; f++)
      plan.execute(rowIn[ROWS * f + r] as Float64Array, 0, 1, rowOut, f * s, 1, 1, 1);
    // z1a, z2a, z1b, z2b at 0, 2s, 4s, 6s
    const g = 2 * s;
    const prod = prodRows[r] as Float64Array;
    let speed = 0;
    if (withSpeed) {
      for (let j = 0; j < 2 * s; j += 2) {
        const ua = rowOut[j] as number;
        const va = rowOut[j + 1] as number;
        const ub = rowOut[j + 2 * g] as number;
        const vb = rowOut[j + 2 * g + 1] as number;
        const sa = Math.abs(ua) + Math.abs(va);
        const sb = Math.abs(ub) + Math.abs(vb);
        if (!(sa <= speed)) speed = sa; // NaN sticks
        if (!(sb <= speed)) speed = sb;
        prod[j] = ua * (rowOut[j + g] as number) + va * (rowOut[j + g + 1] as number);
        prod[j + 1] = ub * (rowOut[j + 3 * g] as number) + vb * (rowOut[j + 3 * g + 1] as number);
      }
    } else {
      for (let j = 0; j < 2 * s; j += 2) {
        prod[j] =
          (rowOut[j] as number) * (rowOut[j + g] as number) +
          (rowOut[j + 1] as number) * (rowOut[j + g + 1] as number);
        prod[j + 1] =
          (rowOut[j + 2 * g] as number) * (rowOut[j + 3 * g] as number) +
          (rowOut[j + 2 * g + 1] as number) * (rowOut[j + 3 * g + 1] as number);
      }
    }
    plan.execute(prod, 0, 1, prod, 0, 1, -1, 1);
    return speed;
  }

  /** The live columns of prodRows[0..3] into rows i0..i0+3 of colOut. */
  private scatterBlock(i0: number): void {
    const { s, width, live, colOut, prodAll, stride } = this;
    const cs = 2 * stride;
    const shift = 2 * (s - width);
    const g = 2 * s;
    let to = 2 * i0;
    for (let c = 0, from = 0; c < width; c++, to += cs, from += 2) {
      if (c === live) from += shift;
      colOut[to] = prodAll[from] as number;
      colOut[to + 1] = prodAll[from + 1] as number;
      colOut[to + 2] = prodAll[from + g] as number;
      colOut[to + 3] = prodAll[from + g + 1] as number;
      colOut[to + 4] = prodAll[from + 2 * g] as number;
      colOut[to + 5] = prodAll[from + 2 * g + 1] as number;
      colOut[to + 6] = prodAll[from + 3 * g] as number;
      colOut[to + 7] = prodAll[from + 3 * g + 1] as number;
    }
  }

  /** The live columns of prodRows[0] into row i of colOut. */
  private scatterRow(i: number): void {
    const { s, width, live, colOut, prodRows, stride } = this;
    const cs = 2 * stride;
    const shift = 2 * (s - width);
    const p0 = prodRows[0] as Float64Array;
    let to = 2 * i;
    for (let c = 0; c < width; c++, to += cs) {
      const from = c < live ? 2 * c : shift + 2 * c;
      colOut[to] = p0[from] as number;
      colOut[to + 1] = p0[from + 1] as number;
    }
  }

  /**
   * Batched: the packed products n = Re z1 Re z2 + Im z1 Im z2 of both samples, n_a + i n_b, from
   * points ([y, x, field]) into prod ([y, x]). Returns max(|u| + |v|) (0 without withSpeed).
   */
  private products(withSpeed: boolean): number {
    const { s, points, prod } = this;
    let speed = 0;
    for (let to = 0, from = 0, end = 2 * s * s; to < end; to += 2, from += 2 * FIELDS) {
      const ua = points[from] as number;
      const va = points[from + 1] as number;
      const ub = points[from + 4] as number;
      const vb = points[from + 5] as number;
      if (withSpeed) {
        const sa = Math.abs(ua) + Math.abs(va);
        const sb = Math.abs(ub) + Math.abs(vb);
        if (!(sa <= speed)) speed = sa; // NaN sticks
        if (!(sb <= speed)) speed = sb;
      }
      prod[to] = ua * (points[from + 2] as number) + va * (points[from + 3] as number);
      prod[to + 1] = ub * (points[from + 6] as number) + vb * (points[from + 7] as number);
    }
    return speed;
  }

  /**
   * Split C = FFT2(n_a + i n_b) into N_a, N_b and write -N + f_hat into the live box of the
   * half spectra (the mask is 1 there). Bins outside the box are not written: there the result
   * would be -0 * N + f_hat = 0 (the forcing is projected onto the box, see the constructor),
   * and the callers' buffers hold those zeros from their allocation on.
   */
  private separate(
    colOut: Float64Array,
    outA: Float64Array,
    offA: number,
    outB: Float64Array,
    offB: number,
  ): void {
    const { s, half, live, rows, forceHat, specP, specC, columns } = this;
    const oa = 2 * offA;
    const ob = 2 * offB;
    for (let r = 0; r < rows.length; r++) {
      const p = rows[r] as number;
      const np = p === 0 ? 0 : s - p;
      for (let q = 0; q < live; q++) {
        const m = p * half + q;
        const a = 2 * (p * specP + q * specC);
        const b = 2 * (np * specP + (q === 0 ? 0 : columns - q) * specC);
        const ar = colOut[a] as number;
        const ai = colOut[a + 1] as number;
        const br = colOut[b] as number;
        const bi = colOut[b + 1] as number;
        const fr = forceHat[2 * m] as number;
        const fi = forceHat[2 * m + 1] as number;
        // N_a = ((ar + br) + i (ai - bi)) / 2, N_b = ((ai + bi) + i (br - ar)) / 2
        outA[oa + 2 * m] = fr - 0.5 * (ar + br);
        outA[oa + 2 * m + 1] = fi - 0.5 * (ai - bi);
        outB[ob + 2 * m] = fr - 0.5 * (ai + bi);
        outB[ob + 2 * m + 1] = fi - 0.5 * (br - ar);
      }
    }
  }
}

/** Whether n has no prime factor above 11 (the lengths the FFT engine's codelets cover). */
function smooth11(n: number): boolean {
  for (const p of [2, 3, 5, 7, 11]) while (n % p === 0) n /= p;
  return n === 1;
}
