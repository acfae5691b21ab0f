/**
 * Training-step cost of the models compared with FNO on the NS one-step task, in the
 * configurations of the app's acceptance run (apps/pde-solver/bench/acceptance.mjs, NS_MODELS):
 * forward, relative L2 loss, backward and an Adam step on a batch of 20 fields of 32^2, float32.
 * The anchor is this package's FNO-2D (modes 8, width 20) timed in the same run, so the ratio
 * (FNO ms / model ms, > 1: cheaper than FNO) says how many steps each model gets in a budget
 * relative to FNO; bench/run.mjs compares FNO itself with PyTorch.
 *
 *   node bench/model-steps.mjs [--filter=RE] [--no-write]     (writes bench/results/model-steps.json)
 */
import { Generator } from "@modewise/tensor";
import {
  benchCli,
  loadAverage,
  machineInfo,
  timingRow,
  writeResults,
} from "../../../tools/bench-kit/bench-kit.mjs";
import { AFNO, DriftNet, FNO, T1 } from "../dist/index.js";
import { trainStepMs } from "./train-step.mjs";

const { filter, outPath, write } = benchCli(import.meta.url, "model-steps");

const FNO_CASE = {
  id: "FNO-2D modes 8 width 20",
  ctor: "FNO",
  options: { modes: [8, 8], width: 20 },
};
const CASES = [
  {
    id: "T1 Fourier basis, 17 x 17 modes, width 32",
    ctor: "T1",
    options: { modes: [17, 17], width: 32, gridSize: [32, 32], initScale: 0.1, basis: "fourier" },
  },
  {
    id: "T1 DCT basis, 16 x 16 modes, width 32",
    ctor: "T1",
    options: { modes: [16, 16], width: 32, gridSize: [32, 32], initScale: 0.1 },
  },
  {
    id: "AFNO width 64, patch 4, 1 block (dense DFT)",
    ctor: "AFNO",
    options: { width: 64, patchSize: 4, numBlocks: 1 },
  },
  {
    id: "AFNO width 64, patch 4, 1 block (FFT)",
    ctor: "AFNO",
    options: { width: 64, patchSize: 4, numBlocks: 1, transform: "fft" },
  },
  { id: "AFNO width 32, patch 1", ctor: "AFNO", options: { width: 32 } },
  { id: "DRIFT-Net width 16, patch 2", ctor: "DriftNet", options: { width: 16, patchSize: 2 } },
  { id: "DRIFT-Net width 16, patch 1", ctor: "DriftNet", options: { width: 16 } },
].filter((c) => !filter || filter.test(c.id));

const MODELS = { AFNO, DriftNet, FNO, T1 };

function stepMs(c) {
  const g = new Generator(0);
  const model = new MODELS[c.ctor]({
    inChannels: 1,
    outChannels: 1,
    generator: g,
    ...c.options,
  });
  return trainStepMs(model, [20, 1, 32, 32]);
}

const load0 = loadAverage();
const fno = stepMs(FNO_CASE);
console.log(`${FNO_CASE.id.padEnd(48)} ${fno.toFixed(1).padStart(8)} ms (anchor)`);
const rows = [];
for (const c of CASES) {
  const ms = stepMs(c);
  rows.push(
    timingRow(`${c.id} train step f32 b20 32^2`, ms, `${FNO_CASE.id} (ours, same run)`, fno),
  );
  console.log(
    `${c.id.padEnd(48)} ${ms.toFixed(1).padStart(8)} ms   FNO / model ${(fno / ms).toFixed(2)}`,
  );
}
if (write)
  writeResults(outPath, {
    bench: "model-steps",
    date: new Date().toISOString(),
    machine: { ...machineInfo(), loadAverage: [load0, loadAverage()] },
    rows,
  });
