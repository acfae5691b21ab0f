/**
 * pocketfft's bar for the 1-D engine: forward then backward (scaled by 1/n) for EVERY length
 * 1..8192, complex transforms here (real ones in engine-roundtrip-real.test.ts, so the two files
 * run in parallel). Relative RMS error ||y - x|| / ||x|| < 2e-15 for float64 plans and < 1e-6
 * for float32 plans (computed in float64, rounded to float32 on output: ~6e-8 measured).
 * A round trip cannot catch a self-inverse wrong transform; engine-accuracy.test.ts compares the
 * forward transform with the exact reference.
 */
import { complexPlan } from "@modewise/fft";
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

describe("complex round trip, every length 1..8192", () => {
  // Buffers of exactly 2n values (subarray views), reused for every n.
  const x64 = normals(2 * N, 1);
  const x32 = Float32Array.from(normals(2 * N, 2));
  const a64 = new Float64Array(2 * N);
  const a32 = new Float32Array(2 * N);

  it("float64 < 2e-15, float32 < 1e-6 (relative RMS)", () => {
    // f64 and f32 plans of one length share their core: do both while it is cached.
    const worst = { f64: 0, f32: 0 };
    const at = { f64: 0, f32: 0 };
    for (let n = 1; n <= N; n++) {
      const p = complexPlan(n);
      const x = x64.subarray(0, 2 * n);
      const y = a64.subarray(0, 2 * n);
      p.execute(x, 0, 1, y, 0, 1, -1, 1);
      p.execute(y, 0, 1, y, 0, 1, 1, 1 / n); // in place
      let e = relRms(y, x, 2 * n);
      if (!(e <= worst.f64)) {
        worst.f64 = e;
        at.f64 = n;
      }
      const q = complexPlan(n, "float32");
      const x2 = x32.subarray(0, 2 * n);
      const y2 = a32.subarray(0, 2 * n);
      q.execute(x2, 0, 1, y2, 0, 1, -1, 1);
      q.execute(y2, 0, 1, y2, 0, 1, 1, 1 / n);
      e = relRms(y2, x2, 2 * n);
      if (!(e <= worst.f32)) {
        worst.f32 = e;
        at.f32 = n;
      }
    }
    console.log(
      `complex round trip, worst: f64 ${worst.f64.toExponential(2)} (n = ${at.f64}), ` +
        `f32 ${worst.f32.toExponential(2)} (n = ${at.f32})`,
    );
    expect(worst.f64).toBeLessThan(2e-15);
    expect(worst.f32).toBeLessThan(1e-6);
  }, 60_000); // ~6 s here: ~8000 plans, three quarters of them Bluestein
});
