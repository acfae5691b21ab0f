/**
 * PLACEHOLDER (to be replaced by the mixed-radix + Bluestein engine): a direct O(n^2) DFT that
 * satisfies the ComplexPlan contract, so code built on the contract can be written and tested
 * before the fast engine lands.
 */
import type { ComplexPlan, Direction, Floats, Precision } from "./plan-types.js";

class DirectPlan implements ComplexPlan {
  readonly algorithm = "direct";
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly scratch: Float64Array;
  constructor(
    readonly n: number,
    readonly precision: Precision,
  ) {
    this.cos = new Float64Array(n);
    this.sin = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    this.scratch = new Float64Array(2 * n);
  }
  execute(
    src: Floats,
    so: number,
    ss: number,
    dst: Floats,
    d0: number,
    ds: number,
    direction: Direction,
    scale: number,
  ): void {
    const n = this.n;
    const t = this.scratch;
    for (let k = 0; k < n; k++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < n; j++) {
        const m = (j * k) % n;
        const c = this.cos[m];
        const s = direction * this.sin[m];
        const a = src[2 * (so + j * ss)];
        const b = src[2 * (so + j * ss) + 1];
        re += a * c - b * s;
        im += a * s + b * c;
      }
      t[2 * k] = re * scale;
      t[2 * k + 1] = im * scale;
    }
    for (let k = 0; k < n; k++) {
      dst[2 * (d0 + k * ds)] = t[2 * k];
      dst[2 * (d0 + k * ds) + 1] = t[2 * k + 1];
    }
  }
}

const cache = new Map<string, ComplexPlan>();

/** The (cached, immutable) complex plan for length n. */
export function complexPlan(n: number, precision: Precision = "float64"): ComplexPlan {
  const key = `${n}:${precision}`;
  let p = cache.get(key);
  if (!p) {
    p = new DirectPlan(n, precision);
    cache.set(key, p);
  }
  return p;
}
