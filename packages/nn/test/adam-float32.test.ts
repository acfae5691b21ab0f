/**
 * Adam / AdamW in float32 (and complex64) on the CPU run as a few fused passes (CPU kernels), each
 * quantity (m, v, the parameter) computed in float64 and rounded once. Checked against the same
 * optimizer in float64 (checked against PyTorch in optim.test.ts) fed the same values.
 */
import { Adam, AdamW, lastAdamPath, Parameter, setAdamWasm } from "@modewise/nn";
import { add, astype, Generator, memory, type Tensor, tidy } from "@modewise/tensor";
import { getNumThreads, setNumThreads } from "@modewise/tensor/cpu-kernels";
import { describe, expect, it } from "vitest";
import { onOneAndTwoThreads } from "./helpers.js";

const U32 = 2 ** -24;

/** The update variants both suites run. */
const variants: [string, Record<string, unknown>][] = [
  ["Adam", {}],
  ["Adam amsgrad, L2 decay, maximize", { amsgrad: true, weightDecay: 0.1, maximize: true }],
  ["AdamW", { weightDecay: 0.1 }],
];

describe("Adam float32 (fused CPU kernels)", () => {
  for (const [name, opts] of variants)
    for (const dtype of ["float32", "complex64"] as const)
      it(`${name} (${dtype}) follows the float64 trajectory within float32 rounding`, () => {
        const base = memory().numTensors;
        tidy(() => {
          const g = new Generator(41);
          const draw = (): Tensor =>
            dtype === "float32" ? g.normal([5, 3]) : g.normal([5, 3], { dtype: "complex64" });
          const wide = dtype === "float32" ? "float64" : "complex128";
          const p32 = new Parameter(draw());
          const p64 = new Parameter(astype(p32.value, wide));
          const Opt = name === "AdamW" ? AdamW : Adam;
          const lr = 0.01;
          const o32 = new Opt([p32], { lr, ...opts });
          const o64 = new Opt([p64], { lr, ...opts });
          const start = p64.value.dataSync();
          const steps = 8;
          for (let t = 0; t < steps; t++) {
            const grad = draw();
            o32.step([grad]);
            o64.step([astype(grad, wide)]);
          }
          // Per step: the parameter, m and v rounded once each (relative 2^-24); m / sqrt(v) is
          // scale-free, so a step moves by at most lr (1 + O(u)) and its rounding adds
          // ~u (|p| + lr); the differences add up over the steps (no amplification beyond
          // O(1): |d(m / sqrt v)| <= 2 u |m / sqrt v| for relative perturbations u of m and v).
          const a = p32.value.dataSync();
          const b = p64.value.dataSync();
          let maxP = 0;
          for (let i = 0; i < b.length; i++) maxP = Math.max(maxP, Math.abs(b[i]));
          const bound = steps * 4 * U32 * (maxP + lr);
          for (let i = 0; i < a.length; i++)
            expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(bound);
          // the comparison can fail: the parameters moved far more than the bound
          let moved = 0;
          for (let i = 0; i < b.length; i++) moved = Math.max(moved, Math.abs(b[i] - start[i]));
          expect(moved).toBeGreaterThan(100 * bound);
          o32.dispose();
          o64.dispose();
          p32.dispose();
          p64.dispose();
        });
        expect(memory().numTensors).toBe(base);
      });
});

describe("Adam float32 on resident arrays (WebAssembly loops)", () => {
  // 4096 floats or more: large enough for the CPU backend to keep them resident
  for (const [name, opts] of variants)
    for (const dtype of ["float32", "complex64"] as const)
      it(`${name} (${dtype}): the same bits as the JavaScript loops, every step`, () => {
        const base = memory().numTensors;
        const run = (wasm: boolean): Float32Array[] => {
          const was = setAdamWasm(wasm);
          try {
            return tidy(() => {
              const g = new Generator(43);
              // float32: 4189 elements, odd (pairs on f64x2 and the last one alone)
              const shape = dtype === "float32" ? [71, 59] : [64, 64];
              // + 0: a kernel output, resident (random draws are written from plain arrays),
              // as a training step's gradients are
              const draw = (): Tensor => add(g.normal(shape, { dtype }), 0);
              const p = new Parameter(draw());
              const Opt = name === "AdamW" ? AdamW : Adam;
              const o = new Opt([p], { lr: 0.01, ...opts });
              const trajectory: Float32Array[] = [];
              for (let t = 0; t < 5; t++) {
                o.step([draw()]);
                expect(lastAdamPath()).toBe(wasm ? "wasm" : "js");
                trajectory.push(p.value.dataSync() as Float32Array);
              }
              o.dispose();
              p.dispose();
              return trajectory;
            });
          } finally {
            setAdamWasm(was);
          }
        };
        const wasm = run(true);
        const js = run(false);
        for (let t = 0; t < wasm.length; t++)
          for (let i = 0; i < wasm[t].length; i++)
            if (!Object.is(wasm[t][i], js[t][i]))
              throw new Error(`step ${t} element ${i}: ${wasm[t][i]} vs ${js[t][i]}`);
        // and the parameters moved (the comparison can fail)
        expect(wasm[4][0]).not.toBe(wasm[0][0]);
        expect(memory().numTensors).toBe(base);
      });
});

describe("Adam float32 on the gemm threads (large tensors: units of a module job)", () => {
  it("the same bits as the JavaScript loops and as one thread; the worker takes units", {
    timeout: 60_000,
  }, async () => {
    const threads = getNumThreads();
    const run = (wasm: boolean): Float32Array => {
      const was = setAdamWasm(wasm);
      try {
        return tidy(() => {
          const g = new Generator(47);
          // 200 001 elements: 25 units of 8192, the last one odd (its last element on the
          // scalar loop)
          const draw = (): Tensor => add(g.normal([200001]), 0);
          const p = new Parameter(draw());
          const o = new AdamW([p], { lr: 0.01, weightDecay: 0.1 });
          for (let t = 0; t < 3; t++) o.step([draw()]);
          expect(lastAdamPath()).toBe(wasm ? "wasm" : "js");
          const out = p.value.dataSync() as Float32Array;
          o.dispose();
          p.dispose();
          return out;
        });
      } finally {
        setAdamWasm(was);
      }
    };
    try {
      const { one, two, dynamic } = await onOneAndTwoThreads(() => run(true));
      const js = run(false);
      for (const other of [two, dynamic, js])
        for (let i = 0; i < one.length; i++)
          if (!Object.is(one[i], other[i]))
            throw new Error(`element ${i}: ${one[i]} vs ${other[i]}`);
    } finally {
      setNumThreads(threads);
    }
  });
});
