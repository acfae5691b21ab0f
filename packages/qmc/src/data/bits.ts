/** Base64 bit-stream reader for the generated data modules (no atob/Buffer: runs anywhere). */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decode standard base64 (with or without '=' padding) into bytes. */
export function base64ToBytes(b64: string): Uint8Array {
  const lookup = new Uint8Array(128);
  for (let i = 0; i < ALPHABET.length; i++) lookup[ALPHABET.charCodeAt(i)] = i;
  let len = b64.length;
  while (len > 0 && b64[len - 1] === "=") len--;
  const out = new Uint8Array(Math.floor((len * 3) / 4));
  let acc = 0;
  let nacc = 0;
  let o = 0;
  for (let i = 0; i < len; i++) {
    acc = ((acc << 6) | lookup[b64.charCodeAt(i)]) & 0xffffff;
    nacc += 6;
    if (nacc >= 8) {
      nacc -= 8;
      out[o++] = (acc >> nacc) & 0xff;
    }
  }
  return out;
}

/** MSB-first reader of unsigned fields of up to 31 bits. */
export class BitReader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}

  read(width: number): number {
    let v = 0;
    for (let i = 0; i < width; i++, this.pos++)
      v = (v << 1) | ((this.bytes[this.pos >> 3] >> (7 - (this.pos & 7))) & 1);
    return v >>> 0;
  }
}
