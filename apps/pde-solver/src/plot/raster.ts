/** An RGBA raster with the few drawing primitives the plots need, and PNG encoding (pngjs). */
import pngjs from "pngjs";
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyph } from "./font.js";

export type RGB = readonly [number, number, number];

export class Raster {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: RGB = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) {
      this.data[p * 4] = background[0];
      this.data[p * 4 + 1] = background[1];
      this.data[p * 4 + 2] = background[2];
      this.data[p * 4 + 3] = 255;
    }
  }

  set(x: number, y: number, c: RGB): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
  }

  get(x: number, y: number): RGB {
    const o = (y * this.width + x) * 4;
    return [this.data[o], this.data[o + 1], this.data[o + 2]];
  }

  fillRect(x: number, y: number, w: number, h: number, c: RGB): void {
    for (let j = y; j < y + h; j++) for (let i = x; i < x + w; i++) this.set(i, j, c);
  }

  strokeRect(x: number, y: number, w: number, h: number, c: RGB): void {
    this.line(x, y, x + w - 1, y, c);
    this.line(x, y + h - 1, x + w - 1, y + h - 1, c);
    this.line(x, y, x, y + h - 1, c);
    this.line(x + w - 1, y, x + w - 1, y + h - 1, c);
  }

  /** Bresenham line between integer end points. */
  line(x0: number, y0: number, x1: number, y1: number, c: RGB): void {
    let [x, y] = [Math.round(x0), Math.round(y0)];
    const [xe, ye] = [Math.round(x1), Math.round(y1)];
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    for (;;) {
      this.set(x, y, c);
      if (x === xe && y === ye) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /** Draw text with the bitmap font; (x, y) is the top-left corner. */
  text(x: number, y: number, text: string, scale: number, c: RGB = [0, 0, 0]): void {
    let cx = x;
    for (const ch of text) {
      const rows = glyph(ch);
      for (let r = 0; r < GLYPH_HEIGHT; r++)
        for (let b = 0; b < GLYPH_WIDTH; b++)
          if ((rows[r] >> (GLYPH_WIDTH - 1 - b)) & 1)
            this.fillRect(cx + b * scale, y + r * scale, scale, scale, c);
      cx += (GLYPH_WIDTH + 1) * scale;
    }
  }

  /** PNG file bytes (8-bit RGBA). */
  toPng(): Uint8Array {
    const png = new pngjs.PNG({ width: this.width, height: this.height });
    png.data = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
    const bytes = pngjs.PNG.sync.write(png);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
