/**
 * MATLAB v7.3 .mat files are HDF5 files preceded by a 512-byte user block holding MATLAB's
 * 128-byte MAT-file header. h5wasm cannot create a user block, so we add it afterwards:
 * HDF5 addresses are relative to the superblock's base address, so prepending 512 bytes and
 * setting base address = 512 keeps every internal address valid (this is what h5jam does).
 * h5wasm writes superblock version 2/3, which ends with a Jenkins lookup3 checksum of its bytes,
 * recomputed here.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { FileFormatError } from "./errors.js";

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
export const USER_BLOCK_SIZE = 512;

function rot(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** Bob Jenkins' lookup3 hashlittle (2006), the checksum of HDF5 metadata (H5_checksum_lookup3). */
export function lookup3(bytes: Uint8Array, initval = 0): number {
  let length = bytes.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  let k = 0;
  const word = (o: number) =>
    (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16) | (bytes[o + 3] << 24)) >>> 0;
  while (length > 12) {
    a = (a + word(k)) >>> 0;
    b = (b + word(k + 4)) >>> 0;
    c = (c + word(k + 8)) >>> 0;
    // mix(a, b, c)
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c;
  // Last block: bytes added little-endian into a, b, c (the switch fall-through of the C code).
  const tail = [0, 0, 0];
  for (let i = 0; i < length; i++) tail[Math.floor(i / 4)] += bytes[k + i] * 2 ** (8 * (i % 4));
  a = (a + tail[0]) >>> 0;
  b = (b + tail[1]) >>> 0;
  c = (c + tail[2]) >>> 0;
  // final(a, b, c)
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 24)) >>> 0;
  return c;
}

/** MATLAB's 128-byte MAT-file header (text, subsystem offset, version 0x0200, endian "IM"). */
export function matlabHeader(created = new Date()): Uint8Array {
  const header = new Uint8Array(128).fill(0x20);
  const text = `MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: ${created.toUTCString()} HDF5 schema 1.00 .`;
  for (let i = 0; i < Math.min(116, text.length); i++) header[i] = text.charCodeAt(i);
  header.fill(0, 116, 124); // subsystem data offset: none
  header[124] = 0x00; // version 0x0200, little-endian
  header[125] = 0x02;
  header[126] = 0x49; // 'I'
  header[127] = 0x4d; // 'M'
  return header;
}

/** Bytes of a v2/v3 superblock with 8-byte addresses: 12 + 4 x 8 + checksum 4. */
const SUPERBLOCK_BYTES = 48;
const CHECKSUM_AT = 44;

/**
 * Check a v2/v3 superblock written without a user block (base address 0) and patch it in place
 * for one of USER_BLOCK_SIZE bytes: base address 512, end-of-file address + 512 (it counts
 * from the start of the file, as h5py's user-block files show), checksum recomputed.
 * Layout: signature 8, version 1, offset size 1, length size 1, flags 1, base address 8,
 * extension address 8, end-of-file address 8, root object header address 8, checksum 4.
 */
function patchSuperblock(sb: Uint8Array, path: string): void {
  const fn = "addUserBlock";
  if (sb.length < SUPERBLOCK_BYTES || !SIGNATURE.every((b, i) => sb[i] === b)) {
    throw new FileFormatError(fn, path, "an HDF5 signature at offset 0", "other bytes");
  }
  const version = sb[8];
  const offsetSize = sb[9];
  if ((version !== 2 && version !== 3) || offsetSize !== 8) {
    throw new FileFormatError(
      fn,
      path,
      "superblock version 2 or 3 with 8-byte addresses",
      `version ${version}, ${offsetSize}-byte addresses`,
    );
  }
  const view = new DataView(sb.buffer, sb.byteOffset, SUPERBLOCK_BYTES);
  const base = view.getBigUint64(12, true);
  if (base !== 0n) throw new FileFormatError(fn, path, "base address 0", `base address ${base}`);
  if (lookup3(sb.subarray(0, CHECKSUM_AT)) !== view.getUint32(CHECKSUM_AT, true)) {
    throw new FileFormatError(fn, path, "a valid superblock checksum", "a mismatch");
  }
  view.setBigUint64(12, BigInt(USER_BLOCK_SIZE), true);
  view.setBigUint64(28, view.getBigUint64(28, true) + BigInt(USER_BLOCK_SIZE), true);
  view.setUint32(CHECKSUM_AT, lookup3(sb.subarray(0, CHECKSUM_AT)), true);
}

function userBlock(header: Uint8Array): Uint8Array {
  const block = new Uint8Array(USER_BLOCK_SIZE);
  block.set(header.subarray(0, USER_BLOCK_SIZE));
  return block;
}

/**
 * Prepend a 512-byte user block to an HDF5 file image written without one (superblock v2/v3
 * at offset 0, base address 0), holding `header` at its start.
 */
export function addUserBlock(file: Uint8Array, header: Uint8Array, path: string): Uint8Array {
  const out = new Uint8Array(USER_BLOCK_SIZE + file.length);
  out.set(userBlock(header), 0);
  out.set(file, USER_BLOCK_SIZE);
  patchSuperblock(out.subarray(USER_BLOCK_SIZE, USER_BLOCK_SIZE + SUPERBLOCK_BYTES), path);
  return out;
}

/** The same, file to file, streaming in 8 MiB pieces (datasets can exceed the memory). */
export function addUserBlockToFile(source: string, target: string, header: Uint8Array): void {
  const input = openSync(source, "r");
  const output = openSync(target, "w");
  try {
    const first = new Uint8Array(SUPERBLOCK_BYTES);
    if (readSync(input, first, 0, SUPERBLOCK_BYTES, 0) !== SUPERBLOCK_BYTES) {
      throw new FileFormatError("addUserBlock", source, "an HDF5 superblock", "a shorter file");
    }
    patchSuperblock(first, source);
    writeAll(output, userBlock(header));
    writeAll(output, first);
    const buffer = new Uint8Array(8 << 20);
    let position = SUPERBLOCK_BYTES;
    for (;;) {
      const n = readSync(input, buffer, 0, buffer.length, position);
      if (n === 0) break;
      writeAll(output, buffer.subarray(0, n));
      position += n;
    }
  } finally {
    closeSync(input);
    closeSync(output);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
}
