// Type-level smoke test of the published @modewise/nn, compiled by tools/release-check/run.mjs
// with `tsc --noEmit --module nodenext --moduleResolution nodenext --strict` in an empty project.
import * as nn from "@modewise/nn";
import { loadFile, saveFile } from "@modewise/nn/node";
import type { Tensor } from "@modewise/tensor";

class Block extends nn.Module {
  readonly proj = new nn.Linear(4, 4, { dtype: "float64" });
  readonly norm = new nn.LayerNorm(4, { dtype: "float64" });
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.proj.forward(x));
  }
}

const block: nn.Module = new Block();
const opt: nn.Optimizer<nn.AdamOptions> = new nn.AdamW(block.parameters(), { lr: 1e-3 });
const sched: nn.LRScheduler = new nn.CosineAnnealingLR(opt, { tMax: 10 });
const names: string[] = block.namedParameters().map(([name]) => name);
const save: (path: string, state: Record<string, Tensor>) => Promise<void> = saveFile;
const load: (path: string) => Promise<Record<string, Tensor>> = loadFile;
const err: nn.SafetensorsErrorCode = "InvalidOffset";

export const smoke = { block, opt, sched, names, save, load, err };
