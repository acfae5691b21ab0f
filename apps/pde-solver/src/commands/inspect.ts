/** `modewise-pde inspect`: the tree, layout and statistics of a supported file. */
import { formatSummary, inspectFile } from "@modewise/pde/io";

export async function runInspect(path: string, json: boolean): Promise<string> {
  const summary = await inspectFile(path);
  return json ? JSON.stringify(summary, null, 2) : formatSummary(summary);
}
