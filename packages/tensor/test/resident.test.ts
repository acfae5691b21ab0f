/**
 * Resident float32 storage (src/backend/cpu/resident.ts): float32 / complex64 outputs of at
 * least 4096 floats live in the sgemm memory, and the SIMD kernels read and write them in place.
 * The reference for every kernel is the same computation with residency off (plain arrays, the
 * copying paths): the kernels are the same, so results must be equal bit for bit. Each case
 * asserts that the in-place path actually ran (residentStats().inPlace), and that the blocks
 * return to the memory when the tensors are released.
 */
import {
  add,
  complex,
  dispose,
  div,
  gelu,
  grad,
  matmul,
  memory,
  mul,
  sub,
  sum,
  type Tensor,
  tensor,
  tidy,
  toNdarray,
} from "@modewise/tensor";
import {
  type InPlaceKernel,
  residentStats,
  setResidentFloat32,
  setSumWasm,
} from "@modewise/tensor/cpu-kernels";
import { afterEach, describe, expect, it } from "vitest";

/** Deterministic values in [-2, 2) (a linear congruential sequence). */
function values(n: number, seed: number): Float32Array {
  const v = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) | 0;
    v[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 4;
  }
  return v;
}

function t(shape: number[], seed: number): Tensor {
  return tensor(
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    { shape, dtype: "float32" },
  );
}

/**
 * Runs `f` with residency on and off and returns both results' values. Inputs are made inside
 * `f` (from plain arrays) and pass through one kernel first (`x + 0`), so that with residency on
 * they are themselves resident.
 */
function both(f: () => Tensor): {
  on: Float32Array;
  off: Float32Array;
  delta: Partial<Record<InPlaceKernel, number>>;
} {
  const run = (on: boolean) => {
    const was = setResidentFloat32(on);
    try {
      return tidy(() => f().dataSync() as Float32Array);
    } finally {
      setResidentFloat32(was);
    }
  };
  const before = residentStats().inPlace;
  const on = run(true);
  const after = residentStats().inPlace;
  const off = run(false);
  const delta: Partial<Record<InPlaceKernel, number>> = {};
  for (const k of Object.keys(after) as InPlaceKernel[]) delta[k] = after[k] - before[k];
  return { on, off, delta };
}

function expectSameBits(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) throw new Error(`element ${i}: ${a[i]} vs ${b[i]}`);
}

/** x + 0 with x from a plain array: a kernel output, so resident when residency is on. */
function resident(shape: number[], seed: number): Tensor {
  return add(t(shape, seed), 0);
}

describe("resident float32 storage", () => {
  afterEach(() => setResidentFloat32(true));

  it("is on in Node (shared WebAssembly memory) and holds large float32 outputs", () => {
    expect(residentStats().enabled).toBe(true);
    const base = residentStats().liveBytes;
    const x = resident([64, 128], 1);
    // 8192 floats: one block of 32 KiB + slack, 64-byte aligned
    expect(residentStats().liveBytes - base).toBe(Math.ceil((4 * 8192 + 64) / 64) * 64);
    const small = add(t([10, 10], 2), 0); // below 4096 floats: a plain array
    expect(residentStats().liveBytes - base).toBe(Math.ceil((4 * 8192 + 64) / 64) * 64);
    dispose([x, small]);
    expect(residentStats().liveBytes).toBe(base);
  });

  it("returns blocks when tensors are released and reuses them by size (no growth per step)", () => {
    const base = residentStats();
    const step = () =>
      tidy(() => {
        const a = resident([20, 20, 1024], 3);
        const b = resident([20, 20, 1024], 4);
        return sum(gelu(mul(add(a, b), sub(a, b))));
      });
    dispose(step());
    const afterFirst = residentStats();
    for (let i = 0; i < 5; i++) dispose(step());
    const after = residentStats();
    expect(after.liveBytes).toBe(base.liveBytes);
    // steps after the first reuse the same blocks: the region below the top does not grow
    expect(after.topBytes).toBe(afterFirst.topBytes);
  });

  it("keeps a tensor's values valid when the memory grows under it", () => {
    const x = resident([64, 64], 5);
    const want = values(64 * 64, 5);
    const big = tidy(() => add(t([4096, 1024], 6), 0)); // 16 MiB: grows the memory
    expectSameBits(x.dataSync() as Float32Array, want);
    dispose([x, big]);
  });

  it("hands views (ndarray) a plain copy and frees the block", () => {
    const base = residentStats().liveBytes;
    const x = resident([64, 128], 7);
    expect(residentStats().liveBytes).toBeGreaterThan(base);
    const nd = toNdarray(x);
    expect(residentStats().liveBytes).toBe(base);
    expect(nd.data instanceof Float32Array).toBe(true);
    expect((nd.data as Float32Array).buffer instanceof SharedArrayBuffer).toBe(false);
    expectSameBits(nd.data as Float32Array, values(64 * 128, 7));
    expectSameBits(x.dataSync() as Float32Array, values(64 * 128, 7));
    dispose(x);
  });

  it("dataSync hands out plain copies", () => {
    const x = resident([64, 128], 8);
    const v = x.dataSync() as Float32Array;
    expect(v.buffer instanceof SharedArrayBuffer).toBe(false);
    dispose(x);
  });

  it("live tensor count and bytes return to baseline", () => {
    const run = () =>
      tidy(() => {
        const a = resident([20, 40, 1024], 9);
        matmul(resident([40, 40], 10), a);
      });
    // the first run makes the product's index tables, which stay resident for the next calls
    run();
    const m0 = memory();
    const r0 = residentStats().liveBytes;
    run();
    expect(memory().numTensors).toBe(m0.numTensors);
    expect(memory().numBytes).toBe(m0.numBytes);
    expect(residentStats().liveBytes).toBe(r0);
  });
});

describe("product index tables cached in the resident memory", () => {
  afterEach(() => setResidentFloat32(true));

  it("a product run again reads its cached tables, with the bits of the uncached first run", () => {
    // a shape no other test uses: its first run fills the tables, the second reads them
    const run = () =>
      tidy(() => matmul(resident([24, 36], 30), resident([7, 36, 1048], 31)).dataSync());
    const t0 = residentStats().inPlace.tables;
    const first = run() as Float32Array;
    const t1 = residentStats().inPlace.tables;
    const second = run() as Float32Array;
    expect(residentStats().inPlace.tables - t1).toBeGreaterThan(t1 - t0);
    expectSameBits(second, first);
  });

  it("with residency off, new shapes fill their tables per call (no cache), same bits", () => {
    const run = () =>
      tidy(() => matmul(resident([12, 40], 32), resident([5, 40, 1096], 33)).dataSync());
    const on = run() as Float32Array;
    setResidentFloat32(false);
    const t0 = residentStats().inPlace.tables;
    const off = tidy(() =>
      matmul(resident([12, 44], 34), resident([5, 44, 1096], 35)).dataSync(),
    ) as Float32Array;
    expect(residentStats().inPlace.tables).toBe(t0);
    setResidentFloat32(true);
    const offAgain = tidy(() =>
      matmul(resident([12, 44], 34), resident([5, 44, 1096], 35)).dataSync(),
    ) as Float32Array;
    expectSameBits(off, offAgain);
    expect(on.length).toBe(12 * 5 * 1096);
  });
});

describe("kernels in place on resident arrays give the copying paths' bits", () => {
  afterEach(() => setResidentFloat32(true));

  it("matmul, whole tiles: C written in place", () => {
    const r = both(() => matmul(resident([64, 96], 11), resident([96, 128], 12)));
    expect(r.delta.sgemm).toBeGreaterThan(0);
    expectSameBits(r.on, r.off);
  });

  it("matmul, partial tiles (M = 37, N = 53): operands in place, C through the padded block", () => {
    const r = both(() => matmul(resident([37, 1200], 13), resident([1200, 53], 14)));
    expect(r.delta.sgemm).toBeGreaterThan(0);
    expectSameBits(r.on, r.off);
  });

  it("broadcast W @ x[b] (batch folded into the columns), written in place per batch element", () => {
    // N = 1024 positions (whole tiles): the folded product writes each C_b in place
    const r = both(() => matmul(resident([128, 20], 15), resident([20, 20, 1024], 16)));
    expect(r.delta.sgemmFolded).toBeGreaterThan(0);
    expectSameBits(r.on, r.off);
    // N = 1100 is not a whole number of tiles: the product unfolds through its block
    const s = both(() => matmul(resident([20, 24], 17), resident([6, 24, 1100], 18)));
    expect(s.delta.sgemmFolded).toBe(0);
    expectSameBits(s.on, s.off);
  });

  it("shared-weight gradient (batch summed products, dot kernel) reads its operands in place", () => {
    const r = both(() => {
      const w = resident([20, 20], 19);
      const x = resident([20, 20, 1024], 20);
      const dy = resident([20, 20, 1024], 21);
      // d/dw sum(dy * (w @ x)) = sum_b dy_b x_b^T
      return grad((v: Tensor) => sum(mul(matmul(v, x), dy)))(w);
    });
    expect(r.delta.dot).toBeGreaterThan(0);
    expectSameBits(r.on, r.off);
  });

  it("GELU forward, with its derivative, and backward (1.2 M floats, threads)", () => {
    const r = both(() => gelu(resident([20, 60, 1024], 22)));
    expect(r.delta.gelu).toBeGreaterThan(0);
    expectSameBits(r.on, r.off);
    const g = both(() =>
      grad((v: Tensor) => sum(mul(gelu(v), resident([20, 60, 1024], 23))))(
        resident([20, 60, 1024], 24),
      ),
    );
    // the forward records GELU' with GELU (one call); the backward multiplies it by dy
    expect(g.delta.gelu).toBeGreaterThan(0);
    expect(g.delta.arith).toBeGreaterThan(0);
    expectSameBits(g.on, g.off);
  });

  it("GELU on an odd length (4099: a partial last group writes into the block's slack)", () => {
    const r = both(() => gelu(resident([4099], 25)));
    expect(r.delta.gelu).toBeGreaterThan(0);
    expectSameBits(r.on, r.off);
  });

  it("add / sub / mul / div: arrays, a scalar, and rows against a per-row scalar (bias)", () => {
    for (const n of [4096, 4101, 20 * 20 * 1024 + 3]) {
      const r = both(() => {
        const a = resident([n], 26);
        const b = resident([n], 27);
        return add(mul(a, b), sub(div(a, 3), b));
      });
      expect(r.delta.arith).toBeGreaterThan(0);
      expectSameBits(r.on, r.off);
    }
    const bias = both(() => add(resident([20, 128, 1030], 28), t([128, 1], 29)));
    expect(bias.delta.arith).toBeGreaterThan(0);
    expectSameBits(bias.on, bias.off);
  });

  it("complex64 outputs are resident too", () => {
    const base = residentStats().liveBytes;
    const z = tidy(() => add(complex(t([64, 64], 30), t([64, 64], 31)), 0));
    expect(z.dtype).toBe("complex64");
    expect(residentStats().liveBytes).toBeGreaterThan(base);
    dispose(z);
    expect(residentStats().liveBytes).toBe(base);
  });
});

describe("sums of resident float32 arrays (WebAssembly float64 loops)", () => {
  afterEach(() => {
    setResidentFloat32(true);
    setSumWasm(true);
  });

  /** sum on the WebAssembly loops and on the JavaScript loops: the same bits. */
  function sameSums(shape: number[], axes: number[], seed: number, complexInput = false): void {
    const run = (wasm: boolean) => {
      const was = setSumWasm(wasm);
      try {
        return tidy(() => {
          const x = complexInput
            ? add(complex(t(shape, seed), t(shape, seed + 1)), 0)
            : resident(shape, seed);
          return sum(x, axes).dataSync() as Float32Array;
        });
      } finally {
        setSumWasm(was);
      }
    };
    const before = residentStats().inPlace.sum;
    const a = run(true);
    expect(residentStats().inPlace.sum).toBeGreaterThan(before);
    const b = run(false);
    expect(residentStats().inPlace.sum - before).toBeGreaterThan(0);
    expectSameBits(a, b);
  }

  it("bias gradients (trailing runs, then leading rows), losses, odd and power-of-two runs", () => {
    sameSums([20, 128, 1024], [0, 2], 40); // runs of 1024 (subtrees of 64), then 20 rows
    sameSums([7, 33, 1000], [0, 2], 41); // runs of 1000: leaves of 16 and of fewer
    sameSums([4100], [0], 42); // one run
    sameSums([3, 5, 17, 64], [2, 3], 43); // runs of 1088 over two axes
  });

  it("batch sums over leading rows (17 to 300 rows: one to five levels of halves)", () => {
    for (const rows of [17, 33, 100, 300]) sameSums([rows, 4096], [0], 44 + rows);
    sameSums([20, 20, 16, 8], [0], 45, true); // complex: interleaved pairs as reals
  });

  it("matches a float64 reference within float32 rounding", () => {
    const x = resident([20, 64, 1024], 46);
    const got = sum(x, [0, 2]).dataSync() as Float32Array;
    const v = x.dataSync();
    for (let c = 0; c < 64; c++) {
      let ref = 0;
      for (let b = 0; b < 20; b++) for (let j = 0; j < 1024; j++) ref += v[(b * 64 + c) * 1024 + j];
      // float64 pairwise sums of float32 values, rounded once: within one float32 rounding
      expect(Math.abs(got[c] - ref)).toBeLessThanOrEqual(Math.abs(ref) * 2 ** -24 + 1e-9);
    }
    dispose(x);
  });
});
