/// <reference path="../gifenc.d.ts" />
/**
 * Animated GIF of rendered frames (gifenc). All frames share one palette built from the first,
 * middle and last frame (a colormap has at most 256 colours plus the black/white of the labels),
 * so colours do not flicker between frames.
 */
import gifenc from "gifenc";
import type { Raster } from "./raster.js";

export function encodeGif(frames: readonly Raster[], delayMs = 100): Uint8Array {
  if (frames.length === 0) throw new Error("encodeGif: no frames");
  const { width, height } = frames[0];
  const sample = [frames[0], frames[Math.floor(frames.length / 2)], frames[frames.length - 1]];
  const joined = new Uint8Array(sample.reduce((n, f) => n + f.data.length, 0));
  let o = 0;
  for (const f of sample) {
    joined.set(f.data, o);
    o += f.data.length;
  }
  const palette = gifenc.quantize(joined, 256);
  const encoder = gifenc.GIFEncoder();
  for (const frame of frames) {
    const index = gifenc.applyPalette(frame.data, palette);
    encoder.writeFrame(index, width, height, { palette, delay: delayMs });
  }
  encoder.finish();
  return encoder.bytes();
}
