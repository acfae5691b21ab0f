/**
 * Line kernels: one 1-D transform of a fixed length, kind and precision, with its own scratch,
 * built once and cached by (kind, length, dtype). The n-D driver (nd.ts) gathers a line of the
 * input into `input`, calls `run`, and scatters `output`. Complex buffers are interleaved.
 *
 *   c2c  n complex      -> n complex        (the engine's ComplexPlan)
 *   r2c  n real         -> n/2 + 1 complex  (the engine's RealPlan.forward)
 *   c2r  n/2 + 1 complex -> n real          (RealPlan.backward; Im of DC and Nyquist ignored)
 *   r2r  n real         -> n real           (DCT/DST, r2r.ts)
 *
 * The plans come from the 1-D engine (complexPlan / realPlan), which caches them too; a kernel
 * adds only the scratch the driver needs.
 */

import { allocate } from "./layout.js";
import { complexPlan } from "./plan.js";
import type { ComplexPlan, Floats, RealPlan } from "./plan-types.js";
import { realPlan } from "./real.js";
import type { DType } from "./types.js";

export interface LineKernel {
  /** Samples the transform reads (the source line is zero-padded or truncated to this). */
  readonly inLen: number;
  /** Samples it writes. */
  readonly outLen: number;
  readonly inComplex: boolean;
  readonly outComplex: boolean;
  /** Gather buffer (interleaved when inComplex). */
  readonly input: Floats;
  /** Result buffer (may be `input` itself). */
  readonly output: Floats;
}

export class C2C implements LineKernel {
  readonly inComplex = true;
  readonly outComplex = true;
  readonly input: Floats;
  readonly output: Floats;
  readonly inLen: number;
  readonly outLen: number;
  readonly plan: ComplexPlan;
  constructor(
    readonly n: number,
    readonly dtype: DType,
  ) {
    this.inLen = this.outLen = n;
    this.input = this.output = allocate(dtype, 2 * n);
    this.plan = complexPlan(n, dtype);
  }
  /** direction -1 forward (exp(-i...)), +1 backward. */
  run(direction: -1 | 1, scale: number): void {
    this.plan.execute(this.input, 0, 1, this.output, 0, 1, direction, scale);
  }
}

export class R2C implements LineKernel {
  readonly inComplex = false;
  readonly outComplex = true;
  readonly input: Floats;
  readonly output: Floats;
  readonly inLen: number;
  readonly outLen: number;
  constructor(
    readonly n: number,
    readonly dtype: DType,
  ) {
    this.inLen = n;
    this.outLen = (n >> 1) + 1;
    this.input = allocate(dtype, n);
    this.output = allocate(dtype, 2 * this.outLen);
    this.plan = realPlan(n, dtype);
  }
  readonly plan: RealPlan;
  run(scale: number): void {
    this.plan.forward(this.input, 0, 1, this.output, 0, 1, scale);
  }
}

export class C2R implements LineKernel {
  readonly inComplex = true;
  readonly outComplex = false;
  readonly input: Floats;
  readonly output: Floats;
  readonly inLen: number;
  readonly outLen: number;
  constructor(
    readonly n: number,
    readonly dtype: DType,
  ) {
    this.inLen = (n >> 1) + 1;
    this.outLen = n;
    this.input = allocate(dtype, 2 * this.inLen);
    this.output = allocate(dtype, n);
    this.plan = realPlan(n, dtype);
  }
  readonly plan: RealPlan;
  run(scale: number): void {
    this.plan.backward(this.input, 0, 1, this.output, 0, 1, scale);
  }
}

const cache = new Map<string, LineKernel>();

/** The cached kernel of a kind for (n, dtype); `make` builds it on first use. */
export function cachedKernel<K extends LineKernel>(
  kind: string,
  n: number,
  dtype: DType,
  make: () => K,
): K {
  const key = `${kind}:${n}:${dtype}`;
  let k = cache.get(key);
  if (!k) {
    k = make();
    cache.set(key, k);
  }
  return k as K;
}

export const c2cKernel = (n: number, dtype: DType): C2C =>
  cachedKernel("c2c", n, dtype, () => new C2C(n, dtype));
export const r2cKernel = (n: number, dtype: DType): R2C =>
  cachedKernel("r2c", n, dtype, () => new R2C(n, dtype));
export const c2rKernel = (n: number, dtype: DType): C2R =>
  cachedKernel("c2r", n, dtype, () => new C2R(n, dtype));
