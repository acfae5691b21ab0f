/**
 * The training loss is the relative L2 of the PHYSICAL field for every model, T1 included:
 * T1 computes it from coefficients (no inverse transform), with the physical field's norm as
 * the denominator, and must agree with the grid computation on its decoded prediction.
 */
import { T1 } from "@modewise/operators";
import { dispose, Generator, memory, noGrad, type Tensor } from "@modewise/tensor";
import { describe, expect, it } from "vitest";
import { type Normalization, trainingLoss } from "../src/index.js";
import { meanRelL2 } from "./helpers.js";

/** The physical field from a normalized input and network output (increment or field). */
function physical(x: Float64Array, out: Float64Array, norm: Normalization): Float64Array {
  const r = new Float64Array(out.length);
  const inc = norm.increment;
  for (let i = 0; i < r.length; i++)
    r[i] = inc
      ? (x[i] as number) * norm.x.std + norm.x.mean + (out[i] as number) * inc.std + inc.mean
      : (out[i] as number) * norm.y.std + norm.y.mean;
  return r;
}

describe("trainingLoss", () => {
  const norms: [string, Normalization][] = [
    [
      "increment",
      {
        kind: "gaussian",
        x: { mean: 0.3, std: 1.7 },
        y: { mean: 0.3, std: 1.7 },
        increment: { mean: 0.01, std: 0.2 },
      },
    ],
    ["field", { kind: "gaussian", x: { mean: 0.3, std: 1.7 }, y: { mean: -0.5, std: 2.5 } }],
  ];
  for (const [kind, norm] of norms)
    for (const basis of ["fourier", "dct"] as const)
      it(`T1 (${kind} target, ${basis}): the frequency-space loss is the physical field's relative L2`, () => {
        const before = memory().numTensors;
        const module = new T1({
          inChannels: 1,
          outChannels: 1,
          modes: [5, 5],
          width: 4,
          nLayers: 2,
          gridSize: [8, 8],
          basis,
          dtype: "float64",
          generator: new Generator(1),
        });
        const built = {
          module,
          options: {},
          frequencyLoss: (x: Tensor, y: Tensor, o?: { referenceNorm?: Tensor }) =>
            module.frequencyLoss(x, y, o),
        };
        const g = new Generator(2);
        const x = g.normal([3, 1, 8, 8], { dtype: "float64" });
        const y = g.normal([3, 1, 8, 8], { dtype: "float64" });
        const loss = noGrad(() => trainingLoss(built, norm)(x, y));
        const out = noGrad(() => module.forward(x));
        const xs = x.dataSync() as Float64Array;
        const expected = meanRelL2(
          physical(xs, out.dataSync() as Float64Array, norm),
          physical(xs, y.dataSync() as Float64Array, norm),
          3,
        );
        // float64 throughout: a few roundings per term, far below 1e-12 relative
        expect(Math.abs(loss.item() - expected)).toBeLessThan(1e-12 * expected);
        // and it is not the relative error of the normalized output (the old T1 objective)
        const normalized = meanRelL2(
          out.dataSync() as Float64Array,
          y.dataSync() as Float64Array,
          3,
        );
        expect(Math.abs(normalized - expected)).toBeGreaterThan(1e-3 * expected);
        dispose([x, y, loss, out]);
        module.dispose();
        expect(memory().numTensors).toBe(before);
      });
});
