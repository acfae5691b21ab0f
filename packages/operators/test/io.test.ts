import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { load } from "@modewise/nn";
import {
  FNO,
  type FNOOptions,
  loadNeuralOperatorState,
  saveNeuralOperatorState,
  toNeuralOperatorState,
} from "@modewise/operators";
import { dispose, Generator, memory, type Tensor, tidy, ValueError } from "@modewise/tensor";
import { describe, expect, it } from "vitest";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const SCRIPT = join(FIXTURES, "make_fno_torch.py");

/** The fixture cases of make_fno_torch.py, as our options (n_modes (8, 7) -> modes [4, 4]). */
const CASES: Record<string, FNOOptions> = {
  fno2d: {
    inChannels: 1,
    outChannels: 1,
    modes: [4, 4],
    width: 8,
    nLayers: 4,
    liftingChannels: 16,
    projectionChannels: 32,
    skip: "linear",
    domainPadding: 0.125,
  },
  fno1d: {
    inChannels: 2,
    outChannels: 1,
    modes: [6],
    width: 6,
    nLayers: 3,
    liftingChannels: 12,
    projectionChannels: 16,
    skip: "soft-gating",
    domainPadding: 0,
  },
};

const U32 = 2 ** -24;

/**
 * float32 agreement of two implementations of the same network: every stage (lifting,
 * projection and nLayers Fourier layers, each a K-term sum or an FFT over N points) adds a
 * relative error of order sqrt(K) u; we allow 8 sqrt(K) u per stage, relative to max |y|.
 */
function tolerance(opts: FNOOptions, gridPoints: number): number {
  const k = Math.max(
    opts.liftingChannels ?? 0,
    opts.projectionChannels ?? 0,
    opts.width,
    gridPoints,
  );
  const stages = (opts.nLayers ?? 4) + 4;
  return 8 * Math.sqrt(k) * U32 * stages;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const torchAvailable =
  spawnSync("python3", ["-c", "import torch, safetensors"], { stdio: "ignore" }).status === 0;
if (!torchAvailable)
  console.warn(
    "io.test.ts: python3 with torch + safetensors not importable; skipping the live PyTorch round trip",
  );

describe("neuraloperator weights interchange", () => {
  for (const [name, opts] of Object.entries(CASES)) {
    it(`loads a PyTorch-saved ${name} and reproduces its output`, () => {
      const base = memory().numTensors;
      const model = new FNO({ ...opts, dtype: "float32" });
      loadNeuralOperatorState(
        model,
        new Uint8Array(readFileSync(join(FIXTURES, `${name}.model.safetensors`))),
      );
      const io = load(new Uint8Array(readFileSync(join(FIXTURES, `${name}.io.safetensors`))));
      tidy(() => {
        const y = model.forward(io.input).dataSync();
        const ref = io.output.dataSync();
        const n = io.input.shape.slice(2).reduce((a, b) => a * b, 1);
        expect(maxAbsDiff(y, ref)).toBeLessThanOrEqual(tolerance(opts, n) * maxAbs(ref));
      });
      dispose(io);
      model.dispose();
      expect(memory().numTensors).toBe(base);
    });

    it.skipIf(!torchAvailable)(
      `saves ${name} weights that PyTorch loads and evaluates identically`,
      () => {
        const dir = mkdtempSync(join(tmpdir(), "modewise-fno-"));
        const g = new Generator(77);
        const model = new FNO({ ...opts, dtype: "float32", generator: g });
        const io = load(new Uint8Array(readFileSync(join(FIXTURES, `${name}.io.safetensors`))));
        try {
          writeFileSync(join(dir, "w.safetensors"), saveNeuralOperatorState(model));
          writeFileSync(
            join(dir, "in.safetensors"),
            readFileSync(join(FIXTURES, `${name}.io.safetensors`)),
          );
          execFileSync("python3", [
            SCRIPT,
            "run",
            name,
            join(dir, "w.safetensors"),
            join(dir, "in.safetensors"),
            join(dir, "out.safetensors"),
          ]);
          const theirs = load(new Uint8Array(readFileSync(join(dir, "out.safetensors"))));
          tidy(() => {
            const y = model.forward(io.input).dataSync();
            const ref = theirs.output.dataSync();
            const n = io.input.shape.slice(2).reduce((a, b) => a * b, 1);
            expect(maxAbsDiff(y, ref)).toBeLessThanOrEqual(tolerance(opts, n) * maxAbs(ref));
          });
          dispose(theirs);
        } finally {
          rmSync(dir, { recursive: true, force: true });
          dispose(io);
          model.dispose();
        }
      },
      60_000,
    );
  }

  it("round-trips our own weights exactly (float64, CP-factorized too)", () => {
    for (const factorization of [null, "cp", "tucker"] as const) {
      const g = new Generator(5);
      const opts: FNOOptions = {
        inChannels: 1,
        outChannels: 2,
        modes: [3, 2],
        width: 4,
        nLayers: 2,
        dtype: "float64",
        factorization,
        rank: 2,
      };
      const a = new FNO({ ...opts, generator: g });
      const b = new FNO({ ...opts, generator: g });
      loadNeuralOperatorState(b, saveNeuralOperatorState(a));
      for (const [[na, pa], [nb, pb]] of a
        .namedParameters()
        .map((e, i) => [e, b.namedParameters()[i]] as const)) {
        expect(nb).toBe(na);
        expect(Array.from(pb.value.dataSync())).toEqual(Array.from(pa.value.dataSync()));
      }
      const state = toNeuralOperatorState(a);
      if (factorization === null)
        expect(state["fno_blocks.convs.0.weight.tensor"].shape).toEqual([4, 4, 6, 2, 2]);
      if (factorization === "cp")
        expect(state["fno_blocks.convs.0.weight.factors.2"].shape).toEqual([6, 2, 2]);
      if (factorization === "tucker")
        expect(state["fno_blocks.convs.0.weight.core"].shape).toEqual([2, 2, 2, 2, 2]);
      dispose(state);
      a.dispose();
      b.dispose();
    }
  });

  it("rejects files with missing or extra entries, naming them", () => {
    const opts: FNOOptions = { inChannels: 1, outChannels: 1, modes: [3], width: 4, nLayers: 1 };
    const a = new FNO(opts);
    const state: Record<string, Tensor> = toNeuralOperatorState(a);
    const { "projection.fcs.1.bias": dropped, ...partial } = state;
    expect(() => loadNeuralOperatorState(a, partial)).toThrow(/projection\.fcs\.1\.bias/);
    expect(() => loadNeuralOperatorState(a, { ...state, extra: dropped })).toThrow(ValueError);
    dispose(state);
    a.dispose();
  });
});
