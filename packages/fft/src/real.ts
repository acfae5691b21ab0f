/**
 * PLACEHOLDER (to be replaced by the half-length complex real FFT): real transforms through a
 * full complex transform, satisfying the RealPlan contract.
 */
import { complexPlan } from "./plan.js";
import type { Floats, Precision, RealPlan } from "./plan-types.js";

class ViaComplexPlan implements RealPlan {
  private readonly buf: Float64Array;
  constructor(
    readonly n: number,
    readonly precision: Precision,
  ) {
    this.buf = new Float64Array(2 * n);
  }
  forward(
    src: Floats,
    so: number,
    ss: number,
    dst: Floats,
    d0: number,
    ds: number,
    scale: number,
  ): void {
    const n = this.n;
    this.buf.fill(0);
    for (let j = 0; j < n; j++) this.buf[2 * j] = src[so + j * ss];
    complexPlan(n, this.precision).execute(this.buf, 0, 1, this.buf, 0, 1, -1, scale);
    for (let k = 0; k <= n >> 1; k++) {
      dst[2 * (d0 + k * ds)] = this.buf[2 * k];
      dst[2 * (d0 + k * ds) + 1] = this.buf[2 * k + 1];
    }
  }
  backward(
    src: Floats,
    so: number,
    ss: number,
    dst: Floats,
    d0: number,
    ds: number,
    scale: number,
  ): void {
    const n = this.n;
    const h = n >> 1;
    for (let k = 0; k <= h; k++) {
      const re = src[2 * (so + k * ss)];
      const im = k === 0 || (n % 2 === 0 && k === h) ? 0 : src[2 * (so + k * ss) + 1];
      this.buf[2 * k] = re;
      this.buf[2 * k + 1] = im;
      if (k > 0 && k < n - k) {
        this.buf[2 * (n - k)] = re;
        this.buf[2 * (n - k) + 1] = -im;
      }
    }
    complexPlan(n, this.precision).execute(this.buf, 0, 1, this.buf, 0, 1, 1, scale);
    for (let j = 0; j < n; j++) dst[d0 + j * ds] = this.buf[2 * j];
  }
}

const cache = new Map<string, RealPlan>();

export function realPlan(n: number, precision: Precision = "float64"): RealPlan {
  const key = `${n}:${precision}`;
  let p = cache.get(key);
  if (!p) {
    p = new ViaComplexPlan(n, precision);
    cache.set(key, p);
  }
  return p;
}
