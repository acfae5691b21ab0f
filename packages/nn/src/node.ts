/**
 * Node file helpers for safetensors: `import { saveFile, loadFile } from "@modewise/nn/node"`.
 * Kept out of the main entry so that it stays browser-safe (node:fs is imported here only).
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Tensor } from "@modewise/tensor";
import { type LoadOptions, loadWithMetadata, saveAsync } from "./safetensors.js";

/** Write tensors (and string metadata) to a .safetensors file. */
export async function saveFile(
  path: string,
  state: Record<string, Tensor>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFile(path, await saveAsync(state, metadata));
}

/** Read a .safetensors file into name -> tensor (owned by the caller). */
export async function loadFile(
  path: string,
  opts: LoadOptions = {},
): Promise<Record<string, Tensor>> {
  return (await loadFileWithMetadata(path, opts)).tensors;
}

/** Read a .safetensors file into tensors and its "__metadata__" map. */
export async function loadFileWithMetadata(
  path: string,
  opts: LoadOptions = {},
): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  const buf = await readFile(path);
  return loadWithMetadata(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), opts);
}
