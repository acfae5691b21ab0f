/**
 * The transposing packers of the sgemm module (packAT / packBT, sgemm-module.ts) against the
 * generic table-driven ones (packA / packB), whose output they must reproduce exactly: panels
 * of W = 4 (A) and 8 (B) columns over kc rows, for operands contiguous along k. Covered: kc
 * multiples of 4 and not (the generic tail), full panels, edge panels (zero-padded), panels
 * contiguous along t (the generic vector path) mixed in one call, a nonzero chunk start
 * offset, and a byte-level check that the transposition really moves data (not a copy).
 */
import { describe, expect, it } from "vitest";
import {
  PANEL_CONTIGUOUS,
  type SgemmExports,
  sgemmModuleBytes,
} from "../src/backend/cpu/sgemm-module.js";

function instantiate(): { x: SgemmExports; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true });
  const module = new WebAssembly.Module(sgemmModuleBytes(true, 256));
  const x = new WebAssembly.Instance(module, { env: { mem: memory } })
    .exports as unknown as SgemmExports;
  return { x, memory };
}

describe("sgemm transposing packers (operands contiguous along k)", () => {
  const { x, memory } = instantiate();
  const i32 = new Int32Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  const u32 = new Uint32Array(memory.buffer);
  const SRC = 1 << 16;
  const K_TAB = 1 << 20;
  const W_TAB = K_TAB + 4096;
  const DESC = W_TAB + 16384;
  const OUT_GENERIC = 2 << 20;
  const OUT_T = 3 << 20;

  // source floats with distinct bit patterns (index-derived), so any misplaced element shows
  for (let i = 0; i < 200_000; i++) f32[SRC / 4 + i] = (i * 0.618034) % 97;

  /**
   * Lays out an operand of `n` columns (t) and kc rows (p): element (p, t) at
   * src + kStart + 4 p + colOffset(t); panels of W, the last one possibly partial; panels whose
   * columns are consecutive in memory get the PANEL_CONTIGUOUS flag, as operandTables sets it.
   */
  function layout(
    n: number,
    kc: number,
    W: number,
    colOffset: (t: number) => number,
    kStart: number,
  ) {
    for (let p = 0; p < kc; p++) i32[K_TAB / 4 + p] = kStart + 4 * p;
    const np = Math.ceil(n / W) * W;
    for (let t = 0; t < np; t++) i32[W_TAB / 4 + t] = t < n ? colOffset(t) : 0;
    for (let q = 0; q < np / W; q++) {
      const valid = Math.min(W, n - q * W);
      let contiguous = valid === W;
      for (let t = 1; contiguous && t < W; t++)
        contiguous = i32[W_TAB / 4 + q * W + t] === i32[W_TAB / 4 + q * W] + 4 * t;
      i32[DESC / 4 + q] = valid | (contiguous ? PANEL_CONTIGUOUS : 0);
    }
    return np / W;
  }

  function same(kc: number, panels: number, W: number): boolean {
    const floats = kc * panels * W;
    for (let i = 0; i < floats; i++)
      if (u32[OUT_GENERIC / 4 + i] !== u32[OUT_T / 4 + i]) return false;
    return true;
  }

  for (const [W, name] of [
    [4, "packAT"],
    [8, "packBT"],
  ] as const)
    for (const kc of [1, 3, 4, 8, 30, 32, 256])
      it(`${name}, kc = ${kc}: the generic packer's output, edge and contiguous panels included`, () => {
        const generic = W === 4 ? x.packA : x.packB;
        const transposing = W === 4 ? x.packAT : x.packBT;
        // 37 columns: stride 260 floats apart (gathered panels), except columns 16 .. 23 which
        // sit side by side (a contiguous panel for W = 8, two for W = 4); the last panel partial
        const colOffset = (t: number) =>
          t >= 16 && t < 24 ? 4 * (16 * 260 + (t - 16)) + 4 * 3 * 260 : 4 * 260 * t;
        const panels = layout(37, kc, W, colOffset, 4 * 7);
        f32.fill(-1, OUT_GENERIC / 4, OUT_GENERIC / 4 + kc * panels * W);
        f32.fill(-2, OUT_T / 4, OUT_T / 4 + kc * panels * W);
        generic(kc, panels, SRC, K_TAB, W_TAB, DESC, OUT_GENERIC);
        transposing(kc, panels, SRC, K_TAB, W_TAB, DESC, OUT_T);
        expect(same(kc, panels, W)).toBe(true);
        // a transposition, not a copy: packed row p of panel 0 holds column t's element p
        if (kc > 1) expect(f32[OUT_T / 4 + W + 1]).toBe(f32[(SRC + 4 * 7 + 4 + colOffset(1)) / 4]);
      });

  it("the check can fail: one misplaced float is caught", () => {
    const panels = layout(16, 8, 8, (t) => 4 * 100 * t, 0);
    x.packB(8, panels, SRC, K_TAB, W_TAB, DESC, OUT_GENERIC);
    x.packBT(8, panels, SRC, K_TAB, W_TAB, DESC, OUT_T);
    expect(same(8, panels, 8)).toBe(true);
    f32[OUT_T / 4 + 5] = f32[OUT_T / 4 + 6];
    expect(same(8, panels, 8)).toBe(false);
  });
});
