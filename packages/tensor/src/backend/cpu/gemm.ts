/**
 * Dense matrix products on row-major typed arrays, the work-horse of matmul and convolution.
 *
 * Layout of the fast path (Goto / BLIS style, in plain JavaScript):
 * - C is computed in column blocks of NC; for each block, K is walked in chunks of KC and M in
 *   chunks of MC. The KC x NC slice of B is packed into `packB` as NR-column panels and each
 *   MC x KC slice of A into `packA` as MR-row panels, both k-major and zero-padded to full
 *   panels, so the micro-kernel reads two contiguous streams and never tests edges.
 * - The micro-kernel keeps an MR x NR = 4 x 4 tile of C in 16 local doubles (registers or L1
 *   spill slots) and does 16 multiply-adds per 8 loads. Wider tiles (4x6, 4x8, 3x8, 8x4) and
 *   k-unrolling were measured too: all land within +-5% of 4x4 in V8 (each typed-array load
 *   costs an overflow check and a bounds check; the FP units are not the limit), so the
 *   simplest tile that divides the common sizes won.
 * - Packing converts to float64 whatever the input type: the micro-kernel is monomorphic
 *   (always Float64Array) and f32 inputs get f64 accumulation for free. Partial sums over the
 *   K chunks go to a float64 block `packC`, and C is written (rounded once to its type) at the
 *   end. So every element of C is an f64 sum of exact f64 products of the (f32- or
 *   f64-valued) inputs: error <= K * 2^-53 * sum |a||b| before the final rounding, the same
 *   bound as the naive f64 triple loop (only the summation order differs).
 * - Transposed operands are handled by the packing routines (reading A as [K x M] or B as
 *   [N x K]), so callers never materialize a transpose.
 * - All scratch buffers are module-level and only grow: no allocation per call (fresh pages
 *   cost ~6 us / 4 KiB on our VMs). JavaScript is single-threaded, so sharing them is safe as
 *   long as gemm does not call itself, which it does not.
 * Small or skinny products (M < 4 or N < 4) skip packing and use strided dot / axpy loops.
 */
export type Floats = Float32Array | Float64Array;

const MR = 4;
const NR = 4;
/** K chunk: an MR x KC panel of A and a KC x NR panel of B are 8 KiB each (L1). */
const KC = 256;
/** M chunk: the packed MC x KC block of A is 128 KiB (L2). */
const MC = 64;
/** Column block: the packed KC x NC block of B is 512 KiB (L2); packC is at most MP x NC. */
const NC_MAX = 256;
/** micro4x4 modes. */
const FIRST = 1;
const LAST = 2;
const ACC = 4;

type F64 = Float64Array<ArrayBuffer>;
let packA: F64 = new Float64Array(MC * KC);
let packB: F64 = new Float64Array(NC_MAX * KC);
let packC: F64 = new Float64Array(MR * NC_MAX);
let rowScratch: F64 = new Float64Array(64);

function grow(buf: F64, n: number): F64 {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

/**
 * C[cOff..] (+)= op(A) @ op(B), C [M x N] row-major contiguous.
 * op(A) is [M x K]: A stored row-major [M x K] from aOff, or [K x M] when transA.
 * op(B) is [K x N]: B stored row-major [K x N] from bOff, or [N x K] when transB.
 * With accumulate, the product is added to C's current values.
 */
export function gemm(
  M: number,
  N: number,
  K: number,
  A: Floats,
  aOff: number,
  B: Floats,
  bOff: number,
  C: Floats,
  cOff: number,
  accumulate = false,
  transA = false,
  transB = false,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) C.fill(0, cOff, cOff + M * N);
    return;
  }
  // Element (i, k) of op(A) is A[aOff + i * ars + k * acs]; (k, j) of op(B) is B[bOff + k * brs + j * bcs].
  const ars = transA ? 1 : K;
  const acs = transA ? M : 1;
  const brs = transB ? 1 : N;
  const bcs = transB ? K : 1;
  if (N < NR || (M < MR && transB)) gemmDot(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, accumulate);
  else if (M < MR) gemmAxpy(M, N, K, A, aOff, ars, acs, B, bOff, brs, C, cOff, accumulate);
  else gemmPacked(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, accumulate);
}

function gemmPacked(
  M: number,
  N: number,
  K: number,
  A: Floats,
  aOff: number,
  ars: number,
  acs: number,
  B: Floats,
  bOff: number,
  brs: number,
  bcs: number,
  C: Floats,
  cOff: number,
  accumulate: boolean,
  complexB = false,
): void {
  const mp = Math.ceil(M / MR) * MR;
  // Bound packC (mp x nc doubles) to ~2 MiB for tall products, but keep panels of >= 64 columns.
  const ncMax = Math.min(NC_MAX, Math.max(64, Math.floor(262144 / mp / NR) * NR));
  // Equal chunks rather than full ones plus a sliver (K = 288 -> 2 x 144, not 256 + 32): a short
  // chunk pays the per-tile overhead for few multiply-adds. kc stays even (complex packing).
  const kc0 = Math.ceil(K / Math.ceil(K / KC) / 2) * 2;
  const nc0 = Math.ceil(N / Math.ceil(N / ncMax) / NR) * NR;
  if (K > kc0) packC = grow(packC, mp * nc0);
  packB = grow(packB, kc0 * nc0);
  packA = grow(packA, MC * kc0);
  const Ap = packA;
  const Bp = packB;
  const Cp = packC;
  for (let jc = 0; jc < N; jc += nc0) {
    const nc = Math.min(nc0, N - jc);
    const ncp = Math.ceil(nc / NR) * NR;
    for (let pc = 0; pc < K; pc += kc0) {
      const kc = Math.min(kc0, K - pc);
      // FIRST: no partial sum in packC yet; LAST: this K chunk completes C, write it out.
      const mode = (pc === 0 ? FIRST : 0) | (pc + kc === K ? LAST : 0) | (accumulate ? ACC : 0);
      if (complexB) packPanelsBComplex(B, bOff + pc * brs + jc * bcs, 2 * brs, 2 * bcs, kc, nc, Bp);
      else packPanelsB(B, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc, Bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanelsA(A, aOff + ic * ars + pc * acs, ars, acs, mc, kc, Ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const bPanel = jr * kc;
          const cols = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const i = ic + ir;
            micro4x4(kc, Ap, ir * kc, Bp, bPanel, Cp, i * ncp + jr, ncp, mode, C, cOff + i * N + jc + jr, N, Math.min(MR, M - i), cols);
          }
        }
      }
    }
  }
}

/** Pack op(A)[0..mc, 0..kc] (element (i, p) at src[off + i * rs + p * cs]) as MR-row panels, k-major, zero-padded. */
function packPanelsA(src: Floats, off: number, rs: number, cs: number, mc: number, kc: number, dst: Float64Array): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const base = i0 * kc;
    const rows = Math.min(MR, mc - i0);
    if (cs === 1) {
      // Rows of A are contiguous: read each row, write with stride MR.
      for (let i = 0; i < rows; i++) {
        const s = off + (i0 + i) * rs;
        for (let p = 0, d = base + i; p < kc; p++, d += MR) dst[d] = src[s + p];
      }
    } else {
      // Columns of A are contiguous (transA): read MR consecutive elements per k.
      for (let p = 0; p < kc; p++) {
        const s = off + p * cs + i0 * rs;
        const d = base + p * MR;
        for (let i = 0; i < rows; i++) dst[d + i] = src[s + i * rs];
      }
    }
    for (let i = rows; i < MR; i++) for (let p = 0, d = base + i; p < kc; p++, d += MR) dst[d] = 0;
  }
}

/** Pack op(B)[0..kc, 0..nc] (element (p, j) at src[off + p * rs + j * cs]) as NR-column panels, k-major, zero-padded. */
function packPanelsB(src: Floats, off: number, rs: number, cs: number, kc: number, nc: number, dst: Float64Array): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const base = j0 * kc;
    const cols = Math.min(NR, nc - j0);
    if (cs === 1 && cols === NR) {
      for (let p = 0; p < kc; p++) {
        const s = off + p * rs + j0;
        const d = base + p * NR;
        dst[d] = src[s];
        dst[d + 1] = src[s + 1];
        dst[d + 2] = src[s + 2];
        dst[d + 3] = src[s + 3];
      }
    } else if (cs === 1) {
      for (let p = 0; p < kc; p++) {
        const s = off + p * rs + j0;
        const d = base + p * NR;
        for (let j = 0; j < cols; j++) dst[d + j] = src[s + j];
        for (let j = cols; j < NR; j++) dst[d + j] = 0;
      }
    } else {
      // transB: each column of op(B) is a contiguous row of the stored matrix.
      for (let j = 0; j < cols; j++) {
        const s = off + (j0 + j) * cs;
        for (let p = 0, d = base + j; p < kc; p++, d += NR) dst[d] = src[s + p * rs];
      }
      for (let j = cols; j < NR; j++) for (let p = 0, d = base + j; p < kc; p++, d += NR) dst[d] = 0;
    }
  }
}

/**
 * Pack the real (2K x 2N) expansion B' of a complex B for C = A @ B computed as a real product on
 * interleaved storage: C[i, 2j + t] = sum_k' A[i, k'] B'[k', 2j + t] with A read as a real
 * [M x 2K] matrix, where each complex b = br + i bi becomes the 2 x 2 block [[br, bi], [-bi, br]]
 * (rows k' = 2k + s, columns 2j + t). kc and nc count real rows/columns and are even here;
 * complex element (k, j) of the slice is at src[off + k * rs + j * cs] (re) and + 1 (im).
 */
function packPanelsBComplex(src: Floats, off: number, rs: number, cs: number, kc: number, nc: number, dst: Float64Array): void {
  const k2 = kc >> 1;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const base = j0 * kc;
    for (let jj = 0; jj < 2; jj++) {
      const d0 = base + 2 * jj;
      if (j0 + 2 * jj >= nc) {
        for (let p = 0, d = d0; p < kc; p++, d += NR) {
          dst[d] = 0;
          dst[d + 1] = 0;
        }
        continue;
      }
      const s0 = off + ((j0 >> 1) + jj) * cs;
      for (let p = 0, d = d0; p < k2; p++, d += 2 * NR) {
        const s = s0 + p * rs;
        const br = src[s];
        const bi = src[s + 1];
        dst[d] = br;
        dst[d + 1] = bi;
        dst[d + NR] = -bi;
        dst[d + NR + 1] = br;
      }
    }
  }
}

/**
 * One 4 x 4 tile: acc[r][c] = sum_p A[ai + 4p + r] * B[bi + 4p + c] over the kc packed steps, then
 * - not LAST: partial sums to packC P (stored when FIRST, else added);
 * - LAST: acc (+ P when not FIRST) (+ C's old value when ACC) is written to C, rounded once to
 *   its type; edge tiles (rows or cols < 4) go through `tile` and write only what exists.
 */
const tile = new Float64Array(16);

function micro4x4(
  kc: number,
  A: Float64Array,
  ai: number,
  B: Float64Array,
  bi: number,
  P: Float64Array,
  pi: number,
  ldp: number,
  mode: number,
  C: Floats,
  ci: number,
  ldc: number,
  rows: number,
  cols: number,
): void {
  let c00 = 0.0;
  let c01 = 0.0;
  let c02 = 0.0;
  let c03 = 0.0;
  let c10 = 0.0;
  let c11 = 0.0;
  let c12 = 0.0;
  let c13 = 0.0;
  let c20 = 0.0;
  let c21 = 0.0;
  let c22 = 0.0;
  let c23 = 0.0;
  let c30 = 0.0;
  let c31 = 0.0;
  let c32 = 0.0;
  let c33 = 0.0;
  for (let p = 0; p < kc; p++) {
    const a0 = A[ai];
    const a1 = A[ai + 1];
    const a2 = A[ai + 2];
    const a3 = A[ai + 3];
    const b0 = B[bi];
    const b1 = B[bi + 1];
    const b2 = B[bi + 2];
    const b3 = B[bi + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ai += 4;
    bi += 4;
  }
  const p1 = pi + ldp;
  const p2 = p1 + ldp;
  const p3 = p2 + ldp;
  if ((mode & FIRST) === 0) {
    c00 += P[pi];
    c01 += P[pi + 1];
    c02 += P[pi + 2];
    c03 += P[pi + 3];
    c10 += P[p1];
    c11 += P[p1 + 1];
    c12 += P[p1 + 2];
    c13 += P[p1 + 3];
    c20 += P[p2];
    c21 += P[p2 + 1];
    c22 += P[p2 + 2];
    c23 += P[p2 + 3];
    c30 += P[p3];
    c31 += P[p3 + 1];
    c32 += P[p3 + 2];
    c33 += P[p3 + 3];
  }
  if ((mode & LAST) === 0) {
    P[pi] = c00;
    P[pi + 1] = c01;
    P[pi + 2] = c02;
    P[pi + 3] = c03;
    P[p1] = c10;
    P[p1 + 1] = c11;
    P[p1 + 2] = c12;
    P[p1 + 3] = c13;
    P[p2] = c20;
    P[p2 + 1] = c21;
    P[p2 + 2] = c22;
    P[p2 + 3] = c23;
    P[p3] = c30;
    P[p3 + 1] = c31;
    P[p3 + 2] = c32;
    P[p3 + 3] = c33;
    return;
  }
  if (rows === 4 && cols === 4) {
    const q1 = ci + ldc;
    const q2 = q1 + ldc;
    const q3 = q2 + ldc;
    if ((mode & ACC) !== 0) {
      c00 += C[ci];
      c01 += C[ci + 1];
      c02 += C[ci + 2];
      c03 += C[ci + 3];
      c10 += C[q1];
      c11 += C[q1 + 1];
      c12 += C[q1 + 2];
      c13 += C[q1 + 3];
      c20 += C[q2];
      c21 += C[q2 + 1];
      c22 += C[q2 + 2];
      c23 += C[q2 + 3];
      c30 += C[q3];
      c31 += C[q3 + 1];
      c32 += C[q3 + 2];
      c33 += C[q3 + 3];
    }
    C[ci] = c00;
    C[ci + 1] = c01;
    C[ci + 2] = c02;
    C[ci + 3] = c03;
    C[q1] = c10;
    C[q1 + 1] = c11;
    C[q1 + 2] = c12;
    C[q1 + 3] = c13;
    C[q2] = c20;
    C[q2 + 1] = c21;
    C[q2 + 2] = c22;
    C[q2 + 3] = c23;
    C[q3] = c30;
    C[q3 + 1] = c31;
    C[q3 + 2] = c32;
    C[q3 + 3] = c33;
    return;
  }
  tile[0] = c00;
  tile[1] = c01;
  tile[2] = c02;
  tile[3] = c03;
  tile[4] = c10;
  tile[5] = c11;
  tile[6] = c12;
  tile[7] = c13;
  tile[8] = c20;
  tile[9] = c21;
  tile[10] = c22;
  tile[11] = c23;
  tile[12] = c30;
  tile[13] = c31;
  tile[14] = c32;
  tile[15] = c33;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const d = ci + r * ldc + c;
      C[d] = (mode & ACC) !== 0 ? C[d] + tile[4 * r + c] : tile[4 * r + c];
    }
  }
}

/** Skinny products: one f64 dot product per element of C (N < 4, or few rows with transposed B). */
function gemmDot(
  M: number,
  N: number,
  K: number,
  A: Floats,
  aOff: number,
  ars: number,
  acs: number,
  B: Floats,
  bOff: number,
  brs: number,
  bcs: number,
  C: Floats,
  cOff: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < M; i++) {
    const a0 = aOff + i * ars;
    for (let j = 0; j < N; j++) {
      let s0 = 0.0;
      let s1 = 0.0;
      let pa = a0;
      let pb = bOff + j * bcs;
      let k = 0;
      for (; k + 1 < K; k += 2) {
        s0 += A[pa] * B[pb];
        s1 += A[pa + acs] * B[pb + brs];
        pa += 2 * acs;
        pb += 2 * brs;
      }
      if (k < K) s0 += A[pa] * B[pb];
      const c = cOff + i * N + j;
      if (accumulate) C[c] += s0 + s1;
      else C[c] = s0 + s1;
    }
  }
}

/** Few rows (M < 4), B not transposed: each row of C accumulates rows of B in an f64 scratch row. */
function gemmAxpy(
  M: number,
  N: number,
  K: number,
  A: Floats,
  aOff: number,
  ars: number,
  acs: number,
  B: Floats,
  bOff: number,
  brs: number,
  C: Floats,
  cOff: number,
  accumulate: boolean,
): void {
  rowScratch = grow(rowScratch, N);
  const row = rowScratch;
  for (let i = 0; i < M; i++) {
    row.fill(0, 0, N);
    const a0 = aOff + i * ars;
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const x0 = A[a0 + k * acs];
      const x1 = A[a0 + (k + 1) * acs];
      const b0 = bOff + k * brs;
      const b1 = b0 + brs;
      for (let j = 0; j < N; j++) row[j] += x0 * B[b0 + j] + x1 * B[b1 + j];
    }
    if (k < K) {
      const x0 = A[a0 + k * acs];
      const b0 = bOff + k * brs;
      for (let j = 0; j < N; j++) row[j] += x0 * B[b0 + j];
    }
    const c = cOff + i * N;
    if (accumulate) for (let j = 0; j < N; j++) C[c + j] += row[j];
    else for (let j = 0; j < N; j++) C[c + j] = row[j];
  }
}

/**
 * Complex C = A @ op(B) with interleaved (re, im) storage; sizes and offsets in complex elements.
 * op(B) is B [K x N], or B stored [N x K] when transB. Computed by the real packed product on
 * the interleaved arrays (see packPanelsBComplex): the same 8 K real multiply-adds per element
 * as the textbook complex loop, accumulated in float64. Fewer than 4 rows use a row loop.
 */
export function gemmComplex(
  M: number,
  N: number,
  K: number,
  A: Floats,
  aOff: number,
  B: Floats,
  bOff: number,
  C: Floats,
  cOff: number,
  transB = false,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    C.fill(0, 2 * cOff, 2 * (cOff + M * N));
    return;
  }
  if (M >= MR) {
    gemmPacked(M, 2 * N, 2 * K, A, 2 * aOff, 2 * K, 1, B, 2 * bOff, transB ? 1 : N, transB ? K : 1, C, 2 * cOff, false, true);
    return;
  }
  rowScratch = grow(rowScratch, 2 * N);
  const row = rowScratch;
  const rs = transB ? 2 : 2 * N;
  const cs = transB ? 2 * K : 2;
  for (let i = 0; i < M; i++) {
    row.fill(0, 0, 2 * N);
    for (let k = 0; k < K; k++) {
      const ar = A[2 * (aOff + i * K + k)];
      const ai = A[2 * (aOff + i * K + k) + 1];
      const b0 = 2 * bOff + k * rs;
      for (let j = 0; j < N; j++) {
        const br = B[b0 + j * cs];
        const bi = B[b0 + j * cs + 1];
        row[2 * j] += ar * br - ai * bi;
        row[2 * j + 1] += ar * bi + ai * br;
      }
    }
    const c0 = 2 * (cOff + i * N);
    for (let j = 0; j < 2 * N; j++) C[c0 + j] = row[j];
  }
}

/** dst[cols x rows] = transpose of src[rows x cols] starting at srcOff; c = components per element. */
export function transposeMatrix(src: Floats, srcOff: number, rows: number, cols: number, dst: Floats, c: 1 | 2): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const s = (srcOff + i * cols + j) * c;
      const d = (j * rows + i) * c;
      dst[d] = src[s];
      if (c === 2) dst[d + 1] = src[s + 1];
    }
  }
}
