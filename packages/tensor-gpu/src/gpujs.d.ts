/// <reference types="@webgpu/types" />
/**
 * Ambient additions to gpu.js 2.24.1's own typings (src/index.d.ts) for what this package uses
 * and the shipped typings omit: the WebGPU context and the `pipeline: true` WebGPU result.
 */
import "gpu.js";

declare module "gpu.js" {
  /** The one { adapter, device } pair every gpu.js webgpu kernel runs on. */
  export const WebGPUContext: {
    acquire(): Promise<{ adapter: GPUAdapter; device: GPUDevice }>;
  };

  /** A webgpu `pipeline: true` result: a reference-counted storage buffer. */
  export class WebGPUBufferResult {
    constructor(settings: {
      buffer: GPUBuffer;
      output: number[];
      componentCount?: number;
      context: unknown;
      kernel: unknown;
    });
    readonly buffer: GPUBuffer;
    readonly output: number[];
    readonly type: "WebGPUBuffer";
    toArray(): Promise<Float32Array>;
    delete(): void;
  }
}
