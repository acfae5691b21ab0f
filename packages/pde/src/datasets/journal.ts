/**
 * The progress journal of a dataset generation: which chunks are complete. It lives with the
 * chunk files in `<output>.parts/` and is replaced atomically (tmp + fsync + rename) after each
 * chunk's files are durably written, so after a kill at any instant the journal lists only
 * chunks whose files are complete.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ValueError } from "@modewise/tensor";
import { writeFileAtomic } from "../io/atomic.js";
import { FileFormatError } from "../io/errors.js";
import type { DatasetSpec } from "./spec.js";

export interface Journal {
  format: "modewise-pde-journal";
  version: 1;
  /** sha256 of the canonical spec: a resumed run must have the same one. */
  specHash: string;
  spec: DatasetSpec;
  totalChunks: number;
  /** Completed chunk indices, ascending. */
  done: number[];
}

/** Canonical JSON (sorted keys) so that the hash does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function specHash(spec: DatasetSpec): string {
  return createHash("sha256").update(canonical(spec)).digest("hex");
}

export function journalPath(partsDir: string): string {
  return join(partsDir, "journal.json");
}

export function chunkPath(partsDir: string, chunk: number, kind: "input" | "output"): string {
  return join(partsDir, `chunk-${String(chunk).padStart(6, "0")}-${kind}.npy`);
}

export function newJournal(spec: DatasetSpec): Journal {
  return {
    format: "modewise-pde-journal",
    version: 1,
    specHash: specHash(spec),
    spec,
    totalChunks: Math.ceil(spec.n / spec.chunkSize),
    done: [],
  };
}

export function saveJournal(partsDir: string, journal: Journal): void {
  writeFileAtomic(journalPath(partsDir), `${JSON.stringify(journal, null, 2)}\n`);
}

/**
 * Load the journal of an interrupted run, or undefined if there is none. A journal written for
 * different parameters is an error (resuming it would mix two datasets).
 */
export function loadJournal(partsDir: string, spec: DatasetSpec, fn: string): Journal | undefined {
  const path = journalPath(partsDir);
  if (!existsSync(path)) return undefined;
  let journal: Journal;
  try {
    journal = JSON.parse(readFileSync(path, "utf8")) as Journal;
  } catch (error) {
    throw new FileFormatError(
      fn,
      path,
      "a JSON progress journal",
      `unparseable JSON (${(error as Error).message})`,
    );
  }
  if (
    journal.format !== "modewise-pde-journal" ||
    journal.version !== 1 ||
    !Array.isArray(journal.done)
  ) {
    throw new FileFormatError(
      fn,
      path,
      "a modewise-pde-journal version 1",
      JSON.stringify({ format: journal.format, version: journal.version }),
    );
  }
  const hash = specHash(spec);
  if (journal.specHash !== hash) {
    throw new ValueError(
      fn,
      "spec",
      `the parameters of the interrupted run in ${partsDir} (${canonical(journal.spec)})`,
      `${canonical(spec)}; delete that folder or pass fresh: true to start over`,
    );
  }
  return journal;
}
