/**
 * Dense matrix products on row-major typed arrays, the work-horse of matmul and convolution.
 *
 * Layout of the fast path (Goto / BLIS style, in plain JavaScript):
 * - C is computed in column blocks of at most NC_MAX; for each block, K is walked in equal
 *   chunks of at most KC and M in chunks of MC. The kc x nc slice of op(B) is packed as
 *   NR-column panels and each mc x kc slice of op(A) as MR-row panels, both k-major and
 *   zero-padded to full panels, so the micro-kernel reads two contiguous streams and never
 *   tests edges. Both live in one float64 scratch buffer (`pack`), with the partial sums.
 * - The micro-kernel computes an MR x NR = 4 x 4 tile of C from one A panel and one B panel.
 *   It exists twice, with identical float64 arithmetic in the same order (bit-identical
 *   results): a WebAssembly SIMD one (f64x2 lanes, ~21 GFLOP/s here; the default wherever
 *   WebAssembly SIMD is available, see "WebAssembly SIMD kernel" below) and a plain JS one
 *   (16 local doubles, ~5 GFLOP/s), the fallback. For the JS kernel, wider tiles (4x5, 4x6,
 *   4x8, 3x8, 5x4, 6x4, 8x4) and k-unrolling were measured too: all within +-5% of 4x4 in V8
 *   (every typed-array load pays an index overflow check and a bounds check, so the
 *   multiply/add units are not the limit), and reading A and B from one typed array instead of
 *   two gave +5..15%.
 * - Packing converts to float64 whatever the input type: the micro-kernel is monomorphic
 *   (always Float64Array) and f32 inputs get f64 accumulation for free. Partial sums over K
 *   chunks stay in float64 (in `pack`); C is written once, rounded once to its type.
 *   So every element of C is a float64 sum of the float64 products of the (f32- or
 *   f64-valued) inputs: error <= gamma_K sum |a||b| before the final rounding, the same bound
 *   as the naive float64 triple loop (only the summation order differs).
 * - Transposed operands are handled by the packing routines (reading A as [K x M] or B as
 *   [N x K]), so callers never materialize a transpose. Complex products run through the same
 *   path on interleaved storage, B being packed as its real 2K x 2N expansion.
 * - Scratch buffers are module-level and only grow: no allocation per call (fresh pages cost
 *   ~6 us / 4 KiB on our VMs). JavaScript is single-threaded, so sharing them is safe as long
 *   as gemm does not call itself, which it does not.
 * Small or skinny products (M < 4 or N < 4) skip packing and use strided dot / axpy loops.
 */

import {
  ALIGN_8,
  ALIGN_16,
  assembleModule,
  FunctionBody,
  I32,
  i32Const,
  instantiateSync,
  localGet,
  localSet,
  localTee,
  Op,
  Simd,
  simd,
  simdMemOp,
  V128,
} from "../../wasm/assembler.js";

export type Floats = Float32Array | Float64Array;

const MR = 4;
const NR = 4;
/** K chunk: an MR x KC panel of A and a KC x NR panel of B are 8 KiB each (L1 is 32 KiB). */
const KC = 256;
/** M chunk: the packed MC x KC block of A is 128 KiB (L2). */
const MC = 64;
/** Column block: the packed KC x NC block of B is 512 KiB (L2 is 1 MiB). */
const NC_MAX = 256;
/** micro4x4 modes. */
const FIRST = 1;
const LAST = 2;
const ACC = 4;

type F64 = Float64Array<ArrayBuffer>;
/** Packed A block, packed B block and float64 partial sums of C (in wasm memory when SIMD runs). */
let pack: F64 = new Float64Array(MC * KC + KC * NC_MAX);
let rowScratch: F64 = new Float64Array(64);

/** Grow `pack` to n doubles; in wasm memory the view is recreated (growing detaches it). */
function growPack(n: number): F64 {
  if (pack.length >= n) return pack;
  const simd = kernel();
  if (simd === null) {
    pack = new Float64Array(Math.max(n, pack.length * 2));
    return pack;
  }
  const bytes = Math.max(n, pack.length * 2) * 8;
  simd.memory.grow(Math.ceil((bytes - simd.memory.buffer.byteLength) / 65536));
  pack = new Float64Array(simd.memory.buffer as ArrayBuffer);
  return pack;
}

function grow(buf: F64, n: number): F64 {
  return buf.length >= n ? buf : new Float64Array(Math.max(n, buf.length * 2));
}

/**
 * A product kernel: C[cOff..] (+)= op(A) @ op(B), C [M x N] row-major contiguous; element (i, k)
 * of op(A) is A[aOff + i * ars + k * acs], (k, j) of op(B) is B[bOff + k * brs + j * bcs].
 * gemmPacked alone takes complexB (B is complex, see packPanelsBComplex) and customB (PackB).
 */
type Product = (
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
  complexB?: boolean,
  customB?: PackB | null,
) => void;

/** A panel packer: reads an m x n slice (element (i, j) at src[off + i * rs + j * cs]) into dst. */
type Pack = (
  src: Floats,
  off: number,
  rs: number,
  cs: number,
  m: number,
  n: number,
  dst: Float64Array,
  dOff: number,
) => void;

/**
 * The empty cases of a product: M or N = 0 (nothing to do), or K = 0 (C is zero, or unchanged
 * with accumulate; the `len` values of C from c0). True when handled.
 */
function emptyProduct(
  M: number,
  N: number,
  K: number,
  C: Floats,
  c0: number,
  len: number,
  accumulate: boolean,
): boolean {
  if (M === 0 || N === 0) return true;
  if (K === 0) {
    if (!accumulate) C.fill(0, c0, c0 + len);
    return true;
  }
  return false;
}

/** C[c..c + n] = row[r..r + n], or += with accumulate. */
function storeRow(
  C: Floats,
  c: number,
  row: Float64Array,
  r: number,
  n: number,
  accumulate: boolean,
): void {
  if (accumulate) for (let j = 0; j < n; j++) C[c + j] += row[r + j];
  else for (let j = 0; j < n; j++) C[c + j] = row[r + j];
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
  if (emptyProduct(M, N, K, C, cOff, M * N, accumulate)) return;
  // Element (i, k) of op(A) is A[aOff + i * ars + k * acs]; (k, j) of op(B) is B[bOff + k * brs + j * bcs].
  const ars = transA ? 1 : K;
  const acs = transA ? M : 1;
  const brs = transB ? 1 : N;
  const bcs = transB ? K : 1;
  if (N < NR || (M < MR && transB))
    gemmDot(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, accumulate);
  else if (M < MR) gemmAxpy(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, accumulate);
  else gemmPacked(M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, accumulate);
}

/**
 * Packs op(B)[pc .. pc + kc, jc .. jc + nc] into dst as GEMM_NR-column panels, k-major:
 * element (p, j) at dOff + (j >> 2) * kc * GEMM_NR + p * GEMM_NR + (j & 3), the columns of the
 * last panel beyond nc set to 0. Lets a caller (convolution) build B's panels straight from its
 * own data instead of materializing B.
 */
export type PackB = (
  pc: number,
  jc: number,
  kc: number,
  nc: number,
  dst: Float64Array,
  dOff: number,
) => void;
export const GEMM_NR = NR;

/** C[cOff..] (+)= op(A) @ B with B [K x N] supplied panel by panel by `packB` (see PackB). */
export function gemmCustomB(
  M: number,
  N: number,
  K: number,
  A: Floats,
  aOff: number,
  transA: boolean,
  packB: PackB,
  C: Floats,
  cOff: number,
  accumulate = false,
): void {
  if (emptyProduct(M, N, K, C, cOff, M * N, accumulate)) return;
  const ars = transA ? 1 : K;
  const acs = transA ? M : 1;
  gemmPacked(M, N, K, A, aOff, ars, acs, A, 0, 0, 0, C, cOff, accumulate, false, packB);
}

const gemmPacked: Product = (
  M,
  N,
  K,
  A,
  aOff,
  ars,
  acs,
  B,
  bOff,
  brs,
  bcs,
  C,
  cOff,
  accumulate,
  complexB = false,
  customB = null,
) => {
  const mp = Math.ceil(M / MR) * MR;
  // Bound the partial sums (mp x nc doubles) to ~2 MiB for tall products, keeping >= 64 columns.
  const ncMax = Math.min(NC_MAX, Math.max(64, Math.floor(262144 / mp / NR) * NR));
  // Equal chunks rather than full ones plus a sliver (K = 288 -> 2 x 144, not 256 + 32): a short
  // chunk pays the per-tile overhead for few multiply-adds. kc stays even (complex packing).
  const kc0 = Math.ceil(K / Math.ceil(K / KC) / 2) * 2;
  const nc0 = Math.ceil(N / Math.ceil(N / ncMax) / NR) * NR;
  // One buffer holds the packed A block, the packed B block and the partial sums: the
  // micro-kernel then reads a single typed array (fewer registers tied up, ~5% measured).
  const simd = kernel();
  const bBase = MC * kc0;
  const cBase = bBase + kc0 * nc0;
  // The JS kernel keeps partial sums only between K chunks; the wasm kernel always does.
  const P = growPack(cBase + (simd !== null || K > kc0 ? mp * nc0 : 0));
  for (let jc = 0; jc < N; jc += nc0) {
    const nc = Math.min(nc0, N - jc);
    const ncp = Math.ceil(nc / NR) * NR;
    for (let pc = 0; pc < K; pc += kc0) {
      const kc = Math.min(kc0, K - pc);
      // FIRST: no partial sums yet; LAST: this K chunk completes C, write it out.
      const mode = (pc === 0 ? FIRST : 0) | (pc + kc === K ? LAST : 0) | (accumulate ? ACC : 0);
      if (customB !== null) customB(pc, jc, kc, nc, P, bBase);
      else if (complexB)
        packPanelsBComplex(B, bOff + pc * brs + jc * bcs, 2 * brs, 2 * bcs, kc, nc, P, bBase);
      else packPanelsB(B, bOff + pc * brs + jc * bcs, brs, bcs, kc, nc, P, bBase);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packPanelsA(A, aOff + ic * ars + pc * acs, ars, acs, mc, kc, P, 0);
        if (simd !== null) {
          // One call per NR-column panel runs all mc / MR tiles of it (byte addresses).
          const tiles = Math.ceil(mc / MR);
          for (let jr = 0; jr < nc; jr += NR) {
            simd.panel(
              kc,
              tiles,
              0,
              8 * (bBase + jr * kc),
              8 * (cBase + ic * ncp + jr),
              8 * ncp,
              mode & FIRST,
            );
          }
          continue;
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const bPanel = bBase + jr * kc;
          const cols = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const i = ic + ir;
            micro4x4(
              kc,
              P,
              ir * kc,
              bPanel,
              cBase + i * ncp + jr,
              ncp,
              mode,
              C,
              cOff + i * N + jc + jr,
              N,
              Math.min(MR, M - i),
              cols,
            );
          }
        }
      }
    }
    if (simd !== null) {
      // Write the finished block to C, rounding once to its type.
      for (let i = 0; i < M; i++) {
        const src = cBase + i * ncp;
        const dst = cOff + i * N + jc;
        storeRow(C, dst, P, src, nc, accumulate);
      }
    }
  }
};

/** Pack op(A)[0..mc, 0..kc] (element (i, p) at src[off + i * rs + p * cs]) as MR-row panels, k-major, zero-padded. */
const packPanelsA: Pack = (src, off, rs, cs, mc, kc, dst, dOff) => {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const base = dOff + i0 * kc;
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
};

/** Pack op(B)[0..kc, 0..nc] (element (p, j) at src[off + p * rs + j * cs]) as NR-column panels, k-major, zero-padded. */
const packPanelsB: Pack = (src, off, rs, cs, kc, nc, dst, dOff) => {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const base = dOff + j0 * kc;
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
      for (let j = cols; j < NR; j++)
        for (let p = 0, d = base + j; p < kc; p++, d += NR) dst[d] = 0;
    }
  }
};

/**
 * Pack the real (2K x 2N) expansion B' of a complex B for C = A @ B computed as a real product on
 * interleaved storage: C[i, 2j + t] = sum_k' A[i, k'] B'[k', 2j + t] with A read as a real
 * [M x 2K] matrix, where each complex b = br + i bi becomes the 2 x 2 block [[br, bi], [-bi, br]]
 * (rows k' = 2k + s, columns 2j + t). kc and nc count real rows/columns and are even here;
 * complex element (k, j) of the slice is at src[off + k * rs + j * cs] (re) and + 1 (im).
 */
const packPanelsBComplex: Pack = (src, off, rs, cs, kc, nc, dst, dOff) => {
  const k2 = kc >> 1;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const base = dOff + j0 * kc;
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
};

/**
 * One 4 x 4 tile: acc[r][c] = sum_p P[ai + 4p + r] * P[bi + 4p + c] over the kc packed steps
 * (A and B panels both in the pack buffer P), then
 * - not LAST: partial sums to P[pi..] (stored when FIRST, else added);
 * - LAST: acc (+ P when not FIRST) (+ C's old value when ACC) is written to C, rounded once to
 *   its type; edge tiles (rows or cols < 4) go through `tile` and write only what exists.
 */
const tile = new Float64Array(16);

function micro4x4(
  kc: number,
  P: Float64Array,
  ai: number,
  bi: number,
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
    const a0 = P[ai];
    const a1 = P[ai + 1];
    const a2 = P[ai + 2];
    const a3 = P[ai + 3];
    const b0 = P[bi];
    const b1 = P[bi + 1];
    const b2 = P[bi + 2];
    const b3 = P[bi + 3];
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

// ---------------------------------------------------------------------------------------------
// WebAssembly SIMD kernel. The same 4 x 4 tile on the same packed panels, with f64x2 lanes:
// row r of the tile is two f64x2 accumulators, updated per k by splat(a_r) * b[0..1] and
// splat(a_r) * b[2..3] (separate multiply and add, no FMA), so every element of C sees exactly
// the float64 operations of the JS kernel in the same order: results are bit-identical, only
// 4x faster (21 vs 5 GFLOP/s measured for the kernel on this machine). The module (664 bytes)
// is assembled here, compiled synchronously at first use, and shares its memory with `pack`.
// Where WebAssembly or its SIMD is missing (or blocked, e.g. by a CSP), the JS kernel runs.

interface SimdKernel {
  memory: WebAssembly.Memory;
  /** panel(kc, tiles, a, b, p, ldp, first): byte addresses; ldp = bytes per row of P. */
  panel: (
    kc: number,
    tiles: number,
    a: number,
    b: number,
    p: number,
    ldp: number,
    first: number,
  ) => void;
}

let simdKernel: SimdKernel | null | undefined;
let simdEnabled = true;

function kernel(): SimdKernel | null {
  if (!simdEnabled) return null;
  if (simdKernel === undefined) {
    simdKernel = null;
    try {
      const memory = new WebAssembly.Memory({ initial: 16 });
      const { panel } = instantiateSync(panelModule(), { env: { mem: memory } }).exports;
      simdKernel = { memory, panel: panel as SimdKernel["panel"] };
      pack = new Float64Array(memory.buffer as ArrayBuffer);
    } catch {
      simdKernel = null;
    }
  }
  return simdKernel;
}

/**
 * Choose the kernel: "wasm" (default where available) or "js". Returns whether the choice is
 * in effect. Internal (tests and benchmarks compare the two); both give identical results.
 */
export function setGemmKernel(kind: "wasm" | "js"): boolean {
  simdEnabled = kind === "wasm";
  if (!simdEnabled) {
    if (simdKernel) pack = new Float64Array(pack);
    return true;
  }
  if (simdKernel) pack = new Float64Array(simdKernel.memory.buffer as ArrayBuffer);
  return kernel() !== null;
}

/** Which kernel gemm uses now. */
export function gemmKernel(): "wasm" | "js" {
  return kernel() === null ? "js" : "wasm";
}

/** The wasm binary of `panel`, assembled by hand (opcodes from the WebAssembly core + SIMD specs). */
function panelModule(): Uint8Array<ArrayBuffer> {
  // Locals: params 0..6 = kc, tiles, a, b, p, ldp, first; v128 7..14 = acc (row r: 7 + 2r, 8 + 2r),
  // 15 = b[0..1], 16 = b[2..3], 17 = splat(a_r); i32 18 = k, 19 = bi, 20 = q (row address in P).
  const get = localGet;
  const set = localSet;
  const tee = localTee;
  const i32 = i32Const;
  const add = [Op.i32Add];
  const sub = [Op.i32Sub];
  const load = (offset: number) => simdMemOp(Simd.load, ALIGN_16, offset); // v128.load
  const splat = (offset: number) => simdMemOp(Simd.load64Splat, ALIGN_8, offset); // v128.load64_splat
  const store = (offset: number) => simdMemOp(Simd.store, ALIGN_16, offset); // v128.store
  const fadd = simd(Simd.f64x2Add);
  const fmul = simd(Simd.f64x2Mul);
  const zero = simd(Simd.const, ...new Array<number>(16).fill(0)); // v128.const 0
  const code: number[] = [];
  code.push(0x03, 0x40); // loop over tiles
  for (let v = 7; v <= 14; v++) code.push(...zero, ...set(v));
  code.push(...get(3), ...set(19), ...get(0), ...set(18));
  code.push(0x03, 0x40); // loop over k
  code.push(...get(19), ...load(0), ...set(15), ...get(19), ...load(16), ...set(16));
  for (let r = 0; r < 4; r++) {
    code.push(...get(2), ...splat(8 * r), ...set(17));
    code.push(...get(7 + 2 * r), ...get(17), ...get(15), ...fmul, ...fadd, ...set(7 + 2 * r));
    code.push(...get(8 + 2 * r), ...get(17), ...get(16), ...fmul, ...fadd, ...set(8 + 2 * r));
  }
  code.push(...get(2), ...i32(32), ...add, ...set(2)); // a advances through its panel, then
  code.push(...get(19), ...i32(32), ...add, ...set(19)); // lands on the next tile's panel
  code.push(...get(18), ...i32(1), ...sub, ...tee(18), 0x0d, 0x00, 0x0b); // br_if k; end
  code.push(...get(4), ...set(20));
  for (let r = 0; r < 4; r++) {
    for (let h = 0; h < 2; h++) {
      // first: P = acc; otherwise P = P + acc.
      code.push(...get(20), ...get(6), 0x04, 0x7b, ...get(7 + 2 * r + h), 0x05);
      code.push(
        ...get(20),
        ...load(16 * h),
        ...get(7 + 2 * r + h),
        ...fadd,
        0x0b,
        ...store(16 * h),
      );
    }
    code.push(...get(20), ...get(5), ...add, ...set(20));
  }
  code.push(...get(20), ...set(4)); // next tile: 4 rows of P further down
  code.push(...get(1), ...i32(1), ...sub, ...tee(1), 0x0d, 0x00, 0x0b); // br_if tiles; end (+ the body's end)
  const body = new FunctionBody(7);
  body.locals(V128, 11);
  body.locals(I32, 3);
  body.emit(...code);
  return assembleModule({
    types: [{ params: new Array<number>(7).fill(I32), results: [] }],
    functions: [{ type: 0, body }],
    importMemory: { module: "env", name: "mem", minPages: 1 },
    exports: [{ name: "panel", kind: "func", index: 0 }],
  });
}

/** Skinny products: one f64 dot product per element of C (N < 4, or few rows with transposed B). */
const gemmDot: Product = (M, N, K, A, aOff, ars, acs, B, bOff, brs, bcs, C, cOff, accumulate) => {
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
};

/** Few rows (M < 4), B not transposed: each row of C accumulates rows of B in an f64 scratch row. */
const gemmAxpy: Product = (M, N, K, A, aOff, ars, acs, B, bOff, brs, _bcs, C, cOff, accumulate) => {
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
    storeRow(C, c, row, 0, N, accumulate);
  }
};

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
  if (emptyProduct(M, N, K, C, 2 * cOff, 2 * M * N, false)) return;
  if (M >= MR) {
    gemmPacked(
      M,
      2 * N,
      2 * K,
      A,
      2 * aOff,
      2 * K,
      1,
      B,
      2 * bOff,
      transB ? 1 : N,
      transB ? K : 1,
      C,
      2 * cOff,
      false,
      true,
    );
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
    storeRow(C, c0, row, 0, 2 * N, false);
  }
}

/** dst[cols x rows] = transpose of src[rows x cols] starting at srcOff; c = components per element. */
export function transposeMatrix(
  src: Floats,
  srcOff: number,
  rows: number,
  cols: number,
  dst: Floats,
  c: 1 | 2,
): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const s = (srcOff + i * cols + j) * c;
      const d = (j * rows + i) * c;
      dst[d] = src[s];
      if (c === 2) dst[d + 1] = src[s + 1];
    }
  }
}
