/**
 * `modewise-pde predict --run DIR --input FILE.npy --out FILE.npy`: apply a trained model to
 * input fields. The input is one field ([...spatial], or [...spatial, inSteps] for a
 * trajectory model) or a batch ([N, ...]); the output has the same leading layout.
 */
import { readNpy, writeNpy } from "@modewise/pde/io";
import { ShapeError } from "@modewise/tensor";
import { predict } from "../train/inference.js";
import { loadRun } from "../train/load-run.js";

export function runPredict(options: { run: string; input: string; out: string }): {
  n: number;
  outShape: number[];
  seconds: number;
} {
  const { info, model } = loadRun(options.run);
  const arr = readNpy(options.input);
  const sample = info.xShape.slice(1); // channel 1 is implicit in the file
  const rank = sample.length;
  const shape = [...arr.shape];
  const batched = shape.length === rank + 1;
  if (!(batched || shape.length === rank))
    throw new ShapeError(
      "predict",
      "input",
      `[${sample.join(", ")}] or [N, ${sample.join(", ")}] (any grid)`,
      `[${shape.join(", ")}]`,
    );
  const n = batched ? (shape[0] as number) : 1;
  const grid = batched ? shape.slice(1) : shape;
  const x =
    arr.data instanceof Float64Array ? arr.data : Float64Array.from(arr.data as ArrayLike<number>);
  const t0 = performance.now();
  const y = predict(model, x, n, [1, ...grid], info.normalization);
  const seconds = (performance.now() - t0) / 1000;
  const outGrid =
    info.task.kind === "trajectory" ? [...grid.slice(0, -1), info.yShape.at(-1) as number] : grid;
  const outShape = batched ? [n, ...outGrid] : outGrid;
  writeNpy(options.out, y, outShape);
  return { n, outShape, seconds };
}
