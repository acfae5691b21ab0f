/**
 * The gemm thread pool: results must be bit-identical for 1 and 2 threads (the K blocking
 * depends on K only; threads split M or N), the workers must really run (threadsReady), a
 * failing setting is a typed error, and the unref()'d workers must never keep Node alive (a
 * child process that does one big threaded product has to exit on its own, promptly).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  dispose,
  grad,
  matmul,
  mul,
  sum,
  type Tensor,
  tensor,
  tidy,
  ValueError,
} from "@modewise/tensor";
import {
  convF32,
  cpuKernelInfo,
  geluF32,
  geluGradF32,
  geluWithGradF32,
  getNumThreads,
  setNumThreads,
  setSumWasm,
  setThreadSchedule,
  sgemm,
  threadsReady,
  workerUnitsDone,
} from "@modewise/tensor/cpu-kernels";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onOneAndTwoThreads } from "./helpers.js";

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

/** Bitwise equality (NaN-safe, -0 vs 0 distinguished) of two float32 arrays. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

// Generous timeouts: worker start-up and the child process are slow on a loaded machine.
describe("gemm threads", { timeout: 60_000 }, () => {
  let before = 1;
  beforeAll(() => {
    before = getNumThreads();
  });
  afterAll(() => {
    setNumThreads(before);
    setThreadSchedule("dynamic");
  });

  it("two workers come up (threadsReady) when two threads are requested", async () => {
    setNumThreads(2);
    expect(await threadsReady(10000)).toBe(2);
  });

  const shapes: [number, number, number, boolean, boolean][] = [
    [300, 301, 257, false, false], // split N
    [517, 129, 300, true, false], // split M (M > N)
    [256, 1031, 33, false, true],
    [1031, 64, 260, true, true],
  ];
  for (const [M, N, K, transA, transB] of shapes) {
    it(`sgemm ${M}x${N}x${K} transA=${transA} transB=${transB}: bit-identical with 1 and 2 threads`, async () => {
      const A = random(M * K, 1);
      const B = random(K * N, 2);
      const C0 = random(M * N, 3);
      const results: Float32Array[] = [];
      // Static schedule: the worker computes every other unit whatever the timing, so the
      // 2-thread results really mix both threads' work (asserted through its unit count).
      setThreadSchedule("static");
      const done0 = workerUnitsDone()[0] ?? 0;
      for (const n of [1, 2]) {
        setNumThreads(n);
        expect(await threadsReady(10000)).toBe(n);
        for (const accumulate of [false, true]) {
          const C = C0.slice();
          sgemm(M, N, K, A, 0, B, 0, C, 0, accumulate, transA, transB);
          results.push(C);
        }
      }
      expect(workerUnitsDone()[0]).toBeGreaterThan(done0);
      expect(sameBits(results[0], results[2])).toBe(true);
      expect(sameBits(results[1], results[3])).toBe(true);
      // Not trivially equal: accumulate changed the values.
      expect(sameBits(results[0], results[1])).toBe(false);
    });
  }

  it("convF32 (b4 16->24 33x40 k3 stride (1, 2) pad 1): bit-identical with 1 and 2 threads", async () => {
    const x = random(4 * 16 * 33 * 40, 4);
    const w = random(24 * 16 * 9, 5);
    const opts = {
      strides: [1, 2],
      padding: [
        [1, 1],
        [1, 1],
      ] as [number, number][],
    };
    setNumThreads(1);
    await threadsReady();
    const one = convF32(x, [4, 16, 33, 40], w, [24, 16, 3, 3], opts);
    setNumThreads(2);
    expect(await threadsReady(10000)).toBe(2);
    setThreadSchedule("static");
    const done0 = workerUnitsDone()[0];
    const two = convF32(x, [4, 16, 33, 40], w, [24, 16, 3, 3], opts);
    expect(two.shape).toEqual([4, 24, 33, 20]);
    expect(workerUnitsDone()[0]).toBeGreaterThan(done0);
    expect(sameBits(one.values, two.values)).toBe(true);
  });

  it("GELU kernels on the threads (map jobs): the workers compute parts, same bits as one thread", async () => {
    // 200_003 floats: 16_667 kernel iterations of 12 floats, above the map-job threshold
    // (4096 iterations), with a partial last iteration. Values over [-16, 16].
    const n = 200_003;
    const x = Float32Array.from(random(n, 21), (v) => 16 * v);
    const dy = random(n, 22);
    const run = () => {
      const y = new Float32Array(n);
      const g = new Float32Array(n);
      const y2 = new Float32Array(n);
      const d = new Float32Array(n);
      expect(geluF32(x, y)).toBe(true);
      expect(geluGradF32(x, dy, g)).toBe(true);
      expect(geluWithGradF32(x, y2, d)).toBe(true);
      expect(cpuKernelInfo().lastGeluCall).toBe("forwardWithGrad");
      return [y, g, y2, d];
    };
    // static schedule: the worker takes units 1, 3, ... of each of the three jobs
    const { one, two, dynamic } = await onOneAndTwoThreads(run, 3);
    for (let k = 0; k < 4; k++) {
      expect(sameBits(one[k], two[k])).toBe(true);
      expect(sameBits(one[k], dynamic[k])).toBe(true);
    }
    expect(sameBits(one[0], one[2])).toBe(true); // GELU alone and beside GELU'
  });

  it("batch-summed dot products (a shared weight's gradient) on the threads: same bits as one thread", async () => {
    // dW = sum_b dy_b x_b^T for W [20, 20] over x [20, 20, 1024]: 8.2 M multiply-adds, above
    // the threading threshold; 50 tiles of 4 x 2
    const x = tensor(random(20 * 20 * 1024, 31), { shape: [20, 20, 1024], dtype: "float32" });
    const dy = tensor(random(20 * 20 * 1024, 32), { shape: [20, 20, 1024], dtype: "float32" });
    const w = tensor(random(400, 33), { shape: [20, 20], dtype: "float32" });
    const run = () =>
      tidy(() => {
        const g = grad((v: Tensor) => sum(mul(matmul(v, x), dy)))(w).dataSync() as Float32Array;
        expect(cpuKernelInfo().lastBatchSumPath).toBe("dot");
        return g;
      });
    // static schedule: the worker takes units 1, 3, ... of the dot job
    const { one, two, dynamic } = await onOneAndTwoThreads(run);
    expect(sameBits(one, two)).toBe(true);
    expect(sameBits(one, dynamic)).toBe(true);
    dispose([x, dy, w]);
  });

  it("dynamic schedule (the default) gives the same bits as one thread", async () => {
    const [M, N, K] = [700, 900, 300];
    const A = random(M * K, 8);
    const B = random(K * N, 9);
    setNumThreads(1);
    const one = new Float32Array(M * N);
    sgemm(M, N, K, A, 0, B, 0, one, 0);
    setNumThreads(2);
    setThreadSchedule("dynamic");
    expect(await threadsReady(10000)).toBe(2);
    const two = new Float32Array(M * N);
    sgemm(M, N, K, A, 0, B, 0, two, 0);
    expect(sameBits(one, two)).toBe(true);
  });

  it("400 back-to-back threaded products (the worker claiming or being withdrawn) match 1 thread bit for bit", async () => {
    const shapes: [number, number, number][] = [
      [64, 128, 128],
      [200, 96, 64],
      [33, 700, 65],
      [300, 40, 200],
    ];
    const cases = shapes.map(([M, N, K], i) => {
      const A = random(M * K, 10 + i);
      const B = random(K * N, 20 + i);
      const C = new Float32Array(M * N);
      setNumThreads(1);
      sgemm(M, N, K, A, 0, B, 0, C, 0);
      return { M, N, K, A, B, C };
    });
    setNumThreads(2);
    setThreadSchedule("dynamic");
    expect(await threadsReady(10000)).toBe(2);
    const done0 = workerUnitsDone()[0];
    let mismatches = 0;
    for (let rep = 0; rep < 100; rep++)
      for (const { M, N, K, A, B, C } of cases) {
        const got = new Float32Array(M * N);
        sgemm(M, N, K, A, 0, B, 0, got, 0);
        if (!sameBits(got, C)) mismatches++;
      }
    expect(mismatches).toBe(0);
    // The worker took part (dynamic units go to whoever asks; over 400 products it asks).
    expect(workerUnitsDone()[0]).toBeGreaterThan(done0);
  });

  it("float32 sums of runs (a bias gradient over [20, 128, 1024]) on the threads: the JavaScript tree's bits", async () => {
    const x = tidy(() =>
      mul(tensor(random(20 * 128 * 1024, 51), { shape: [20, 128, 1024], dtype: "float32" }), 1),
    );
    const run = () => tidy(() => sum(x, [0, 2]).dataSync() as Float32Array);
    const { one, two, dynamic } = await onOneAndTwoThreads(run);
    const wasWasm = setSumWasm(false);
    const js = run();
    setSumWasm(wasWasm);
    expect(sameBits(one, two)).toBe(true);
    expect(sameBits(one, dynamic)).toBe(true);
    expect(sameBits(one, js)).toBe(true);
    dispose(x);
  });

  it("jobs that find the worker asleep (gaps longer than its spin) still wake it, static units", async () => {
    // The worker spins SPIN_MS (5 ms by default) after a job, then sleeps; the main thread
    // notifies only a sleeping worker. A lost wakeup would hang here (static schedule: the
    // worker's units are its own, the main thread waits for them).
    const [M, N, K] = [256, 256, 64];
    const A = random(M * K, 41);
    const B = random(K * N, 42);
    setNumThreads(1);
    const want = new Float32Array(M * N);
    sgemm(M, N, K, A, 0, B, 0, want, 0);
    setNumThreads(2);
    expect(await threadsReady(10000)).toBe(2);
    setThreadSchedule("static");
    try {
      const done0 = workerUnitsDone()[0];
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, i % 2 === 0 ? 12 : 0));
        const got = new Float32Array(M * N);
        sgemm(M, N, K, A, 0, B, 0, got, 0);
        expect(sameBits(got, want)).toBe(true);
      }
      expect(workerUnitsDone()[0]).toBeGreaterThan(done0);
    } finally {
      setThreadSchedule("dynamic");
    }
  });

  it("env MODEWISE_THREADS sets the default thread count (child process)", () => {
    const entry = fileURLToPath(import.meta.resolve("@modewise/tensor/cpu-kernels"));
    const script = `
      const k = await import(${JSON.stringify(entry)});
      console.log(JSON.stringify({ n: k.getNumThreads(), ready: await k.threadsReady(10000) }));
    `;
    for (const [env, want] of [
      ["1", 1],
      ["3", 3],
    ] as const) {
      const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        encoding: "utf8",
        timeout: 20000,
        env: { ...process.env, MODEWISE_THREADS: env },
      });
      expect(child.status).toBe(0);
      expect(JSON.parse(child.stdout.trim())).toEqual({ n: want, ready: want });
    }
  });

  it("setNumThreads rejects 0, 1.5 and 17 with a ValueError naming the function", () => {
    for (const bad of [0, 1.5, 17]) {
      expect(() => setNumThreads(bad)).toThrow(ValueError);
      expect(() => setNumThreads(bad)).toThrow(/setNumThreads/);
    }
  });

  it("the workers never keep Node alive: a child doing a threaded 512^3 product exits by itself", () => {
    const entry = fileURLToPath(import.meta.resolve("@modewise/tensor/cpu-kernels"));
    const script = `
      const k = await import(${JSON.stringify(entry)});
      k.setNumThreads(2);
      const threads = await k.threadsReady(10000);
      const n = 512, a = new Float32Array(n * n).fill(1), c = new Float32Array(n * n);
      k.sgemm(n, n, n, a, 0, a, 0, c, 0);
      console.log(JSON.stringify({ threads, c0: c[0] }));
    `;
    const t0 = Date.now();
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20000,
    });
    const elapsed = Date.now() - t0;
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(0);
    expect(JSON.parse(child.stdout.trim())).toEqual({ threads: 2, c0: 512 });
    // Startup + one product takes well under a second idle; a worker holding the process open
    // would run into the 20 s timeout instead (status null).
    expect(elapsed).toBeLessThan(15000);
  });
});
