/**
 * pocketfft's bar for the real transforms: realPlan(n).forward then .backward (scaled by 1/n)
 * for EVERY length 1..8192 (even n through the half-length complex FFT, odd n through a complex
 * FFT of length n). Relative RMS error < 2e-15 for float64 plans, < 1e-6 for float32 plans.
 */
import { realPlan } from "@modewise/fft";
import { describe, expect, it } from "vitest";
import { normals } from "./reference/index.js";

const N = 8192;

function relRms(y: ArrayLike<number>, x: ArrayLike<number>, count: number): number {
  let e = 0;
  let r = 0;
  for (let i = 0; i < count; i++) {
    const d = y[i] - x[i];
    e += d * d;
    r += x[i] * x[i];
  }
  return Math.sqrt(e / r);
}

describe("real round trip, every length 1..8192", () => {
  const x64 = normals(N, 3);
  const x32 = Float32Array.from(normals(N, 4));
  const s64 = new Float64Array(N + 2);
  const s32 = new Float32Array(N + 2);
  const y64 = new Float64Array(N);
  const y32 = new Float32Array(N);

  it("float64 < 2e-15, float32 < 1e-6 (relative RMS)", () => {
    const worst = { f64: 0, f32: 0 };
    const at = { f64: 0, f32: 0 };
    for (let n = 1; n <= N; n++) {
      const p = realPlan(n);
      p.forward(x64, 0, 1, s64, 0, 1, 1);
      p.backward(s64, 0, 1, y64, 0, 1, 1 / n);
      let e = relRms(y64, x64, n);
      if (!(e <= worst.f64)) {
        worst.f64 = e;
        at.f64 = n;
      }
      const q = realPlan(n, "float32");
      q.forward(x32, 0, 1, s32, 0, 1, 1);
      q.backward(s32, 0, 1, y32, 0, 1, 1 / n);
      e = relRms(y32, x32, n);
      if (!(e <= worst.f32)) {
        worst.f32 = e;
        at.f32 = n;
      }
    }
    console.log(
      `real round trip, worst: f64 ${worst.f64.toExponential(2)} (n = ${at.f64}), ` +
        `f32 ${worst.f32.toExponential(2)} (n = ${at.f32})`,
    );
    expect(worst.f64).toBeLessThan(2e-15);
    expect(worst.f32).toBeLessThan(1e-6);
  }, 60_000); // ~6 s here: ~8000 plans, three quarters of them Bluestein
});
