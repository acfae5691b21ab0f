/**
 * float32 N-d convolution (cross-correlation, channels first, spatial axes padded to 3) as an
 * implicit-im2col product on the threaded sgemm: per (batch, group)
 *   out [og x outVol] = W_grp [og x rows] @ cols [rows x outVol],  rows = (c, kd, kh, kw).
 * The column matrix is never built: x is copied once per batch element into a zero-padded
 * buffer in the sgemm memory, and cols[r, n] = xpad[tap(r) + origin(n)] is described to the
 * B packer by two offset tables (tap offsets over K, window origins over N). With unit stride
 * along W, eight consecutive output positions of one row read eight consecutive floats, so the
 * packer moves whole vectors; other strides and dilations use its gather path.
 * Padding costs nothing in the inner loops: every window lies inside xpad.
 * The filter gradient is the same product transposed: per (batch, group)
 *   dw [og x rows] += dy [og x outVol] @ cols^T [outVol x rows],
 * cols^T described by the same two tables with their roles swapped (K runs over positions),
 * the partial sums staying in the sgemm memory across the batch.
 */
import { ensureBytes, type SgemmRuntime, sgemmRuntime } from "./gemm-threads.js";
import {
  copyRows,
  type OperandTables,
  operandTables,
  padded,
  reserveScratch,
  runProduct,
  SgemmArena,
  tableBytes,
  views,
} from "./sgemm.js";
import { SGEMM_MR, SGEMM_NR } from "./sgemm-module.js";

/** The geometry of a convolution (conv.ts builds it): sizes padded to 3 spatial axes. */
export interface ConvGeometryF32 {
  batch: number;
  cin: number;
  cout: number;
  groups: number;
  inSize: number[];
  kSize: number[];
  outSize: number[];
  stride: number[];
  dilation: number[];
  padBefore: number[];
}

/** The zero-padded copy of one batch element of x in the sgemm memory, and its offset maps. */
class PaddedInput {
  readonly plane: number;
  private readonly PH: number;
  private readonly PW: number;
  /** No padding needed: the staged copy of x is used as is. */
  readonly same: boolean;
  readonly kVol: number;
  constructor(private readonly g: ConvGeometryF32) {
    const ext = (a: number) =>
      Math.max(
        g.padBefore[a] + g.inSize[a],
        (g.outSize[a] - 1) * g.stride[a] + (g.kSize[a] - 1) * g.dilation[a] + 1,
      );
    const PD = ext(0);
    this.PH = ext(1);
    this.PW = ext(2);
    this.plane = PD * this.PH * this.PW;
    const [D, H, W] = g.inSize;
    this.same = PD === D && this.PH === H && this.PW === W;
    this.kVol = g.kSize[0] * g.kSize[1] * g.kSize[2];
  }
  /** Element offset in xpad of tap r = (c, kd, kh, kw) relative to a window origin. */
  tap(r: number): number {
    const [, kH, kW] = this.g.kSize;
    const [dD, dH, dW] = this.g.dilation;
    const c = Math.floor(r / this.kVol);
    const t = r - c * this.kVol;
    const kd = Math.floor(t / (kH * kW));
    const kh = Math.floor((t - kd * kH * kW) / kW);
    const kw = t - kd * kH * kW - kh * kW;
    return c * this.plane + (kd * dD * this.PH + kh * dH) * this.PW + kw * dW;
  }
  /** Element offset in xpad of the window origin of output position n. */
  origin(n: number): number {
    const [, oH, oW] = this.g.outSize;
    const [sD, sH, sW] = this.g.stride;
    const q = Math.floor(n / oW);
    const ow = n - q * oW;
    const od = Math.floor(q / oH);
    const oh = q - od * oH;
    return (od * sD * this.PH + oh * sH) * this.PW + ow * sW;
  }
  /** Floats the staging copy and xpad take (xpad aliases the stage when `same`). */
  reserve(arena: SgemmArena): { stage: number; xpad: number } {
    const [D, H, W] = this.g.inSize;
    const stage = arena.take(4 * this.g.cin * D * H * W);
    return { stage, xpad: this.same ? stage : arena.take(4 * this.g.cin * this.plane) };
  }
  /** Zeroes xpad (once per call: later batches overwrite the same interior). */
  clear(f32: Float32Array, xpad: number): void {
    if (!this.same) f32.fill(0, xpad >> 2, (xpad >> 2) + this.g.cin * this.plane);
  }
  /** Copies batch element bi of X into the interior of xpad (one memcpy, then row moves). */
  fill(f32: Float32Array, X: Float32Array, bi: number, stage: number, xpad: number): void {
    const [D, H, W] = this.g.inSize;
    const [pD, pH, pW] = this.g.padBefore;
    const cin = this.g.cin;
    const inVol = D * H * W;
    const st = stage >> 2;
    const xp = xpad >> 2;
    f32.set(X.subarray(bi * cin * inVol, (bi + 1) * cin * inVol), st);
    if (this.same) return;
    for (let c = 0; c < cin; c++)
      for (let d = 0; d < D; d++)
        for (let h = 0; h < H; h++) {
          const src = st + ((c * D + d) * H + h) * W;
          const dst = xp + c * this.plane + ((d + pD) * this.PH + h + pH) * this.PW + pW;
          f32.copyWithin(dst, src, src + W);
        }
  }
}

/**
 * Copies the A operand's data to aAddr, writes the offset tables of the per-(batch, group)
 * product C [m x n] = A [m x k] @ B [k x n] (A row-major, row i at i * k) and zeroes xpad.
 * B reads xpad at tap(p) + origin(j) when `tapsAlongK` (B = cols, the forward product), else at
 * origin(p) + tap(j) (B = cols^T, the filter gradient). Call after ensureBytes (views move).
 */
function stageProduct(
  rt: SgemmRuntime,
  arena: SgemmArena,
  px: PaddedInput,
  xpad: number,
  aData: Float32Array,
  aAddr: number,
  m: number,
  k: number,
  n: number,
  tapsAlongK: boolean,
): { a: OperandTables; b: OperandTables } {
  const { f32, i32 } = views(rt);
  f32.set(aData, aAddr >> 2);
  const tap = (r: number) => px.tap(r);
  const origin = (q: number) => px.origin(q);
  const a = operandTables(
    arena,
    i32,
    k,
    m,
    SGEMM_MR,
    (p) => p,
    (i) => i * k,
  );
  const b = tapsAlongK
    ? operandTables(arena, i32, k, n, SGEMM_NR, tap, origin)
    : operandTables(arena, i32, k, n, SGEMM_NR, origin, tap);
  px.clear(f32, xpad);
  return { a, b };
}

/**
 * out[batch, cout, ...outSize] = conv(x[batch, cin, ...inSize], w[cout, cin / groups, ...kSize]).
 * Returns false (nothing written) where the sgemm kernel is unavailable, a padding is
 * negative or the operands exceed the sgemm memory (2 GiB); the caller then runs its
 * float64-accumulating path.
 */
export function convForwardF32(
  g: ConvGeometryF32,
  X: Float32Array,
  Wt: Float32Array,
  out: Float32Array,
): boolean {
  const rt = sgemmRuntime();
  if (rt === null || g.padBefore.some((p) => p < 0)) return false;
  const og = g.cout / g.groups;
  const cg = g.cin / g.groups;
  const outVol = g.outSize[0] * g.outSize[1] * g.outSize[2];
  if (outVol === 0 || og === 0 || g.batch === 0) return true;
  const px = new PaddedInput(g);
  const rows = cg * px.kVol;
  const Mp = padded(og, SGEMM_MR);
  const Np = padded(outVol, SGEMM_NR);
  const arena = new SgemmArena();
  const wAddr = arena.take(4 * Wt.length);
  const { stage, xpad } = px.reserve(arena);
  const cAddr = arena.take(4 * Mp * Np);
  const scratch = reserveScratch(arena, og, outVol, rows);
  if (!ensureBytes(rt, arena.end + tableBytes(rows, Mp, Np))) return false;
  // A = W_grp [og x rows] row-major; B = cols [rows x outVol], element (r, n) at tap(r) + origin(n).
  const { a, b } = stageProduct(rt, arena, px, xpad, Wt, wAddr, og, rows, outVol, true);
  for (let bi = 0; bi < g.batch; bi++) {
    px.fill(views(rt).f32, X, bi, stage, xpad);
    for (let grp = 0; grp < g.groups; grp++) {
      const wGrp = wAddr + 4 * grp * og * rows;
      runProduct(
        rt,
        scratch,
        og,
        outVol,
        rows,
        wGrp,
        a,
        xpad + 4 * grp * cg * px.plane,
        b,
        cAddr,
        Np,
        false,
      );
      const yOff = (bi * g.cout + grp * og) * outVol;
      copyRows(views(rt).f32, cAddr >> 2, Np, out, yOff, outVol, og, outVol);
    }
  }
  return true;
}

/**
 * dw[cout, cin / groups, ...kSize] = sum over the batch of dy (x) cols: the filter gradient of
 * convForwardF32, dy [batch, cout, ...outSize]. Returns false as convForwardF32 does.
 */
export function convFilterGradF32(
  g: ConvGeometryF32,
  X: Float32Array,
  DY: Float32Array,
  dw: Float32Array,
): boolean {
  const rt = sgemmRuntime();
  if (rt === null || g.padBefore.some((p) => p < 0)) return false;
  const og = g.cout / g.groups;
  const cg = g.cin / g.groups;
  const outVol = g.outSize[0] * g.outSize[1] * g.outSize[2];
  const px = new PaddedInput(g);
  const rows = cg * px.kVol;
  if (outVol === 0 || g.batch === 0) {
    dw.fill(0);
    return true;
  }
  const Mp = padded(og, SGEMM_MR);
  const Np = padded(rows, SGEMM_NR);
  const arena = new SgemmArena();
  const dyAddr = arena.take(4 * DY.length);
  const { stage, xpad } = px.reserve(arena);
  const cAddrs: number[] = [];
  for (let grp = 0; grp < g.groups; grp++) cAddrs.push(arena.take(4 * Mp * Np));
  const scratch = reserveScratch(arena, og, rows, outVol);
  if (!ensureBytes(rt, arena.end + tableBytes(outVol, Mp, Np))) return false;
  // A = dy_grp [og x outVol] row-major; B = cols^T [outVol x rows], (n, r) at origin(n) + tap(r).
  const { a, b } = stageProduct(rt, arena, px, xpad, DY, dyAddr, og, outVol, rows, false);
  for (let bi = 0; bi < g.batch; bi++) {
    px.fill(views(rt).f32, X, bi, stage, xpad);
    for (let grp = 0; grp < g.groups; grp++) {
      const dyGrp = dyAddr + 4 * (bi * g.cout + grp * og) * outVol;
      const xGrp = xpad + 4 * grp * cg * px.plane;
      runProduct(rt, scratch, og, rows, outVol, dyGrp, a, xGrp, b, cAddrs[grp], Np, bi > 0);
    }
  }
  for (let grp = 0; grp < g.groups; grp++)
    copyRows(views(rt).f32, cAddrs[grp] >> 2, Np, dw, grp * og * rows, rows, og, rows);
  return true;
}
