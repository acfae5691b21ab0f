/**
 * Compile-once cache of gpu.js kernels, keyed by a string that names the op, every size baked
 * into the kernel as a constant (loop bounds must be constants: gpu.js cuts loops bounded by
 * arguments at 1000 iterations), the dtype and the backend. gpu.js compiles on the first call.
 */
import type { GpuKernelRunner } from "../kernels/linalg-host.js";

export class KernelCache {
  private readonly kernels = new Map<string, GpuKernelRunner>();
  hits = 0;
  misses = 0;

  get size(): number {
    return this.kernels.size;
  }

  get(key: string, build: () => GpuKernelRunner): GpuKernelRunner {
    let k = this.kernels.get(key);
    if (k) {
      this.hits++;
      return k;
    }
    this.misses++;
    k = build();
    this.kernels.set(key, k);
    return k;
  }

  /** Destroy every compiled kernel (gpu.destroy() also does). */
  clear(): void {
    for (const k of this.kernels.values()) {
      (k as unknown as { destroy?: () => void }).destroy?.();
    }
    this.kernels.clear();
  }
}
