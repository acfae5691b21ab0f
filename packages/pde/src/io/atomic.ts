/**
 * Crash-safe file replacement: write to a temporary file next to the target, fsync it, rename
 * it over the target (atomic on POSIX file systems), then fsync the directory so the rename
 * itself survives a power loss. A reader sees either the old file or the complete new one.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** A temporary path in the same directory as `target` (rename is only atomic within one file system). */
export function temporaryPathFor(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`,
  );
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDirectory(dir: string): void {
  try {
    fsyncPath(dir);
  } catch {
    // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
  }
}

/** Atomically replace `target` with the file that `produce(tmpPath)` writes. */
export async function replaceFileAtomically(
  target: string,
  produce: (tmpPath: string) => void | Promise<void>,
): Promise<void> {
  const tmp = temporaryPathFor(target);
  try {
    await produce(tmp);
    fsyncPath(tmp);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(target));
}

/** Atomically replace `target` with `bytes`. */
export function writeFileAtomic(target: string, bytes: Uint8Array | string): void {
  const tmp = temporaryPathFor(target);
  try {
    const fd = openSync(tmp, "w");
    try {
      const buffer = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
      let written = 0;
      while (written < buffer.length)
        written += writeSync(fd, buffer, written, buffer.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(target));
}
